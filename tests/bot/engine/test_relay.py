"""Relaying between a community's group rooms on two platforms, through the real engine and
outbox (two recording transports stand for the platforms; the adapters' end-to-end tests are in
tests/bot/matrix/test_group_relay_end_to_end.py): copies with the first name only, media, edits,
deletions, relay off, no loops, the map pruned and erased."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.engine.port import Capabilities
from bot.engine.types import EventKind, Incoming
from community.actions import DeleteMessage, EditMessage, Media, SendMessage, Target
from community.clock import FakeClock
from community.models import Community, OutboxMessage, Person, RelayedMessage, Role
from community.services import people, relay_text, rooms
from tests.support.members import add_member
from tests.support.nightly import housekeeping_now
from tests.support.transport import RecordingTransport

TG, MX = "-100", "!tips:example.org"


@pytest.fixture
def two(settings, clock: FakeClock) -> Iterator[tuple[App, RecordingTransport, RecordingTransport]]:  # type: ignore[no-untyped-def]
    tg = RecordingTransport("telegram", Capabilities(True, True, True))
    mx = RecordingTransport("matrix", Capabilities(False, True))
    app = build_app(settings, [tg, mx], clock=clock, migrate=True)
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).first()
        assert community is not None
        rooms.link(session, community, "telegram", TG, clock, purpose="tips").relay = True
        rooms.link(session, community, "matrix", MX, clock, purpose="tips").relay = True
        rooms.link(session, community, "matrix", "!hood:example.org", clock, "hood-x").relay = True
        # The parents who write in the rooms joined through the bot (strangers are not relayed)
        for platform, user in (("telegram", "501"), ("matrix", "@ben:example.org"),
                               ("matrix", "@ben:x")):  # fmt: skip
            add_member(session, platform, user, clock)
    yield app, tg, mx
    app.close()


def run(app: App, incoming: Incoming) -> None:
    async def go() -> None:
        await app.process(incoming)
        await app.dispatcher.dispatch_due()

    asyncio.run(go())


def tg_says(app: App, text: str, message_id: str, name: str | None = "Anna de Vries", **extra):  # type: ignore[no-untyped-def]
    run(
        app,
        Incoming.from_text(
            "telegram", "501", TG, False, text, sender_name=name, message_id=message_id,
            event_id=f"tg-{message_id}-{extra.get('kind', 'm')}", **extra,
        ),
    )  # fmt: skip


def texts(transport: RecordingTransport) -> list[str]:
    return [d.action.text for d in transport.sent]  # type: ignore[attr-defined]


def test_a_message_goes_to_the_other_platform_with_the_first_name_only(two) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    tg_says(app, "Wie weet een goede kinderarts?", "11")
    assert texts(mx) == ["💬 Anna:\nWie weet een goede kinderarts?"]
    assert mx.sent[0].chat_id == MX  # the tips room, not the neighbourhood's
    assert texts(tg) == []  # nothing back to where it came from
    assert "501" not in texts(mx)[0] and "Vries" not in texts(mx)[0]
    run(
        app,
        Incoming.from_text(
            "matrix", "@ben:example.org", MX, False, "Dokter Jansen!", message_id="$e1",
            sender_name="@ben:example.org", event_id="$e1",
        ),
    )  # fmt: skip
    # A display name that is really a user id is not shown: "a parent" in the community's language
    assert texts(tg) == ["💬 Een ouder:\nDokter Jansen!"]


def test_a_photo_is_relayed_with_its_origin(two) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    photo = Media("photo", "AgAD-file", "Het park", "image/jpeg", 1234, "telegram")
    tg_says(app, "Het park", "12", media=(photo,))
    copy = mx.sent[0].action
    assert isinstance(copy, SendMessage) and copy.media is not None
    assert copy.media.ref == "AgAD-file" and copy.media.origin == "telegram"
    assert copy.text == copy.media.caption == "💬 Anna:\nHet park"
    # A changed caption is not relayed: the edit would turn the copied photo into text
    tg_says(app, "Het mooie park", "12", kind=EventKind.EDIT, ref=Target(remote_id="12"),
            media=(photo,))  # fmt: skip
    assert not any(isinstance(d.action, EditMessage) for d in mx.done)


def test_edits_and_deletions_follow_the_copy(two) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    tg_says(app, "Zwemles om 3 uur", "13")
    copy = mx.sent[-1]
    tg_says(app, "Zwemles om 4 uur", "13", kind=EventKind.EDIT, ref=Target(remote_id="13"))
    edit = mx.done[-1]
    assert isinstance(edit.action, EditMessage) and edit.action.text == "💬 Anna:\nZwemles om 4 uur"
    assert edit.target_remote_id == f"remote-{copy.outbox_id}"
    # Matrix -> Telegram, and a redaction on Matrix deletes the Telegram copy
    run(app, Incoming.from_text("matrix", "@ben:x", MX, False, "Hoi", message_id="$m2",
                                sender_name="Ben", event_id="$m2"))  # fmt: skip
    tg_copy = tg.sent[-1]
    run(app, Incoming("matrix", "@ben:x", MX, False, kind=EventKind.DELETION,
                      ref=Target(remote_id="$m2"), event_id="$r2"))  # fmt: skip
    deleted = tg.done[-1]
    assert isinstance(deleted.action, DeleteMessage)
    assert deleted.target_remote_id == f"remote-{tg_copy.outbox_id}" and deleted.chat_id == TG


def test_a_moderator_deleting_a_copy_deletes_the_original_too(two) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    tg_says(app, "Koop mijn spullen!", "14")
    copy = mx.sent[-1]
    with app.session_factory.begin() as session:
        add_member(session, "matrix", "@mod:x", app.clock, Role.COORDINATOR)
    run(app, Incoming("matrix", "@mod:x", MX, False, kind=EventKind.DELETION,
                      ref=Target(remote_id=f"remote-{copy.outbox_id}"), event_id="$r3"))  # fmt: skip
    deleted = tg.done[-1]
    assert isinstance(deleted.action, DeleteMessage) and deleted.target_remote_id == "14"


def test_relay_off_stops_it_and_only_staff_switch_it(two, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two

    def say(user: str, chat: str, text: str) -> list[str]:
        before = len(tg.done)
        run(app, Incoming.from_text("telegram", user, chat, chat == user, text,
                                    event_id=f"{user}-{text}-{before}"))  # fmt: skip
        return [d.action.text for d in tg.done[before:] if isinstance(d.action, SendMessage)]

    assert say("502", TG, "/relay off") == [
        "Dat commando is niet voor jou. Stuur /help voor jouw commando's."
    ]
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        session.add(Person(platform="telegram", platform_user_id="900", private_chat_id="900",
                           locale="en", role=Role.COORDINATOR, created_at=clock.now(),
                           community_id=community.id))  # fmt: skip
    assert say("900", TG, "/relay off") == ["Relaying is off. Messages stay in this group."]
    tg_says(app, "Niet doorsturen", "15")
    assert texts(mx) == []
    assert say("900", TG, "/relay") == [
        "Relaying is on. Linked groups: 1. Only each parent's first name goes along."
    ]
    tg_says(app, "Wel doorsturen", "16")
    assert texts(mx) == ["💬 Anna:\nWel doorsturen"]
    assert say("900", "900", "/relay") == [
        "Send /relay in the group itself. There you turn relaying on or off."
    ]
    assert say("900", "-999", "/relay") == [
        "This group does not belong to the community yet. Send /linkgroup first."
    ]


def test_a_coordinator_removes_a_message_everywhere_with_delete(two, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        session.add(Person(platform="telegram", platform_user_id="900", private_chat_id="900",
                           locale="nl", role=Role.COORDINATOR, created_at=clock.now(),
                           community_id=community.id))  # fmt: skip
    tg_says(app, "Koop mijn spullen!", "31")
    copy = mx.sent[-1]
    # Not a reply: the coordinator is told how; a parent may not
    tg_says(app, "/delete", "32", name="Bram")
    assert texts(tg) == ["Dat commando is niet voor jou. Stuur /help voor jouw commando's."]
    run(app, Incoming.from_text("telegram", "900", TG, False, "/delete", message_id="33",
                                event_id="d33"))  # fmt: skip
    assert texts(tg)[-1].startswith("Antwoord in de groep op het bericht met /delete.")
    run(app, Incoming.from_text("telegram", "900", TG, False, "/delete", message_id="34",
                                ref=Target(remote_id="31"), event_id="d34"))  # fmt: skip
    removed = [(d.chat_id, d.target_remote_id) for d in tg.done + mx.done
               if isinstance(d.action, DeleteMessage)]  # fmt: skip
    assert sorted(removed) == sorted([(TG, "31"), (TG, "34"), (MX, f"remote-{copy.outbox_id}")])
    assert not any("/delete" in t for t in texts(mx))  # commands are never relayed


def test_the_map_is_pruned_with_the_copies_and_erased_with_the_sender(
    two, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    tg_says(app, "Een", "21")
    tg_says(app, "Twee", "22", name="Bo")

    def count() -> int:
        with app.session_factory() as session:
            return session.scalar(select(func.count()).select_from(RelayedMessage)) or 0

    assert count() == 2
    with app.session_factory.begin() as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "501")).one()
        people.erase(session, person, clock)
    with app.session_factory() as session:
        left = list(session.scalars(select(OutboxMessage.kind)
                                    .where(OutboxMessage.chat_id == MX)))  # fmt: skip
    # The copies that named the person went with them; the copy in the room goes too.
    assert count() == 0 and left == ["delete", "delete"]
    asyncio.run(app.dispatcher.dispatch_due())
    gone = [d.target_remote_id for d in mx.done if isinstance(d.action, DeleteMessage)]
    assert len(gone) == 2 and all(remote.startswith("remote-") for remote in gone)
    clock.advance(days=1)
    run(app, Incoming.from_text("matrix", "@ben:x", MX, False, "Hoi", message_id="$m9",
                                sender_name="Ben", event_id="$m9"))  # fmt: skip
    assert count() == 1
    clock.advance(days=app.settings.sent_retention_days + 1)
    housekeeping_now(app)
    assert count() == 0


@pytest.mark.parametrize(
    ("shown", "first"),
    [
        ("Anna de Vries", "Anna"),
        ("@anna:example.org", None),
        ("+31 6 12345678", None),
        ("anna_123", None),
        ("", None),
        (None, None),
        ("Özlem", "Özlem"),
        ("مُحَمَّد", "مُحَمَّد"),  # with vowel signs
        ("Anne-Marie", "Anne-Marie"),
        ("Anna🌸 Bakker", "Anna"),
        ("Staffan", "Staffan"),
        ("\u202eannA", "annA"),  # a right-to-left override goes
        ("Ann\u200ba", "Anna"),  # a zero-width space too
        ("Bo\nCoördinator: hoi", "Bo"),
        ("Coördinator", None),
        ("COORDINATOR", None),
        ("Beheerder", None),
        ("AdminAnna", None),
        ("Ouderkring", None),
        ("\u0410dmin", None),  # a Cyrillic A in a Latin word
        ("Ｂｏｔ", None),  # full-width letters
        ("x" * 40, "x" * 24),
    ],
)
def test_only_a_first_name_is_ever_shown(shown: str | None, first: str | None) -> None:
    assert relay_text.safe_first_name(shown) == first
