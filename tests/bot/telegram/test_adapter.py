"""The adapter's receiving side against the fake Bot API: long polling with confirmation after
handling, a crash in the middle of a batch, button taps acknowledged, the webhook with its
secret token. The engine is a recorder here (the end-to-end tests use the real one)."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from aiohttp import ClientSession

from bot.engine.types import EventKind, Incoming
from bot.telegram.adapter import SECRET_HEADER, TelegramAdapter, make_bot
from tests.bot.telegram.conftest import options_for
from tests.support.fake_telegram import FakeTelegram, SentMessage


class Crash(BaseException):
    """The process dies: nothing after this point runs."""


class Recorder:
    """Stands in for the engine: remembers handled event ids like `processed_event` does."""

    def __init__(self, crash_after: int | None = None) -> None:
        self.seen: list[Incoming] = []
        self.processed: set[str] = set()
        self.crash_after = crash_after

    async def __call__(self, incoming: Incoming) -> None:
        if incoming.event_id in self.processed:
            return
        self.processed.add(str(incoming.event_id))
        self.seen.append(incoming)
        if self.crash_after is not None and len(self.seen) == self.crash_after:
            raise Crash


async def running(adapter: TelegramAdapter, stop: asyncio.Event) -> asyncio.Task[None]:
    await adapter.start()
    return asyncio.create_task(adapter.poll(stop))


async def test_polling_hands_updates_in_order_and_confirms(fake: FakeTelegram) -> None:
    recorder = Recorder()
    adapter = TelegramAdapter(make_bot(options_for(fake)), recorder, options_for(fake))
    stop = asyncio.Event()
    task = await running(adapter, stop)
    fake.message(7, "/start ARNHEM")
    fake.message(7, "hallo")
    fake.photo(8, "PHOTO-1")
    await fake.wait_until(lambda: len(recorder.seen) == 3, what="3 updates handled")
    stop.set()
    await task
    await adapter.stop()
    assert [i.command or i.text for i in recorder.seen] == ["start", "hallo", ""]
    assert recorder.seen[2].media[0].ref == "PHOTO-1"
    assert fake.pending_updates == 0  # all confirmed on the way out
    assert fake.calls_of("deleteWebhook")[0].params.get("drop_pending_updates") is False


async def test_button_tap_is_acknowledged(fake: FakeTelegram) -> None:
    recorder = Recorder()
    adapter = TelegramAdapter(make_bot(options_for(fake)), recorder, options_for(fake))
    fake.messages[(7, 1)] = SentMessage(
        7,
        1,
        "sendMessage",
        text="Kies",
        reply_markup={"inline_keyboard": [[{"text": "NL", "callback_data": "lang:nl"}]]},
    )
    stop = asyncio.Event()
    task = await running(adapter, stop)
    fake.press(7, 1, "lang:nl")
    await fake.wait_until(lambda: len(fake.answered) == 1, what="answerCallbackQuery")
    stop.set()
    await task
    await adapter.stop()
    assert recorder.seen[0].kind is EventKind.BUTTON and recorder.seen[0].choice == "lang:nl"


async def test_a_crash_in_the_middle_of_a_batch_handles_nothing_twice(fake: FakeTelegram) -> None:
    for n in range(6):
        fake.message(7, f"bericht {n}")
    crashing = Recorder(crash_after=3)
    first = TelegramAdapter(make_bot(options_for(fake)), crashing, options_for(fake))
    stop = asyncio.Event()
    task = await running(first, stop)
    with contextlib.suppress(Crash):
        await task
    await first.stop()
    assert len(crashing.seen) == 3
    assert fake.pending_updates == 6  # nothing confirmed: the batch was not finished

    # Restart: Telegram sends the whole batch again; the first 3 are known and skipped.
    survivor = Recorder()
    survivor.processed = set(crashing.processed)
    second = TelegramAdapter(make_bot(options_for(fake)), survivor, options_for(fake))
    stop = asyncio.Event()
    task = await running(second, stop)
    await fake.wait_until(lambda: len(survivor.seen) == 3, what="the rest handled")
    await fake.wait_confirmed()
    stop.set()
    await task
    await second.stop()
    handled = [i.text for i in crashing.seen + survivor.seen]
    assert handled == [f"bericht {n}" for n in range(6)]


async def test_an_update_that_fails_is_tried_again_not_lost(fake: FakeTelegram) -> None:
    recorder = Recorder()
    failures = 2

    async def database_away_twice(incoming: Incoming) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            raise ConnectionError("database is restarting")
        await recorder(incoming)

    options = options_for(fake, retry_delay=0.01)
    adapter = TelegramAdapter(make_bot(options), database_away_twice, options)
    stop = asyncio.Event()
    task = await running(adapter, stop)
    fake.message(7, "eerste")
    fake.message(7, "tweede")
    await fake.wait_until(lambda: len(recorder.seen) == 2, what="both handled")
    stop.set()
    await task
    await adapter.stop()
    assert [i.text for i in recorder.seen] == ["eerste", "tweede"]
    assert fake.pending_updates == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_checks_the_secret_token(fake: FakeTelegram) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    options = options_for(
        fake,
        mode="webhook",
        webhook_url=url,
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret="s3cret_token-1",
    )
    recorder = Recorder()
    adapter = TelegramAdapter(make_bot(options), recorder, options)
    stop = asyncio.Event()
    task = asyncio.create_task(adapter.run(stop))
    await fake.wait_until(lambda: fake.webhook is not None, what="setWebhook")
    assert fake.webhook is not None and fake.webhook["secret_token"] == "s3cret_token-1"
    fake.message(7, "/start ARNHEM")
    await fake.wait_until(lambda: len(recorder.seen) == 1, what="webhook update")
    assert fake.webhook_responses == [200]

    # A request without the right secret is refused and not handled.
    async with ClientSession() as client:
        body = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 9, "type": "private"},
                "from": {"id": 9, "is_bot": False, "first_name": "X"},
                "text": "hoi",
            },
        }
        for headers in ({}, {SECRET_HEADER: "wrong"}):
            async with client.post(url, json=body, headers=headers) as response:
                assert response.status == 403
    assert len(recorder.seen) == 1
    stop.set()
    await task
