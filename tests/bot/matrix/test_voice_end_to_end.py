"""Voice notes on Matrix: the whole bot against a real Synapse. A parent who asks to listen gets
each text and then an m.audio voice note (OGG/Opus uploaded to the homeserver, with its
duration in milliseconds), which their client downloads and plays."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from community.clock import FakeClock
from tests.bot.matrix.conftest import Parent
from tests.bot.matrix.test_end_to_end import (
    TWO,
    Bot,
    bot_settings,
    last_event_of,
    open_chat,
    start_bot,
    stop_bot,
)
from tests.bot.matrix.test_media_end_to_end import download
from tests.support.synapse import MatrixUser, SynapseServer


@pytest.fixture
async def bot(synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path) -> AsyncIterator[Bot]:
    running = await start_bot(bot_settings(synapse, bot_user, tmp_path / "bot.db"), FakeClock())
    yield running
    await stop_bot(running)


async def _from_bot(parent: Parent, room_id: str, bot_id: str) -> list[dict[str, Any]]:
    return [
        e["content"]
        for e in await parent.messages(room_id, limit=200)
        if e["type"] == "m.room.message" and e["sender"] == bot_id
    ]


async def test_a_listening_parent_gets_m_audio_notes(
    bot: Bot, synapse: SynapseServer, make_parent
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent("lina")
    room_id = await open_chat(bot, parent)
    await parent.say(room_id, "/start ARNHEM")
    await bot.turn()
    question = await last_event_of(parent, room_id, bot.user_id)
    await parent.send(
        room_id,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": question, "key": TWO}},
    )
    await bot.turn()  # English
    await parent.say(room_id, "1")  # consent
    await bot.turn()
    shown = await _from_bot(parent, room_id, bot.user_id)
    assert shown[-1]["body"].endswith("🔊 I prefer listening")  # the postcode question's option
    await parent.say(room_id, "I prefer listening")  # typed without the pictogram
    await bot.turn()

    shown = await _from_bot(parent, room_id, bot.user_id)
    texts = [c for c in shown if c["msgtype"] == "m.text"]
    assert texts[-2]["body"].startswith("Voice notes are on.")
    assert texts[-1]["body"] == "What is your postcode? For example: 6825 AB"
    assert [c["msgtype"] for c in shown[-4:]] == ["m.text", "m.audio", "m.text", "m.audio"]
    note = shown[-3]
    assert note["info"]["mimetype"] == "audio/ogg"
    assert "org.matrix.msc3245.voice" in note
    data = await download(synapse, parent, note["url"])
    assert note["info"]["size"] == len(data)
    assert soundfile.info(io.BytesIO(data)).subtype == "OPUS"
    samples, rate = soundfile.read(io.BytesIO(data))
    assert abs(len(samples) / rate * 1000 - note["info"]["duration"]) < 100
    assert note["info"]["duration"] > 3000  # three sentences
    assert float(np.sqrt(np.mean(samples**2))) > 0.01
