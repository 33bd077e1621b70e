"""A support reminder: where to find help (the programme sends it; nobody writes one with /new)."""

from __future__ import annotations

from community.prompt_kinds.kind import PromptKind


class Support(PromptKind):
    name = "support"
    order = 40
    label = "programme.kind.support"
    route_label = "routekaart.kind.support"
    writable = False


KIND = Support()
