"""The [buddies] table of the config file: follow-up days and the weekly round."""

from __future__ import annotations

from pathlib import Path

import pytest

from community.scheduler import weekly_trigger
from config import ConfigError, load_settings
from config.settings import EXAMPLE_CONFIG


def _write(tmp_path: Path, buddies: str) -> Path:
    path = tmp_path / "ouderkring.toml"
    demo = EXAMPLE_CONFIG.parent / "demo" / "arnhem.toml"
    path.write_text(f'communities = ["{demo}"]\n\n[bot]\nadmins = []\n\n[buddies]\n{buddies}\n')
    return path


def test_defaults_and_values(tmp_path: Path) -> None:
    default = load_settings(_write(tmp_path, ""), environ={})
    assert (default.buddy_follow_up_days, default.buddy_weekly_round) == (14, None)
    assert default.answer_hours == 48
    assert load_settings(_write(tmp_path, "answer_hours = 72"), environ={}).answer_hours == 72
    chosen = load_settings(
        _write(tmp_path, 'follow_up_days = 21\nweekly_round = "Monday 09:30"'), environ={}
    )
    assert (chosen.buddy_follow_up_days, chosen.buddy_weekly_round) == (21, "monday 09:30")
    trigger = str(weekly_trigger("monday 09:30"))
    assert "day_of_week='mon'" in trigger and "hour='9'" in trigger and "minute='30'" in trigger


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("follow_up_days = 0", "buddies.follow_up_days"),
        ('weekly_round = "every monday"', "buddies.weekly_round"),
        ('weekly_round = "monday 25:00"', "buddies.weekly_round"),
        ("rounds = 3", "buddies.rounds"),
        ("answer_hours = 0", "buddies.answer_hours"),
    ],
)
def test_bad_values_are_refused_with_the_field(tmp_path: Path, line: str, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, line), environ={})
    assert caught.value.field == field
