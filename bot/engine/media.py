"""Media that crosses platforms: fetch the bytes where they live, upload them once.

A `Media` names the platform that holds its `ref` (`origin`). A transport that gets media from
another platform asks that platform's `MediaSource` (found in `MediaSources`) for the bytes and
uploads them as a new file; a `data:` URL (a prompt's calendar invitation) is decoded here, a
web URL (a programme item's video) is fetched where the platform cannot fetch it itself. The
`UploadCache` remembers what became of each foreign file, so that one photo sent to forty
parents is fetched and uploaded once per process.

Failures, as the transports report them:
- the source is not reachable now (network, 5xx, rate limit): a retryable `SendError`;
- the file is gone, too big, or its platform is not run by this process (`MediaUnavailable`):
  the transport sends the text without the file. A parent would rather read the message than
  get nothing; the file cannot come back by trying again. Without any text there is nothing to
  send: a permanent `SendError`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import logging
import mimetypes
import posixpath
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, runtime_checkable
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from bot.engine.port import FetchedMedia, MediaSource, MediaUnavailable, SendError
from community.actions import Media

log = logging.getLogger(__name__)
T = TypeVar("T")

# Telegram bots may download files up to 20 MB; larger files could not be fetched there anyway.
MAX_MEDIA_BYTES = 20 * 1024 * 1024
CACHE_SIZE = 256
URL = "url"  # the source of media with no origin and an http(s) URL as its ref
# File names a parent sees for files made by the bot itself: a stem by type, else the kind.
_STEMS = {"text/calendar": "invitation"}
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "audio/ogg": ".ogg",
    "text/plain": ".txt",
    "text/calendar": ".ics",
}


def file_name(media: Media, mime_type: str | None) -> str:
    """A sensible name for a file that has none (`invitation.ics`, `photo.jpg`)."""
    extension = _EXTENSIONS.get(mime_type or "") or mimetypes.guess_extension(mime_type or "")
    return f"{_STEMS.get(mime_type or '', media.kind)}{extension or ''}"


def decode_data_url(media: Media, limit: int = MAX_MEDIA_BYTES) -> FetchedMedia:
    """`data:[<mime>][;name=<file name>][;base64],<data>` -> the bytes, their type and a file
    name (`name=`, as browsers write it, else one made from the type)."""
    header, comma, payload = media.ref.partition(",")
    if not header.startswith("data:") or not comma:
        raise MediaUnavailable("not a data: URL")
    parts = header[len("data:") :].split(";")
    mime_type = parts[0] or media.mime_type or "text/plain"
    names = [unquote(p[len("name=") :]) for p in parts[1:] if p.startswith("name=")]
    # a name only, never a path: the platform shows it, and a console may save under it
    name = posixpath.basename(names[0].replace("\\", "/")) if names else ""
    try:
        if "base64" in parts[1:]:
            data = base64.b64decode(payload, validate=True)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        raise MediaUnavailable("a data: URL that does not decode") from None
    if len(data) > limit:
        raise MediaUnavailable(f"file of {len(data)} bytes is over the limit")
    return FetchedMedia(data, mime_type, name or file_name(media, mime_type))


def is_foreign(media: Media, platform: str) -> bool:
    """Media this platform cannot send by its reference: another platform's, or a data: URL."""
    if media.ref.startswith("data:"):
        return True
    return media.origin is not None and media.origin != platform


@dataclass
class MediaSources:
    """Every platform's `MediaSource` in this process, shared by the transports."""

    sources: dict[str, MediaSource]
    limit: int = MAX_MEDIA_BYTES

    def __init__(self, sources: dict[str, MediaSource] | None = None, limit: int = MAX_MEDIA_BYTES):
        # plain http(s) URLs (a programme item's video) come from the web
        self.sources = {URL: UrlMediaSource(), **(sources or {})}
        self.limit = limit

    def add(self, platform: str, source: MediaSource) -> None:
        self.sources[platform] = source

    async def fetch(self, media: Media) -> FetchedMedia:
        """The bytes of foreign media. Raises MediaUnavailable, or SendError to try later."""
        if media.ref.startswith("data:"):
            return decode_data_url(media, self.limit)
        origin = media.origin or (URL if media.ref.startswith(("https://", "http://")) else "")
        source = self.sources.get(origin)
        if source is None:
            raise MediaUnavailable(f"no {media.origin or 'source'} for this media in this process")
        if media.size is not None and media.size > self.limit:
            raise MediaUnavailable(f"file of {media.size} bytes is over the limit")
        fetched = await source.fetch(media, self.limit)
        if len(fetched.data) > self.limit:
            raise MediaUnavailable(f"file of {len(fetched.data)} bytes is over the limit")
        return fetched


class UrlMediaSource:
    """Files at an http(s) URL (media in the configuration), fetched with a size cap."""

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        # Imported here: every process loads this module, few fetch a URL (aiohttp is heavy).
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=60)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(media.ref) as response,
            ):
                if response.status == 429 or response.status >= 500:
                    raise SendError(f"media URL: HTTP {response.status}")
                if response.status != 200:
                    raise MediaUnavailable(f"media URL: HTTP {response.status}")
                data = bytearray()
                async for chunk in response.content.iter_chunked(1 << 16):
                    data += chunk
                    if len(data) > limit:
                        raise MediaUnavailable("file at the URL is over the limit")
                mime_type = media.mime_type or response.content_type or "application/octet-stream"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise SendError(f"media URL not reachable: {type(exc).__name__}") from exc
        name = posixpath.basename(urlsplit(media.ref).path)
        return FetchedMedia(bytes(data), mime_type, name or file_name(media, mime_type))


def cache_key(media: Media) -> tuple[str, str]:
    """(origin, ref); a data: URL by its digest, so that the cache stays small."""
    if media.ref.startswith("data:"):
        return ("data", hashlib.sha256(media.ref.encode()).hexdigest())
    return (media.origin or "", media.ref)


class UploadCache(Generic[T]):
    """(origin, ref) -> this platform's own ref for the uploaded copy; least recently used go
    first. Concurrent sends of the same file wait for the one upload in progress."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._refs: OrderedDict[tuple[str, str], T] = OrderedDict()
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    def get(self, media: Media) -> T | None:
        key = cache_key(media)
        ref = self._refs.get(key)
        if ref is not None:
            self._refs.move_to_end(key)
        return ref

    def put(self, media: Media, own_ref: T) -> None:
        key = cache_key(media)
        self._refs[key] = own_ref
        self._refs.move_to_end(key)
        while len(self._refs) > self.size:
            self._refs.popitem(last=False)

    def forget(self, media: Media) -> None:
        self._refs.pop(cache_key(media), None)

    @contextlib.asynccontextmanager
    async def lock(self, media: Media) -> AsyncIterator[None]:
        """Held while one file is looked up and uploaded, so that concurrent sends of it wait
        for the first upload and then use its ref."""
        key = cache_key(media)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked():
                self._locks.pop(key, None)

    async def once(self, media: Media, upload: Callable[[], Awaitable[T]]) -> T:
        """The own ref of `media`: from the cache, or by running `upload` (one at a time)."""
        async with self.lock(media):
            known = self.get(media)
            if known is None:
                known = await upload()
                self.put(media, known)
            return known


@runtime_checkable
class SharesMedia(Protocol):
    """A transport that is a media source and sends media from the other sources."""

    platform: str
    media_source: MediaSource
    media_sources: MediaSources


def share_media(transports: Iterable[object]) -> MediaSources:
    """Give every transport the media sources of all of them (the composition root calls
    this), so that a Telegram photo can be fetched by the Matrix transport and back."""
    sharing = [t for t in transports if isinstance(t, SharesMedia)]
    sources = MediaSources({t.platform: t.media_source for t in sharing})
    for transport in sharing:
        transport.media_sources = sources
    return sources
