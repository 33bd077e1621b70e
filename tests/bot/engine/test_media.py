"""bot.engine.media: data: URLs, file names, the upload cache and the shared media sources."""

from __future__ import annotations

import asyncio
import base64

import pytest

from bot.engine.media import (
    MediaSources,
    UploadCache,
    decode_data_url,
    file_name,
    is_foreign,
    share_media,
)
from bot.engine.port import FetchedMedia, MediaUnavailable
from community.actions import Media


class Source:
    """A platform's files in memory (a real MediaSource, no network)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.fetched: list[str] = []

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        self.fetched.append(media.ref)
        if media.ref not in self.files:
            raise MediaUnavailable("gone")
        return FetchedMedia(self.files[media.ref], "image/jpeg", "foto.jpg")


def test_a_base64_calendar_becomes_invitation_ics() -> None:
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    ref = "data:text/calendar;base64," + base64.b64encode(ics).decode()
    fetched = decode_data_url(Media("document", ref, mime_type="text/calendar"))
    assert fetched == FetchedMedia(ics, "text/calendar", "invitation.ics")


def test_a_data_url_names_its_file_without_a_path() -> None:
    raw = b'{"format": "ouderkring-mydata/1"}'
    ref = (
        "data:application/json;name=ouderkring-mydata.json;base64," + base64.b64encode(raw).decode()
    )
    fetched = decode_data_url(Media("document", ref))
    assert fetched == FetchedMedia(raw, "application/json", "ouderkring-mydata.json")
    sneaky = decode_data_url(Media("document", "data:text/plain;name=..%2F..%2Fetc%2Fpasswd,x"))
    assert sneaky.filename == "passwd"


def test_the_console_shows_the_name_and_size_of_a_file_the_bot_made() -> None:
    from bot.console import render
    from bot.engine.port import Delivery
    from community.actions import SendMessage

    ref = (
        "data:application/json;name=ouderkring-mydata.json;base64,"
        + base64.b64encode(b"{}").decode()
    )
    action = SendMessage("All of this is also in this file.", media=Media("document", ref))
    assert render(Delivery(1, "console", "anna", action)) == (
        "to anna: [document ouderkring-mydata.json, 2 bytes] All of this is also in this file."
    )


def test_a_plain_data_url_is_percent_decoded() -> None:
    fetched = decode_data_url(Media("document", "data:,Hallo%20allemaal"))
    assert fetched == FetchedMedia(b"Hallo allemaal", "text/plain", "document.txt")


@pytest.mark.parametrize(
    "ref", ["data:text/calendar;base64,@@no base64@@", "data:text/plain", "https://x.nl/a"]
)
def test_a_broken_data_url_is_unavailable(ref: str) -> None:
    with pytest.raises(MediaUnavailable):
        decode_data_url(Media("document", ref))


def test_a_data_url_over_the_limit_is_unavailable() -> None:
    with pytest.raises(MediaUnavailable):
        decode_data_url(Media("document", "data:,abcdef"), limit=3)


def test_file_names_by_type_then_kind() -> None:
    assert file_name(Media("photo", "x"), "image/jpeg") == "photo.jpg"
    assert file_name(Media("voice", "x"), "audio/ogg") == "voice.ogg"
    assert file_name(Media("document", "x"), None) == "document"


def test_foreign_is_another_platform_or_a_data_url() -> None:
    assert is_foreign(Media("photo", "AgAC", origin="telegram"), "matrix")
    assert not is_foreign(Media("photo", "AgAC", origin="telegram"), "telegram")
    assert is_foreign(Media("document", "data:,x"), "telegram")
    assert not is_foreign(Media("photo", "https://x.nl/a.jpg"), "telegram")


async def test_sources_fetch_from_the_origin_platform() -> None:
    source = Source({"AgAC": b"jpeg"})
    sources = MediaSources({"telegram": source})
    fetched = await sources.fetch(Media("photo", "AgAC", origin="telegram"))
    assert fetched.data == b"jpeg"
    with pytest.raises(MediaUnavailable):  # a platform this process does not run
        await sources.fetch(Media("photo", "mxc://x/y", origin="matrix"))
    with pytest.raises(MediaUnavailable):  # known too big: not even fetched
        await MediaSources({"telegram": source}, limit=3).fetch(
            Media("photo", "AgAC", size=4, origin="telegram")
        )
    with pytest.raises(MediaUnavailable):  # too big once fetched
        await MediaSources({"telegram": source}, limit=3).fetch(
            Media("photo", "AgAC", origin="telegram")
        )
    assert source.fetched == ["AgAC", "AgAC"]


def test_the_cache_forgets_the_least_recently_used() -> None:
    cache: UploadCache[str] = UploadCache(size=2)
    a, b, c = (Media("photo", ref, origin="telegram") for ref in "abc")
    cache.put(a, "A")
    cache.put(b, "B")
    assert cache.get(a) == "A"  # a is now the most recent
    cache.put(c, "C")
    assert (cache.get(a), cache.get(b), cache.get(c)) == ("A", None, "C")
    # the same ref from another platform is another file
    assert cache.get(Media("photo", "a", origin="matrix")) is None


async def test_concurrent_sends_of_one_file_upload_it_once() -> None:
    cache: UploadCache[str] = UploadCache()
    uploads = 0

    async def upload() -> str:
        nonlocal uploads
        uploads += 1
        await asyncio.sleep(0.01)
        return "mxc://own/1"

    photo = Media("photo", "AgAC", origin="telegram")
    refs = await asyncio.gather(*(cache.once(photo, upload) for _ in range(5)))
    assert refs == ["mxc://own/1"] * 5
    assert uploads == 1


async def test_a_failed_upload_is_tried_again_by_the_next_send() -> None:
    cache: UploadCache[str] = UploadCache()
    answers = iter([RuntimeError("down"), "mxc://own/2"])

    async def upload() -> str:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    photo = Media("photo", "AgAC", origin="telegram")
    with pytest.raises(RuntimeError):
        await cache.once(photo, upload)
    assert await cache.once(photo, upload) == "mxc://own/2"


class Sharing:
    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.media_source = Source({})
        self.media_sources = MediaSources()


def test_share_media_gives_every_transport_every_source() -> None:
    telegram, matrix, console = Sharing("telegram"), Sharing("matrix"), object()
    sources = share_media([telegram, matrix, console])
    assert telegram.media_sources is matrix.media_sources is sources
    assert sources.sources["telegram"] is telegram.media_source
    assert sources.sources["matrix"] is matrix.media_source
    assert set(sources.sources) == {"telegram", "matrix", "url"}
