"""Crash-safety soak: real `ouderkring run` processes killed with SIGKILL again and again while
they onboard parents and send a broadcast, on the fake Telegram Bot API (loopback).

It starts the fake Bot API, migrates a database, starts `ouderkring run`, and then at once:
`--parents` parents onboard by typing (each line sent when the bot answered the one before),
and a broadcast of `--messages` messages, one to each of as many other parents, is queued in the
outbox, as the scheduler queues a weekly prompt. At `--kills` random moments (each while the
process is up: after it asked for updates) the process is killed with SIGKILL and started again
at once. When all is quiet it prints:

- delivered, lost and doubled messages of the broadcast (Telegram has no idempotency key: a
  send that Telegram accepted just before the kill, not yet marked sent, goes again; that is
  the documented window, at most one message per chat per kill);
- the longest silence a chat saw after a restart (from the restart until the first message to
  a parent whose last line was not answered at the kill);
- onboardings finished (each resumed at the step it was at: the dialogue state is stored).

    python -m bench.soak [--parents 50] [--messages 1000] [--kills 20] [--postgres URL]

The tests run a short version (tests/bench/test_soak.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from community import db
from community.actions import SendMessage
from community.clock import SystemClock
from community.models import OutboxMessage, OutboxStatus, ParentProfile
from community.services import outbox
from tests.support.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "config" / "demo" / "arnhem.toml"
FIRST_USER = 800_000_000
FIRST_READER = 900_000_000  # the broadcast's parents: one message each, as a weekly prompt
ONBOARDING = ["/start ARNHEM", "English", "1", "6825 AB", "1", "Done", "2", "Done", "1"]


@dataclass
class Figures:
    expected: int
    delivered: int
    lost: int
    doubled: int
    kills: int
    longest_silence: float
    onboarded: int
    parents: int
    seconds: float
    restarts: list[float] = field(default_factory=list)


class Bot:
    """`ouderkring run` as a separate process, killed and started again."""

    def __init__(self, config: Path, env: dict[str, str], verbose: bool = False) -> None:
        self.config, self.env = config, env
        self.process: asyncio.subprocess.Process | None = None
        self.path = config.with_suffix(".log")
        self.log = open(self.path, "ab")  # noqa: SIM115 (open for the run)
        self.verbose = ["--verbose"] if verbose else []

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "from bot.cli import main; main()", *self.verbose, "run",
            "--config", str(self.config),
            cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log,
        )  # fmt: skip

    async def wait_for_log(self, text: str, times: int, timeout: float) -> None:
        """Until the log says `text` for the `times`th time (a start got that far)."""
        deadline = time.monotonic() + timeout
        while self.path.read_bytes().count(text.encode()) < times:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {text!r} in the bot's log")
            await asyncio.sleep(0.1)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=60)
        self.log.close()


def _queue_broadcast(url: str, readers: list[int]) -> list[str]:
    engine = db.make_engine(url)
    texts = [f"Tip for parent {n + 1}" for n in range(len(readers))]
    try:
        with db.make_session_factory(engine).begin() as session:
            items = [
                outbox.Outgoing("telegram", str(reader), SendMessage(text))
                for reader, text in zip(readers, texts, strict=True)
            ]
            outbox.enqueue(session, items, SystemClock())
    finally:
        engine.dispose()
    return texts


def _onboarded(url: str) -> int:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            done = select(func.count()).where(ParentProfile.completed_at.is_not(None))
            return int(conn.scalar(done) or 0)
    finally:
        engine.dispose()


def _open_rows(url: str, chats: list[str]) -> int:
    """Outbox rows to these chats still to be sent or being sent."""
    engine = db.make_engine(url)
    still = (OutboxStatus.PENDING, OutboxStatus.SENDING)
    try:
        with engine.connect() as conn:
            query = select(func.count()).where(
                OutboxMessage.chat_id.in_(chats), OutboxMessage.status.in_(still)
            )
            return int(conn.scalar(query) or 0)
    finally:
        engine.dispose()


async def settled(url: str, chats: list[str], timeout: float = 600) -> None:
    """Until every row to these chats is sent (or given up). A row sent by a killed process and
    not marked sent stays open until a live one sends it again and marks it: once none is open,
    every message that will ever arrive twice has arrived twice (no waiting for a while)."""
    deadline = time.monotonic() + timeout
    while await asyncio.to_thread(_open_rows, url, chats):
        if time.monotonic() > deadline:
            raise AssertionError("the outbox still holds rows to send")
        await asyncio.sleep(0.2)


async def _onboard(fake: FakeTelegram, user: int, waiting: dict[int, float]) -> None:
    """Type each onboarding line once the bot answered the one before."""
    for line in ONBOARDING:
        answered = len(fake.sent_to(user))
        fake.message(user, line, language="en")
        waiting[user] = time.monotonic()
        while len(fake.sent_to(user)) <= answered:
            await asyncio.sleep(0.05)
        waiting.pop(user, None)
        await asyncio.sleep(0.2)  # the rest of a reply of several messages


def _silences(
    fake: FakeTelegram, restarts: list[float], kills: list[float], waiting_at: list[set[int]]
) -> float:
    """The longest time from a restart until a chat that waited got its next message (a chat
    still waiting at the next kill is counted from the restart after that one)."""
    longest = 0.0
    sends = [(c.at, c.params.get("chat_id")) for c in fake.calls if c.method.startswith("send")]
    ends = [*kills[1:], float("inf")]
    for restart, end, waiting in zip(restarts, ends, waiting_at, strict=True):
        for chat in waiting:
            first = next((at for at, to in sends if at >= restart and to == chat), None)
            if first is not None and first <= end:
                longest = max(longest, first - restart)
    return longest


async def soak(
    parents: int, messages: int, kills: int, url: str, folder: Path, seed: int = 1
) -> Figures:
    rng = random.Random(seed)
    fake = await FakeTelegram().start()
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    config = folder / "ouderkring.toml"
    config.write_text(
        f'platforms = ["telegram"]\ncommunities = ["{DEMO}"]\n'
        f'[telegram]\napi_url = "http://127.0.0.1:{fake.port}"\n'
        '[monitoring]\nlisten = ""\n'
        '[privacy]\ncontroller = "Soak"\ncontact = "soak@example.org"\n'
    )
    config.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    env |= {"OUDERKRING_TELEGRAM_TOKEN": fake.token, "OUDERKRING_DATABASE_URL": url}
    env["PYTHONPATH"] = str(ROOT)
    bot = Bot(config, env)
    users = [FIRST_USER + n for n in range(parents)]
    readers = [FIRST_READER + n for n in range(messages)]
    waiting: dict[int, float] = {}
    restarts: list[float] = []
    killed: list[float] = []
    waiting_at: list[set[int]] = []
    started = time.monotonic()
    await bot.start()
    try:
        texts = await asyncio.to_thread(_queue_broadcast, url, readers)
        onboarding = [asyncio.create_task(_onboard(fake, u, waiting)) for u in users]
        for _ in range(kills):
            up = restarts[-1] if restarts else started

            def polled(since: float = up) -> bool:
                return any(c.at > since for c in fake.calls_of("getUpdates"))

            await fake.wait_until(polled, 120, "a start")
            await asyncio.sleep(rng.uniform(0.3, 3.0))
            await bot.kill()
            killed.append(time.monotonic())
            waiting_at.append(set(waiting))  # parents whose last line is not answered yet
            await bot.start()
            restarts.append(time.monotonic())
        await asyncio.wait_for(asyncio.gather(*onboarding), timeout=600)
        want = Counter(texts)

        def arrived() -> Counter[str]:
            return Counter(t for u in readers for t in fake.sent_texts(u) if t in want)

        deadline = time.monotonic() + 600
        while set(arrived()) != set(want) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        await settled(url, [str(reader) for reader in readers])  # a second send came by now
        got_texts = arrived()
        onboarded = await asyncio.to_thread(_onboarded, url)
    finally:
        await bot.stop()
        await fake.stop()
    return Figures(
        expected=len(want),
        delivered=len(set(got_texts)),
        lost=len(set(want) - set(got_texts)),
        doubled=sum(n - 1 for n in got_texts.values()),
        kills=kills,
        longest_silence=_silences(fake, restarts, killed, waiting_at),
        onboarded=onboarded,
        parents=parents,
        seconds=time.monotonic() - started,
        restarts=restarts,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--parents", type=int, default=50)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--postgres", metavar="URL", help="a database URL instead of SQLite")
    parser.add_argument("--platforms", default="telegram,matrix")
    parser.add_argument(
        "--matrix-parents", type=int, default=10, help="parents on Matrix (each a direct room)"
    )
    args = parser.parse_args(argv)
    where = "PostgreSQL" if args.postgres else "SQLite"
    for platform in args.platforms.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
            url = args.postgres or f"sqlite:///{Path(tmp) / 'soak.db'}"
            if platform == "telegram":
                f = asyncio.run(soak(args.parents, args.messages, args.kills, url, Path(tmp)))
                name, window = "Telegram (fake Bot API)", "at most 1 per chat per kill"
            else:
                f = asyncio.run(_matrix(args, url, Path(tmp)))
                name, window = "Matrix (Synapse)", "none: sends are idempotent"
            print(f"{name}, {where}: {f.kills} kills with SIGKILL in {f.seconds:.0f} s")
            print(f"  broadcast: {f.delivered} of {f.expected} delivered, {f.lost} lost, "
                  f"{f.doubled} doubled (window: {window})")  # fmt: skip
            print(f"  longest silence of a waiting chat after a restart: "
                  f"{f.longest_silence:.1f} s")  # fmt: skip
            print(f"  onboardings finished: {f.onboarded} of {f.parents}")
    return 0


async def _matrix(args: argparse.Namespace, url: str, folder: Path) -> Figures:
    from bench.soak_matrix import soak_matrix
    from tests.support.synapse import start_synapse

    synapse = await asyncio.to_thread(start_synapse, folder / "synapse")
    try:
        return await soak_matrix(
            synapse, args.matrix_parents, args.messages, args.kills, url, folder
        )
    finally:
        synapse.stop()


if __name__ == "__main__":
    raise SystemExit(main())
