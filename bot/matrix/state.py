"""Small values the adapter keeps across restarts: the sync token, the direct rooms it opened.

The app backs this with the `platform_state` table; tests may use `MemoryState`.
"""

from __future__ import annotations

from typing import Protocol

from community.services.platform_state import direct_chat_key


class State(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None: ...


class MemoryState:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    async def get(self, key: str) -> str | None:
        return self.values.get(key)

    async def set(self, key: str, value: str) -> None:
        self.values[key] = value


NEXT_BATCH = "next_batch"


def dm_key(user_id: str) -> str:
    """The key under which the direct room with `user_id` is kept (erased with the person)."""
    return direct_chat_key(user_id)
