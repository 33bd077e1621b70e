"""The domain gives handlers plain values and takes them back: no stored row (a SQLAlchemy
entity, which could load behind an attribute) crosses between a handler and `Domain`.

Read from the type hints, so that a new area method that hands out a `Room` instead of a
`RoomView` fails here, before any handler reads it; and from the handlers' imports, which
take only the enums of `community.models` (plain values too)."""

from __future__ import annotations

import ast
import enum
import inspect
import typing
from dataclasses import dataclass, fields, is_dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import community.models as models
import community.views as views
from community.models.base import Base
from community.services.domain import Domain

ROOT = Path(__file__).resolve().parents[2]
HANDLER_CODE = [ROOT / "bot" / "engine" / "handlers", ROOT / "bot" / "engine" / "context"]


def _rows_in(hint: Any, seen: set[type] | None = None) -> set[str]:
    """The stored-row classes a type hint names, however deep: in its arguments
    (list[tuple[Room, int]]) and in the fields of the dataclasses it names (a report's
    entries)."""
    seen = set() if seen is None else seen
    found = {hint.__name__} if isinstance(hint, type) and issubclass(hint, Base) else set()
    if isinstance(hint, type) and is_dataclass(hint) and hint not in seen:
        seen.add(hint)
        for value in typing.get_type_hints(hint).values():
            found |= _rows_in(value, seen)
    for arg in typing.get_args(hint):
        found |= _rows_in(arg, seen)
    return found


def _areas() -> dict[str, type]:
    return {
        name: typing.get_type_hints(member.func)["return"]
        for name, member in vars(Domain).items()
        if isinstance(member, cached_property)
    }


def test_every_area_takes_and_gives_plain_values() -> None:
    areas = _areas()
    assert {"communities", "people", "rooms", "prompts", "buddies", "dialogues"} <= set(areas)
    crossing = []
    checked = 0
    for area_name, area in areas.items():
        for name, method in inspect.getmembers(area, inspect.isfunction):
            if name.startswith("_"):
                continue
            checked += 1
            for part, hint in typing.get_type_hints(method).items():
                rows = _rows_in(hint)
                if rows:
                    crossing.append(f"domain.{area_name}.{name} ({part}): {sorted(rows)}")
    assert checked > 80  # every area's methods were read
    assert crossing == []


@dataclass
class _Report:
    rooms: list[models.Room]


def test_the_check_sees_a_row_in_a_hint() -> None:
    assert _rows_in(list[tuple[models.Room, int]] | None) == {"Room"}
    assert _rows_in(dict[str, _Report]) == {"Room"}
    assert _rows_in(dict[str, views.RoomView]) == set()


def test_views_hold_only_plain_values() -> None:
    for view in views.View.__subclasses__():
        hints = typing.get_type_hints(view)
        for item in fields(view):
            assert _rows_in(hints[item.name]) == set(), f"{view.__name__}.{item.name}"


def test_a_view_is_a_copy_that_changing_does_not_reach_the_row() -> None:
    row = models.Community(
        id=3, slug="a", name="A", city="Arnhem", invite_code="X", default_locale="nl",
        home_languages=["tr"], programme_times=None,
    )  # fmt: skip
    seen = views.CommunityView.of(row)
    assert (seen.id, seen.name, seen.home_languages) == (3, "A", ["tr"])
    seen.home_languages.append("ar")
    assert row.home_languages == ["tr"]


def test_handlers_import_no_stored_row() -> None:
    plain = {name for name, value in vars(models).items() if isinstance(value, type)}
    plain = {name for name in plain if issubclass(getattr(models, name), enum.Enum)}
    found = []
    for folder in HANDLER_CODE:
        for path in sorted(folder.glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module == "community.models":
                    found += [f"{path.name}: {a.name}" for a in node.names if a.name not in plain]
    assert plain >= {"Role", "PairStatus"}
    assert found == []
