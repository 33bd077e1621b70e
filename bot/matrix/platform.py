"""Matrix as a registry entry (bot/platforms.py): its section, its transport and sync loop."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.kit.platform import Platform
from bot.matrix import CAPABILITIES, PLATFORM
from bot.matrix.settings import ENV_MATRIX_TOKEN, MatrixSpec, load_matrix
from config.settings import Settings


class _Started:
    def __init__(self, settings: Settings) -> None:
        from bot.matrix.runner import matrix_transport

        self.transport = matrix_transport(settings)

    async def run(self, app: Any, stop: asyncio.Event, lead: Any | None) -> None:
        from bot.matrix.runner import run_matrix

        await run_matrix(app, self.transport, stop, lead=lead)  # type: ignore[arg-type]


async def _check(settings: Settings, timeout: float) -> str:
    from bot.matrix.client import MatrixLoginError, check_token

    spec: MatrixSpec | None = settings.section(PLATFORM)
    if spec is None or not spec.access_token:
        raise MatrixLoginError(f"set the access token in {ENV_MATRIX_TOKEN}")
    checking = check_token(spec.homeserver, spec.user_id, spec.access_token, spec.device_id)
    try:
        return await asyncio.wait_for(checking, timeout)
    except MatrixLoginError as exc:
        raise MatrixLoginError(f"{exc}: make a new access token for {spec.user_id}") from None
    except TimeoutError:
        problem = f"{spec.homeserver} did not answer in time: check the network"
        raise MatrixLoginError(problem) from None


MATRIX = Platform(
    name=PLATFORM,
    capabilities=CAPABILITIES,
    load_section=load_matrix,
    start=_Started,
    check=_check,
)
