"""The pictograms: one table, one fixed pictogram per concept, so that a parent who reads
little can still pick the right button (seed 002).

A button's concept follows from its data, not from its words: the key a question gave it
(`q:TOKEN:yes`, `q:TOKEN:lang:nl`) or the action and its last argument (`a:rsvp:12:maybe`). So
the pictogram is added at one point, where a platform shows the button (`shown`), and no
handler or catalog text carries one: labels stay plain words (typed answers match them, with
or without the pictogram, see `bot.engine.dialogue.match_index`). A prompt's text starts with
its kind's pictogram (`with_kind`).

Adding a button with a new meaning: give it a key (or action argument) named after its concept,
or add the key to `ALIASES`. A test runs the main conversations and fails on a button without
a pictogram from this table.
"""

from __future__ import annotations

from community.actions import Button
from community.buttons import ActionData, QuestionData, decode

# concept -> pictogram. One each, never shared (a test checks), and single code points or a
# code point with its emoji mark, so that typed text drops them whole.
CONCEPTS: dict[str, str] = {
    # answers
    "yes": "✅",
    "no": "❌",
    "maybe": "🤔",
    "done": "🆗",
    "skip": "⏭️",
    "later": "⏳",
    "close": "🚪",
    "cancel": "🚫",
    "withdraw": "🔙",
    "all": "👥",
    # a parent and their answers
    "language": "🌐",
    "home_language": "🗣️",
    "age": "🧒",
    "home": "🏠",
    "neighbourhood": "📍",
    "buddy": "🤝",
    "another": "🔄",
    "school": "🏫",
    "write": "✏️",
    "contact": "📇",
    "end": "👋",
    "pause": "⏸️",
    "resume": "▶️",
    # prompt kinds and what they invite to
    "tip": "💡",
    "question": "❓",
    "invitation": "📅",
    "help": "🆘",
    "library": "📚",
    "coffee": "☕",
    "photo": "📷",
    "voice": "🔊",
    # when
    "now": "⚡",
    "tomorrow": "🌅",
    "day": "📆",
    "time": "🕒",
    "send": "📤",
    # staff
    "role": "🪪",
    "community": "🏘️",
    "person": "👤",
    "delete": "🗑️",
    "warn": "⚠️",
    "remove": "🚷",
    "allow": "🔓",
}

# Numbers (how many children, a question's options): keycaps 1 to 9.
KEYCAPS = tuple(f"{n}\ufe0f\u20e3" for n in range(1, 10))

# Button keys and action arguments that name a concept in other words.
ALIASES: dict[str, str] = {
    "ok": "yes",  # a coordinator approves a buddy pair
    "met": "yes",  # "Yes, we met"
    "keep": "send",  # "Send it as it is"
    "not_now": "later",
    "not_yet": "later",
    "share": "contact",
    "share_send": "contact",
    "share_withdraw": "withdraw",
    "again": "write",
    "free": "write",  # parents type their own answer
    "lang": "language",
    "language": "language",
    "hl": "home_language",
    "home_languages": "home_language",
    "ages": "age",
    "band": "age",
    "postcode": "home",
    "hood": "neighbourhood",
    "support": "help",
    "slot": "day",
    "at": "time",
    "mon": "day",
    "tue": "day",
    "wed": "day",
    "thu": "day",
    "fri": "day",
    "sat": "day",
    "sun": "day",
}
# Actions whose name alone says the concept (their arguments are ids).
ACTIONS: dict[str, str] = {
    "buddy_ok": "yes",
    "buddy_no": "no",
    "buddy_skip": "skip",
    "buddy_all": "all",
}
# Actions whose last argument is a number: counted from 1 (`rsvpn`) or an index from 0 (`qa`).
NUMBERED: dict[str, int] = {"rsvpn": 0, "qa": 1}
# Question keys "PREFIX:VALUE" whose value names the concept ("edit:postcode" is the home).
BY_VALUE = frozenset({"edit"})


def concept(name: str) -> str | None:
    name = ALIASES.get(name, name)
    return name if name in CONCEPTS else None


def pictogram(name: str) -> str:
    """The pictogram of a concept (or of a word that is an alias of one), else ""."""
    found = concept(name)
    return CONCEPTS[found] if found else ""


def _of_data(data: str) -> str:
    decoded = decode(data)
    if isinstance(decoded, QuestionData):
        prefix, _, value = decoded.key.partition(":")
        return pictogram(value if prefix in BY_VALUE else decoded.key) or pictogram(prefix)
    if isinstance(decoded, ActionData):
        if decoded.name in ACTIONS:
            return pictogram(ACTIONS[decoded.name])
        last = decoded.args[-1] if decoded.args else ""
        if decoded.name in NUMBERED and last.isdigit():
            index = int(last) + NUMBERED[decoded.name] - 1
            return KEYCAPS[index] if 0 <= index < len(KEYCAPS) else ""
        return pictogram(last) or pictogram(decoded.name)
    return ""


def of_button(button: Button) -> str:
    """The pictogram of a button's concept, "" when its data names none."""
    return _of_data(button.data)


def shown(button: Button) -> str:
    """The label as a platform shows it: the pictogram, then the words."""
    mark = of_button(button)
    return f"{mark} {button.label}" if mark else button.label


def without(text: str) -> str:
    """`text` without the pictogram it starts with (for a voice note, or a shown label)."""
    for mark in (*CONCEPTS.values(), *KEYCAPS):
        if text.startswith(f"{mark} "):
            return text[len(mark) + 1 :]
    return text


def with_kind(kind: str, text: str) -> str:
    """A prompt's text, led by its kind's pictogram (a tip 💡, a question ❓...)."""
    mark = pictogram(kind)
    return f"{mark} {text}" if mark else text
