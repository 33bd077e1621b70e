"""Every logger at DEBUG, and what reached the log handlers, for the log privacy tests.

capture = LogCapture(caplog)    # root and every library's logger at DEBUG
...build the app (its composition root puts the filter on every root handler)...
capture.watch_raw()             # also keep what the libraries said before the filter
...a whole dialogue...
capture.close()
capture.assert_absent({"the token": TOKEN, "the postcode": "6813 QZ"})
"""

from __future__ import annotations

import logging

import pytest

from bot.logs import FILTER

LOGGERS = (
    "",
    "telegram",
    "telegram.ext",
    "httpx",
    "httpcore",
    "nio",
    "aiohttp",
    "asyncio",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "alembic",
    "apscheduler",
    "bot",
    "community",
)


class _Raw(logging.Handler):
    """Formats each record as it arrives, before any filter made it safe."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.name} {record.getMessage()}")
        except Exception:
            self.lines.append(f"{record.name} {record.msg}")


class LogCapture:
    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        for name in LOGGERS:
            caplog.set_level(logging.DEBUG, logger=name)
        self.raw = _Raw()

    def watch_raw(self) -> None:
        # First in line, so it sees each record before the filter on the other handlers made
        # it safe in place. `close` takes it away.
        logging.getLogger().handlers.insert(0, self.raw)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.raw)

    def everything(self) -> str:
        """All that pytest's handler (with the composition root's filter) formatted, plus each
        record's message and exception text as any other formatter would show them."""
        assert FILTER in self.caplog.handler.filters, "the app did not install the log filter"
        formatter = logging.Formatter()
        parts = [self.caplog.text]
        for record in self.caplog.records:
            parts.append(record.getMessage())
            if record.exc_info:
                parts.append(formatter.formatException(record.exc_info))
            if record.exc_text:
                parts.append(record.exc_text)
        return "\n".join(parts)

    def raw_text(self) -> str:
        return "\n".join(self.raw.lines)

    def assert_absent(self, private: dict[str, str]) -> None:
        logged = self.everything()
        for what, value in private.items():
            assert value not in logged, f"{what} ({value!r}) reached the logs"

    def names(self) -> set[str]:
        """The loggers whose lines passed the filter."""
        return {record.name for record in self.caplog.records}
