"""The client of a machine translation server with LibreTranslate's API: `POST /translate`
with `q`, `source` (a language code or "auto"), `target`, `format` and `api_key`, answered with
`{"translatedText": ..., "detectedLanguage": {"language": ...}}` (the latter only for "auto").

Off unless `[translation] url` is set (config/translation.py): then, and only then, a text
leaves this server. Every failure (server down, slow, an error status, an answer that is not
the API's) gives None, so the caller does what it did without the server; it is logged with the
languages and the reason, never with the text or the key. The scheduled jobs and the engine's
handlers run in threads, so `MachineTranslator` is synchronous.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from config.translation import TranslationSettings

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

AUTO = "auto"  # the server detects the source language
MAX_CHARS = 5000  # longer texts are not sent (a prompt is short; this is a guard, not a limit)


@dataclass(frozen=True)
class Translation:
    text: str
    detected: str | None = None  # the source language the server found, for source "auto"


class TranslationFailed(Exception):
    """Why a request gave no translation, in words that hold no text and no key."""


def section(settings: Any) -> TranslationSettings | None:
    """The `[translation]` settings from themselves or from the whole `Settings`."""
    found = getattr(settings, "translation", settings)
    return found if isinstance(found, TranslationSettings) else None


def _request(text: str, source: str, target: str, settings: TranslationSettings) -> dict[str, Any]:
    body: dict[str, Any] = {"q": text, "source": source, "target": target, "format": "text"}
    if settings.api_key:
        body["api_key"] = settings.api_key
    return body


def _wanted(text: str, source: str, target: str, settings: TranslationSettings | None) -> bool:
    return (
        settings is not None
        and settings.translates_into(target)
        and source != target
        and bool(text.strip())
        and len(text) <= MAX_CHARS
    )


def _read(response: httpx.Response) -> Translation:
    if response.status_code != 200:
        # The body may repeat the text: only the status is told.
        raise TranslationFailed(f"HTTP status {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise TranslationFailed("the answer is not JSON") from None
    translated = data.get("translatedText") if isinstance(data, dict) else None
    if not isinstance(translated, str) or not translated.strip():
        raise TranslationFailed("the answer has no translatedText")
    detected = data.get("detectedLanguage")
    language = detected.get("language") if isinstance(detected, dict) else None
    return Translation(translated.strip(), language if isinstance(language, str) else None)


def _failed(source: str, target: str, reason: object) -> None:
    # An httpx error's words name the URL and the kind of failure, never the request's body.
    log.warning("machine translation %s -> %s failed: %s", source, target, reason)


class MachineTranslator:
    """Drafts for one job run or one handler call. After a failure it sends nothing more: a
    server that is down costs one timeout, not one per language and answer."""

    def __init__(self, settings: Any) -> None:
        self.settings = section(settings)
        self.failed = False
        self._client: httpx.Client | None = None

    @property
    def enabled(self) -> bool:
        return self.settings is not None and self.settings.enabled

    def translate(self, text: str, source: str, target: str) -> Translation | None:
        settings = self.settings
        if self.failed or settings is None or not _wanted(text, source, target, settings):
            return None
        # httpx is loaded once a text is really sent: most processes never translate.
        import httpx

        if self._client is None:
            self._client = httpx.Client(timeout=settings.timeout)
        try:
            response = self._client.post(
                f"{settings.url}/translate", json=_request(text, source, target, settings)
            )
            return _read(response)
        except (httpx.HTTPError, TranslationFailed) as exc:
            self.failed = True
            _failed(source, target, _reason(exc))
            return None

    def draft(self, text: str, source: str, target: str) -> str | None:
        found = self.translate(text, source, target)
        return found.text if found is not None else None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> MachineTranslator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reason(exc: Exception) -> str:
    import httpx

    if isinstance(exc, TranslationFailed):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    return f"{type(exc).__name__}: {exc}"
