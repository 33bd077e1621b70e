"""`ouderkring run` on Matrix: `run_forever(settings)` runs the sync loop and the outbox sender
until SIGINT or SIGTERM (the same shape as `bot.telegram.run`, so the CLI treats every platform
alike). `FATAL` are the errors that end it with a one-line message (a refused access token)."""

from __future__ import annotations

import asyncio
import signal

from bot.app import build_app
from bot.matrix.client import MatrixLoginError
from bot.matrix.runner import matrix_transport, run_matrix
from config import Settings

FATAL = (MatrixLoginError,)


def run_forever(settings: Settings) -> None:
    transport = matrix_transport(settings)
    app = build_app(settings, [transport])
    app.start_jobs()  # buddy follow-ups and rounds (one scheduler over all processes)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        listener = asyncio.ensure_future(run_matrix(app, transport, stop))
        sender = asyncio.ensure_future(app.dispatcher.run(stop=stop))
        try:
            await listener  # a refused login ends here, before anything is handled
        finally:
            stop.set()
            await asyncio.gather(sender, return_exceptions=True)

    try:
        asyncio.run(main())
    finally:
        app.close()
