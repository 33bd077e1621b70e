"""A matching round as a JSON file, so that the benchmark can be run on a city it has never seen.

The format (one object; `python -m bench.matcher --city port --parents 1000 --save port.json`
writes one to start from)::

    {
      "name": "rotterdam-test",                     // optional, shown in the output
      "rules": {
        "now": "2026-11-23T20:00:00+00:00",         // optional, default: that moment
        "max_distance_m": 3000,                     // the community's distance limit
        "allow_dutch": false,                       // does sharing only Dutch count?
        "allow_unknown_place": false                // optional
      },
      "candidates": [
        {"id": 1, "home_languages": ["ar", "nl"], "age_bands": ["2-4"],
         "neighbourhood": "Feijenoord", "point": [51.9025, 4.5016],
         "days_waiting": 30,
         "availability": "available"},              // optional: available (default),
                                                    // opted_out, paused, waiting_for_approval
        {"id": 2, "home_languages": ["tr"], "age_bands": [], "neighbourhood": null}
      ],
      "avoid": [[1, 2]]                             // pairs never to propose
    }

`neighbourhood` null (or missing) means the parent gave no postcode; then `point` is left
out. Otherwise `point` is [latitude, longitude] of the neighbourhood's centre or of the
parent's postcode area. Each id is a positive whole number and appears once. `days_waiting`
is a whole number of days, 0 or more.

A file with a mistake is refused with one plain line naming the entry and the field, e.g.
"port.json: candidates[12] (id 57): point: expected [latitude, longitude]".
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from matching import Availability, Candidate, Place, Rules

from .cities import NOW, Instance


class BadFile(ValueError):
    """A file that is not a valid instance; the message is the one line to show."""


def _fail(where: str, field: str, problem: str) -> BadFile:
    return BadFile(f"{where}: {field}: {problem}")


def _codes(value: Any, where: str, field: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise _fail(where, field, 'expected a list of codes such as ["ar", "nl"]')
    return frozenset(value)


def _number(value: Any, where: str, field: str, *, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise _fail(where, field, f"expected a number of at least {minimum:g}")
    return float(value)


def _rules(data: Any) -> Rules:
    if not isinstance(data, dict):
        raise _fail("rules", "rules", "expected an object with max_distance_m and allow_dutch")
    now = NOW
    if "now" in data:
        try:
            now = datetime.fromisoformat(data["now"])
        except (TypeError, ValueError):
            raise _fail(
                "rules", "now", "expected a time such as 2026-11-23T20:00:00+00:00"
            ) from None
        if now.tzinfo is None:
            raise _fail("rules", "now", "the time needs a zone, such as +00:00")
    for flag in ("allow_dutch", "allow_unknown_place"):
        if not isinstance(data.get(flag, False), bool):
            raise _fail("rules", flag, "expected true or false")
    if "max_distance_m" not in data:
        raise _fail("rules", "max_distance_m", "missing")
    return Rules(
        now=now,
        max_distance_m=_number(data["max_distance_m"], "rules", "max_distance_m"),
        allow_dutch=data.get("allow_dutch", False),
        allow_unknown_place=data.get("allow_unknown_place", False),
    )


def _candidate(item: Any, number: int, now: datetime) -> Candidate:
    where = f"candidates[{number}]"
    if not isinstance(item, dict):
        raise _fail(where, "entry", "expected an object")
    pid = item.get("id")
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0:
        raise _fail(where, "id", "expected a whole number above 0")
    where = f"{where} (id {pid})"
    langs = _codes(item.get("home_languages"), where, "home_languages")
    if not langs:
        raise _fail(where, "home_languages", "at least one language is needed")
    bands = _codes(item.get("age_bands", []), where, "age_bands")
    place = None
    hood = item.get("neighbourhood")
    if hood is not None:
        if not isinstance(hood, str) or not hood.strip():
            raise _fail(where, "neighbourhood", "expected a name, or null for no postcode")
        point = item.get("point")
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in point)
            or not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180)
        ):
            raise _fail(where, "point", "expected [latitude, longitude]")
        place = Place(hood, float(point[0]), float(point[1]))
    days = item.get("days_waiting", 0)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise _fail(where, "days_waiting", "expected a whole number of days, 0 or more")
    try:
        availability = Availability(item.get("availability", "available"))
    except ValueError:
        choices = ", ".join(a.value for a in Availability)
        raise _fail(where, "availability", f"expected one of {choices}") from None
    return Candidate(pid, langs, bands, place, now - timedelta(days=days), availability)


def parse(data: Any, name: str = "file") -> Instance:
    """The instance in `data` (parsed JSON); BadFile with one line when something is wrong."""
    if not isinstance(data, dict):
        raise BadFile("the file must hold one object with rules, candidates and avoid")
    rules = _rules(data.get("rules"))
    items = data.get("candidates")
    if not isinstance(items, list) or not items:
        raise _fail("candidates", "candidates", "expected a list of parents")
    candidates, seen = [], set()
    for number, item in enumerate(items):
        candidate = _candidate(item, number, rules.now)
        if candidate.parent_id in seen:
            raise _fail(f"candidates[{number}] (id {candidate.parent_id})", "id", "used twice")
        seen.add(candidate.parent_id)
        candidates.append(candidate)
    avoid = []
    pairs = data.get("avoid", [])
    if not isinstance(pairs, list):
        raise _fail("avoid", "avoid", "expected a list of pairs of ids")
    for number, pair in enumerate(pairs):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
        ):
            raise _fail(f"avoid[{number}]", "pair", "expected two ids, such as [1, 2]")
        unknown = [x for x in pair if x not in seen]
        if unknown:
            raise _fail(f"avoid[{number}]", "pair", f"no candidate has id {unknown[0]}")
        avoid.append(frozenset(pair))
    hoods = len({c.place.name for c in candidates if c.place is not None})
    return Instance(str(data.get("name", name)), candidates, rules, avoid, hoods)


def load(path: str | Path) -> Instance:
    """Read an instance file; BadFile("FILE: ENTRY: FIELD: PROBLEM") on any mistake."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadFile(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        at = f" at line {line}" if line else ""
        raise BadFile(f"{path}: not valid JSON{at}") from None
    try:
        return parse(data, path.stem)
    except BadFile as exc:
        raise BadFile(f"{path.name}: {exc}") from None


def dump(instance: Instance) -> dict[str, Any]:
    """The instance as the JSON object `parse` reads."""
    rules = instance.rules
    out = []
    for c in instance.candidates:
        item: dict[str, Any] = {
            "id": c.parent_id,
            "home_languages": sorted(c.home_languages),
            "age_bands": sorted(c.age_bands),
            "neighbourhood": c.place.name if c.place else None,
        }
        if c.place is not None:
            item["point"] = [c.place.lat, c.place.lon]
        waited = (rules.now - c.waiting_since).days if c.waiting_since else 0
        item["days_waiting"] = max(0, waited)
        if c.availability is not Availability.AVAILABLE:
            item["availability"] = c.availability.value
        out.append(item)
    return {
        "name": instance.name,
        "rules": {
            "now": rules.now.isoformat(),
            "max_distance_m": rules.max_distance_m,
            "allow_dutch": rules.allow_dutch,
            "allow_unknown_place": rules.allow_unknown_place,
        },
        "candidates": out,
        "avoid": [sorted(pair) for pair in instance.avoid],
    }
