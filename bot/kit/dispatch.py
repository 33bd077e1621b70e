"""Carrying out an action by its type: each transport lists a method per action type it
supports, and every other action (a new one, one the platform lacks) fails the same way, as a
permanent SendError that names the platform. Actions on an earlier message first need its
platform id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.engine.port import Capabilities, Delivery, SendError
from community.actions import (
    Action,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    PinMessage,
)

# The actions that act on an earlier message (its platform id is the delivery's target).
ON_A_MESSAGE: tuple[type[Action], ...] = (EditMessage, ClearButtons, PinMessage, DeleteMessage)

Perform = Callable[[Delivery], Awaitable[str | None]]


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
    method = next((m for kind, m in methods.items() if isinstance(action, kind)), None)
    if method is None:
        raise SendError(f"action {action.kind!r} is not supported on {title}", permanent=True)
    if isinstance(action, ON_A_MESSAGE) and not delivery.target_remote_id:
        # The message it is about was never sent (or is unknown): nothing to act on.
        raise SendError(f"{action.kind}: the earlier message has no {title} id", permanent=True)
    return await method(delivery)
