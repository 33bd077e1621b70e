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
        ("１２３４ AB", None),
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
