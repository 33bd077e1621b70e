"""Handlers never load from the database behind an attribute.

The domain (community/) reads what an event needs and hands handlers plain values (views,
community/views.py; tests/community/test_domain_plain.py checks its signatures). This
guards the rest of the `bot` package, the engine included, at run time: code there that
followed a relationship of a row (or read an expired column) would send a query nobody
planned for, outside the domain. Installed for the whole suite (tests/conftest.py): such a
load started from code in the `bot` package fails the test that caused it, with where it
happened. The `ouderkring` command's modules (bot/cli*.py) are not watched: an admin's
command runs its own transaction on the services, as a script would. SQLAlchemy has no
public hook for this: the method that
every attribute read without a value goes through is wrapped (at class level, so that the
loaders mappers registered before are seen too; it fails loudly at install should SQLAlchemy
rename it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy
from sqlalchemy.orm import attributes

import bot

_BOT = str(Path(bot.__file__).parent) + "/"
_SQLALCHEMY = str(Path(sqlalchemy.__file__).parent) + "/"
_seen: list[str] = []


def install(setattr_: Callable[[Any, str, Any], None]) -> None:
    impl = attributes._AttributeImpl  # noqa: SLF001
    original = impl._fire_loader_callables  # noqa: SLF001

    def watched(self: Any, state: Any, key: str, passive: Any) -> Any:
        value = original(self, state, key, passive)
        if value is not attributes.ATTR_EMPTY:
            frame = _caller(sys._getframe(1))  # noqa: SLF001
            path = frame.f_code.co_filename if frame is not None else ""
            if path.startswith(_BOT) and not path[len(_BOT) :].startswith("cli"):
                where = f"bot/{path[len(_BOT) :]}:{frame.f_lineno}"  # type: ignore[union-attr]
                _seen.append(f"{where} loads {state.class_.__name__}.{key}")
        return value

    setattr_(impl, "_fire_loader_callables", watched)


def _caller(frame: FrameType | None) -> FrameType | None:
    """The first frame outside SQLAlchemy: the code that read the attribute."""
    while frame is not None and frame.f_code.co_filename.startswith(_SQLALCHEMY):
        frame = frame.f_back
    return frame


def take() -> list[str]:
    """The loads from the bot package since the last call."""
    seen = list(_seen)
    _seen.clear()
    return seen
