"""What may reach a log line. One filter, installed on every handler by the composition root,
keeps tokens, message bodies, names, postcodes and platform ids out of the logs at every level.

Our own log lines are written with care (counts, row and update numbers, error classes). The
libraries under us are not: at DEBUG python-telegram-bot logs every Bot API call with its
parameters and answer (texts, names, user ids), httpx logs each request URL (a Bot API URL holds
the token), nio logs events and headers. So the filter is positive: a library's line below
WARNING is either reduced to a known-safe summary (which library, which Bot API method, the HTTP
status) or dropped. A library's warning or error is kept, as it is what an operator needs, but
with its string arguments hidden. Every line that passes, ours too, is scrubbed of the secrets
from the settings (also URL-encoded) and of Matrix user ids other than the bot's own.

    configure_logging(verbose)    # the CLI: handlers, levels, and this filter on each handler
    protect(settings)             # the composition root: the secrets of this run
    guard(token)                  # an adapter, before it hands its token to a library
    install(handler)              # a test's own handler (e.g. pytest's caplog.handler)
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

HIDDEN = "[hidden]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The loggers whose lines are ours: written not to carry anything private.
OURS = ("bot", "community", "config", "matching")
# Libraries whose lines carry only what our code gave them (job and migration names, SQL text
# with its parameters hidden by `hide_parameters`): kept at every level, secrets scrubbed.
CAREFUL = ("alembic", "apscheduler", "sqlalchemy")
_MATRIX_USER = re.compile(r"@[A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-\[\]]+(?::[0-9]+)?")
_METHOD = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")  # a Bot API method, not an id
_EVENT = re.compile(r"^[a-z0-9_.]{1,80}$")  # httpcore's trace names ("http11.send_request...")
_MARK = "_ouderkring_private"  # set once a record was made safe (several handlers, one record)


def endpoint(url: object) -> str:
    """The last part of a URL's path if it names a method ('sendMessage'); never the token,
    a query or an id."""
    try:
        last = urlsplit(str(url)).path.rstrip("/").rsplit("/", 1)[-1]
    except ValueError:
        return "?"
    return last if _METHOD.match(last) and not any(c.isdigit() for c in last) else "?"


def _httpx(record: logging.LogRecord) -> str | None:
    # 'HTTP Request: %s %s "%s %d %s"' (method, url, version, status, reason)
    args = record.args if isinstance(record.args, tuple) else ()
    if str(record.msg).startswith("HTTP Request") and len(args) >= 4:
        return f"HTTP Request: {args[0]} {endpoint(args[1])} {args[3]}"
    return None


def _httpcore(record: logging.LogRecord) -> str | None:
    # "http11.send_request_headers.started request=<Request ...>": the event name only.
    first = str(record.msg).split(" ", 1)[0]
    return first if _EVENT.match(first) else None


def _telegram(record: logging.LogRecord) -> str | None:
    # At DEBUG: "Calling Bot API endpoint `%s` with parameters `%s`", "Call to Bot API
    # endpoint `%s` finished with return value `%s`", "Getting updates: %s" (update ids).
    args = record.args if isinstance(record.args, tuple) else ()
    msg = str(record.msg)
    if args and msg.startswith(("Calling Bot API endpoint", "Call to Bot API endpoint")):
        name = str(args[0])
        shown = name if _METHOD.match(name) else "?"
        return f"Bot API {shown}: " + ("called" if msg.startswith("Calling") else "answered")
    if msg.startswith("Getting updates") and args and isinstance(args[0], list):
        return f"Getting updates: {len(args[0])}"
    if msg in ("No new updates found.", "This Bot is already initialized."):
        return msg
    return None


def _sqlalchemy(record: logging.LogRecord) -> str | None:
    # The echo logs each result row ("Row (...)"): user ids and answers. SQL text stays.
    if isinstance(record.msg, str) and record.msg.startswith("Row "):
        return None
    return _message(record)


def _as_is(record: logging.LogRecord) -> str | None:
    return _message(record)


# A library's line below WARNING: its safe summary, or None to drop it. A library not named
# here (nio, aiohttp, asyncio, ...) loses its lines below WARNING altogether.
SUMMARIES: dict[str, Callable[[logging.LogRecord], str | None]] = {
    "httpx": _httpx,
    "httpcore": _httpcore,
    "telegram": _telegram,
    "sqlalchemy": _sqlalchemy,
    "alembic": _as_is,
    "apscheduler": _as_is,
}


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # arguments that do not fit the format: the format alone
        return str(record.msg)


def _family(name: str, families: Iterable[str]) -> str | None:
    for family in families:
        if name == family or name.startswith(family + "."):
            return family
    return None


class _Hidden:
    """Stands in for an argument, whether the format says %s or %r."""

    def __repr__(self) -> str:
        return HIDDEN

    __str__ = __repr__


def _hide_strings(args: Any) -> Any:
    """A library's arguments with every one that could be text (ids, bodies) hidden; numbers
    (counts, seconds, status codes) stay."""
    if isinstance(args, dict):
        return {k: _hide_strings(v) for k, v in args.items()}
    if isinstance(args, tuple):
        return tuple(_hide_strings(v) for v in args)
    return args if isinstance(args, int | float) and not isinstance(args, bool) else _Hidden()


def _with_strings_hidden(record: logging.LogRecord) -> str:
    """A library's warning as its format with the text arguments hidden ("%s" -> [hidden])."""
    if not record.args:
        return str(record.msg)  # already formatted by the library: scrubbed by `redact`
    try:
        return str(record.msg) % _hide_strings(record.args)
    except Exception:  # "%d" given [hidden]: the format alone
        return str(record.msg)


class PrivacyFilter(logging.Filter):
    """Makes each record safe in place (see the module docstring); False drops it."""

    def __init__(self) -> None:
        super().__init__()
        # Longest first, so that a secret inside another is not half replaced. Replaced whole
        # when one is added: a log call in another thread never sees it change under it.
        self.secrets: tuple[str, ...] = ()
        self.own_ids: frozenset[str] = frozenset()  # the bot's own Matrix id may be named

    def add_secret(self, secret: str | None, min_length: int = 4) -> None:
        """A secret and the forms it takes in a URL. Short ones are left: replacing them
        would garble every line (a 3-letter password is not protected by a log filter)."""
        if not secret or len(secret) < min_length:
            return
        forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
        self.secrets = tuple(sorted(forms | set(self.secrets), key=len, reverse=True))

    def remember(self, settings: Any) -> None:
        """The secrets of a run's settings: the tokens, the webhook secret, the database
        password; and the bot's own Matrix id, which may be named."""
        for token in settings.secrets() if hasattr(settings, "secrets") else ():
            self.add_secret(token)
            if ":" in token:  # "<bot id>:<secret>": the secret half alone is still the secret
                self.add_secret(token.split(":", 1)[1], min_length=8)
        # The machine translation server's key (config/translation.py), sent in each request.
        self.add_secret(getattr(getattr(settings, "translation", None), "api_key", None))
        # The key that signs buttons (community/services/button_key.py), when it is given.
        self.add_secret(os.environ.get("OUDERKRING_SECRET_KEY"))
        for password in _database_passwords(getattr(settings, "database_url", "")):
            self.add_secret(password)
        matrix = settings.section("matrix") if hasattr(settings, "section") else None
        if matrix is not None:
            self.own_ids = self.own_ids | {matrix.user_id}

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, HIDDEN)
        if "@" in text:
            text = _MATRIX_USER.sub(self._matrix_user, text)
        return text

    def _matrix_user(self, match: re.Match[str]) -> str:
        found = match.group(0)
        return found if found in self.own_ids else "@" + HIDDEN + found[found.index(":") :]

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _MARK, False):
            return True
        if _family(record.name, OURS):
            message: str | None = _message(record)
        elif record.levelno < logging.WARNING:
            family = _family(record.name, SUMMARIES)
            message = SUMMARIES[family](record) if family else None
        elif _family(record.name, CAREFUL):
            message = _message(record)
        else:
            message = _with_strings_hidden(record)
        if message is None:
            return False
        record.msg, record.args = self.redact(message), ()
        self._redact_traceback(record)
        setattr(record, _MARK, True)
        return True

    def _redact_traceback(self, record: logging.LogRecord) -> None:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
            # The text is what formatters print; the live exception would be formatted anew.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)


FILTER = PrivacyFilter()


def install(handler: logging.Handler | None = None) -> PrivacyFilter:
    """The filter on `handler`, else on every handler of the root logger and on Python's
    last-resort handler (which prints warnings when no logging is configured)."""
    handlers = [handler] if handler is not None else [*logging.getLogger().handlers]
    if handler is None and logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for each in handlers:
        if FILTER not in each.filters:
            each.addFilter(FILTER)
    return FILTER


def guard(secret: str | None) -> PrivacyFilter:
    """One secret, for code that hands it to a library before the app is built (the Telegram
    bot logs its URL, token and all, when it is made)."""
    FILTER.add_secret(secret)
    return install()


def protect(settings: Any) -> PrivacyFilter:
    """Remember this run's secrets and put the filter on every handler there is now."""
    FILTER.remember(settings)
    return install()


def _database_passwords(url: str) -> list[str]:
    """The password of a database URL, decoded and as written in the URL."""
    from sqlalchemy.engine import make_url

    written = re.match(r"^[^:/]+://[^:/@]*:([^@/]*)@", url or "")
    found = [written.group(1)] if written else []
    try:
        parsed = make_url(url)
    except Exception:
        return found
    password = parsed.password or parsed.query.get("password")
    return [*found, str(password)] if password else found


def configure_logging(verbose: bool = False, level: int | None = None) -> None:
    """Log to stderr, with the filter on the handler."""
    logging.basicConfig(
        level=level if level is not None else (logging.INFO if verbose else logging.WARNING),
        format=TEXT_FORMAT,
        stream=sys.stderr,
    )
    # Noise for an installer, not a privacy matter (the filter sees to that): SQLAlchemy echoes
    # every statement at INFO, httpx every request.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install()


class JsonFormatter(logging.Formatter):
    """One JSON object a line (`[monitoring] log_format = "json"`): time, level, logger and the
    event, and for an error its class and traceback, after the filter made them safe. No extra
    fields: a record's other attributes may hold what the filter does not see."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        event: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:  # already redacted by the filter, which runs first
            event["error"] = record.exc_text.rstrip().rpartition("\n")[2].partition(":")[0]
            event["traceback"] = record.exc_text
        return json.dumps(event, ensure_ascii=False)


JsonFormatter.converter = time.gmtime


_format = "text"


def use_format(log_format: str) -> None:
    """Switch every handler of the root logger to "json" or back to "text"."""
    global _format
    _format = log_format
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)


def announce(text: str, level: int = logging.INFO) -> None:
    """A line for whoever runs the bot (it started, it cannot start), whatever the log level:
    plain on stderr, or one JSON event when the logs are JSON, so that a log collector reads
    every line."""
    if _format == "json":
        record = logging.LogRecord("bot", level, __file__, 0, text, None, None)
        print(JsonFormatter().format(record), file=sys.stderr, flush=True)
    else:
        print(text, file=sys.stderr, flush=True)
