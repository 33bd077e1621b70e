"""Presses benchmark: many parents press a button at the same moment while Telegram answers
some sends with `429`; are the presses acknowledged at once and the replies not held up by
other chats?

The real `ouderkring run` path (the Telegram adapter polling a fake Bot API on loopback, the app
taking each event and sending its replies in the background, the outbox sender loop beside it)
with `--parents` parents who each got the language question after `/start`. Then all press
"English" at once while `--share-429` of the sends are answered `429` with a `retry_after` of
`--retry-after` seconds. Prints, over the presses: the time until Telegram got the
`answerCallbackQuery` (the spinner stops) and until the parent's first reply arrived, as median
and worst, and the 429s answered. Figures only, no pass or fail.

    python -m bench.presses [--parents 30] [--share-429 0.2] [--retry-after 1]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import build_app
from bot.telegram.adapter import TelegramOptions
from bot.telegram.run import run_telegram, telegram_adapter
from bot.telegram.settings import TelegramSettings
from config import load_settings
from config.moderation import UNLIMITED
from tests.support.fake_telegram import FakeTelegram, Limits

FIRST_USER = 700_000_000


async def _bench(parents: int, share: float, retry_after: float, folder: Path) -> None:
    fake = await FakeTelegram(limits=Limits()).start()
    settings = dataclasses.replace(
        load_settings(environ={}),
        database_url=f"sqlite:///{folder / 'bench.db'}",
        platform_settings={"telegram": TelegramSettings(token=fake.token)},
        moderation=UNLIMITED,
    )
    options = TelegramOptions(
        token=fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url
    )
    adapter = telegram_adapter(settings, options)
    app = build_app(settings, [adapter.transport], migrate=True)
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(run_telegram(app, adapter, stop)),
        asyncio.create_task(app.dispatcher.run(interval=0.2, stop=stop)),
    ]
    users = [FIRST_USER + n for n in range(parents)]
    try:
        for user in users:
            fake.message(user, "/start ARNHEM", language="en")
        await fake.wait_until(
            lambda: all(fake.sent_texts(u) for u in users), 120, "every language question"
        )
        await asyncio.sleep(1)  # the welcome's last rows are out
        fake.fail_share, fake.fail_retry_after = share, retry_after
        before = {u: len(fake.sent_to(u)) for u in users}
        answered_before = len(fake.calls_of("answerCallbackQuery"))
        pressed_at = time.monotonic()
        for user in users:
            fake.press_label(user, "English")
        await fake.wait_until(
            lambda: all(len(fake.sent_to(u)) > before[u] for u in users), 120, "every reply"
        )
        fake.fail_share = 0.0
        acks = [c.at - pressed_at for c in fake.calls_of("answerCallbackQuery")[answered_before:]]
        first_reply: dict[int, float] = {}
        for call in fake.calls:
            chat = call.params.get("chat_id")
            if call.method.startswith("send") and call.status == 200 and call.at > pressed_at:
                first_reply.setdefault(chat, call.at - pressed_at)
        replies = [first_reply[u] for u in users]
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        app.close()
        await fake.stop()
    print(f"{parents} parents press at once, {share:.0%} of sends answered 429 "
          f"(retry after {retry_after:g} s): {fake.rate_limited} 429s")  # fmt: skip
    print(f"  press acknowledged: median {statistics.median(acks):.3f} s, "
          f"worst {max(acks):.3f} s ({len(acks)} acknowledgements)")  # fmt: skip
    print(f"  first reply:        median {statistics.median(replies):.3f} s, "
          f"worst {max(replies):.3f} s")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.presses", description=__doc__)
    parser.add_argument("--parents", type=int, default=30)
    parser.add_argument("--share-429", type=float, default=0.2)
    parser.add_argument("--retry-after", type=float, default=1.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-presses-") as folder:
        asyncio.run(_bench(args.parents, args.share_429, args.retry_after, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
