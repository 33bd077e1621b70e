"""Message catalogs: every text a user sees comes from here.

Catalogs are gettext `.po` files managed with Babel, keyed by stable message ids such as
``onboarding.welcome``. They are compiled in memory when the translator is built, so the app
needs no build step and no compiled `.mo` file is committed. One process serves many languages,
so the locale is always passed explicitly (never ``gettext.install``).
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from config.locales import FALLBACK_LOCALE, LOCALES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"

# The languages this release ships, in button order; the one list lives in config.locales.
SHIPPED_LOCALES: tuple[str, ...] = LOCALES

FSI, PDI = "\u2068", "\u2069"


def catalog_path(locale: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


# Pure lookups in CLDR data, asked for on every language menu: parsed once per process.
@functools.cache
def native_name(locale: str) -> str:
    """The language's name in itself, as a parent looks for it: "Nederlands", "Polski"."""
    return _capitalised(Locale.parse(locale).get_display_name(locale) or locale)


# Where CLDR has no name of a home language in a reader's language (Riffian in Arabic or
# Ukrainian), or a worse one, the catalog gives it: `language_name.<code>`.
LANGUAGE_NAME_PREFIX = "language_name."


@functools.cache
def _catalog_language_names(locale: str) -> dict[str, str]:
    if locale not in LOCALES or not catalog_path(locale).is_file():
        return {}
    return {
        str(m.id).removeprefix(LANGUAGE_NAME_PREFIX): str(m.string)
        for m in read_catalog(locale)
        if isinstance(m.id, str) and m.id.startswith(LANGUAGE_NAME_PREFIX) and is_translated(m)
    }


@functools.cache
def language_name(code: str, in_locale: str) -> str:
    """The name of a home language (any ISO code CLDR knows) in the reader's language: the
    catalog's name, else CLDR's, else the English one, so a reader never sees a bare code."""
    for locale in dict.fromkeys((in_locale, FALLBACK_LOCALE)):
        name = _catalog_language_names(locale).get(code)
        name = name or (Locale.parse(locale).languages.get(code) if locale else None)
        if name:
            return _capitalised(name)
    return code


def is_rtl(locale: str) -> bool:
    return Locale.parse(locale).text_direction == "rtl"


def read_catalog(locale: str, locales_dir: Path = LOCALES_DIR) -> Catalog:
    with catalog_path(locale, locales_dir).open("rb") as handle:
        return read_po(handle, locale=locale)


def is_translated(message: Message) -> bool:
    """Every form filled in: a message with an empty form is left to the fallback whole, so a
    partly translated plural never shows its id."""
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(message.id) and all(form and form.strip() for form in forms)


def _load(locale: str, locales_dir: Path) -> gettext.GNUTranslations:
    stat = catalog_path(locale, locales_dir).stat()
    compiled = _compiled(locale, locales_dir, (stat.st_mtime_ns, stat.st_size))
    return gettext.GNUTranslations(io.BytesIO(compiled))


# Compiling a catalog takes a twentieth of a second: a process that builds many translators
# (the tests) compiles each file once, and again only when the file changed.
@functools.lru_cache(maxsize=32)
def _compiled(locale: str, locales_dir: Path, _version: tuple[int, int]) -> bytes:
    catalog = read_catalog(locale, locales_dir)
    for message in list(catalog):
        if message.id and not is_translated(message):
            catalog.delete(message.id, message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


class Translator:
    """Looks up messages by id in the recipient's language. A message a catalog lacks (or has
    only partly, such as one plural form) comes from the default language, then from English:
    a language can ship before every message is translated."""

    def __init__(
        self,
        locales: Iterable[str] = SHIPPED_LOCALES,
        locales_dir: Path = LOCALES_DIR,
        default_locale: str | None = None,
    ):
        self.locales = tuple(locales)
        self._rtl = {locale: is_rtl(locale) for locale in self.locales}
        english = _load(FALLBACK_LOCALE, locales_dir)
        self._catalogs: dict[str, gettext.GNUTranslations] = {FALLBACK_LOCALE: english}
        # The chain is built once: locale -> default -> English (gettext asks each in turn).
        first = default_locale if default_locale in self.locales else FALLBACK_LOCALE
        if first != FALLBACK_LOCALE:
            self._catalogs[first] = _load(first, locales_dir)
            self._catalogs[first].add_fallback(english)
        for locale in self.locales:
            if locale not in self._catalogs:
                self._catalogs[locale] = _load(locale, locales_dir)
                self._catalogs[locale].add_fallback(self._catalogs[first])
        self.default_locale = first

    def resolve(self, locale: str | None) -> str:
        return locale if locale in self._catalogs else self.default_locale

    def _format(self, locale: str, text: str, values: Mapping[str, Any]) -> str:
        if not values:
            return text
        if self._rtl.get(locale):
            # Isolate each inserted value so a Latin name or number keeps its direction.
            values = {key: f"{FSI}{value}{PDI}" for key, value in values.items()}
        return text.format(**values)

    def t(self, locale: str | None, msgid: str, **values: Any) -> str:
        locale = self.resolve(locale)
        return self._format(locale, self._catalogs[locale].gettext(msgid), values)

    def tn(self, locale: str | None, msgid: str, plural_id: str, count: int, **values: Any) -> str:
        """A message whose form depends on a number (Babel's plural rules per language)."""
        locale = self.resolve(locale)
        text = self._catalogs[locale].ngettext(msgid, plural_id, count)
        return self._format(locale, text, {"count": count, **values})
