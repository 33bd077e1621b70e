"""Every home language a community offers is named in every UI language: a parent never picks
from raw codes such as `rif`."""

from __future__ import annotations

from babel import Locale

from bot.app import App
from community.i18n import LOCALES_DIR, SHIPPED_LOCALES, language_name, read_catalog
from config import load_settings
from tests.support.chat import Chat

# Home languages Dutch schools meet often (the demo community's and the benches' city mixes).
COMMON = ("ar", "tr", "rif", "pl", "uk", "ti", "so", "fa", "ku", "pap", "kea", "srn", "bg", "ro")


def _offered() -> set[str]:
    communities = load_settings(environ={}).communities
    return {code for community in communities for code in community.home_languages} | set(COMMON)


def _named_in(code: str, locale: str) -> bool:
    """CLDR names it in `locale`, or the catalog of `locale` does."""
    catalog = {m.id for m in read_catalog(locale, LOCALES_DIR) if isinstance(m.id, str)}
    return bool(Locale.parse(locale).languages.get(code)) or f"language_name.{code}" in catalog


def test_every_home_language_has_a_name_of_its_own_in_every_ui_language() -> None:
    for code in sorted(_offered()):
        for locale in SHIPPED_LOCALES:
            assert _named_in(code, locale), f"{code} has no name in {locale}"
            assert language_name(code, locale) != code, (code, locale)
    # Riffian is the one CLDR leaves out in Arabic and Ukrainian: the catalog names it.
    assert language_name("rif", "ar") == "الريفية (تاريفيت)"
    assert language_name("rif", "uk").startswith("Тарифіт")


def test_the_home_language_question_shows_names_in_each_ui_language(chat: Chat, app: App) -> None:
    codes = app.settings.communities[0].home_languages
    for number, locale in enumerate(SHIPPED_LOCALES, start=1):
        user = f"parent{number}"
        chat.say(f"{user}: /start ARNHEM")
        chat.say(f"{user}: {number}")  # the language, by its place in the list
        chat.say(f"{user}: 1")  # consent
        chat.say(f"{user}: 6825 AB")
        chat.say(f"{user}: 1")  # the first age band
        labels = chat.last_choices(f"{user}: 5")  # done: the home languages come next
        names = labels[: len(codes)]
        assert all(name.strip() not in codes for name in names), (locale, names)
        for code, name in zip(codes, names, strict=True):
            assert language_name(code, locale) in name, (locale, code, name)
