"""How the running bot is doing, for an installer's monitoring: `/healthz` and Prometheus
`/metrics` on a local port (`[monitoring] listen`).

Counts, durations and ages only: no label holds a person, a chat or a text. The figures:

- `ouderkring_updates_handled_total`: events (messages, presses, joins) handled;
- `ouderkring_reply_seconds`: from an event's arrival until its replies were sent;
- `ouderkring_sends_total{platform,result}`: deliveries by outcome (sent, retry, failed, error);
- `ouderkring_outbox_open_rows`, `ouderkring_outbox_oldest_open_seconds`,
  `ouderkring_outbox_late_rows`: read from the database at each scrape, so every process
  reports the same queue;
- `ouderkring_scheduler_job_runs_total{result}`: the scheduler's job runs (ok, failed, missed);
- `ouderkring_scheduler_leader`: 1 in the process that runs the scheduler.

`/healthz` answers 200 when the database answers and the outbox sender loop went round in the
last minute, else 503; its JSON body says which part is not well.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from community.clock import Clock
from community.services.outbox_health import outbox_health

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)
# The sender loop goes round every second; a minute without a round means it hangs.
SENDER_STALE_SECONDS = 60.0
_REPLY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 120.0)


_OUTBOX_FAMILIES = (
    ("ouderkring_outbox_open_rows", "Messages waiting to be sent."),
    ("ouderkring_outbox_oldest_open_seconds", "Age of the oldest message waiting to be sent."),
    ("ouderkring_outbox_late_rows", "Messages due for over 5 minutes and not sent."),
)


class _OutboxCollector(Collector):
    """The queue as the database holds it, read when Prometheus asks."""

    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self.session_factory = session_factory
        self.clock = clock

    def describe(self) -> Iterable[GaugeMetricFamily]:
        # The names, for the registry when the collector is added: without this it would
        # `collect` (a database query) at every start just to learn them.
        return [GaugeMetricFamily(name, documentation) for name, documentation in _OUTBOX_FAMILIES]

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            with self.session_factory() as session:
                health = outbox_health(session, self.clock)
        except Exception as exc:  # a scrape must not fail because the database is away
            log.warning("outbox figures unavailable: %s", type(exc).__name__)
            return
        oldest = 0.0
        if health.oldest_open is not None:
            oldest = max(0.0, (self.clock.now() - health.oldest_open).total_seconds())
        values = (health.open_rows, oldest, health.late_rows)
        for (name, documentation), value in zip(_OUTBOX_FAMILIES, values, strict=True):
            yield GaugeMetricFamily(name, documentation, value=value)


class Metrics:
    """One process's figures, in a registry of its own (several apps in one test process do
    not mix their counts)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "ouderkring_updates_handled", "Events handled.", registry=self.registry
        )
        self.reply_seconds = Histogram(
            "ouderkring_reply_seconds",
            "From an event's arrival until its replies were sent.",
            buckets=_REPLY_BUCKETS,
            registry=self.registry,
        )
        self.sends = Counter(
            "ouderkring_sends",
            "Deliveries by platform and outcome.",
            ["platform", "result"],
            registry=self.registry,
        )
        self.job_runs = Counter(
            "ouderkring_scheduler_job_runs",
            "Scheduler job runs by outcome.",
            ["result"],
            registry=self.registry,
        )
        self.leader = Gauge(
            "ouderkring_scheduler_leader",
            "1 when this process runs the scheduler.",
            registry=self.registry,
        )
        self.sender_round = time.monotonic()  # the last round of the outbox sender loop
        # prometheus_client's labels() validates and locks on every call: once a pair is enough.
        self._sends: dict[tuple[str, str], Any] = {}

    def watch_outbox(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self.registry.register(_OutboxCollector(session_factory, clock))

    def sent(self, platform: str, result: str) -> None:
        child = self._sends.get((platform, result))
        if child is None:
            child = self._sends[platform, result] = self.sends.labels(platform, result)
        child.inc()

    def handled(self, started: float) -> None:
        self.updates.inc()
        self.reply_seconds.observe(time.monotonic() - started)

    def sender_went_round(self) -> None:
        self.sender_round = time.monotonic()

    def watch_scheduler(self, add_listener: Callable[..., Any]) -> None:
        """Count the runs of an APScheduler (its `add_listener`)."""
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

        def listen(event: Any) -> None:
            if event.code == EVENT_JOB_EXECUTED:
                self.job_runs.labels(result="ok").inc()
            elif event.code == EVENT_JOB_ERROR:
                self.job_runs.labels(result="failed").inc()
            else:
                self.job_runs.labels(result="missed").inc()

        add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def health(metrics: Metrics, session_factory: sessionmaker[Session]) -> tuple[bool, dict[str, Any]]:
    """Whether this process is well, and the parts that say so."""
    parts: dict[str, Any] = {}
    try:
        with session_factory() as session:
            session.execute(text("SELECT 1"))
        parts["database"] = "ok"
    except Exception as exc:
        parts["database"] = f"unreachable ({type(exc).__name__})"
    quiet = time.monotonic() - metrics.sender_round
    parts["sender"] = "ok" if quiet < SENDER_STALE_SECONDS else f"no round for {int(quiet)} s"
    well = all(value == "ok" for value in parts.values())
    parts["status"] = "ok" if well else "unwell"
    return well, parts


def make_web_app(metrics: Metrics, session_factory: sessionmaker[Session]) -> web.Application:
    # aiohttp is loaded by the processes that serve (`ouderkring run`), not by every command.
    from aiohttp import web

    async def healthz(request: web.Request) -> web.Response:
        well, parts = await asyncio.to_thread(health, metrics, session_factory)
        return web.Response(
            status=200 if well else 503, text=json.dumps(parts), content_type="application/json"
        )

    async def prometheus(request: web.Request) -> web.Response:
        body = await asyncio.to_thread(metrics.exposition)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    return app


async def serve(
    metrics: Metrics,
    session_factory: sessionmaker[Session],
    listen: tuple[str, int],
    stop: asyncio.Event,
) -> None:
    """Serve `/healthz` and `/metrics` until `stop` is set."""
    from aiohttp import web

    runner = web.AppRunner(make_web_app(metrics, session_factory), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, listen[0], listen[1])
    try:
        await site.start()
    except OSError as exc:  # the port is taken: the bot runs on, unmonitored, and says so
        log.error("cannot serve /metrics on %s:%s: %s", listen[0], listen[1], exc.strerror)
        await runner.cleanup()
        return
    log.info("serving /healthz and /metrics on %s:%s", listen[0], listen[1])
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
