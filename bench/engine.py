"""Engine throughput benchmark: N parents onboard and chat "at once" through the real app.

Builds the app on a fresh database, interleaves every parent's messages round-robin and, for each
message, times `engine.handle` (queue in one transaction) plus `dispatcher.dispatch_due` (send).
It also times a bare single-row INSERT + COMMIT on the same database as a floor, and prints
figures, not pass/fail; it exits non-zero only when the final sanity check finds an
incomplete profile or an unsent outbox row.

    python -m bench.engine [--parents N] [--db PATH | --postgres URL]
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
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select

from bot.app import App, build_app
from bot.console import parse_line
from bot.engine.types import OutboundMessage
from community.models import OutboxMessage, ParentProfile
from config import Settings, load_settings

FLOOR_OPS = 2000
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"  # no S: SA, SD and SS are not used in Dutch postcodes


class NullTransport:
    platform = "console"

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, message: OutboundMessage) -> str:
        self.sent += 1
        return f"bench-{message.outbox_id}"


def script(i: int, settings: Settings) -> list[str]:
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
    return [f"parent{i:04d}: {line}" for line in lines]


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


async def simulate(app: App, scripts: list[list[str]]) -> list[float]:
    timings: list[float] = []
    for step in range(max(len(s) for s in scripts)):
        for lines in scripts:
            if step >= len(lines):
                continue
            incoming = parse_line(lines[step])
            assert incoming is not None
            start = time.perf_counter()
            app.engine.handle(incoming)
            await app.dispatcher.dispatch_due()
            timings.append(time.perf_counter() - start)
    return timings


def measure_floor(app: App) -> list[float]:
    table = Table(
        "bench_floor",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("payload", Text),
    )
    table.create(app.db_engine)
    try:
        timings: list[float] = []
        for n in range(FLOOR_OPS):
            start = time.perf_counter()
            with app.db_engine.begin() as conn:
                conn.execute(table.insert(), {"payload": f"floor row {n}"})
            timings.append(time.perf_counter() - start)
        return timings
    finally:
        table.drop(app.db_engine)


def sanity(app: App, parents: int) -> list[str]:
    with app.session_factory() as session:
        complete = session.scalar(
            select(func.count()).where(ParentProfile.completed_at.is_not(None))
        )
        total = session.scalar(select(func.count()).select_from(OutboxMessage))
        unsent = session.scalar(select(func.count()).where(OutboxMessage.status != "sent"))
    problems = [f"{complete} of {parents} profiles complete"] if complete != parents else []
    problems += [f"{unsent} of {total} outbox rows not sent"] if unsent else []
    return problems


async def run(parents: int, url: str) -> int:
    settings = dataclasses.replace(load_settings(environ={}), database_url=url)
    transport = NullTransport()
    app = build_app(settings, [transport], migrate=True)
    try:
        scripts = [script(i, settings) for i in range(1, parents + 1)]
        wall = time.perf_counter()
        timings = await simulate(app, scripts)
        wall = time.perf_counter() - wall
        problems = sanity(app, parents)
        floor = measure_floor(app)
    finally:
        app.close()
    p50, p95, floor50 = pct(timings, 50) * 1e3, pct(timings, 95) * 1e3, pct(floor, 50) * 1e3
    rows = [
        ("database", url.split(":", 1)[0]),
        ("parents", f"{parents}"),
        ("messages handled", f"{len(timings)}"),
        ("messages sent", f"{transport.sent}"),
        ("wall time", f"{wall:.2f} s"),
        ("messages/second", f"{len(timings) / wall:.1f}"),
        ("p50 per message", f"{p50:.2f} ms"),
        ("p95 per message", f"{p95:.2f} ms"),
        (f"floor p50 (INSERT+COMMIT, {FLOOR_OPS}x)", f"{floor50:.3f} ms"),
        ("ratio p50 message / floor", f"{p50 / floor50:.1f}x"),
    ]
    for name, value in rows:
        print(f"{name:<36} {value:>12}")
    print("sanity: " + ("; ".join(problems) if problems else "ok, all profiles complete, all sent"))
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--parents", type=int, default=300)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, help="SQLite file to create (must not exist)")
    where.add_argument("--postgres", metavar="URL", help="an empty PostgreSQL database")
    args = parser.parse_args(argv)
    logging.getLogger("bot").setLevel(logging.WARNING)
    if args.postgres:
        return asyncio.run(run(args.parents, args.postgres))
    if args.db is not None:
        if args.db.exists():
            parser.error(f"{args.db} exists; give a fresh path")
        return asyncio.run(run(args.parents, f"sqlite:///{args.db.resolve()}"))
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        return asyncio.run(run(args.parents, f"sqlite:///{Path(tmp) / 'bench.db'}"))


if __name__ == "__main__":
    sys.exit(main())
