"""`/healthz` says which part is not well: a database that does not answer, a sender loop that
stopped going round. JSON log lines pass the privacy filter first."""

from __future__ import annotations

import io
import json
import logging
import time
from pathlib import Path

from bot import logs
from bot.metrics import SENDER_STALE_SECONDS, Metrics, health
from community import db


def test_a_healthy_process(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'ok.sqlite3'}")
    well, parts = health(Metrics(), db.make_session_factory(engine))
    assert well and parts == {"database": "ok", "sender": "ok", "status": "ok"}


def test_a_database_away_and_a_stuck_sender_are_unwell(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite3'}")
    metrics = Metrics()
    metrics.sender_round = time.monotonic() - SENDER_STALE_SECONDS - 5
    well, parts = health(metrics, db.make_session_factory(engine))
    assert not well and parts["status"] == "unwell"
    assert parts["database"].startswith("unreachable")
    assert parts["sender"].startswith("no round for")


def test_json_lines_are_filtered_first() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    logs.install(handler)
    logs.FILTER.add_secret("123456:SECRET-token")
    try:
        logs.use_format("json")
        logging.getLogger("bot.test").warning("token %s", "123456:SECRET-token")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("bot.test").exception("it failed")
    finally:
        logs.use_format("text")
        root.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "warning" and first["logger"] == "bot.test"
    assert "SECRET" not in first["event"]
    assert second["error"] == "ValueError" and second["event"] == "it failed"
