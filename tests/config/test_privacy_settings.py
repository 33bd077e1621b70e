"""The [privacy] table of the config file: who runs the bot, how to reach them, and after how
many silent days a parent is erased."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from config.privacy import DEFAULT_INACTIVE_DAYS, PrivacySettings
from config.settings import EXAMPLE_CONFIG

GOOD = 'controller = "Gemeente Arnhem"\ncontact = "privacy@arnhem.example"\n'


def _write(tmp_path: Path, privacy: str | None) -> Path:
    path = tmp_path / "ouderkring.toml"
    demo = EXAMPLE_CONFIG.parent / "demo" / "arnhem.toml"
    table = "" if privacy is None else f"\n[privacy]\n{privacy}\n"
    path.write_text(f'communities = ["{demo}"]\n\n[bot]\nadmins = []\n{table}')
    return path


def test_the_shipped_example_names_who_runs_it() -> None:
    privacy = load_settings(EXAMPLE_CONFIG, environ={}).privacy
    assert privacy.controller and privacy.contact and privacy.erases_inactive
    assert privacy.inactive_days == DEFAULT_INACTIVE_DAYS


def test_without_the_table_nobody_is_named_and_the_default_period_holds(tmp_path: Path) -> None:
    assert load_settings(_write(tmp_path, None), environ={}).privacy == PrivacySettings()


def test_values(tmp_path: Path) -> None:
    text = GOOD + 'officer = "  Fien   de Boer "\ninactive_days = 0\n'
    privacy = load_settings(_write(tmp_path, text), environ={}).privacy
    assert privacy == PrivacySettings(
        "Gemeente Arnhem", "privacy@arnhem.example", "Fien de Boer", 0
    )
    assert not privacy.erases_inactive
    phone = load_settings(
        _write(tmp_path, 'controller = "X"\ncontact = "026 123 4567"'), environ={}
    )
    assert phone.privacy.contact == "026 123 4567"


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ('contact = "a@b.nl"\n', "privacy.controller", "missing"),
        ('controller = "X"\n', "privacy.contact", "missing"),
        ('controller = "X"\ncontact = "ask at school"\n', "privacy.contact", "e-mail"),
        ('controller = " "\ncontact = "a@b.nl"\n', "privacy.controller", "1 to 120"),
        (f'controller = "{"x" * 121}"\ncontact = "a@b.nl"\n', "privacy.controller", "1 to 120"),
        (GOOD + "inactive_days = 10\n", "privacy.inactive_days", "between 30 and 3650"),
        (GOOD + "inactive_days = -1\n", "privacy.inactive_days", "0 (never)"),
        (GOOD + 'inactive_days = "365"\n', "privacy.inactive_days", "must be a int"),
        (GOOD + "officer = 3\n", "privacy.officer", "must be a str"),
        (GOOD + 'dpo = "x"\n', "privacy.dpo", "unknown setting"),
    ],
)
def test_bad_values_are_refused_with_the_field(
    tmp_path: Path, text: str, field: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text), environ={})
    assert caught.value.field == field
    assert problem in caught.value.problem
