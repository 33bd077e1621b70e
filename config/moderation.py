"""The `[moderation]` table: how long a newcomer cannot post links, what counts as flooding a
group or the bot, and how long reports are kept. Every key is optional."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ModerationSettings:
    # In their first hours in a group room a member's links wait for a coordinator.
    newcomer_hours: int = 24
    # More than `group_messages` messages in `group_seconds` in a group room is flooding.
    group_messages: int = 10
    group_seconds: int = 30
    # More than `private_messages` events a minute in a private chat with the bot.
    private_messages: int = 20
    # Days a report (and a held link) is kept for the coordinators' buttons.
    report_days: int = 30


# No flood limits: for benchmarks and tests that drive one sender hard at a clock that stands still.
UNLIMITED = ModerationSettings(group_messages=10**6, private_messages=10**6)


def load_moderation_settings(config_path: Path, data: dict[str, Any]) -> ModerationSettings:
    from config.reader import Reader

    reader = Reader(config_path, data, "moderation.")
    limits = {
        "newcomer_hours": (0, 24 * 14),
        "group_messages": (1, 1000),
        "group_seconds": (1, 3600),
        "private_messages": (1, 1000),
        "report_days": (1, 365),
    }
    reader.check_unknown(set(limits))
    values: dict[str, int] = {}
    defaults = ModerationSettings()
    for key, (low, high) in limits.items():
        value = reader.get(key, int, getattr(defaults, key))
        if not low <= value <= high:
            raise reader.fail(key, f"must be between {low} and {high}")
        values[key] = value
    return ModerationSettings(**values)
