"""The registry of prompt kinds: the stored name (`prompt.kind`, a string column) to its kind.

Every module of this package that defines `KIND` is registered when the package is first
imported, so a new kind is one new module (plus its catalog messages); `register` adds one from
elsewhere (a test's throwaway kind)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from community import pictograms
from community.prompt_kinds.kind import PromptKind

_KINDS: dict[str, PromptKind] = {}


def register(kind: PromptKind) -> PromptKind:
    if kind.name in _KINDS and type(_KINDS[kind.name]) is not type(kind):
        raise ValueError(f"prompt kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    if kind.concept and kind.concept != kind.name:
        # Its buttons in the /new and /programme menus are keyed by its name.
        pictograms.ALIASES.setdefault(kind.name, kind.concept)
    return kind


def unregister(name: str) -> None:
    kind = _KINDS.pop(name, None)
    if kind is not None and kind.concept and pictograms.ALIASES.get(name) == kind.concept:
        del pictograms.ALIASES[name]


def discover(package: str, path: list[str]) -> None:
    """Register the `KIND` of every module of the package (once; imports are cached)."""
    for module in pkgutil.iter_modules(path):
        found = importlib.import_module(f"{package}.{module.name}")
        kind = getattr(found, "KIND", None)
        if isinstance(kind, PromptKind):
            register(kind)


def kinds(where: Callable[[PromptKind], bool] = lambda kind: True) -> list[PromptKind]:
    """The registered kinds (those `where` accepts), in their menu order."""
    return sorted((k for k in _KINDS.values() if where(k)), key=lambda k: (k.order, k.name))


def names(where: Callable[[PromptKind], bool] = lambda kind: True) -> tuple[str, ...]:
    return tuple(kind.name for kind in kinds(where))


def find(name: str) -> PromptKind | None:
    return _KINDS.get(name)


def of(name: str) -> PromptKind:
    """The kind stored as `name`; an unknown name (a kind since removed) reads as a tip."""
    return _KINDS.get(name) or _KINDS["tip"]
