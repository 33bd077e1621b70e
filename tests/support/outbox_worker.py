"""A separate process for the crash tests: queue a message and die, or resume and send.

    python -m tests.support.outbox_worker queue-and-die DB_URL NOW
    python -m tests.support.outbox_worker claim-and-die DB_URL NOW
    python -m tests.support.outbox_worker resume DB_URL NOW LOG_FILE

`NOW` is an ISO time for the app's clock; `resume` appends one JSON line per sent message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import sys
from datetime import datetime

from bot.app import build_app
from bot.console import parse_line
from bot.engine.port import Capabilities, Delivery
from community.actions import SendMessage
from community.clock import FakeClock
from community.services import outbox
from config import load_settings


class FileTransport:
    platform = "console"
    capabilities = Capabilities()

    def __init__(self, path: str) -> None:
        self.path = path

    async def perform(self, delivery: Delivery) -> str | None:
        assert isinstance(delivery.action, SendMessage)
        line = {"id": delivery.outbox_id, "text": delivery.action.text}
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return None


def main(action: str, url: str, now: str, log_file: str = "/dev/null") -> None:
    settings = dataclasses.replace(load_settings(environ={}), database_url=url)
    clock = FakeClock(datetime.fromisoformat(now))
    app = build_app(settings, [FileTransport(log_file)], clock=clock, migrate=True)
    if action == "queue-and-die":
        incoming = parse_line("anna: /start ARNHEM")
        assert incoming is not None
        app.engine.handle(incoming)  # committed to the outbox (claimed), not yet sent
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "claim-and-die":
        with app.session_factory() as session:
            owner = app.heartbeat.owner if app.heartbeat is not None else None
            # Claimed as the app's sender claims (for this process), never sent.
            outbox.claim_due(session, ["console"], clock, outbox.new_token(), owner=owner)
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "resume":
        asyncio.run(app.dispatcher.dispatch_due())
    app.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
