"""Group rooms that people make themselves (bots cannot make groups on Telegram): a coordinator
links one with /linkgroup, the rules are pinned, and from then on only the community's parents
get in."""

from __future__ import annotations

from bot.engine.types import EventKind, Incoming
from community.actions import AdmitMember, PinMessage, SendMessage
from tests.support.chat import Chat


def _coordinator(chat: Chat, user: str) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    said = chat.say("admin: coordinator")
    code = next(t for t in said if t.startswith("/start ")).split()[1]
    chat.say(f"{user}: /start {code}")
    chat.say(f"{user}: English")


def test_a_coordinator_links_a_group_and_the_rules_are_pinned(chat: Chat) -> None:
    _coordinator(chat, "bram")
    done = chat.run(
        Incoming.from_text(
            "console", "bram", "@tips", False, "/linkgroup", sender_is_chat_admin=True
        )
    )
    reply, rules, pin, ask = done
    assert rules.chat_id == "@tips" and isinstance(rules.action, SendMessage)
    assert rules.action.text.startswith("Welkom! Wees aardig voor elkaar.")  # the community's
    assert (
        isinstance(pin.action, PinMessage) and pin.target_remote_id == f"remote-{rules.outbox_id}"
    )
    assert reply.chat_id == "@tips"
    assert reply.action.text == (  # type: ignore[attr-defined]
        "This group now belongs to Ouderkring Arnhem. I only let in parents of Ouderkring Arnhem."
    )
    assert ask.chat_id == "@tips" and ask.action.text.startswith(  # type: ignore[attr-defined]
        "Nog niet aangemeld bij mij? Stuur mij /start in een privéchat."
    )
    chat.onboard("anna")
    admitted = chat.run(Incoming("console", "anna", "@tips", False, kind=EventKind.JOIN_REQUEST))
    assert admitted[0].action == AdmitMember("anna", True)


def test_only_staff_link_groups_and_only_in_a_group(chat: Chat) -> None:
    chat.onboard("anna")
    assert chat.say("anna@tips: /linkgroup") == [
        "That command is not for you. Send /help for your commands."
    ]
    assert chat.run(Incoming("console", "x", "@tips", False, kind=EventKind.JOIN_REQUEST)) == []
    _coordinator(chat, "bram")
    assert chat.say("bram: /linkgroup") == [
        "Send /linkgroup in the group you want to link. Make me an admin there first."
    ]
    # Other commands in a group get the private-message hint, not an action.
    assert chat.say("bram@tips: /code") == [
        "Please send me a private message. Then I can help you."
    ]


def test_where_joining_goes_by_approval_link_the_coordinator_gets_one(
    settings,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    from bot.app import build_app
    from bot.engine.port import Capabilities
    from community.actions import InviteMember
    from tests.support.transport import RecordingTransport

    transport = RecordingTransport(capabilities=Capabilities(True, True, join_links=True))
    app = build_app(settings, [transport], clock=clock, migrate=True)
    try:
        chat = Chat(app, transport)
        _coordinator(chat, "bram")
        done = chat.run(
            Incoming.from_text(
                "console", "bram", "@tips", False, "/linkgroup", sender_is_chat_admin=True
            )
        )
        assert [d.action for d in done][-1] == InviteMember("bram")
        assert done[-1].chat_id == "@tips"
    finally:
        app.close()


def test_the_coordinator_sees_how_many_parents_could_not_be_reached(chat: Chat) -> None:
    from sqlalchemy import update

    from community.models import Person

    chat.onboard("anna")
    chat.onboard("bo")
    with chat.app.session_factory.begin() as session:
        session.execute(
            update(Person)
            .where(Person.platform_user_id == "anna")
            .values(unreachable_at=chat.app.clock.now())
        )
    chat.say("admin: /start")
    chat.say("admin: English")
    overview = chat.say("admin: /community")[0]
    assert "1 parent could not be reached. Please phone them." in overview.splitlines()


def test_a_room_that_moves_keeps_its_community_and_what_waits_for_it(
    chat: Chat,
    app,  # type: ignore[no-untyped-def]
) -> None:
    from sqlalchemy import select

    from community.models import OutboxMessage, OutboxStatus, Room
    from community.services import outbox

    _coordinator(chat, "bram")
    chat.run(
        Incoming.from_text(
            "console", "bram", "@tips", False, "/linkgroup", sender_is_chat_admin=True
        )
    )
    with app.session_factory.begin() as session:
        # a message still waiting for the old id (a prompt, a relayed copy)
        waiting = outbox.Outgoing("console", "@tips", SendMessage("Koffieochtend"))
        outbox.enqueue(session, [waiting], app.clock)
    moved = Incoming(
        "console", "bram", "@tips", False, kind=EventKind.ROOM_MOVED, moved_to="@tips-super"
    )
    # The bot says nothing; what waited goes to the new id.
    sent = chat.run(moved)
    assert [(d.chat_id, d.action) for d in sent] == [("@tips-super", SendMessage("Koffieochtend"))]
    with app.session_factory() as session:
        rooms = session.scalars(select(Room)).all()
        assert [(r.chat_id, r.purpose) for r in rooms] == [("@tips-super", "tips")]
        pending = session.scalars(
            select(OutboxMessage.chat_id).where(OutboxMessage.status == OutboxStatus.PENDING)
        ).all()
        assert pending == []
    # The new id is one of ours: only the community's parents get in.
    chat.onboard("anna")
    admitted = chat.run(
        Incoming("console", "anna", "@tips-super", False, kind=EventKind.JOIN_REQUEST)
    )
    assert admitted[0].action == AdmitMember("anna", True)
    # Told twice (Telegram sends the move in the old chat and the new one): no harm.
    assert chat.run(moved) == []
