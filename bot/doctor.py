"""`ouderkring doctor`: checks an installation and says, one line a check, "ok" with what it
found or "problem:" with what is wrong and what to do. The config comes first: without it
nothing else can be checked; without the database the outbox cannot.

The platform checks reuse the adapters' own code paths (Telegram's getMe, Matrix's whoami), so
a token that passes here is one `ouderkring run` accepts."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot import cli_errors, cli_shared

if TYPE_CHECKING:
    from config import Settings

# Below this much free space where the SQLite file lives, a backup or a busy week may not fit.
MIN_FREE_BYTES = 500 * 1024 * 1024
PLATFORM_TIMEOUT = 20.0


@dataclass(frozen=True)
class Finding:
    topic: str
    ok: bool
    text: str  # ok: what was found; a problem: what is wrong and what to do

    def render(self) -> str:
        return f"{self.topic + ':':<10} {'ok' if self.ok else 'problem'}: {self.text}"


def _fine(topic: str, text: str) -> Finding:
    return Finding(topic, True, text)


def _problem(topic: str, text: str) -> Finding:
    return Finding(topic, False, text)


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def run_checks(config: Path | None, quick: bool = False) -> Iterator[Finding]:
    """Every check in turn. `quick`: only the config and the database (nothing over the
    network), for a container's health check."""
    settings, finding = _check_config(config)
    yield finding
    if settings is None:
        return
    database = _check_database(settings)
    yield database
    if quick:
        return
    if database.ok:
        yield _check_outbox(settings)
        yield _check_leader(settings)
    yield from _check_platforms(settings)
    yield _check_webhook(settings)
    yield _check_disk(settings)
    yield from _check_permissions(settings)


def _check_config(config: Path | None) -> tuple[Settings | None, Finding]:
    from bot.logs import protect
    from bot.platforms import load_settings
    from config import ConfigError

    try:
        settings = load_settings(config)
    except ConfigError as exc:
        return None, _problem("config", exc.describe())
    cli_shared.CURRENT.set(settings)  # a database error can then say where the URL was set
    protect(settings)
    names = ", ".join(c.name for c in settings.communities)
    platforms = ", ".join(settings.platforms) or "none (console only)"
    return settings, _fine(
        "config", f"{settings.source} is valid (communities: {names}; platforms: {platforms})"
    )


def _check_database(settings: Settings) -> Finding:
    from community import db
    from config.exposure import shown_database_url

    shown = shown_database_url(settings.database_url)
    path = _sqlite_file(settings)
    if path is not None and not path.exists():  # not made here: doctor changes nothing
        return _problem("database", f"{path} does not exist: run `ouderkring db upgrade`")
    try:
        engine = db.make_engine(settings.database_url)
        try:
            current, head = db.current_revision(engine), db.head_revision()
        finally:
            engine.dispose()
    except Exception as exc:
        explained = cli_errors.explain(exc)
        what = explained[0] if explained else f"{type(exc).__name__}: {exc}"
        return _problem("database", _one_line(what))
    if current is None:
        return _problem("database", f"{shown} is empty: run `ouderkring db upgrade`")
    if current != head:
        return _problem(
            "database",
            f"{shown} has schema {current}, this version needs {head}: back it up "
            "(`ouderkring backup FILE`), then run `ouderkring db upgrade`",
        )
    return _fine("database", f"{shown} is reachable, schema {current} is current")


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than 1 min"
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


def _by_platform(counts: dict[str, int]) -> str:
    return ", ".join(f"{platform} {count}" for platform, count in sorted(counts.items()))


def _check_outbox(settings: Settings) -> Finding:
    from community import db
    from community.clock import SystemClock
    from community.services.outbox_health import GAVE_UP_DAYS, LATE, outbox_health

    clock = SystemClock()
    engine = db.make_engine(settings.database_url)
    try:
        with db.make_session_factory(engine)() as session:
            health = outbox_health(session, clock)
    finally:
        engine.dispose()
    waiting = f"{health.open_rows} messages waiting"
    if health.oldest_open is not None:
        waiting += f", the oldest for {_age(clock.now() - health.oldest_open)}"
    unreachable = sum(health.gave_up_unreachable.values())
    if unreachable:
        waiting += (
            f"; {unreachable} not delivered in {GAVE_UP_DAYS} days to parents who blocked the "
            "bot or left (`ouderkring reach` lists them)"
        )
    if health.late_rows:
        return _problem(
            "outbox",
            f"{waiting}; {health.late_rows} should have gone more than "
            f"{_age(LATE)} ago: is `ouderkring run` running? Its log says why sends fail",
        )
    if health.gave_up_other:
        return _problem(
            "outbox",
            f"{waiting}; the bot gave up on {sum(health.gave_up_other.values())} messages in "
            f"the last {GAVE_UP_DAYS} days ({_by_platform(health.gave_up_other)}): "
            "the log of `ouderkring run` says why",
        )
    return _fine("outbox", waiting)


def _check_leader(settings: Settings) -> Finding:
    """Which `ouderkring run` processes beat, and whether one of them leads (holds the
    scheduler's lock on PostgreSQL: README, "More than one process")."""
    from sqlalchemy import func, select, text

    from community import db
    from community.clock import SystemClock
    from community.models import SenderProcess
    from community.scheduler import ADVISORY_LOCK
    from community.services.senders import STALE_SECONDS, alive_since

    engine = db.make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            since = alive_since(SystemClock().now())
            running = conn.scalar(
                select(func.count())
                .select_from(SenderProcess)
                .where(SenderProcess.heartbeat_at >= since)
            )
            held = None
            if engine.dialect.name == "postgresql":
                held = conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND granted AND classid = 0 AND objid = :k AND objsubid = 1"
                    ),
                    {"k": ADVISORY_LOCK},
                )
    finally:
        engine.dispose()
    if not running:
        return _problem(
            "leader",
            f"no `ouderkring run` process is running (none beat in the last {STALE_SECONDS} s)",
        )
    processes = f"{running} `ouderkring run` process{'es' if running > 1 else ''} running"
    if held is None:
        if running > 1:
            return _problem(
                "leader",
                f"{processes} on one SQLite file: run one, or move to PostgreSQL to run more",
            )
        return _fine("leader", f"{processes}; it runs the scheduler")
    if not held:
        return _problem(
            "leader", f"{processes}, and none leads yet: the scheduler does not run (wait 10 s)"
        )
    return _fine("leader", f"{processes}; one leads (the scheduler and the updates)")


def _check_platforms(settings: Settings) -> Iterator[Finding]:
    """Each platform `platforms` names, asked through its registry entry (bot/platforms.py)."""
    from bot.engine.port import PlatformFatal
    from bot.platforms import PLATFORMS

    for name in settings.platforms:
        check = PLATFORMS[name].check
        if check is None:
            continue
        try:
            found = asyncio.run(check(settings, PLATFORM_TIMEOUT))
        except PlatformFatal as exc:
            yield _problem(name, str(exc))
        else:
            yield _fine(name, found)


def _check_webhook(settings: Settings) -> Finding:
    from bot.telegram.settings import ENV_TELEGRAM_WEBHOOK_SECRET

    tg = settings.section("telegram")
    if "telegram" not in settings.platforms or tg is None or tg.mode != "webhook":
        return _fine("webhook", "not used (no Telegram webhook mode)")
    if not tg.webhook_secret:
        return _problem(
            "webhook",
            f"no secret: set {ENV_TELEGRAM_WEBHOOK_SECRET}, so that only Telegram can post updates",
        )
    if not (tg.webhook_url or "").startswith("https://"):
        return _problem(
            "webhook",
            f"{tg.webhook_url} is not https: Telegram only posts to https (a reverse proxy "
            "with a certificate in front of the bot)",
        )
    return _fine(
        "webhook",
        f"{tg.webhook_url} with a secret, served on {tg.webhook_listen}:{tg.webhook_port}",
    )


def _sqlite_file(settings: Settings) -> Path | None:
    from community.db import sqlite_path

    if not settings.database_url.startswith("sqlite"):
        return None
    path = sqlite_path(settings.database_url)
    return None if path is None else path.expanduser().absolute()


def _check_disk(settings: Settings) -> Finding:
    path = _sqlite_file(settings)
    if path is None:
        return _fine("disk", "not checked: PostgreSQL keeps its files on its server")
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError as exc:
        return _problem("disk", f"cannot look at {path.parent}: {exc.strerror}")
    shown = f"{free / 1024**3:.1f} GB free in {path.parent}"
    if free < MIN_FREE_BYTES:
        return _problem(
            "disk", f"only {shown}: make room (at least {MIN_FREE_BYTES // 1024**2} MB)"
        )
    return _fine("disk", shown)


def _check_permissions(settings: Settings) -> Iterator[Finding]:
    from config.exposure import current_user, exposed_config_warning

    warning = exposed_config_warning(settings.source)
    if warning is not None:
        yield _problem("config", warning.removeprefix("Warning: "))
    path = _sqlite_file(settings)
    if path is None or not path.exists():
        return
    user = current_user()
    if not os.access(path.parent, os.W_OK) or not os.access(path, os.W_OK):
        yield _problem(
            "files",
            f"the user {user} cannot write {path} or its folder {path.parent} (SQLite writes "
            "-wal and -shm files beside it): chown or chmod them",
        )
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        yield _problem(
            "files",
            f"other users can read the database {path} (mode {mode:o}): chmod 600 {path}",
        )
        return
    yield _fine("files", f"{path} is private to its owner (mode {mode:o})")
