"""The catalogs: every shipped language complete, placeholders matching, every id the code uses
present, and the texts short and plain."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from bot.engine.handler_table import HANDLERS
from bot.engine.handlers.profile import EDITABLE
from community.i18n import (
    FALLBACK_LOCALE,
    FSI,
    LANGUAGE_NAME_PREFIX,
    PDI,
    SHIPPED_LOCALES,
    Translator,
    catalog_path,
)
from community.models import Role
from config.programme import AGE_BANDS

ROOT = Path(__file__).resolve().parents[2]
ID = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def _messages(locale: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for message in _catalog(locale):
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out[key] = tuple(strings)
    return out


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _ids_used_in_code() -> set[str]:
    """Literal message ids passed to t/tn/say/yes_no or set as ask_id/none_id, plus the ids the
    code builds from names (commands, roles, age bands, editable answers)."""
    ids: set[str] = set()
    # Handlers are where texts are chosen; models hold dotted foreign keys, not message ids.
    # ... and the community services, whose scheduled jobs queue catalog texts to many people,
    # and the prompt kinds, which name their own texts.
    sources = [
        *ROOT.glob("bot/engine/**/*.py"),
        *ROOT.glob("community/services/**/*.py"),
        *ROOT.glob("community/prompt_kinds/*.py"),
    ]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            # A dotted string starting with "bot." is a module path, not a message id.
            if is_text and ID.match(node.value) and not node.value.startswith("bot."):
                ids.add(node.value)
    ids |= {command.help_id for command in HANDLERS.commands.values()}
    ids |= {f"role.{role.value}" for role in Role}
    ids |= {f"age.{band.replace('-', '_')}" for band in AGE_BANDS}
    ids |= {f"profile.edit.{step}" for step in EDITABLE}
    return ids


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_catalog_is_complete_with_matching_placeholders(locale: str) -> None:
    reference = _messages(FALLBACK_LOCALE)
    messages = _messages(locale)
    assert set(messages) == set(reference), "missing or extra message ids"
    for msgid, strings in messages.items():
        assert all(s.strip() for s in strings), f"{locale}: {msgid} is empty"
        expected = set().union(*(_placeholders(s) for s in reference[msgid]))
        for text in strings:
            assert _placeholders(text) <= expected | {"count"}, f"{locale}: {msgid}: {text}"
        assert set().union(*(_placeholders(s) for s in strings)) == expected, f"{locale}: {msgid}"


def _plural_ids() -> set[str]:
    return {m.id[1] for m in _catalog(FALLBACK_LOCALE) if isinstance(m.id, tuple)}


def test_every_id_the_code_uses_is_in_the_catalog() -> None:
    missing = _ids_used_in_code() - set(_messages(FALLBACK_LOCALE)) - _plural_ids()
    assert not missing, sorted(missing)


def test_no_catalog_message_is_unused() -> None:
    # A home language's name, where the catalog names it (community/i18n.py, language_name).
    names = {f"{LANGUAGE_NAME_PREFIX}{code}" for code in Locale("en").languages}
    unused = set(_messages(FALLBACK_LOCALE)) - _ids_used_in_code() - names
    assert not unused, sorted(unused)


def test_template_lists_the_same_ids() -> None:
    with (ROOT / "community/locales/messages.pot").open("rb") as handle:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(handle) if m.id}
    assert template == set(_messages(FALLBACK_LOCALE))


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_texts_follow_the_plain_language_rules(locale: str) -> None:
    number_words = {
        "en": r"\b(two|three|four|five|six|seven|eight|nine|ten)\b",
        "nl": r"\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien)\b",
        "ar": r"(اثنان|اثنين|ثلاثة|أربعة|خمسة|ستة|سبعة|ثمانية|تسعة|عشرة)",
        "tr": r"\b(iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on)\b",
        "pl": r"\b(dwa|dwie|trzy|cztery|pięć|sześć|siedem|osiem|dziewięć|dziesięć)\b",
        "uk": r"(?<![\w])(два|дві|три|чотири|п'ять|шість|сім|вісім|дев'ять|десять)(?![\w])",
    }
    for msgid, strings in _messages(locale).items():
        for text in strings:
            for sentence in re.split(r"(?<=[.!?:])\s+", text):
                assert len(sentence.split()) <= 15, f"{locale}: {msgid}: long sentence: {sentence}"
            assert len(text) <= 160, f"{locale}: {msgid} is too long for one point"
            assert not re.search(number_words[locale], text, re.I), (
                f"{locale}: {msgid}: write numbers in digits"
            )


def test_yes_and_no_words_never_overlap_across_languages() -> None:
    translator = Translator()

    def words(msgid: str) -> set[str]:
        return {
            w.strip().casefold()
            for locale in SHIPPED_LOCALES
            for w in translator.t(locale, msgid).split(",")
        }

    assert not words("words.yes") & words("words.no")


def test_every_shipped_language_has_a_number_rule() -> None:
    # The plain-language test above needs to know each language's number words.
    source = Path(__file__).read_text()
    for locale in SHIPPED_LOCALES:
        assert f'"{locale}": r' in source, locale


def test_plural_forms_follow_the_language() -> None:
    translator = Translator()
    assert (
        translator.tn("nl", "community.parents", "community.parents.plural", 1, community="X")
        == "X: 1 ouder doet mee."
    )
    assert (
        translator.tn("en", "community.parents", "community.parents.plural", 3, community="X")
        == "X: 3 parents take part."
    )


def test_unknown_locale_falls_back_to_english() -> None:
    assert Translator().t("xx", "button.done") == "Done"


def test_placeholders_are_isolated_in_right_to_left_text(tmp_path: Path) -> None:
    # A right-to-left catalog made on the spot: values keep their own direction inside it.
    (tmp_path / "ar/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "en/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "en/LC_MESSAGES/messages.po").write_text('msgid "x"\nmsgstr "Hi {name}"\n')
    (tmp_path / "ar/LC_MESSAGES/messages.po").write_text('msgid "x"\nmsgstr "مرحبا {name}"\n')
    translator = Translator(("ar", "en"), tmp_path)
    assert translator.t("ar", "x", name="Anna") == f"مرحبا {FSI}Anna{PDI}"
    assert translator.t("en", "x", name="Anna") == "Hi Anna"
