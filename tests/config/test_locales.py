"""One list of locales: the config check and the message catalogs read the same tuple."""

from __future__ import annotations

from pathlib import Path

import pytest

from community import i18n
from config import ConfigError, load_settings
from config.locales import FALLBACK_LOCALE, LOCALES
from config.settings import PACKAGE_DIR

DEMO = PACKAGE_DIR / "demo" / "arnhem.toml"


def test_catalogs_and_config_share_one_list() -> None:
    assert i18n.SHIPPED_LOCALES is LOCALES
    assert i18n.FALLBACK_LOCALE == FALLBACK_LOCALE in LOCALES
    assert len(set(LOCALES)) == len(LOCALES)
    for locale in LOCALES:
        assert i18n.catalog_path(locale).is_file(), locale


@pytest.mark.parametrize("locale", LOCALES)
def test_every_shipped_locale_is_accepted_as_default(tmp_path: Path, locale: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"communities = ['{DEMO}']\n[bot]\ndefault_locale = '{locale}'\n")
    assert load_settings(path, environ={}).default_locale == locale


def test_the_refusal_lists_the_shipped_locales(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"communities = ['{DEMO}']\n[bot]\ndefault_locale = 'xx'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert ", ".join(LOCALES) in caught.value.problem
