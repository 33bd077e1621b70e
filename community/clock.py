"""The clock port: services ask it for the time, so tests can move time on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until told to move."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 9, 1, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class ShiftedClock:
    """The system's time, moved on by the console's `/tick HH:MM` to show what happens later
    (a prompt after the quiet hours, the afternoon digest) without waiting for it."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def advance(self, **delta: float) -> None:
        self.shift += timedelta(**delta)
