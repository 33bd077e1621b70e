"""Voice notes: a `Voice` action (words and a language) -> an OGG/Opus file, as the sender
sends it, and the message that carries it on every platform (a `voice` media: Telegram's
sendVoice, Matrix's m.audio with its duration, a file on the console).

Each note is made once per text and language and kept in memory, for this process only: a
prompt that goes to two hundred parents is spoken once. Nothing is written to disk. A text can
name a person (a buddy's first name), so a cache at rest would hold personal data that erasure
would have to find; in memory it is gone at the next restart, and bounded meanwhile.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from bot.engine.port import SendError
from bot.voice.espeak import Speech, SpeechUnavailable, speak
from community.actions import Media, SendMessage, Voice

RATE = 48_000  # Opus's own rate, what Telegram's voice notes use
MIME_TYPE = "audio/ogg"
FILE_NAME = "voice.ogg"
# libsndfile's Opus bit rate: 0 is the highest, 1 the lowest. 0.8 is about 58 kbit/s of speech
# in about 0.08 s of CPU for 6 s of it; from 0.85 on (under 45 kbit/s) libopus switches to its
# speech mode, which takes more than twice the CPU (measured with bench.voice): a note that is
# made fast matters more than 20 kB less to send.
COMPRESSION = 0.8
CACHE_NOTES = 256
CACHE_BYTES = 32 * 1024 * 1024
# What a voice would stumble over: pictograms, web addresses.
_URL = re.compile(r"https?://\S+|www\.\S+")
_SPACES = re.compile(r"[ \t]+")

__all__ = ["Note", "SpeechUnavailable", "make_note", "note_for", "voice_message", "speakable"]


@dataclass(frozen=True)
class Note:
    """An OGG/Opus file and how long it plays."""

    data: bytes
    duration_ms: int


def speakable(text: str) -> str:
    """The words of a text as a voice should read them: no pictograms, no web addresses (the
    text shows those), a pause at each line break."""
    text = _URL.sub(" ", text)
    kept = "".join(
        " " if unicodedata.category(ch) in ("So", "Sk", "Cs", "Co") or ch == "\ufe0f" else ch
        for ch in text
    )
    lines = [_SPACES.sub(" ", line).strip() for line in kept.splitlines()]
    # a full stop at the end of a line that has none: eSpeak pauses there, as a reader would
    return " ".join(
        line if line[-1] in ".!?:;,؟،" else f"{line}." for line in lines if line.strip(" .-–")
    )


def encode(speech: Speech) -> bytes:
    """Mono 16-bit speech -> OGG/Opus at 48 kHz (eSpeak speaks at 22050 Hz: resampled by
    linear interpolation, plenty for a voice whose sound stays below 11 kHz)."""
    # Imported here: every process that sends loads this module, few of them speak.
    import numpy as np
    import soundfile

    samples = speech.samples.astype(np.float32) / 32768.0
    if speech.rate != RATE and len(samples):
        count = int(round(len(samples) * RATE / speech.rate))
        positions = np.arange(count, dtype=np.float64) * (speech.rate / RATE)
        samples = np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
    buffer = io.BytesIO()
    soundfile.write(
        buffer, samples, RATE, format="OGG", subtype="OPUS", compression_level=COMPRESSION
    )
    return buffer.getvalue()


def make_note(text: str, locale: str) -> Note:
    """Speak `text` in `locale` and encode it (no cache). Raises SpeechUnavailable."""
    words = speakable(text)
    if not words:
        raise SpeechUnavailable("nothing to say")
    speech = speak(words, locale)
    if not len(speech.samples):
        raise SpeechUnavailable("eSpeak NG made no sound")
    return Note(encode(speech), int(round(speech.seconds * 1000)))


class _Cache:
    def __init__(self, notes: int = CACHE_NOTES, size: int = CACHE_BYTES) -> None:
        self.notes, self.size = notes, size
        self.items: OrderedDict[str, Note] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    @staticmethod
    def key(text: str, locale: str) -> str:
        return hashlib.sha256(f"{locale}\n{text}".encode()).hexdigest()

    def get(self, key: str) -> Note | None:
        with self.lock:
            note = self.items.get(key)
            if note is not None:
                self.items.move_to_end(key)
            return note

    def put(self, key: str, note: Note) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = note
            self.bytes += len(note.data)
            while len(self.items) > self.notes or self.bytes > self.size:
                _, old = self.items.popitem(last=False)
                self.bytes -= len(old.data)


CACHE = _Cache()


async def note_for(voice: Voice) -> Note:
    """The note for a `Voice` action: from the cache, or made now off the event loop."""
    key = CACHE.key(voice.text, voice.locale)
    note = CACHE.get(key)
    if note is None:
        note = await asyncio.to_thread(make_note, voice.text, voice.locale)
        CACHE.put(key, note)
    return note


def as_message(note: Note) -> SendMessage:
    """A message with the note as its only content: what the transports send."""
    encoded = base64.b64encode(note.data).decode()
    media = Media(
        "voice",
        f"data:{MIME_TYPE};name={FILE_NAME};base64,{encoded}",
        mime_type=MIME_TYPE,
        size=len(note.data),
        duration_ms=note.duration_ms,
    )
    return SendMessage("", media=media)


async def voice_message(voice: Voice) -> SendMessage:
    """What the sender sends for a `Voice` row. A note that cannot be made (no voice for the
    language, nothing to say) fails for good: the text it follows has gone already."""
    try:
        return as_message(await note_for(voice))
    except SpeechUnavailable as exc:
        raise SendError(f"voice note: {exc}", permanent=True) from None
