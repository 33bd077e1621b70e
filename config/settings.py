"""Load and validate the one TOML configuration file plus the environment.

Secrets (bot tokens, access tokens) come only from environment variables, never from the file,
so that a config file can be shared or committed without leaking anything. Every error names the
file, the field and what is wrong. The community files are read by config/communities.py; each
chat platform reads its own section (bot/<platform>/settings.py), passed in by the caller.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from config.communities import CommunitySpec, NeighbourhoodSpec, load_communities, load_community
from config.exposure import shown_database_url
from config.locales import LOCALES
from config.moderation import ModerationSettings, load_moderation_settings
from config.monitoring import MonitoringSettings, load_monitoring_settings
from config.privacy import PrivacySettings, load_privacy_settings
from config.programme import PromptSettings, load_prompt_settings
from config.reader import ENVIRONMENT, FILE, ConfigError, Reader, read_toml, str_list
from config.translation import TranslationSettings, load_translation_settings

PACKAGE_DIR = Path(__file__).resolve().parent
EXAMPLE_CONFIG = PACKAGE_DIR / "ouderkring.example.toml"

ENV_CONFIG = "OUDERKRING_CONFIG"
ENV_DATABASE_URL = "OUDERKRING_DATABASE_URL"

_IDENTITY = re.compile(r"^[a-z]+:.+$")
ADMIN_FORM = '"platform:user id", such as "telegram:123456789" or "matrix:@ann:example.org"'
# The database drivers Ouderkring installs: SQLite's is built in, psycopg comes with [postgres].
_DRIVERS = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql+psycopg": "postgresql"}


class PlatformSection(Protocol):
    """What the rest of the app reads from any platform's settings section."""

    @property
    def secrets(self) -> tuple[str, ...]: ...

    @property
    def bot_names(self) -> tuple[str, ...]: ...


# Reads one platform's section: (the whole file, whether `platforms` lists the platform, the
# environment) -> its section, or None when it has none. The composition root passes one per
# platform (bot/platforms.py), so config needs to know no platform.
SectionLoader = Callable[[Reader, bool, Mapping[str, str]], PlatformSection | None]


@dataclass(frozen=True)
class Settings:
    source: Path
    database_url: str
    default_locale: str
    admins: frozenset[str]
    communities: tuple[CommunitySpec, ...]
    role_code_days: int = 14
    outbox_max_attempts: int = 8
    sent_retention_days: int = 30
    # Buddies: days from the introduction to "Did you meet?"; the weekly round ("monday 09:00",
    # local time of the server), None for rounds only when a coordinator sends /match.
    buddy_follow_up_days: int = 14
    buddy_weekly_round: str | None = None
    # A question that waits for typed words (a first name, contact details) ends after this.
    answer_hours: int = 48
    platforms: tuple[str, ...] = ()  # what `ouderkring run` runs on
    # Each platform's own section (bot/<platform>/settings.py), by platform name: its table of
    # the file and its secrets from the environment, kept out of repr by the section itself.
    platform_settings: Mapping[str, PlatformSection] = field(default_factory=dict)
    prompts: PromptSettings = field(default_factory=PromptSettings)
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    translation: TranslationSettings = field(default_factory=TranslationSettings)

    def is_admin(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self.admins

    def section(self, platform: str) -> Any:
        """The platform's settings section, or None when it has none."""
        return self.platform_settings.get(platform)

    def secrets(self) -> tuple[str, ...]:
        """The platforms' secrets (tokens, webhook secrets), for the log filter."""
        return tuple(s for section in self.platform_settings.values() for s in section.secrets)

    def bot_names(self) -> tuple[str, ...]:
        """The bot's own names on its platforms (a relayed copy never signs with one)."""
        return tuple(n for section in self.platform_settings.values() for n in section.bot_names)

    def __repr__(self) -> str:
        # The generated repr would show the database password; tokens are left out (repr=False).
        shown = ", ".join(
            f"{f.name}={shown_database_url(self.database_url)!r}"
            if f.name == "database_url"
            else f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self)
            if f.repr
        )
        return f"Settings({shown})"


def _database_url(raw: str, path: Path | str, field_name: str) -> str:
    """Check a database URL without ever repeating it: it may hold a password."""
    example = "such as sqlite:///ouderkring.db or postgresql+psycopg://user@host/db"
    try:
        url: URL = make_url(raw)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(path, field_name, f"is not a database URL ({example})") from None
    if url.drivername not in _DRIVERS:
        hint = (
            "write postgresql+psycopg://... (the driver of the [postgres] extra)"
            if url.get_backend_name() == "postgresql"
            else f"use SQLite or PostgreSQL ({example})"
        )
        raise ConfigError(path, field_name, f"database {url.drivername!r} is not supported: {hint}")
    return raw


_WEEKLY = re.compile(
    r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday) ([01]?[0-9]|2[0-3]):([0-5][0-9])$"
)


def load_settings(
    path: Path | str | None = None,
    environ: Mapping[str, str] | None = None,
    known_locales: tuple[str, ...] = LOCALES,
    platforms: Mapping[str, SectionLoader] | None = None,
) -> Settings:
    """Read the config file (argument, else $OUDERKRING_CONFIG, else the shipped example).
    `platforms`: the platforms there are and how each reads its section (none by default)."""
    env = dict(os.environ if environ is None else environ)
    loaders = dict(platforms or {})
    config_path = Path(path or env.get(ENV_CONFIG) or EXAMPLE_CONFIG).resolve()
    reader = Reader(config_path, read_toml(config_path))
    reader.check_unknown(_TOP_LEVEL | set(loaders))
    bot = _bot_table(reader, known_locales)
    buddies = _buddies_table(reader)
    database_url = _database(reader, env)
    communities = load_communities(reader, known_locales)
    chosen = _platforms(reader, loaders)
    sections = {}
    for name, load in loaders.items():
        section = load(reader, name in chosen, env)
        if section is not None:
            sections[name] = section
    return Settings(
        source=config_path,
        database_url=database_url,
        communities=communities,
        **bot,
        **buddies,
        platforms=chosen,
        platform_settings=sections,
        prompts=load_prompt_settings(config_path, reader.get("prompts", dict, {})),
        moderation=load_moderation_settings(config_path, reader.get("moderation", dict, {})),
        privacy=load_privacy_settings(reader),
        monitoring=load_monitoring_settings(reader, env),
        translation=load_translation_settings(reader, env),
    )


_TOP_LEVEL = {
    "bot",
    "database",
    "communities",
    "buddies",
    "platforms",
    "prompts",
    "moderation",
    "privacy",
    "monitoring",
    "translation",
}


def _bot_table(reader: Reader, known_locales: tuple[str, ...]) -> dict[str, Any]:
    """The `[bot]` table, as keyword arguments of Settings."""
    bot = reader.table("bot")
    bot.check_unknown(
        {
            "default_locale",
            "admins",
            "role_code_days",
            "outbox_max_attempts",
            "sent_retention_days",
        }
    )
    default_locale = bot.get("default_locale", str, "nl")
    if default_locale not in known_locales:
        raise bot.fail(
            "default_locale", f"{default_locale!r} is not shipped ({', '.join(known_locales)})"
        )
    if not isinstance(bot.data.get("admins", []), list):
        raise bot.fail("admins", 'must be a list, such as admins = ["telegram:123456789"]')
    admins = (
        frozenset(str_list(bot, "admins", _IDENTITY, ADMIN_FORM))
        if "admins" in bot.data
        else frozenset()
    )
    role_code_days = bot.get("role_code_days", int, 14)
    if not 1 <= role_code_days <= 365:
        raise bot.fail("role_code_days", "must be between 1 and 365")
    max_attempts = bot.get("outbox_max_attempts", int, 8)
    if not 1 <= max_attempts <= 100:
        raise bot.fail("outbox_max_attempts", "must be between 1 and 100")
    retention = bot.get("sent_retention_days", int, 30)
    if not 1 <= retention <= 3650:
        raise bot.fail("sent_retention_days", "must be between 1 and 3650")
    return {
        "default_locale": default_locale,
        "admins": admins,
        "role_code_days": role_code_days,
        "outbox_max_attempts": max_attempts,
        "sent_retention_days": retention,
    }


def _buddies_table(reader: Reader) -> dict[str, Any]:
    """The `[buddies]` table, as keyword arguments of Settings."""
    buddies = reader.table("buddies")
    buddies.check_unknown({"follow_up_days", "weekly_round", "answer_hours"})
    answer_hours = buddies.get("answer_hours", int, 48)
    if not 1 <= answer_hours <= 720:
        raise buddies.fail("answer_hours", "must be between 1 and 720")
    follow_up_days = buddies.get("follow_up_days", int, 14)
    if not 1 <= follow_up_days <= 90:
        raise buddies.fail("follow_up_days", "must be between 1 and 90")
    weekly_round = buddies.get("weekly_round", str, "") or None
    if weekly_round is not None and _WEEKLY.match(weekly_round.strip().lower()) is None:
        raise buddies.fail("weekly_round", 'must be a weekday and a time, e.g. "monday 09:00"')
    return {
        "buddy_follow_up_days": follow_up_days,
        "answer_hours": answer_hours,
        "buddy_weekly_round": weekly_round.strip().lower() if weekly_round else None,
    }


def _database(reader: Reader, env: Mapping[str, str]) -> str:
    """The `[database]` URL; $OUDERKRING_DATABASE_URL wins."""
    database = reader.table("database")
    database.check_unknown({"url"})
    file_url = _database_url(
        database.get("url", str, "sqlite:///ouderkring.db"), reader.path, database.name("url")
    )
    file_parsed = make_url(file_url)
    if file_parsed.password is not None or "password" in file_parsed.query:
        raise database.fail(
            "url",
            f"secrets belong in environment variables, not in the file: "
            f"put the whole URL in {ENV_DATABASE_URL}",
        )
    # The environment wins, and a mistake there is blamed on the variable, not on the file.
    env_url = env.get(ENV_DATABASE_URL)
    return _database_url(env_url, ENVIRONMENT, ENV_DATABASE_URL) if env_url else file_url


def _platforms(reader: Reader, loaders: Mapping[str, SectionLoader]) -> tuple[str, ...]:
    """`platforms`: the names of platforms there are (the registry the caller passed)."""
    platforms = str_list(reader, "platforms") if "platforms" in reader.data else ()
    for index, name in enumerate(platforms):
        if name not in loaders:
            raise reader.fail(f"platforms[{index}]", f"{name!r} is not one of {', '.join(loaders)}")
    return platforms


__all__ = [
    "ENVIRONMENT",
    "FILE",
    "CommunitySpec",
    "ConfigError",
    "NeighbourhoodSpec",
    "Settings",
    "load_community",
    "load_settings",
]
