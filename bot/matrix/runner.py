"""Wiring for `ouderkring run`: the Matrix transport from the settings, and the sync loop that
hands each event to the app. The database keeps the sync token (`platform_state`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import nio

from bot import logs
from bot.app import App
from bot.engine.threads import run_blocking
from bot.engine.types import Incoming
from bot.kit.state import PlatformState
from bot.matrix import PLATFORM
from bot.matrix.client import CLIENT_CONFIG, restore_client
from bot.matrix.listener import MatrixListener
from bot.matrix.settings import MatrixSpec
from bot.matrix.transport import MatrixTransport
from community.services import rooms
from config import Settings

log = logging.getLogger(__name__)


def matrix_transport(settings: Settings) -> MatrixTransport:
    """The transport for `build_app`, from the stored login (checked by `run_matrix`)."""
    spec: MatrixSpec | None = settings.section(PLATFORM)
    if spec is None or not spec.access_token:
        raise ValueError("Matrix is not configured ([matrix] and OUDERKRING_MATRIX_ACCESS_TOKEN)")
    logs.guard(spec.access_token)
    client = nio.AsyncClient(
        spec.homeserver, spec.user_id, device_id=spec.device_id or "", config=CLIENT_CONFIG
    )
    client.restore_login(spec.user_id, spec.device_id or "", spec.access_token)
    return MatrixTransport(client, PlatformState(PLATFORM))


async def check_login(app: App, transport: MatrixTransport) -> None:
    """The token must belong to the configured user (and device): a new login would break
    idempotent resends, so the bot never makes one."""
    spec: MatrixSpec | None = app.settings.section(PLATFORM)
    assert spec is not None
    client = transport.client
    checked = await restore_client(
        spec.homeserver, spec.user_id, str(client.access_token), spec.device_id
    )
    client.device_id = checked.device_id
    await checked.close()


def make_listener(
    app: App, transport: MatrixTransport, background_sends: bool = False
) -> MatrixListener:
    """The sync loop for `app`: state in its database, events to `app.process` (or, with
    `background_sends`, to `app.accept`: an event is done once its replies are in the outbox,
    and they go in the background, so no room waits for another room's sends)."""
    state = transport.state
    if isinstance(state, PlatformState):
        state.bind(app.session_factory, app.clock)

    async def known_room(room_id: str) -> bool:
        def look() -> bool:
            with app.session_factory() as session:
                return rooms.find(session, PLATFORM, room_id) is not None

        return await run_blocking(look)

    async def handle(incoming: Incoming) -> None:
        if background_sends:
            await app.accept(incoming)
        else:
            await app.process(incoming)

    return MatrixListener(transport.client, state, handle, known_room)


async def run_matrix(
    app: App,
    transport: MatrixTransport,
    stop: asyncio.Event,
    sync_timeout_ms: int = 30000,
    lead: Any | None = None,
) -> None:
    """Check the login, then sync until `stop` is set, handing each event to `app.accept`
    (its replies go in the background). With `lead` (bot/leader.py) the sync waits until this
    process leads: one reader of the bot's events; every process sends."""
    await check_login(app, transport)
    try:
        if lead is not None and not await lead.wait(stop):
            return
        listener = make_listener(app, transport, background_sends=True)
        log.info("Matrix: syncing as %s", transport.client.user_id)
        await listener.run(stop, timeout_ms=sync_timeout_ms)
    finally:
        await app.drain()  # what is being sent goes out before the client closes
        await transport.client.close()
