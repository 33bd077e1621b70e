"""Translation and rendering without a server: plain event JSON in, Incoming / content out."""

from __future__ import annotations

from bot.engine.types import EventKind
from bot.matrix.render import (
    keycap,
    message_content,
    normalise_keycap,
    options_text,
    without_options,
)
from bot.matrix.translate import RoomView, translate
from community.actions import Button, Target

BOT = "@bot:localhost"
DM = RoomView("!dm:localhost", is_private=True)
GROUP = RoomView(
    "!g:localhost", is_private=False, display_names={"@anna:localhost": "Anna de Vries"}
)


def message(body: str, sender: str = "@anna:localhost", **content: object) -> dict:
    return {
        "type": "m.room.message",
        "sender": sender,
        "event_id": "$e1",
        "content": {"msgtype": "m.text", "body": body, **content},
    }


def test_keycaps() -> None:
    assert [keycap(n) for n in (1, 2, 10)] == ["1\ufe0f\u20e3", "2\ufe0f\u20e3", "\U0001f51f"]
    assert normalise_keycap("3\u20e3") == "3\ufe0f\u20e3"
    assert normalise_keycap("👍") == "👍"


def test_options_are_numbered_and_can_be_taken_off() -> None:
    buttons = (Button("Ja", "y"), Button("Nee", "n"))
    assert options_text("Mag dat?", buttons) == "Mag dat?\n\n1\ufe0f\u20e3 Ja\n2\ufe0f\u20e3 Nee"
    content = message_content("Mag dat?", buttons)
    assert without_options(content) == {"msgtype": "m.text", "body": "Mag dat?"}
    assert without_options(message_content("Geen keuzes")) is None


def test_command_in_a_direct_chat() -> None:
    incoming = translate(message("/START arnhem"), DM, BOT)
    assert incoming is not None
    assert (incoming.command, incoming.args, incoming.is_private, incoming.event_id) == (
        "start",
        ("arnhem",),
        True,
        "$e1",
    )


def test_reply_fallback_is_dropped() -> None:
    incoming = translate(message("> <@bot:localhost> Welke taal?\n\n2"), DM, BOT)
    assert incoming is not None and incoming.text == "2"


def test_own_echo_notices_and_unknown_events_are_ignored() -> None:
    assert translate(message("hallo", sender=BOT), DM, BOT) is None
    assert translate(message("beep", msgtype="m.notice"), DM, BOT) is None
    assert (
        translate({"type": "m.room.topic", "sender": "@anna:localhost", "content": {}}, DM, BOT)
        is None
    )


def test_sender_name_in_a_group() -> None:
    incoming = translate(message("Tip: de bieb"), GROUP, BOT)
    assert (
        incoming is not None and incoming.sender_name == "Anna de Vries" and not incoming.is_private
    )


def test_knock_is_a_join_request() -> None:
    event = {
        "type": "m.room.member",
        "sender": "@bo:localhost",
        "state_key": "@bo:localhost",
        "event_id": "$k",
        "content": {"membership": "knock"},
    }
    incoming = translate(event, GROUP, BOT)
    assert (
        incoming is not None
        and incoming.kind == EventKind.JOIN_REQUEST
        and incoming.user_id == "@bo:localhost"
    )


def test_errors_become_send_errors() -> None:
    import nio

    from bot.matrix.transport import error_from, txn_id

    limited = error_from(nio.RoomSendError("Too Many Requests", "M_LIMIT_EXCEEDED", 2500), "send")
    assert limited.retry_after == 2.5 and not limited.permanent
    refused = error_from(nio.RoomSendError("not in room", "M_FORBIDDEN"), "send")
    assert refused.permanent and not refused.unreachable
    passing = error_from(nio.RoomSendError("oops", "M_UNKNOWN"), "send")
    assert passing.retry_after is None and not passing.permanent
    assert txn_id(42) == "ouderkring-42" and txn_id(42, "-text") == "ouderkring-42-text"


def test_a_group_message_names_itself_and_a_reply_names_what_it_answers() -> None:
    incoming = translate(message("Tip: de bieb"), GROUP, BOT)
    assert incoming is not None and incoming.message_id == "$e1" and incoming.ref is None
    reply = {"m.relates_to": {"m.in_reply_to": {"event_id": "$e0"}}}
    answered = translate(message("/delete", **reply), GROUP, BOT)
    assert answered is not None and answered.ref == Target(remote_id="$e0")
    # In a direct chat a reply is just an answer: it acts on nothing
    private = translate(message("2", **reply), DM, BOT)
    assert private is not None and private.ref is None


def test_an_edited_caption_comes_with_its_file() -> None:
    new = {"msgtype": "m.image", "body": "Het mooie park", "url": "mxc://localhost/park"}
    event = message(
        "* Het mooie park",
        msgtype="m.image",
        url="mxc://localhost/park",
        **{"m.new_content": new, "m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"}},
    )
    incoming = translate(event, GROUP, BOT)
    assert incoming is not None and incoming.kind is EventKind.EDIT
    assert incoming.media and incoming.media[0].ref == "mxc://localhost/park"
    assert incoming.ref == Target(remote_id="$e0")


def test_a_caption_is_the_message_text_as_on_telegram() -> None:
    photo = message(
        "/buddy Kijk, onze tekening!",
        msgtype="m.image",
        url="mxc://localhost/drawing",
        filename="drawing.jpg",
    )
    incoming = translate(photo, DM, BOT)
    assert incoming is not None and incoming.text == "/buddy Kijk, onze tekening!"
    assert incoming.media[0].caption == incoming.text
    # A file sent without a caption (its body is its name) has no text
    bare = message("drawing.jpg", msgtype="m.image", url="mxc://x/1", filename="drawing.jpg")
    incoming = translate(bare, DM, BOT)
    assert incoming is not None and incoming.text == "" and incoming.media


def test_an_upgraded_group_room_moves_also_when_the_bot_upgraded_it() -> None:
    for sender in ("@coordinator:localhost", BOT):
        tombstone = {
            "type": "m.room.tombstone",
            "sender": sender,
            "state_key": "",
            "event_id": "$t1",
            "content": {"body": "This room was upgraded", "replacement_room": "!new:localhost"},
        }
        incoming = translate(tombstone, GROUP, BOT)
        assert incoming is not None and incoming.kind is EventKind.ROOM_MOVED
        assert (incoming.chat_id, incoming.moved_to) == ("!g:localhost", "!new:localhost")
    assert translate(tombstone, DM, BOT) is None
