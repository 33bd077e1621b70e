"""QR codes for posters: a platform's join link as PNG (for print) and SVG (any size)."""

from __future__ import annotations

from pathlib import Path

import segno


def write_qr(link: str, folder: Path, stem: str) -> tuple[Path, Path]:
    """Write the link as a QR code, `<stem>.png` (for print, 10 px a module) and `<stem>.svg`
    (scales to any poster size). Error correction level Q survives a dirty or torn poster."""
    folder.mkdir(parents=True, exist_ok=True)
    qr = segno.make(link, error="q", micro=False)
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    qr.save(str(png), scale=10, border=4)
    qr.save(str(svg), scale=10, border=4, title=link)
    return png, svg
