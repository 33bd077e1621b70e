from __future__ import annotations

import pytest

from matching.geo import haversine_m


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_m(52.0, 5.9, 53.0, 5.9) == pytest.approx(111_195, rel=1e-3)


def test_arnhem_to_nijmegen() -> None:
    # Station to station, about 16 km as the crow flies.
    assert haversine_m(51.9850, 5.8987, 51.8433, 5.8528) == pytest.approx(16_000, rel=0.03)


def test_same_point_and_symmetry() -> None:
    assert haversine_m(51.99, 5.94, 51.99, 5.94) == 0
    assert haversine_m(51.99, 5.94, 51.98, 5.91) == haversine_m(51.98, 5.91, 51.99, 5.94)
