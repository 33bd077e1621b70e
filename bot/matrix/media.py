"""Matrix as a `MediaSource`: an mxc:// URI -> the bytes from the homeserver's media repository.

Homeservers serve media to authenticated clients only (`/_matrix/client/v1/media/download`,
Synapse's default since 1.120); nio 0.26 still asks the old unauthenticated endpoint, so the
download goes through nio's HTTP session with the bot's access token.
"""

from __future__ import annotations

import re
from email.message import Message
from urllib.parse import quote

import aiohttp
import nio

from bot.engine.media import file_name
from bot.engine.port import FetchedMedia, MediaUnavailable, SendError
from community.actions import Media

_MXC = re.compile(r"^mxc://([^/]+)/([^/?#]+)$")


def _filename(disposition: str | None) -> str | None:
    if not disposition:
        return None
    header = Message()
    header["content-disposition"] = disposition
    name = header.get_filename()
    return str(name) if name else None


class MatrixMediaSource:
    """Fetches files kept on the homeserver (`mxc://` URIs), for sending them elsewhere."""

    def __init__(self, client: nio.AsyncClient) -> None:
        self.client = client

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        match = _MXC.match(media.ref)
        if match is None:
            raise MediaUnavailable("not an mxc:// URI")
        server, media_id = (quote(part, safe="") for part in match.groups())
        path = f"/_matrix/client/v1/media/download/{server}/{media_id}"
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        try:
            response = await self.client.send("GET", path, headers=headers)
            async with response:
                if response.status == 429 or response.status >= 500:
                    retry = response.headers.get("Retry-After")
                    raise SendError(
                        f"matrix media: HTTP {response.status}",
                        retry_after=float(retry) if retry and retry.isdigit() else None,
                    )
                if response.status != 200:
                    # 404 gone (or quarantined), 403, 413, 502 from a remote server
                    raise MediaUnavailable(f"matrix media: HTTP {response.status}")
                length = response.content_length
                if length is not None and length > limit:
                    raise MediaUnavailable(f"matrix file of {length} bytes")
                data = bytearray()
                async for chunk in response.content.iter_chunked(1 << 16):
                    data += chunk
                    if len(data) > limit:
                        raise MediaUnavailable("matrix file over the limit")
                mime_type = (
                    (
                        response.content_type
                        if response.content_type != "application/octet-stream"
                        else None
                    )
                    or media.mime_type
                    or "application/octet-stream"
                )
                name = _filename(response.headers.get("Content-Disposition"))
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise SendError(f"homeserver media not reachable: {type(exc).__name__}") from exc
        return FetchedMedia(bytes(data), mime_type, name or file_name(media, mime_type))
