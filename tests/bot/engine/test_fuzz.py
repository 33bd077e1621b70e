"""A stateful fuzz test: hypothesis drives random sequences of commands, typed answers, button
presses (fresh, stale, someone else's, forged, repeated), long and strange texts, photos and
restarts from parents, a coordinator, a professional and the admin, through the real engine on
SQLite, and checks after every step:

- nothing went wrong inside (no handler error turned into an apology, no error logged);
- every event got a bounded number of replies, and only the people an event may reach got any;
- nobody received another parent's postcode (the one thing here only its owner may see);
- the database holds together: no row points at a missing row, every outbox row reads back as
  the action it was queued as, and every chat has at most one message in flight.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select, text

from bot.app import App, build_app
from bot.engine.types import Incoming
from community import db
from community.actions import Media, SealedMessage, SendMessage, Target, action_from_row
from community.clock import FakeClock
from community.models import Community, OutboxMessage, OutboxStatus, Person, Role
from config import Settings, load_settings
from config.moderation import UNLIMITED
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

PARENTS = {"anna": "6825 AB", "bilal": "6826 CD", "carim": "6827 EF"}
STAFF = {"cora": Role.COORDINATOR, "petra": Role.PROFESSIONAL}
PEOPLE = [*PARENTS, *STAFF, "admin", "stranger"]
APOLOGY = "Sorry, something went wrong."
# At most this many messages answer one event (the welcome is the longest reply).
MAX_REPLIES = 8

COMMANDS = [
    "/start ARNHEM", "/start WRONG", "/start", "/help", "/buddy", "/profile", "/mydata",
    "/stop", "/language", "/privacy", "/rules", "/report", "/new", "/match", "/reach",
    "/routekaart", "/programme", "/community", "/code parent", "/code coordinator", "/revoke",
    "/rooms", "/unknown", "/linkgroup", "/relay",
]  # fmt: skip
WORDS = [
    "1", "2", "3", "4", "9", "0", "-1", "Ja", "Nee", "yes", "no", "Maybe", "نعم", "لا", "Tak",
    "Evet", "Так", "Done", "Klaar", "Close", "English", "Nederlands", "All parents", "Now",
    "Question", "Tip", "Yes / No", "٦٨٢٥ اب", "Presikhaaf", "9999 ZZ", "Anna",
]  # fmt: skip
TEXTS = st.one_of(
    st.sampled_from(COMMANDS),
    st.sampled_from(WORDS),
    st.text(max_size=40),
    st.builds(lambda n: "lang " * n, st.integers(min_value=1000, max_value=2000)),
    st.just("https://example.org/cheap-deals"),
    st.just("\u202e\u0000\ufeff zero width and controls"),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database, copied for each run of the machine (a migration per run would
    cost more than the run)."""
    path = tmp_path_factory.mktemp("fuzz") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    engine.dispose()
    return path


class Machine(RuleBasedStateMachine):
    template: Path
    folder: Path
    runs = 0

    def __init__(self) -> None:
        super().__init__()
        Machine.runs += 1
        path = self.folder / f"run{Machine.runs}.db"
        shutil.copy(self.template, path)
        base = load_settings(
            environ={k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
        )
        self.settings: Settings = dataclasses.replace(
            base,
            database_url=f"sqlite:///{path}",
            admins=frozenset({"console:admin"}),
            moderation=UNLIMITED,
        )
        self.clock = FakeClock()
        self.errors: list[logging.LogRecord] = []
        self.handler = _Collect(self.errors)
        logging.getLogger().addHandler(self.handler)
        self._start()
        self.seen: list[Sent] = []  # every message with buttons, any chat, for (stale) presses
        self.replies: list[Sent] = []

    def _start(self) -> None:
        self.transport = RecordingTransport()
        self.app: App = build_app(self.settings, [self.transport], clock=self.clock)
        self.chat = Chat(self.app, self.transport)

    def teardown(self) -> None:
        self.app.close()
        logging.getLogger().removeHandler(self.handler)

    def _run(self, incoming: Incoming) -> None:
        self.replies = self.chat.send(incoming)
        self.seen += [s for s in self.replies if s.choices]

    # -- who is there ---------------------------------------------------------------------
    @initialize()
    def staff(self) -> None:
        with self.app.session_factory.begin() as session:
            community = session.scalar(select(Community))
            assert community is not None
            for user, role in STAFF.items():
                session.add(
                    Person(
                        platform="console", platform_user_id=user, private_chat_id=user,
                        locale="en", role=role, community_id=community.id, active=True,
                        created_at=self.clock.now(),
                    )
                )  # fmt: skip

    @rule(user=st.sampled_from(list(PARENTS)), language=st.sampled_from(["English", "Nederlands"]))
    def onboard(self, user: str, language: str) -> None:
        for line in ("/start ARNHEM", language, "1", PARENTS[user], "1", "Done", "2", "Done", "1"):
            self._run(_line(user, line))

    # -- what people do -------------------------------------------------------------------
    @rule(user=st.sampled_from(PEOPLE), words=TEXTS)
    def say(self, user: str, words: str) -> None:
        self._run(_line(user, words))

    @rule(user=st.sampled_from(PEOPLE), pick=st.integers(min_value=0), button=st.integers(0, 9))
    def press(self, user: str, pick: int, button: int) -> None:
        """A button of any message seen so far, pressed by anyone: their own fresh one, a stale
        one, or one sent to somebody else (forwarded, or data copied)."""
        if not self.seen:
            return
        message = self.seen[pick % len(self.seen)]
        choice = message.choices[button % len(message.choices)]
        ref = Target(outbox_id=message.delivery.outbox_id, remote_id=message.remote_id)
        self._run(Incoming.button("console", user, message.chat_id, choice.data, ref=ref))

    @rule(
        user=st.sampled_from(PEOPLE),
        data=st.one_of(
            st.text(max_size=64),
            st.sampled_from(["a:rsvp:1:yes:xxxxxxxxxx", "q:lang:nl", "a:pair:1:ok", "a:", "q:"]),
        ),
    )
    def forge(self, user: str, data: str) -> None:
        self._run(Incoming.button("console", user, user, data))

    @rule(user=st.sampled_from(PEOPLE), caption=st.text(max_size=20))
    def photo(self, user: str, caption: str) -> None:
        media = (Media("photo", f"file-{user}", origin="console"),)
        self._run(Incoming.from_text("console", user, user, True, caption, media=media))

    @rule(hours=st.integers(min_value=1, max_value=24 * 20))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)
        self.replies = []

    @rule()
    def restart(self) -> None:
        """The process stops and starts again on the same database."""
        self.app.close()
        self._start()
        self.replies = []

    # -- what must hold -------------------------------------------------------------------
    @invariant()
    def nothing_went_wrong(self) -> None:
        assert not any(APOLOGY in s.text for s in self.replies), [s.text for s in self.replies]
        assert not self.errors, [r.getMessage() for r in self.errors]

    @invariant()
    def replies_are_bounded(self) -> None:
        # What people get in their own chats; a coordinator's /rooms also posts each new
        # room's rules into that room, one message a room.
        private = [s for s in self.replies if s.chat_id in PEOPLE]
        assert len(private) <= MAX_REPLIES, [s.text for s in private]

    @invariant()
    def nobody_sees_another_parents_postcode(self) -> None:
        for sent in self.replies:
            for owner, postcode in PARENTS.items():
                if sent.chat_id != owner:
                    assert postcode not in sent.text, (sent.chat_id, sent.text)

    @invariant()
    def the_database_holds_together(self) -> None:
        with self.app.db_engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        with self.app.session_factory() as session:
            rows = session.scalars(select(OutboxMessage)).all()
            in_flight: dict[tuple[str, str], int] = {}
            for row in rows:
                action = action_from_row(row.kind, row.payload)
                # A sealed row reads back as its fallback: the secret is never stored.
                expected = SendMessage.kind if row.kind == SealedMessage.kind else row.kind
                assert action.kind == expected
                if isinstance(action, SendMessage):
                    assert len(action.text) <= 4096
                if row.status is OutboxStatus.SENDING:
                    chat = (row.platform, row.chat_id)
                    in_flight[chat] = in_flight.get(chat, 0) + 1
            assert all(n <= 1 for n in in_flight.values()) or not in_flight


class _Collect(logging.Handler):
    """Errors logged by our own code."""

    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in ("bot", "community", "config", "matching"):
            self.into.append(record)


def _line(user: str, words: str) -> Incoming:
    return Incoming.from_text("console", user, user, True, words)


@pytest.mark.slow
def test_random_use_breaks_nothing(template: Path, tmp_path: Path) -> None:
    Machine.template, Machine.folder = template, tmp_path
    machine = Machine.TestCase
    machine.settings = settings(
        max_examples=int(os.environ.get("OUDERKRING_FUZZ_EXAMPLES", "12")),
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    machine().runTest()


def test_the_machine_notices_an_apology(template: Path, tmp_path: Path) -> None:
    """The checks are not empty: a handler that fails is seen."""
    Machine.template, Machine.folder = template, tmp_path
    machine = Machine()
    try:
        machine.staff()
        from bot.engine import engine as engine_module

        original = engine_module.Engine._handle_once

        def broken(self, incoming, token):  # type: ignore[no-untyped-def]
            raise RuntimeError("a bug")

        engine_module.Engine._handle_once = broken  # type: ignore[method-assign]
        try:
            machine.say("anna", "/help")
        finally:
            engine_module.Engine._handle_once = original  # type: ignore[method-assign]
        with pytest.raises(AssertionError):
            machine.nothing_went_wrong()
    finally:
        machine.teardown()
