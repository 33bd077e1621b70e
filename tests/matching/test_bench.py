"""The benchmark runs on small rounds of every kind of city and on files, and reports sane
figures (no timing asserted); the instance file format is read and refused as documented."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from bench import matcher as bench
from bench.bound import bucket_bound, component_bound, upper_bound
from bench.cities import KINDS, city, region
from bench.instance_file import BadFile, dump, load, parse
from matching import eligible_graph, eligible_pairs, match


def test_bench_prints_one_json_line_per_round(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--parents", "220", "--city", "port", "--city", "arnhem", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line, kind in zip(lines, ("port", "arnhem"), strict=True):
        f = json.loads(line)
        assert f["city"] == kind and f["parents"] == 220 and f["reference"] == "networkx exact"
        assert 0.97 <= f["share"] <= 1.0
        assert f["matcher_weight"] <= f["reference_weight"] <= f["upper_bound"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_city_is_a_valid_round_with_both_bounds_above_the_optimum(kind: str) -> None:
    inst = city(kind, 300, seed=5)
    assert len(inst.candidates) == 300 and inst.avoid
    assert inst.rules.allow_dutch is KINDS[kind].allow_dutch
    graph = eligible_graph(inst.candidates, inst.rules, avoid=inst.avoid)
    optimum = sum(graph[u][v]["weight"] for u, v in nx.max_weight_matching(graph))
    assert graph.number_of_edges() == len(
        list(eligible_pairs(inst.candidates, inst.rules, avoid=inst.avoid))
    )
    assert optimum <= bench.run(inst, 0, 0, 0)["upper_bound"]  # type: ignore[operator]
    assert optimum <= bucket_bound(inst.candidates, inst.rules, inst.avoid)


def test_upper_bound_is_above_the_optimum_and_below_the_trivial_bound() -> None:
    pairs = [(1, 2, 100), (2, 3, 90), (1, 3, 80)]  # a triangle: the optimum is 100
    bound = upper_bound(pairs, {1: 0, 2: 0, 3: 0})
    assert 100 <= bound <= (100 + 100 + 90) / 2


def test_bench_text_output_names_the_worst(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--parents", "200", "--city", "one_point", "--city", "many_languages"]
    no_reference = ["--nx-up-to", "0", "--rustworkx-up-to", "0", "--rustworkx-pairs-up-to", "0"]
    assert bench.main([*args, *no_reference]) == 0
    out = capsys.readouterr().out
    assert "one_point, 200 parents" in out and "at least" in out and "upper bound" in out
    assert "worst share" in out


def test_region_prints_time_memory_and_share_matched(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--region", "600", "--json"]) == 0
    f = json.loads(capsys.readouterr().out)
    assert f["parents"] == 600 and f["peak_memory_mb"] > 0 and 0.3 < f["matched_share"] <= 1
    assert f["matcher_weight"] <= f["upper_bound"]


# -- the instance file ----------------------------------------------------------------------------
def test_a_saved_round_reads_back_and_matches_the_same(tmp_path: Path) -> None:
    path = tmp_path / "port.json"
    assert bench.main(["--city", "port", "--parents", "250", "--save", str(path)]) == 0
    inst = load(path)
    original = city("port", 250, 1)
    assert inst.name == "port" and len(inst.candidates) == 250
    assert inst.rules.max_distance_m == 3000 and not inst.rules.allow_dutch
    assert match(inst.candidates, inst.rules, avoid=inst.avoid) == match(
        original.candidates, original.rules, avoid=original.avoid
    )


def test_the_bench_runs_on_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(dump(city("many_languages", 150, 2)) | {"name": "mine"}))
    assert bench.main(["--file", str(path), "--json"]) == 0
    f = json.loads(capsys.readouterr().out)
    assert f["city"] == "mine" and f["parents"] == 150 and f["share"] == 1.0  # exact at 150


GOOD = {
    "rules": {"max_distance_m": 3000, "allow_dutch": False},
    "candidates": [
        {"id": 1, "home_languages": ["ar"], "neighbourhood": "Feijenoord", "point": [51.9, 4.5]},
        {
            "id": 2,
            "home_languages": ["ar", "nl"],
            "age_bands": ["2-4"],
            "days_waiting": 3,
            "neighbourhood": "Feijenoord",
            "point": [51.901, 4.5],
        },
        {"id": 3, "home_languages": ["tr"], "neighbourhood": None, "availability": "paused"},
    ],
    "avoid": [[1, 3]],
}


def test_a_good_file_gives_the_round_it_describes() -> None:
    inst = parse(GOOD)
    assert [c.parent_id for c in inst.candidates] == [1, 2, 3] and inst.neighbourhoods == 1
    assert inst.candidates[2].place is None and inst.avoid == [frozenset({1, 3})]
    assert (inst.rules.now - inst.candidates[1].waiting_since).days == 3  # type: ignore[operator]
    result = match(inst.candidates, inst.rules, avoid=inst.avoid)
    assert [(p.a, p.b, p.language) for p in result.proposals] == [(1, 2, "ar")]


def _broken(path: tuple[object, ...], value: object) -> dict[str, object]:
    data = json.loads(json.dumps(GOOD))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("candidates", 1, "point"), [51.9], "candidates[1] (id 2): point: expected [latitude"),
        (("candidates", 0, "id"), "one", "candidates[0]: id: expected a whole number"),
        (("candidates", 2, "id"), 1, "candidates[2] (id 1): id: used twice"),
        (("candidates", 0, "home_languages"), "ar", "candidates[0] (id 1): home_languages:"),
        (("candidates", 1, "days_waiting"), -2, "candidates[1] (id 2): days_waiting:"),
        (("candidates", 2, "availability"), "away", "candidates[2] (id 3): availability:"),
        (("rules", "max_distance_m"), KeyError, "rules: max_distance_m: missing"),
        (("rules", "allow_dutch"), "yes", "rules: allow_dutch: expected true or false"),
        (("avoid", 0), [1, 9], "avoid[0]: pair: no candidate has id 9"),
    ],
)
def test_a_bad_file_gets_one_plain_line_naming_entry_and_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    path: tuple[object, ...],
    value: object,
    message: str,
) -> None:
    file = tmp_path / "city.json"
    file.write_text(json.dumps(_broken(path, value)))
    with pytest.raises(BadFile) as caught:
        load(file)
    assert str(caught.value).startswith(f"city.json: {message}")
    assert bench.main(["--file", str(file)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith(f"city.json: {message}") and "Traceback" not in captured.err


def test_a_file_that_is_not_json_gets_one_line(tmp_path: Path) -> None:
    file = tmp_path / "city.json"
    file.write_text('{"rules": {"max_distance_m": 3000},\n "candidates": [}')
    with pytest.raises(BadFile, match=r"city.json: not valid JSON at line 2"):
        load(file)


def test_the_component_bound_of_a_region_is_above_its_optimum() -> None:
    inst = region(600, seed=3)
    graph = eligible_graph(inst.candidates, inst.rules, avoid=inst.avoid)
    optimum = sum(graph[u][v]["weight"] for u, v in nx.max_weight_matching(graph))
    bound = component_bound(inst.candidates, inst.rules, inst.avoid)
    assert optimum <= bound <= bucket_bound(inst.candidates, inst.rules, inst.avoid)
