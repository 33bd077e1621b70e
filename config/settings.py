"""Load and validate the one TOML configuration file plus the environment.

Secrets (bot tokens, access tokens) come only from environment variables, never from the file,
so that a config file can be shared or committed without leaking anything. Every error names the
file, the field and what is wrong.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from babel import Locale
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from config.buddy_matching import buddy_matching
from config.exposure import shown_database_url
from config.locales import LOCALES
from config.moderation import ModerationSettings, load_moderation_settings
from config.monitoring import MonitoringSettings, load_monitoring_settings
from config.privacy import PrivacySettings, load_privacy_settings
from config.programme import PromptSettings, load_prompt_settings
from config.translation import TranslationSettings, load_translation_settings

PACKAGE_DIR = Path(__file__).resolve().parent
EXAMPLE_CONFIG = PACKAGE_DIR / "ouderkring.example.toml"

ENV_CONFIG = "OUDERKRING_CONFIG"
ENV_DATABASE_URL = "OUDERKRING_DATABASE_URL"
ENV_TELEGRAM_TOKEN = "OUDERKRING_TELEGRAM_TOKEN"
ENV_MATRIX_TOKEN = "OUDERKRING_MATRIX_ACCESS_TOKEN"
ENV_TELEGRAM_WEBHOOK_URL = "OUDERKRING_TELEGRAM_WEBHOOK_URL"
ENV_TELEGRAM_WEBHOOK_PORT = "OUDERKRING_TELEGRAM_WEBHOOK_PORT"
ENV_TELEGRAM_WEBHOOK_SECRET = "OUDERKRING_TELEGRAM_WEBHOOK_SECRET"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CODE = re.compile(r"^[A-Za-z0-9]{4,32}$")
_PC4 = re.compile(r"^[1-9][0-9]{3}$")
_IDENTITY = re.compile(r"^[a-z]+:.+$")
ADMIN_FORM = '"platform:user id", such as "telegram:123456789" or "matrix:@ann:example.org"'
_SECRET_KEYS = {"token", "access_token", "password", "secret", "bot_token"}
_MAX_NAME = 120  # the length of the name columns in the database
# The database drivers Ouderkring installs: SQLite's is built in, psycopg comes with [postgres].
_DRIVERS = {"sqlite": "sqlite", "sqlite+pysqlite": "sqlite", "postgresql+psycopg": "postgresql"}
# Where a ConfigError about an environment variable points instead of a file.
ENVIRONMENT = "(environment)"
# The field of a ConfigError about the file as a whole.
FILE = "(file)"


class ConfigError(Exception):
    """A configuration problem, told as file (or environment variable), field and what is wrong."""

    def __init__(self, path: Path | str, field_name: str, problem: str) -> None:
        self.path = str(path)
        self.field = field_name
        self.problem = problem
        super().__init__(f"{path}: {field_name}: {problem}")

    def describe(self) -> str:
        """One line for the person installing the bot."""
        if self.path == ENVIRONMENT:
            return f"Configuration error in environment variable {self.field}: {self.problem}"
        if self.field == FILE:
            return f"Configuration error in {self.path}: {self.problem}"
        return f"Configuration error in {self.path}, field {self.field}: {self.problem}"


@dataclass(frozen=True)
class NeighbourhoodSpec:
    name: str
    postcode_areas: tuple[str, ...]
    centre: tuple[float, float]


@dataclass(frozen=True)
class CommunitySpec:
    slug: str
    name: str
    city: str
    invite_code: str
    default_locale: str
    home_languages: tuple[str, ...]
    neighbourhoods: tuple[NeighbourhoodSpec, ...]
    # The `[buddy_matching]` table (config/buddy_matching.py): limits of a matching round.
    buddy_matching: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TelegramSettings:
    """The `[telegram]` table; the token and the webhook secret come from the environment."""

    mode: str = "polling"  # or "webhook"
    username: str | None = None  # the bot's @name (for deep links); else asked from Telegram
    api_url: str = "https://api.telegram.org"  # a local Bot API server, or a test's fake
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"  # behind a reverse proxy that terminates TLS
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)


PLATFORMS = ("telegram", "matrix")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class MatrixSpec:
    """The bot's Matrix account; the access token comes from the environment."""

    homeserver: str  # e.g. "https://matrix.example.org"
    user_id: str  # e.g. "@ouderkring:example.org"
    device_id: str | None = None  # the device of the access token (checked at start)


_MATRIX_USER = re.compile(r"^@[^:\s]+:[^\s]+$")


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
    telegram_token: str | None = field(default=None, repr=False)
    matrix_access_token: str | None = field(default=None, repr=False)
    platforms: tuple[str, ...] = ()  # what `ouderkring run` runs on
    telegram: TelegramSettings | None = None
    matrix: MatrixSpec | None = None
    prompts: PromptSettings = field(default_factory=PromptSettings)
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    translation: TranslationSettings = field(default_factory=TranslationSettings)

    def is_admin(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self.admins

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


class _Reader:
    """Typed access to one TOML table that reports errors with their dotted field name."""

    def __init__(self, path: Path, data: dict[str, Any], prefix: str = "") -> None:
        self.path, self.data, self.prefix = path, data, prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.name(key), problem)

    def get(
        self, key: str, kind: type | tuple[type, ...], default: Any = ..., required: bool = False
    ) -> Any:
        if key not in self.data:
            if required or default is ...:
                raise self.fail(key, "is missing")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            raise self.fail(key, f"must be a {expected}, not {type(value).__name__}")
        return value

    def table(self, key: str, default_empty: bool = True) -> _Reader:
        value = self.get(key, dict, {} if default_empty else ...)
        return _Reader(self.path, value, f"{self.name(key)}.")

    def check_unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key in _SECRET_KEYS:
                raise self.fail(key, "secrets belong in environment variables, not in the file")
            if key not in allowed:
                raise self.fail(key, f"unknown setting (allowed: {', '.join(sorted(allowed))})")


def _read_toml(path: Path, field_name: str = FILE) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, field_name, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(path, field_name, "is a folder: give the path of a .toml file") from None
    except PermissionError:
        raise ConfigError(
            path, field_name, "cannot be read (permission denied): check its owner and mode"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(path, field_name, "is not UTF-8 text: save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, field_name, f"not valid TOML ({exc})") from None
    if not data:
        raise ConfigError(
            path, field_name, "is empty: start from a copy of config/ouderkring.example.toml"
        )
    return data


def _text(reader: _Reader, key: str) -> str:
    value: str = reader.get(key, str, required=True)
    if not value.strip() or len(value) > _MAX_NAME:
        raise reader.fail(key, f"must be 1 to {_MAX_NAME} characters")
    return value


def _home_languages(reader: _Reader) -> tuple[str, ...]:
    """Language codes that CLDR names, so each gets a button label in every shipped language."""
    languages = _str_list(reader, "home_languages")
    if not languages:
        raise reader.fail("home_languages", "needs at least 1 language code, such as 'nl'")
    known = Locale("en").languages
    seen: set[str] = set()
    for index, code in enumerate(languages):
        field_name = f"{reader.name('home_languages')}[{index}]"
        if code not in known:
            raise ConfigError(
                reader.path, field_name, f"{code!r} is not a language code that Babel/CLDR knows"
            )
        if code in seen:
            raise ConfigError(reader.path, field_name, f"{code!r} is listed twice")
        seen.add(code)
    return languages


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


def _str_list(
    reader: _Reader, key: str, pattern: re.Pattern[str] | None = None, form: str = ""
) -> tuple[str, ...]:
    """A list of strings; `form` says what a valid item looks like."""
    values = reader.get(key, list, required=True)
    for index, item in enumerate(values):
        if not isinstance(item, str) or (pattern is not None and not pattern.match(item)):
            problem = f"{item!r} is not valid" + (f": use {form}" if form else "")
            raise ConfigError(reader.path, f"{reader.name(key)}[{index}]", problem)
    return tuple(values)


def load_community(path: Path, known_locales: tuple[str, ...]) -> CommunitySpec:
    reader = _Reader(path, _read_toml(path))
    reader.check_unknown(
        {
            "slug",
            "name",
            "city",
            "invite_code",
            "default_locale",
            "home_languages",
            "neighbourhoods",
            "buddy_matching",
        }
    )
    slug = reader.get("slug", str, required=True)
    if not _SLUG.match(slug):
        raise reader.fail("slug", "use lowercase letters, digits and '-', at most 40")
    code = reader.get("invite_code", str, required=True)
    if not _CODE.match(code):
        raise reader.fail("invite_code", "use 4 to 32 letters or digits")
    locale = reader.get("default_locale", str, "nl")
    if locale not in known_locales:
        raise reader.fail(
            "default_locale", f"{locale!r} is not shipped ({', '.join(known_locales)})"
        )
    languages = _home_languages(reader)
    raw_hoods = reader.get("neighbourhoods", list, required=True)
    if not raw_hoods:
        raise reader.fail("neighbourhoods", "needs at least 1 neighbourhood")
    hoods: list[NeighbourhoodSpec] = []
    seen_names: dict[str, int] = {}
    seen_areas: dict[str, str] = {}
    for index, raw in enumerate(raw_hoods):
        if not isinstance(raw, dict):
            raise reader.fail(f"neighbourhoods[{index}]", "must be a table")
        hood = _Reader(path, raw, f"neighbourhoods[{index}].")
        hood.check_unknown({"name", "postcode_areas", "centre"})
        name = _text(hood, "name")
        if name in seen_names:
            raise hood.fail("name", f"{name!r} is already neighbourhoods[{seen_names[name]}]")
        seen_names[name] = index
        areas = _str_list(hood, "postcode_areas", _PC4, '4 digits, such as "6825"')
        if not areas:
            raise hood.fail("postcode_areas", "needs at least 1 postcode area, such as '6825'")
        for area_index, area in enumerate(areas):
            if area in seen_areas:
                raise hood.fail(
                    f"postcode_areas[{area_index}]", f"{area} is already in {seen_areas[area]}"
                )
            seen_areas[area] = name
        centre = hood.get("centre", list, required=True)
        if len(centre) != 2 or not all(isinstance(v, int | float) for v in centre):
            raise hood.fail("centre", "must be [latitude, longitude]")
        lat, lon = float(centre[0]), float(centre[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise hood.fail("centre", "latitude or longitude out of range")
        hoods.append(NeighbourhoodSpec(name, areas, (lat, lon)))
    return CommunitySpec(
        slug=slug,
        name=_text(reader, "name"),
        city=_text(reader, "city"),
        invite_code=code.upper(),
        default_locale=locale,
        home_languages=languages,
        neighbourhoods=tuple(hoods),
        buddy_matching=buddy_matching(reader.table("buddy_matching")),
    )


_WEEKLY = re.compile(
    r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday) ([01]?[0-9]|2[0-3]):([0-5][0-9])$"
)


def load_settings(
    path: Path | str | None = None,
    environ: dict[str, str] | None = None,
    known_locales: tuple[str, ...] = LOCALES,
) -> Settings:
    """Read the config file (argument, else $OUDERKRING_CONFIG, else the shipped example)."""
    env = dict(os.environ if environ is None else environ)
    config_path = Path(path or env.get(ENV_CONFIG) or EXAMPLE_CONFIG).resolve()
    reader = _Reader(config_path, _read_toml(config_path))
    reader.check_unknown(
        {
            "bot",
            "database",
            "communities",
            "buddies",
            "platforms",
            "telegram",
            "matrix",
            "prompts",
            "moderation",
            "privacy",
            "monitoring",
            "translation",
        }
    )

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
        frozenset(_str_list(bot, "admins", _IDENTITY, ADMIN_FORM))
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

    database = reader.table("database")
    database.check_unknown({"url"})
    file_url = _database_url(
        database.get("url", str, "sqlite:///ouderkring.db"), config_path, database.name("url")
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
    url = _database_url(env_url, ENVIRONMENT, ENV_DATABASE_URL) if env_url else file_url

    communities = reader.get("communities", list, [])
    if not communities:
        raise reader.fail(
            "communities", 'needs at least 1 community file, such as communities = ["arnhem.toml"]'
        )
    specs: list[CommunitySpec] = []
    for index, item in enumerate(communities):
        if not isinstance(item, str):
            raise reader.fail(f"communities[{index}]", "must be a file path (string)")
        community_path = config_path.parent / item
        if not community_path.exists():
            # Blamed on the entry in this file: that is where a wrong name is corrected.
            raise reader.fail(f"communities[{index}]", f"file {community_path} not found")
        specs.append(load_community(community_path, known_locales))
    slugs = [spec.slug for spec in specs]
    codes = [spec.invite_code for spec in specs]
    if len(set(slugs)) != len(slugs) or len(set(codes)) != len(codes):
        raise reader.fail("communities", "two communities share a slug or an invite code")

    platforms = _str_list(reader, "platforms") if "platforms" in reader.data else ()
    for index, name in enumerate(platforms):
        if name not in PLATFORMS:
            raise reader.fail(
                f"platforms[{index}]", f"{name!r} is not one of {', '.join(PLATFORMS)}"
            )
    telegram = _load_telegram(reader, "telegram" in platforms, env)
    matrix = _load_matrix(reader, "matrix" in platforms, env)

    return Settings(
        source=config_path,
        database_url=url,
        default_locale=default_locale,
        admins=admins,
        communities=tuple(specs),
        role_code_days=role_code_days,
        outbox_max_attempts=max_attempts,
        sent_retention_days=retention,
        buddy_follow_up_days=follow_up_days,
        answer_hours=answer_hours,
        buddy_weekly_round=weekly_round.strip().lower() if weekly_round else None,
        telegram_token=env.get(ENV_TELEGRAM_TOKEN) or None,
        matrix_access_token=env.get(ENV_MATRIX_TOKEN) or None,
        platforms=platforms,
        telegram=telegram,
        matrix=matrix,
        prompts=load_prompt_settings(config_path, reader.get("prompts", dict, {})),
        moderation=load_moderation_settings(config_path, reader.get("moderation", dict, {})),
        privacy=load_privacy_settings(reader),
        monitoring=load_monitoring_settings(reader, env),
        translation=load_translation_settings(reader, env),
    )


def _load_telegram(reader: _Reader, required: bool, env: dict[str, str]) -> TelegramSettings:
    """The `[telegram]` table (all optional); with `required` (platforms has "telegram") the
    token, and in webhook mode the URL and the secret, must be there."""
    table = reader.table("telegram")
    table.check_unknown(
        {"mode", "username", "api_url", "webhook_url", "webhook_listen", "webhook_port"}
    )
    mode = table.get("mode", str, "polling")
    if mode not in ("polling", "webhook"):
        raise table.fail("mode", 'must be "polling" or "webhook"')
    username = table.get("username", str, None)
    if username is not None and not re.match(r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$", username):
        raise table.fail("username", "is not a Telegram bot username")
    api_url = table.get("api_url", str, "https://api.telegram.org").rstrip("/")
    if not api_url.startswith(("https://", "http://")):
        raise table.fail("api_url", "must be an http(s) URL")
    url = env.get(ENV_TELEGRAM_WEBHOOK_URL) or table.get("webhook_url", str, None)
    port_text = env.get(ENV_TELEGRAM_WEBHOOK_PORT)
    if port_text is not None:
        if not port_text.isdigit():
            raise ConfigError(ENVIRONMENT, ENV_TELEGRAM_WEBHOOK_PORT, "must be a port number")
        port = int(port_text)
    else:
        port = table.get("webhook_port", int, 8443)
    if not 1 <= port <= 65535:
        raise table.fail("webhook_port", "must be between 1 and 65535")
    secret = env.get(ENV_TELEGRAM_WEBHOOK_SECRET) or None
    telegram = TelegramSettings(
        mode=mode,
        username=username.lstrip("@") if username else None,
        api_url=api_url,
        webhook_url=url,
        webhook_listen=table.get("webhook_listen", str, "127.0.0.1"),
        webhook_port=port,
        webhook_secret=secret,
    )
    if required:
        if not env.get(ENV_TELEGRAM_TOKEN):
            raise ConfigError(
                ENVIRONMENT, ENV_TELEGRAM_TOKEN, "platforms has telegram: set the bot token"
            )
        if mode == "webhook":
            if not url or not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
                problem = f"webhook mode needs an https URL (or {ENV_TELEGRAM_WEBHOOK_URL})"
                raise table.fail("webhook_url", problem)
            if secret is None or not _WEBHOOK_SECRET.match(secret):
                raise ConfigError(
                    ENVIRONMENT,
                    ENV_TELEGRAM_WEBHOOK_SECRET,
                    "webhook mode needs a secret of 1 to 256 letters, digits, _ or -",
                )
    return telegram


def _load_matrix(reader: _Reader, required: bool, env: dict[str, str]) -> MatrixSpec | None:
    if "matrix" not in reader.data:
        if required:
            raise reader.fail("matrix", 'is missing (platforms has "matrix")')
        return None
    table = reader.table("matrix")
    table.check_unknown({"homeserver", "user_id", "device_id"})
    homeserver = table.get("homeserver", str, required=True).rstrip("/")
    if not homeserver.startswith(("https://", "http://")):
        raise table.fail("homeserver", "must be a URL such as https://matrix.example.org")
    user_id = table.get("user_id", str, required=True)
    if not _MATRIX_USER.match(user_id):
        raise table.fail("user_id", "must be a Matrix user id such as @ouderkring:example.org")
    device_id = table.get("device_id", str, None)
    if required and not env.get(ENV_MATRIX_TOKEN):
        raise ConfigError(
            ENVIRONMENT, ENV_MATRIX_TOKEN, "platforms has matrix: set the bot's access token"
        )
    return MatrixSpec(homeserver, user_id, device_id or None)
