"""Per-platform state kept in the database (`platform_state`): what an adapter must remember
across restarts, such as Matrix's sync token and direct rooms."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.engine.threads import run_blocking
from community.clock import Clock
from community.services import platform_state


class PlatformState:
    """A platform adapter's own keys and values (a sync token, direct rooms) in the
    `platform_state` table, once bound to the app's database."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._sessions: sessionmaker[Session] | None = None
        self._clock: Clock | None = None

    def bind(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions, self._clock = sessions, clock

    def _factory(self) -> sessionmaker[Session]:
        if self._sessions is None:
            raise RuntimeError("PlatformState used before bind()")
        return self._sessions

    async def get(self, key: str) -> str | None:
        def read() -> str | None:
            with self._factory()() as session:
                return platform_state.get(session, self.platform, key)

        return await run_blocking(read)

    async def set(self, key: str, value: str) -> None:
        def write() -> None:
            assert self._clock is not None
            with self._factory().begin() as session:
                platform_state.put(session, self.platform, key, value, self._clock)

        await run_blocking(write)
