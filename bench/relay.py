"""Group relay benchmark: a Matrix room and a Telegram group joined into one conversation,
through the real adapters: matrix-nio against a local Synapse, python-telegram-bot (with its
flood limiter) against the fake Bot API on loopback.

N messages (default 500) are offered at a steady rate (default 10 a second, both directions
taken together: even ones by a parent on Matrix, odd ones by a parent in the Telegram group),
while the bot runs as in production: the Matrix sync loop, Telegram long polling and the outbox
sender, all in one process. For each message the delay is measured from its arrival (the
parent's client sends it to the homeserver / the update waits at the Bot API) to the moment the
other platform accepted its relayed copy. Afterwards both sides are read back to count
duplicates and lost messages.

    python -m bench.relay [--messages N] [--rate R] [--telegram-group-limit L]

Telegram allows a bot about 20 messages a minute in one group. A relayed conversation at 10
messages a second is far above that, so by default the fake (and the bot's limiter) allow
1,000 a minute in the group: the figures then show the bot's own speed. With
`--telegram-group-limit 20` they show what Telegram's limit does to it. Prints figures; exits
non-zero if a message was lost or relayed twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import nio
from sqlalchemy import select

from bot.app import build_app
from bot.engine.port import Delivery, Transport
from bot.matrix.runner import check_login, make_listener, matrix_transport
from bot.matrix.settings import MatrixSpec
from bot.telegram.adapter import TelegramOptions
from bot.telegram.limiter import FloodLimits
from bot.telegram.run import connect, telegram_adapter
from bot.telegram.settings import TelegramSettings
from community.actions import CreateRoom, SendMessage
from community.clock import SystemClock
from community.models import Community
from community.services import relay, rooms
from community.services.relay_text import copy_text
from config import load_settings
from config.moderation import UNLIMITED
from tests.support.fake_telegram import FakeTelegram, Limits
from tests.support.members import add_member
from tests.support.synapse import SynapseServer, start_synapse

GROUP, PIET = -100_555, 4242


@dataclasses.dataclass
class Result:
    offered: int
    rate: float
    seconds: float
    delays: dict[str, list[float]]  # direction -> seconds, one per relayed message
    duplicates: int
    lost: int
    group_limit: int

    @property
    def relayed(self) -> int:
        return sum(len(d) for d in self.delays.values())

    def report(self) -> str:
        every = sorted(d for ds in self.delays.values() for d in ds)
        lines = [
            f"offered: {self.offered} messages at {self.rate:g}/s (both directions together); "
            f"Telegram group limit {self.group_limit}/min",
            f"relayed: {self.relayed} in {self.seconds:.1f} s = "
            f"{self.relayed / self.seconds:.1f} messages/s",
            f"delay arrival -> relayed copy: p50 {_ms(every, 50)} ms, p95 {_ms(every, 95)} ms, "
            f"max {_ms(every, 100)} ms",
        ]
        for direction, delays in self.delays.items():
            ordered = sorted(delays)
            lines.append(
                f"  {direction}: {len(ordered)} relayed, p50 {_ms(ordered, 50)} ms, "
                f"p95 {_ms(ordered, 95)} ms"
            )
        lines.append(f"duplicates: {self.duplicates}   lost: {self.lost}")
        return "\n".join(lines)


def _ms(ordered: list[float], pct: int) -> str:
    if not ordered:
        return "-"
    if pct >= 100:
        return f"{1000 * ordered[-1]:.0f}"
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return f"{1000 * ordered[index]:.0f}"


class Timed:
    """A transport that notes when the platform accepted each message it sent."""

    def __init__(self, inner: Transport, seen: dict[str, list[float]]) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.capabilities = inner.capabilities
        self.seen = seen

    async def perform(self, delivery: Delivery) -> str | None:
        result = await self.inner.perform(delivery)
        if isinstance(delivery.action, SendMessage):
            self.seen.setdefault(delivery.action.text, []).append(time.monotonic())
        return result


async def run(
    messages: int = 500,
    rate: float = 10.0,
    group_limit: int = 1000,
    server: SynapseServer | None = None,
    base: Path | None = None,
) -> Result:
    """Relay `messages` messages; `server`: a running Synapse (else one is started)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = base or Path(tmp)
        started = server is None
        synapse = server or start_synapse(folder / "synapse")
        try:
            return await _run(messages, rate, group_limit, synapse, folder)
        finally:
            if started:
                synapse.stop()


async def _run(
    messages: int, rate: float, group_limit: int, server: SynapseServer, folder: Path
) -> Result:
    fake = await FakeTelegram(limits=Limits(overall=30, group=group_limit)).start()
    bot_user = server.register_unique("relaybot")
    anna_user = server.register_unique("anna")
    settings = dataclasses.replace(
        load_settings(environ={}),
        database_url=f"sqlite:///{folder / 'relay-bench.db'}",
        platforms=("telegram", "matrix"),
        platform_settings={
            "matrix": MatrixSpec(
                server.url, bot_user.user_id, bot_user.device_id, access_token=bot_user.access_token
            ),
            "telegram": TelegramSettings(api_url=fake.base_url, token=fake.token),
        },
        # It measures relaying, not the flood limits (they would slow one busy sender).
        moderation=UNLIMITED,
    )
    options = TelegramOptions(
        token=fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        poll_timeout=10,
        limits=FloodLimits(overall=30, group=group_limit),
    )
    telegram = telegram_adapter(settings, options)
    matrix = matrix_transport(settings)
    app = build_app(settings, [telegram.transport, matrix], clock=SystemClock(), migrate=True)
    connect(app, telegram)
    seen: dict[str, list[float]] = {}
    for platform, transport in list(app.dispatcher.transports.items()):
        app.dispatcher.transports[platform] = Timed(transport, seen)
    anna = nio.AsyncClient(server.url, anna_user.user_id)
    anna.restore_login(anna_user.user_id, anna_user.device_id, anna_user.access_token)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[Any]] = []
    try:
        await check_login(app, matrix)
        listener = make_listener(app, matrix)
        await listener.sync_once()  # the first start: takes the sync token
        room_id = await matrix.perform(
            Delivery(0, "matrix", "", CreateRoom("community:1:tips", "Tips en vragen"))
        )
        assert room_id
        with app.session_factory.begin() as session:
            community = session.scalars(select(Community)).first()
            assert community is not None
            room = rooms.link(session, community, "matrix", room_id, app.clock, purpose="tips")
            rooms.link(session, community, "telegram", str(GROUP), app.clock, purpose="tips")
            relay.set_relay(session, room, True)
            # Both parents joined through the bot (the bot relays no strangers)
            add_member(session, "matrix", anna_user.user_id, app.clock, community=community)
            add_member(session, "telegram", str(PIET), app.clock, community=community)
        await anna.set_displayname("Anna")
        await matrix.client.room_invite(room_id, anna_user.user_id)
        await anna.join(room_id)
        await listener.sync_once()
        await telegram.start()
        tasks = [
            asyncio.create_task(telegram.poll(stop)),
            asyncio.create_task(listener.run(stop, timeout_ms=10000)),
            asyncio.create_task(app.dispatcher.run(interval=0.05, stop=stop)),
        ]

        arrived: dict[str, float] = {}  # the copy's text -> when the original arrived
        sends: list[asyncio.Task[None]] = []

        async def from_matrix(n: int) -> None:
            body = f"m{n}"
            # Counted from the moment the parent's client sends: the homeserver has it a little
            # later, so the Matrix -> Telegram delays are, if anything, a little too long.
            arrived[copy_text("Anna", body)] = time.monotonic()
            response = await anna.room_send(
                room_id, "m.room.message", {"msgtype": "m.text", "body": body}
            )
            assert isinstance(response, nio.RoomSendResponse), response

        t0 = time.monotonic()
        for n in range(messages):
            await asyncio.sleep(max(0.0, t0 + n / rate - time.monotonic()))
            if n % 2 == 0:
                sends.append(asyncio.create_task(from_matrix(n)))
            else:
                arrived[copy_text("Piet", f"t{n}")] = time.monotonic()
                fake.group_message(GROUP, PIET, f"t{n}", "Piet")
        await asyncio.gather(*sends)
        deadline = time.monotonic() + 30 + (messages / 20 * 60 if group_limit < 100 else 0)
        while time.monotonic() < deadline and not all(text in seen for text in arrived):
            await asyncio.sleep(0.05)
        finished = max((times[0] for times in seen.values()), default=t0)
        delays: dict[str, list[float]] = {"Matrix -> Telegram": [], "Telegram -> Matrix": []}
        for text, at in arrived.items():
            if text in seen:
                direction = "Matrix -> Telegram" if "Anna" in text else "Telegram -> Matrix"
                delays[direction].append(seen[text][0] - at)
        # What each side really shows: a copy sent twice is a duplicate, one never sent is lost.
        on_telegram = Counter(m.text for m in fake.sent_to(GROUP) if m.text)
        on_matrix = Counter(await _bot_bodies(anna, room_id, matrix.client.user_id))
        shown = on_telegram + on_matrix
        duplicates = sum(shown[text] - 1 for text in arrived if shown[text] > 1)
        lost = sum(1 for text in arrived if shown[text] == 0)
        return Result(messages, rate, finished - t0, delays, duplicates, lost, group_limit)
    finally:
        stop.set()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        await telegram.stop()
        await anna.close()
        await matrix.client.close()
        app.close()
        await fake.stop()


async def _bot_bodies(client: nio.AsyncClient, room_id: str, bot_id: str) -> list[str]:
    bodies: list[str] = []
    start = ""
    while True:
        page = await client.room_messages(room_id, start=start, limit=1000)
        assert isinstance(page, nio.RoomMessagesResponse), page
        bodies += [
            e.body for e in page.chunk if isinstance(e, nio.RoomMessageText) and e.sender == bot_id
        ]
        if not page.chunk or not page.end or page.end == start:
            return bodies
        start = page.end


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--rate", type=float, default=10.0, help="messages a second, in all")
    parser.add_argument(
        "--telegram-group-limit",
        type=int,
        default=1000,
        help="messages a minute the fake Bot API allows in one group (Telegram: about 20)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.messages, args.rate, args.telegram_group_limit))
    print(result.report())
    return 0 if result.duplicates == 0 and result.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
