"""Moderation in group rooms, through the real engine and outbox: /report and the coordinators'
buttons (who may press them, days later, once), links held from newcomers, floods in a group
and in private, /rules, and what is kept (erased with the people, pruned on time)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.engine.port import Delivery
from bot.engine.types import EventKind, Incoming, Quoted, Target
from community import buttons as codec
from community.actions import AdmitMember, DeleteMessage, RemoveMember, SendMessage
from community.clock import FakeClock
from community.models import (
    Community,
    ModerationReport,
    OutboxMessage,
    Person,
    ProcessedEvent,
    Role,
    RoomNewcomer,
)
from community.services import button_key, housekeeping, people
from community.services.domain import Domain
from config import Settings
from config.moderation import ModerationSettings
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

ROOM = "@tips"
RULES_EN = "Welcome! Be kind to each other."
RULES_NL = "Welkom! Wees aardig voor elkaar."


def _coordinator(chat: Chat, user: str) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    said = chat.say("admin: coordinator")
    code = next(t for t in said if t.startswith("/start ")).split()[1]
    chat.say(f"{user}: /start {code}")
    chat.say(f"{user}: English")


def _group(chat: Chat, user: str, text: str, message_id: str, **extra) -> list[Delivery]:  # type: ignore[no-untyped-def]
    return chat.run(
        Incoming.from_text("console", user, ROOM, False, text, message_id=message_id, **extra)
    )


def _joined(chat: Chat, user: str) -> None:
    chat.run(Incoming("console", user, ROOM, False, kind=EventKind.MEMBER_JOINED))


def _texts(done: list[Delivery], chat_id: str) -> list[str]:
    return [
        d.action.text for d in done if d.chat_id == chat_id and isinstance(d.action, SendMessage)
    ]


def _to(done: list[Delivery], chat_id: str) -> Sent:
    return next(Sent(d) for d in done if d.chat_id == chat_id and isinstance(d.action, SendMessage))


def _press(chat: Chat, who: str, message: Sent, label: str) -> list[Delivery]:
    """`who` presses a button of a message sent to someone else (forwarded, or forged data)."""
    data = next(b.data for b in message.choices if b.label == label)
    ref = Target(outbox_id=message.delivery.outbox_id, remote_id=message.remote_id)
    return chat.run(Incoming.button("console", who, who, data, ref=ref))


@pytest.fixture
def room(chat: Chat) -> Chat:
    """A linked group with a coordinator (bram) and 2 parents who joined long ago (anna, bo)."""
    _coordinator(chat, "bram")
    chat.run(
        Incoming.from_text("console", "bram", ROOM, False, "/linkgroup", sender_is_chat_admin=True)
    )
    chat.onboard("anna")
    chat.onboard("bo")
    return chat


def _report(chat: Chat, reporter: str = "bo") -> list[Delivery]:
    _group(chat, "anna", "Koop mijn spullen, snel!", "m1", sender_name="Anna de Vries")
    quoted = Quoted("anna", "Anna de Vries", "Koop mijn spullen, snel!")
    return _group(chat, reporter, "/report", "m2", ref=Target(remote_id="m1"), quoted=quoted)


def test_a_report_reaches_the_coordinator_and_each_button_works(room: Chat) -> None:
    chat = room
    done = _report(chat)
    # The group sees nothing: the command is deleted, nothing is said there.
    assert [d.action for d in done if d.chat_id == ROOM] == [DeleteMessage(Target(remote_id="m2"))]
    assert _texts(done, "bo") == ["Thank you. A coordinator will look at it."]
    report = _to(done, "bram")
    assert report.text == (
        "A parent reported this message in a group of Ouderkring Arnhem:\n\n"
        "> 💬 Anna:\n> Koop mijn spullen, snel!"
    )  # the first name only, and not who reported it
    assert [b.label for b in report.choices] == [
        "Delete everywhere",
        "Warn",
        "Remove from the group",
    ]

    warned = chat.press_all("bram", report, "Warn")
    assert _texts(warned, "anna") == [
        "Hello. A coordinator asks you to keep to the group rules. Be kind to each other. Thank you!"
    ]
    assert _texts(warned, "bram") == ["Done: I sent a friendly warning."]
    assert chat.press("bram", report, "Warn")[0].text == "A coordinator did this already."

    deleted = chat.press_all("bram", report, "Delete everywhere")
    assert [d.action for d in deleted if d.chat_id == ROOM] == [
        DeleteMessage(Target(remote_id="m1"))
    ]
    # Days later the last button still works: out of the group, told kindly, not let back in.
    chat.app.clock.advance(days=3)  # type: ignore[attr-defined]
    removed = chat.press_all("bram", report, "Remove from the group")
    assert [d.action for d in removed if d.chat_id == ROOM] == [RemoveMember("anna")]
    assert _texts(removed, "anna") == [
        "A coordinator took you out of the group of Ouderkring Arnhem. Questions? Ask the coordinator."
    ]
    assert chat.press("bram", report, "Warn")[0].text == "A coordinator did this already."
    back = chat.run(Incoming("console", "anna", ROOM, False, kind=EventKind.JOIN_REQUEST))
    assert back[0].action == AdmitMember("anna", False)
    assert _texts(back, "anna") == [
        "A coordinator took you out of this group. Please ask the coordinator first."
    ]


def test_only_a_coordinator_of_the_rooms_community_can_press(room: Chat, clock: FakeClock) -> None:
    chat = room
    report = _to(_report(chat), "bram")
    with chat.app.session_factory.begin() as session:
        other = Community(
            slug="ede", name="Ouderkring Ede", city="Ede", invite_code="EDE1",
            default_locale="nl", home_languages=["nl"], created_at=clock.now(),
        )  # fmt: skip
        session.add(other)
        session.flush()
        session.add(Person(platform="console", platform_user_id="cara", private_chat_id="cara",
                           locale="en", role=Role.COORDINATOR, created_at=clock.now(),
                           community_id=other.id))  # fmt: skip
    translator = chat.app.translator
    # A parent or stranger is refused by role; another community's coordinator by the button's
    # binding to the coordinator it was sent to (community/buttons.py).
    for who, locale, msgid in (
        ("cara", "en", "input.old_button"),
        ("bo", "en", "input.not_allowed"),
        ("anna", "en", "input.not_allowed"),
        ("stranger", "nl", "input.not_allowed"),
    ):
        refused = translator.t(locale, msgid)
        for label in ("Delete everywhere", "Warn", "Remove from the group"):
            done = _press(chat, who, report, label)
            assert _texts(done, who) == [refused], (who, label)
            assert [d.chat_id for d in done] == [who], (who, label)  # nothing else done
    # Forged data: a report that does not exist, a verb it does not offer.
    forged = (
        "a:mod:999:delete",
        "a:mod:x:warn",
        "a:mod:1:allow",
        "a:mod:1",
        "a:mod:" + "9" * 30 + ":warn",
    )
    app = chat.app
    with app.session_factory() as session:
        key = button_key.get(session, app.clock)  # as if it leaked: the handler's own checks
        bram = people.find(session, "console", "bram")
        assert bram is not None
        bram_id = bram.id
    for data in forged:
        data = f"{data}{codec.SIGNATURE_SEPARATOR}{codec.signature(data, bram_id, key)}"
        said = chat.send(Incoming.button("console", "bram", "bram", data))
        assert [s.text for s in said] == ["This report is closed."], data
    with chat.app.session_factory() as session:
        assert session.scalars(select(ModerationReport.done)).one() == []
    # An admin may act on any community's report, but only through a report sent to them: a
    # button pressed from a coordinator's message acts for nobody else.
    chat.say("admin: /start")
    assert _texts(_press(chat, "admin", report, "Warn"), "admin") == [
        "That button no longer works."
    ]
    assert _texts(chat.press_all("bram", report, "Warn"), "bram") == [
        "Done: I sent a friendly warning."
    ]


def test_who_may_report_and_what_cannot_be_reported(room: Chat) -> None:
    chat = room
    _group(chat, "anna", "Hoi", "m1", sender_name="Anna")
    # Someone who never joined: told in private, the group sees nothing, no report.
    done = _group(chat, "x", "/report", "m2", ref=Target(remote_id="m1"),
                  quoted=Quoted("anna", "Anna", "Hoi"))  # fmt: skip
    assert [d.action for d in done if d.chat_id == ROOM] == [DeleteMessage(Target(remote_id="m2"))]
    assert _texts(done, "x") == [
        "Alleen leden kunnen een bericht melden. Stuur /start om mee te doen."
    ]
    # Not a reply; the bot's own message; in private.
    assert _texts(_group(chat, "bo", "/report", "m3"), "bo") == [
        "Reply to the message in the group with /report."
    ]
    own = _group(chat, "bo", "/report", "m4", ref=Target(remote_id="m0"),
                 quoted=Quoted(None, "Ouderkring", RULES_NL))  # fmt: skip
    assert _texts(own, "bo") == ["I cannot report that message. Please tell a coordinator."]
    assert chat.say("bo: /report") == ["Reply to the message in the group with /report."]
    # A platform that did not show the message: the coordinator still gets the delete button.
    unseen = _group(chat, "bo", "/report", "m5", ref=Target(remote_id="m1"))
    report = _to(unseen, "bram")
    assert report.text.endswith("(I cannot show this message. Please look in the group.)")
    assert [b.label for b in report.choices] == ["Delete everywhere"]
    with chat.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ModerationReport)) == 1


def test_a_newcomers_link_is_held_and_an_old_members_passes(room: Chat) -> None:
    chat = room
    _joined(chat, "anna")
    done = _group(chat, "anna", "Kijk op www.koopjes.nl", "m1", sender_name="Anna")
    assert [d.action for d in done if d.chat_id == ROOM] == [DeleteMessage(Target(remote_id="m1"))]
    assert _texts(done, "anna") == [
        "Welcome! New members cannot post links on their first day. "
        "A coordinator will look at your message."
    ]
    held = _to(done, "bram")
    assert held.text == (
        "A new member posted a link in a group of Ouderkring Arnhem. I took it away for now:"
        "\n\n> 💬 Anna:\n> Kijk op www.koopjes.nl"
    )
    assert [b.label for b in held.choices] == [
        "Allow",
        "Delete everywhere",
        "Remove from the group",
    ]
    # Text without a link passes; an edit that adds one is held too.
    assert _group(chat, "anna", "Goedemorgen!", "m2") == []
    edit = chat.run(Incoming("console", "anna", ROOM, False, text="zie t.me/koopjes",
                             kind=EventKind.EDIT, ref=Target(remote_id="m2")))  # fmt: skip
    assert DeleteMessage(Target(remote_id="m2")) in [d.action for d in edit]
    # Allowed: the member may post links from now on, and is told so.
    allowed = chat.press_all("bram", held, "Allow")
    assert _texts(allowed, "anna") == [
        "Good news: a coordinator allowed your link. You can post it again now."
    ]
    assert _group(chat, "anna", "Kijk op www.koopjes.nl", "m3") == []
    # A member who joined more than 24 hours ago, and the staff, post links freely.
    _joined(chat, "bo")
    chat.app.clock.advance(hours=25)  # type: ignore[attr-defined]
    assert _group(chat, "bo", "https://www.bibliotheek.nl/voorlezen", "m4") == []
    assert _group(chat, "bram", "https://www.arnhem.nl", "m5") == []
    # Someone who never joined through the bot: held as well.
    stranger = _group(chat, "spam", "Win geld: bit.ly/abc @CashBot", "m6")
    assert DeleteMessage(Target(remote_id="m6")) in [d.action for d in stranger]
    held = _to(stranger, "bram")
    assert [b.label for b in held.choices] == ["Delete everywhere", "Remove from the group"]
    removed = chat.press_all("bram", held, "Remove from the group")
    assert [d.action for d in removed if d.chat_id == ROOM] == [RemoveMember("spam")]


@pytest.fixture
def limited(settings: Settings, clock: FakeClock) -> Iterator[tuple[App, RecordingTransport]]:
    """The shipped limits (the other tests run without)."""
    transport = RecordingTransport()
    limits = dataclasses.replace(settings, moderation=ModerationSettings())
    app = build_app(limits, [transport], clock=clock, migrate=True)
    yield app, transport
    app.close()


def test_a_member_who_floods_a_group_is_slowed_down(limited, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    app, transport = limited
    chat = Chat(app, transport)
    _coordinator(chat, "bram")
    chat.run(
        Incoming.from_text("console", "bram", ROOM, False, "/linkgroup", sender_is_chat_admin=True)
    )
    chat.onboard("anna")
    with app.session_factory.begin() as session:
        # A second room of the conversation, so that what is relayed can be counted.
        from community.services import rooms

        community = session.scalars(select(Community)).one()
        for chat_id in (ROOM, "@tips2"):
            rooms.link(session, community, "console", chat_id, clock, purpose="tips").relay = True
    relayed: list[str] = []
    told: list[str] = []
    for n in range(15):
        done = _group(chat, "anna", f"Bericht {n}", f"f{n}", sender_name="Anna")
        relayed += _texts(done, "@tips2")
        told += _texts(done, "anna")
    assert len(relayed) == 10
    assert told == [
        "You sent many messages at once. Please wait 30 seconds. Then the others can follow."
    ]
    # The coordinator is not slowed down; after the window the member is relayed again.
    for n in range(12):
        _group(chat, "bram", f"Mededeling {n}", f"c{n}")
    assert len(_texts(_group(chat, "bram", "Nog 1", "c99"), "@tips2")) == 1
    clock.advance(seconds=31)
    assert _texts(_group(chat, "anna", "Weer rustig", "f99", sender_name="Anna"), "@tips2") == [
        "💬 Anna:\nWeer rustig"
    ]


def test_a_person_who_floods_the_bot_in_private_is_answered_once(limited, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    app, transport = limited
    chat = Chat(app, transport)
    chat.onboard("anna")

    def rows() -> tuple[int, int]:
        with app.session_factory() as session:
            events = session.scalar(select(func.count()).select_from(ProcessedEvent))
            queued = session.scalar(select(func.count()).select_from(OutboxMessage))
            return int(events or 0), int(queued or 0)

    clock.advance(minutes=1)
    events, queued = rows()
    replies: list[str] = []
    for n in range(300):
        incoming = Incoming.from_text("console", "anna", "anna", True, "hallo", event_id=f"e{n}")
        replies += [s.text for s in chat.send(incoming)]
    slow = "Slow down, please. Wait 1 minute."
    assert replies.count(slow) == 1 and len(replies) == 21
    after_events, after_queued = rows()
    assert after_events - events == 20  # the 280 after the limit left nothing behind
    assert after_queued - queued == 21
    clock.advance(seconds=61)
    again = chat.send(
        Incoming.from_text("console", "anna", "anna", True, "/rules", event_id="e300")
    )
    assert again[0].text.startswith(RULES_EN)


def test_rules_for_everyone_in_private_and_in_the_group(room: Chat) -> None:
    chat = room
    assert chat.say("stranger: /rules")[0].startswith(RULES_NL)  # not chosen: the default
    assert chat.say("anna: /rules")[0].startswith(RULES_EN)  # her own language
    # In the group, the pinned text: the community's language.
    assert _texts(_group(chat, "anna", "/rules", "r1"), ROOM)[0].startswith(RULES_NL)
    assert _texts(_group(chat, "x", "/rules", "r2"), ROOM)[0].startswith(RULES_NL)


def test_what_moderation_keeps_goes_with_the_people_and_in_time(room: Chat) -> None:
    chat = room
    _joined(chat, "anna")
    _report(chat)  # bo reports anna
    _group(chat, "anna", "www.koopjes.nl", "m9")  # held

    def counts() -> tuple[int, int]:
        with chat.app.session_factory() as session:
            reports = session.scalar(select(func.count()).select_from(ModerationReport))
            newcomers = session.scalar(select(func.count()).select_from(RoomNewcomer))
            return int(reports or 0), int(newcomers or 0)

    assert counts() == (2, 1)
    # /mydata lists it (what each reported and was reported, the join time while kept).
    anna = "\n".join(chat.say("anna: /mydata")).splitlines()
    assert "Reports of group messages: 0 by you, 2 about your messages." in anna
    assert any(line.startswith("New in a group since ") for line in anna)
    assert "Reports of group messages: 1 by you, 0 about your messages." in (
        "\n".join(chat.say("bo: /mydata")).splitlines()
    )
    app = chat.app
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        assert anna is not None
        Domain(session, app.clock).privacy.erase(anna)
    assert counts() == (0, 0)
    with app.session_factory() as session:
        # The coordinators' copies that quoted her went with her.
        payloads = session.scalars(select(OutboxMessage.payload)).all()
        assert not [p for p in payloads if "koopjes" in str(p) or "spullen" in str(p)]
    # Reported by someone else, then pruned after the kept days; join times after a day.
    _joined(chat, "bo")
    _group(chat, "bo", "Hoi", "n1", sender_name="Bo")
    _group(chat, "bram", "/report", "n2", ref=Target(remote_id="n1"),
           quoted=Quoted("bo", "Bo", "Hoi"))  # fmt: skip
    assert counts() == (1, 1)
    app.clock.advance(days=2)  # type: ignore[attr-defined]
    with app.session_factory() as session:
        housekeeping.run(session, app.clock, app.settings, app.translator)
    assert counts() == (1, 0)
    app.clock.advance(days=30)  # type: ignore[attr-defined]
    with app.session_factory() as session:
        housekeeping.run(session, app.clock, app.settings, app.translator)
    assert counts() == (0, 0)
