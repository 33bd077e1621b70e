"""`MatrixTransport.perform`: one outbox row -> one client-server API call (or a few).

Idempotency: every event the bot sends uses the outbox row id as its Matrix transaction id
(`txn_id`), so a resend after a crash returns the event sent the first time instead of posting
twice. Transaction ids are scoped to the access token's device: the client must be restored
from the stored token and device id (`bot.matrix.client`), never logged in anew. Rooms are
created with an alias derived from the action's key, so a repeated `CreateRoom` finds the room
made the first time.

Errors become `SendError`: `M_LIMIT_EXCEEDED` with its `retry_after_ms`, refusals as permanent,
a user who cannot be reached as unreachable, everything else as worth another try. nio is
configured (`bot.matrix.client`) not to retry on its own, so the outbox sees every failure.

Media from another platform (or a `data:` or web URL) is fetched there and uploaded to the
homeserver once per process (`UploadCache`); media that is gone or too big: the text goes
without it (see `bot.engine.media`).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import re
from dataclasses import replace
from typing import Any

import aiohttp
import nio
from nio.api import RelationshipType

from bot.engine.media import MediaSources, UploadCache, is_foreign
from bot.engine.port import Delivery, MediaUnavailable, SendError
from bot.matrix import CAPABILITIES, PLATFORM
from bot.matrix.media import MatrixMediaSource
from bot.matrix.render import (
    edit_content,
    keycap,
    media_content,
    message_content,
    without_options,
)
from bot.matrix.state import State, dm_key
from community.actions import (
    AdmitMember,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    InviteMember,
    Media,
    PinMessage,
    RemoveMember,
    SendMessage,
)

log = logging.getLogger(__name__)

_PERMANENT = {
    "M_FORBIDDEN",
    "M_NOT_FOUND",
    "M_BAD_JSON",
    "M_NOT_JSON",
    "M_INVALID_PARAM",
    "M_TOO_LARGE",
    "M_BAD_STATE",
    "M_UNSUPPORTED_ROOM_VERSION",
}
_ALIAS_UNSAFE = re.compile(r"[^a-z0-9._=-]+")


def txn_id(outbox_id: int, part: str = "") -> str:
    """The transaction id of an outbox row (and of a further event the same row makes)."""
    return f"ouderkring-{outbox_id}{part}"


def error_from(response: nio.ErrorResponse, what: str) -> SendError:
    code = response.status_code or ""
    reason = f"{what}: {code or 'error'} {response.message or ''}".strip()
    if code == "M_LIMIT_EXCEEDED" or code == "429":
        retry = (response.retry_after_ms or 5000) / 1000
        return SendError(reason, retry_after=retry)
    if code in _PERMANENT:
        return SendError(reason, permanent=True)
    if code == "M_UNKNOWN_TOKEN":
        log.error("the Matrix access token was refused; set OUDERKRING_MATRIX_ACCESS_TOKEN")
    return SendError(reason)


def _http_status(response: nio.Response) -> int | None:
    transport = getattr(response, "transport_response", None)
    return getattr(transport, "status", None)


def _ok(response: Any, what: str) -> Any:
    if isinstance(response, nio.ErrorResponse):
        raise error_from(response, what)
    return response


class MatrixTransport:
    """The engine's port for Matrix. `client` is a logged-in (restored) nio AsyncClient."""

    platform = PLATFORM
    capabilities = CAPABILITIES

    def __init__(
        self,
        client: nio.AsyncClient,
        state: State,
        react_options: bool = True,
        media_sources: MediaSources | None = None,
    ) -> None:
        self.client = client
        self.state = state
        self.media_source = MatrixMediaSource(client)
        # every platform's source in this process; the composition root shares one
        self.media_sources = media_sources or MediaSources({PLATFORM: self.media_source})
        # foreign file -> (the uploaded copy as Matrix media, its file name)
        self.uploads: UploadCache[tuple[Media, str]] = UploadCache()
        # The bot reacts to its own question with 1️⃣ 2️⃣ ..., so that a parent answers with one
        # tap on a reaction instead of searching the emoji.
        self.react_options = react_options
        self.server_name = client.user_id.split(":", 1)[1]
        self._dm_lock = asyncio.Lock()

    async def perform(self, delivery: Delivery) -> str | None:
        try:
            return await self._perform(delivery)
        except SendError:
            raise
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise SendError(f"homeserver not reachable: {type(exc).__name__}") from exc

    async def _perform(self, delivery: Delivery) -> str | None:
        action = delivery.action
        if isinstance(action, SendMessage):
            room_id = await self.room_for(delivery.chat_id)
            if self._alone_in_direct_chat(room_id):
                raise SendError("the person left the direct chat", unreachable=True)
            if action.media is not None:
                return await self._send_media(delivery, room_id, action)
            content = message_content(action.text, action.buttons)
            event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "send")
            await self._react_options(room_id, event_id, len(action.buttons), delivery.outbox_id)
            return event_id
        if isinstance(action, CreateRoom):
            return await self._create_room(delivery, action)
        if isinstance(action, InviteMember | AdmitMember | RemoveMember):
            await self._member(delivery.chat_id, action)
            return None

        room_id = await self.room_for(delivery.chat_id)
        target = delivery.target_remote_id
        if not target:
            raise SendError(f"{action.kind}: the earlier message has no Matrix id", permanent=True)
        if isinstance(action, EditMessage):
            new = message_content(action.text, action.buttons)
            content = edit_content(target, new)
            event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "edit")
            await self._react_options(room_id, target, len(action.buttons), delivery.outbox_id)
            return event_id
        if isinstance(action, ClearButtons):
            original = _ok(await self.client.room_get_event(room_id, target), "clear")
            bare = without_options(_latest_content(original.event.source))
            if bare is None:
                return None
            content = edit_content(target, bare)
            event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "clear")
            await self._unreact(room_id, target, delivery.outbox_id)
            return event_id
        if isinstance(action, DeleteMessage):
            response = await self.client.room_redact(
                room_id, target, tx_id=txn_id(delivery.outbox_id)
            )
            return str(_ok(response, "redact").event_id)
        if isinstance(action, PinMessage):
            await self._pin(room_id, target)
            return None
        raise SendError(f"action {action.kind!r} is not supported on Matrix", permanent=True)

    def _alone_in_direct_chat(self, room_id: str) -> bool:
        """A direct chat (as the sync last saw it) that the other person left or declined."""
        room = self.client.rooms.get(room_id)
        if room is None or room.name or room.canonical_alias:
            return False
        if getattr(room, "room_type", None) == "m.space":
            return False
        return (room.joined_count or 0) <= 1 and not room.invited_count

    # -- messages --------------------------------------------------------------

    async def _send(self, room_id: str, content: dict[str, Any], txn: str, what: str) -> str:
        response = await self.client.room_send(room_id, "m.room.message", content, tx_id=txn)
        return str(_ok(response, what).event_id)

    async def _react_options(self, room_id: str, event_id: str, count: int, outbox_id: int) -> None:
        """One keycap reaction of the bot's own per option (at most 10: 1️⃣ .. 🔟)."""
        if not self.react_options:
            return
        for number in range(1, min(count, 10) + 1):
            content = {
                "m.relates_to": {
                    "rel_type": "m.annotation",
                    "event_id": event_id,
                    "key": keycap(number),
                }
            }
            txn = txn_id(outbox_id, f"-r{number}")
            response = await self.client.room_send(room_id, "m.reaction", content, tx_id=txn)
            if isinstance(response, nio.ErrorResponse) and response.status_code != (
                "M_DUPLICATE_ANNOTATION"
            ):
                raise error_from(response, "react")

    async def _unreact(self, room_id: str, event_id: str, outbox_id: int) -> None:
        """Take the bot's own option reactions off a question that cannot be answered now."""
        if not self.react_options:
            return
        mine: list[str] = []
        try:
            async for related in self.client.room_get_event_relations(
                room_id, event_id, RelationshipType.annotation, "m.reaction"
            ):
                if related.sender == self.client.user_id:
                    mine.append(related.event_id)
        except AttributeError:  # nio reads `next_batch` off an error answer
            raise SendError("could not list the reactions of the question") from None
        for reaction_id in mine:
            digest = hashlib.sha256(reaction_id.encode()).hexdigest()[:16]
            txn = txn_id(outbox_id, f"-x{digest}")
            _ok(await self.client.room_redact(room_id, reaction_id, tx_id=txn), "unreact")

    async def _send_media(self, delivery: Delivery, room_id: str, action: SendMessage) -> str:
        media = action.media
        assert media is not None
        filename: str | None = None
        # another platform's file, a data: URL or a web URL: fetch it and upload it here
        if is_foreign(media, PLATFORM) or not media.ref.startswith("mxc://"):
            try:
                media, filename = await self._uploaded(media)
            except MediaUnavailable as exc:
                return await self._send_without_file(delivery, room_id, action, str(exc))
        content = media_content(media, action.text, filename)
        event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "media")
        if action.text and not media.caption and action.buttons:
            # the options go in a text message after the media, from the same outbox row
            content = message_content(action.text, action.buttons)
            event_id = await self._send(
                room_id, content, txn_id(delivery.outbox_id, "-text"), "send"
            )
        return event_id

    async def _uploaded(self, media: Media) -> tuple[Media, str]:
        """Foreign media as a file on the homeserver: uploaded now, or earlier by this process."""

        async def upload() -> tuple[Media, str]:
            fetched = await self.media_sources.fetch(media)
            response, _ = await self.client.upload(
                io.BytesIO(fetched.data),
                content_type=fetched.mime_type,
                filename=fetched.filename,
                filesize=len(fetched.data),
            )
            if isinstance(response, nio.ErrorResponse):
                if response.status_code == "M_TOO_LARGE":
                    raise MediaUnavailable("over the homeserver's upload limit")
                raise error_from(response, "upload")
            own = replace(
                media,
                ref=str(response.content_uri),
                mime_type=fetched.mime_type,
                size=len(fetched.data),
                origin=PLATFORM,
            )
            return own, fetched.filename

        return await self.uploads.once(media, upload)

    async def _send_without_file(
        self, delivery: Delivery, room_id: str, action: SendMessage, reason: str
    ) -> str:
        media = action.media
        assert media is not None
        text = action.text or media.caption or ""
        if not text:
            raise SendError(f"{media.kind} not available: {reason}", permanent=True)
        log.warning("sending the text without its %s: %s", media.kind, reason)
        content = message_content(text, action.buttons)
        event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "send")
        await self._react_options(room_id, event_id, len(action.buttons), delivery.outbox_id)
        return event_id

    async def _pin(self, room_id: str, event_id: str) -> None:
        current = await self.client.room_get_state_event(room_id, "m.room.pinned_events")
        pinned: list[str] = []
        if isinstance(current, nio.RoomGetStateEventResponse):
            pinned = [str(p) for p in current.content.get("pinned", [])]
        elif current.status_code != "M_NOT_FOUND":
            raise error_from(current, "pin")
        if event_id in pinned:
            return
        response = await self.client.room_put_state(
            room_id, "m.room.pinned_events", {"pinned": [*pinned, event_id]}
        )
        _ok(response, "pin")

    # -- rooms and members ----------------------------------------------------

    async def room_for(self, chat_id: str) -> str:
        """A room id as is; a user id -> the direct room with that user (opened if needed)."""
        if not chat_id.startswith("@"):
            return chat_id
        async with self._dm_lock:
            known = await self.state.get(dm_key(chat_id))
            if known:
                return known
            profile = await self.client.get_profile(chat_id)
            if isinstance(profile, nio.ErrorResponse) and _http_status(profile) == 404:
                raise SendError(f"no Matrix user {chat_id}", unreachable=True)
            response = await self.client.room_create(
                is_direct=True,
                preset=nio.RoomPreset.trusted_private_chat,
                invite=[chat_id],
            )
            if isinstance(response, nio.ErrorResponse):
                error = error_from(response, "open direct room")
                if response.status_code in ("M_NOT_FOUND", "M_INVALID_PARAM", "M_FORBIDDEN"):
                    raise SendError(str(error), unreachable=True)
                raise error
            await self.state.set(dm_key(chat_id), response.room_id)
            return str(response.room_id)

    async def _member(
        self, room_id: str, action: InviteMember | AdmitMember | RemoveMember
    ) -> None:
        admit = isinstance(action, AdmitMember) and action.approve
        if isinstance(action, InviteMember) or admit:
            response = await self.client.room_invite(room_id, action.user_id)
            if isinstance(response, nio.ErrorResponse):
                if "already in the room" in (response.message or ""):
                    return None
                if response.status_code == "M_NOT_FOUND":
                    raise SendError(str(error_from(response, "invite")), unreachable=True)
                raise error_from(response, "invite")
            return None
        response = await self.client.room_kick(room_id, action.user_id)
        if (
            isinstance(response, nio.ErrorResponse)
            and response.status_code == "M_FORBIDDEN"
            and "not in the room" in (response.message or "").lower()
        ):
            return None  # not (or no longer) in the room: what we wanted
        _ok(response, "remove")
        return None

    def alias_localpart(self, key: str) -> str:
        local = self.client.user_id.split(":", 1)[0].lstrip("@").lower()
        return _ALIAS_UNSAFE.sub("_", f"ouderkring_{local}_{key.lower()}")[:200]

    async def _create_room(self, delivery: Delivery, action: CreateRoom) -> str:
        alias = self.alias_localpart(action.key)
        parent = delivery.chat_id or None
        initial_state: list[dict[str, Any]] = [
            {"type": "m.room.history_visibility", "content": {"history_visibility": "shared"}},
            {"type": "m.room.guest_access", "content": {"guest_access": "forbidden"}},
            # anyone may ask to join (a knock); the engine admits who belongs, others are told
            # in private how to start
            {"type": "m.room.join_rules", "content": {"join_rule": "knock"}},
        ]
        if parent:
            initial_state.append(
                {
                    "type": "m.space.parent",
                    "state_key": parent,
                    "content": {"via": [self.server_name], "canonical": True},
                }
            )
        response = await self.client.room_create(
            alias=alias,
            name=action.name,
            topic=action.topic or None,
            preset=nio.RoomPreset.private_chat,
            space=action.space,
            initial_state=initial_state,
            # parents talk; only the bot (and whom it promotes) invites, pins and removes
            power_level_override={"invite": 50, "events_default": 0},
        )
        if isinstance(response, nio.ErrorResponse):
            if response.status_code != "M_ROOM_IN_USE":
                raise error_from(response, "create room")
            # made before a crash: the alias finds it
            resolved = await self.client.room_resolve_alias(f"#{alias}:{self.server_name}")
            room_id = str(_ok(resolved, "create room").room_id)
        else:
            room_id = str(response.room_id)
        if parent:
            child = await self.client.room_put_state(
                parent, "m.space.child", {"via": [self.server_name]}, state_key=room_id
            )
            _ok(child, "add room to space")
        return room_id


def _latest_content(event: dict[str, Any]) -> dict[str, Any]:
    """The content of a message as last edited, where the server bundles the edit."""
    unsigned = event.get("unsigned") or {}
    replace = (unsigned.get("m.relations") or {}).get("m.replace") or {}
    new = (replace.get("content") or {}).get("m.new_content")
    if isinstance(new, dict):
        return new
    content = event.get("content")
    return content if isinstance(content, dict) else {}
