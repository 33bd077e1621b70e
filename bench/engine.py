"""Engine benchmark: parents onboard and chat "at once" through the real app, on SQLite and on
PostgreSQL in one run, next to a bare INSERT+COMMIT floor on the same database.

For every message it times `App.process` (handle in one transaction, deliver the claimed replies,
mark them sent); SQL statements and commits a message are counted on a few more parents after
the timed run (the counting hooks would slow what they count). It repeats this with many parents
already stored and with a million sent outbox rows kept, to show whether the cost stays flat;
it times a broadcast of one message to 5,000 parents in 6 languages, and the idle outbox poll
with the million sent rows. Prints figures, no pass/fail; exits non-zero only when the final
sanity check finds an incomplete profile or an unsent outbox row.

The floor is one INSERT of a row and its COMMIT (SQLAlchemy Core), written right after each
message, so that it meets the machine, the server and the caches as the engine does; the ratio
"x floor" is the engine's p50 over the floor's p50 of that same run. "x loop" divides by the
floor measured as before, 1,000 writes in a tight loop after the run, where caches stay hot
and the server never sleeps: that floor is lower (by about 15% on PostgreSQL here).

Durability is the same for the floor and the engine: SQLite in WAL mode with synchronous=FULL
(the bot's default: every commit is on disk; a reply's "sent" mark alone does not wait for the
disk, the next commit syncs it: community/services/outbox/sqlite_marks.py); PostgreSQL with
fsync on, as in production (the throwaway server started here; `--no-fsync` starts it with
fsync off, as the tests do, which shows the engine's own CPU cost instead).

    python -m bench.engine [--parents N] [--stored N] [--sent-rows N]
                           [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    event,
    func,
    insert,
    inspect,
    select,
)

from bot.app import App, build_app
from bot.console import parse_line
from bot.engine.port import Capabilities, Delivery
from community.clock import SystemClock
from community.models import (
    Community,
    OutboxMessage,
    OutboxStatus,
    ParentProfile,
    Person,
    Role,
)
from community.services import broadcast, outbox
from config import Settings, load_settings
from config.locales import LOCALES

FLOOR_OPS = 1000
COUNTED = 20  # parents whose messages are counted (statements, commits) after the timed run
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"  # no S: SA, SD and SS are not used in Dutch postcodes


class NullTransport:
    platform = "console"
    capabilities = Capabilities(idempotent=True)  # nothing is sent: no send can go twice

    def __init__(self) -> None:
        self.sent = 0

    async def perform(self, delivery: Delivery) -> str:
        self.sent += 1
        return f"bench-{delivery.outbox_id}"


class Counter:
    """SQL statements and commits on one database engine. A writing statement run in
    autocommit (the mark-sent on PostgreSQL) is its own durable commit and counts as one."""

    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
        self.statements += 1
        autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
        if autocommit and not statement.lstrip().upper().startswith("SELECT"):
            self.commits += 1

    def _commit(self, conn: Any) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            self.commits += 1  # (in autocommit the statement itself was counted)


def script(i: int, settings: Settings, prefix: str = "parent") -> list[str]:
    """One parent's lines: full onboarding with answers varied by `i`, then a short chat."""
    community = settings.communities[0]
    areas = [pc for n in community.neighbourhoods for pc in n.postcode_areas]
    english = i % 2 == 0
    done, close, hello = ("Done", "Close", "hello") if english else ("Klaar", "Sluiten", "hallo")
    letters = LETTERS[i % len(LETTERS)] + LETTERS[i // len(LETTERS) % len(LETTERS)]
    postcode = f"{areas[i % len(areas)]} {letters}"
    ages = sorted({str(1 + i % 4), str(1 + i // 4 % 4)})
    homes = sorted({str(1 + i % 14), str(1 + i * 5 % 14)})
    buddy = "1" if i % 3 else "2"
    lines = [f"/start {community.invite_code}", "English" if english else "Nederlands", "1"]
    lines += [postcode, *ages, done, *homes, done, buddy]
    lines += ["/help", "/profile", close, hello, "/mydata"]
    return [f"{prefix}{i:06d}: {line}" for line in lines]


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


async def simulate(app: App, scripts: list[list[str]], floor: Floor | None = None) -> list[float]:
    """Each parent's lines in turn, timing `App.process`; with `floor`, one floor write right
    after each message, so that both are timed in the same moments."""
    timings: list[float] = []
    for step in range(max(len(s) for s in scripts)):
        for lines in scripts:
            if step >= len(lines):
                continue
            incoming = parse_line(lines[step])
            assert incoming is not None
            start = time.perf_counter()
            await app.process(incoming)
            timings.append(time.perf_counter() - start)
            if floor is not None:
                floor.write()
    return timings


class Floor:
    """The bare floor: INSERT one row and COMMIT, through SQLAlchemy Core, on the same database
    and with the same durability as the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.table = Table(
            "bench_floor",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("payload", Text),
        )
        self.timings: list[float] = []

    def __enter__(self) -> Floor:
        self.table.create(self.engine)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.table.drop(self.engine)

    def write(self) -> None:
        start = time.perf_counter()
        with self.engine.begin() as conn:
            conn.execute(self.table.insert(), {"payload": f"floor row {len(self.timings)}"})
        self.timings.append(time.perf_counter() - start)


def measure_floor(engine: Engine) -> list[float]:
    """The floor in a tight loop (hot caches, nothing in between): for comparison."""
    with Floor(engine) as floor:
        for _ in range(FLOOR_OPS):
            floor.write()
        return floor.timings


def store_parents(app: App, count: int, prefix: str) -> list[int]:
    """`count` onboarded parents written straight to the database, languages mixed."""
    now = SystemClock().now()
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).first()
        assert community is not None
        hoods = [h.id for h in community.neighbourhoods]
        people = [
            {
                "platform": "console",
                "platform_user_id": f"{prefix}{n:06d}",
                "private_chat_id": f"{prefix}{n:06d}",
                "locale": LOCALES[n % len(LOCALES)],
                "role": Role.PARENT,
                "community_id": community.id,
                "active": True,
                "created_at": now,
            }
            for n in range(count)
        ]
        ids = list(
            session.scalars(
                insert(Person).returning(Person.id, sort_by_parameter_order=True), people
            )
        )
        session.execute(
            insert(ParentProfile),
            [
                {
                    "person_id": pid,
                    "postcode_area": "6825",
                    "neighbourhood_id": hoods[n % len(hoods)],
                    "home_languages": ["ar"],
                    "age_bands": ["2-4"],
                    "buddy_opt_in": True,
                    "consent_at": now,
                    "completed_at": now,
                }
                for n, pid in enumerate(ids)
            ],
        )
    return ids


def store_sent_rows(app: App, count: int) -> None:
    """`count` sent rows, loaded in bulk. On SQLite the load and its checkpoint hold the write
    lock for seconds, so the app's heartbeat is late and says so ("this process was silent");
    true, and meaningless here, where one process runs: that warning is not shown meanwhile."""
    senders = logging.getLogger("community.services.senders")
    level = senders.level
    senders.setLevel(logging.ERROR)
    try:
        _store_sent_rows(app, count)
        if app.heartbeat is not None:
            app.heartbeat.beat()  # after a beat that waited for the lock: on time again
    finally:
        senders.setLevel(level)


def _store_sent_rows(app: App, count: int) -> None:
    now = SystemClock().now()
    row = {
        "platform": "console",
        "kind": "send",
        "payload": {"text": "an old message"},
        "status": OutboxStatus.SENT,
        "attempts": 0,
        "available_at": now,
        "sent_at": now,
        "created_at": now,
    }
    for start in range(0, count, 50_000):
        with app.session_factory.begin() as session:
            session.execute(
                insert(OutboxMessage),
                [{**row, "chat_id": f"old{n % 5000}"} for n in range(start, start + 50_000)],
            )
    settle(app.db_engine)


def settle(engine: Engine) -> None:
    """After a bulk load, let the database reach its steady state (statistics, checkpoint), as
    a database that grew over months has: the figures are then about the engine, not about
    the load's aftermath."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Only the tables that hold rows. ANALYZE of an empty table tells the planner it
            # stays empty, which autovacuum never does (it analyzes a table once its rows
            # changed): the statements prepared early in the run would then keep a plan made
            # for an empty table (a sequential scan) while the table grows during the run.
            for table in inspect(conn).get_table_names():
                if conn.exec_driver_sql(f'SELECT EXISTS (SELECT 1 FROM "{table}")').scalar():
                    conn.exec_driver_sql(f'VACUUM ANALYZE "{table}"')
            conn.exec_driver_sql("CHECKPOINT")
        return
    engine.dispose()  # no pooled connection holds the WAL open
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


@contextmanager
def fresh_app(url: str, settings: Settings, transport: NullTransport) -> Iterator[App]:
    app = build_app(dataclasses.replace(settings, database_url=url), [transport], migrate=True)
    try:
        yield app
    finally:
        app.close()


def per_message(app: App, parents: int, label: str, settings: Settings) -> dict[str, float]:
    scripts = [script(i, settings) for i in range(1, parents + 1)]
    with Floor(app.db_engine) as floor:
        wall = time.perf_counter()
        timings = asyncio.run(simulate(app, scripts, floor))
        wall = time.perf_counter() - wall - sum(floor.timings)
    statements, commits = count_per_message(app, settings)
    # The floor was written between the engine's messages (same moments, same caches); a tight
    # loop of it on the same database is shown next to it for comparison.
    loop = measure_floor(app.db_engine)
    return {
        "label": label,  # type: ignore[dict-item]
        "messages": len(timings),
        "per_second": len(timings) / wall,
        "p50": pct(timings, 50) * 1e3,
        "p95": pct(timings, 95) * 1e3,
        "floor": pct(floor.timings, 50) * 1e3,
        "loop": pct(loop, 50) * 1e3,
        "statements": statements,
        "commits": commits,
    }


def count_per_message(app: App, settings: Settings) -> tuple[float, float]:
    """Statements and commits a message, counted on the same script for a few more parents
    after the timed run: the counting hooks cost time of their own, which is not the engine's."""
    counter = Counter(app.db_engine)
    marks = app.dispatcher.marks
    before = (marks.statements, marks.commits) if marks is not None else (0, 0)
    scripts = [script(i, settings, prefix="counted") for i in range(1, COUNTED + 1)]
    messages = len(asyncio.run(simulate(app, scripts)))
    event.remove(app.db_engine, "before_cursor_execute", counter._statement)
    event.remove(app.db_engine, "commit", counter._commit)
    # "Sent" marks run outside the app's engine: from the event loop on PostgreSQL (each one
    # statement and one durable commit, in autocommit), on an engine of their own on SQLite.
    after = (marks.statements, marks.commits) if marks is not None else (0, 0)
    statements = counter.statements + after[0] - before[0]
    return statements / messages, (counter.commits + after[1] - before[1]) / messages


def sanity(app: App, parents: int, prefix: str = "parent") -> list[str]:
    with app.session_factory() as session:
        complete = session.scalar(
            select(func.count())
            .select_from(ParentProfile)
            .join(Person)
            .where(
                ParentProfile.completed_at.is_not(None), Person.platform_user_id.like(f"{prefix}%")
            )
        )
        unsent = session.scalar(
            select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
        )
    problems = [f"{complete} of {parents} profiles complete"] if complete != parents else []
    return problems + ([f"{unsent} outbox rows not sent"] if unsent else [])


def idle_poll(app: App, rounds: int = 200) -> float:
    """ms for one claim round that finds nothing to send."""
    clock, token = SystemClock(), outbox.new_token()
    start = time.perf_counter()
    for _ in range(rounds):
        with app.session_factory() as session:
            assert outbox.claim_due(session, ["console"], clock, token) == []
    return (time.perf_counter() - start) / rounds * 1e3


def run_database(name: str, url_for: Any, args: argparse.Namespace, settings: Settings) -> int:
    print(f"\n== {name}")
    transport = NullTransport()
    results: list[dict[str, float]] = []
    problems: list[str] = []
    with fresh_app(url_for("a"), settings, transport) as app:
        results.append(per_message(app, args.parents, "fresh database", settings))
        problems += sanity(app, args.parents)
    with fresh_app(url_for("b"), settings, transport) as app:
        store_parents(app, args.stored, "stored")
        settle(app.db_engine)
        results.append(per_message(app, args.parents, f"{args.stored:,} parents stored", settings))
        problems += sanity(app, args.parents)
        ids = store_parents(app, 5000, "bcast")
        with app.session_factory.begin() as session:
            people = list(session.scalars(select(Person).where(Person.id.in_(ids))))
            start = time.perf_counter()
            queued = broadcast.queue_to_people(
                session, people, app.translator, app.clock, "room.welcome_group", key="bench:1"
            )
        queue_s = time.perf_counter() - start
    with fresh_app(url_for("c"), settings, transport) as app:
        idle_empty = idle_poll(app)
        load = time.perf_counter()
        store_sent_rows(app, args.sent_rows)
        load = time.perf_counter() - load
        idle_full = idle_poll(app)
        results.append(
            per_message(app, args.parents, f"{args.sent_rows:,} sent rows kept", settings)
        )
        problems += sanity(app, args.parents)
    print("floor: p50 of one INSERT+COMMIT written after each message; loop: p50 of "
          f"{FLOOR_OPS} of them in a row after the case (hot caches)")  # fmt: skip
    header = f"{'case':<24}{'msgs':>6}{'msg/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'floor':>7}"
    print(header + f"{'x floor':>8}{'loop':>7}{'x loop':>7}{'stmts':>6}{'commits':>8}")
    for r in results:
        print(
            f"{r['label']:<24}{r['messages']:>6.0f}{r['per_second']:>7.0f}{r['p50']:>8.2f}"
            f"{r['p95']:>8.2f}{r['floor']:>7.3f}{r['p50'] / r['floor']:>8.1f}{r['loop']:>7.3f}"
            f"{r['p50'] / r['loop']:>7.1f}{r['statements']:>6.1f}{r['commits']:>8.2f}"
        )
    base = results[0]["p50"]
    for r in results[1:]:
        print(f"p50 {r['label']} vs fresh: {(r['p50'] / base - 1) * 100:+.0f}%")
    print(f"broadcast: {queued} rows for 5,000 parents in {len(LOCALES)} languages in "
          f"{queue_s:.2f} s = {queued / queue_s:,.0f} rows/s")  # fmt: skip
    print(f"idle outbox poll: {idle_empty:.2f} ms empty, {idle_full:.2f} ms with "
          f"{args.sent_rows:,} sent rows (loaded in {load:.0f} s)")  # fmt: skip
    print("sanity: " + ("; ".join(problems) if problems else "ok, all profiles complete, all sent"))
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--parents", type=int, default=300)
    parser.add_argument("--stored", type=int, default=30_000)
    parser.add_argument("--sent-rows", type=int, default=1_000_000)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", metavar="URL", help="a server to create databases on")
    where.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-fsync", action="store_true", help="PostgreSQL without fsync")
    parser.add_argument(
        "--processes", metavar="1,2,4", help="only the scale-out figures (bench/processes.py)"
    )
    args = parser.parse_args(argv)
    if args.processes:
        return _processes(args)
    logging.getLogger("bot").setLevel(logging.WARNING)
    settings = load_settings(environ={})
    status = 0
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        status |= run_database(
            "SQLite (WAL, synchronous=FULL)",
            lambda n: f"sqlite:///{Path(tmp) / f'{n}.db'}",
            args,
            settings,
        )
        if args.no_postgres:
            return status
        if args.postgres:
            from tests.support.postgres import PostgresServer

            server = PostgresServer(args.postgres)  # external: never stopped by us
        else:
            from tests.support.postgres import start_postgres

            server = start_postgres(Path(tmp) / "pg", durable=not args.no_fsync)
        try:
            status |= run_database(
                "PostgreSQL"
                + ("" if args.postgres else f" (fsync {'off' if args.no_fsync else 'on'})"),
                lambda n: server.create_database(f"bench_{n}_{time.time_ns() % 10**9}"),
                args,
                settings,
            )
        finally:
            server.stop()
    return status


def _processes(args: argparse.Namespace) -> int:
    from bench import processes
    from tests.support.postgres import PostgresServer, start_postgres

    counts = [int(n) for n in args.processes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-processes-") as tmp:
        server = (
            PostgresServer(args.postgres)
            if args.postgres
            else start_postgres(Path(tmp) / "pg", durable=not args.no_fsync)
        )
        try:
            processes.run(counts, args.parents, server)
        finally:
            if not args.postgres:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
