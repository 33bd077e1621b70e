"""The round at a glance: a PNG of the right size, with neighbourhoods, languages and numbers,
never a parent's name; labels from the catalogs in the coordinator's language."""

from __future__ import annotations

import struct

import pytest
from matplotlib.text import Text

from community.i18n import Translator
from community.services import round_picture
from community.services.round_picture import HoodCount, RoundCounts

COUNTS = RoundCounts(
    [
        HoodCount("Presikhaaf-Oost", 4, 6, 3),
        HoodCount("Malburgen", 0, 2, 1),
        HoodCount("", 0, 0, 2),
    ],
    [("ar", 3), ("ti", 1)],
)


def _size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _texts(counts: RoundCounts, locale: str) -> set[str]:
    fig = round_picture.figure(counts, Translator(), locale)
    fig.canvas.draw()
    return {t.get_text() for t in fig.findobj(Text) if t.get_text()}


def test_the_picture_is_a_png_1080_pixels_wide() -> None:
    data = round_picture.png(COUNTS, Translator(), "en")
    width, height = _size(data)
    assert width == 1080 and 600 < height < 2400
    assert len(data) > 10_000


def test_it_draws_neighbourhoods_languages_numbers_and_labels_only() -> None:
    texts = _texts(COUNTS, "en")
    assert {"Presikhaaf-Oost", "Malburgen", "Neighbourhood unknown"} <= texts
    assert {"Arabic", "Tigrinya", "Has a buddy", "Proposed", "No buddy yet"} <= texts
    assert {"Parents per neighbourhood", "Pairs per language", "4", "6", "3"} <= texts
    words = {"Presikhaaf-Oost", "Malburgen", "Neighbourhood unknown", "Arabic", "Tigrinya"}
    words |= {"Has a buddy", "Proposed", "No buddy yet"}
    words |= {"Parents per neighbourhood", "Pairs per language"}
    assert all(text in words or text.isdigit() for text in texts), texts - words  # no names
    dutch = _texts(COUNTS, "nl")
    assert {"Ouders per wijk", "Heeft een buddy", "Arabisch"} <= dutch


def test_many_neighbourhoods_are_summed_beyond_the_first_ones() -> None:
    hoods = [HoodCount(f"Wijk {i}", 1, 1, 1) for i in range(40)]
    texts = _texts(RoundCounts(hoods, [("ar", 40)]), "en")
    assert "Other neighbourhoods (26)" in texts and "Wijk 13" in texts and "Wijk 14" not in texts
    width, _ = _size(round_picture.png(RoundCounts(hoods, []), Translator(), "en"))
    assert width == 1080


@pytest.mark.parametrize("locale", ["ar", "uk"])
def test_other_scripts_draw(locale: str) -> None:
    # matplotlib cannot join Arabic letters: an Arabic reader gets the labels in English.
    texts = _texts(COUNTS, locale)
    assert ("Has a buddy" in texts) is (locale == "ar")
    assert _size(round_picture.png(COUNTS, Translator(), locale))[0] == 1080


def test_the_media_is_a_named_png_photo() -> None:
    media = round_picture.as_media(b"\x89PNG\r\n\x1a\n")
    assert media.kind == "photo" and media.mime_type == "image/png"
    assert media.ref.startswith("data:image/png;name=buddy-round.png;base64,")
