"""Reading the TOML files of the configuration: typed access to a table whose errors name the
file, the dotted field and what is wrong. Every loader in config uses it; it imports nothing
of ours, so the loaders import it and not each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

# Where a ConfigError about an environment variable points instead of a file.
ENVIRONMENT = "(environment)"
# The field of a ConfigError about the file as a whole.
FILE = "(file)"
_SECRET_KEYS = {"token", "access_token", "password", "secret", "bot_token"}


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


class Reader:
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

    def table(self, key: str, default_empty: bool = True) -> Reader:
        value = self.get(key, dict, {} if default_empty else ...)
        return Reader(self.path, value, f"{self.name(key)}.")

    def check_unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key in _SECRET_KEYS:
                raise self.fail(key, "secrets belong in environment variables, not in the file")
            if key not in allowed:
                raise self.fail(key, f"unknown setting (allowed: {', '.join(sorted(allowed))})")


def read_toml(path: Path, field_name: str = FILE) -> dict[str, Any]:
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


def str_list(
    reader: Reader, key: str, pattern: re.Pattern[str] | None = None, form: str = ""
) -> tuple[str, ...]:
    """A list of strings; `form` says what a valid item looks like."""
    values = reader.get(key, list, required=True)
    for index, item in enumerate(values):
        if not isinstance(item, str) or (pattern is not None and not pattern.match(item)):
            problem = f"{item!r} is not valid" + (f": use {form}" if form else "")
            raise ConfigError(reader.path, f"{reader.name(key)}[{index}]", problem)
    return tuple(values)
