"""Logs keep nothing private: no user id, typed text or token in any log line, at DEBUG level,
whether the database works or fails."""

from __future__ import annotations

import dataclasses
import logging
import os
from typing import Any

import pytest
from sqlalchemy import event

from bot.app import App
from bot.platforms import load_settings
from config import Settings
from tests.support.chat import Chat

TELEGRAM_TOKEN = "987654:tok-en-SECRET-telegram"
MATRIX_TOKEN = "syt_secret_matrix_token"
USER = "zwaantje7"  # the platform id of the parent
OTHER = "merel3"
POSTCODE = "6825 AB"
TYPED = "geheime tekst 42"


@pytest.fixture
def settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The conftest settings, with the tokens read from the environment as in production."""
    for name in list(os.environ):
        if name.startswith("OUDERKRING_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OUDERKRING_TELEGRAM_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("OUDERKRING_MATRIX_ACCESS_TOKEN", MATRIX_TOKEN)
    base = load_settings()
    assert base.section("telegram").token == TELEGRAM_TOKEN
    return dataclasses.replace(base, database_url=database_url)


def _log_everything(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # As `create_engine(echo="debug")`: every statement with its parameters (unless hidden) and
    # every result row (unless filtered out, see community/db.py).
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.pool")


def _break_inserts(app: App) -> None:
    """Make every INSERT fail inside the database, parameters and all: the handler's writes and
    its queued replies fail, while the outbox sender (which updates rows) keeps working."""

    @event.listens_for(app.db_engine, "before_cursor_execute", retval=True)
    def _garble(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> Any:
        if statement.lstrip().upper().startswith("INSERT"):
            statement = "BROKEN " + statement
        return statement, parameters


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter()
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
    return "\n".join(parts)


def _assert_private(logged: str) -> None:
    for secret in (USER, OTHER, POSTCODE, TYPED, TELEGRAM_TOKEN, MATRIX_TOKEN, "ARNHEM"):
        assert secret not in logged, f"{secret!r} reached the logs"


def test_a_working_dialogue_logs_nothing_private(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    _log_everything(caplog)
    chat.onboard(USER, postcode=POSTCODE)
    chat.say(f"{USER}: {TYPED}")
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records), "no SQL logged"
    _assert_private(_everything_logged(caplog))


def test_a_failing_database_logs_nothing_private(
    chat: Chat, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    chat.say(f"{USER}: /start ARNHEM")
    _log_everything(caplog)
    _break_inserts(app)
    chat.say(f"{OTHER}: /start ARNHEM")
    chat.say(f"{USER}: English")
    chat.say(f"{USER}: {TYPED}")
    assert any(r.levelno >= logging.ERROR for r in caplog.records), "the failure was not logged"
    _assert_private(_everything_logged(caplog))
