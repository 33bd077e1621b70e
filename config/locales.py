"""The one list of languages this release ships; config and message catalogs both read it."""

from __future__ import annotations

# In the order the language buttons show them. A language is only listed here once its catalog
# is complete (tests/community/test_i18n.py checks every one listed).
LOCALES: tuple[str, ...] = ("nl", "en")
# The language a missing message falls back to; it must be in LOCALES.
FALLBACK_LOCALE = "en"
