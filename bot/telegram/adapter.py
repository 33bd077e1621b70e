"""The Telegram adapter: receives updates (long polling or a webhook), hands each to the engine
as an `Incoming`, and answers button taps. Sending is the transport's job (`transport.py`).

Chats are handled at once, each chat's updates in order: a button tap is acknowledged
(`answerCallbackQuery`) as soon as it arrives, without waiting for any update to be handled,
and one chat never waits for another. A batch from `getUpdates` is confirmed (by the next
`getUpdates` with a higher offset) only after every update in it was handled, so a crash loses
nothing: Telegram sends the unconfirmed updates again after a restart, and the engine, which
stores each handled `update_id` in the same transaction as the handler's writes, skips the ones
it already handled. A webhook update is answered `200` only after it was handled; on an error
Telegram delivers it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from telegram import CallbackQuery, Update
from telegram.constants import ChatMemberStatus
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot import logs
from bot.engine.threads import run_blocking
from bot.engine.types import EventKind, Incoming
from bot.kit.backoff import Backoff, pause
from bot.telegram.limiter import FloodLimiter, FloodLimits, retry_after_seconds
from bot.telegram.menu import CommandMenus
from bot.telegram.settings import no_webhook_secret
from bot.telegram.transport import TelegramTransport, chat_ref
from bot.telegram.updates import ALLOWED_UPDATES, to_incoming

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Handle = Callable[[Incoming], Awaitable[Any]]


@dataclass(frozen=True)
class TelegramOptions:
    token: str = field(repr=False)
    mode: str = "polling"  # or "webhook"
    webhook_url: str | None = None  # the public https URL Telegram posts updates to
    webhook_listen: str = "127.0.0.1"  # behind a reverse proxy that terminates TLS
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    username: str | None = None  # the bot's @name without @; asked from Telegram if not set
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    poll_timeout: int = 30
    limits: FloodLimits = FloodLimits()
    retry_delay: float = 1.0  # first wait after a failed update (doubling, at most 60 s)


def make_bot(options: TelegramOptions, clock: Callable[[], float] = time.monotonic) -> ExtBot[None]:
    """A Bot with our flood limiter; the long poll gets its own connection."""
    # httpx logs each request's URL, and a Bot API URL holds the token: the log filter hides it.
    logs.guard(options.token)
    request = HTTPXRequest(connection_pool_size=32, read_timeout=15.0, write_timeout=15.0)
    updates = HTTPXRequest(connection_pool_size=2, read_timeout=options.poll_timeout + 15.0)
    return ExtBot(
        options.token,
        base_url=options.base_url,
        base_file_url=options.base_file_url,
        request=request,
        get_updates_request=updates,
        rate_limiter=FloodLimiter(options.limits, clock),
    )


class TelegramAdapter:
    def __init__(
        self,
        bot: ExtBot[Any],
        handle: Handle,
        options: TelegramOptions,
        menus: CommandMenus | None = None,
    ) -> None:
        if options.mode == "webhook" and not options.webhook_secret:
            # Without it anyone who finds the URL can post updates as any parent.
            raise no_webhook_secret()
        self.bot = bot
        self.handle = handle
        self.options = options
        self.menus = menus
        self.transport = TelegramTransport(bot)
        self.username: str | None = options.username
        self.bot_id = options.token.split(":", 1)[0]
        self.handled = 0  # updates handed to the engine (for tests and logs)
        self.last_update_id = 0  # the newest update done with (handled or skipped)
        self._order = asyncio.Lock()  # one batch of getUpdates at a time
        self._chats: dict[str, asyncio.Lock] = {}  # one update of a chat at a time

    # -- one update -----------------------------------------------------------------------------
    async def handle_update(self, update: Update, acknowledged: bool = False) -> None:
        """Translate and hand to the engine; acknowledge a button tap (unless `acknowledged`
        already). Raises when the engine failed, so that the update is not confirmed."""
        try:
            incoming = to_incoming(update, self.username, self.bot_id)
        except Exception:  # an update we cannot read must not block the ones after it
            log.exception("update %s not understood; skipped", update.update_id)
            incoming = None
        if update.callback_query is not None and not acknowledged:
            # First stop the spinner on the tapped button; the answer comes as a message, and
            # the engine removes or updates the keyboard (ClearButtons / EditMessage).
            await self._answer(update.callback_query)
        if incoming is not None:
            incoming = await self._with_chat_admin(incoming)
            await self.handle(incoming)
            self.handled += 1
            if incoming.is_private and self.menus is not None:
                await self._refresh_menu(incoming.user_id)

    async def _with_chat_admin(self, incoming: Incoming) -> Incoming:
        """A command typed in a group says whether its sender is an administrator of the group
        (`getChatMember`: creator or administrator), for commands that only they may give.
        Asked only for group commands; a network failure is raised, so the update comes again."""
        if (
            incoming.is_private
            or incoming.command is None
            or incoming.kind is not EventKind.MESSAGE
        ):
            return incoming
        try:
            member = await self.bot.get_chat_member(
                chat_ref(incoming.chat_id), int(incoming.user_id)
            )
        except (BadRequest, Forbidden) as exc:  # not in the group (any more), or the bot is not
            log.info("getChatMember refused (%s): not an administrator", exc.message)
            return replace(incoming, sender_is_chat_admin=False)
        admin = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
        return replace(incoming, sender_is_chat_admin=admin)

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await self.bot.answer_callback_query(query.id)
        except TelegramError as exc:  # too old (a replay after a restart): harmless
            log.info("answerCallbackQuery failed (%s)", exc.message)

    async def _refresh_menu(self, user_id: str) -> None:
        assert self.menus is not None
        try:
            role, locale = await run_blocking(self.menus.lookup, user_id)
            await self.menus.refresh(self.bot, user_id, role, locale)
        except Exception:  # a menu is a convenience: never stop handling for it
            log.exception("could not update the command menu")

    def _acknowledge(self, updates: Sequence[Update]) -> list[asyncio.Task[None]]:
        """Stop the spinner of every tapped button of a batch at once (Telegram does not count
        these answers against the flood limits)."""
        return [
            asyncio.create_task(self._answer(u.callback_query))
            for u in updates
            if u.callback_query is not None
        ]

    def _chat_lock(self, update: Update) -> asyncio.Lock:
        chat = update.effective_chat or update.effective_user
        key = str(chat.id) if chat is not None else ""
        lock = self._chats.get(key)
        if lock is None:
            lock = self._chats[key] = asyncio.Lock()
        return lock

    async def _handle_batch(self, updates: Sequence[Update], stop: asyncio.Event) -> None:
        """Every chat of a batch at once, each chat's updates in order."""
        acks = self._acknowledge(updates)
        by_chat: dict[asyncio.Lock, list[Update]] = {}
        for update in updates:
            by_chat.setdefault(self._chat_lock(update), []).append(update)

        async def one_chat(lock: asyncio.Lock, chat_updates: list[Update]) -> None:
            for update in chat_updates:
                async with lock:
                    await self._handle_until_done(update, stop, acknowledged=True)

        try:
            results = await asyncio.gather(
                *(one_chat(lock, ups) for lock, ups in by_chat.items()), return_exceptions=True
            )
        finally:
            await asyncio.gather(*acks, return_exceptions=True)
            # Forget idle chats, so the map stays small (taking a free lock never yields, so no
            # handler is between finding a lock here and holding it).
            self._chats = {k: v for k, v in self._chats.items() if v.locked()}
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _handle_until_done(
        self, update: Update, stop: asyncio.Event, acknowledged: bool = False
    ) -> None:
        """An update fails only when the database (or the engine's delivery) is away: the
        engine turns a handler's error into an apology. So try again until it goes through;
        when stopped meanwhile, leave it unconfirmed for the next start."""
        backoff = Backoff(self.options.retry_delay)
        while True:
            try:
                await self.handle_update(update, acknowledged)
                self.last_update_id = max(self.last_update_id, update.update_id)
                return
            except Exception:
                log.exception(
                    "update %s failed; trying again in %.0f s", update.update_id, backoff.delay
                )
                if stop.is_set():
                    raise
                await backoff.wait(stop)

    # -- life cycle -----------------------------------------------------------------------------
    async def start(self, stop: asyncio.Event | None = None) -> None:
        backoff = Backoff()
        while True:
            try:
                await self.bot.initialize()  # getMe
                break
            except InvalidToken:
                raise
            except NetworkError as exc:  # Telegram not reachable yet: keep trying
                if stop is not None and stop.is_set():
                    raise
                log.warning(
                    "Telegram not reachable (%s); trying again in %.0f s",
                    exc.message,
                    backoff.delay,
                )
                await backoff.wait(None)
        self.username = self.options.username or self.bot.username
        if self.menus is not None:
            await self.menus.install(self.bot)

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.bot.shutdown()

    async def run(
        self,
        stop: asyncio.Event,
        background: Callable[[asyncio.Event], Coroutine[Any, Any, Any]] | None = None,
        may_poll: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """Receive updates until `stop` is set; `background` (the outbox sender) runs alongside.
        Long polling starts once `may_poll` says so (True; False: stopped before)."""
        await self.start(stop)
        log.info("Telegram: running as @%s (%s)", self.username, self.options.mode)
        tasks: list[asyncio.Task[Any]] = []
        if background is not None:
            tasks.append(asyncio.create_task(background(stop), name="telegram-outbox"))
        try:
            if self.options.mode == "webhook":
                await self.serve_webhook(stop)
            elif may_poll is None or await may_poll():
                await self.poll(stop)
        finally:
            stop.set()
            for task in tasks:
                with contextlib.suppress(Exception):
                    await task
            await self.stop()

    # -- long polling ---------------------------------------------------------------------------
    async def poll(self, stop: asyncio.Event) -> None:
        # A webhook left from an earlier run would make getUpdates fail; keep pending updates.
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        confirmed: int | None = None
        backoff = Backoff(2.0)
        while not stop.is_set():
            try:
                updates = await self._get_updates(offset, stop)
            except (InvalidToken, Conflict):
                raise
            except RetryAfter as exc:
                await pause(stop, retry_after_seconds(exc))
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); trying again", exc.message)
                await backoff.wait(stop)
                continue
            backoff.reset()
            if updates is None:  # stopped while waiting
                break
            confirmed = offset
            async with self._order:
                await self._handle_batch(updates, stop)
                if updates:
                    offset = max(u.update_id for u in updates) + 1
        if offset is not None and offset != confirmed:
            # Confirm what was handled, so the next start does not fetch it again.
            with contextlib.suppress(TelegramError):
                await self.bot.get_updates(
                    offset=offset, timeout=0, allowed_updates=ALLOWED_UPDATES
                )

    async def _get_updates(
        self, offset: int | None, stop: asyncio.Event
    ) -> tuple[Update, ...] | None:
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=offset,
                timeout=self.options.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
        )
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if not fetch.done():
            fetch.cancel()  # what it would have returned stays unconfirmed: fetched next time
            with contextlib.suppress(BaseException):
                await fetch
            return None
        return fetch.result()

    # -- webhook --------------------------------------------------------------------------------
    async def serve_webhook(self, stop: asyncio.Event) -> None:
        from aiohttp import web

        url = self.options.webhook_url
        if not url:
            raise ValueError("webhook mode needs a webhook URL")
        path = urlsplit(url).path or "/"
        app = web.Application()
        app.router.add_post(path, self._on_webhook)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.options.webhook_listen, self.options.webhook_port)
        await site.start()
        try:
            await self.bot.set_webhook(
                url,
                secret_token=self.options.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
                max_connections=4,
            )
            await stop.wait()
        finally:
            # The webhook stays set: Telegram keeps the updates until we are back.
            await runner.cleanup()

    async def _on_webhook(self, request: Any) -> Any:
        from aiohttp import web

        secret = self.options.webhook_secret
        if not secret or not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), secret.encode()
        ):
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, self.bot)
        except Exception:
            return web.Response(status=400)
        async with self._chat_lock(update):
            try:
                await self.handle_update(update)
            except Exception:
                log.exception("webhook update %s failed; Telegram will resend it", update.update_id)
                return web.Response(status=500)
            self.last_update_id = max(self.last_update_id, update.update_id)
        return web.Response(status=200)
