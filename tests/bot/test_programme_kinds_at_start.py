"""A programme file with an item of a kind the registry does not know, or an event kind without
its event, stops the start with a config error that names the item (not a silent skip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.platforms import load_settings
from config.reader import ConfigError

ITEM = """
start = 2026-08-31
[[item]]
key = "one"
kind = "{kind}"
weeks = [1]
text.nl = "Kom koffie drinken."
"""


def _config(tmp_path: Path, kind: str) -> Path:
    (tmp_path / "programme.toml").write_text(ITEM.format(kind=kind), encoding="utf-8")
    config = tmp_path / "ouderkring.toml"
    demo = Path(__file__).parents[2] / "config" / "demo" / "arnhem.toml"
    config.write_text(
        f'communities = ["{demo}"]\n[prompts]\nprogramme = "programme.toml"\n', encoding="utf-8"
    )
    return config


@pytest.mark.parametrize(
    ("kind", "problem"),
    [("coffee", "use one of"), ("invitation", "needs event_day, event_time and place")],
)
def test_an_item_the_registry_cannot_send_stops_the_start(
    tmp_path: Path, kind: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_config(tmp_path, kind), environ={})
    assert caught.value.field == "item[0].kind"
    assert problem in caught.value.problem
    assert str(tmp_path / "programme.toml") in caught.value.path


def test_a_known_kind_loads(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path, "tip"), environ={})
    assert settings.prompts.programme is not None
    assert [item.kind for item in settings.prompts.programme.items] == ["tip"]
