"""Deep links and QR codes: `https://t.me/<bot>?start=<code>` opens the bot and sends
`/start <code>`, so a parent who scans the poster at the school door lands in onboarding for
the right community."""

from __future__ import annotations

import re
from pathlib import Path

import segno

# Telegram allows A-Z, a-z, 0-9, _ and - in a start parameter, at most 64 characters.
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def deep_link(bot_username: str, code: str) -> str:
    username = bot_username.lstrip("@")
    if not _USERNAME.match(username):
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    if not _START_PARAMETER.match(code):
        raise ValueError("a start code may hold only letters, digits, _ and -, at most 64")
    return f"https://t.me/{username}?start={code}"


def write_qr(link: str, folder: Path, stem: str) -> tuple[Path, Path]:
    """Write the link as a QR code, `<stem>.png` (for print, 10 px a module) and `<stem>.svg`
    (scales to any poster size). Error correction level Q survives a dirty or torn poster."""
    folder.mkdir(parents=True, exist_ok=True)
    qr = segno.make(link, error="q", micro=False)
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    qr.save(str(png), scale=10, border=4)
    qr.save(str(svg), scale=10, border=4, title=link)
    return png, svg
