"""The rooms side of the Matrix transport: direct rooms opened on demand (kept in the platform's
state), invitations, removals and the rooms the bot creates (idempotent by their alias)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import nio

from bot.engine.port import Delivery, SendError
from bot.matrix.errors import error_from, http_status, ok
from bot.matrix.state import State, dm_key
from community.actions import AdmitMember, CreateRoom, InviteMember, RemoveMember

_ALIAS_UNSAFE = re.compile(r"[^a-z0-9._=-]+")


class MatrixRooms:
    """Mixed into MatrixTransport: needs its `client`, `state`, `server_name` and lock."""

    client: nio.AsyncClient
    state: State
    server_name: str
    _dm_lock: asyncio.Lock

    async def room_for(self, chat_id: str) -> str:
        """A room id as is; a user id -> the direct room with that user (opened if needed)."""
        if not chat_id.startswith("@"):
            return chat_id
        async with self._dm_lock:
            known = await self.state.get(dm_key(chat_id))
            if known:
                return known
            profile = await self.client.get_profile(chat_id)
            if isinstance(profile, nio.ErrorResponse) and http_status(profile) == 404:
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

    async def _member(self, delivery: Delivery) -> None:
        room_id, action = delivery.chat_id, delivery.action
        assert isinstance(action, InviteMember | AdmitMember | RemoveMember)
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
        ok(response, "remove")
        return None

    def alias_localpart(self, key: str) -> str:
        local = self.client.user_id.split(":", 1)[0].lstrip("@").lower()
        return _ALIAS_UNSAFE.sub("_", f"ouderkring_{local}_{key.lower()}")[:200]

    async def _create_room(self, delivery: Delivery) -> str:
        action = delivery.action
        assert isinstance(action, CreateRoom)
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
            room_id = str(ok(resolved, "create room").room_id)
        else:
            room_id = str(response.room_id)
        if parent:
            child = await self.client.room_put_state(
                parent, "m.space.child", {"via": [self.server_name]}, state_key=room_id
            )
            ok(child, "add room to space")
        return room_id
