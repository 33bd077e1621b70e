"""The suite's guard against lazy loads from the bot package (tests/support/lazy_loads.py)
sees one: a relationship read from a file under bot/ is reported, one read elsewhere is not."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

import bot
from bot.app import App
from community.models import Person
from tests.support import lazy_loads
from tests.support.chat import Chat


def test_a_relationship_read_in_bot_code_is_reported(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    read_in_bot = compile("person.profile", str(Path(bot.__file__).parent / "handler.py"), "eval")
    with app.session_factory() as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "anna")).one()
        assert person.community is not None  # read here, in a test: not reported
        assert lazy_loads.take() == []
        assert eval(read_in_bot, {"person": person}) is not None  # noqa: S307
    assert lazy_loads.take() == ["bot/handler.py:1 loads Person.profile"]
