"""A reply in a Matrix group room: the answered message's author and text come from the
client's reply fallback when it sends one (for /report); none without it, none in private."""

from __future__ import annotations

from bot.engine.types import Quoted, Target
from bot.matrix.translate import RoomView, translate

BOT = "@bot:example.org"


def _reply(body: str) -> dict:  # type: ignore[type-arg]
    return {
        "type": "m.room.message",
        "sender": "@ben:example.org",
        "event_id": "$r",
        "content": {
            "msgtype": "m.text",
            "body": body,
            "m.relates_to": {"m.in_reply_to": {"event_id": "$e"}},
        },
    }


def test_the_fallback_names_the_author_and_the_text() -> None:
    room = RoomView("!g:example.org", False, {"@anna:example.org": "Anna de Vries"})
    body = "> <@anna:example.org> Koop mijn spullen!\n> Nu!\n\n/report"
    incoming = translate(_reply(body), room, BOT)
    assert incoming is not None and incoming.command == "report"
    assert incoming.ref == Target(remote_id="$e")
    assert incoming.quoted == Quoted(
        "@anna:example.org", "Anna de Vries", "Koop mijn spullen!\nNu!"
    )


def test_no_fallback_or_a_private_chat_quotes_nothing() -> None:
    group = translate(_reply("/report"), RoomView("!g:example.org", False), BOT)
    assert group is not None and group.quoted is None
    private = translate(_reply("> <@anna:x> hoi\n\nok"), RoomView("!dm:example.org", True), BOT)
    assert private is not None and private.quoted is None
