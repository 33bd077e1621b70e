"""Carrying out an action by its type: each transport lists a method per action type it
supports, and every other action (a new one, one the platform lacks) fails the same way, as a
permanent SendError that names the platform. Actions on an earlier message first need its
platform id. Labels longer than the platform shows (`Capabilities.max_label`) are shortened here,
for every action that carries buttons, whoever queued it."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.engine.port import Capabilities, Delivery, SendError
from community.actions import (
    Action,
    Button,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    PinMessage,
    SendMessage,
)

# The actions that act on an earlier message (its platform id is the delivery's target).
ON_A_MESSAGE: tuple[type[Action], ...] = (EditMessage, ClearButtons, PinMessage, DeleteMessage)

Perform = Callable[[Delivery], Awaitable[str | None]]
ELLIPSIS = "\u2026"


def fit_labels(delivery: Delivery, max_label: int | None) -> Delivery:
    """The delivery with every button label at most `max_label` characters: a longer one is cut
    and ends in an ellipsis. What a press means is in the button's data, not its label."""
    action = delivery.action
    if max_label is None or not isinstance(action, SendMessage | EditMessage):
        return delivery
    if all(len(b.label) <= max_label for b in action.buttons):
        return delivery
    buttons = tuple(
        b if len(b.label) <= max_label else Button(_cut(b.label, max_label), b.data)
        for b in action.buttons
    )
    return dataclasses.replace(delivery, action=dataclasses.replace(action, buttons=buttons))


def _cut(label: str, limit: int) -> str:
    return label[: max(limit - 1, 0)].rstrip() + ELLIPSIS


async def dispatch(
    delivery: Delivery,
    methods: Mapping[Any, Perform],
    title: str,
    capabilities: Capabilities | None = None,
) -> str | None:
    """Hand the delivery to the method for its action's type."""
    action = delivery.action
    if isinstance(action, CreateRoom) and capabilities is not None and not capabilities.groups:
        raise SendError(f"{title} has no group rooms", permanent=True)
    if capabilities is not None:
        delivery = fit_labels(delivery, capabilities.max_label)
    method = next((m for kind, m in methods.items() if isinstance(action, kind)), None)
    if method is None:
        raise SendError(f"action {action.kind!r} is not supported on {title}", permanent=True)
    if isinstance(action, ON_A_MESSAGE) and not delivery.target_remote_id:
        # The message it is about was never sent (or is unknown): nothing to act on.
        raise SendError(f"{action.kind}: the earlier message has no {title} id", permanent=True)
    return await method(delivery)
