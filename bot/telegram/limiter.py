"""Keep within Telegram's flood limits: about 30 messages a second overall and about 20 a
minute in one group (PTB wiki "Avoiding flood limits"; Telegram does not publish exact values).

A python-telegram-bot `BaseRateLimiter` with sliding windows, so that in no window of one
second (one minute for a group) more messages leave than the limit allows. A short wait (the
overall window) is waited out here; a long one (a group that used its 20 a minute) is not:
the request fails at once with `RetryAfter`, so the outbox sends that group's message later
and goes on with other chats. A `RetryAfter` from Telegram itself pauses every request for the
time Telegram asked and is passed on (no retries here: the outbox reschedules).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# Telegram counts messages the bot makes or changes; reading, answering a button tap and
# managing members are not limited this way.
_COUNTED_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage")


@dataclass(frozen=True)
class FloodLimits:
    overall: int = 30
    overall_period: float = 1.0
    group: int = 20
    group_period: float = 60.0
    # A little slack: the windows are kept on our clock, Telegram measures on arrival.
    margin: float = 0.03
    # A wait longer than this is not waited out: the request fails with RetryAfter instead.
    max_wait: float = 2.0


def retry_after_seconds(exc: RetryAfter) -> float:
    """`RetryAfter.retry_after` as float seconds (an int or a timedelta, by PTB setting)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _retry_after(seconds: float) -> RetryAfter:
    import warnings

    with warnings.catch_warnings():  # PTB 22 warns about its own int/timedelta migration
        warnings.simplefilter("ignore")
        return RetryAfter(max(1, int(seconds + 0.999)))


class FloodLimiter(BaseRateLimiter[None]):
    def __init__(
        self, limits: FloodLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or FloodLimits()
        self._clock = clock
        self._overall: deque[float] = deque()
        self._groups: dict[int | str, deque[float]] = defaultdict(deque)
        self._lock = asyncio.Lock()
        self._paused_until = 0.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @staticmethod
    def counted(endpoint: str) -> bool:
        return endpoint.startswith(_COUNTED_PREFIXES) and endpoint != "sendChatAction"

    @staticmethod
    def _is_group(chat_id: Any) -> bool:
        if isinstance(chat_id, str):
            return chat_id.startswith("@") or chat_id.lstrip().startswith("-")
        return isinstance(chat_id, int) and chat_id < 0

    def _wait_for(self, now: float, chat_id: Any) -> float:
        """Seconds until this request fits both windows (0: now)."""
        lim = self.limits
        period = lim.overall_period * (1 + lim.margin)
        window = self._overall
        while window and window[0] <= now - period:
            window.popleft()
        wait = max(0.0, self._paused_until - now)
        if len(window) >= lim.overall:
            wait = max(wait, window[0] + period - now)
        if self._is_group(chat_id):
            group_period = lim.group_period * (1 + lim.margin)
            group = self._groups[chat_id]
            while group and group[0] <= now - group_period:
                group.popleft()
            if len(group) >= lim.group:
                wait = max(wait, group[0] + group_period - now)
        return wait

    async def _reserve(self, chat_id: Any) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                wait = self._wait_for(now, chat_id)
                if wait <= 0:
                    self._overall.append(now)
                    if self._is_group(chat_id):
                        self._groups[chat_id].append(now)
                    return
                if wait > self.limits.max_wait:
                    raise _retry_after(wait)
                await asyncio.sleep(wait)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if self.counted(endpoint):
            await self._reserve(data.get("chat_id"))
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as exc:
            # Telegram asked for a pause: hold every request that long, and pass the error on.
            self._paused_until = max(self._paused_until, self._clock() + retry_after_seconds(exc))
            raise
