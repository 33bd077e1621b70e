"""Text to speech with eSpeak NG, on this machine: the library and its voices come in the PyPI
package `espeakng-loader` (nothing from apt, nothing downloaded at run time), called through
its C API with ctypes.

eSpeak keeps one global state (the voice, the callback), so every call holds one lock: notes
are made one at a time per process, each in a few milliseconds.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# eSpeak NG's C API (speak_lib.h)
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: espeak_Synth returns when the text is spoken
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_RATE = 1  # espeakRATE
_OK = 0  # EE_OK
# Words a minute; eSpeak's own default is 175. A little slower is easier to follow for a
# parent who is learning the language.
WORDS_PER_MINUTE = 150
# The voices of the six languages of the bot (all shipped by espeakng-loader 0.2).
VOICES = {"nl": "nl", "en": "en", "ar": "ar", "tr": "tr", "pl": "pl", "uk": "uk"}

_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class SpeechUnavailable(RuntimeError):
    """eSpeak NG cannot be loaded here, or has no voice for the language."""


@dataclass(frozen=True)
class Speech:
    """Mono 16-bit samples at `rate` Hz."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


class _Engine:
    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise SpeechUnavailable("espeakng-loader is not installed") from exc
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        data = espeakng_loader.get_data_path().encode()
        self.rate = int(lib.espeak_Initialize(_SYNCHRONOUS, 0, data, 0))
        if self.rate <= 0:
            raise SpeechUnavailable("eSpeak NG did not start")
        self.lib = lib
        self.chunks: list[np.ndarray] = []
        # kept on the object: the C library holds only a pointer to it
        self.callback = _Callback(self._collect)
        lib.espeak_SetSynthCallback(self.callback)
        self.voice: str | None = None

    def _collect(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and wav:
            import numpy as np  # numpy only once something is spoken (see bot/voice/notes.py)

            self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # go on

    def speak(self, text: str, locale: str) -> Speech:
        voice = VOICES.get(locale.split("_")[0].lower())
        if voice is None:
            raise SpeechUnavailable(f"no voice for {locale!r}")
        if voice != self.voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != _OK:
                raise SpeechUnavailable(f"eSpeak NG has no voice {voice!r}")
            self.lib.espeak_SetParameter(_RATE, WORDS_PER_MINUTE, 0)
            self.voice = voice
        encoded = text.encode()
        self.chunks = []
        result = self.lib.espeak_Synth(
            encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        self.lib.espeak_Synchronize()
        if result != _OK:
            raise SpeechUnavailable(f"eSpeak NG failed ({result})")
        import numpy as np

        samples = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int16)
        self.chunks = []
        return Speech(samples, self.rate)


_lock = threading.Lock()
_engine: _Engine | None = None


def speak(text: str, locale: str) -> Speech:
    """The text spoken in the language of `locale` ("nl", "ar", ...)."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = _Engine()
        return _engine.speak(text, locale)
