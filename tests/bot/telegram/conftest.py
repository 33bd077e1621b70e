"""Fixtures for the Telegram adapter: a fake Bot API server on loopback and a real PTB bot
pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.telegram.adapter import TelegramOptions, make_bot
from bot.telegram.limiter import FloodLimits
from tests.support.fake_telegram import FakeTelegram

# Tests run with generous limits (the benchmark uses Telegram's own).
FAST = FloodLimits(overall=1000, group=1000)


def options_for(fake: FakeTelegram, **extra) -> TelegramOptions:  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "token": fake.token,
        "base_url": fake.base_url,
        "base_file_url": fake.base_file_url,
        "poll_timeout": 1,
        "limits": FAST,
    }
    values.update(extra)
    return TelegramOptions(**values)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(fake: FakeTelegram):  # type: ignore[no-untyped-def]
    made = make_bot(options_for(fake))
    await made.initialize()
    yield made
    await made.shutdown()
