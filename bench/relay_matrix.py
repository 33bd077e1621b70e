"""The Matrix half of relaying, measured against a real Synapse on loopback.

Relaying a message is: an event comes in (sync -> translate -> `app.process`, one transaction
with its deduplication) and an action goes out (outbox -> `MatrixTransport.perform` with its
transaction id -> homeserver -> marked sent). This benchmark times both Matrix halves with N
messages (default 500); the group relay between a Matrix room and a Telegram group, end to end
through both real adapters, is `bench/relay.py`:

1. **in**: a parent posts N messages in one of the community's rooms while the bot is not
   syncing; time until the bot has handled them all (the catch-up after a restart: sync pages
   plus `/messages` for the gap, translation, one engine transaction each).
2. **out**: N messages queued in the outbox for one room; time until all are sent and marked.
3. **buddy relay**: a parent on Matrix and a parent on a second platform (a stand-in transport
   named "telegram" that only counts) are buddies; N `/buddy` messages go each way through the
   real engine: Matrix -> other side (each also confirmed to the sender on Matrix), and other
   side -> Matrix.

Synapse runs with the rate limits raised, as README ("Run on Matrix") advises for the bot user.
Prints figures, no pass or fail; exits non-zero only if a message was lost or sent twice.

    python -m bench.relay_matrix [--messages N]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import logging
import re
import sys
import tempfile
import time
from pathlib import Path

import nio
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.engine.port import Capabilities, Delivery
from bot.engine.types import Incoming
from bot.matrix.listener import MatrixListener
from bot.matrix.runner import check_login, make_listener, matrix_transport
from bot.matrix.settings import MatrixSpec
from community.actions import CreateRoom, SendMessage
from community.clock import SystemClock
from community.models import Community, OutboxMessage, ProcessedEvent
from community.services import outbox, rooms
from community.services.outbox import Outgoing
from config import load_settings
from config.moderation import UNLIMITED
from tests.support.synapse import start_synapse


async def bench(messages: int, base: Path) -> int:
    started = time.perf_counter()
    server = start_synapse(base / "synapse")
    print(f"Synapse {server.url} ready in {time.perf_counter() - started:.1f} s")
    try:
        bot_user = server.register("ouderkring")
        parent_user = server.register("anna")
        settings = dataclasses.replace(
            load_settings(environ={}),
            database_url=f"sqlite:///{base / 'bench.db'}",
            admins=frozenset({"telegram:coord"}),
            platforms=("matrix",),
            platform_settings={
                "matrix": MatrixSpec(
                    server.url,
                    bot_user.user_id,
                    bot_user.device_id,
                    access_token=bot_user.access_token,
                )
            },
            # It measures relaying, not the flood limits (they would slow one busy sender).
            moderation=UNLIMITED,
        )
        transport = matrix_transport(settings)
        other = CountingTransport()
        app = build_app(settings, [transport, other], clock=SystemClock(), migrate=True)
        await check_login(app, transport)
        listener = make_listener(app, transport)
        await listener.sync_once()  # first start: takes the token

        room_id = await transport.perform(
            _delivery(0, "", CreateRoom("community:1:tips", "Tips en vragen"))
        )
        assert room_id
        with app.session_factory.begin() as session:
            community = session.scalars(select(Community)).first()
            assert community is not None
            rooms.link(session, community, "matrix", room_id, app.clock, purpose="tips")
        parent = nio.AsyncClient(server.url, parent_user.user_id)
        parent.restore_login(parent_user.user_id, parent_user.device_id, parent_user.access_token)
        await transport.client.room_invite(room_id, parent_user.user_id)
        await parent.join(room_id)
        await listener.sync_once()

        # 1. in
        posted = time.perf_counter()
        for n in range(messages):
            content = {"msgtype": "m.text", "body": f"bericht {n}"}
            await parent.room_send(room_id, "m.room.message", content)
        post_seconds = time.perf_counter() - posted
        with app.session_factory() as session:
            before = session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0
        t0 = time.perf_counter()
        handled = 0
        while handled < messages:
            got = await listener.sync_once()
            if got == 0:
                break
            handled += got
        in_seconds = time.perf_counter() - t0
        with app.session_factory() as session:
            after = session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0
        print(
            f"in:  {messages} messages posted by a parent in {post_seconds:.2f} s; the bot caught "
            f"up in {in_seconds:.2f} s = {messages / in_seconds:.0f} messages/s "
            f"({1000 * in_seconds / messages:.1f} ms each: sync, translate, one transaction); "
            f"handled {after - before}"
        )

        # 2. out
        with app.session_factory.begin() as session:
            items = [
                Outgoing("matrix", room_id, SendMessage(f"Anna: bericht {n}"))
                for n in range(messages)
            ]
            outbox.enqueue(session, items, app.clock)
        t0 = time.perf_counter()
        sent = await app.dispatcher.dispatch_due()
        out_seconds = time.perf_counter() - t0
        print(
            f"out: {sent} messages sent in {out_seconds:.2f} s = {sent / out_seconds:.0f} "
            f"messages/s ({1000 * out_seconds / max(sent, 1):.1f} ms each: claim, PUT with "
            "transaction id, mark sent)"
        )

        relay_ok = await buddy_relay(app, listener, parent, other, messages)

        response = await parent.room_messages(room_id, start="", limit=messages + 50)
        bodies = [
            e.body
            for e in reversed(response.chunk)
            if isinstance(e, nio.RoomMessageText) and e.sender == bot_user.user_id
        ]
        with app.session_factory() as session:
            unsent = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != "sent")
            )
        print(f"check: {len(bodies)} bot messages in the room, {unsent} unsent outbox rows")
        await parent.close()
        await transport.client.close()
        app.close()
        expected = [f"Anna: bericht {n}" for n in range(messages)]
        ok = after - before == messages and bodies == expected and relay_ok
        return 0 if ok and not unsent else 1
    finally:
        server.stop()


class CountingTransport:
    """The other platform's side: takes every action at once and remembers the messages."""

    platform = "telegram"
    capabilities = Capabilities(buttons=True, edit=True)

    def __init__(self) -> None:
        self.messages: list[tuple[str, SendMessage]] = []

    async def perform(self, delivery: Delivery) -> str:
        if isinstance(delivery.action, SendMessage):
            self.messages.append((delivery.chat_id, delivery.action))
        return f"t{delivery.outbox_id}"


_events = itertools.count(1)


async def _other_says(app: App, user: str, text: str = "", button: str | None = None) -> None:
    if button is not None:
        incoming = Incoming.button("telegram", user, user, button, event_id=f"u{next(_events)}")
    else:
        incoming = Incoming.from_text(
            "telegram", user, user, True, text, event_id=f"u{next(_events)}"
        )
    await app.process(incoming)


async def buddy_relay(
    app: App,
    listener: MatrixListener,
    anna: nio.AsyncClient,
    other: CountingTransport,
    messages: int,
) -> bool:
    """Anna (Matrix) and Piet (the other side) onboard, a coordinator pairs them, then N
    messages each way. Returns whether every message arrived."""
    created = await anna.room_create(
        is_direct=True, invite=[listener.bot_user_id], preset=nio.RoomPreset.trusted_private_chat
    )
    assert isinstance(created, nio.RoomCreateResponse), created
    dm = created.room_id
    await listener.sync_once()
    answers = ["/start ARNHEM", "2", "1", "6825 AB", "1", "Done", "1", "2", "Done", "1"]
    for answer in answers:
        await anna.room_send(dm, "m.room.message", {"msgtype": "m.text", "body": answer})
        await listener.sync_once()
    for answer in ["/start ARNHEM", "English", *answers[2:]]:
        await _other_says(app, "piet", answer)
    await _other_says(app, "coord", "/match")
    proposal = other.messages[-1][1]
    approve = proposal.buttons[0].data  # Approve
    await _other_says(app, "coord", button=approve)
    await anna.room_send(dm, "m.room.message", {"msgtype": "m.text", "body": "Anna"})
    await listener.sync_once()
    await _other_says(app, "piet", "Piet")
    await app.dispatcher.dispatch_due()

    # Matrix -> the other side: posted while the bot waits, then handled as they come in
    for n in range(messages):
        body = f"/buddy bericht {n}"
        await anna.room_send(dm, "m.room.message", {"msgtype": "m.text", "body": body})
    t0 = time.perf_counter()
    while await listener.sync_once():
        pass
    await app.dispatcher.dispatch_due()
    seconds = time.perf_counter() - t0
    pattern = re.compile(r"\n/?(bericht|antwoord) \d+$")
    relayed = [m.text for chat, m in other.messages if chat == "piet" and pattern.search(m.text)]
    print(
        f"buddy Matrix -> other side: {len(relayed)} of {messages} relayed in {seconds:.2f} s "
        f"= {messages / seconds:.0f} messages/s ({1000 * seconds / messages:.1f} ms each: "
        "sync, engine transaction, the relayed message, the sender's confirmation on Matrix)"
    )
    ok = len(relayed) == messages

    # the other side -> Matrix
    t0 = time.perf_counter()
    for n in range(messages):
        await _other_says(app, "piet", f"/buddy antwoord {n}")
    await app.dispatcher.dispatch_due()
    seconds = time.perf_counter() - t0
    got = 0
    start = ""
    while True:  # count what Anna can read
        page = await anna.room_messages(dm, start=start, limit=500)
        assert isinstance(page, nio.RoomMessagesResponse), page
        got += sum(
            1
            for e in page.chunk
            if isinstance(e, nio.RoomMessageText)
            and e.sender == listener.bot_user_id
            and pattern.search(e.body)
        )
        if not page.chunk or not page.end:
            break
        start = page.end
    print(
        f"buddy other side -> Matrix: {got} of {messages} relayed in {seconds:.2f} s "
        f"= {messages / seconds:.0f} messages/s ({1000 * seconds / messages:.1f} ms each: "
        "engine transaction, the message sent on Matrix)"
    )
    return ok and got == messages


def _delivery(outbox_id: int, chat_id: str, action):  # type: ignore[no-untyped-def]
    return Delivery(outbox_id, "matrix", chat_id, action)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(asyncio.run(bench(args.messages, Path(tmp))))


if __name__ == "__main__":
    main()
