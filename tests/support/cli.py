"""Runs the `ouderkring` command inside the test process, as a subprocess would see it.

A subprocess costs 0.65 s of imports; the CLI tests start over a hundred. `run_cli` calls
`bot.cli.main` with the arguments, working directory, environment and stdin a subprocess would
get, and answers like `subprocess.run(..., capture_output=True, text=True)`: `returncode`
(SystemExit's code; 1 and a traceback on stderr for an uncaught exception), `stdout`, `stderr`.

What a process leaves behind when it ends must not reach the next test here, so each run puts
back what the CLI changes for the whole process: the environment, the working directory,
sys.argv and the standard streams, the warning filters, the logging setup (`configure_logging` adds a root handler on
stderr and sets levels; the privacy filter remembers the run's secrets), the event loop,
signal handlers and the umask; and it fails when the command left a non-daemon thread running,
which would have kept a real process from ending.

What needs a real process stays one (a test's own `subprocess.run`): the installed entry point,
code that patches modules before `main` is imported, a process that is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import os
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer._click import formatting
from typer.testing import CliRunner

_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class Ran:
    """What `subprocess.run(..., capture_output=True, text=True)` gives the tests."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def environment(**extra: str) -> dict[str, str]:
    """The test process's environment without any OUDERKRING_ setting, plus `extra`: what the
    CLI tests give the command, in process or as a subprocess."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    return {**environ, **extra}


def run_cli(
    args: list[str],
    cwd: Path | None = None,
    stdin: str = "",
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Ran:
    """`ouderkring ARGS` in `cwd` with exactly `env` (default: `environment()`) as os.environ
    and `stdin` as its input. A command still running after `timeout` seconds fails the test,
    as `subprocess.run(timeout=...)` did: a hang is a failure, not a stuck suite."""
    from bot.cli import main

    environ = dict(environment() if env is None else env)
    with (
        _process_state(environ, cwd, ["ouderkring", *args]),
        CliRunner().isolation(input=stdin) as (out, err, _mixed),
    ):
        # Help is as wide as for a subprocess writing to a pipe (80 columns, or $COLUMNS).
        formatting.FORCED_WIDTH = max(min(_columns(environ), 80) - 2, 50)
        with _deadline(timeout):
            code = _call(main)
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return Ran(
        args=args,
        returncode=code,
        stdout=stdout.decode("utf-8", "replace"),
        stderr=stderr.decode("utf-8", "replace"),
    )


class CommandTimeout(BaseException):
    """Not an Exception: neither `main` nor `_call` may take it for the command's own error."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread gets signals: the caller waits with a timeout of its own
        return

    def expired(signum: int, frame: object) -> None:
        raise CommandTimeout(f"the command still ran after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _columns(environ: Mapping[str, str]) -> int:
    try:
        return int(environ.get("COLUMNS", "")) or 80
    except ValueError:
        return 80


def _call(main: Any) -> int:
    """The exit code the interpreter would give: SystemExit's code, or 1 with the traceback."""
    try:
        main()
    except SystemExit as exit_:
        if exit_.code is None:
            return 0
        if isinstance(exit_.code, int):
            return exit_.code
        print(exit_.code, file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    return 0


@contextlib.contextmanager
def _process_state(environ: dict[str, str], cwd: Path | None, argv: list[str]) -> Iterator[None]:
    saved_environ = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_argv = sys.argv
    saved_umask = os.umask(0o022)
    os.umask(saved_umask)
    threads = set(threading.enumerate())
    os.environ.clear()
    os.environ.update(environ)
    sys.argv = argv
    try:
        with _logging_state(), _warnings_state(), _asyncio_state(), _signal_state():
            if cwd is not None:
                os.chdir(cwd)
            yield
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        os.umask(saved_umask)
        os.environ.clear()
        os.environ.update(saved_environ)
    _no_thread_left(threads)


def _no_thread_left(before: set[threading.Thread]) -> None:
    for thread in set(threading.enumerate()) - before:
        if not thread.daemon:
            thread.join(timeout=10)
            assert not thread.is_alive(), f"the command left thread {thread.name} running"


@contextlib.contextmanager
def _logging_state() -> Iterator[None]:
    """A fresh logging setup, as in a new process (`logging.basicConfig` does nothing when the
    root logger has handlers, such as pytest's), and the test's own back afterwards."""
    from bot import logs

    root = logging.getLogger()
    # The loggers bot/logs.py sets a level on: known before the run, so put back after it. Others
    # made during the run are set up by the imports, as in any process: left as they are.
    logging.getLogger("sqlalchemy.engine")
    logging.getLogger("httpx")
    loggers = [
        root,
        *(lg for lg in root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    saved = [(lg, lg.level, lg.disabled, lg.propagate, list(lg.handlers)) for lg in loggers]
    last_resort = logging.lastResort
    last_filters = list(last_resort.filters) if last_resort is not None else []
    privacy = {k: copy.copy(v) for k, v in vars(logs.FILTER).items()}
    log_format = logs._format
    disabled = logging.root.manager.disable
    root.handlers = []
    # The secrets a fresh process knows: none yet (the run's own are added as it starts).
    vars(logs.FILTER).clear()
    vars(logs.FILTER).update(vars(logs.PrivacyFilter()))
    logs._format = "text"
    try:
        yield
    finally:
        for handler in root.handlers:
            if handler not in saved[0][4]:
                handler.close()
        for logger, level, off, propagate, handlers in saved:
            logger.setLevel(level)
            logger.disabled, logger.propagate, logger.handlers = off, propagate, handlers
        if last_resort is not None:
            last_resort.filters = last_filters
        vars(logs.FILTER).clear()
        vars(logs.FILTER).update(privacy)
        logs._format = log_format
        logging.disable(disabled)


@contextlib.contextmanager
def _warnings_state() -> Iterator[None]:
    """Python's own warning filters, printed on stderr, as in a process started without -W
    (pytest's filters record warnings instead: a line a user would see must show here too)."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.simplefilter("ignore", category, append=True)
        warnings.simplefilter("ignore", ResourceWarning, append=True)
        warnings.showwarning = _show_warning
        yield


def _show_warning(  # type: ignore[no-untyped-def]
    message, category, filename, lineno, file=None, line=None
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def _asyncio_state() -> Iterator[None]:
    """`asyncio.run` leaves the thread without an event loop: the one it had comes back."""
    policy = asyncio.get_event_loop_policy()
    local = getattr(policy, "_local", None)
    loop = getattr(local, "_loop", None)
    try:
        yield
    finally:
        asyncio.set_event_loop_policy(policy)
        if local is not None:
            local._loop = loop


@contextlib.contextmanager
def _signal_state() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread sets handlers: a command in a worker thread cannot
        return
    handlers = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(wakeup)
