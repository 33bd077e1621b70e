"""Deep links: `https://t.me/<bot>?start=<code>` opens the bot and sends
`/start <code>`, so a parent who scans the poster at the school door lands in onboarding for
the right community."""

from __future__ import annotations

import re

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
