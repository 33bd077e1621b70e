"""A community's space and rooms on Matrix, made on a coordinator's command, with a real Synapse:
the rules pinned, a parent invited after onboarding and removed after /stop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import nio
import pytest
from sqlalchemy import select

from community.clock import FakeClock
from community.models import Room
from tests.bot.matrix.conftest import Parent
from tests.bot.matrix.test_end_to_end import (
    Bot,
    bot_says,
    bot_settings,
    onboard,
    open_chat,
    start_bot,
    stop_bot,
)
from tests.support.synapse import MatrixUser, SynapseServer


@pytest.fixture
async def coordinator(synapse: SynapseServer) -> MatrixUser:
    return synapse.register_unique("coordinator")


@pytest.fixture
async def bot(
    synapse: SynapseServer, bot_user: MatrixUser, coordinator: MatrixUser, tmp_path: Path
) -> AsyncIterator[Bot]:
    admins = frozenset({f"matrix:{coordinator.user_id}"})
    running = await start_bot(
        bot_settings(synapse, bot_user, tmp_path / "bot.db", admins), FakeClock()
    )
    yield running
    await stop_bot(running)


def stored_rooms(bot: Bot) -> dict[str, str]:
    with bot.app.session_factory() as session:
        return {room.purpose or "": room.chat_id for room in session.scalars(select(Room))}


async def invited_to(parent) -> set[str]:  # type: ignore[no-untyped-def]
    response = await parent.client.sync(timeout=0, full_state=True)
    assert isinstance(response, nio.SyncResponse)
    return set(response.rooms.invite)


@pytest.mark.slow
async def test_space_rooms_rules_invite_and_removal(
    bot: Bot, coordinator: MatrixUser, make_parent
) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.matrix.conftest import Parent

    client = nio.AsyncClient(bot.transport.client.homeserver, coordinator.user_id)
    client.restore_login(coordinator.user_id, coordinator.device_id, coordinator.access_token)
    coord = Parent(coordinator, client)
    try:
        chat = await open_chat(bot, coord)
        await coord.say(chat, "/rooms")
        await bot.turn()
        await bot.turn()
        said = await bot_says(coord, chat, bot.user_id)
        assert said[-1].startswith("Ik maak de groepen van Ouderkring Arnhem")
        made = stored_rooms(bot)
        hoods = [purpose for purpose in made if purpose.startswith("hood-")]
        assert "space" in made and "tips" in made and len(hoods) >= 2

        admin = bot.transport.client
        space = made["space"]
        create = await admin.room_get_state_event(space, "m.room.create")
        assert create.content.get("type") == "m.space"
        for purpose, room_id in made.items():
            if purpose == "space":
                continue
            child = await admin.room_get_state_event(space, "m.space.child", room_id)
            assert isinstance(child, nio.RoomGetStateEventResponse), (purpose, child)
            pinned = await admin.room_get_state_event(room_id, "m.room.pinned_events")
            assert isinstance(pinned, nio.RoomGetStateEventResponse), (purpose, pinned)
            rules = await admin.room_get_event(room_id, pinned.content["pinned"][0])
            assert rules.event.source["content"]["body"].startswith("Welkom! Wees aardig")
        name = await admin.room_get_state_event(made["tips"], "m.room.name")
        assert name.content["name"] == "Tips en vragen"

        await coord.say(chat, "/rooms")  # again: nothing made twice
        await bot.turn()
        assert stored_rooms(bot) == made
        assert (await bot_says(coord, chat, bot.user_id))[
            -1
        ] == "Ouderkring Arnhem heeft hier al groepen."

        parent = await make_parent("eva")
        dm = await open_chat(bot, parent)
        await onboard(bot, parent, dm)  # postcode 6825 AB: Presikhaaf-Oost
        await bot.turn()
        invites = await invited_to(parent)
        assert {made["space"], made["tips"]} <= invites
        assert len(invites & {made[h] for h in hoods}) == 1  # only the own neighbourhood
        await parent.join(made["tips"])

        await parent.say(dm, "/stop")
        await bot.turn()
        await parent.say(dm, "1")  # yes, stop
        await bot.turn()
        members = await admin.joined_members(made["tips"])
        assert parent.user_id not in {m.user_id for m in members.members}
    finally:
        await client.close()


@pytest.mark.slow
async def test_knocks_are_answered(bot: Bot, coordinator: MatrixUser, make_parent) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.matrix.conftest import Parent

    client = nio.AsyncClient(bot.transport.client.homeserver, coordinator.user_id)
    client.restore_login(coordinator.user_id, coordinator.device_id, coordinator.access_token)
    coord = Parent(coordinator, client)
    try:
        chat = await open_chat(bot, coord)
        await coord.say(chat, "/rooms")
        await bot.turn()
        tips = stored_rooms(bot)["tips"]

        stranger = await make_parent("stranger")
        knocked = await stranger.client.room_knock(tips)
        assert isinstance(knocked, nio.RoomKnockResponse), knocked
        await bot.turn()
        members = await bot.transport.client.joined_members(tips)
        assert stranger.user_id not in {m.user_id for m in members.members}
        invites = await invited_to(stranger)  # a direct chat from the bot, with how to join
        assert len(invites) == 1
        dm = invites.pop()
        await stranger.join(dm)
        assert "/start" in (await bot_says(stranger, dm, bot.user_id))[0]

        parent = await make_parent("fatima")
        own = await open_chat(bot, parent)
        await onboard(bot, parent, own)
        await bot.turn()
        await parent.client.room_leave(tips)  # declines the invitation, then changes her mind
        await bot.turn()
        knocked = await parent.client.room_knock(tips)
        assert isinstance(knocked, nio.RoomKnockResponse), knocked
        await bot.turn()
        assert tips in await invited_to(parent)
    finally:
        await client.close()


@pytest.fixture
async def coord(bot: Bot, coordinator: MatrixUser) -> AsyncIterator[Parent]:
    """The coordinator's own Matrix client."""
    client = nio.AsyncClient(bot.transport.client.homeserver, coordinator.user_id)
    client.restore_login(coordinator.user_id, coordinator.device_id, coordinator.access_token)
    yield Parent(coordinator, client)
    await client.close()


async def test_an_upgraded_room_is_followed(bot: Bot, coord: Parent) -> None:
    chat = await open_chat(bot, coord)
    await coord.say(chat, "/rooms")
    await bot.turn()
    tips = stored_rooms(bot)["tips"]
    # The homeserver's own room upgrade (as an admin would do it): a tombstone in the old room
    # names the new one.
    admin = bot.transport.client
    url = f"{admin.homeserver}/_matrix/client/v3/rooms/{tips}/upgrade"
    headers = {"Authorization": f"Bearer {admin.access_token}"}
    body = {"new_version": "10"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=body, headers=headers) as response,
    ):
        assert response.status == 200, await response.text()
        new = (await response.json())["replacement_room"]
    await bot.turn()
    assert stored_rooms(bot)["tips"] == new
    members = await admin.joined_members(new)
    assert bot.user_id in {m.user_id for m in members.members}


async def test_linkgroup_needs_the_power_to_administer_the_room(bot: Bot, coord: Parent) -> None:
    """/linkgroup counts only from someone whose power level in the room is at least its
    state_default (and 50): the power levels nio keeps for the room, from Synapse."""
    chat = await open_chat(bot, coord)
    await coord.say(chat, "/rooms")
    await bot.turn()
    tips = stored_rooms(bot)["tips"]
    admin = bot.transport.client
    invited = await admin.room_invite(tips, coord.user_id)
    assert isinstance(invited, nio.RoomInviteResponse), invited
    await coord.join(tips)
    await bot.turn()

    # Power level 0 in the bot's room: refused, whoever they are to the bot
    await coord.say(tips, "/linkgroup")
    await bot.turn()
    said = await bot_says(coord, tips, bot.user_id)
    assert said[-1] == (
        "Alleen een beheerder van deze groep kan hem koppelen. Maak jezelf hier eerst beheerder."
    )

    # The bot (power level 100 there) makes them a room admin: now it counts
    levels = await admin.room_get_state_event(tips, "m.room.power_levels")
    assert isinstance(levels, nio.RoomGetStateEventResponse), levels
    content = dict(levels.content)
    content["users"] = {**content.get("users", {}), coord.user_id: 100}
    put = await admin.room_put_state(tips, "m.room.power_levels", content)
    assert isinstance(put, nio.RoomPutStateResponse), put
    await bot.turn()
    await coord.say(tips, "/linkgroup")
    await bot.turn()
    said = await bot_says(coord, tips, bot.user_id)
    assert any(line.startswith("Deze groep hoort nu bij Ouderkring Arnhem.") for line in said)
