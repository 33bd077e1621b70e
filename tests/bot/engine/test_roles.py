"""Roles: admin (from config), coordinator and professional (one-time codes), parent.
Each sees only its own commands."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from community.clock import FakeClock
from community.models import Person, Role, RoleCode
from tests.support.chat import Chat


def _code_from(said: list[str]) -> str:
    line = next(text for text in said if text.startswith("/start "))
    return line.split()[1]


def _role(app: App, user: str) -> Role | None:
    with app.session_factory() as session:
        return session.scalar(select(Person.role).where(Person.platform_user_id == user))


def _help_commands(chat: Chat, user: str) -> set[str]:
    text = chat.say(f"{user}: /help")[0]
    return {line.split()[0] for line in text.splitlines()[1:]}


def test_chain_admin_coordinator_professional(chat: Chat, app: App) -> None:
    chat.say("admin: /start")
    assert chat.say("admin: English")[0] == "Welcome! You are an admin of this bot."
    assert chat.last_choices("admin: /code") == ["coordinator", "professional", "translator"]
    code = _code_from(chat.say("admin: coordinator"))

    chat.say(f"bram: /start {code}")
    said = chat.say("bram: Nederlands")
    assert said[0] == "Welkom! Je bent nu coördinator bij Ouderkring Arnhem."
    assert _role(app, "bram") is Role.COORDINATOR
    # A coordinator may only make professional and translator codes.
    assert chat.last_choices("bram: /code") == ["professional", "vertaler"]
    pro_code = _code_from(chat.say("bram: 1"))

    chat.say(f"cees: /start {pro_code}")
    chat.say("cees: English")
    assert _role(app, "cees") is Role.PROFESSIONAL
    # Codes work once.
    assert chat.say(f"dirk: /start {pro_code}")[0].startswith("Deze code is al gebruikt.")
    assert _role(app, "dirk") is None


def test_codes_are_stored_only_as_hashes(chat: Chat, app: App) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    code = _code_from(chat.say("admin: 1"))
    with app.session_factory() as session:
        record = session.scalars(select(RoleCode)).one()
        assert code not in record.code_hash and len(record.code_hash) == 64


def test_expired_code_is_refused(chat: Chat, app: App, clock: FakeClock) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    code = _code_from(chat.say("admin: 2"))
    clock.advance(days=15)
    assert chat.say(f"eva: /start {code}")[0].startswith("Deze code is te oud")


def test_help_lists_only_the_commands_of_the_role(chat: Chat) -> None:
    assert chat.say("guest: /help") == [
        "Stuur /start en je code om te beginnen. De code staat op de brief van school."
    ]
    chat.onboard("anna")
    parent = _help_commands(chat, "anna")
    assert {"/profile", "/stop", "/help", "/mydata"} <= parent
    assert not parent & {"/code", "/community"}
    chat.say("admin: /start")
    chat.say("admin: English")
    admin = _help_commands(chat, "admin")
    assert {"/code", "/community"} <= admin and "/profile" not in admin


def test_a_command_the_role_may_not_use_is_refused(chat: Chat) -> None:
    chat.onboard("anna")
    assert chat.say("anna: /code") == ["That command is not for you. Send /help for your commands."]
    assert chat.say("anna: /community") == [
        "That command is not for you. Send /help for your commands."
    ]
    assert chat.say("nobody: /profile")[0].startswith("Hallo! Ik ben de Ouderkring-bot.")


def test_community_overview_counts_parents_per_neighbourhood(chat: Chat) -> None:
    chat.onboard("anna", postcode="6825 AB")
    chat.onboard("bo", postcode="6825 XY")
    chat.onboard("cas", postcode="6811 AA")
    chat.say("admin: /start")
    chat.say("admin: English")
    text = chat.say("admin: /community")[0]
    lines = text.splitlines()
    assert lines[0] == "Ouderkring Arnhem: 3 parents take part."
    assert "Presikhaaf-Oost: 2" in lines and "Centrum: 1" in lines
    assert lines[-1] == "Invite code for parents: ARNHEM"


def test_admin_start_twice_does_not_ask_again(chat: Chat) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    assert chat.say("admin: /start") == ["You are already in. Send /help to see what I can do."]


@pytest.mark.parametrize("command", ["/language", "/mydata", "/stop", "/cancel", "/code"])
def test_admin_from_config_can_use_commands_before_start(chat: Chat, command: str) -> None:
    said = chat.say(f"admin: {command}")
    assert said and "Sorry, er ging iets mis" not in said[0]
