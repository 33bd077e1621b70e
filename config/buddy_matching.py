"""The `[buddy_matching]` table of a community file: the limits of its buddy rounds.

    [buddy_matching]
    max_distance_m = 2000            # two parents live at most this far apart
    allow_dutch = false              # does sharing only Dutch make a pair?
    # After the main round, a second pass may propose pairs among the parents left over
    # under wider limits, shown to the coordinator as a separate, weaker group:
    second_pass_max_distance_m = 4000
    second_pass_allow_dutch = true

Without the table: 2 km, Dutch does not count, no second pass. The second pass only widens:
its distance is at least the main one, and Dutch that counts in the main round counts in it.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {"max_distance_m": 2000, "allow_dutch": False}
MAX_DISTANCE_M = 50_000  # more is not a neighbour any more


def buddy_matching(reader: Any) -> dict[str, Any]:
    """The table as plain values (stored with the community); `reader` is the settings
    module's table reader, which names the field in its errors."""
    reader.check_unknown(
        {"max_distance_m", "allow_dutch", "second_pass_max_distance_m", "second_pass_allow_dutch"}
    )
    out = dict(DEFAULTS)
    for key in ("max_distance_m", "second_pass_max_distance_m"):
        if key in reader.data:
            value = reader.get(key, int)
            if not 0 <= value <= MAX_DISTANCE_M:
                raise reader.fail(key, f"must be between 0 and {MAX_DISTANCE_M} metres")
            out[key] = value
    for key in ("allow_dutch", "second_pass_allow_dutch"):
        if key in reader.data:
            out[key] = reader.get(key, bool)
    if out.get("second_pass_max_distance_m", out["max_distance_m"]) < out["max_distance_m"]:
        raise reader.fail("second_pass_max_distance_m", "must be at least max_distance_m")
    if out["allow_dutch"] and out.get("second_pass_allow_dutch") is False:
        raise reader.fail("second_pass_allow_dutch", "Dutch already counts in the main round")
    return out
