"""A language can ship half translated: what its catalog lacks comes from the default language,
then English, plurals included; `ouderkring i18n check` says what is missing or unreviewed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from community.catalog_check import catalog_state
from community.i18n import LOCALES_DIR, Translator, catalog_path

# German, as a contributor starts it: 2 messages, a plural with one form left empty.
GERMAN = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "button.done"
msgstr "Fertig"

# unreviewed
msgid "button.close"
msgstr "Schließen"

msgid "community.parents"
msgid_plural "community.parents.plural"
msgstr[0] "{community}: {count} Elternteil macht mit."
msgstr[1] ""

msgid "button.skip"
msgstr ""
"""


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    for locale in ("nl", "en"):
        shutil.copytree(LOCALES_DIR / locale, tmp_path / locale)
    catalog_path("de", tmp_path).parent.mkdir(parents=True)
    catalog_path("de", tmp_path).write_text(GERMAN)
    return tmp_path


def test_a_partial_language_falls_back_to_the_default_then_english(catalogs: Path) -> None:
    dutch_default = Translator(("de", "nl", "en"), catalogs, default_locale="nl")
    assert dutch_default.t("de", "button.done") == "Fertig"
    assert dutch_default.t("de", "button.close") == "Schließen"  # unreviewed is still shown
    assert dutch_default.t("de", "button.skip") == dutch_default.t("nl", "button.skip")
    parents = ("community.parents", "community.parents.plural")
    # Half a plural is no plural: both forms come from Dutch, never the raw id.
    assert dutch_default.tn("de", *parents, 1, community="X") == "X: 1 ouder doet mee."
    assert dutch_default.tn("de", *parents, 3, community="X") == "X: 3 ouders doen mee."
    english_default = Translator(("de", "nl", "en"), catalogs)
    assert english_default.t("de", "button.skip") == english_default.t("en", "button.skip")
    assert english_default.tn("de", *parents, 3, community="X") == "X: 3 parents take part."
    # An unknown language gets the default one.
    assert dutch_default.t("xx", "button.done") == dutch_default.t("nl", "button.done")


def test_the_check_lists_missing_and_unreviewed_messages(catalogs: Path) -> None:
    state = catalog_state("de", catalogs)
    assert state.unreviewed == ("button.close",)
    assert "community.parents" in state.missing and "button.skip" in state.missing
    assert "button.done" not in state.missing
    assert state.total == len(state.missing) + 2
    assert catalog_state("nl", catalogs).missing == ()

    result = CliRunner().invoke(app, ["i18n", "check", "--locales-dir", str(catalogs)])
    # German is not shipped: listed, but only a shipped language's gaps fail the check.
    assert "de (not shipped): 2 of" in result.output
    assert "  unreviewed: button.close" in result.output
    assert "  missing: community.parents" in result.output
    assert result.exit_code == 1  # ar, tr, pl and uk are shipped and absent from this dir

    only_dutch = ["i18n", "check", "--locales-dir", str(catalogs), "-l", "nl", "-l", "de"]
    result = CliRunner().invoke(app, only_dutch)
    assert result.exit_code == 0, result.output


def test_the_shipped_catalogs_pass_the_check() -> None:
    result = CliRunner().invoke(app, ["i18n", "check", "--summary"])
    assert result.exit_code == 0, result.output
    assert "0 missing" in result.output.splitlines()[0]


def test_unreviewed_messages_are_shown_and_a_reviewer_removes_the_mark(tmp_path: Path) -> None:
    shutil.copytree(LOCALES_DIR, tmp_path / "locales")
    root = tmp_path / "locales"
    before = catalog_path("ar", root).read_text()
    state = catalog_state("ar", root)
    assert "consent.ask" in state.unreviewed
    # Parents see an unreviewed text: the mark is a comment, not gettext's "fuzzy".
    arabic = Translator(("ar", "en"), root)
    assert arabic.t("ar", "consent.yes") == "نعم، أوافق"

    result = CliRunner().invoke(
        app, ["i18n", "reviewed", "ar", "consent.ask", "consent.yes", "--locales-dir", str(root)]
    )
    assert result.exit_code == 0, result.output
    after = catalog_state("ar", root)
    assert set(state.unreviewed) - set(after.unreviewed) == {"consent.ask", "consent.yes"}
    # Only the 2 mark lines went: entries, order and texts stay as they were.
    lines = before.split("\n")
    for msgid in ("consent.ask", "consent.yes"):
        at = lines.index(f'msgid "{msgid}"')
        assert lines[at - 1] == "# unreviewed"
        del lines[at - 1]
    assert catalog_path("ar", root).read_text() == "\n".join(lines)
    assert Translator(("ar", "en"), root).t("ar", "consent.yes") == "نعم، أوافق"

    result = CliRunner().invoke(app, ["i18n", "reviewed", "ar", "--locales-dir", str(root)])
    assert result.exit_code == 2  # neither ids nor --all: nothing is marked by accident
