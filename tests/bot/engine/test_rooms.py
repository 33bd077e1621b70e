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
    done = chat.run(Incoming.from_text("console", "bram", "@tips", False, "/linkgroup"))
    reply, rules, pin = done
    assert rules.chat_id == "@tips" and isinstance(rules.action, SendMessage)
    assert rules.action.text.startswith("Welkom! Wees aardig voor elkaar.")  # the community's
    assert (
        isinstance(pin.action, PinMessage) and pin.target_remote_id == f"remote-{rules.outbox_id}"
    )
    assert reply.chat_id == "@tips"
    assert reply.action.text == (  # type: ignore[attr-defined]
        "This group now belongs to Ouderkring Arnhem. I only let in parents of Ouderkring Arnhem."
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
