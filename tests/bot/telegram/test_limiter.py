"""The flood limiter keeps sliding windows: never more than the limit in any window."""

from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from bot.telegram.limiter import FloodLimiter, FloodLimits


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def ok() -> bool:
    return True


async def test_overall_window_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    monkeypatch.setattr("bot.telegram.limiter.asyncio.sleep", sleep)
    limiter = FloodLimiter(FloodLimits(overall=30, margin=0.0), clock)
    for _ in range(30):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert slept == []
    await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert slept == [1.0]
    # Reading and answering taps are not counted.
    await limiter.process_request(ok, (), {}, "answerCallbackQuery", {}, None)
    assert slept == [1.0]


async def test_a_full_group_fails_fast_instead_of_blocking_everyone() -> None:
    clock = Clock()
    limiter = FloodLimiter(FloodLimits(group=20, margin=0.0), clock)
    for _ in range(20):
        clock.now += 0.1
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": -100}, None)
    with pytest.raises(RetryAfter):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": -100}, None)
    # A private chat is not held back by the group.
    await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 5}, None)
