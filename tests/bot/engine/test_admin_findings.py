"""Admins and coordinators hit no dead ends (issue 17): /programme and /routekaart with one,
several or no communities, a used code, and /code coordinator from a coordinator."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from community.clock import FakeClock
from community.models import Community, Person
from tests.support.chat import Chat

NO_COMMUNITY = (
    "There is no community yet. Add one to the config file, under [[community]]. "
    "Then start the bot again."
)


def _admin(chat: Chat) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")


def _second_community(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        session.add(
            Community(
                slug="zwolle", name="Ouderkring Zwolle", city="Zwolle", invite_code="ZWOLLE",
                default_locale="nl", home_languages=[], created_at=clock.now(),
            )
        )  # fmt: skip


def _code(chat: Chat, user: str, *answers: str) -> str:
    said = chat.say(f"{user}: /code")
    for answer in answers:
        said = chat.say(f"{user}: {answer}")
    return next(line for line in said if line.startswith("/start "))


def test_an_admin_sets_programme_times_for_the_only_community(chat: Chat) -> None:
    _admin(chat)
    assert chat.last_choices("admin: /programme") == [
        "Tip", "Question", "Invitation", "Help nearby"
    ]  # fmt: skip
    chat.say("admin: Tip")
    chat.say("admin: Thursday")
    assert chat.say("admin: 15:00") == ["Done. Tip: from now on on Thursday at 15:00."]


def test_with_several_communities_the_admin_chooses_one_with_buttons(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _admin(chat)
    _second_community(app, clock)
    assert chat.last_choices("admin: /programme") == ["Ouderkring Arnhem", "Ouderkring Zwolle"]
    assert chat.last_choices("admin: Ouderkring Zwolle")[0] == "Tip"
    chat.say("admin: Tip")
    chat.say("admin: Thursday")
    assert chat.say("admin: 15:00") == ["Done. Tip: from now on on Thursday at 15:00."]
    with app.session_factory() as session:
        times = {c.slug: c.programme_times for c in session.scalars(select(Community))}
    assert times == {"arnhem": None, "zwolle": {"tip": "thu 15:00"}}

    assert chat.last_choices("admin: /routekaart") == ["Ouderkring Arnhem", "Ouderkring Zwolle"]
    route_map = chat.say("admin: 1")[0]
    assert route_map.startswith("Your route map: when you hear from us")


def test_with_no_community_the_admin_is_told_how_to_make_one(chat: Chat, app: App) -> None:
    _admin(chat)
    with app.session_factory.begin() as session:
        for community in session.scalars(select(Community)):
            session.delete(community)
    for command in ("/programme", "/routekaart", "/reach", "/community"):
        assert chat.say(f"admin: {command}") == [NO_COMMUNITY], command
    chat.say("admin: /code")
    assert chat.say("admin: Coordinator") == [NO_COMMUNITY]


def test_a_used_code_says_it_was_used(chat: Chat, app: App, clock: FakeClock) -> None:
    _admin(chat)
    code = _code(chat, "admin", "Coordinator")
    chat.say(f"carla: {code}")
    chat.say("carla: English")
    # dirk chose no language yet: the community's (Dutch) it is.
    assert chat.say(f"dirk: {code}") == [
        "Deze code is al gebruikt. Een code werkt 1 keer. Vraag om een nieuwe code."
    ]
    old = _code(chat, "admin", "Professional")
    clock.advance(days=app.settings.role_code_days + 1)
    assert chat.say(f"dirk: {old}") == [
        "Deze code is te oud en werkt niet meer. Vraag om een nieuwe code."
    ]
    assert chat.say("dirk: /start NOSUCHCODE") != chat.say(f"dirk: {code}")


def test_code_coordinator_from_a_coordinator_says_why_not(chat: Chat, app: App) -> None:
    _admin(chat)
    chat.say(f"carla: {_code(chat, 'admin', 'Coordinator')}")
    chat.say("carla: English")
    said = chat.messages("carla: /code coordinator")
    assert [m.text for m in said] == [
        "Only an admin can make a code for a coordinator. You can make a code for a professional.",
        "Who is the code for?",
    ]
    assert [b.label for b in said[-1].choices] == ["professional", "translator"]
    made = chat.say("carla: /code professional")
    assert made[0] == "New code for a professional at Ouderkring Arnhem:"
    with app.session_factory() as session:
        assert session.scalar(select(Person).where(Person.platform_user_id == "carla"))
