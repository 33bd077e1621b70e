"""Every command and every registered button action, tried as every role, in a private chat, in a
group room of the person's own community and in one of another community: allowed or refused
exactly as the README's roles table says. The table and this test read the same rules
(`bot.engine.roles_table`), and both iterate the registries, so a new command is covered the
moment it is registered.

Allowed or refused is read from what the bot answers (a refusal is one of the refusal texts, in
any language), never from asking the registry."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

import pytest

from bot.app import build_app
from bot.engine.handler_table import HANDLERS
from bot.engine.roles_table import (
    README,
    ROLES,
    Place,
    button_allowed,
    command_allowed,
    readme_table,
    render,
)
from bot.engine.types import EventKind, Incoming
from community.actions import SendMessage
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES, Translator
from community.models import Role
from community.services import communities, role_codes, rooms
from config import Settings
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport

# The plain refusals, and the ones a group command says when the handler checks the group's
# community itself (Command.room_checked).
REFUSALS = (
    "input.not_allowed",
    "start.need_code",
    "group.private_only",
    "room.other_community",
    "report.members_only",
    "room.linked_elsewhere",
    "input.answer_first",  # half-way through joining: "That works once you have joined."
)
GROUP = {Place.OWN_GROUP: "@own", Place.OTHER_GROUP: "@other"}
# /start without a code, where there are several communities, asks for the code from the
# letter (in the same words as the refusal for guests): the test gives it one.
# "/voice off": whether someone may use /voice is what is tried here; a bare /voice would switch
# spoken replies on for the trials that follow, and speaking them (test_voice.py's subject) took
# most of this test's time.
ARGS = {"start": "ARNHEM", "voice": "off"}
COMMUNITY_NAMES = ("Ouderkring Arnhem", "Ouderkring Velp")


def test_the_readme_holds_the_table_the_registries_make() -> None:
    assert readme_table(README.read_text(encoding="utf-8")) == render(), (
        "the README's roles table is out of date: python -m bot.engine.roles_table --write"
    )


def test_the_table_names_every_command_and_button() -> None:
    table = render()
    assert all(f"`/{name}`" in table for name in HANDLERS.commands)
    assert all(f"`{name}`" in table for name in HANDLERS.buttons)


@pytest.fixture
def two_communities(settings: Settings) -> Settings:
    arnhem = settings.communities[0]
    other = dataclasses.replace(arnhem, slug="velp", name="Ouderkring Velp", invite_code="VELP")
    return dataclasses.replace(settings, communities=(arnhem, other))


@pytest.fixture
def world(two_communities: Settings, clock: FakeClock) -> Iterator[Chat]:
    transport = RecordingTransport()
    app = build_app(two_communities, [transport], clock=clock, migrate=True)
    yield Chat(app, transport)
    app.close()


class People:
    """The persons the test plays, each as the role the table names for them."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.strangers = itertools.count(1)
        self._link_rooms()
        chat.onboard("pia")
        self._staff("cora", Role.COORDINATOR)
        self._staff("pim", Role.PROFESSIONAL)
        self._staff("stef", Role.PROFESSIONAL)
        self._staff("tara", Role.TRANSLATOR)
        chat.say("tara: Polski")  # the language she translates into
        chat.say("stef: /stop")
        chat.say("stef: Yes, stop")
        chat.say("stef: No")  # keeps their data, but not their role
        chat.say("admin: /start")
        chat.say("admin: English")
        self.half_way()

    def _link_rooms(self) -> None:
        app = self.chat.app
        with app.session_factory.begin() as session:
            arnhem = communities.by_slug(session, "arnhem")
            velp = communities.by_slug(session, "velp")
            assert arnhem is not None and velp is not None
            rooms.link(session, arnhem, "console", "@own", app.clock)
            rooms.link(session, velp, "console", "@other", app.clock)

    def _staff(self, user: str, role: Role) -> None:
        app = self.chat.app
        with app.session_factory.begin() as session:
            arnhem = communities.by_slug(session, "arnhem")
            assert arnhem is not None
            code = role_codes.create(session, arnhem, role, app.clock, 14)
        self.chat.say(f"{user}: /start {code}")
        self.chat.say(f"{user}: English")

    def half_way(self) -> None:
        """A guest at the consent question, again (a command may have ended their dialogue)."""
        self.chat.say("gina: /start ARNHEM")
        self.chat.say("gina: English")

    def playing(self) -> Iterator[tuple[str, str, Role]]:
        """(who, user id, the role the table names for them), a fresh stranger every time."""
        yield "stranger who never wrote", f"stranger{next(self.strangers)}", Role.GUEST
        self.half_way()
        yield "guest half-way through onboarding", "gina", Role.GUEST
        yield "parent", "pia", Role.PARENT
        yield "translator", "tara", Role.TRANSLATOR
        yield "professional", "pim", Role.PROFESSIONAL
        yield "coordinator", "cora", Role.COORDINATOR
        yield "admin", "admin", Role.ADMIN
        yield "staff who stopped", "stef", Role.GUEST


def _refusals() -> set[str]:
    """Every refusal in every language; a placeholder stands for any community's name."""
    translator = Translator(SHIPPED_LOCALES)
    return {
        translator.t(locale, msgid, community=name)
        for locale in SHIPPED_LOCALES
        for msgid in REFUSALS
        for name in COMMUNITY_NAMES
    }


def _incoming(kind: str, name: str, user: str, place: Place) -> Incoming:
    chat_id = user if place is Place.PRIVATE else GROUP[place]
    private = place is Place.PRIVATE
    if kind == "command":
        text = " ".join(["/" + name, *([ARGS[name]] if name in ARGS else [])])
        # In a group everyone plays a group admin on the platform: the bot's own rules are tried.
        admin = None if private else True
        return Incoming.from_text(
            "console", user, chat_id, private, text, sender_is_chat_admin=admin
        )
    # A forged-looking press with arguments that name nothing: who may press is what counts here.
    return Incoming(
        "console", user, chat_id, private, kind=EventKind.BUTTON, choice=f"a:{name}:1:1"
    )


def _observed(chat: Chat, incoming: Incoming, refusals: set[str]) -> bool:
    """True for allowed: the bot did something, and none of it was a refusal."""
    done = chat.run(incoming)
    texts = [d.action.text for d in done if isinstance(d.action, SendMessage)]
    if any(text in refusals for text in texts):
        return False
    return bool(done) or incoming.is_private


@pytest.mark.slow
def test_every_command_and_button_as_every_role_everywhere(world: Chat) -> None:
    people = People(world)
    refusals = _refusals()
    tried: set[tuple[str, Role]] = set()
    wrong: list[str] = []
    trials = [("command", c) for c in HANDLERS.commands.values()]
    trials += [("button", a) for a in HANDLERS.buttons.values()]
    for (kind, thing), place in itertools.product(trials, Place):
        for who, user, role in people.playing():
            if kind == "command":
                expected = command_allowed(thing, role, place)  # type: ignore[arg-type]
            else:
                expected = button_allowed(thing, role, place)  # type: ignore[arg-type]
            observed = _observed(world, _incoming(kind, thing.name, user, place), refusals)
            tried.add((thing.name, role))
            if observed != expected:
                verdict = "allowed" if observed else "refused"
                wrong.append(f"{kind} {thing.name} by {who} in {place.value}: {verdict}")
    assert wrong == []
    assert {role for _, role in tried} == set(ROLES)
