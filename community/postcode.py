"""Dutch postcodes: read what a parent typed and keep only the 4-digit area (PC4).

The letters narrow a postcode down to a street; the bot needs only the neighbourhood, so they
are checked and then dropped.
"""

from __future__ import annotations

import re
import unicodedata

_POSTCODE = re.compile(r"^([1-9][0-9]{3})(?: ?-? ?([A-Z]{2}))?$")
# PostNL never uses these letter pairs.
_UNUSED_LETTERS = {"SA", "SD", "SS"}
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
        elif category == "Cf":
            continue  # invisible direction marks that right-to-left keyboards add
        elif char in _DASHES:
            chars.append("-")
        elif char.isspace():
            chars.append(" ")
        else:
            chars.append(char)
    return re.sub(r" +", " ", "".join(chars)).strip().upper()


def postcode_area(text: str) -> str | None:
    """Return the PC4 area of a Dutch postcode such as "6825 AB", "6825ab", "٦٨٢٥ AB" or "6825",
    else None."""
    match = _POSTCODE.match(_plain(text))
    if match is None or (match.group(2) or "") in _UNUSED_LETTERS:
        return None
    return match.group(1)
