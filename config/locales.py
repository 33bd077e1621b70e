"""The one list of languages this release ships; config and message catalogs both read it."""

from __future__ import annotations

# In the order the language buttons show them. Adding a language is its catalog plus its code
# here: tests, benches and the language question read this tuple. A catalog may be partial: a
# missing message comes from the default language, then English (`ouderkring i18n check` lists
# the gaps and fails on a shipped language that has any).
LOCALES: tuple[str, ...] = ("nl", "en", "ar", "tr", "pl", "uk")
# The last language a missing message falls back to; it must be in LOCALES and complete.
FALLBACK_LOCALE = "en"
