"""The [moderation] table of the config file: newcomers' hours, flood limits, report days."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from config.moderation import ModerationSettings
from config.settings import EXAMPLE_CONFIG


def _write(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "ouderkring.toml"
    demo = EXAMPLE_CONFIG.parent / "demo" / "arnhem.toml"
    path.write_text(f'communities = ["{demo}"]\n\n[bot]\nadmins = []\n\n[moderation]\n{table}\n')
    return path


def test_defaults_and_values(tmp_path: Path) -> None:
    assert load_settings(_write(tmp_path, ""), environ={}).moderation == ModerationSettings()
    chosen = load_settings(
        _write(tmp_path, "newcomer_hours = 48\ngroup_messages = 5\nprivate_messages = 30"),
        environ={},
    ).moderation
    assert (chosen.newcomer_hours, chosen.group_messages, chosen.private_messages) == (48, 5, 30)
    assert load_settings(EXAMPLE_CONFIG, environ={}).moderation == ModerationSettings()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("group_messages = 0", "moderation.group_messages"),
        ("report_days = 1000", "moderation.report_days"),
        ('private_messages = "20"', "moderation.private_messages"),
        ("flood = 3", "moderation.flood"),
    ],
)
def test_bad_values_name_the_field(tmp_path: Path, line: str, field: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(_write(tmp_path, line), environ={})
    assert raised.value.field == field
