"""Small values the adapter keeps across restarts: the sync token, the direct rooms it opened.

The app backs this with the `platform_state` table; tests may use `MemoryState`.
"""

from __future__ import annotations

import hashlib
from typing import Protocol


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
_MAX_KEY = 60  # platform_state.key is a String(60)


def dm_key(user_id: str) -> str:
    """The key under which the direct room with `user_id` is kept (hashed when too long)."""
    key = f"dm:{user_id}"
    if len(key) <= _MAX_KEY:
        return key
    return "dm#" + hashlib.sha256(user_id.encode()).hexdigest()[:40]
