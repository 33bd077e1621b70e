"""A role can go down: /revoke (admins: any staff role; coordinators: professionals of their own
community) and /stop, which takes every power away at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from community.clock import FakeClock
from community.models import DialogueState, Person, Role
from community.services import communities, role_codes
from config import Settings
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport

NEED_CODE = "Hallo! Ik ben de Ouderkring-bot."  # what a stranger hears, in Dutch by default
NOT_YOURS = "That command is not for you. Send /help for your commands."


def _staff(chat: Chat, user: str, role: Role, slug: str = "arnhem", language: str = "English"):
    app = chat.app
    with app.session_factory.begin() as session:
        community = communities.by_slug(session, slug)
        assert community is not None
        code = role_codes.create(session, community, role, app.clock, 14)
    chat.say(f"{user}: /start {code}")
    chat.say(f"{user}: {language}")


def _admin(chat: Chat) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")


def _person(app: App, user: str) -> Person | None:
    with app.session_factory() as session:
        return session.scalar(select(Person).where(Person.platform_user_id == user))


def test_an_admin_takes_a_coordinators_role_away(chat: Chat, app: App) -> None:
    _staff(chat, "cora", Role.COORDINATOR, language="Nederlands")
    _admin(chat)
    question = chat.messages("admin: /revoke")[-1]
    assert question.text == "Whose role do you want to take away?"
    (label,) = [button.label for button in question.choices]
    assert label == "1. coordinator on Console, since Sep 1, 2026"  # no name: the bot keeps none
    sure = chat.press("admin", question, label)[-1]
    assert sure.text.startswith("Take the role of this coordinator away?")
    assert [b.label for b in sure.choices] == ["No", "Yes, take it away"]  # the safe one first
    said = [m.text for m in chat.press("admin", sure, "Yes, take it away")]
    assert "Done. This coordinator has no role any more. I told them." in said
    told = [d for d in chat.transport.sent if d.chat_id == "cora"][-1]
    assert told.action.text == (  # type: ignore[attr-defined]
        "Je bent geen coördinator meer bij Ouderkring Arnhem. Ik heb je gegevens gewist."
    )
    # Erased: a stranger again, whose language the bot still knows.
    assert _person(app, "cora") is None
    with app.session_factory() as session:
        state = session.get(DialogueState, ("console", "cora"))
        assert state is not None and state.locale == "nl" and state.person_id is None
    assert chat.say("cora: /code")[0].startswith("Hallo! Ik ben de Ouderkring-bot.")
    # And back as a new parent with the letter's code.
    assert chat.say("cora: /start ARNHEM")[0].startswith("Kies je taal.")


def test_no_is_the_safe_answer_and_nobody_to_revoke_is_said(chat: Chat, app: App) -> None:
    _admin(chat)
    assert chat.say("admin: /revoke") == ["There is nobody whose role you can take away."]
    _staff(chat, "pim", Role.PROFESSIONAL)
    chat.say("admin: /revoke")
    chat.say("admin: 1")
    assert chat.say("admin: No") == ["OK. Nothing has changed."]
    assert _person(app, "pim") is not None and _person(app, "pim").role is Role.PROFESSIONAL  # type: ignore[union-attr]


@pytest.fixture
def two(settings: Settings, clock: FakeClock) -> Iterator[Chat]:
    arnhem = settings.communities[0]
    velp = dataclasses.replace(arnhem, slug="velp", name="Ouderkring Velp", invite_code="VELP")
    transport = RecordingTransport()
    app = build_app(
        dataclasses.replace(settings, communities=(arnhem, velp)),
        [transport],
        clock=clock,
        migrate=True,
    )
    yield Chat(app, transport)
    app.close()


def test_a_coordinator_takes_away_only_professionals_of_their_own_community(two: Chat) -> None:
    chat = two
    _staff(chat, "cora", Role.COORDINATOR)
    _staff(chat, "carl", Role.COORDINATOR)
    _staff(chat, "pim", Role.PROFESSIONAL)
    _staff(chat, "vera", Role.PROFESSIONAL, slug="velp")
    question = chat.messages("cora: /revoke")[-1]
    assert [b.label for b in question.choices] == ["1. professional on Console, since Sep 1, 2026"]
    # A typed number counts as the button; the list stays theirs.
    assert chat.say("cora: 2")[0] == "Please tap a button. Or send its number."
    chat.say("cora: 1")
    chat.say("cora: Yes, take it away")
    assert _person(chat.app, "pim") is None
    assert _person(chat.app, "vera") is not None and _person(chat.app, "carl") is not None
    # An admin chooses the community first, then sees every staff role there.
    _admin(chat)
    assert chat.last_choices("admin: /revoke") == ["Ouderkring Arnhem", "Ouderkring Velp"]
    assert chat.last_choices("admin: Ouderkring Velp") == [
        "1. professional on Console, since Sep 1, 2026"
    ]
    assert chat.last_choices("admin: /revoke") == ["Ouderkring Arnhem", "Ouderkring Velp"]
    assert len(chat.last_choices("admin: 1")) == 2  # cora and carl


def test_a_list_shown_earlier_cannot_take_a_role_that_changed_since(chat: Chat) -> None:
    _staff(chat, "cora", Role.COORDINATOR)
    _staff(chat, "pim", Role.PROFESSIONAL)
    _admin(chat)
    chat.say("cora: /revoke")
    chat.say("cora: 1")  # cora is at "are you sure?"
    chat.say("pim: /stop")
    chat.say("pim: Yes, stop")  # pim is staff no more
    assert chat.say("cora: Yes, take it away") == [
        "That person has no role any more. Nothing has changed."
    ]


def test_staff_who_stop_lose_every_power_at_once(chat: Chat, app: App) -> None:
    _staff(chat, "cora", Role.COORDINATOR)
    chat.say("cora: /stop")
    chat.say("cora: Yes, stop")
    # Still at the erase question, and already without any power.
    for command in ("/code", "/community", "/revoke", "/match", "/new"):
        assert chat.say(f"cora: {command}")[0].startswith("Hello! I am the Ouderkring bot.")
    assert chat.say("cora@tips: /linkgroup") == [NOT_YOURS]
    person = _person(app, "cora")
    assert person is not None and person.role is Role.GUEST and person.community_id is None
    # The letter's code makes them a parent; a staff role only comes back with a new code.
    assert chat.say("cora: /start ARNHEM")[-1].startswith("Kies je taal.")
    chat.say("cora: English")
    chat.say("cora: 1")  # yes to storing their answers
    person = _person(app, "cora")
    assert person is not None and person.role is Role.PARENT


def test_only_staff_and_admins_may_revoke(chat: Chat) -> None:
    _staff(chat, "pim", Role.PROFESSIONAL)
    chat.onboard("anna")
    assert chat.say("pim: /revoke") == [NOT_YOURS]
    assert chat.say("anna: /revoke") == [NOT_YOURS]
    assert chat.say("nobody: /revoke")[0].startswith(NEED_CODE)


def test_codes_made_by_someone_who_loses_their_role_stop_working(chat: Chat, app: App) -> None:
    _staff(chat, "cora", Role.COORDINATOR)
    _staff(chat, "carl", Role.COORDINATOR)
    codes = []
    for user in ("cora", "carl"):
        chat.say(f"{user}: /code")
        said = chat.say(f"{user}: 1")
        codes.append(next(t for t in said if t.startswith("/start ")).split()[1])
    _admin(chat)
    chat.say("admin: /revoke")
    chat.say("admin: 1")  # cora
    chat.say("admin: Yes, take it away")
    chat.say("carl: /stop")
    chat.say("carl: Yes, stop")
    for code in codes:
        assert chat.say(f"pim: /start {code}")[0].startswith("Die code ken ik niet.")
