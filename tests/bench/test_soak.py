"""The soak benchmark's short version: real `ouderkring run` processes killed with SIGKILL while
parents onboard and a broadcast goes out, on the fake Bot API. Nothing is lost, nothing goes
twice beyond Telegram's documented window, and every onboarding finishes where it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak import soak


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_killed_again_and_again_nothing_is_lost(database_url: str, tmp_path: Path) -> None:
    figures = await soak(parents=4, messages=80, kills=3, url=database_url, folder=tmp_path)
    assert figures.expected == 80
    assert figures.lost == 0 and figures.delivered == 80
    # Telegram has no idempotency key: at most the send in flight in each chat at each kill.
    assert figures.doubled <= figures.kills
    assert figures.onboarded == 4  # each resumed at its step after every kill
    assert len(figures.restarts) == 3
