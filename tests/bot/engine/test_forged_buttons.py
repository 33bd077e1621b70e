"""A button acts only for the person it was sent to (issue 16).

For every registered stateless button action (the registry is iterated, so a new action without a
case here fails), button data pressed by the wrong person is refused and changes nothing: the
data as anyone could type it (unsigned), the recipient's own signed button copied into another
chat, and data signed for the presser by a leaked key (then the handler's own checks refuse:
the thing must exist, be open, and be the presser's). The recipient's press still works, days
later, after the sent messages were pruned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.engine.buttons import action_button
from bot.engine.handler_table import HANDLERS
from bot.engine.types import EventKind, Incoming, Quoted
from community import buttons as codec
from community.actions import SendMessage, Target
from community.clock import FakeClock
from community.models import (
    Base,
    BuddyPair,
    Community,
    OutboxMessage,
    Person,
    Prompt,
    Role,
    Room,
)
from community.services import buddies, button_key, housekeeping, prompts, role_codes
from config import Settings
from config.programme import Programme, ProgrammeItem
from tests.support.chat import Chat, Sent

START = date(2026, 8, 31)
MONDAY = datetime(2026, 9, 7, 8, 5, tzinfo=UTC)  # the invitation goes out; its event is Wednesday
LIBRARY = ProgrammeItem(
    "library", "invitation", (2,), "mon", time(10, 0),
    {"nl": "Kom naar de bibliotheek.", "en": "Come to the library."}, ("0-2",), "wed", time(10, 0),
    "Bibliotheek, Kortestraat 16",
)  # fmt: skip
KEYCAP = "1\ufe0f\u20e3"
# What a refused press may answer (a stranger hears the community's language).
REFUSAL_IDS = ("input.old_button", "input.not_allowed", "rsvp.closed", "report.closed")
# Rows that a refused press may add: its own answer in the outbox, and nothing else (the
# process's heartbeat row changes on its own, every second).
IGNORED_TABLES = {"outbox_message", "outbox_key", "processed_event", "sender_process"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Two communities, and sent messages forgotten after a day."""
    arnhem = settings.communities[0]
    ede = dataclasses.replace(arnhem, slug="ede", name="Ouderkring Ede", invite_code="EDE")
    return dataclasses.replace(settings, communities=(arnhem, ede), sent_retention_days=1)


# -- the people -----------------------------------------------------------------------------------
def _onboard(chat: Chat, user: str, code: str, ages: str, buddy: str) -> None:
    chat.say(f"{user}: /start {code}")
    for line in ("English", "1", "6825 AB", ages, "Done", "2", "Done", buddy):
        chat.say(f"{user}: {line}")


def _staff(chat: Chat, user: str, slug: str) -> None:
    app = chat.app
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community).where(Community.slug == slug))
        assert community is not None
        code = role_codes.create(session, community, Role.COORDINATOR, app.clock, 7)
    chat.say(f"{user}: /start {code}")
    chat.say(f"{user}: English")


@pytest.fixture
def people(chat: Chat) -> Chat:
    """anna and bilal (Arnhem, a child of 0-2, want a buddy), carla (Arnhem, a child of 4-6, no
    buddy), eva (Ede), bram (coordinator of Arnhem), cora (coordinator of Ede); zed is a
    stranger who never joined."""
    _staff(chat, "bram", "arnhem")
    _staff(chat, "cora", "ede")
    _onboard(chat, "anna", "ARNHEM", "1", "1")
    _onboard(chat, "bilal", "ARNHEM", "1", "1")
    _onboard(chat, "carla", "ARNHEM", "3", "2")
    _onboard(chat, "eva", "EDE", "1", "1")
    return chat


# -- helpers --------------------------------------------------------------------------------------
def _refusals(app: App) -> set[str]:
    return {app.translator.t(locale, msgid) for locale in ("en", "nl") for msgid in REFUSAL_IDS}


# Any press is a sign of life (the inactivity rule counts it), forged or not.
IGNORED_COLUMNS = {"last_seen_at", "inactivity_warned_at"}


def _snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that a press could change."""
    with app.session_factory() as session:
        snapshot = {}
        for table in Base.metadata.sorted_tables:
            if table.name in IGNORED_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in IGNORED_COLUMNS]
            rows = session.execute(select(*columns))
            snapshot[table.name] = sorted(tuple(str(value) for value in row) for row in rows)
        return snapshot


def _person_id(app: App, user: str) -> int | None:
    with app.session_factory() as session:
        return session.scalar(select(Person.id).where(Person.platform_user_id == user))


def _press(chat: Chat, user: str, data: str, ref: Target | None = None) -> list[Sent]:
    return chat.send(Incoming.button("console", user, user, data, ref=ref))


def _to(chat: Chat, user: str) -> list[Sent]:
    return [Sent(d) for d in chat.transport.sent if d.chat_id == user]


def _dispatch(chat: Chat) -> None:
    chat.flush()  # the dispatcher sends what the jobs queued


def _send_prompts(chat: Chat, clock: FakeClock, *items: ProgrammeItem) -> None:
    app = chat.app
    config = dataclasses.replace(app.settings.prompts, programme=Programme(START, items))
    clock.current = MONDAY
    prompts.send_due_prompts(
        app.session_factory,
        app.translator,
        clock,
        dataclasses.replace(app.settings, prompts=config),
    )
    _dispatch(chat)


# -- how each action's button reaches its rightful recipient ---------------------------------------
@dataclass(frozen=True)
class Case:
    recipient: str
    message: Sent
    label: str
    forgers: tuple[str, ...]  # who must be refused, whatever data they press
    # Who holds the same data signed for themselves (the other buddy's own follow-up): refused
    # only the data as typed and the recipient's copy.
    copiers: tuple[str, ...] = ()


def _invitation(chat: Chat, clock: FakeClock) -> Sent:
    _send_prompts(chat, clock, LIBRARY)
    return _to(chat, "anna")[-1]


def case_rsvp(chat: Chat, clock: FakeClock) -> Case:
    return Case("anna", _invitation(chat, clock), "Yes, I will come", ("carla", "eva", "zed"))


def case_rsvpn(chat: Chat, clock: FakeClock) -> Case:
    how_many = chat.press("anna", _invitation(chat, clock), "Yes, I will come")[-1]
    return Case("anna", how_many, "2", ("bilal", "carla", "eva", "zed"))


def _question(chat: Chat, clock: FakeClock) -> Sent:
    """A professional's question with buttons, for the parents of children of 0-2."""
    app = chat.app
    clock.current = MONDAY
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community).where(Community.slug == "arnhem"))
        assert community is not None
        session.add(
            Prompt(
                community_id=community.id, kind="question", age_bands=["0-2"],
                texts={"nl": "Leest u voor?", "en": "Do you read aloud?"},
                options=["Often", "Sometimes"], due_at=MONDAY - timedelta(minutes=1),
                created_at=MONDAY,
            )
        )  # fmt: skip
        session.add(
            Room(community_id=community.id, platform="console", chat_id="tips", created_at=MONDAY)
        )
    _send_prompts(chat, clock)
    return _to(chat, "anna")[-1]


def case_qa(chat: Chat, clock: FakeClock) -> Case:
    return Case("anna", _question(chat, clock), "Often", ("carla", "eva", "zed"))


def case_share(chat: Chat, clock: FakeClock) -> Case:
    asked = chat.press("anna", _question(chat, clock), "Often")[-1]
    assert asked.choices, asked.text
    return Case("anna", asked, asked.choices[0].label, ("bilal", "carla", "eva", "zed"))


def _proposal(chat: Chat) -> Sent:
    proposal = chat.messages("bram: /match")[-1]
    assert [b.label for b in proposal.choices] == ["Approve", "Reject", "Skip", "Approve all"]
    return proposal


STAFF_FORGERS = ("anna", "cora", "eva", "zed")


def case_buddy_ok(chat: Chat, clock: FakeClock) -> Case:
    return Case("bram", _proposal(chat), "Approve", STAFF_FORGERS)


def case_buddy_no(chat: Chat, clock: FakeClock) -> Case:
    return Case("bram", _proposal(chat), "Reject", STAFF_FORGERS)


def case_buddy_skip(chat: Chat, clock: FakeClock) -> Case:
    return Case("bram", _proposal(chat), "Skip", STAFF_FORGERS)


def case_buddy_all(chat: Chat, clock: FakeClock) -> Case:
    return Case("bram", _proposal(chat), "Approve all", STAFF_FORGERS)


def _introduced(chat: Chat) -> None:
    chat.press("bram", _proposal(chat), "Approve")
    chat.say("anna: Anna")
    chat.say("bilal: Bilal")


def case_buddy_met(chat: Chat, clock: FakeClock) -> Case:
    _introduced(chat)
    clock.advance(days=15)
    app = chat.app
    assert buddies.send_due_follow_ups(app.session_factory, app.translator, clock) == 2
    _dispatch(chat)
    asked = _to(chat, "anna")[-1]
    return Case("anna", asked, asked.choices[0].label, ("carla", "eva", "zed"), ("bilal",))


def case_buddy_share(chat: Chat, clock: FakeClock) -> Case:
    _introduced(chat)
    menu = chat.messages("anna: /buddy")[-1]
    share = next(b for b in menu.choices if _decoded_key(b.data) == "share")
    chat.press("anna", menu, share.label)
    request = _to(chat, "bilal")[-1]
    assert request.choices, request.text
    return Case("bilal", request, request.choices[0].label, ("carla", "eva", "zed"), ("anna",))


def _decoded_key(data: str) -> str | None:
    decoded = codec.decode(data)
    return decoded.key if isinstance(decoded, codec.QuestionData) else None


def case_mod(chat: Chat, clock: FakeClock) -> Case:
    """bilal reports anna's message in Arnhem's group: bram gets it with the buttons."""
    group = "@tips"
    link = Incoming.from_text(
        "console", "bram", group, False, "/linkgroup", sender_is_chat_admin=True
    )
    chat.run(link)
    said = "Koop mijn spullen"
    chat.run(Incoming.from_text("console", "anna", group, False, said, message_id="m1"))
    report = Incoming.from_text(
        "console", "bilal", group, False, "/report", message_id="m2",
        ref=Target(remote_id="m1"), quoted=Quoted("anna", "Anna", said),
    )  # fmt: skip
    chat.run(report)
    sent = _to(chat, "bram")[-1]
    assert sent.choices, sent.text
    return Case("bram", sent, "Warn", STAFF_FORGERS)


def _translation_request(chat: Chat) -> Sent:
    """wim writes a tip in Dutch with time for translators; tom translates into English."""
    app = chat.app
    with app.session_factory.begin() as session:
        arnhem = session.scalar(select(Community).where(Community.slug == "arnhem"))
        assert arnhem is not None
        codes = [
            role_codes.create(session, arnhem, role, app.clock, 7)
            for role in (Role.PROFESSIONAL, Role.TRANSLATOR)
        ]
    for user, code, lines in (
        ("wim", codes[0], ("Nederlands",)),
        ("tom", codes[1], ("English",) * 2),
    ):
        chat.say(f"{user}: /start {code}")
        for line in lines:
            chat.say(f"{user}: {line}")
    for line in ("/new", "Tip", "Lees samen een boek.", "Alle ouders", "1"):
        chat.say(f"wim: {line}")
    request = _to(chat, "tom")[-1]
    assert request.choices, request.text
    return request


def case_translate(chat: Chat, clock: FakeClock) -> Case:
    return Case("tom", _translation_request(chat), "Translate", ("anna", "bram", "cora", "zed"))


def case_translate_skip(chat: Chat, clock: FakeClock) -> Case:
    return Case("tom", _translation_request(chat), "Skip", ("anna", "bram", "cora", "zed"))


CASES: dict[str, Callable[[Chat, FakeClock], Case]] = {
    "mod": case_mod,
    "rsvp": case_rsvp,
    "rsvpn": case_rsvpn,
    "qa": case_qa,
    "share": case_share,
    "buddy_ok": case_buddy_ok,
    "buddy_no": case_buddy_no,
    "buddy_skip": case_buddy_skip,
    "buddy_all": case_buddy_all,
    "buddy_met": case_buddy_met,
    "buddy_share": case_buddy_share,
    "translate": case_translate,
    "translate_skip": case_translate_skip,
}


def test_every_registered_button_action_has_a_forged_case() -> None:
    assert set(HANDLERS.buttons) == set(CASES)


def _forgeries(app: App, case: Case, forger: str, data: str) -> list[str]:
    """The data a forger can press: as typed, copied from the recipient's chat, and (a leaked
    key) signed for the forger themselves."""
    decoded = codec.decode(data)
    assert isinstance(decoded, codec.ActionData) and decoded.signature is not None
    made = [decoded.unsigned, data]
    forger_id = _person_id(app, forger)
    if forger_id is not None and forger not in case.copiers:
        with app.session_factory() as session:
            key = button_key.get(session, app.clock)
        mark = codec.signature(decoded.unsigned, forger_id, key)
        made.append(f"{decoded.unsigned}{codec.SIGNATURE_SEPARATOR}{mark}")
    return made


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_forged_press_is_refused_and_the_rightful_press_works_days_later(
    people: Chat, clock: FakeClock, name: str
) -> None:
    chat, app = people, people.app
    case = CASES[name](chat, clock)
    button = next(b for b in case.message.choices if b.label == case.label)
    decoded = codec.decode(button.data)
    assert isinstance(decoded, codec.ActionData) and decoded.name == name
    before = _snapshot(app)
    ref = Target(outbox_id=case.message.delivery.outbox_id, remote_id=case.message.remote_id)
    for forger in case.forgers + case.copiers:
        for data in _forgeries(app, case, forger, button.data):
            sent = _press(chat, forger, data, ref)
            texts = [m.text for m in sent]
            assert texts and set(texts) <= _refusals(app), (forger, data, texts)
            assert {m.chat_id for m in sent} == {forger}
            assert all(m.action.media is None for m in sent)  # no calendar file, no address
            assert _snapshot(app) == before, (forger, data)
    # The rightful recipient, a day later (before the event), after the sent messages were
    # forgotten.
    clock.advance(hours=25)
    with app.session_factory() as session:
        housekeeping.run(session, clock, app.settings, app.translator)
        assert session.get(OutboxMessage, case.message.delivery.outbox_id) is None
    sent = chat.press(case.recipient, case.message, case.label)
    assert sent and not {m.text for m in sent} & _refusals(app), [m.text for m in sent]
    assert _snapshot(app) != before


def test_a_forged_rsvp_from_a_parent_outside_the_age_bands_on_an_unsent_invitation(
    people: Chat, clock: FakeClock
) -> None:
    """The example of the issue: before, this answered with the calendar file and address."""
    chat, app = people, people.app
    _send_prompts(chat, clock)  # the programme is stored; nothing is due yet
    clock.current = MONDAY
    with app.session_factory.begin() as session:
        prompt = session.scalar(select(Prompt).where(Prompt.key.is_not(None)).limit(1))
        arnhem = session.scalar(select(Community).where(Community.slug == "arnhem"))
        assert arnhem is not None
        unsent = Prompt(
            community_id=arnhem.id, kind="invitation", texts={"nl": "Kom.", "en": "Come."},
            age_bands=["0-2"], due_at=MONDAY + timedelta(days=30),
            event_at=MONDAY + timedelta(days=32), place="Geheime plek 1",
            created_at=MONDAY,
        )  # fmt: skip
        session.add(unsent)
        session.flush()
        prompt_id = unsent.id
    del prompt
    before = _snapshot(app)
    for data in (f"a:rsvp:{prompt_id}:yes", codec.action_data("rsvp", prompt_id, "yes")):
        said = [m.text for m in _press(chat, "carla", data)]
        assert said == ["That button no longer works."]
        said = [m.text for m in _press(chat, "carla", codec.action_data("rsvpn", prompt_id, 2))]
        assert said == ["That button no longer works."]
    assert _snapshot(app) == before
    assert not any("Geheime" in str(d.action) for d in chat.transport.sent)


def test_a_reaction_counts_only_on_a_message_in_the_reactors_own_chat(
    people: Chat, clock: FakeClock
) -> None:
    chat, app = people, people.app
    invitation = _invitation(chat, clock)
    before = _snapshot(app)
    # bilal got the same invitation in his own chat; a keycap on anna's message is not his.
    for ref in (
        Target(outbox_id=invitation.delivery.outbox_id),
        Target(remote_id=invitation.remote_id),
    ):
        reaction = Incoming(
            "console", "bilal", "bilal", True, kind=EventKind.REACTION, reaction=KEYCAP, ref=ref
        )
        assert [m.text for m in chat.send(reaction)] == ["That button no longer works."]
    assert _snapshot(app) == before
    # anna's own reaction on it counts as pressing "Yes".
    reaction = Incoming(
        "console", "anna", "anna", True, kind=EventKind.REACTION, reaction=KEYCAP,
        ref=Target(outbox_id=invitation.delivery.outbox_id),
    )  # fmt: skip
    assert [m.text for m in chat.send(reaction)] == ["Nice! How many children will come with you?"]


def test_a_contact_swap_cannot_start_before_the_introduction(
    people: Chat, clock: FakeClock
) -> None:
    """Approved, but the first names are not given yet: no swap, even with a button signed for
    a member of the pair."""
    chat, app = people, people.app
    chat.press("bram", _proposal(chat), "Approve")
    with app.session_factory() as session:
        pair = session.scalar(select(BuddyPair))
        assert pair is not None and pair.introduced_at is None
        pair_id = pair.id
    button = action_button("Yes", "buddy_share", pair_id, "yes")
    request = chat.deliver("bilal", SendMessage("x", (button,)))
    before = _snapshot(app)
    assert [m.text for m in chat.press("bilal", request, "Yes")] == [
        "That command is not for you. Send /help for your commands."
    ]
    assert _snapshot(app) == before
