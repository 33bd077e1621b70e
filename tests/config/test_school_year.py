"""The shipped programme is a school year: 40 weeks, at most 3 prompts a week for each age band,
a tip and a question back every week and about monthly an invitation or a pointer to support, no
text twice within 8 weeks, and every text (the support directory too) in all six languages and
plain language, checked by the same checker that `/new` uses."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import time

import pytest

from community.services import plain
from config import load_settings
from config.locales import LOCALES
from config.programme import (
    AGE_BANDS,
    DEFAULT_PROGRAMME,
    DEFAULT_SUPPORT,
    Programme,
    ProgrammeItem,
    load_programme,
    load_support,
)

WEEKS = range(1, 41)
REPEAT_WEEKS = 8  # no parent sees the same text again within this many weeks
# The plain-language check knows Dutch and English number words; these catch the other four.
# Turkish "bir" (also "a") and "altı" (also "under") are left out: they are ordinary words too.
NUMBER_WORDS = {
    "ar": r"\b(اثنان|اثنين|ثلاث|ثلاثة|أربع|أربعة|خمس|خمسة|ستة|سبع|سبعة|ثماني|ثمانية|تسع|تسعة|"
    r"عشر|عشرة|عشرين|عشرون|مئة|مائة)\b",
    "tr": r"\b(iki|üç|dört|beş|yedi|sekiz|dokuz|on|yirmi)\b",
    "pl": r"\b(dwa|dwie|trzy|cztery|pięć|sześć|siedem|osiem|dziewięć|dziesięć|dwadzieścia|"
    r"piętnaście|sto)\b",
    "uk": r"\b(два|дві|три|чотири|п['’]ять|шість|сім|вісім|дев['’]ять|десять|двадцять|"
    r"п['’]ятнадцять|сто)\b(?!['’])",
}


@pytest.fixture(scope="module")
def programme() -> Programme:
    return load_programme(DEFAULT_PROGRAMME)


def _for_band(programme: Programme, band: str) -> dict[int, list[ProgrammeItem]]:
    weeks: dict[int, list[ProgrammeItem]] = defaultdict(list)
    for item in programme.items:
        if not item.age_bands or band in item.age_bands:
            for week in item.weeks:
                weeks[week].append(item)
    return weeks


def test_the_default_settings_ship_the_school_year() -> None:
    prompts = load_settings(environ={}).prompts
    assert prompts.programme is not None
    assert len(prompts.programme.items) == len(load_programme(DEFAULT_PROGRAMME).items)
    assert prompts.support == load_support(DEFAULT_SUPPORT)


@pytest.mark.parametrize("band", AGE_BANDS)
def test_every_week_of_40_brings_a_tip_and_a_question_and_at_most_3(
    programme: Programme, band: str
) -> None:
    assert programme.max_per_week == 3
    weeks = _for_band(programme, band)
    assert set(weeks) == set(WEEKS)
    for week, items in weeks.items():
        kinds = [item.kind for item in items]
        assert len(items) <= 3, (band, week, kinds)
        assert kinds.count("tip") == 1 and kinds.count("question") == 1, (band, week, kinds)


@pytest.mark.parametrize("band", AGE_BANDS)
def test_about_monthly_an_invitation_or_support(programme: Programme, band: str) -> None:
    weeks = _for_band(programme, band)
    monthly = sorted(
        week for week, items in weeks.items()
        if any(item.kind in ("invitation", "support") for item in items)
    )  # fmt: skip
    assert 8 <= len(monthly) <= 14, monthly
    assert monthly[0] <= 5 and monthly[-1] >= 36
    assert max(b - a for a, b in zip(monthly, monthly[1:], strict=False)) <= 5
    kinds = {item.kind for items in weeks.values() for item in items}
    assert {"invitation", "support"} <= kinds


@pytest.mark.parametrize("band", AGE_BANDS)
def test_no_text_comes_back_within_8_weeks(programme: Programme, band: str) -> None:
    weeks = _for_band(programme, band)
    for locale in LOCALES:
        seen: dict[str, int] = {}
        for week in sorted(weeks):
            for item in weeks[week]:
                text = item.texts[locale]
                if text in seen:
                    assert week - seen[text] > REPEAT_WEEKS, (band, locale, text)
                seen[text] = week


def test_tips_are_written_for_one_age_band_and_texts_are_many(programme: Programme) -> None:
    tips: dict[str, set[str]] = defaultdict(set)
    for item in programme.items:
        if item.kind == "tip":
            assert len(item.age_bands) == 1, item.key  # a baby's tips are not a 10-year-old's
            tips[item.age_bands[0]].add(item.texts["nl"])
    assert set(tips) == set(AGE_BANDS)
    for band in AGE_BANDS:
        assert len(tips[band]) >= 20
        for other in AGE_BANDS:
            assert band == other or not tips[band] & tips[other]
    assert len({item.texts["nl"] for item in programme.items}) >= 120
    for locale in LOCALES:  # every translation is a text of its own, not a copy
        assert len({item.texts[locale] for item in programme.items}) == len(programme.items)


def test_times_are_daytime_and_invitations_say_when_and_where(programme: Programme) -> None:
    for item in programme.items:
        assert time(8, 0) <= item.at < time(21, 0), item.key  # not in the quiet hours
        assert item.day not in ("sat", "sun"), item.key
        if item.kind != "invitation":
            continue
        assert item.place and item.event_at is not None and item.event_day is not None
        assert time(8, 0) <= item.event_at <= time(17, 0), item.key
        for week in item.weeks:
            event = item.local_event(programme.start, week)
            assert event is not None and event > item.local_due(programme.start, week)


def _all_texts(programme: Programme) -> list[tuple[str, dict[str, str]]]:
    texts = [(item.key, item.texts) for item in programme.items]
    return texts + [(entry.key, entry.texts) for entry in load_support(DEFAULT_SUPPORT)]


def test_every_text_is_in_all_six_languages(programme: Programme) -> None:
    assert set(LOCALES) == {"nl", "en", "ar", "tr", "pl", "uk"}
    for key, texts in _all_texts(programme):
        assert set(texts) == set(LOCALES), key
    names = {entry.name for entry in load_support(DEFAULT_SUPPORT)}
    assert {"Stichting Leergeld", "Tolkentelefoon", "Bibliotheek"} <= names


def test_every_text_passes_the_plain_language_check_of_new(programme: Programme) -> None:
    for key, texts in _all_texts(programme):
        for locale, text in texts.items():
            assert plain.check(text, locale) == [], (key, locale, text)
            assert all(len(s.split()) <= plain.MAX_WORDS for s in plain.sentences(text))
            if locale in NUMBER_WORDS:
                assert not re.search(NUMBER_WORDS[locale], text, re.I), (key, locale, text)


def test_the_number_word_lists_catch_what_they_should() -> None:
    """The extra lists above would fail a text with a number in words (and pass digits)."""
    spelled = {
        "ar": "اقرؤوا عشر دقائق.", "tr": "İki kitap okuyun.", "pl": "Czytaj pięć minut.",
        "uk": "Читайте десять хвилин.",
    }  # fmt: skip
    for locale, text in spelled.items():
        assert re.search(NUMBER_WORDS[locale], text, re.I), locale
    assert not re.search(NUMBER_WORDS["uk"], "Уся сім'я читає 10 хвилин.", re.I)
    assert plain.check("Lees tien minuten samen.", "nl") == ["number_words"]
