"""Counting messages per person in memory, to slow down whoever floods a group or the bot.

The counters live in this process, not in the database: counting must not add a write to every
message on the normal path, and a flood must be refused before it costs a transaction. A restart
forgets the counts, which only hands a flooder a fresh window; with several processes each
counts its own events (one process per platform in the shipped setup).

Fixed windows: the first event of a key opens a window of `seconds`; the event that goes over
`limit` in it is told once (`Verdict.FIRST_OVER`), later ones in the same window are dropped
(`Verdict.OVER`). Thread-safe: the engine handles events on a small worker pool.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Hashable
from datetime import datetime, timedelta

# Forget windows that ended once this many keys are counted, so memory stays bounded.
SWEEP_AT = 10_000


class Verdict(enum.Enum):
    OK = "ok"
    FIRST_OVER = "first_over"  # say "slow down" once
    OVER = "over"  # drop quietly


class FloodGuard:
    def __init__(self, limit: int, seconds: int) -> None:
        self.limit = limit
        self.window = timedelta(seconds=seconds)
        self._lock = threading.Lock()
        self._counts: dict[Hashable, tuple[datetime, int]] = {}

    def count(self, key: Hashable, now: datetime) -> Verdict:
        with self._lock:
            start, seen = self._counts.get(key, (now, 0))
            if now - start >= self.window or now < start:
                start, seen = now, 0
            seen += 1
            self._counts[key] = (start, seen)
            if len(self._counts) > SWEEP_AT:
                self._sweep(now)
        if seen <= self.limit:
            return Verdict.OK
        return Verdict.FIRST_OVER if seen == self.limit + 1 else Verdict.OVER

    def _sweep(self, now: datetime) -> None:
        ended = [key for key, (start, _) in self._counts.items() if now - start >= self.window]
        for key in ended:
            del self._counts[key]
