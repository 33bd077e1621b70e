"""The chat platforms there are: one line each. The settings loader reads each one's section,
`ouderkring run` runs those that `platforms` names and `ouderkring link` makes their links.
A new platform is a package (its settings section, transport and listener, bot/kit helps)
plus one line here."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.kit.platform import Platform
from bot.matrix.platform import MATRIX
from bot.telegram.platform import TELEGRAM
from community.services.prompts.programme import check_programme
from config.locales import LOCALES
from config.settings import Settings
from config.settings import load_settings as load_config

PLATFORMS: dict[str, Platform] = {
    "telegram": TELEGRAM,
    "matrix": MATRIX,
}


def load_settings(
    path: Path | str | None = None,
    environ: Mapping[str, str] | None = None,
    known_locales: tuple[str, ...] = LOCALES,
    platforms: Mapping[str, Platform] | None = None,
) -> Settings:
    """The settings, each platform's section read by that platform (`platforms`: the registry,
    or another one in a test)."""
    chosen = PLATFORMS if platforms is None else platforms
    loaders = {name: platform.load_section for name, platform in chosen.items()}
    settings = load_config(path, environ, known_locales, platforms=loaders)
    check_programme(settings.prompts)
    return settings
