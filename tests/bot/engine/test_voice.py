"""Voice notes: a parent who turns them on (/voice on, or "I prefer listening" at onboarding)
hears every message too: each text is followed by a playable OGG/Opus note in their language,
made by eSpeak NG on this machine, sent as its own outbox row (nothing lost, nothing twice)."""

from __future__ import annotations

import asyncio
import base64
import io
from datetime import UTC, datetime

import numpy as np
import pytest
import soundfile
from sqlalchemy import select

from bot.app import App
from bot.console import ConsoleTransport
from bot.engine.port import Delivery, SendError
from bot.voice import notes
from bot.voice.espeak import VOICES, WORDS_PER_MINUTE
from community.actions import Media, PinMessage, SendMessage, Target, Voice
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES
from community.models import OutboxMessage, OutboxStatus, Person
from community.services import outbox
from community.services.outbox import Outgoing
from tests.bot.engine.test_prompts_chat import QUESTION, _send
from tests.support.chat import Chat, Sent
from tests.support.transport import RecordingTransport

RMS_FLOOR = 0.01  # eSpeak speaks at about 0.1; silence is 0


def decode(media: Media) -> tuple[np.ndarray, int]:
    """The samples of a voice note the bot sent (a data: URL), checked to be OGG/Opus."""
    header, _, payload = media.ref.partition(",")
    assert header == "data:audio/ogg;name=voice.ogg;base64"
    data = base64.b64decode(payload)
    assert data[:4] == b"OggS" and b"OpusHead" in data[:64]
    info = soundfile.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.channels) == ("OGG", "OPUS", 1)
    samples, rate = soundfile.read(io.BytesIO(data))
    assert rate == 48_000
    return samples, rate


def assert_spoken(media: Media, text: str) -> None:
    """A playable note as long as its text takes to say, and not silence."""
    assert (media.kind, media.mime_type) == ("voice", "audio/ogg")
    samples, rate = decode(media)
    seconds = len(samples) / rate
    assert media.duration_ms is not None
    assert abs(seconds * 1000 - media.duration_ms) < 100
    words = len(text.split())
    expected = words * 60 / WORDS_PER_MINUTE
    assert expected / 2.5 < seconds < expected * 2.5 + 1, (words, seconds)
    assert float(np.sqrt(np.mean(samples**2))) > RMS_FLOOR


def _onboard_nl(chat: Chat, user: str) -> None:
    for line in ("/start ARNHEM", "Nederlands", "1", "6825 AB", "1", "Klaar", "2", "Klaar", "1"):
        chat.say(f"{user}: {line}")


def _voices(sent: list[Sent]) -> list[Media]:
    return [m.action.media for m in sent if m.action.media and m.action.media.kind == "voice"]


def test_voice_on_then_every_message_comes_as_text_and_a_note(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    on = chat.messages("anna: /voice on")
    assert [m.text for m in on] == [
        "Voice notes are on. You get every message as text and as a voice note. "
        "Turn them off with /voice off.",
        "",
    ]
    assert_spoken(on[1].action.media, on[0].text)  # type: ignore[arg-type]
    helped = chat.messages("anna: /help")
    assert [bool(m.text) for m in helped] == [True, False]  # the text, then its note
    assert_spoken(helped[1].action.media, helped[0].text)  # type: ignore[arg-type]
    with app.session_factory() as session:
        rows = session.execute(
            select(OutboxMessage.kind, OutboxMessage.payload, OutboxMessage.status)
            .where(OutboxMessage.chat_id == "anna")
            .order_by(OutboxMessage.id)
        ).all()
    assert [kind for kind, _, _ in rows[-2:]] == ["send", "voice"]
    kind, payload, status = rows[-1]
    assert status is OutboxStatus.SENT
    assert payload == {"text": helped[0].text, "locale": "en"}  # words, never the audio
    assert any("You get every message as a voice note too." in t for t in chat.say("anna: /mydata"))
    off = chat.messages("anna: /voice off")
    assert [m.text for m in off] == [
        "Voice notes are off. You get text only. Turn them on again with /voice on."
    ]
    assert [m.text for m in chat.messages("anna: /help")][-1]  # text only again


def test_voice_alone_switches_and_bad_words_are_explained(chat: Chat) -> None:
    _onboard_nl(chat, "anna")
    assert chat.say("anna: /voice misschien") == ["Schrijf /voice aan of /voice uit."]
    assert chat.say("anna: /voice")[0].startswith("Spraakberichten staan aan.")
    assert chat.say("anna: /voice aan")[0] == (
        "Spraakberichten staan al aan. Zet ze uit met /voice uit."
    )
    assert chat.say("anna: /voice uit") == [
        "Spraakberichten staan uit. Je krijgt alleen tekst. Zet ze weer aan met /voice aan."
    ]
    assert chat.say("anna: /voice off") == [
        "Spraakberichten staan al uit. Zet ze aan met /voice aan."
    ]
    assert "/voice – elk bericht ook horen als spraakbericht" in chat.say("anna: /help")[0]
    assert "/voice" not in chat.say("bo: /help")[0]  # not joined: nothing to hear yet
    assert chat.say("bo: /voice on") != []  # refused politely, not an error


def test_onboarding_offers_listening_right_after_consent(chat: Chat, app: App) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    [*_, ask] = chat.messages("anna: 1")  # consent: the parent is stored now
    assert ask.text == "What is your postcode? For example: 6825 AB"
    assert [c.label for c in ask.choices] == ["I prefer listening"]
    pressed = chat.press("anna", ask, "I prefer listening")
    assert [m.text for m in pressed] == [
        "Voice notes are on. You get every message as text and as a voice note. "
        "Turn them off with /voice off.",
        "",
        "What is your postcode? For example: 6825 AB",  # asked again, now without the button
        "",
    ]
    assert pressed[2].choices == ()
    assert_spoken(pressed[3].action.media, pressed[2].text)  # type: ignore[arg-type]
    saved = chat.messages("anna: 6825 AB")  # the typed postcode still answers
    assert saved[0].text == "Thank you. You live in Presikhaaf-Oost."
    assert len(_voices(saved)) == len(saved) // 2
    with app.session_factory() as session:
        assert session.scalars(select(Person.voice_notes)).one() is True


def test_a_wrong_postcode_is_asked_again_without_the_offer(chat: Chat) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: English")
    chat.say("anna: 1")
    again = chat.messages("anna: 99")
    assert again[-1].text == "What is your postcode? For example: 6825 AB"
    assert again[-1].choices == ()
    assert not _voices(again)
    # the words still work while onboarding lasts
    assert chat.say("anna: I prefer listening")[0].startswith("Voice notes are on.")


def test_the_button_words_typed_without_the_pictogram_work_too(chat: Chat) -> None:
    chat.say("anna: /start ARNHEM")
    chat.say("anna: Nederlands")
    chat.say("anna: 1")
    said = chat.say("anna: ik luister liever")
    assert said[0].startswith("Spraakberichten staan aan.")


def test_a_note_lists_the_buttons_by_number(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /voice on")
    [*_, menu, note] = chat.messages("anna: /profile")
    assert menu.choices and note.action.media is not None
    with app.session_factory() as session:
        voice = session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "voice")
        ).all()[-1]
    first = menu.choices[0].label
    assert voice["text"].startswith(menu.text)
    assert f"\n1: {first}" in voice["text"]


def test_prompts_come_as_notes_in_the_parents_language(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _onboard_nl(chat, "anna")
    chat.onboard("bo")
    chat.say("anna: /voice aan")
    _send(chat, app, clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC), QUESTION)
    chat.flush()
    to_anna = [Sent(d) for d in transport.sent if d.chat_id == "anna"][-2:]
    assert to_anna[0].text.startswith("❓ Wat deed u samen?")
    assert_spoken(to_anna[1].action.media, to_anna[0].text)  # type: ignore[arg-type]
    to_bo = [Sent(d) for d in transport.sent if d.chat_id == "bo"]
    assert not _voices(to_bo)  # bo did not ask for notes
    with app.session_factory() as session:
        [payload] = session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.kind == "voice",
                OutboxMessage.payload["text"].as_string().like("Wat%"),
            )
        ).all()
    assert payload["locale"] == "nl"


def test_a_note_that_fails_is_sent_later_on_its_own_once(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    chat.say("anna: /voice on")
    before = len(transport.done)
    original = transport.perform
    failed: list[int] = []

    async def perform(delivery: Delivery) -> str | None:
        action = delivery.action
        if isinstance(action, SendMessage) and action.media and not failed:
            failed.append(delivery.outbox_id)
            raise SendError("network")  # the note fails once; its text went
        return await original(delivery)

    transport.perform = perform  # type: ignore[method-assign]
    chat.say("anna: /help")
    texts = [d.action for d in transport.done[before:]]
    assert [isinstance(a, SendMessage) and bool(a.text) for a in texts] == [True]
    clock.advance(seconds=60)
    asyncio.run(app.dispatcher.dispatch_due())
    asyncio.run(app.dispatcher.dispatch_due())
    after = transport.done[before:]
    assert [isinstance(d.action, SendMessage) and bool(d.action.text) for d in after] == [
        True,
        False,
    ]
    assert after[1].outbox_id == failed[0]  # the same row, sent once, after its text


def test_group_messages_and_other_chats_get_no_note(chat: Chat, app: App) -> None:
    chat.onboard("anna")
    chat.say("anna: /voice on")
    with app.session_factory.begin() as session:
        person = session.scalars(select(Person).where(Person.platform_user_id == "anna")).one()
        items = [
            Outgoing("console", "@tips", SendMessage("In the group"), person.id),
            Outgoing("console", "anna", SendMessage("To anna"), person.id),
            Outgoing("console", "anna", PinMessage(Target(earlier=1)), person.id),
        ]
        outbox.enqueue_all(session, items, app.clock)
    with app.session_factory() as session:
        rows = session.execute(
            select(
                OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.kind, OutboxMessage.payload
            )
            .order_by(OutboxMessage.id.desc())
            .limit(4)
        ).all()[::-1]
    assert [(chat_id, kind) for _, chat_id, kind, _ in rows] == [
        ("@tips", "send"),
        ("anna", "send"),
        ("anna", "voice"),
        ("anna", "pin"),
    ]
    # the pin still names the text it was queued after, not the note between them
    assert rows[3][3]["target"]["outbox_id"] == rows[1][0]


def test_erasing_a_parent_erases_the_notes_that_name_them(chat: Chat, app: App) -> None:
    """A note holds the words of its text: a note to bo that quotes anna goes with anna."""
    chat.onboard("anna")
    chat.onboard("bo")
    chat.say("anna: /voice on")
    chat.say("bo: /voice on")
    with app.session_factory.begin() as session:
        anna, bo = (
            session.scalars(select(Person).where(Person.platform_user_id == user)).one()
            for user in ("anna", "bo")
        )
        quote = Outgoing(
            "console", "bo", SendMessage("Zyxwen says hello"), bo.id, mentions=(anna.id,)
        )
        outbox.enqueue_all(session, [quote], app.clock)
    chat.flush()  # sends it
    with app.session_factory() as session:
        kinds = session.execute(select(OutboxMessage.kind, OutboxMessage.payload)).all()
    assert [k for k, p in kinds if "Zyxwen" in str(p)] == ["send", "voice"]
    chat.say("anna: /stop")
    chat.say("anna: Yes, stop")
    chat.say("anna: Yes, erase all")
    with app.session_factory() as session:
        assert session.scalars(select(Person.platform_user_id)).all() == ["bo"]
        left = session.scalars(select(OutboxMessage.payload)).all()
    assert not [p for p in left if "Zyxwen" in str(p)]
    assert any(p.get("locale") == "en" for p in left)  # bo's own notes stay


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_language_has_a_voice(locale: str, app: App) -> None:
    assert locale in VOICES
    text = app.translator.t(locale, "voice.on")
    note = notes.make_note(text, locale)
    assert_spoken(notes.as_message(note).media, text)  # type: ignore[arg-type]


def test_a_note_is_made_once_per_text_and_language() -> None:
    voice = Voice("Morgen is er koffie op school.", "nl")
    first = asyncio.run(notes.note_for(voice))
    assert asyncio.run(notes.note_for(voice)) is first
    other = asyncio.run(notes.note_for(Voice(voice.text, "en")))
    assert other is not first


def test_pictograms_and_links_are_not_read_aloud() -> None:
    assert notes.speakable("🔊 Hello!\nSee https://example.org\n1: ✅ Yes") == (
        "Hello! See. 1: Yes."
    )


def test_the_console_writes_the_note_and_shows_its_path(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    output = io.StringIO()
    console = ConsoleTransport(output, voice_folder=folder)
    message = notes.as_message(notes.make_note("Hello Anna.", "en"))
    asyncio.run(console.perform(Delivery(7, "console", "anna", message, None)))
    [line] = output.getvalue().splitlines()
    [written] = folder.iterdir()
    assert line.startswith(f"to anna: [voice {written}, ") and line.endswith(" s]")
    samples, _ = soundfile.read(written)
    assert float(np.sqrt(np.mean(samples**2))) > RMS_FLOOR
