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
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import aiohttp
import nio
from nio.api import RelationshipType

from bot.engine.media import MediaSources, UploadCache, is_foreign
from bot.engine.port import Delivery, MediaUnavailable, SendError
from bot.kit.dispatch import dispatch
from bot.kit.media import sources, text_without_file
from bot.matrix import CAPABILITIES, PLATFORM
from bot.matrix.errors import error_from, ok, txn_id
from bot.matrix.media import MatrixMediaSource
from bot.matrix.render import (
    edit_content,
    keycap,
    media_content,
    message_content,
    without_options,
)
from bot.matrix.rooms import MatrixRooms
from bot.matrix.state import State
from community.actions import (
    AdmitMember,
    Button,
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


class MatrixTransport(MatrixRooms):
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
        self.media_sources = sources(PLATFORM, self.media_source, media_sources)
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
        methods = {
            SendMessage: self._send_message,
            CreateRoom: self._create_room,
            InviteMember | AdmitMember | RemoveMember: self._member,
            EditMessage: self._edit,
            ClearButtons: self._clear,
            DeleteMessage: self._delete,
            PinMessage: self._pin,
        }
        return await dispatch(delivery, methods, "Matrix", self.capabilities)

    async def _send_message(self, delivery: Delivery) -> str | None:
        action = delivery.action
        assert isinstance(action, SendMessage)
        room_id = await self.room_for(delivery.chat_id)
        if self._alone_in_direct_chat(room_id):
            raise SendError("the person left the direct chat", unreachable=True)
        if action.media is not None:
            return await self._send_media(delivery, room_id, action)
        return await self._send_text(delivery, room_id, action.text, action.buttons)

    async def _send_text(
        self, delivery: Delivery, room_id: str, text: str, buttons: Sequence[Button]
    ) -> str:
        content = message_content(text, buttons)
        event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "send")
        await self._react_options(room_id, event_id, len(buttons), delivery.outbox_id)
        return event_id

    async def _edit(self, delivery: Delivery) -> str | None:
        action, target = delivery.action, str(delivery.target_remote_id)
        assert isinstance(action, EditMessage)
        room_id = await self.room_for(delivery.chat_id)
        content = edit_content(target, message_content(action.text, action.buttons))
        event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "edit")
        await self._react_options(room_id, target, len(action.buttons), delivery.outbox_id)
        return event_id

    async def _clear(self, delivery: Delivery) -> str | None:
        room_id, target = await self.room_for(delivery.chat_id), str(delivery.target_remote_id)
        original = ok(await self.client.room_get_event(room_id, target), "clear")
        bare = without_options(_latest_content(original.event.source))
        if bare is None:
            return None
        content = edit_content(target, bare)
        event_id = await self._send(room_id, content, txn_id(delivery.outbox_id), "clear")
        await self._unreact(room_id, target, delivery.outbox_id)
        return event_id

    async def _delete(self, delivery: Delivery) -> str | None:
        room_id, target = await self.room_for(delivery.chat_id), str(delivery.target_remote_id)
        response = await self.client.room_redact(room_id, target, tx_id=txn_id(delivery.outbox_id))
        return str(ok(response, "redact").event_id)

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
        return str(ok(response, what).event_id)

    async def _react_options(self, room_id: str, event_id: str, count: int, outbox_id: int) -> None:
        """One keycap reaction of the bot's own per option (at most 10: 1️⃣ .. 🔟)."""
        if not self.react_options:
            return
        for number in range(1, min(count, self.capabilities.max_buttons or count) + 1):
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
            ok(await self.client.room_redact(room_id, reaction_id, tx_id=txn), "unreact")

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
        assert action.media is not None
        text = text_without_file(action.media, action.text, reason)
        return await self._send_text(delivery, room_id, text, action.buttons)

    async def _pin(self, delivery: Delivery) -> None:
        room_id, event_id = await self.room_for(delivery.chat_id), str(delivery.target_remote_id)
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
        ok(response, "pin")


def _latest_content(event: dict[str, Any]) -> dict[str, Any]:
    """The content of a message as last edited, where the server bundles the edit."""
    unsigned = event.get("unsigned") or {}
    replace = (unsigned.get("m.relations") or {}).get("m.replace") or {}
    new = (replace.get("content") or {}).get("m.new_content")
    if isinstance(new, dict):
        return new
    content = event.get("content")
    return content if isinstance(content, dict) else {}
