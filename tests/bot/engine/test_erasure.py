"""Erasure leaves nothing: a parent who did everything (answers, an RSVP, a shared answer, a
buddy with messages, a contact swap and a follow-up, relayed group messages, a failed send, a
round that left them over) erases their data with /stop, and then no text or JSON column of any
table holds their words, platform id, postcode area or names, also after the nightly
housekeeping. A stranger who never consented is pruned the same way; a parent who becomes
staff loses the parent data the bot said it erases."""

from __future__ import annotations

import json
import re
import string
from datetime import UTC, datetime

from sqlalchemy import JSON, String, Text, select

from bot.app import App
from bot.engine.port import SendError
from bot.engine.types import EventKind, Incoming
from community.actions import DeleteMessage, SendMessage, Target
from community.clock import FakeClock
from community.models import (
    Base,
    BuddyPair,
    BuddyProfile,
    Community,
    MatchRound,
    OutboxMention,
    OutboxMessage,
    OutboxStatus,
    ParentProfile,
    Person,
    PromptAnswer,
    Role,
    Rsvp,
)
from community.services import buddies, housekeeping, platform_state, prompts, rooms
from tests.bot.engine.test_buddies import _coordinator, _to
from tests.bot.engine.test_prompts_chat import LIBRARY, QUESTION, _last_to, _send, _settings
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport

USER = "mk7f3a"  # the parent's platform id (and private chat) on the console
MARK = "MARKER-7f3a"
AREA = "6826"  # Presikhaaf-West; the other parents live in 6825
NAME = "Xandrakeet"  # the first name given to the buddy
SHOWN = "Quorinda"  # the first name of their display name in the group rooms
NEEDLES = (MARK, USER, AREA, NAME, SHOWN)
# The community's own configuration lists every postcode area of its neighbourhoods.
CONFIGURED = {("neighbourhood", "postcode_areas")}


def _hits(app: App, needles: tuple[str, ...] = NEEDLES) -> set[str]:
    """Every table, every text and JSON column: where a needle is found."""
    found: set[str] = set()
    with app.session_factory() as session:
        for table in Base.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if isinstance(c.type, String | Text | JSON)
                and (table.name, c.name) not in CONFIGURED
            ]
            if not columns:
                continue
            for row in session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    shown = value if isinstance(value, str) else json.dumps(value)
                    for needle in needles:
                        if value is not None and _holds(shown, needle):
                            found.add(f"{table.name}.{column.name}: {needle}")
    return found


def _holds(shown: str, needle: str) -> bool:
    """Whether `needle` is in `shown` other than by chance inside a random hex string (a code's
    hash, a token), where a postcode's 4 digits turn up now and then."""
    if not all(c in string.hexdigits for c in needle):
        return needle.lower() in shown.lower()
    for found in re.finditer(re.escape(needle), shown, re.IGNORECASE):
        start, end = found.start(), found.end()
        while start > 0 and shown[start - 1] in string.hexdigits:
            start -= 1
        while end < len(shown) and shown[end] in string.hexdigits:
            end += 1
        if end - start < 16:
            return True
    return False


def _link_rooms(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        for chat_id in ("@tips", "@tips2"):
            rooms.link(session, community, "console", chat_id, clock, purpose="tips").relay = True


def _in_group(chat: Chat, text: str, message_id: str, kind: EventKind = EventKind.MESSAGE) -> None:
    edit = {"ref": Target(remote_id=message_id)} if kind is EventKind.EDIT else {}
    chat.run(
        Incoming.from_text(
            "console", USER, "@tips", False, text, kind=kind,
            sender_name=f"{SHOWN} van Dijk", message_id=message_id, **edit,
        )
    )  # fmt: skip


def _prompts(chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport) -> None:
    """An answer (shared in the group), an RSVP, and the digest that quotes the answer."""
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()  # the dispatcher sends the queued question
    said = chat.messages(f"{USER}: {MARK} we read a book")
    share = chat.press(USER, said[-1], "Yes, share it")
    assert _to(share, USER) == ["Thank you! I shared it in the group."]
    _send(chat, app, clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC), LIBRARY)
    chat.flush()
    how_many = chat.press(USER, _last_to(transport, USER), "Yes, I will come")
    chat.press(USER, how_many[-1], "2")
    clock.current = datetime(2026, 9, 7, 14, 30, tzinfo=UTC)  # 16:30 in Arnhem
    settings = _settings(app, QUESTION, LIBRARY)
    assert prompts.send_digests(app.session_factory, app.translator, clock, settings) == 1
    chat.flush()
    assert MARK in _last_to(transport, "bram").text


def _buddies(chat: Chat, transport: RecordingTransport) -> None:
    """A round that leaves them over, then a buddy: names, messages (one fails for good), a
    contact swap."""
    first = chat.messages("bram: /match")[-1]
    chat.press("bram", first, "Reject")  # bilal and carim, the closer pair
    chat.say("carim: /buddy")
    chat.say("carim: Pause looking for a buddy")
    second = chat.messages("bram: /match")[-1]
    chat.press("bram", second, "Approve")
    chat.say(f"{USER}: {NAME}")
    assert NAME in _to(chat.messages("bilal: Bilal"), "bilal")[1]  # introduced (in Arabic)
    transport.fail_next += [SendError("gone", permanent=True), SendError("gone", permanent=True)]
    chat.say(f"{USER}: /buddy {MARK} this one fails")
    relayed = chat.messages(f"{USER}: /buddy {MARK} coffee on Tuesday?")
    assert _to(relayed, "bilal") == [f"Message from your buddy {NAME}:\n{MARK} coffee on Tuesday?"]
    chat.say(f"{USER}: /buddy")
    asked = chat.messages(f"{USER}: Swap contact details with Bilal")
    request = next(m for m in asked if m.chat_id == "bilal")
    chat.press("bilal", request, "Yes, swap")
    swapped = chat.messages(f"{USER}: {MARK} 06-11112222")
    assert _to(swapped, "bilal") == [f"Contact details from your buddy {NAME}:\n{MARK} 06-11112222"]
    chat.say("bilal: bilal@example.org")


def _did_everything(chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport) -> int:
    _coordinator(chat)
    _link_rooms(app, clock)
    chat.onboard(USER, postcode=f"{AREA} XY")
    chat.onboard("bilal")
    chat.onboard("carim")
    _prompts(chat, app, clock, transport)
    _buddies(chat, transport)
    _in_group(chat, f"{MARK} in the group", "m1")
    _in_group(chat, f"{MARK} edited in the group", "m1", kind=EventKind.EDIT)
    clock.advance(days=15)
    buddies.send_due_follow_ups(app.session_factory, app.translator, clock)
    chat.flush()
    with app.session_factory.begin() as session:
        # The Matrix adapter keeps the direct chat it opened with someone like this.
        platform_state.put(session, "console", platform_state.direct_chat_key(USER), USER, clock)
        person = session.scalars(select(Person).where(Person.platform_user_id == USER)).one()
        return person.id


def _nightly(app: App, clock: FakeClock) -> None:
    with app.session_factory() as session:
        housekeeping.run(session, clock, app.settings, app.translator)


def test_erasing_a_parent_who_did_everything_leaves_nothing(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    person_id = _did_everything(chat, app, clock, transport)
    # Everything was there: the scan finds each needle, and a send failed for good.
    assert {hit.rsplit(": ", 1)[1] for hit in _hits(app)} == set(NEEDLES)
    with app.session_factory() as session:
        dead = session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)
        ).all()
        assert {row.chat_id for row in dead} == {USER, "bilal"}
        left_over = session.scalars(select(MatchRound.left_over)).all()
        assert any(entry["id"] == person_id for entry in left_over[0] or [])
        assert session.scalars(select(OutboxMention)).all()

    chat.say(f"{USER}: /stop")
    chat.say(f"{USER}: Yes, stop")
    erased = chat.run(Incoming.from_text("console", USER, USER, True, "Yes, erase all"))
    assert [d.action.text for d in erased if isinstance(d.action, SendMessage)] == [
        "Done. I erased all your data. Goodbye!"
    ]
    # The bot's copy of their group message is deleted in the room it was relayed to.
    assert [(d.chat_id, type(d.action)) for d in erased if d.chat_id != USER] == [
        ("@tips2", DeleteMessage)
    ]
    assert _hits(app) == set()
    with app.session_factory() as session:
        assert session.get(Person, person_id) is None
        assert not session.scalars(select(OutboxMention)).all()
        rounds = session.scalars(select(MatchRound.left_over)).all()
        assert all(entry["id"] != person_id for listed in rounds for entry in listed or [])
    # The other parents and the staff keep what is theirs.
    assert "bilal" in {hit.split(": ")[1] for hit in _hits(app, ("bilal",))}

    clock.advance(days=2)
    _nightly(app, clock)
    clock.advance(days=app.settings.sent_retention_days + 1)
    _nightly(app, clock)
    assert _hits(app) == set()
    # The language they chose was kept for a day only: now the bot speaks the default.
    assert chat.say(f"{USER}: hello")[0].startswith("Hallo!")


def test_the_language_is_kept_a_day_under_a_pseudonym(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard(USER, language="English")
    chat.say(f"{USER}: /stop")
    chat.say(f"{USER}: Yes, stop")
    chat.say(f"{USER}: Yes, erase all")
    assert _hits(app, (USER,)) == set()
    assert chat.say(f"{USER}: hello")[0].startswith("Hello!")  # still English
    clock.advance(days=2)
    _nightly(app, clock)
    assert chat.say(f"{USER}: hello")[0].startswith("Hallo!")  # forgotten: the default


def test_a_stranger_who_never_consented_is_pruned(chat: Chat, app: App, clock: FakeClock) -> None:
    _link_rooms(app, clock)
    chat.say(f"{USER}: /start ARNHEM")
    chat.say(f"{USER}: English")  # now asked for consent; they never answer
    chat.run(Incoming("console", USER, "@tips", False, kind=EventKind.JOIN_REQUEST))
    # Another only says hello (no dialogue starts): the answer is not kept once sent.
    assert chat.say("zq9x: hello")[0].startswith("Hallo!")
    with app.session_factory.begin() as session:
        for user in (USER, "zq9x"):  # as the Matrix adapter keeps the direct chat it opened
            platform_state.put(
                session, "console", platform_state.direct_chat_key(user), user, clock
            )
    assert _hits(app, (USER,)) and _hits(app, ("zq9x",))
    clock.advance(hours=25)
    _nightly(app, clock)
    assert _hits(app, (USER, "zq9x")) == set()


def test_a_parent_who_becomes_staff_loses_the_parent_data(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    person_id = _did_everything(chat, app, clock, transport)
    chat.say("admin: /code")
    code = next(t for t in chat.say("admin: professional") if t.startswith("/start ")).split()[1]
    chat.say(f"{USER}: /start {code}")
    became = chat.messages(f"{USER}: Yes, go on")
    assert _to(became, USER)[0] == "Welcome! You are now professional at Ouderkring Arnhem."
    # The buddy is told kindly that the pair ended, nothing more.
    assert _to(became, "bilal") == [
        "Your buddy pair has ended. That happens. We will look for a new buddy for you."
    ]
    with app.session_factory() as session:
        for model in (ParentProfile, BuddyProfile, PromptAnswer, Rsvp):
            assert not session.scalars(
                select(model).where(model.person_id == person_id)  # type: ignore[attr-defined]
            ).all()
        assert not session.scalars(
            select(BuddyPair).where((BuddyPair.a_id == person_id) | (BuddyPair.b_id == person_id))
        ).all()
        person = session.get(Person, person_id)
        assert person is not None and person.role is Role.PROFESSIONAL
    # Their answers, name and words as a parent are gone from what others got; what is theirs
    # as a member stays (their platform id, their own messages in the group).
    parent = {hit.rsplit(": ", 1)[1] for hit in _hits(app, (NAME, AREA, f"{MARK} we read"))}
    assert parent == set()
