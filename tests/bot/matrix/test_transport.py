"""MatrixTransport.perform against a real Synapse: every action kind, idempotent sends, limits."""

from __future__ import annotations

import nio
import pytest

from bot.engine.port import Delivery, SendError
from bot.matrix.client import restore_client
from bot.matrix.state import MemoryState
from bot.matrix.transport import MatrixTransport
from community.actions import (
    Button,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    InviteMember,
    Media,
    PinMessage,
    RemoveMember,
    SendMessage,
    Target,
)
from tests.support.synapse import MatrixUser, SynapseServer

_ids = iter(range(1000, 10**6))


def delivery(chat_id: str, action, target: str | None = None, outbox_id: int | None = None):  # type: ignore[no-untyped-def]
    return Delivery(outbox_id or next(_ids), "matrix", chat_id, action, target)


async def test_send_to_a_user_opens_a_direct_room_once(
    transport: MatrixTransport, make_parent, state: MemoryState
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    choice = SendMessage(
        "Welke taal?", (Button("Nederlands", "lang:nl"), Button("English", "lang:en"))
    )
    first = await transport.perform(delivery(parent.user_id, choice))
    second = await transport.perform(delivery(parent.user_id, SendMessage("Nog iets")))
    assert first and first.startswith("$") and second != first
    room_id = await state.get(f"dm:{parent.user_id}")
    assert room_id and room_id.startswith("!")
    await parent.join(room_id)
    assert await parent.texts(room_id) == [
        "Welke taal?\n\n1\ufe0f\u20e3 Nederlands\n2\ufe0f\u20e3 English",
        "Nog iets",
    ]


async def test_same_outbox_row_twice_posts_once_also_with_a_new_client(
    synapse: SynapseServer, bot_user: MatrixUser, transport: MatrixTransport, make_parent
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    room_id = await transport.room_for(parent.user_id)
    await parent.join(room_id)
    row = delivery(room_id, SendMessage("Eén keer"), outbox_id=424242)
    first = await transport.perform(row)
    again = await transport.perform(row)
    # a crash after the send and before the row was marked sent: a new process, same token
    restarted = await restore_client(synapse.url, bot_user.user_id, bot_user.access_token)
    try:
        after_crash = await MatrixTransport(restarted, MemoryState()).perform(row)
    finally:
        await restarted.close()
    assert first == again == after_crash
    assert await parent.texts(room_id) == ["Eén keer"]


async def test_limit_exceeded_gives_retry_after(
    synapse: SynapseServer, bot_user: MatrixUser, transport: MatrixTransport, make_parent
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    room_id = await transport.room_for(parent.user_id)
    synapse.set_ratelimit(bot_user.user_id, per_second=1, burst_count=1)
    try:
        with pytest.raises(SendError) as caught:
            for _ in range(5):
                await transport.perform(delivery(room_id, SendMessage("snel")))
    finally:
        synapse.set_ratelimit(bot_user.user_id, 0, 0)
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 10
    assert not caught.value.permanent


async def test_edit_clear_pin_delete(transport: MatrixTransport, make_parent) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    room_id = await transport.room_for(parent.user_id)
    await parent.join(room_id)
    question = SendMessage("Kinderen?", (Button("0-2", "a:0"), Button("2-4", "a:2")), multi=True)
    event_id = await transport.perform(delivery(room_id, question))
    assert event_id
    edited = await transport.perform(
        delivery(
            room_id, EditMessage(Target(1), "Kinderen? (1 gekozen)", question.buttons), event_id
        )
    )
    cleared = await transport.perform(delivery(room_id, ClearButtons(Target(1)), event_id))
    await transport.perform(delivery(room_id, PinMessage(Target(1)), event_id))
    await transport.perform(delivery(room_id, PinMessage(Target(1)), event_id))  # twice: once
    rules = await transport.perform(delivery(room_id, SendMessage("weg")))
    assert rules
    redaction = await transport.perform(delivery(room_id, DeleteMessage(Target(2)), rules))
    assert redaction and redaction.startswith("$")

    events = {e["event_id"]: e for e in await parent.messages(room_id)}
    edit = events[edited]["content"]
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": event_id}
    assert edit["m.new_content"]["body"].startswith("Kinderen? (1 gekozen)\n\n1\ufe0f\u20e3 0-2")
    clear = events[cleared]["content"]
    assert clear["m.new_content"]["body"] == "Kinderen? (1 gekozen)"
    assert events[rules]["content"] == {}  # redacted
    pinned = await parent.client.room_get_state_event(room_id, "m.room.pinned_events")
    assert pinned.content["pinned"] == [event_id]


async def test_edit_without_remote_id_is_permanent(transport: MatrixTransport) -> None:
    with pytest.raises(SendError) as caught:
        await transport.perform(delivery("!x:localhost", EditMessage(Target(1), "x")))
    assert caught.value.permanent


async def test_media_is_sent_by_mxc_reference(transport: MatrixTransport, make_parent) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    room_id = await transport.room_for(parent.user_id)
    await parent.join(room_id)
    voice = Media("voice", "mxc://localhost/abc", mime_type="audio/ogg", size=1234)
    event_id = await transport.perform(delivery(room_id, SendMessage("", media=voice)))
    event = next(e for e in await parent.messages(room_id) if e["event_id"] == event_id)
    assert event["content"]["msgtype"] == "m.audio"
    assert event["content"]["url"] == "mxc://localhost/abc"
    assert "org.matrix.msc3245.voice" in event["content"]
    with pytest.raises(SendError) as caught:
        await transport.perform(
            delivery(room_id, SendMessage("", media=Media("photo", "AgAD-telegram")))
        )
    assert caught.value.permanent


async def test_space_with_rooms_invite_and_remove(
    transport: MatrixTransport, make_parent, bot_client: nio.AsyncClient
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    space = CreateRoom("community:1:space", "Ouderkring Arnhem", "Ouders in Arnhem", space=True)
    space_id = await transport.perform(delivery("", space))
    tips = CreateRoom("community:1:tips", "Tips en vragen", "Vraag en deel tips")
    tips_id = await transport.perform(delivery(space_id, tips))
    assert space_id and tips_id and space_id != tips_id
    # a crash after the room was made and before the row was marked sent: the alias finds it
    assert await transport.perform(delivery(space_id, tips)) == tips_id
    assert await transport.perform(delivery("", space)) == space_id

    create = await bot_client.room_get_state_event(space_id, "m.room.create")
    assert create.content.get("type") == "m.space"
    child = await bot_client.room_get_state_event(space_id, "m.space.child", tips_id)
    assert isinstance(child, nio.RoomGetStateEventResponse), child
    name = await bot_client.room_get_state_event(tips_id, "m.room.name")
    assert name.content["name"] == "Tips en vragen"

    await transport.perform(delivery(space_id, InviteMember(parent.user_id)))
    await transport.perform(delivery(tips_id, InviteMember(parent.user_id)))
    await transport.perform(delivery(tips_id, InviteMember(parent.user_id)))  # again: fine
    await parent.join(space_id)
    await parent.join(tips_id)
    members = await bot_client.joined_members(tips_id)
    assert parent.user_id in {m.user_id for m in members.members}
    await transport.perform(delivery(tips_id, RemoveMember(parent.user_id)))
    await transport.perform(delivery(tips_id, RemoveMember(parent.user_id)))  # again: fine
    members = await bot_client.joined_members(tips_id)
    assert parent.user_id not in {m.user_id for m in members.members}


async def test_unknown_user_is_unreachable(transport: MatrixTransport) -> None:
    with pytest.raises(SendError) as caught:
        await transport.perform(delivery("@nobody:localhost", SendMessage("hallo")))
    assert caught.value.unreachable


async def _bot_reactions(transport: MatrixTransport, room_id: str, event_id: str) -> list[str]:
    from nio.api import RelationshipType

    keys = []
    async for event in transport.client.room_get_event_relations(
        room_id, event_id, RelationshipType.annotation, "m.reaction"
    ):
        if event.sender == transport.client.user_id:
            keys.append(event.key)
    return sorted(keys)


async def test_the_bot_reacts_with_the_options_and_takes_them_off(
    transport: MatrixTransport, make_parent
) -> None:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    room_id = await transport.room_for(parent.user_id)
    question = SendMessage(
        "Taal?", (Button("NL", "l:nl"), Button("EN", "l:en"), Button("TR", "l:tr"))
    )
    row = delivery(room_id, question, outbox_id=515151)
    event_id = await transport.perform(row)
    assert await transport.perform(row) == event_id  # a resend: no second message, no new reactions
    assert event_id
    keys = ["1\ufe0f\u20e3", "2\ufe0f\u20e3", "3\ufe0f\u20e3"]
    assert await _bot_reactions(transport, room_id, event_id) == keys
    await transport.perform(delivery(room_id, ClearButtons(Target(1)), event_id))
    assert await _bot_reactions(transport, room_id, event_id) == []
