"""Keep within Telegram's flood limits: about 30 messages a second overall and about 20 a
minute in one group (PTB wiki "Avoiding flood limits"; Telegram does not publish exact values).

A python-telegram-bot `BaseRateLimiter` with two rules:

- **Sliding windows**, never more than the limit in any one second (any one minute for a
  group). A message counts in the window from the moment Telegram *answered* it, which is
  after it arrived there: however slow the network, Telegram never sees more than the limit
  in its own window.
- **Even pacing** a little under the limit (one message each 1/30 s plus `margin`), with a
  small catch-up allowance. Sending in even steps instead of bursts leaves room between two
  messages, so a short pause on our side (a database write between sends) costs nothing.

A short wait is waited out here; a long one (a group that used its 20 a minute, or a pause
Telegram asked for) is not: the request fails at once with `RetryAfter`, so the outbox sends
that message later and goes on with other chats. A `RetryAfter` from Telegram itself pauses
the chat it was about for the time Telegram asked (every request, when it named no chat) and
is passed on (no retries here: the outbox reschedules); a paused chat's next request fails at
once with the rest of the pause, so one chat's pause never holds up the others.
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
    # Pace this much under the limit (0.01: 1% slower than 30 a second).
    margin: float = 0.01
    # After a pause on our side, up to this many seconds of messages may go at once.
    catch_up: float = 0.2
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


class _Sent:
    """One counted request: when it started, and when Telegram answered it (None: in flight)."""

    __slots__ = ("answered", "started")

    def __init__(self, started: float) -> None:
        self.started = started
        self.answered: float | None = None


class FloodLimiter(BaseRateLimiter[None]):
    def __init__(
        self, limits: FloodLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or FloodLimits()
        self._clock = clock
        self._overall: deque[_Sent] = deque()
        self._groups: dict[int | str, deque[_Sent]] = defaultdict(deque)
        self._lock = asyncio.Lock()
        self._paused_until = 0.0  # every request (a 429 that named no chat)
        self._chat_paused: dict[int | str, float] = {}  # one chat (a 429 for a send to it)
        self._next_slot = 0.0

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

    @staticmethod
    def _window_wait(window: deque[_Sent], limit: int, period: float, now: float) -> float:
        """Seconds until one more request fits in `window` (in-flight requests count as now)."""
        while window and window[0].answered is not None and window[0].answered <= now - period:
            window.popleft()
        times = sorted(now if s.answered is None else s.answered for s in window)
        times = [t for t in times if t > now - period]
        if len(times) < limit:
            return 0.0
        return times[len(times) - limit] + period - now

    def _wait_for(self, now: float, chat_id: Any) -> float:
        """Seconds until this request may go (0: now)."""
        lim = self.limits
        wait = max(0.0, self._paused_until - now)
        wait = max(wait, self._window_wait(self._overall, lim.overall, lim.overall_period, now))
        if self._is_group(chat_id):
            group = self._groups[chat_id]
            wait = max(wait, self._window_wait(group, lim.group, lim.group_period, now))
        return wait

    def _spacing(self) -> float:
        lim = self.limits
        return lim.overall_period * (1 + lim.margin) / lim.overall

    def _check_chat(self, chat_id: Any) -> None:
        """A chat Telegram paused: fail at once (never wait under the lock that others need)."""
        if chat_id is None:
            return
        until = self._chat_paused.get(chat_id)
        if until is None:
            return
        left = until - self._clock()
        if left <= 0:
            del self._chat_paused[chat_id]
            return
        raise _retry_after(left)

    async def _reserve(self, chat_id: Any) -> _Sent:
        self._check_chat(chat_id)
        async with self._lock:
            while True:
                now = self._clock()
                slot = max(self._next_slot, now - self.limits.catch_up)
                wait = max(self._wait_for(now, chat_id), slot - now)
                if wait <= 0:
                    self._next_slot = slot + self._spacing()
                    sent = _Sent(now)
                    self._overall.append(sent)
                    if self._is_group(chat_id):
                        self._groups[chat_id].append(sent)
                    return sent
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
        sent = await self._reserve(data.get("chat_id")) if self.counted(endpoint) else None
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as exc:
            # Telegram asked for a pause: hold that chat's requests (every request, when it was
            # about no chat) that long, and pass the error on.
            until = self._clock() + retry_after_seconds(exc)
            chat_id = data.get("chat_id")
            if chat_id is None:
                self._paused_until = max(self._paused_until, until)
            else:
                self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), until)
            raise
        finally:
            if sent is not None:
                sent.answered = self._clock()
