"""Prompt kinds (a tip, a question, an invitation, a support reminder...), one module each.

Services and handlers ask the kind object (`of(prompt.kind)`) what to do instead of comparing
names: its buttons, how its answers are taken and counted, its digest and route map lines, its
messages and pictogram. Adding a kind: a new module here defining `KIND` (see `tip.py` for the
smallest and `invitation.py` for one with answers), plus its catalog messages."""

from __future__ import annotations

from community.prompt_kinds.kind import PromptKind, When
from community.prompt_kinds.registry import discover, find, kinds, names, of, register, unregister

discover(__name__, __path__)

__all__ = ["PromptKind", "When", "find", "kinds", "names", "of", "register", "unregister"]
