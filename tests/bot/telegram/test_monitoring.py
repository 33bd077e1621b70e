"""`ouderkring run` serves `/healthz` and Prometheus `/metrics` on its local port, and with
`log_format = "json"` writes one JSON object a line: a real process on the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
from pathlib import Path

import aiohttp
import pytest

from tests.bot.telegram.test_run_command import DEMO, ouderkring
from tests.support.fake_telegram import FakeTelegram


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _figure(metrics: str, name: str) -> float:
    """The value of one sample line, e.g. `ouderkring_sends_total{platform="telegram",...}`."""
    for line in metrics.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{") and "}" in line:
            head, _, value = line.rpartition(" ")
            if head == name or head.startswith(name + "{"):
                return float(value)
    raise AssertionError(f"{name} not in /metrics")


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        return answer.status, await answer.text()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_health_and_metrics_of_a_running_bot(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    config = tmp_path / "ouderkring.toml"
    config.write_text(
        f'platforms = ["telegram"]\ncommunities = ["{DEMO}"]\n'
        f'[database]\nurl = "{database_url}"\n'
        f'[telegram]\napi_url = "http://127.0.0.1:{fake.port}"\n'
        f'[monitoring]\nlisten = "127.0.0.1:{port}"\nlog_format = "json"\n'
        '[privacy]\ncontroller = "Gemeente Arnhem"\ncontact = "privacy@arnhem.example"\n'
    )
    config.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    env["OUDERKRING_TELEGRAM_TOKEN"] = fake.token
    upgrade = await ouderkring("db", "upgrade", "--config", str(config), env=env)
    assert await upgrade.wait() == 0

    fake.message(7, "/start ARNHEM", language="en")
    bot = await ouderkring("--verbose", "run", "--config", str(config), env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        await fake.wait_until(lambda: bool(fake.sent_texts(7)), timeout=20, what="the first answer")
        for _ in range(100):  # the server may start a moment after the first answer
            try:
                status, body = await _get(base + "/healthz")
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
        assert status == 200, body
        assert json.loads(body) == {"database": "ok", "sender": "ok", "status": "ok"}

        # An update counts as handled once its replies are sent and marked: a moment after
        # the fake got the first one.
        for _ in range(100):
            status, metrics = await _get(base + "/metrics")
            assert status == 200
            if _figure(metrics, "ouderkring_updates_handled_total") >= 1:
                break
            await asyncio.sleep(0.1)
        assert _figure(metrics, "ouderkring_updates_handled_total") >= 1
        assert _figure(metrics, "ouderkring_reply_seconds_count") >= 1
        sent = 'ouderkring_sends_total{platform="telegram",result="sent"}'
        assert _figure(metrics, sent) >= len(fake.sent_texts(7))
        assert _figure(metrics, "ouderkring_outbox_open_rows") == 0
        assert _figure(metrics, "ouderkring_scheduler_leader") == 1
        # Counts and ages only: nothing of the parent (her id, her language's texts).
        assert "7" not in re.sub(r"[0-9.e+-]+$", "", metrics, flags=re.M).replace("0.", "")
        assert (await _get(base + "/nothing"))[0] == 404
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=20)
    assert bot.returncode == 0, stderr.decode()
    lines = [line for line in stderr.decode().splitlines() if line.strip()]
    assert lines, "no log lines with --verbose"
    for line in lines:
        event = json.loads(line)  # every line is one JSON object
        assert set(event) <= {"time", "level", "logger", "event", "error", "traceback"}
        assert fake.token not in line
    assert any(e["event"].startswith("serving /healthz") for e in map(json.loads, lines))
