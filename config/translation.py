"""The `[translation]` table: an optional machine translation server (LibreTranslate or any
server with its API). Without `url` nothing is ever sent anywhere: prompts without a text in a
parent's language go out in Dutch with a line saying so, as before. With it, the server drafts
the missing translations, and what a parent or a professional reads from it is marked as an
automatic translation.

The server's API key, when it wants one, comes only from the environment
(`OUDERKRING_TRANSLATION_API_KEY`), never from the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from config.locales import LOCALES

if TYPE_CHECKING:
    from config.reader import Reader

ENV_TRANSLATION_API_KEY = "OUDERKRING_TRANSLATION_API_KEY"
DEFAULT_TIMEOUT = 5.0  # seconds: a draft that takes longer is not worth holding a delivery for
MIN_TIMEOUT, MAX_TIMEOUT = 0.5, 60.0


@dataclass(frozen=True)
class TranslationSettings:
    """Where the translation server is (None: machine translation is off), its API key, how
    long one request may take, and the languages it may translate into."""

    url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    locales: tuple[str, ...] = LOCALES

    @property
    def enabled(self) -> bool:
        return self.url is not None

    def translates_into(self, locale: str) -> bool:
        return self.enabled and locale in self.locales


def load_translation_settings(reader: Reader, env: dict[str, str]) -> TranslationSettings:
    """Without the table (or without `url` in it): off, whatever the environment says."""
    if "translation" not in reader.data:
        return TranslationSettings()
    table = reader.table("translation")
    if "api_key" in table.data:
        raise table.fail(
            "api_key", f"secrets belong in environment variables: set {ENV_TRANSLATION_API_KEY}"
        )
    table.check_unknown({"url", "timeout", "locales"})
    url = table.get("url", str, None)
    if url is None:
        return TranslationSettings()
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise table.fail("url", "must be an http(s) URL such as http://libretranslate:5000")
    if parts.username is not None or parts.password is not None:
        raise table.fail(
            "url", f"secrets belong in environment variables: set {ENV_TRANSLATION_API_KEY}"
        )
    timeout = table.get("timeout", float, DEFAULT_TIMEOUT)
    if not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        raise table.fail("timeout", f"must be between {MIN_TIMEOUT} and {MAX_TIMEOUT} seconds")
    locales = table.get("locales", list, list(LOCALES))
    for index, code in enumerate(locales):
        if code not in LOCALES:
            raise table.fail(
                f"locales[{index}]", f"{code!r} is not a shipped language ({', '.join(LOCALES)})"
            )
    return TranslationSettings(
        url=url,
        api_key=env.get(ENV_TRANSLATION_API_KEY) or None,
        timeout=timeout,
        locales=tuple(dict.fromkeys(locales)),
    )
