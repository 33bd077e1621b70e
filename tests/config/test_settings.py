"""The config file: the shipped example loads; bad files are refused naming file, field, problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from config.settings import EXAMPLE_CONFIG


def test_the_shipped_example_and_demo_community_load() -> None:
    settings = load_settings(EXAMPLE_CONFIG, environ={})
    (arnhem,) = settings.communities
    assert arnhem.city == "Arnhem" and arnhem.invite_code == "ARNHEM"
    areas = [area for hood in arnhem.neighbourhoods for area in hood.postcode_areas]
    assert "6825" in areas and len(areas) == len(set(areas))
    assert settings.is_admin("console", "admin") and not settings.is_admin("console", "anna")


def test_environment_overrides_the_database_and_carries_secrets() -> None:
    settings = load_settings(
        EXAMPLE_CONFIG,
        environ={
            "OUDERKRING_DATABASE_URL": "postgresql+psycopg://u:secret@db/ok",
            "OUDERKRING_TELEGRAM_TOKEN": "123:abc",
        },
    )
    assert settings.database_url.endswith("@db/ok")
    assert settings.telegram_token == "123:abc"
    assert "123:abc" not in repr(settings)


def _write(tmp_path: Path, text: str, community: str | None = None) -> Path:
    if community is not None:
        (tmp_path / "c.toml").write_text(community)
    path = tmp_path / "ouderkring.toml"
    path.write_text(text)
    return path


COMMUNITY = """slug = "x"
name = "X"
city = "X"
invite_code = "XCODE"
home_languages = ["nl"]
[[neighbourhoods]]
name = "A"
postcode_areas = ["1234"]
centre = [52.0, 5.0]
"""


@pytest.mark.parametrize(
    ("text", "community", "field", "problem"),
    [
        ("[bot]\ndefault_locale = 'fr'\n", None, "bot.default_locale", "not shipped"),
        ("[bot]\nadmins = 'me'\n", None, "bot.admins", "must be a list"),
        ("[bot]\nadmins = ['me']\n", None, "bot.admins[0]", "not valid"),
        ("[bot]\ntoken = 'x'\n", None, "bot.token", "environment variables"),
        ("[bot]\ncolour = 'red'\n", None, "bot.colour", "unknown setting"),
        ("[bot]\nrole_code_days = 0\n", None, "bot.role_code_days", "between"),
        ("[database]\nurl = 'nonsense'\n", None, "database.url", "database URL"),
        ("communities = ['missing.toml']\n", None, "(file)", "file not found"),
        ("[bot\n", None, "(file)", "not valid TOML"),
        (
            "communities = ['c.toml']\n",
            COMMUNITY.replace('"1234"', '"123"'),
            "neighbourhoods[0].postcode_areas[0]",
            "not valid",
        ),
        (
            "communities = ['c.toml']\n",
            COMMUNITY.replace("[52.0, 5.0]", "[52.0]"),
            "neighbourhoods[0].centre",
            "latitude",
        ),
        (
            "communities = ['c.toml']\n",
            COMMUNITY.replace('invite_code = "XCODE"\n', ""),
            "invite_code",
            "missing",
        ),
    ],
)
def test_bad_config_names_file_field_and_problem(
    tmp_path: Path, text: str, community: str | None, field: str, problem: str
) -> None:
    path = _write(tmp_path, text, community)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert caught.value.path.endswith(".toml")


def test_same_postcode_in_two_neighbourhoods_is_refused(tmp_path: Path) -> None:
    twice = (
        COMMUNITY
        + '[[neighbourhoods]]\nname = "B"\npostcode_areas = ["1234"]\ncentre = [52.0, 5.0]\n'
    )
    path = _write(tmp_path, "communities = ['c.toml']\n", twice)
    with pytest.raises(ConfigError, match="already in A"):
        load_settings(path, environ={})
