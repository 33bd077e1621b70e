"""The sync loop against a real Synapse: invites, translation, the stored sync token."""

from __future__ import annotations

import nio
import pytest

from bot.engine.port import Delivery, SendError
from bot.engine.types import EventKind, Incoming, Media
from bot.matrix.client import restore_client
from bot.matrix.listener import ENCRYPTION_NOTICE, MatrixListener
from bot.matrix.state import NEXT_BATCH, MemoryState
from bot.matrix.transport import MatrixTransport
from community.actions import Button, CreateRoom, InviteMember, SendMessage
from tests.support.synapse import MatrixUser, SynapseServer


class Recorder:
    def __init__(self) -> None:
        self.seen: list[Incoming] = []

    async def __call__(self, incoming: Incoming) -> None:
        self.seen.append(incoming)


async def _listener(
    client: nio.AsyncClient, state: MemoryState, **kw
) -> tuple[MatrixListener, Recorder]:  # type: ignore[no-untyped-def]
    recorder = Recorder()
    listener = MatrixListener(client, state, recorder, **kw)
    await listener.sync_once()  # the first start: takes the token, skips history
    return listener, recorder


async def test_direct_chat_events_become_incoming(
    bot_client: nio.AsyncClient, state: MemoryState, transport: MatrixTransport, make_parent
) -> None:  # type: ignore[no-untyped-def]
    listener, seen = await _listener(bot_client, state)
    parent = await make_parent()
    room_id = await parent.dm(bot_client.user_id)
    await listener.sync_once()  # the invite: a direct chat, accepted
    assert room_id in (await bot_client.joined_rooms()).rooms

    question = await transport.perform(
        Delivery(
            7, "matrix", room_id, SendMessage("Taal?", (Button("NL", "l:nl"), Button("EN", "l:en")))
        )
    )
    start = await parent.say(room_id, "/start ARNHEM")
    await parent.say(room_id, "2")
    await parent.send(
        room_id,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": question, "key": "2\u20e3"}},
    )
    await parent.send(
        room_id,
        "m.room.message",
        {
            "msgtype": "m.image",
            "body": "foto.jpg",
            "filename": "foto.jpg",
            "url": "mxc://localhost/photo1",
            "info": {"mimetype": "image/jpeg", "size": 2048},
        },
    )
    await parent.send(
        room_id,
        "m.room.message",
        {
            "msgtype": "m.audio",
            "body": "Voice message",
            "url": "mxc://localhost/voice1",
            "org.matrix.msc3245.voice": {},
        },
    )
    await parent.send(
        room_id,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "* /start ARNHEM2",
            "m.new_content": {"msgtype": "m.text", "body": "/start ARNHEM2"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": start},
        },
    )
    oops = await parent.say(room_id, "oeps")  # redacted before the bot saw it: not handed on
    await parent.client.room_redact(room_id, oops)
    assert await listener.sync_once() == 7

    first, number, reaction, photo, voice, edit, deletion = seen.seen
    assert (first.command, first.args, first.is_private, first.chat_id, first.user_id) == (
        "start",
        ("ARNHEM",),
        True,
        room_id,
        parent.user_id,
    )
    assert first.event_id == start and first.platform == "matrix"
    assert first.sender_name == parent.user_id.split(":")[0].lstrip("@")
    assert number.text == "2" and number.kind == EventKind.MESSAGE
    assert reaction.kind == EventKind.REACTION and reaction.reaction == "2\ufe0f\u20e3"
    assert reaction.ref is not None and reaction.ref.remote_id == question
    assert photo.media == (
        Media("photo", "mxc://localhost/photo1", None, "image/jpeg", 2048, "matrix"),
    )
    assert voice.media[0].kind == "voice" and voice.media[0].ref == "mxc://localhost/voice1"
    assert (
        edit.kind == EventKind.EDIT
        and edit.text == "/start ARNHEM2"
        and edit.ref.remote_id == start
    )
    assert deletion.kind == EventKind.DELETION and deletion.ref.remote_id == oops
    assert await listener.sync_once() == 0  # nothing twice
    # the bot reaches this parent in the chat the parent opened, not in a new one
    assert await transport.room_for(parent.user_id) == room_id


async def test_encrypted_invite_is_refused_politely(
    bot_client: nio.AsyncClient, state: MemoryState, make_parent
) -> None:  # type: ignore[no-untyped-def]
    listener, seen = await _listener(bot_client, state)
    parent = await make_parent()
    room_id = await parent.dm(bot_client.user_id, encrypted=True)
    await listener.sync_once()
    await parent.say(room_id, "hallo")
    await listener.sync_once()
    assert seen.seen == []
    members = await parent.client.joined_members(room_id)
    assert bot_client.user_id not in {m.user_id for m in members.members}
    assert ENCRYPTION_NOTICE in await parent.texts(room_id)


async def test_room_becoming_encrypted_is_left(
    bot_client: nio.AsyncClient, state: MemoryState, make_parent
) -> None:  # type: ignore[no-untyped-def]
    listener, seen = await _listener(bot_client, state)
    parent = await make_parent()
    room_id = await parent.dm(bot_client.user_id)
    await listener.sync_once()
    await parent.client.room_put_state(
        room_id, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"}
    )
    await listener.sync_once()
    members = await parent.client.joined_members(room_id)
    assert bot_client.user_id not in {m.user_id for m in members.members}


async def test_group_invites_only_for_known_rooms(
    bot_client: nio.AsyncClient, state: MemoryState, make_parent
) -> None:  # type: ignore[no-untyped-def]
    known: set[str] = set()

    async def is_known(room_id: str) -> bool:
        return room_id in known

    listener, _ = await _listener(bot_client, state, known_room=is_known)
    parent = await make_parent()
    stranger = await parent.client.room_create(name="Random", invite=[bot_client.user_id])
    ours = await parent.client.room_create(name="Tips", invite=[bot_client.user_id])
    known.add(ours.room_id)
    await listener.sync_once()
    joined = await bot_client.joined_rooms()
    assert ours.room_id in joined.rooms and stranger.room_id not in joined.rooms


async def test_group_membership_and_messages(
    bot_client: nio.AsyncClient, state: MemoryState, transport: MatrixTransport, make_parent
) -> None:  # type: ignore[no-untyped-def]
    listener, seen = await _listener(bot_client, state)
    room_id = await transport.perform(
        Delivery(1, "matrix", "", CreateRoom("c:1:tips", "Tips en vragen"))
    )
    parent, other = await make_parent(), await make_parent()
    for p in (parent, other):
        await transport.perform(Delivery(2, "matrix", room_id, InviteMember(p.user_id)))
        await p.join(room_id)
    await parent.say(room_id, "Wie weet een goede peuterspeelzaal?")
    await parent.client.room_leave(room_id)
    await listener.sync_once()
    kinds = [(i.kind, i.user_id, i.is_private) for i in seen.seen]
    assert kinds == [
        (EventKind.MEMBER_JOINED, parent.user_id, False),
        (EventKind.MEMBER_JOINED, other.user_id, False),
        (EventKind.MESSAGE, parent.user_id, False),
        (EventKind.MEMBER_LEFT, parent.user_id, False),
    ]


async def test_restart_handles_what_was_sent_while_down_once(
    synapse: SynapseServer,
    bot_user: MatrixUser,
    bot_client: nio.AsyncClient,
    state: MemoryState,
    make_parent,
) -> None:  # type: ignore[no-untyped-def]
    listener, seen = await _listener(bot_client, state, timeline_limit=3)
    parent = await make_parent()
    room_id = await parent.dm(bot_client.user_id)
    await listener.sync_once()
    await parent.say(room_id, "voor de stop")
    await listener.sync_once()
    token = state.values[NEXT_BATCH]
    await bot_client.close()  # the bot is down
    sent_while_down = [await parent.say(room_id, f"bericht {n}") for n in range(8)]

    client = await restore_client(synapse.url, bot_user.user_id, bot_user.access_token)
    try:
        restarted = MatrixListener(client, state, seen, timeline_limit=3)
        assert await restarted.sync_once() == 8  # more than the timeline limit: the gap is fetched
        assert state.values[NEXT_BATCH] != token
        assert await restarted.sync_once() == 0
    finally:
        await client.close()
    assert [i.text for i in seen.seen] == ["voor de stop"] + [f"bericht {n}" for n in range(8)]
    assert [i.event_id for i in seen.seen[1:]] == sent_while_down


async def test_a_parent_who_left_the_direct_chat_is_unreachable(
    bot_client: nio.AsyncClient, state: MemoryState, transport: MatrixTransport, make_parent
) -> None:  # type: ignore[no-untyped-def]
    listener, seen = await _listener(bot_client, state)
    parent = await make_parent()
    room_id = await parent.dm(bot_client.user_id)
    await listener.sync_once()
    await parent.say(room_id, "hallo")
    await listener.sync_once()
    assert await transport.perform(Delivery(31, "matrix", room_id, SendMessage("Dag!")))
    await parent.client.room_leave(room_id)
    await listener.sync_once()
    assert seen.seen[-1].kind == EventKind.MEMBER_LEFT and seen.seen[-1].is_private
    with pytest.raises(SendError) as caught:
        await transport.perform(Delivery(32, "matrix", room_id, SendMessage("Ben je er nog?")))
    assert caught.value.unreachable
