"""Reading Dutch postcodes: only the 4-digit area is kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from community.postcode import postcode_area


@pytest.mark.parametrize(
    ("typed", "area"),
    [
        ("6825 AB", "6825"),
        ("6825ab", "6825"),
        (" 6825  ab ", "6825"),
        ("6825-AB", "6825"),
        ("6825", "6825"),
        ("6825 - ab", "6825"),
        ("6825\u2013AB", "6825"),  # en dash from autocorrect
        ("6825\u00a0AB", "6825"),  # no-break space
        ("\t6825\nab", "6825"),
        ("١٢٣٤ AB", "1234"),  # Arabic-Indic digits
        ("۶۸۲۵ ab", "6825"),  # Persian digits
        ("\u200f٦٨٢٥ AB\u200f", "6825"),  # with right-to-left marks
        ("１２３４ AB", "1234"),  # full-width digits
        ("６８２５ ａｂ", "6825"),  # full-width digits and letters
        # Only the 4 digits matter: the letters may be typed in any alphabet.
        ("٦٨٢٥ اب", "6825"),  # Arabic-Indic digits, Arabic letters
        ("۶۸۲۵ اب", "6825"),  # Persian digits, Arabic letters
        ("٦٨٢٥ اَب", "6825"),  # with a vowel mark
        ("6825 اـب", "6825"),  # with the stretching stroke
        ("6825 ЅЅ", "6825"),  # Cyrillic letters
        ("6825--AB", None),
        ("68 25 AB", None),
        ("٠٨٢٥ AB", None),
        ("6825 a1", None),
        ("0825 AB", None),
        ("6825 SS", None),
        ("682 AB", None),
        ("6825 A", None),
        ("6825 ABC", None),
        ("AB 6825", None),
        ("", None),
        ("postcode", None),
    ],
)
def test_postcode_area(typed: str, area: str | None) -> None:
    assert postcode_area(typed) == area


@given(st.text(max_size=30))
def test_any_text_gives_a_pc4_or_none(text: str) -> None:
    area = postcode_area(text)
    assert area is None or (len(area) == 4 and area.isascii() and area.isdigit() and area[0] != "0")


_DIGIT_ZEROS = [0x30, 0x660, 0x6F0, 0xFF10]  # ASCII, Arabic-Indic, Persian, full-width


@given(
    st.integers(1000, 9999),
    st.sampled_from(_DIGIT_ZEROS),
    st.sampled_from(["", " ", "-", " - ", "\u00a0", "\u2013"]),
    st.sampled_from(["AB", "ab", "Xy", "اب", "ЖК", ""]),
)
def test_a_postcode_in_any_digits_and_spacing_is_read(
    number: int, zero: int, separator: str, letters: str
) -> None:
    typed = "".join(chr(zero + int(d)) for d in str(number)) + (
        separator + letters if letters else ""
    )
    assert postcode_area(typed) == str(number)
