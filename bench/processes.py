"""Scale-out benchmark: messages a second with 1, 2, 4 ... `ouderkring` processes on one
PostgreSQL database (README, "More than one process").

Each process is a real app (`build_app`, the engine, the outbox sender marking rows sent) with
a transport that confirms at once, as every process does behind a Telegram webhook: it takes
the updates posted to it. The parents are split between the processes; each onboards its own
parents (not timed), then all start together and run the same short chat (`/help`, `/profile`,
a typed word, `/mydata`); the figure is all messages over the wall time from the common start
until the last process is done. The ratio to one process shows what a second process adds on
this machine (the PostgreSQL server shares its cores).

    python -m bench.engine --processes 1,2,4 [--parents N] [--postgres URL] [--no-fsync]
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing as mp
import time
from multiprocessing.synchronize import Barrier
from typing import Any

from config import Settings, load_settings

CHAT = ["/help", "/profile", "Close", "hello", "/mydata"]


def _worker(url: str, first: int, count: int, rounds: int, start: Barrier, out: Any) -> None:
    from bench.engine import NullTransport, script, simulate
    from bot.app import build_app

    settings = load_settings(environ={})
    app = build_app(dataclasses.replace(settings, database_url=url), [NullTransport()])
    try:
        ids = range(first, first + count)
        onboarding = [script(i, settings) for i in ids]
        asyncio.run(simulate(app, [lines[:-5] for lines in onboarding]))
        chats = [[f"parent{i:06d}: {line}" for _ in range(rounds) for line in CHAT] for i in ids]
        start.wait()
        began = time.perf_counter()
        timings = asyncio.run(simulate(app, chats))
        out.put((began, time.perf_counter(), len(timings)))
    finally:
        app.close()


def measure(url: str, processes: int, parents: int, rounds: int) -> float:
    """Messages a second of `processes` processes sharing `parents` parents."""
    context = mp.get_context("spawn")  # a fresh interpreter each, as separate processes are
    start = context.Barrier(processes)
    out = context.Queue()
    share = parents // processes
    workers = [
        context.Process(target=_worker, args=(url, 1 + n * share, share, rounds, start, out))
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError(f"a benchmark process failed (exit code {worker.exitcode})")
    began = min(r[0] for r in results)
    ended = max(r[1] for r in results)
    return sum(r[2] for r in results) / (ended - began)


def run(counts: list[int], parents: int, server: Any, settings: Settings | None = None) -> None:
    from bot.app import build_app

    settings = settings or load_settings(environ={})
    print(f"PostgreSQL, {parents} parents split between the processes, "
          f"{len(CHAT) * 4} messages each")  # fmt: skip
    base = None
    for count in counts:
        url = server.create_database(f"bench_processes_{count}_{time.time_ns() % 10**9}")
        build_app(dataclasses.replace(settings, database_url=url), migrate=True).close()
        rate = measure(url, count, parents - parents % count, rounds=4)
        base = base or rate
        print(f"  {count} process{'es' if count > 1 else ''}: {rate:7.1f} messages/s "
              f"({rate / base:.2f}x one process)")  # fmt: skip
