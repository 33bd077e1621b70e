"""A broadcast of 500 outbox messages through the real adapter to the fake Bot API that
enforces the limits (scaled up so the test is quick): none twice, none lost, the blocked ones
marked unreachable, and Telegram's 429s obeyed."""

from __future__ import annotations

from bench.broadcast_telegram import broadcast


async def test_broadcast_of_500_messages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = await broadcast(
        parents=500,
        rate=250,
        blocked=3,
        database_url=f"sqlite:///{tmp_path / 'broadcast.db'}",
        inject_429=2,
        timeout=30,
    )
    assert result.duplicates == 0
    assert result.lost == 0
    assert result.delivered == 497 and result.unreachable == 3
    assert result.rate_limited == 2  # only the two injected: the limiter kept under the limit
    assert result.max_per_second <= 250
