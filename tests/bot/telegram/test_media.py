"""Telegram as a media source (getFile + the file URL of the fake Bot API) and the Telegram
transport's answers when foreign media cannot be had."""

from __future__ import annotations

import itertools

import pytest

from bot.engine.media import MediaSources
from bot.engine.port import Delivery, FetchedMedia, MediaUnavailable, SendError
from bot.telegram.media import TelegramMediaSource
from bot.telegram.transport import TelegramTransport
from community.actions import Button, Media, SendMessage
from tests.support.fake_telegram import FakeTelegram

PIET = 7
_rows = itertools.count(1)


class Gone:
    """A Matrix source whose files were all deleted."""

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        raise MediaUnavailable("HTTP 404")


class Down:
    """A Matrix source whose homeserver does not answer now."""

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        raise SendError("homeserver media not reachable: ClientConnectorError")


def delivery(action: SendMessage) -> Delivery:
    return Delivery(next(_rows), "telegram", str(PIET), action)


async def test_a_file_id_gives_the_bytes_its_type_and_name(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    fake.put_file("BQAC-doc", b"%PDF-1.4 brief", "documents/file_5.pdf")
    fetched = await TelegramMediaSource(bot).fetch(
        Media("document", "BQAC-doc", origin="telegram"), 1000
    )
    assert fetched == FetchedMedia(b"%PDF-1.4 brief", "application/pdf", "file_5.pdf")


async def test_an_unknown_or_too_big_file_is_unavailable(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    source = TelegramMediaSource(bot)
    with pytest.raises(MediaUnavailable):
        await source.fetch(Media("photo", "no-such-file", origin="telegram"), 1000)
    fake.put_file("AgAC-big", b"x" * 100)
    with pytest.raises(MediaUnavailable):
        await source.fetch(Media("photo", "AgAC-big", origin="telegram"), 99)


async def test_a_rate_limited_get_file_is_tried_later(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    fake.put_file("AgAC-photo", b"jpeg")
    fake.fail_with_429(retry_after=3, method="getFile")
    with pytest.raises(SendError) as caught:
        await TelegramMediaSource(bot).fetch(Media("photo", "AgAC-photo", origin="telegram"), 99)
    assert (caught.value.retry_after, caught.value.permanent) == (3, False)


async def test_gone_media_sends_the_text_without_it(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot, MediaSources({"matrix": Gone()}))
    photo = Media("photo", "mxc://hs/gone", "Het schoolplein", origin="matrix")
    action = SendMessage("Kom je ook?", (Button("Ja", "rsvp:yes"),), media=photo)
    sent = await transport.perform(delivery(action))
    message = fake.last(PIET)
    assert (str(message.message_id), message.method, message.text) == (
        sent,
        "sendMessage",
        "Kom je ook?",
    )
    assert [b["text"] for b in message.buttons()] == ["Ja"]
    # no text: the caption is the text; no caption either: nothing to send
    await transport.perform(delivery(SendMessage("", media=photo)))
    assert fake.last(PIET).text == "Het schoolplein"
    with pytest.raises(SendError) as caught:
        await transport.perform(
            delivery(SendMessage("", media=Media("photo", "x", None, origin="matrix")))
        )
    assert caught.value.permanent
    assert not fake.uploads


async def test_media_of_a_platform_not_run_here_sends_the_text(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot)  # Telegram only: no Matrix source
    photo = Media("photo", "mxc://hs/abc", origin="matrix")
    await transport.perform(delivery(SendMessage("Een foto van de klas", media=photo)))
    assert fake.last(PIET).text == "Een foto van de klas"


async def test_an_unreachable_source_is_retried_and_not_cached(fake: FakeTelegram, bot) -> None:  # type: ignore[no-untyped-def]
    transport = TelegramTransport(bot, MediaSources({"matrix": Down()}))
    photo = Media("photo", "mxc://hs/abc", origin="matrix")
    with pytest.raises(SendError) as caught:
        await transport.perform(delivery(SendMessage("Foto", media=photo)))
    assert not caught.value.permanent
    assert transport.uploads.get(photo) is None
    assert not fake.sent_to(PIET)


class Images:
    """A Matrix source with one large image."""

    async def fetch(self, media: Media, limit: int) -> FetchedMedia:
        return FetchedMedia(b"\x89PNG" + b"x" * 200, "image/png", "poster.png")


async def test_an_image_telegram_refuses_as_a_photo_arrives_as_a_file(
    fake: FakeTelegram, bot
) -> None:  # type: ignore[no-untyped-def]
    fake.photo_limit = 100
    transport = TelegramTransport(bot, MediaSources({"matrix": Images()}))
    poster = Media("photo", "mxc://hs/poster", origin="matrix")
    await transport.perform(delivery(SendMessage("De poster", media=poster)))
    [upload] = fake.uploads
    assert (upload.method, upload.filename, len(upload.data)) == ("sendDocument", "poster.png", 204)
    assert fake.last(PIET).caption == "De poster"
    # the next parent gets the file by its id, without a new upload
    await transport.perform(delivery(SendMessage("De poster", media=poster)))
    assert fake.calls_of("sendDocument")[-1].params["document"] == upload.file_id
    assert len(fake.uploads) == 1
