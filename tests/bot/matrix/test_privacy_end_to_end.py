"""/mydata and /privacy on Matrix, end to end: the real app and adapter against a real Synapse.
The JSON file arrives in the direct chat as an m.file named ouderkring-mydata.json, and the
parent's client downloads the same data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from community.clock import FakeClock
from tests.bot.matrix.test_end_to_end import (
    Bot,
    bot_says,
    bot_settings,
    onboard,
    open_chat,
    start_bot,
    stop_bot,
)
from tests.bot.matrix.test_media_end_to_end import download, media_events
from tests.support.synapse import MatrixUser, SynapseServer


@pytest.fixture
async def bot(synapse: SynapseServer, bot_user: MatrixUser, tmp_path: Path) -> AsyncIterator[Bot]:
    running = await start_bot(bot_settings(synapse, bot_user, tmp_path / "bot.db"), FakeClock())
    yield running
    await stop_bot(running)


async def test_mydata_arrives_as_an_m_file_with_the_same_data(
    bot: Bot, synapse: SynapseServer, make_parent
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent("dora")
    room_id = await open_chat(bot, parent)
    await onboard(bot, parent, room_id)
    await parent.say(room_id, "/mydata")
    await bot.turn()

    [content] = await media_events(parent, room_id, bot.user_id)
    assert content["msgtype"] == "m.file"
    assert content["filename"] == "ouderkring-mydata.json"
    assert content["info"]["mimetype"] == "application/json"
    assert content["body"] == "All of this is also in this file. A computer can read it."
    data = json.loads(await download(synapse, parent, content["url"]))
    assert (data["account"]["platform"], data["account"]["user_id"]) == ("matrix", parent.user_id)
    assert data["parent_profile"]["postcode_area"] == "6825"
    said = await bot_says(parent, room_id, bot.user_id)
    assert "Postcode area: 6825" in "\n".join(said)
    assert said[-1] == "Do you want me to erase it all? Send /stop."


async def test_privacy_before_joining(bot: Bot, make_parent) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent("eva")
    room_id = await open_chat(bot, parent)
    await parent.say(room_id, "/privacy")
    await bot.turn()
    said = await bot_says(parent, room_id, bot.user_id)
    controller = bot.app.settings.privacy.controller
    assert controller is not None and controller in said[0]
    assert any("/mydata" in text and "/stop" in text for text in said)
