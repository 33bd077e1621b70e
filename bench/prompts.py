"""Prompts benchmark: one weekly prompt to many parents through the real job, on SQLite and on
PostgreSQL in one run. Times the due-prompts job (sync of the programme, the recipients query,
one outbox row per parent with its idempotency key, the prompt marked delivered), a second run
(which must queue nothing), the RSVP reminder for a yes from every parent, the daily digest of
one answer per parent, and the /reach report. Prints figures, no pass/fail; exits non-zero
only when a run queued the wrong number of rows.

    python -m bench.prompts [--parents N] [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.engine import NullTransport, store_parents
from bot.app import App, build_app
from community.clock import FakeClock
from community.models import Community, Person, Prompt, PromptAnswer, Role, Rsvp
from community.services import prompts
from config import Settings, load_settings
from config.programme import Programme, ProgrammeItem

START = date(2026, 8, 31)
TIP = ProgrammeItem(
    "bench-tip", "tip", (1,), "wed", clock_time(10, 0),
    {"nl": "Lees vandaag 10 minuten samen.", "en": "Read together for 10 minutes today."},
)  # fmt: skip
INVITATION = ProgrammeItem(
    "bench-library", "invitation", (1,), "wed", clock_time(10, 0),
    {"nl": "Kom naar de bibliotheek.", "en": "Come to the library."}, (), "fri",
    clock_time(10, 0), "Bibliotheek",
)  # fmt: skip


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def run_database(name: str, url: str, parents: int, base: Settings) -> int:
    print(f"\n== {name}")
    clock = FakeClock(datetime(2026, 8, 1, 9, 0, tzinfo=UTC))
    config = dataclasses.replace(base.prompts, programme=Programme(START, (TIP, INVITATION)))
    settings = dataclasses.replace(base, prompts=config)
    problems: list[str] = []
    app = build_app(
        dataclasses.replace(settings, database_url=url), [NullTransport()], clock=clock,
        migrate=True,
    )  # fmt: skip
    try:
        ids = store_parents(app, parents, "p")
        _staff(app, clock)
        clock.current = datetime(2026, 9, 2, 8, 5, tzinfo=UTC)  # Wednesday 10:05 Amsterdam
        args = (app.session_factory, app.translator, clock, settings)
        queued, first = timed(prompts.send_due_prompts, *args)
        again, second = timed(prompts.send_due_prompts, *args)
        if queued != 2 * parents or again != 0:
            problems.append(f"queued {queued} then {again}, expected {2 * parents} then 0")
        print(f"due prompts: {queued:,} rows (2 prompts x {parents:,} parents, 6 languages) "
              f"in {first:.2f} s = {queued / first:,.0f} rows/s")  # fmt: skip
        print(f"second run (nothing to queue): {second * 1e3:.0f} ms")
        _answers_and_rsvps(app, ids, clock)
        clock.current = datetime(2026, 9, 3, 8, 5, tzinfo=UTC)  # Thursday: the day before
        reminded, reminder_s = timed(prompts.send_rsvp_reminders, *args)
        print(f"RSVP reminders: {reminded:,} rows in {reminder_s:.2f} s")
        clock.current = datetime(2026, 9, 3, 14, 5, tzinfo=UTC)  # 16:05: digest time
        digests, digest_s = timed(prompts.send_digests, *args)
        print(f"digest of {parents:,} answers to 1 professional: {digests} row in "
              f"{digest_s:.2f} s")  # fmt: skip
        if reminded != parents or digests != 1:
            problems.append(f"reminders {reminded}, digests {digests}")
        with app.session_factory() as session:
            community = session.scalars(select(Community)).first()
            assert community is not None
            report, reach_s = timed(prompts.reach_report, session, community, clock)
        print(f"/reach report over {parents:,} parents: {reach_s * 1e3:.0f} ms "
              f"({len(report.quiet)} quiet, {len(report.unreachable)} unreachable)")  # fmt: skip
    finally:
        app.close()
    print("sanity: " + ("; ".join(problems) if problems else "ok"))
    return 1 if problems else 0


def _staff(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).first()
        assert community is not None
        session.add(
            Person(
                platform="console", platform_user_id="pro", private_chat_id="pro",
                locale="nl", role=Role.PROFESSIONAL, community_id=community.id, active=True,
                created_at=clock.now(),
            )
        )  # fmt: skip


def _answers_and_rsvps(app: App, ids: list[int], clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        tip = session.scalar(select(Prompt).where(Prompt.key == "bench-tip-w1"))
        invitation = session.scalar(select(Prompt).where(Prompt.key == "bench-library-w1"))
        assert tip is not None and invitation is not None
        now = clock.now()
        session.execute(
            insert(PromptAnswer),
            [
                {"prompt_id": tip.id, "person_id": pid, "text": "We lazen.", "created_at": now}
                for pid in ids
            ],
        )
        session.execute(
            insert(Rsvp),
            [
                {"prompt_id": invitation.id, "person_id": pid, "answer": "yes", "children": 1,
                 "updated_at": now}
                for pid in ids
            ],
        )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.prompts", description=__doc__)
    parser.add_argument("--parents", type=int, default=5000)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", metavar="URL", help="a server to create databases on")
    where.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("bot").setLevel(logging.WARNING)
    settings = load_settings(environ={})
    status = 0
    with tempfile.TemporaryDirectory(prefix="bench-prompts-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'prompts.db'}"
        status |= run_database("SQLite (WAL, synchronous=FULL)", url, args.parents, settings)
        if args.no_postgres:
            return status
        if args.postgres:
            from tests.support.postgres import PostgresServer

            server = PostgresServer(args.postgres)  # external: never stopped by us
        else:
            from tests.support.postgres import start_postgres

            server = start_postgres(Path(tmp) / "pg")
        try:
            url = server.create_database(f"bench_prompts_{time.time_ns() % 10**9}")
            status |= run_database("PostgreSQL", url, args.parents, settings)
        finally:
            if not args.postgres:
                server.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
