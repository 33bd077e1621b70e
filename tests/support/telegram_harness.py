"""The whole bot on Telegram, for end-to-end tests: the real app (engine, database, outbox),
the real adapter and python-telegram-bot, and the fake Bot API on loopback.

    async with TelegramBot(fake, settings, clock) as tg:
        await tg.say(7, "/start ARNHEM")      # -> texts the bot sent to chat 7 in answer
        await tg.press(7, "English")          # tap a button on the newest message that has it
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import func, select

from bot.telegram.adapter import TelegramAdapter
from bot.telegram.run import build
from community.models import OPEN_ROWS, OutboxMessage
from tests.support.fake_telegram import FakeTelegram


def is_language_question(texts: list[str]) -> bool:
    """Exactly one message: the first question, "choose your language" in every language."""
    return len(texts) == 1 and texts[0].startswith("Kies je taal.\nChoose your language.")


class TelegramBot:
    def __init__(self, fake: FakeTelegram, settings: Any, clock: Any, **options: Any) -> None:
        from tests.bot.telegram.conftest import options_for

        self.fake = fake
        self.options = options_for(fake, **options)
        self.app, self.adapter = build(settings, self.options, clock=clock, migrate=True)
        self.first = self.adapter  # its bot is the app's transport
        self.clock = clock
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> TelegramBot:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self, adapter: TelegramAdapter | None = None) -> None:
        if adapter is not None:
            self.adapter = adapter
        await self.adapter.start()
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.adapter.poll(self._stop))

    async def stop_polling(self) -> None:
        """Stop receiving; the app's transport (the first adapter's bot) still sends."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(BaseException):
                await self._task

    async def close(self) -> None:
        await self.stop_polling()
        await self.adapter.stop()
        await self.first.stop()
        self.app.close()

    async def settle(self, update_id: int, timeout: float = 10.0) -> None:
        """Until the update was handled and whatever is due in the outbox went out."""
        await self.fake.wait_until(
            lambda: self.adapter.last_update_id >= update_id, timeout, f"update {update_id}"
        )
        await self.app.dispatcher.dispatch_due()

    async def quiet(self, timeout: float = 10.0) -> None:
        """Until nothing waits in the outbox: a reply the sender loop sends after `settle`
        returned (a chat's next row waits for the one before) has gone out too."""

        def open_rows() -> int:
            with self.app.session_factory() as session:
                query = select(func.count()).select_from(OutboxMessage).where(OPEN_ROWS)
                return int(session.scalar(query) or 0)

        async def settled() -> bool:
            await self.app.dispatcher.dispatch_due()
            return await asyncio.to_thread(open_rows) == 0

        deadline = asyncio.get_running_loop().time() + timeout
        while not await settled():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the outbox still has open rows")
            await asyncio.sleep(0.05)

    async def feed(self, update_id: int, chat: int) -> list[str]:
        before = {m.message_id for m in self.fake.sent_to(chat)}
        await self.settle(update_id)
        return [
            m.text or m.caption or "" for m in self.fake.sent_to(chat) if m.message_id not in before
        ]

    async def say(self, user: int, text: str, chat: int | None = None, language: str = "en"):  # type: ignore[no-untyped-def]
        chat_id = user if chat is None else chat
        before = {m.message_id for m in self.fake.sent_to(chat_id)}
        update_id = self.fake.message(user, text, chat=chat, language=language)
        await self.settle(update_id)
        return [
            m.text or m.caption or ""
            for m in self.fake.sent_to(chat_id)
            if m.message_id not in before
        ]

    async def press(self, user: int, label: str) -> list[str]:
        before = {m.message_id for m in self.fake.sent_to(user)}
        update_id = self.fake.press_label(user, label)
        await self.settle(update_id)
        return [m.text or "" for m in self.fake.sent_to(user) if m.message_id not in before]

    def labels(self, user: int) -> list[str]:
        """The buttons on the newest message to this chat that has any."""
        for message in reversed(self.fake.sent_to(user)):
            if message.buttons():
                return [b["text"] for b in message.buttons()]
        return []
