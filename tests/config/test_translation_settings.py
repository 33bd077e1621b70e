"""The [translation] table: off without a URL, the API key only from the environment and never
shown, the timeout and the languages checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from config.locales import LOCALES
from config.settings import EXAMPLE_CONFIG
from config.translation import ENV_TRANSLATION_API_KEY, TranslationSettings


def _write(tmp_path: Path, translation: str | None) -> Path:
    path = tmp_path / "ouderkring.toml"
    demo = EXAMPLE_CONFIG.parent / "demo" / "arnhem.toml"
    table = "" if translation is None else f"\n[translation]\n{translation}\n"
    path.write_text(f'communities = ["{demo}"]\n\n[bot]\nadmins = []\n{table}')
    return path


def test_off_by_default_even_with_a_key_in_the_environment(tmp_path: Path) -> None:
    env = {ENV_TRANSLATION_API_KEY: "k-123"}
    for text in (None, "timeout = 3"):
        translation = load_settings(_write(tmp_path, text), environ=env).translation
        assert translation == TranslationSettings()
        assert not translation.enabled and not translation.translates_into("ar")
    assert not load_settings(EXAMPLE_CONFIG, environ={}).translation.enabled


def test_values_and_the_key_from_the_environment(tmp_path: Path) -> None:
    text = 'url = "http://libretranslate:5000/"\ntimeout = 2\nlocales = ["ar", "tr", "ar"]'
    settings = load_settings(
        _write(tmp_path, text), environ={ENV_TRANSLATION_API_KEY: "k-secret-123"}
    )
    translation = settings.translation
    assert translation == TranslationSettings(
        "http://libretranslate:5000", "k-secret-123", 2.0, ("ar", "tr")
    )
    assert translation.translates_into("ar") and not translation.translates_into("pl")
    assert "k-secret-123" not in repr(settings) and "k-secret-123" not in str(translation)
    default = load_settings(_write(tmp_path, 'url = "https://mt.example"'), environ={})
    assert default.translation.locales == LOCALES and default.translation.api_key is None


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ('url = "libretranslate:5000"', "translation.url", "http(s) URL"),
        ('url = "ftp://x"', "translation.url", "http(s) URL"),
        ('url = "http://user:pw@mt.example"', "translation.url", ENV_TRANSLATION_API_KEY),
        ('url = "http://x"\napi_key = "abc"', "translation.api_key", ENV_TRANSLATION_API_KEY),
        ('url = "http://x"\ntimeout = 0', "translation.timeout", "between"),
        ('url = "http://x"\ntimeout = 61', "translation.timeout", "between"),
        ('url = "http://x"\nlocales = ["fr"]', "translation.locales[0]", "not a shipped"),
        ('url = "http://x"\nmodel = "big"', "translation.model", "unknown setting"),
        ("url = 5", "translation.url", "must be a str"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, text: str, field: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text), environ={})
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert "abc" not in str(caught.value) and "pw@" not in str(caught.value)
