"""Dutch postcodes: read what a parent typed and keep only the 4-digit area (PC4).

The letters narrow a postcode down to a street; the bot needs only the neighbourhood, so they
are checked and then dropped.
"""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^([1-9][0-9]{3})(?:\s*-?\s*([A-Z]{2}))?$")
# PostNL never uses these letter pairs.
_UNUSED_LETTERS = {"SA", "SD", "SS"}


def postcode_area(text: str) -> str | None:
    """Return the PC4 area of a Dutch postcode such as "6825 AB", "6825ab" or "6825", else None."""
    match = _POSTCODE.match(text.strip().upper())
    if match is None or (match.group(2) or "") in _UNUSED_LETTERS:
        return None
    return match.group(1)
