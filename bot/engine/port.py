"""The port every chat platform implements: one `perform` that carries out a typed action.

The console, Telegram and Matrix implement it, so handlers never change when a platform is
added (a platform is a package plus one line in bot/platforms.py; bot/kit has what adapters
share). The engine and the sender hand a transport only `Delivery` values: the action (see
`community.actions`), the chat it goes to, the outbox row id (unique, a platform with
idempotent sends uses it as its transaction id) and, for an action on an earlier message, that
message's platform id already looked up.

Media from one platform sent on another: each platform is also a `MediaSource` that hands out
the bytes of its own files (see `bot.engine.media`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from community.actions import Action, Media


class SendError(Exception):
    """A delivery that failed.

    `retry_after` (seconds): the platform asked us to wait, try again then. `permanent`: trying
    again cannot help (message too old to edit, chat gone). `unreachable`: the person blocked the
    bot or left the platform; the coordinator sees them as not reached."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        permanent: bool = False,
        unreachable: bool = False,
    ):
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent or unreachable
        self.unreachable = unreachable


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do, so that the engine picks the best way to say a thing.

    `buttons`: real buttons that send data back (else numbered choices the person types or
    reacts to). `edit`: an earlier message can be changed (a ticked choice updates the question
    in place instead of sending a new line). `join_links`: see below. `idempotent`: a send
    repeated with the same outbox id makes no second message (Matrix's transaction ids), so
    "sent" marks may wait for a batch; elsewhere each send is marked at once, so that a process
    killed between a send and its mark repeats at most the one send in flight."""

    buttons: bool = False
    edit: bool = False
    # Joining a group goes through a personal link that asks for approval (Telegram), rather
    # than an invitation to someone the bot can add itself (Matrix).
    join_links: bool = False
    idempotent: bool = False
    # How many buttons (or numbered options answered by a reaction) one message can carry and
    # how long a label may be (None: no limit to mind; bot/kit/dispatch.py cuts a longer one),
    # and whether the platform has group rooms at all (the kit refuses to create one where it
    # has not).
    max_buttons: int | None = None
    max_label: int | None = None
    groups: bool = True


class PlatformFatal(Exception):
    """A problem only the operator can fix (a refused token, a second poller), told in one line
    that names the platform and never the secret. `ouderkring run` stops on it."""

    platform_title = "The platform"


@dataclass(frozen=True)
class Delivery:
    """One outbox row handed to a transport."""

    outbox_id: int
    platform: str
    chat_id: str
    action: Action
    target_remote_id: str | None = None  # the platform id of the message the action is about


class Transport(Protocol):
    """A chat platform as the engine sees it."""

    platform: str
    capabilities: Capabilities

    async def perform(self, delivery: Delivery) -> str | None:
        """Carry out one action; return the platform's id for what it made (a message id, a
        room id), or None. Raise SendError on failure."""
        ...


class MediaUnavailable(Exception):
    """Media that cannot be had, now or later: deleted, expired, too big, or kept on a
    platform this process does not run. (Not reachable *now* is a retryable SendError.)"""


@dataclass(frozen=True)
class FetchedMedia:
    """The bytes of a file, their MIME type and a file name to upload them under."""

    data: bytes
    mime_type: str
    filename: str


class MediaSource(Protocol):
    """A platform that gives out the bytes of the files it keeps (`Media.origin` names it)."""

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        """The file's bytes, at most `limit` of them. Raise MediaUnavailable for a file that is
        gone or too big, SendError for a platform not reachable now."""
        ...
