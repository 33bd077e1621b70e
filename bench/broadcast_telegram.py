"""Broadcast benchmark: outbox messages to many parents through the real Telegram adapter
(python-telegram-bot with the flood limiter) to a fake Bot API on loopback that enforces
Telegram's limits: it answers `429` with `retry_after` past 30 messages a second overall and
20 a minute per group.

    python -m bench.broadcast_telegram                  # 2,000 parents, Telegram's limits
    python -m bench.broadcast_telegram --parents 500 --rate 100 --blocked 5

Prints messages per second as a share of the limit (n messages over the time from the first
to the last plus one window: by that measure a sliding-window limit allows at most the limit),
the 429s the fake answered, duplicates (a parent who got the message twice), lost messages
(queued, never delivered nor marked unreachable), and the most messages the fake saw in any
one second. Prints figures, no pass or fail (the test suite runs a smaller broadcast and asserts).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bot.app import build_app
from bot.telegram.adapter import TelegramOptions, make_bot
from bot.telegram.limiter import FloodLimits
from bot.telegram.transport import TelegramTransport
from community.clock import SystemClock
from community.models import OutboxMessage, OutboxStatus, Person, Role
from community.services import broadcast as broadcast_service
from community.services import communities, people
from config import load_settings
from tests.support.fake_telegram import FakeTelegram, Limits

FIRST_USER_ID = 500_000_000


@dataclass
class Result:
    parents: int
    limit: float
    seconds: float
    delivered: int
    duplicates: int
    lost: int
    unreachable: int
    rate_limited: int
    max_per_second: int

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    @property
    def share(self) -> float:
        return self.per_second / self.limit

    def report(self) -> str:
        return "\n".join(
            [
                f"parents: {self.parents}   delivered: {self.delivered}   "
                f"unreachable (403): {self.unreachable}",
                f"time: {self.seconds:.1f} s   rate: {self.per_second:.1f} messages/s = "
                f"{self.share:.1%} of the limit ({self.limit:g}/s)",
                f"429s received: {self.rate_limited}   duplicates: {self.duplicates}   "
                f"lost: {self.lost}   most in any 1 s window at the fake: {self.max_per_second}",
            ]
        )


def _max_in_window(times: list[float], period: float = 1.0) -> int:
    best, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - period:
            start += 1
        best = max(best, end - start + 1)
    return best


async def broadcast(
    parents: int = 2000,
    rate: int = 30,
    blocked: int = 0,
    database_url: str | None = None,
    timeout: float | None = None,
    inject_429: int = 0,
) -> Result:
    """Queue one message for each of `parents` parents and send them all; measure."""
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        return await _broadcast(parents, rate, blocked, url, timeout, inject_429)


async def _broadcast(
    parents: int, rate: int, blocked: int, url: str, timeout: float | None, inject_429: int
) -> Result:
    fake = await FakeTelegram(limits=Limits(overall=rate, group=20)).start()
    options = TelegramOptions(
        token=fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        limits=FloodLimits(overall=rate, group=20),
    )
    bot = make_bot(options)
    settings = dataclasses.replace(load_settings(environ={}), database_url=url)
    clock = SystemClock()
    app = build_app(settings, [TelegramTransport(bot)], clock=clock, migrate=True)
    user_ids = [FIRST_USER_ID + n for n in range(parents)]
    for user_id in user_ids[:blocked]:
        fake.block(user_id)
    try:
        with app.session_factory.begin() as session:
            community = communities.all_communities(session)[0]
            parents_made = []
            for index, user_id in enumerate(user_ids):
                person = people.create(
                    session, "telegram", str(user_id), str(user_id), clock, role=Role.PARENT
                )
                person.community_id = community.id
                person.locale = ("nl", "en")[index % 2]
                parents_made.append(person)
            session.flush()
            # The domain's own broadcast: one row per parent, in their language, keyed.
            broadcast_service.queue_to_people(
                session, parents_made, app.translator, clock, "room.welcome_group", key="bench:1"
            )
        await bot.initialize()
        if inject_429:
            fake.fail_with_429(inject_429, retry_after=1)
        stop = asyncio.Event()
        started = time.monotonic()
        sender = asyncio.create_task(app.dispatcher.run(interval=0.05, stop=stop))

        def finished() -> bool:
            with app.session_factory() as session:
                open_rows = session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
                )
            return not open_rows

        deadline = started + (timeout or parents / rate * 3 + 30)
        while not await asyncio.to_thread(finished):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        accepted = [c for c in fake.calls if c.method == "sendMessage" and c.status == 200]
        # A sliding-window limit lets `limit` messages through in any one period, so n messages
        # need at least (n / limit - 1) periods from the first to the last: the rate is n over
        # (last - first + one period), which is at most the limit.
        seconds = (accepted[-1].at - accepted[0].at + 1.0) if accepted else 0.0
        stop.set()
        await sender
        per_chat = Counter(c.params["chat_id"] for c in accepted)
        with app.session_factory() as session:
            unreachable = session.scalar(
                select(func.count()).select_from(Person).where(Person.unreachable_at.is_not(None))
            )
        delivered = len(per_chat)
        return Result(
            parents=parents,
            limit=float(rate),
            seconds=seconds,
            delivered=delivered,
            duplicates=sum(n - 1 for n in per_chat.values() if n > 1),
            lost=parents - delivered - int(unreachable or 0),
            unreachable=int(unreachable or 0),
            rate_limited=fake.rate_limited,
            max_per_second=_max_in_window([c.at for c in accepted]),
        )
    finally:
        await bot.shutdown()
        app.close()
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parents", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=30, help="the overall limit, messages/s")
    parser.add_argument("--blocked", type=int, default=0, help="parents who blocked the bot")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    result = asyncio.run(broadcast(args.parents, args.rate, args.blocked, args.database_url))
    print(result.report())


if __name__ == "__main__":
    main()
