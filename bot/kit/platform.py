"""What a chat platform tells the rest of the app: one `Platform` value per platform package,
listed in the registry (bot/platforms.py) that the settings loader, `ouderkring run` and
`ouderkring link` read. Heavy imports (the platform's client library) wait until used."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.engine.port import Capabilities, Transport
from config.settings import SectionLoader, Settings


class Started(Protocol):
    """A platform made ready for `ouderkring run`: the transport the app is built with, and
    the listener that hands the platform's events to the app until `stop` is set."""

    @property
    def transport(self) -> Transport: ...

    async def run(self, app: Any, stop: asyncio.Event, lead: Any | None) -> None: ...


@dataclass(frozen=True)
class Platform:
    """One chat platform as the composition root sees it."""

    name: str  # as in `platforms = [...]`, the admins' "name:user id" and `Media.origin`
    capabilities: Capabilities
    load_section: SectionLoader  # reads its `[name]` table of the config
    start: Callable[[Settings], Started]  # its transport and listener, before the app exists
    # `ouderkring link`: why no links can be made now (None: they can), and the links to join
    # each invite code (for the posters' QR codes). None: the platform has no such links.
    link_problem: Callable[[Settings], str | None] | None = None
    links: Callable[[Settings, Sequence[str]], Coroutine[Any, Any, list[str]]] | None = None
    # `ouderkring doctor`: ask the platform whether the bot's account works, waiting at most
    # the seconds given; what was found in one line, or a PlatformFatal that says what is wrong.
    check: Callable[[Settings, float], Coroutine[Any, Any, str]] | None = None
