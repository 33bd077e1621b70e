"""The log filter of the composition root (bot/logs.py), line by line: secrets in every form,
libraries' lines reduced or dropped, warnings kept without their text, tracebacks scrubbed;
and `ouderkring` installs it on its handler."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.logs import HIDDEN, PrivacyFilter, endpoint
from bot.matrix.settings import MatrixSpec
from bot.telegram.settings import TelegramSettings
from config import load_settings
from config.translation import TranslationSettings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "5550123:AAH-unit_Secret/+=99"
MATRIX_TOKEN = "syt_dW5pdA_secretMATRIX_17"
TRANSLATION_KEY = "lt-key-Secret-2049"


@pytest.fixture
def guard() -> PrivacyFilter:
    """A filter of its own (not the process-wide one) that knows one run's settings."""
    settings = dataclasses.replace(
        load_settings(environ={}),
        database_url="postgresql+psycopg://ouderkring:pa%24%24w0rd!@db/ok",
        platform_settings={
            "telegram": TelegramSettings(token=TOKEN),
            "matrix": MatrixSpec(
                "https://m.example.org", "@ouderkring:example.org", access_token=MATRIX_TOKEN
            ),
        },
        translation=TranslationSettings("http://libretranslate:5000", TRANSLATION_KEY),
    )
    fresh = PrivacyFilter()
    fresh.remember(settings)
    return fresh


def line(
    guard: PrivacyFilter,
    name: str,
    level: int,
    msg: str,
    *args: object,
    exc: BaseException | None = None,
) -> str | None:
    """What a handler with the filter prints for one record; None when it is dropped."""
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logging.LogRecord(name, level, __file__, 1, msg, args or None, exc_info)
    if not guard.filter(record):
        return None
    return logging.Formatter("%(name)s %(message)s").format(record)


def test_secrets_are_hidden_in_every_form(guard: PrivacyFilter) -> None:
    for form in (
        TOKEN,
        quote(TOKEN, safe=""),
        f"https://api.telegram.org/bot{TOKEN}/getMe",
        TOKEN.split(":", 1)[1],  # the secret half
        MATRIX_TOKEN,
        "pa$$w0rd!",  # the database password, as it is
        "pa%24%24w0rd!",  # and as it is in the URL
        TRANSLATION_KEY,  # the machine translation server's key
    ):
        shown = line(guard, "bot.telegram.adapter", logging.ERROR, "failed: %s", form)
        assert shown is not None and HIDDEN in shown
        assert form not in shown and "Secret" not in shown and "w0rd" not in shown


def test_a_libraries_request_lines_are_reduced_to_method_and_status(guard: PrivacyFilter) -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage?chat_id=734018265"
    shown = line(
        guard,
        "httpx",
        logging.INFO,
        'HTTP Request: %s %s "%s %d %s"',
        "POST",
        url,
        "HTTP/1.1",
        200,
        "OK",
    )
    assert shown == "httpx HTTP Request: POST sendMessage 200"
    called = line(
        guard,
        "telegram.ext.ExtBot",
        logging.DEBUG,
        "Calling Bot API endpoint `%s` with parameters `%s`",
        "sendMessage",
        {"chat_id": 734018265, "text": "mijn postcode is 6813 QZ"},
    )
    assert called == "telegram.ext.ExtBot Bot API sendMessage: called"
    # A file's path, an id, the token: never taken for a method name.
    assert endpoint(f"https://x/file/bot{TOKEN}/photos/file_1.jpg") == "?"
    assert endpoint(f"https://x/bot{TOKEN}") == "?"
    assert endpoint("https://x/_matrix/client/v3/rooms/!abc:x/send/m.room.message/17") == "?"


def test_a_libraries_other_lines_below_warning_are_dropped(guard: PrivacyFilter) -> None:
    assert line(guard, "telegram.ext.ExtBot", logging.DEBUG, "Set Bot API URL: %s", TOKEN) is None
    assert (
        line(
            guard,
            "nio.responses",
            logging.DEBUG,
            "Validating response schema %r: %s",
            {},
            {"body": "hoi"},
        )
        is None
    )
    assert line(guard, "nio.rooms", logging.INFO, "New member @anna:example.org in room") is None
    assert line(guard, "aiohttp.access", logging.INFO, '127.0.0.1 "POST /tg"') is None
    assert line(guard, "asyncio", logging.DEBUG, "Executing <Handle cb('hoi')>") is None
    assert line(guard, "sqlalchemy.engine.Engine", logging.DEBUG, "Row %r", ("anna", "hoi")) is None
    kept = line(guard, "sqlalchemy.engine.Engine", logging.INFO, "SELECT person.id FROM person")
    assert kept == "sqlalchemy.engine.Engine SELECT person.id FROM person"


def test_a_libraries_warnings_are_kept_without_their_text(guard: PrivacyFilter) -> None:
    shown = line(
        guard,
        "telegram.ext.ExtBot",
        logging.CRITICAL,
        "Error while parsing updates! Received data was %r",
        [{"message": {"text": "mijn geheime zin"}}],
    )
    assert shown == f"telegram.ext.ExtBot Error while parsing updates! Received data was {HIDDEN}"
    slept = line(
        guard, "nio.client.async_client", logging.WARNING, "Timed out, sleeping for %ds", 4
    )
    assert slept == "nio.client.async_client Timed out, sleeping for 4s"
    # Already formatted by the library (nio's f-strings): Matrix ids and secrets scrubbed.
    formatted = line(
        guard, "nio.crypto", logging.WARNING, f"No session for @anna:example.org ({MATRIX_TOKEN})"
    )
    assert formatted == f"nio.crypto No session for @{HIDDEN}:example.org ({HIDDEN})"


def test_matrix_ids_of_people_are_hidden_but_the_bots_own_is_not(guard: PrivacyFilter) -> None:
    shown = line(
        guard,
        "bot.matrix.transport",
        logging.WARNING,
        "no Matrix user %s (%s)",
        "@anna_7:example.org",
        "@ouderkring:example.org",
    )
    assert (
        shown
        == f"bot.matrix.transport no Matrix user @{HIDDEN}:example.org (@ouderkring:example.org)"
    )


def test_tracebacks_are_scrubbed(guard: PrivacyFilter) -> None:
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{TOKEN}/getMe for @anna:example.org")
    except RuntimeError as exc:
        error = exc
    for name in ("bot.engine.dispatcher", "httpx"):
        shown = line(guard, name, logging.ERROR, "transport error", exc=error)
        assert shown is not None and "RuntimeError" in shown and "Traceback" in shown
        assert TOKEN not in shown and "@anna" not in shown


def test_a_record_through_two_handlers_is_made_safe_once(guard: PrivacyFilter) -> None:
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: %s %s "%s %d %s"',
        ("POST", f"https://x/bot{TOKEN}/getMe", "HTTP/1.1", 200, "OK"),
        None,
    )
    assert guard.filter(record) and guard.filter(record)
    assert record.getMessage() == "HTTP Request: POST getMe 200"


def test_ouderkring_puts_the_filter_on_its_handler(tmp_path: Path) -> None:
    """The CLI's logging, a library at DEBUG as an operator might turn it on: no token."""
    # A command that logs the way libraries and our code do, added to the real CLI app.
    script = f"""
import logging
from bot import cli

logging.getLogger("telegram").setLevel(logging.DEBUG)

@cli.app.command("leak")
def leak() -> None:
    cli.load(None)
    bot = logging.getLogger("telegram.ext.ExtBot")
    bot.debug("Set Bot API URL: %s", "https://api.telegram.org/bot{TOKEN}")
    bot.critical("Error while parsing updates! Received data was %r", "hoi 6813 QZ")
    logging.getLogger("bot.x").warning("token %s", "{TOKEN}")

cli.main()
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    env.update(PYTHONPATH=str(ROOT), OUDERKRING_TELEGRAM_TOKEN=TOKEN)
    result = subprocess.run(
        [sys.executable, "-c", script, "-v", "leak"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Received data was [hidden]" in result.stderr  # a warning stays, without its text
    assert "bot.x: token [hidden]" in result.stderr
    assert TOKEN not in result.stderr and "6813 QZ" not in result.stderr
