"""Matrix as a registry entry (bot/platforms.py): its section, its transport and sync loop."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.kit.platform import Platform
from bot.matrix import CAPABILITIES, PLATFORM
from bot.matrix.settings import load_matrix
from config.settings import Settings


class _Started:
    def __init__(self, settings: Settings) -> None:
        from bot.matrix.runner import matrix_transport

        self.transport = matrix_transport(settings)

    async def run(self, app: Any, stop: asyncio.Event, lead: Any | None) -> None:
        from bot.matrix.runner import run_matrix

        await run_matrix(app, self.transport, stop, lead=lead)  # type: ignore[arg-type]


MATRIX = Platform(
    name=PLATFORM, capabilities=CAPABILITIES, load_section=load_matrix, start=_Started
)
