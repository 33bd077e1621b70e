"""What a relayed copy says: the sender's first name, made safe, and the message body.

A copy must not be able to pass for someone else's words. So the name on it is one plain word
(no newlines, no control, format or bidirectional-override characters, no zero-width
characters, one script, at most `NAME_LIMIT` characters) and never the bot's name or the name
of a role ("Coördinator", "Admin", "Ouderkring"): such a name shows as "a parent". The name
stands alone on the copy's first line after `SPEAKER`, a mark that is taken out of every body,
so no line of a body can look like a second speaker.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

SPEAKER = "\U0001f4ac"  # 💬: only the bot writes it; bodies are stripped of it
# Speech-bubble look-alikes that could pass for the mark on a small screen.
_LOOKALIKES = ("\U0001f5e8", "\U0001f5ef", "\U0001f5e9", "\U0001f4ad", SPEAKER)
NAME_LIMIT = 24
MAX_RELAY_TEXT = 2000  # characters of a relayed message; longer ones stay in their group

# Never shown as a sender: the bot and the roles (the translated role names come on top).
RESERVED = frozenset(
    {
        "ouderkring", "bot", "admin", "administrator", "beheerder", "coordinator",
        "coordinatrice", "moderator", "mod", "professional", "staff", "system", "systeem",
        "team", "support", "telegram", "matrix", "element", "official", "officieel",
    }
)  # fmt: skip
# Not even inside a longer name ("Coördinatorteam", "AdminAnna"); other reserved words of 8
# letters or more neither.
_STEMS = ("admin", "coordinat", "koordinat", "koordynat", "ouderkring", "beheerder", "moderator")
# Bidirectional embeddings, overrides and isolates: they can turn a line around on screen.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
# Cyrillic and Greek letters that look like Latin ones, for comparing with reserved words.
_CONFUSABLE = str.maketrans("аеорсухіјѕԁӏкмнтвαορντκιευ", "aeopcyxijsdlkmhtbaopvtkieu")
_NAME_JOINERS = "-'\u2019"


def _skeleton(word: str) -> str:
    """A word reduced for comparison: no case, no accents, look-alike letters as Latin."""
    folded = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return plain.translate(_CONFUSABLE)


def _script(char: str) -> str:
    """The script a letter belongs to, by its Unicode name (Japanese counts as one)."""
    script = unicodedata.name(char, "").split(" ", 1)[0]
    return "CJK" if script in ("HIRAGANA", "KATAKANA") else script


def _visible(text: str) -> str:
    """Line breaks and control characters as spaces; without format (zero-width, bidi),
    private-use or unassigned characters."""
    out = []
    for c in text:
        category = unicodedata.category(c)
        if category in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif category not in ("Cf", "Co", "Cs", "Cn"):
            out.append(c)
    return "".join(out)


def safe_first_name(display_name: str | None, reserved: Iterable[str] = ()) -> str | None:
    """The first word of a display name as it may appear on a copy, or None (then the copy says
    "a parent"): also None for what could identify the person otherwise (a user id, a username,
    a phone number) or could pass for the bot or a role."""
    words = _visible(unicodedata.normalize("NFKC", display_name or "")).split()
    if not words:
        return None
    # Punctuation and emoji around a name go ("Anna,", "Anna🌸"); "Anne-Marie" stays.
    first = words[0].strip(",.;:!?()[]\"'")
    while first and unicodedata.category(first[-1]) in ("So", "Sk", "Cn"):
        first = first[:-1]
    first = first[:NAME_LIMIT]
    if not first or any(
        not unicodedata.category(c).startswith(("L", "M")) and c not in _NAME_JOINERS for c in first
    ):
        return None  # digits, "@", ":", "+", "/", "#", "_": an id, a username or a number
    if not unicodedata.category(first[0]).startswith("L"):
        return None
    if len({_script(c) for c in first if unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lo")}) > 1:
        return None  # mixed scripts: a look-alike of another word
    skeleton = _skeleton(first)
    blocked = {_skeleton(word) for word in RESERVED} | {
        _skeleton(part) for word in reserved for part in word.split() if part
    }
    if skeleton in blocked or any(
        stem in skeleton for stem in (*_STEMS, *(w for w in blocked if len(w) >= 8))
    ):
        return None
    return first


def clean_body(text: str) -> str:
    """A body as a copy carries it: line breaks of every kind made plain newlines, without the
    speaker mark (and its look-alikes), bidi overrides and other control characters. Letters,
    emoji (with their joiners) and left-to-right or right-to-left marks stay."""
    for mark in _LOOKALIKES:
        text = text.replace(mark, "")
    lines = text.splitlines()  # \r, \v, \f, \x1c-\x1e, \x85, U+2028 and U+2029 too
    kept = [
        "".join(
            c for c in line if c not in _BIDI and (c == "\t" or unicodedata.category(c) != "Cc")
        )
        for line in lines
    ]
    return "\n".join(kept).strip()


def copy_text(name: str, body: str) -> str:
    """The copy: the name alone on the first line after the speaker mark, then the body."""
    head = f"{SPEAKER} {name}:"
    return f"{head}\n{body}" if body else head
