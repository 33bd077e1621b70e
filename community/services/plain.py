"""Plain-language check for texts professionals write (seed 002): short sentences, numbers in
digits, direct words, no unexplained abbreviations, one point per message. Simple rules, no
readability formula: formulas miss Dutch compounds, and a rule can say what to change."""

from __future__ import annotations

import re

MAX_WORDS = 15  # a sentence
MAX_WORD_LETTERS = 20  # a longer word is hard to read (a compound: split or explain it)
MAX_CHARS = 400  # one point per message
NUMBER_WORDS = {
    "nl": r"\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|twintig|honderd)\b",
    "en": r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred)\b",
}
INDIRECT = {
    "nl": r"\b(u kunt overwegen|wellicht|eventueel|indien|middels|teneinde|derhalve|"
    r"zou u kunnen|het is mogelijk om)\b",
    "en": r"\b(you may wish|you might consider|please consider|in order to|it is possible to|"
    r"should you wish|kindly)\b",
}
# An abbreviation: 2 to 6 capitals, neither explained in brackets after it nor itself in
# brackets after the words it stands for: "voorschoolse educatie (VVE)".
ABBREVIATION = re.compile(r"(?<!\()\b[A-Z]{2,6}\b(?!\s*\()")

PROBLEMS = ("long_sentence", "number_words", "indirect", "abbreviation", "long_word", "too_long")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+|\n+", text) if s.strip()]


def check(text: str, locale: str) -> list[str]:
    """The rules a text breaks, as problem codes in PROBLEMS order (empty: it is fine)."""
    found: set[str] = set()
    if any(len(sentence.split()) > MAX_WORDS for sentence in sentences(text)):
        found.add("long_sentence")
    for lang in {locale, "nl"} & set(NUMBER_WORDS):
        if re.search(NUMBER_WORDS[lang], text, re.I):
            found.add("number_words")
        if re.search(INDIRECT[lang], text, re.I):
            found.add("indirect")
    if ABBREVIATION.search(text):
        found.add("abbreviation")
    words = re.findall(r"\w+", text)
    if any(len(word) > MAX_WORD_LETTERS and not word.isdigit() for word in words):
        found.add("long_word")
    if len(text) > MAX_CHARS:
        found.add("too_long")
    return [problem for problem in PROBLEMS if problem in found]
