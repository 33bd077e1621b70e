"""Media across platforms, end to end: the real Telegram transport against the fake Bot API and
the real Matrix transport against Synapse, sharing their media sources as `build_app` does.

A photo a parent sent on Telegram arrives in a Matrix room as an m.image with the same bytes; an
image uploaded to Synapse arrives on Telegram as an upload with the same bytes; a prompt's
calendar invitation (a data: URL) arrives as `invitation.ics` on both; one file sent to two
rooms is uploaded once."""

from __future__ import annotations

import base64
import io
import itertools
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import nio
import pytest
from aiohttp import web

from bot.engine.media import share_media
from bot.engine.port import Delivery
from bot.matrix.transport import MatrixTransport
from bot.telegram.adapter import make_bot
from bot.telegram.transport import TelegramTransport
from community.actions import Media, SendMessage
from tests.bot.matrix.conftest import Parent
from tests.bot.telegram.conftest import options_for
from tests.support.fake_telegram import FakeTelegram
from tests.support.synapse import SynapseServer

# A tiny PNG (1x1 pixel) and a few bytes that are not text, so that a re-encoding would show.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PHOTO = b"\xff\xd8\xff\xe0 a photo of the school garden \x00\x01\x02\xff\xd9"
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Koffie\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
PIET = 7
_rows = itertools.count(50_000)


def delivery(platform: str, chat_id: str, action: SendMessage) -> Delivery:
    return Delivery(next(_rows), platform, chat_id, action)


def ics_media() -> Media:
    data = base64.b64encode(ICS).decode()
    return Media("document", f"data:text/calendar;base64,{data}", None, "text/calendar", len(data))


async def download(synapse: SynapseServer, parent: Parent, mxc: str) -> bytes:
    """What the parent's client gets for an mxc:// URI (authenticated media, as Element does)."""
    server, media_id = mxc.removeprefix("mxc://").split("/", 1)
    url = f"{synapse.url}/_matrix/client/v1/media/download/{server}/{media_id}"
    headers = {"Authorization": f"Bearer {parent.user.access_token}"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        assert response.status == 200, await response.text()
        return await response.read()


async def media_events(parent: Parent, room_id: str, sender: str) -> list[dict[str, Any]]:
    return [
        e["content"]
        for e in await parent.messages(room_id)
        if e["type"] == "m.room.message" and e["sender"] == sender and "url" in e["content"]
    ]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
async def telegram(fake: FakeTelegram) -> AsyncIterator[TelegramTransport]:
    bot = make_bot(options_for(fake))
    await bot.initialize()
    yield TelegramTransport(bot)
    await bot.shutdown()


@pytest.fixture
def both(telegram: TelegramTransport, transport: MatrixTransport) -> tuple[Any, Any]:
    share_media([telegram, transport])
    return telegram, transport


async def a_room(matrix: MatrixTransport, make_parent) -> tuple[Parent, str]:  # type: ignore[no-untyped-def]
    parent = await make_parent()
    room_id = await matrix.room_for(parent.user_id)
    await parent.join(room_id)
    return parent, room_id


async def test_a_telegram_photo_arrives_in_a_matrix_room_as_the_same_image(
    fake: FakeTelegram, both, synapse: SynapseServer, make_parent
) -> None:  # type: ignore[no-untyped-def]
    _, matrix = both
    fake.put_file("AgAC-photo", PHOTO, "photos/file_3.jpg")
    parent, room_id = await a_room(matrix, make_parent)
    photo = Media("photo", "AgAC-photo", None, "image/jpeg", len(PHOTO), "telegram")

    await matrix.perform(delivery("matrix", room_id, SendMessage("De tuin", media=photo)))

    [content] = await media_events(parent, room_id, matrix.client.user_id)
    assert content["msgtype"] == "m.image"
    assert content["body"] == "De tuin"
    assert content["info"] == {"mimetype": "image/jpeg", "size": len(PHOTO)}
    assert content["url"].startswith("mxc://")
    assert await download(synapse, parent, content["url"]) == PHOTO
    assert [c.method for c in fake.calls if c.method in ("getFile", "file")] == ["getFile", "file"]


async def test_a_matrix_image_arrives_on_telegram_as_the_same_bytes(
    fake: FakeTelegram, both, make_parent
) -> None:  # type: ignore[no-untyped-def]
    telegram, _ = both
    parent = await make_parent("sender")
    uploaded, _ = await parent.client.upload(
        io.BytesIO(PNG), content_type="image/png", filename="tekening.png", filesize=len(PNG)
    )
    assert isinstance(uploaded, nio.UploadResponse), uploaded
    image = Media("photo", uploaded.content_uri, None, "image/png", len(PNG), "matrix")

    sent = await telegram.perform(
        delivery("telegram", str(PIET), SendMessage("Een tekening", media=image))
    )

    [upload] = fake.uploads
    assert (upload.method, upload.chat_id, upload.data) == ("sendPhoto", PIET, PNG)
    assert upload.filename == "tekening.png"
    message = fake.last(PIET)
    assert (str(message.message_id), message.caption) == (sent, "Een tekening")


async def test_a_calendar_invitation_arrives_as_a_file_on_both_platforms(
    fake: FakeTelegram, both, synapse: SynapseServer, make_parent
) -> None:  # type: ignore[no-untyped-def]
    telegram, matrix = both
    parent, room_id = await a_room(matrix, make_parent)
    invitation = SendMessage("Zet het in je agenda.", media=ics_media())

    await telegram.perform(delivery("telegram", str(PIET), invitation))
    await matrix.perform(delivery("matrix", room_id, invitation))

    [upload] = fake.uploads
    assert (upload.method, upload.filename, upload.data) == ("sendDocument", "invitation.ics", ICS)
    assert fake.last(PIET).caption == "Zet het in je agenda."
    [content] = await media_events(parent, room_id, matrix.client.user_id)
    assert content["msgtype"] == "m.file"
    assert content["filename"] == "invitation.ics"
    assert content["body"] == "Zet het in je agenda."
    assert content["info"]["mimetype"] == "text/calendar"
    assert await download(synapse, parent, content["url"]) == ICS


async def test_one_file_for_two_recipients_is_uploaded_once_on_each_platform(
    fake: FakeTelegram, both, synapse: SynapseServer, make_parent
) -> None:  # type: ignore[no-untyped-def]
    telegram, matrix = both
    fake.put_file("AgAC-once", PHOTO, "photos/file_9.jpg")
    photo = Media("photo", "AgAC-once", "Het schoolplein", "image/jpeg", len(PHOTO), "telegram")
    first, first_room = await a_room(matrix, make_parent)
    second, second_room = await a_room(matrix, make_parent)

    for room_id in (first_room, second_room):
        await matrix.perform(delivery("matrix", room_id, SendMessage("", media=photo)))
    [one] = await media_events(first, first_room, matrix.client.user_id)
    [two] = await media_events(second, second_room, matrix.client.user_id)
    assert one["url"] == two["url"]  # one upload to the homeserver
    assert await download(synapse, second, two["url"]) == PHOTO
    assert len(fake.calls_of("getFile")) == 1

    invitation = SendMessage("Agenda", media=ics_media())
    for chat in (PIET, PIET + 1):
        await telegram.perform(delivery("telegram", str(chat), invitation))
    [upload] = fake.uploads  # the second chat got Telegram's file id of the first upload
    documents = [c.params["document"] for c in fake.calls_of("sendDocument")]
    assert documents[1] == upload.file_id


async def test_a_file_that_is_gone_leaves_the_text_on_both_platforms(
    fake: FakeTelegram, both, synapse: SynapseServer, make_parent
) -> None:  # type: ignore[no-untyped-def]
    telegram, matrix = both
    parent, room_id = await a_room(matrix, make_parent)
    gone_photo = Media("photo", "AgAC-deleted", None, "image/jpeg", 10, "telegram")
    await matrix.perform(delivery("matrix", room_id, SendMessage("Kijk!", media=gone_photo)))
    assert await parent.texts(room_id) == ["Kijk!"]
    assert await media_events(parent, room_id, matrix.client.user_id) == []

    server = matrix.client.user_id.split(":", 1)[1]
    gone_image = Media("photo", f"mxc://{server}/NoSuchMedia", None, "image/png", 10, "matrix")
    await telegram.perform(delivery("telegram", str(PIET), SendMessage("Kijk!", media=gone_image)))
    assert (fake.last(PIET).method, fake.last(PIET).text) == ("sendMessage", "Kijk!")
    assert not fake.uploads


async def test_a_web_url_is_fetched_and_uploaded_to_matrix(
    both, synapse: SynapseServer, make_parent
) -> None:  # type: ignore[no-untyped-def]
    _, matrix = both
    parent, room_id = await a_room(matrix, make_parent)

    async def clip_file(_: web.Request) -> web.Response:
        return web.Response(body=PHOTO, content_type="video/mp4")

    app = web.Application()
    app.router.add_get("/clip.mp4", clip_file)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        clip = Media("video", f"{base}/clip.mp4")
        await matrix.perform(delivery("matrix", room_id, SendMessage("Zo gaat het", media=clip)))
        missing = Media("video", f"{base}/weg.mp4")
        await matrix.perform(delivery("matrix", room_id, SendMessage("Zonder film", media=missing)))
    finally:
        await runner.cleanup()
    [content] = await media_events(parent, room_id, matrix.client.user_id)
    assert (content["msgtype"], content["filename"]) == ("m.video", "clip.mp4")
    assert await download(synapse, parent, content["url"]) == PHOTO
    assert (await parent.texts(room_id))[-1] == "Zonder film"
