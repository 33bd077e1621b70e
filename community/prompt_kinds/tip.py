"""A tip: an activity to do with the children, text only (and maybe a photo or video)."""

from __future__ import annotations

from community.prompt_kinds.kind import PromptKind


class Tip(PromptKind):
    name = "tip"
    order = 10
    label = "new.kind.tip"
    route_label = "routekaart.kind.tip"


KIND = Tip()
