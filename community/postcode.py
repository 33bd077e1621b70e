"""Dutch postcodes: read what a parent typed and keep only the 4-digit area (PC4).

The letters narrow a postcode down to a street; the bot needs only the neighbourhood, so only
the 4 digits matter. Two letters after them are allowed in any alphabet (an Arabic keyboard
types "٦٨٢٥ اب") and then dropped.
"""

from __future__ import annotations

import re
import unicodedata

# Two letters of any alphabet: a parent on an Arabic, Persian or Cyrillic keyboard types the
# letters in their own script, and only the digits are kept anyway.
_POSTCODE = re.compile(r"^([1-9][0-9]{3})(?: ?-? ?([^\W\d_]{2}))?$")
# PostNL never uses these letter pairs (Latin letters typed as such are still checked).
_UNUSED_LETTERS = {"SA", "SD", "SS"}
_TATWEEL = "\u0640"  # the Arabic stretching stroke: decoration, not a letter
# Hyphens and dashes that phone keyboards and autocorrect put where a parent typed "-".
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def _plain(text: str) -> str:
    """ASCII digits, one kind of space and dash, upper case: what the pattern reads."""
    # NFKC turns full-width digits and letters (from CJK keyboards) and no-break spaces plain.
    text = unicodedata.normalize("NFKC", text)
    chars: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Nd":
            # Arabic-Indic and Persian digits, as Arabic, Persian and Dari keyboards type them.
            chars.append(str(unicodedata.decimal(char)))
        elif category in ("Cf", "Mn") or char == _TATWEEL:
            # Invisible direction marks that right-to-left keyboards add; Arabic vowel marks
            # and the stretching stroke, which do not make a letter.
            continue
        elif char in _DASHES:
            chars.append("-")
        elif char.isspace():
            chars.append(" ")
        else:
            chars.append(char)
    return re.sub(r" +", " ", "".join(chars)).strip().upper()


def postcode_area(text: str) -> str | None:
    """Return the PC4 area of a Dutch postcode such as "6825 AB", "6825ab", "٦٨٢٥ اب" or "6825",
    else None."""
    match = _POSTCODE.match(_plain(text))
    if match is None or (match.group(2) or "") in _UNUSED_LETTERS:
        return None
    return match.group(1)
