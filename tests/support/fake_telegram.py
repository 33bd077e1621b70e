"""A fake Telegram Bot API server on loopback, for running the real python-telegram-bot code
end to end without Telegram.

    fake = FakeTelegram()
    await fake.start()              # 127.0.0.1, a free port
    bot = ExtBot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
    fake.message(user=7, text="/start ARNHEM")       # feed an update
    ...
    fake.sent_texts(7)              # what the bot sent to chat 7

It serves the methods the adapter uses (getMe, getUpdates with long polling and offsets that
confirm, setWebhook, sendMessage, edits, callback answers, commands, join requests, invite
links, pins, deletes, media sends, bans), records every request, keeps the messages the bot
sent (with their keyboards, so a test can press a button on them), and can fail on purpose:
`429` with `retry_after` for the next N calls, `403` for a chat that blocked the bot, and a
rate-limit mode that answers `429` past Telegram's limits (about 30 messages a second overall,
20 a minute per group), as the broadcast benchmark needs.

Requests arrive as PTB sends them: form fields, each value JSON-encoded unless it is a string.

Files: `put_file(file_id, data)` keeps bytes that `getFile` and the file URL
(`base_file_url`) hand out; a multipart upload is recorded in `uploads` (with its bytes) and
gets a new file id that can be downloaded again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from community.pictograms import without

# Methods that Telegram counts against its flood limits (messages the bot makes or changes).
COUNTED_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage")
_RAW_STRING_FIELDS = {
    "text",
    "caption",
    "callback_query_id",
    "secret_token",
    "url",
    "name",
    "language_code",
    "photo",
    "voice",
    "document",
    "video",
    "audio",
    "parse_mode",
    "invite_link",
}
DEFAULT_UPDATE_TYPES = frozenset(
    {"message", "edited_message", "callback_query", "chat_join_request", "my_chat_member"}
)

ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": False,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}

# What a restricted member may still do (all of it here: only the status matters to the bot).
RESTRICTED_RIGHTS = {
    f"can_{right}": True
    for right in (
        "send_messages", "send_audios", "send_documents", "send_photos", "send_videos",
        "send_video_notes", "send_voice_notes", "send_polls", "send_other_messages",
        "add_web_page_previews", "change_info", "invite_users", "pin_messages", "manage_topics",
    )
}  # fmt: skip


def counted(method: str) -> bool:
    return method.startswith(COUNTED_PREFIXES) and method != "sendChatAction"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


@dataclass
class Limits:
    """Telegram's flood limits as the fake enforces them: sliding windows on arrival time."""

    overall: int = 30
    overall_period: float = 1.0
    group: int = 20
    group_period: float = 60.0


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    method: str
    text: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    media: dict[str, Any] | None = None
    pinned: bool = False
    deleted: bool = False
    edits: int = 0

    def buttons(self) -> list[dict[str, Any]]:
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]


@dataclass
class Upload:
    """A file the bot uploaded (multipart), as the fake received it."""

    method: str
    chat_id: int
    filename: str
    data: bytes
    file_id: str


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-token"
    bot_id: int = 123456
    username: str = "ouderkring_test_bot"
    limits: Limits | None = None
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    join_requests: set[tuple[int, int]] = field(default_factory=set)
    members: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # What getChatMember answers for (chat, user), set by a test: "creator", "administrator",
    # "member", "restricted", "left", "kicked". Not set: "member" for members, else "left".
    member_status: dict[tuple[int, int], str] = field(default_factory=dict)
    invite_links: list[dict[str, Any]] = field(default_factory=list)
    answered: dict[str, dict[str, Any]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    # people whose privacy settings take no voice messages: sendVoice answers 400
    no_voice: set[int] = field(default_factory=set)
    webhook: dict[str, Any] | None = None
    webhook_responses: list[int] = field(default_factory=list)
    rate_limited: int = 0  # 429s answered
    # Messages members wrote in groups (by chat and message id), so that a test can edit them.
    group_messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file id -> path, bytes
    uploads: list[Upload] = field(default_factory=list)
    photo_limit: int = 10 * 1024 * 1024  # uploaded photos bigger than this are refused

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1001)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._query_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._fail_429: list[tuple[str | None, float]] = []
        # A share of counted calls answered 429 at random (a benchmark's bad day), and the
        # retry_after they carry.
        self.fail_share = 0.0
        self.fail_retry_after = 1.0
        self._random = random.Random(429)
        self._overall: deque[float] = deque()
        self._groups: dict[int, deque[float]] = defaultdict(deque)
        self._allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._callback_messages: dict[str, tuple[int, int]] = {}
        self.confirmed_offset = 0
        self.hold_confirmations = False  # a crash before the next getUpdates reached Telegram
        # As Telegram: a newer getUpdates ends a waiting older one with 409 Conflict (two
        # pollers of one bot); counted, so that a test can show only one process polls.
        self._poll_generation = 0
        self.poll_conflicts = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self.port = 0

    # -- server ---------------------------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._error(Call(method, {}, time.monotonic()), ApiError(401, "Unauthorized"))
        params = self._parse(await request.post()) if request.can_read_body else {}
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            self._check_failures(call)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            return self._error(call, exc)
        return web.json_response({"ok": True, "result": result})

    def _error(self, call: Call, exc: ApiError) -> web.Response:
        call.status = exc.code
        body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.json_response(body, status=exc.code)

    @staticmethod
    def _parse(form: Any) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str):  # an uploaded file
                data = value.file.read() if hasattr(value, "file") else b""
                params[key] = {"upload": getattr(value, "filename", "file"), "bytes": data}
            elif key in _RAW_STRING_FIELDS:
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
        return params

    def _check_failures(self, call: Call) -> None:
        for index, (method, retry_after) in enumerate(self._fail_429):
            if method is None and counted(call.method) or method == call.method:
                del self._fail_429[index]
                self.rate_limited += 1
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {math.ceil(retry_after)}",
                    {"retry_after": retry_after},
                )
        if counted(call.method) and self.fail_share and self._random.random() < self.fail_share:
            self.rate_limited += 1
            raise ApiError(
                429,
                f"Too Many Requests: retry after {math.ceil(self.fail_retry_after)}",
                {"retry_after": self.fail_retry_after},
            )
        if counted(call.method):
            chat = call.params.get("chat_id")
            if isinstance(chat, int) and chat in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if self.limits is not None:
                self._enforce_limits(call.at, chat if isinstance(chat, int) else 0)

    def _enforce_limits(self, now: float, chat_id: int) -> None:
        limits = self.limits
        assert limits is not None
        window = self._overall
        while window and window[0] <= now - limits.overall_period:
            window.popleft()
        wait = 0.0
        if len(window) >= limits.overall:
            wait = window[0] + limits.overall_period - now
        group = self._groups[chat_id] if chat_id < 0 else None
        if group is not None:
            while group and group[0] <= now - limits.group_period:
                group.popleft()
            if len(group) >= limits.group:
                wait = max(wait, group[0] + limits.group_period - now)
        if wait > 0:
            self.rate_limited += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        window.append(now)
        if group is not None:
            group.append(now)

    # -- what a test controls -------------------------------------------------------------------
    def fail_with_429(self, count: int = 1, retry_after: float = 1, method: str | None = None):
        """The next `count` counted calls (or calls of `method`) get 429 with retry_after."""
        self._fail_429.extend([(method, retry_after)] * count)

    def block(self, chat_id: int) -> None:
        """The user of this private chat blocked the bot: sends answer 403."""
        self.blocked.add(chat_id)

    # -- feeding updates ------------------------------------------------------------------------
    def user(self, user_id: int, language: str | None = "nl", name: str | None = None):
        data: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": name or f"User{user_id}",
        }
        if language:
            data["language_code"] = language
        return data

    @staticmethod
    def chat(chat_id: int, title: str | None = None) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": title or f"Group {chat_id}"}

    def feed(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: payload}
        self._updates.append(update)
        self._new_update.set()
        if self.webhook is not None:
            self._push_later(update)
        return update_id

    def _user_message(self, user: int, chat: int | None, language: str | None) -> dict[str, Any]:
        chat_id = user if chat is None else chat
        return {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(user, language),
        }

    def message(
        self, user: int, text: str, chat: int | None = None, language: str | None = "nl"
    ) -> int:
        message = self._user_message(user, chat, language)
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.feed("message", message)

    def photo(self, user: int, file_id: str, caption: str | None = None) -> int:
        message = self._user_message(user, None, "nl")
        message["photo"] = [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90},
            {
                "file_id": file_id,
                "file_unique_id": "b",
                "width": 1280,
                "height": 960,
                "file_size": 123456,
            },
        ]
        if caption:
            message["caption"] = caption
        return self.feed("message", message)

    def voice(self, user: int, file_id: str, duration: int = 7) -> int:
        message = self._user_message(user, None, "nl")
        message["voice"] = {
            "file_id": file_id,
            "file_unique_id": "v",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 23456,
        }
        return self.feed("message", message)

    def document(self, user: int, file_id: str, file_name: str = "brief.pdf") -> int:
        message = self._user_message(user, None, "nl")
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": "d",
            "file_name": file_name,
            "mime_type": "application/pdf",
            "file_size": 34567,
        }
        return self.feed("message", message)

    def press(self, user: int, message_id: int, data: str, chat: int | None = None) -> int:
        """A tap on a button of a message the bot sent (the message as it is now)."""
        chat_id = user if chat is None else chat
        sent = self.messages[(chat_id, message_id)]
        query_id = str(next(self._query_ids))
        self._callback_messages[query_id] = (chat_id, message_id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "Ouderkring"},
            "text": sent.text or "",
        }
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return self.feed(
            "callback_query",
            {
                "id": query_id,
                "from": self.user(user),
                "chat_instance": f"ci-{chat_id}",
                "message": message,
                "data": data,
            },
        )

    def callback_chat(self, query_id: str) -> int:
        """The chat of the message whose button made the tap `query_id`."""
        return self._callback_messages[query_id][0]

    def press_label(self, user: int, label: str, chat: int | None = None) -> int:
        """Press the button with this label on the newest message to the chat that has it (the
        label with its pictogram, or its words alone, as a parent finds it)."""
        chat_id = user if chat is None else chat
        for sent in sorted(self.messages.values(), key=lambda m: -m.message_id):
            if sent.chat_id != chat_id:
                continue
            for button in sent.buttons():
                if label in (button["text"], without(button["text"])):
                    return self.press(user, sent.message_id, button["callback_data"], chat)
        labels = [
            b["text"] for m in self.messages.values() if m.chat_id == chat_id for b in m.buttons()
        ]
        raise AssertionError(f"no button {label!r} in chat {chat_id}; buttons: {labels}")

    def join_request(self, chat: int, user: int, language: str | None = "nl") -> int:
        self.join_requests.add((chat, user))
        return self.feed(
            "chat_join_request",
            {
                "chat": self.chat(chat),
                "from": self.user(user, language),
                "user_chat_id": user,
                "date": int(time.time()),
            },
        )

    def member_update(self, chat: int, user: int, old: str, new: str) -> int:
        """A chat_member update (Telegram sends these only to admins that asked for them)."""

        def member(status: str) -> dict[str, Any]:
            data: dict[str, Any] = {"status": status, "user": self.user(user)}
            if status == "kicked":
                data["until_date"] = 0
            if status == "administrator":
                data.update(ADMIN_RIGHTS)
            return data

        return self.feed(
            "chat_member",
            {
                "chat": self.chat(chat),
                "from": self.user(user),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    # -- a group conversation (relaying): a named member writes, edits, sends a photo ------------
    def group_message(
        self,
        chat: int,
        user: int,
        text: str,
        name: str,
        photo: str | None = None,
        reply_to: int | None = None,
    ) -> tuple[int, int]:
        """A message of a member with a display name in a group; returns (update id, message
        id). With `photo` (a file id) it is a photo and `text` its caption; with `reply_to` it
        answers that earlier message of the group."""
        message = self._user_message(user, chat, "nl")
        if reply_to is not None:
            replied = self.group_messages.get((chat, reply_to), {})
            message["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": self.chat(chat),
                # Telegram sends the answered message along: its author and text.
                **{key: replied[key] for key in ("from", "text", "caption") if key in replied},
            }
        message["from"] = {**self.user(user, "nl"), "first_name": name.split()[0]}
        if len(name.split()) > 1:
            message["from"]["last_name"] = " ".join(name.split()[1:])
        if photo is not None:
            message["photo"] = [
                {"file_id": photo, "file_unique_id": f"u-{photo}", "width": 800, "height": 600}
            ]
            if text:
                message["caption"] = text
        else:
            message["text"] = text
        self.group_messages[(chat, int(message["message_id"]))] = message
        return self.feed("message", message), int(message["message_id"])

    def edit_group_message(self, chat: int, message_id: int, text: str) -> int:
        """The member changes the text of their earlier group message (`edited_message`)."""
        message = {**self.group_messages[(chat, message_id)], "text": text}
        message["edit_date"] = int(time.time())
        self.group_messages[(chat, message_id)] = message
        return self.feed("edited_message", message)

    # -- what a test reads ----------------------------------------------------------------------
    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return sorted(
            (m for m in self.messages.values() if m.chat_id == chat_id),
            key=lambda m: m.message_id,
        )

    def sent_texts(self, chat_id: int) -> list[str]:
        return [m.text or m.caption or "" for m in self.sent_to(chat_id)]

    def last(self, chat_id: int) -> SentMessage:
        sent = self.sent_to(chat_id)
        assert sent, f"nothing sent to {chat_id}"
        return sent[-1]

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def wait_confirmed(self, timeout: float = 5.0) -> None:
        """Until every fed update was fetched and confirmed by a later getUpdates."""
        await self.wait_until(lambda: not self._updates, timeout, "all updates confirmed")

    # -- the Bot API ----------------------------------------------------------------------------
    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Ouderkring",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._bot_user()

    def _api_logOut(self, p: dict[str, Any]) -> bool:
        return True

    def _api_close(self, p: dict[str, Any]) -> bool:
        return True

    def _confirm(self, offset: int) -> None:
        if self.hold_confirmations:
            return
        self.confirmed_offset = max(self.confirmed_offset, offset)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]

    async def _api_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        if "allowed_updates" in p and p["allowed_updates"] is not None:
            self._allowed = frozenset(p["allowed_updates"]) or DEFAULT_UPDATE_TYPES
        offset = p.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._confirm(offset)
        limit = int(p.get("limit", 100))
        deadline = time.monotonic() + float(p.get("timeout", 0))
        self._poll_generation += 1
        mine = self._poll_generation
        self._new_update.set()  # an older poll still waiting wakes up and learns it lost
        while True:
            if self._poll_generation != mine:
                self.poll_conflicts += 1
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            ready = [
                u
                for u in self._updates
                if (not isinstance(offset, int) or u["update_id"] >= offset)
                and next(k for k in u if k != "update_id") in self._allowed
            ]
            # Telegram drops updates of a type the bot did not ask for.
            self._updates = [
                u for u in self._updates if next(k for k in u if k != "update_id") in self._allowed
            ]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or self._closing:
                return ready[:limit]
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)

    def _api_setWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = {
            "url": p["url"],
            "secret_token": p.get("secret_token"),
            "allowed_updates": p.get("allowed_updates"),
        }
        if p.get("drop_pending_updates"):
            self._updates.clear()
        for update in list(self._updates):
            self._push_later(update)
        return True

    def _api_deleteWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _push_later(self, update: dict[str, Any]) -> None:
        asyncio.get_running_loop().create_task(self._push(update))

    async def _push(self, update: dict[str, Any]) -> None:
        """Deliver an update to the webhook; like Telegram, keep it until a 2xx answer."""
        hook = self.webhook
        if hook is None:
            return
        if self._client is None:
            self._client = ClientSession()
        headers = {}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        async with self._client.post(hook["url"], json=update, headers=headers) as response:
            self.webhook_responses.append(response.status)
            if 200 <= response.status < 300:
                self._updates = [u for u in self._updates if u is not update]

    # messages
    def _chat_id(self, p: dict[str, Any]) -> int:
        chat = p.get("chat_id")
        if not isinstance(chat, int):
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _store(self, method: str, p: dict[str, Any], **fields: Any) -> dict[str, Any]:
        chat_id = self._chat_id(p)
        message_id = next(self._message_ids[chat_id])
        markup = p.get("reply_markup")
        sent = SentMessage(chat_id, message_id, method, reply_markup=markup or None, **fields)
        self.messages[(chat_id, message_id)] = sent
        return self._message_json(sent)

    def _message_json(self, sent: SentMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": self.chat(sent.chat_id),
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "Ouderkring"},
        }
        if sent.text is not None:
            data["text"] = sent.text
        if sent.caption is not None:
            data["caption"] = sent.caption
        if sent.reply_markup:
            data["reply_markup"] = sent.reply_markup
        if sent.media:
            data.update(sent.media)
        return data

    def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        text = p.get("text", "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._store("sendMessage", p, text=text)

    def _media(self, method: str, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        ref = p.get(kind)
        if isinstance(ref, str) and ref.startswith("attach://"):
            ref = p.get(ref.removeprefix("attach://"))
        if isinstance(ref, dict):  # uploaded: keep the bytes under a new file id
            data, name = ref.get("bytes", b""), str(ref.get("upload") or kind)
            if kind == "photo" and len(data) > self.photo_limit:
                raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
            ref = f"uploaded-{len(self.uploads) + 1}"
            self.put_file(ref, data, f"uploads/{ref}-{name}")
            self.uploads.append(Upload(method, self._chat_id(p), name, data, ref))
        info = {"file_id": str(ref), "file_unique_id": f"u-{ref}"}
        media: dict[str, Any]
        if kind == "photo":
            media = {"photo": [{**info, "width": 1280, "height": 960}]}
        elif kind == "voice":
            media = {"voice": {**info, "duration": int(p.get("duration") or 1)}}
        elif kind in ("video", "audio"):
            media = {kind: {**info, "duration": 1, "width": 1, "height": 1}}
        else:
            media = {kind: info}
        return self._store(method, p, caption=p.get("caption"), media=media)

    def _api_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._media("sendPhoto", "photo", p)

    def _api_sendVoice(self, p: dict[str, Any]) -> dict[str, Any]:
        if self._chat_id(p) in self.no_voice:
            raise ApiError(400, "Bad Request: VOICE_MESSAGES_FORBIDDEN")
        return self._media("sendVoice", "voice", p)

    def _api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._media("sendDocument", "document", p)

    def _api_sendVideo(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._media("sendVideo", "video", p)

    def _api_sendAudio(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._media("sendAudio", "audio", p)

    def _find(self, p: dict[str, Any], what: str) -> SentMessage:
        key = (self._chat_id(p), int(p.get("message_id", 0)))
        sent = self.messages.get(key)
        if sent is None or sent.deleted:
            raise ApiError(400, f"Bad Request: message to {what} not found")
        return sent

    def _api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._find(p, "edit")
        markup = p.get("reply_markup") or None
        if sent.text == p.get("text") and sent.reply_markup == markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        sent.text, sent.reply_markup = p.get("text"), markup
        sent.edits += 1
        return self._message_json(sent)

    def _api_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        sent = self._find(p, "edit")
        markup = p.get("reply_markup") or None
        if sent.reply_markup == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.reply_markup = markup
        sent.edits += 1
        return self._message_json(sent)

    def _api_deleteMessage(self, p: dict[str, Any]) -> bool:
        self._find(p, "delete").deleted = True
        return True

    def _api_pinChatMessage(self, p: dict[str, Any]) -> bool:
        self._find(p, "pin").pinned = True
        return True

    def _api_unpinChatMessage(self, p: dict[str, Any]) -> bool:
        self._find(p, "unpin").pinned = False
        return True

    def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        query_id = p.get("callback_query_id", "")
        if query_id not in self._callback_messages:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        if query_id in self.answered:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.answered[query_id] = p
        return True

    # commands
    def _api_setMyCommands(self, p: dict[str, Any]) -> bool:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, p.get("language_code", ""))] = list(p["commands"])
        return True

    def _api_deleteMyCommands(self, p: dict[str, Any]) -> bool:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands.pop((scope, p.get("language_code", "")), None)
        return True

    def _api_getMyCommands(self, p: dict[str, Any]) -> list[dict[str, str]]:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get((scope, p.get("language_code", "")), [])

    def menu(self, scope: dict[str, Any] | None = None, language: str = "") -> list[str]:
        """The command names set for a scope and language."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language)
        return [c["command"] for c in self.commands.get(key, [])]

    # groups
    def _api_getChat(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_id(p)
        return {**self.chat(chat), "accent_color_id": 0, "max_reaction_count": 11}

    def _api_getChatMember(self, p: dict[str, Any]) -> dict[str, Any]:
        chat, user = self._chat_id(p), int(p["user_id"])
        if user == self.bot_id:
            return {"status": "administrator", "user": self._bot_user(), **ADMIN_RIGHTS}
        status = self.member_status.get((chat, user))
        if status is None:
            status = "member" if user in self.members[chat] else "left"
        data: dict[str, Any] = {"status": status, "user": self.user(user)}
        if status == "creator":
            data["is_anonymous"] = False
        elif status == "administrator":
            data.update(ADMIN_RIGHTS)
        elif status == "kicked":
            data["until_date"] = 0
        elif status == "restricted":
            data.update({"is_member": True, "until_date": 0, **RESTRICTED_RIGHTS})
        return data

    def _api_createChatInviteLink(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_id(p)
        link = {
            "invite_link": f"https://t.me/+fake{chat}x{len(self.invite_links) + 1}",
            "creator": self._bot_user(),
            "creates_join_request": bool(p.get("creates_join_request", False)),
            "is_primary": False,
            "is_revoked": False,
        }
        if p.get("name"):
            link["name"] = p["name"]
        self.invite_links.append({**link, "chat_id": chat})
        return link

    def _api_approveChatJoinRequest(self, p: dict[str, Any]) -> bool:
        chat, user = self._chat_id(p), int(p["user_id"])
        if (chat, user) not in self.join_requests:
            raise ApiError(400, "Bad Request: HIDE_REQUESTER_MISSING")
        self.join_requests.discard((chat, user))
        self.members[chat].add(user)
        return True

    def _api_declineChatJoinRequest(self, p: dict[str, Any]) -> bool:
        chat, user = self._chat_id(p), int(p["user_id"])
        if (chat, user) not in self.join_requests:
            raise ApiError(400, "Bad Request: HIDE_REQUESTER_MISSING")
        self.join_requests.discard((chat, user))
        return True

    def _api_banChatMember(self, p: dict[str, Any]) -> bool:
        self.members[self._chat_id(p)].discard(int(p["user_id"]))
        return True

    def _api_unbanChatMember(self, p: dict[str, Any]) -> bool:
        self._chat_id(p)
        return True

    # -- files --------------------------------------------------------------------------------
    def put_file(self, file_id: str, data: bytes, path: str | None = None) -> None:
        """Bytes that `getFile` and the file URL hand out for `file_id`."""
        self.files[file_id] = (path or f"photos/{file_id}.jpg", data)

    def _api_getFile(self, p: dict[str, Any]) -> dict[str, Any]:
        file_id = str(p.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(data),
            "file_path": path,
        }

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        self.calls.append(Call("file", {"path": path}, time.monotonic()))
        for stored, data in self.files.values():
            if stored == path:
                return web.Response(body=data)
        return web.json_response({"ok": False, "error_code": 404}, status=404)
