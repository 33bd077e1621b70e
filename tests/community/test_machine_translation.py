"""The machine translation client against a LibreTranslate-compatible server on loopback: the
request it sends, the key, nothing sent when off, and every failure a quiet None that is logged
without the text or the key."""

from __future__ import annotations

import logging
import time

import pytest

from community.services import machine_translation
from community.services.machine_translation import MachineTranslator
from config.translation import TranslationSettings
from tests.support.fake_translate import FakeTranslate, closed_port_url

TEXT = "Lees vandaag samen een boek."


@pytest.fixture
def server() -> FakeTranslate:
    with FakeTranslate() as fake:
        yield fake


def _draft(text: str, source: str, target: str, settings: TranslationSettings | None) -> str | None:
    with MachineTranslator(settings) as machine:
        return machine.draft(text, source, target)


def test_a_draft_is_the_servers_translation(server: FakeTranslate) -> None:
    settings = TranslationSettings(url=server.url)
    assert _draft(TEXT, "nl", "ar", settings) == f"[ar] {TEXT}"
    assert server.requests == [{"q": TEXT, "source": "nl", "target": "ar", "format": "text"}]


def test_the_key_is_sent_with_the_text(server: FakeTranslate) -> None:
    settings = TranslationSettings(url=server.url, api_key="k-1")
    assert _draft(TEXT, "nl", "tr", settings) == f"[tr] {TEXT}"
    assert server.requests[-1] == {
        "q": TEXT,
        "source": "nl",
        "target": "tr",
        "format": "text",
        "api_key": "k-1",
    }


def test_nothing_is_sent_when_off_or_not_needed(server: FakeTranslate) -> None:
    assert _draft(TEXT, "nl", "ar", TranslationSettings()) is None  # no url
    assert _draft(TEXT, "nl", "ar", None) is None
    only_turkish = TranslationSettings(url=server.url, locales=("tr",))
    assert _draft(TEXT, "nl", "ar", only_turkish) is None
    on = TranslationSettings(url=server.url)
    assert _draft(TEXT, "nl", "nl", on) is None  # already in that language
    assert _draft("  ", "nl", "ar", on) is None
    assert server.requests == []


def test_auto_detection_is_read(server: FakeTranslate) -> None:
    with MachineTranslator(TranslationSettings(url=server.url)) as machine:
        found = machine.translate("قرأنا كتابا", "auto", "nl")
        assert found is not None and found.detected == "ar"
        assert found.text == "[nl] قرأنا كتابا"


@pytest.mark.parametrize("case", ["down", "error", "wrong key", "slow"])
def test_a_failure_is_none_and_logged_without_text_or_key(
    server: FakeTranslate, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    url = closed_port_url() if case == "down" else server.url
    server.api_key = "the-right-key" if case == "wrong key" else None
    server.status = 500 if case == "error" else None
    settings = TranslationSettings(url=url, api_key="k-wrong-9", timeout=0.5)
    if case == "slow":
        server.detect = lambda text: time.sleep(1.5) or "nl"  # type: ignore[func-returns-value]
        source = "auto"
    else:
        source = "nl"
    caplog.set_level(logging.DEBUG)
    with MachineTranslator(settings) as machine:
        assert machine.draft(TEXT, source, "ar") is None
        assert machine.failed
        sent = len(server.requests)
        # After one failure, nothing more this run: one timeout, not one per language.
        assert machine.draft(TEXT, "nl", "tr") is None
        assert len(server.requests) == sent
    records = [r for r in caplog.records if r.name == machine_translation.__name__]
    assert len(records) == 1 and records[0].levelno == logging.WARNING
    assert records[0].exc_info is None  # a line, no stack trace
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "nl -> ar failed" in logged or "auto -> ar failed" in logged
    assert "boek" not in logged and "k-wrong-9" not in logged
