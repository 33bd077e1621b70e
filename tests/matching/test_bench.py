"""The benchmark runs on a small instance and reports sane figures (no timing asserted)."""

from __future__ import annotations

import json

import pytest

from bench import matcher as bench


def test_bench_prints_one_json_line_per_instance(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--parents", "220", "--parents", "240", "--seed", "2", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line, parents in zip(lines, (220, 240), strict=True):
        f = json.loads(line)
        assert f["parents"] == parents and f["reference"] == "networkx exact"
        assert 0.97 <= f["share"] <= 1.0
        assert f["matcher_weight"] <= f["reference_weight"] <= f["upper_bound"]


def test_bench_upper_bound_is_above_the_optimum_and_below_the_trivial_bound() -> None:
    inst = bench.community(300, seed=5)
    assert len(inst.candidates) == 300 and inst.avoid
    pairs = [(1, 2, 100), (2, 3, 90), (1, 3, 80)]  # a triangle: the optimum is 100
    bound = bench.upper_bound(pairs, {1: 0, 2: 0, 3: 0})
    assert 100 <= bound <= (100 + 100 + 90) / 2


def test_bench_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--parents", "200", "--nx-up-to", "0", "--rustworkx-up-to", "0"]) == 0
    out = capsys.readouterr().out
    assert "200 parents" in out and "at least" in out and "upper bound" in out
