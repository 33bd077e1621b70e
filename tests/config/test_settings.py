"""The config file: the shipped example loads; bad files are refused naming file, field, problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.platforms import load_settings
from config import ConfigError
from config.settings import ENVIRONMENT, EXAMPLE_CONFIG


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
    assert settings.section("telegram").token == "123:abc"
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
        ("communities = ['missing.toml']\n", None, "communities[0]", "missing.toml not found"),
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


USES_C = "communities = ['c.toml']\n"
HOOD_B = '[[neighbourhoods]]\nname = "B"\npostcode_areas = ["1235"]\ncentre = [52.0, 5.0]\n'


@pytest.mark.parametrize(
    ("text", "community", "field", "problem"),
    [
        pytest.param("", None, "(file)", "is empty", id="empty file"),
        pytest.param("# only a comment\n", None, "(file)", "is empty", id="only comments"),
        pytest.param("[bot]\n", None, "communities", "at least 1 community", id="no communities"),
        pytest.param("communities = []\n", None, "communities", "at least 1", id="no communities"),
        pytest.param(USES_C, "", "(file)", "is empty", id="empty community file"),
        pytest.param(
            USES_C + "[database]\nurl = 'postgresql+psycopg://u:pw@db/ok'\n",
            COMMUNITY,
            "database.url",
            "environment variables",
            id="password in the URL",
        ),
        pytest.param(
            USES_C + "[database]\nurl = 'postgresql+psycopg://u@db/ok?password=pw'\n",
            COMMUNITY,
            "database.url",
            "OUDERKRING_DATABASE_URL",
            id="password in the URL query",
        ),
        pytest.param(
            USES_C + "[database]\nurl = 'mysql://u@db/ok'\n",
            COMMUNITY,
            "database.url",
            "not supported",
            id="unsupported database",
        ),
        pytest.param(
            USES_C + "[database]\nurl = 'postgresql://u@db/ok'\n",
            COMMUNITY,
            "database.url",
            "postgresql+psycopg://",
            id="postgres without the psycopg driver",
        ),
        pytest.param(
            USES_C,
            COMMUNITY.replace('["nl"]', '["nl", "xx"]'),
            "home_languages[1]",
            "'xx' is not a language code",
            id="unknown home language",
        ),
        pytest.param(
            USES_C,
            COMMUNITY.replace('["nl"]', '["nl", "ar", "nl"]'),
            "home_languages[2]",
            "listed twice",
            id="duplicated home language",
        ),
        pytest.param(
            USES_C,
            COMMUNITY.replace('["nl"]', "[]"),
            "home_languages",
            "at least 1",
            id="no home languages",
        ),
        pytest.param(
            USES_C,
            COMMUNITY + HOOD_B.replace('["1235"]', "[]"),
            "neighbourhoods[1].postcode_areas",
            "at least 1 postcode",
            id="neighbourhood without postcodes",
        ),
        pytest.param(
            USES_C,
            COMMUNITY + HOOD_B.replace('["1235"]', '["1236", "1234"]'),
            "neighbourhoods[1].postcode_areas[1]",
            "1234 is already in A",
            id="postcode in two neighbourhoods",
        ),
        pytest.param(
            USES_C,
            COMMUNITY + HOOD_B.replace('"B"', '"A"'),
            "neighbourhoods[1].name",
            "already neighbourhoods[0]",
            id="two neighbourhoods with one name",
        ),
        pytest.param(
            USES_C,
            COMMUNITY.replace('name = "X"', 'name = "  "'),
            "name",
            "1 to 120 characters",
            id="blank community name",
        ),
        pytest.param(
            USES_C,
            COMMUNITY.replace('city = "X"', f'city = "{"x" * 121}"'),
            "city",
            "1 to 120 characters",
            id="city too long",
        ),
    ],
)
def test_strict_config_rules(
    tmp_path: Path, text: str, community: str | None, field: str, problem: str
) -> None:
    path = _write(tmp_path, text, community)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert (caught.value.field, caught.value.path.endswith(".toml")) == (field, True)
    assert problem in caught.value.problem
    assert "pw" not in str(caught.value)


def test_the_minimal_valid_config_loads(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, USES_C, COMMUNITY + HOOD_B), environ={})
    assert [hood.name for hood in settings.communities[0].neighbourhoods] == ["A", "B"]


@pytest.mark.parametrize(
    "url", ["nonsense", "postgresql+psycopg://u:s3cret@db:notaport/ok", "oracle://u:s3cret@db/x"]
)
def test_a_bad_url_in_the_environment_blames_the_variable(tmp_path: Path, url: str) -> None:
    path = _write(tmp_path, USES_C, COMMUNITY)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={"OUDERKRING_DATABASE_URL": url})
    assert caught.value.path == ENVIRONMENT
    assert caught.value.field == "OUDERKRING_DATABASE_URL"
    line = caught.value.describe()
    assert line.startswith("Configuration error in environment variable OUDERKRING_DATABASE_URL")
    assert "s3cret" not in line and "ouderkring.toml" not in line


def test_the_environment_may_hold_a_password(tmp_path: Path) -> None:
    path = _write(tmp_path, USES_C, COMMUNITY)
    url = "postgresql+psycopg://u:s3cret@db/ok"
    assert load_settings(path, environ={"OUDERKRING_DATABASE_URL": url}).database_url == url


def test_a_folder_or_non_utf8_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings(tmp_path, environ={})
    path = tmp_path / "latin1.toml"
    path.write_bytes("[bot]\n# Café\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(path, environ={})


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, USES_C, COMMUNITY)
    path.chmod(0)
    with pytest.raises(ConfigError, match="permission denied"):
        load_settings(path, environ={})
