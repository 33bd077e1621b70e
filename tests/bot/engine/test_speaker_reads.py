"""The speaker is read from the database once per event: handlers read `ctx.who.speaker` and
`role` many times, and the session keeps what it loaded only weakly, so the context holds the
stored person for the event (bot/engine/context/who.py). Without that, each read queried the
person and their profile again: 20 statements a message instead of 9.5 in `bench.engine`."""

from __future__ import annotations

from bot.app import App
from tests.support.chat import Chat
from tests.support.statements import recorded

ONBOARDING = ("English", "1", "6825 AB", "1", "Done", "2", "Done", "1", "/help", "/profiel")


def test_each_event_reads_the_speakers_row_and_profile_at_most_once(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    with recorded(app.db_engine) as seen:
        for line in ONBOARDING:
            seen.clear()
            assert chat.say(f"anna: {line}"), line
            handling = [s for s in seen if s.startswith("SELECT")]
            people = [s for s in handling if s.startswith("SELECT person.id")]
            profiles = [s for s in handling if s.startswith("SELECT parent_profile.")]
            assert len(people) <= 1, (line, people)
            assert len(profiles) <= 1, (line, profiles)


def test_mydata_reads_its_counts_in_one_statement_each(chat: Chat, app: App) -> None:
    """/mydata counts the messages kept for them (and relayed) in one SELECT, and the
    moderation figures in another: eight statements fewer than one query per figure."""
    chat.say("anna: /start ARNHEM")
    for line in ONBOARDING[:8]:
        chat.say(f"anna: {line}")
    with recorded(app.db_engine) as seen:
        assert chat.say("anna: /mydata")
    selects = [s for s in seen if s.startswith("SELECT")]
    counts = [s for s in selects if s.startswith("SELECT count(*)")]
    assert len(selects) <= 10, selects
    assert counts == [], counts  # each count is a subquery of a wider SELECT
