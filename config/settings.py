"""Load and validate the one TOML configuration file plus the environment.

Secrets (bot tokens, access tokens) come only from environment variables, never from the file,
so that a config file can be shared or committed without leaking anything. Every error names the
file, the field and what is wrong.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
EXAMPLE_CONFIG = PACKAGE_DIR / "ouderkring.example.toml"

ENV_CONFIG = "OUDERKRING_CONFIG"
ENV_DATABASE_URL = "OUDERKRING_DATABASE_URL"
ENV_TELEGRAM_TOKEN = "OUDERKRING_TELEGRAM_TOKEN"
ENV_MATRIX_TOKEN = "OUDERKRING_MATRIX_ACCESS_TOKEN"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CODE = re.compile(r"^[A-Za-z0-9]{4,32}$")
_PC4 = re.compile(r"^[1-9][0-9]{3}$")
_IDENTITY = re.compile(r"^[a-z]+:.+$")
_SECRET_KEYS = {"token", "access_token", "password", "secret", "bot_token"}


class ConfigError(Exception):
    """A configuration problem, told as file, field and what is wrong."""

    def __init__(self, path: Path | str, field_name: str, problem: str) -> None:
        self.path = str(path)
        self.field = field_name
        self.problem = problem
        super().__init__(f"{path}: {field_name}: {problem}")


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


@dataclass(frozen=True)
class MatrixSpec:
    """The bot's Matrix account; the access token comes from the environment."""

    homeserver: str  # e.g. "https://matrix.example.org"
    user_id: str  # e.g. "@ouderkring:example.org"
    device_id: str | None = None  # the device of the access token (checked at start)


PLATFORMS = ("telegram", "matrix")
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
    telegram_token: str | None = field(default=None, repr=False)
    matrix_access_token: str | None = field(default=None, repr=False)
    platforms: tuple[str, ...] = ()  # what `ouderkring run` runs on
    matrix: MatrixSpec | None = None

    def is_admin(self, platform: str, user_id: str) -> bool:
        return f"{platform}:{user_id}" in self.admins


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


def _read_toml(path: Path, field_name: str = "(file)") -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, field_name, "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, field_name, f"not valid TOML ({exc})") from None


def _str_list(reader: _Reader, key: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
    values = reader.get(key, list, required=True)
    for index, item in enumerate(values):
        if not isinstance(item, str) or (pattern is not None and not pattern.match(item)):
            raise ConfigError(reader.path, f"{reader.name(key)}[{index}]", f"{item!r} is not valid")
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
    languages = _str_list(reader, "home_languages", re.compile(r"^[a-z]{2,3}$"))
    raw_hoods = reader.get("neighbourhoods", list, required=True)
    if not raw_hoods:
        raise reader.fail("neighbourhoods", "needs at least 1 neighbourhood")
    hoods: list[NeighbourhoodSpec] = []
    seen_areas: dict[str, str] = {}
    for index, raw in enumerate(raw_hoods):
        if not isinstance(raw, dict):
            raise reader.fail(f"neighbourhoods[{index}]", "must be a table")
        hood = _Reader(path, raw, f"neighbourhoods[{index}].")
        hood.check_unknown({"name", "postcode_areas", "centre"})
        name = hood.get("name", str, required=True)
        areas = _str_list(hood, "postcode_areas", _PC4)
        for area in areas:
            if area in seen_areas:
                raise hood.fail("postcode_areas", f"{area} is already in {seen_areas[area]}")
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
        name=reader.get("name", str, required=True),
        city=reader.get("city", str, required=True),
        invite_code=code.upper(),
        default_locale=locale,
        home_languages=languages,
        neighbourhoods=tuple(hoods),
    )


def load_settings(
    path: Path | str | None = None,
    environ: dict[str, str] | None = None,
    known_locales: tuple[str, ...] = ("nl", "en"),
) -> Settings:
    """Read the config file (argument, else $OUDERKRING_CONFIG, else the shipped example)."""
    env = dict(os.environ if environ is None else environ)
    config_path = Path(path or env.get(ENV_CONFIG) or EXAMPLE_CONFIG).resolve()
    reader = _Reader(config_path, _read_toml(config_path))
    reader.check_unknown({"bot", "database", "communities", "matrix"})

    bot = reader.table("bot")
    bot.check_unknown(
        {
            "default_locale",
            "admins",
            "role_code_days",
            "outbox_max_attempts",
            "sent_retention_days",
            "platforms",
        }
    )
    default_locale = bot.get("default_locale", str, "nl")
    if default_locale not in known_locales:
        raise bot.fail(
            "default_locale", f"{default_locale!r} is not shipped ({', '.join(known_locales)})"
        )
    admins = frozenset(_str_list(bot, "admins", _IDENTITY)) if "admins" in bot.data else frozenset()
    role_code_days = bot.get("role_code_days", int, 14)
    if not 1 <= role_code_days <= 365:
        raise bot.fail("role_code_days", "must be between 1 and 365")
    max_attempts = bot.get("outbox_max_attempts", int, 8)
    if not 1 <= max_attempts <= 100:
        raise bot.fail("outbox_max_attempts", "must be between 1 and 100")

    retention = bot.get("sent_retention_days", int, 30)
    if not 1 <= retention <= 3650:
        raise bot.fail("sent_retention_days", "must be between 1 and 3650")

    database = reader.table("database")
    database.check_unknown({"url"})
    url = env.get(ENV_DATABASE_URL) or database.get("url", str, "sqlite:///ouderkring.db")
    if "://" not in url:
        raise database.fail("url", "must be a database URL such as sqlite:///ouderkring.db")

    communities = reader.get("communities", list, [])
    specs: list[CommunitySpec] = []
    for index, item in enumerate(communities):
        if not isinstance(item, str):
            raise reader.fail(f"communities[{index}]", "must be a file path (string)")
        specs.append(load_community(config_path.parent / item, known_locales))
    slugs = [spec.slug for spec in specs]
    codes = [spec.invite_code for spec in specs]
    if len(set(slugs)) != len(slugs) or len(set(codes)) != len(codes):
        raise reader.fail("communities", "two communities share a slug or an invite code")

    platforms = _str_list(bot, "platforms") if "platforms" in bot.data else ()
    for index, name in enumerate(platforms):
        if name not in PLATFORMS:
            raise bot.fail(f"platforms[{index}]", f"{name!r} is not one of {', '.join(PLATFORMS)}")
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
        telegram_token=env.get(ENV_TELEGRAM_TOKEN) or None,
        matrix_access_token=env.get(ENV_MATRIX_TOKEN) or None,
        platforms=platforms,
        matrix=matrix,
    )


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
        raise table.fail("access_token", f"set the environment variable {ENV_MATRIX_TOKEN}")
    return MatrixSpec(homeserver, user_id, device_id or None)
