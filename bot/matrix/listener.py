"""The sync loop: Matrix events in, `Incoming` out, and the sync token kept in the database.

Each sync batch is handled event by event (the engine deduplicates by event id in the same
transaction as its changes), then the batch's `next_batch` token is stored. A crash in between
replays the batch after the restart, and the engine skips what it already handled: nothing is
lost and nothing is handled twice. When the homeserver cut a long gap short (`limited`), the
missing events are fetched with `/messages` back to the stored token.

Invites are accepted for direct chats (`is_direct`) and for rooms the app knows; others are
declined. No end-to-end encryption in this version: the bot does not stay in an encrypted room;
it says so there in plain text and leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import nio

from bot.engine.types import EventKind, Incoming, Quoted
from bot.kit.backoff import Backoff
from bot.matrix.state import NEXT_BATCH, State, dm_key
from bot.matrix.translate import RoomView, translate

log = logging.getLogger(__name__)

Handler = Callable[[Incoming], Awaitable[None]]
KnownRoom = Callable[[str], Awaitable[bool]]

# Said in a room that uses end-to-end encryption, before leaving it (no catalogue: the adapter
# says it without knowing anybody's language, so both of the bot's main languages).
ENCRYPTION_NOTICE = (
    "Deze bot kan geen versleutelde chats lezen. Begin een chat zonder versleuteling.\n"
    "This bot cannot read encrypted chats. Please start a chat without encryption."
)


async def _never_known(_room_id: str) -> bool:
    return False


class MatrixListener:
    def __init__(
        self,
        client: nio.AsyncClient,
        state: State,
        handle: Handler,
        known_room: KnownRoom = _never_known,
        timeline_limit: int = 100,
    ) -> None:
        self.client = client
        self.state = state
        self.handle = handle
        self.known_room = known_room
        self.timeline_limit = timeline_limit
        self._first = True
        self._left: set[str] = set()
        self._direct_known: set[tuple[str, str]] = set()

    @property
    def bot_user_id(self) -> str:
        return str(self.client.user_id)

    def _filter(self, limit: int) -> dict[str, Any]:
        return {
            "room": {"timeline": {"limit": limit}, "state": {"lazy_load_members": False}},
            "presence": {"not_types": ["*"]},
        }

    async def sync_once(self, timeout_ms: int = 0) -> int:
        """One sync: handle invites and events, then store the token. Returns events handed on."""
        since, response = await self._fetch(timeout_ms)
        return await self._handle_batch(since, response)

    async def _fetch(self, timeout_ms: int) -> tuple[str | None, nio.SyncResponse]:
        since = await self.state.get(NEXT_BATCH)
        response = await self.client.sync(
            timeout=timeout_ms,
            since=since,
            full_state=self._first or None,
            # the first start ever skips history; later starts catch up on what they missed
            sync_filter=self._filter(0 if since is None else self.timeline_limit),
        )
        if isinstance(response, nio.ErrorResponse):
            raise ConnectionError(f"sync failed: {response}")
        self._first = False
        return since, response

    async def _handle_batch(self, since: str | None, response: nio.SyncResponse) -> int:
        handled = 0
        for room_id, invite in response.rooms.invite.items():
            await self._invite(room_id, invite)
        if since is not None:
            for room_id, info in response.rooms.join.items():
                handled += await self._joined(room_id, info, since)
        await self.state.set(NEXT_BATCH, response.next_batch)
        return handled

    async def run(self, stop: asyncio.Event, timeout_ms: int = 30000) -> None:
        """Sync until `stop` is set; on errors wait and try again (the token is not lost).

        Only the long poll is cut short by `stop`: a batch being handled is finished first (its
        replies delivered and marked), so a stop never leaves a reply claimed but unconfirmed,
        which would hold up that chat until the claim runs out."""
        backoff = Backoff()
        while not stop.is_set():
            fetch = asyncio.ensure_future(self._fetch(timeout_ms))
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if fetch not in done:
                fetch.cancel()  # what the long poll held comes again at the next start
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await fetch
                return
            try:
                await self._handle_batch(*fetch.result())
                backoff.reset()
            except (ConnectionError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning("Matrix sync failed (%s); trying again in %.0f s", exc, backoff.delay)
                await backoff.wait(stop)
            except Exception:
                log.exception("handling a Matrix sync batch failed; it will come again")
                await backoff.wait(stop)

    # -- invites ----------------------------------------------------------------

    async def _invite(self, room_id: str, invite: nio.InviteInfo) -> None:
        # nio keeps the content of stripped invite state on the parsed event, not in `source`;
        # it drops m.room.encryption here, so an encrypted room is also caught after joining
        states = [
            {**getattr(e, "source", {}), "content": getattr(e, "content", None) or {}}
            for e in invite.invite_state
        ]
        encrypted = any(s.get("type") == "m.room.encryption" for s in states)
        direct = any(
            s.get("type") == "m.room.member"
            and s.get("state_key") == self.bot_user_id
            and (s.get("content") or {}).get("is_direct") is True
            for s in states
        )
        if encrypted:
            log.info("invited to an encrypted room: saying so and leaving")
            await self._refuse_encrypted(room_id)
            return
        if direct or await self.known_room(room_id):
            response = await self.client.join(room_id)
            if isinstance(response, nio.ErrorResponse):
                log.warning("could not join an invited room: %s", response)
            return
        log.info("declined an invite to a room that is neither direct nor known")
        await self.client.room_leave(room_id)

    async def _refuse_encrypted(self, room_id: str) -> None:
        if room_id in self._left:
            return
        self._left.add(room_id)
        joined = await self.client.join(room_id)
        if not isinstance(joined, nio.ErrorResponse):
            content = {"msgtype": "m.notice", "body": ENCRYPTION_NOTICE}
            await self.client.room_send(
                room_id, "m.room.message", content, tx_id=f"ouderkring-e2e-{room_id}"
            )
        await self.client.room_leave(room_id)
        self.client.rooms.pop(room_id, None)

    # -- joined rooms -----------------------------------------------------------

    def _room_view(self, room_id: str, senders: set[str]) -> RoomView:
        room = self.client.rooms.get(room_id)
        if room is None:
            return RoomView(room_id, is_private=False)
        members = (room.joined_count or 0) + (room.invited_count or 0)
        is_space = getattr(room, "room_type", None) == "m.space"
        private = not room.name and not room.canonical_alias and members <= 2 and not is_space
        names = {user: room.user_name(user) or user for user in senders}
        levels = room.power_levels
        needed = max(levels.defaults.state_default, 50)
        admins = frozenset(user for user in senders if levels.get_user_level(user) >= needed)
        return RoomView(room_id, private, names, admins)

    async def _joined(self, room_id: str, info: nio.RoomInfo, since: str | None) -> int:
        events: list[dict[str, Any]] = [e.source for e in info.timeline.events]
        if info.timeline.limited and since and info.timeline.prev_batch:
            events = await self._gap(room_id, info.timeline.prev_batch, since) + events
        room = self.client.rooms.get(room_id)
        if (room is not None and room.encrypted) or any(
            e.get("type") == "m.room.encryption" for e in events
        ):
            await self._refuse_encrypted(room_id)
            return 0
        view = self._room_view(room_id, {str(e.get("sender")) for e in events})
        if not view.is_private:
            # a group room the bot just joined: its history is not news
            joins = [
                i
                for i, e in enumerate(events)
                if e.get("type") == "m.room.member"
                and e.get("state_key") == self.bot_user_id
                and (e.get("content") or {}).get("membership") == "join"
            ]
            if joins:
                events = events[joins[-1] + 1 :]
        handled = 0
        for event in events:
            incoming = translate(event, view, self.bot_user_id)
            if incoming is not None:
                if incoming.command == "report" and incoming.quoted is None:
                    incoming = await self._with_quote(incoming, view)
                if view.is_private:
                    await self._remember_direct(incoming.user_id, room_id)
                await self.handle(incoming)
                handled += 1
                if incoming.kind is EventKind.ROOM_MOVED and incoming.moved_to:
                    # Follow the room; where its join rules need an invite, the invite to a
                    # room that is now one of ours is accepted when it comes (`_invite`).
                    joined = await self.client.join(incoming.moved_to)
                    if isinstance(joined, nio.ErrorResponse):
                        log.info("could not join the upgraded room yet: %s", joined)
        return handled

    async def _with_quote(self, incoming: Incoming, view: RoomView) -> Incoming:
        """/report answers a message; a client without the reply fallback does not quote it,
        so the answered event is fetched (its author and text, for the coordinators)."""
        ref = incoming.ref
        if ref is None or ref.remote_id is None:
            return incoming
        response = await self.client.room_get_event(view.room_id, ref.remote_id)
        if isinstance(response, nio.ErrorResponse):
            return incoming
        source = response.event.source
        sender, content = source.get("sender"), source.get("content") or {}
        if not isinstance(sender, str) or not isinstance(content, dict):
            return incoming
        body = content.get("body") if isinstance(content.get("body"), str) else ""
        author = None if sender == self.bot_user_id else sender
        room = self.client.rooms.get(view.room_id)
        name = room.user_name(sender) if room is not None and author else None
        quoted = Quoted(author, name, str(body))
        return dataclasses.replace(incoming, quoted=quoted)

    async def _remember_direct(self, user_id: str, room_id: str) -> None:
        """A direct chat a parent opened is where the bot reaches them too (`room_for`), so
        that it never opens a second one."""
        if (user_id, room_id) in self._direct_known:
            return
        self._direct_known.add((user_id, room_id))
        if await self.state.get(dm_key(user_id)) is None:
            await self.state.set(dm_key(user_id), room_id)

    async def _gap(self, room_id: str, prev_batch: str, since: str) -> list[dict[str, Any]]:
        """Events the homeserver left out of a `limited` timeline, oldest first."""
        collected: list[dict[str, Any]] = []
        start = prev_batch
        for _ in range(100):  # at most 100 pages of 100 events
            page = await self.client.room_messages(
                room_id, start=start, end=since, direction=nio.MessageDirection.back, limit=100
            )
            if isinstance(page, nio.ErrorResponse):
                log.warning("could not fetch missed events: %s", page)
                break
            collected.extend(e.source for e in page.chunk)
            if not page.chunk or not page.end or page.end == start:
                break
            start = page.end
        collected.reverse()
        return collected
