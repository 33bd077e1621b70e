"""The flood limiter: even pacing under the limit, sliding windows counted from Telegram's
answer, a full group fails fast, Telegram's own 429 pauses the chat it was about."""

from __future__ import annotations

import pytest
from telegram.error import RetryAfter

from bot.telegram.limiter import FloodLimiter, FloodLimits


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()

    async def sleep(seconds: float) -> None:
        clock.now += seconds

    monkeypatch.setattr("bot.telegram.limiter.asyncio.sleep", sleep)
    return clock


def at_most_in_any_window(times: list[float], period: float) -> int:
    return max(sum(1 for t in times if start <= t < start + period) for start in times)


async def test_even_pacing_just_under_the_limit(clock: Clock) -> None:
    limiter = FloodLimiter(FloodLimits(overall=30, margin=0.01, catch_up=0.0), clock)
    arrived: list[float] = []

    async def send() -> bool:
        arrived.append(clock.now)
        clock.now += 0.004  # Telegram answers in 4 ms
        return True

    for _ in range(300):
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert at_most_in_any_window(arrived, 1.0) <= 30
    rate = (len(arrived) - 1) / (arrived[-1] - arrived[0])
    assert rate > 29.5  # 99% of the limit
    # Answering button taps is not counted and not delayed.
    before = clock.now
    await limiter.process_request(send, (), {}, "answerCallbackQuery", {}, None)
    assert clock.now == pytest.approx(before + 0.004)


async def test_the_window_counts_from_telegrams_answer(clock: Clock) -> None:
    limiter = FloodLimiter(FloodLimits(overall=2, overall_period=1.0, catch_up=10.0), clock)

    starts: list[float] = []

    async def slow() -> bool:
        starts.append(clock.now)
        clock.now += 0.5  # a slow network: Telegram saw the request late
        return True

    for _ in range(3):
        await limiter.process_request(slow, (), {}, "sendMessage", {"chat_id": 1}, None)
    # The third waits until one second after the first *answer* (0.5 + 1.0), not its start.
    assert starts[2] == pytest.approx(1.5)


async def test_a_full_group_fails_fast_instead_of_blocking_everyone(clock: Clock) -> None:
    limiter = FloodLimiter(FloodLimits(group=20), clock)

    async def ok() -> bool:
        return True

    for _ in range(20):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": -100}, None)
    with pytest.raises(RetryAfter):
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": -100}, None)
    # A private chat is not held back by the group.
    await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 5}, None)


async def test_telegrams_429_for_a_chat_pauses_only_that_chat(clock: Clock) -> None:
    limiter = FloodLimiter(FloodLimits(max_wait=2.0), clock)

    async def flood() -> bool:
        raise RetryAfter(5)

    with pytest.raises(RetryAfter):
        await limiter.process_request(flood, (), {}, "sendMessage", {"chat_id": 1}, None)

    async def ok() -> bool:
        return True

    # Another chat goes on at once, without waiting.
    assert await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 2}, None)
    assert clock.now < 1
    with pytest.raises(RetryAfter) as paused:  # the paused chat fails at once: the outbox retries
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert 4 <= paused.value.retry_after <= 5  # type: ignore[operator]
    assert clock.now < 1
    clock.now += 5
    assert await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 1}, None)


async def test_telegrams_429_about_no_chat_pauses_every_request(clock: Clock) -> None:
    limiter = FloodLimiter(FloodLimits(max_wait=2.0), clock)

    async def flood() -> bool:
        raise RetryAfter(5)

    with pytest.raises(RetryAfter):
        await limiter.process_request(flood, (), {}, "sendMessage", {}, None)

    async def ok() -> bool:
        return True

    with pytest.raises(RetryAfter):  # 5 s is too long to wait here: the outbox retries
        await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 2}, None)
    clock.now += 5
    await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 2}, None)
    clock.now += 5
    await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 2}, None)
