"""Handlers never load from the database behind an attribute.

The domain (community/) reads what an event needs and hands handlers plain values, or entities
whose columns are loaded; a handler that followed a relationship of one would send a query
nobody planned for, outside the domain. Installed for the whole suite (tests/conftest.py): a
lazy load of a relationship started from code in the `bot` package fails the test that caused
it, with where it happened. SQLAlchemy has no public hook for this; the loader's method is
wrapped (it fails loudly at install should SQLAlchemy rename it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy
from sqlalchemy.orm import strategies

import bot

_BOT = str(Path(bot.__file__).parent) + "/"
_SQLALCHEMY = str(Path(sqlalchemy.__file__).parent) + "/"
_seen: list[str] = []


def install(setattr_: Callable[[Any, str, Any], None]) -> None:
    loader = strategies._LazyLoader  # noqa: SLF001
    original = loader._load_for_state  # noqa: SLF001

    def watched(self: Any, state: Any, passive: Any, *args: Any, **kwargs: Any) -> Any:
        frame = _caller(sys._getframe(1))  # noqa: SLF001
        if frame is not None and frame.f_code.co_filename.startswith(_BOT):
            where = f"{frame.f_code.co_filename[len(_BOT) :]}:{frame.f_lineno}"
            _seen.append(f"bot/{where} loads {self.parent_property}")
        return original(self, state, passive, *args, **kwargs)

    setattr_(loader, "_load_for_state", watched)


def _caller(frame: FrameType | None) -> FrameType | None:
    """The first frame outside SQLAlchemy: the code that read the attribute."""
    while frame is not None and frame.f_code.co_filename.startswith(_SQLALCHEMY):
        frame = frame.f_back
    return frame


def take() -> list[str]:
    """The lazy loads from the bot package since the last call."""
    seen = list(_seen)
    _seen.clear()
    return seen
