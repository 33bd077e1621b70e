"""Small values a platform adapter keeps across restarts: a sync token, a device id."""

from __future__ import annotations

from sqlalchemy.orm import Session

from community.clock import Clock
from community.models import PlatformState


def get(session: Session, platform: str, key: str) -> str | None:
    row = session.get(PlatformState, (platform, key))
    return None if row is None else row.value


def put(session: Session, platform: str, key: str, value: str, clock: Clock) -> None:
    """Set a value in the caller's transaction (commit it with what it belongs to)."""
    row = session.get(PlatformState, (platform, key))
    if row is None:
        session.add(PlatformState(platform=platform, key=key, value=value, updated_at=clock.now()))
    else:
        row.value, row.updated_at = value, clock.now()
    session.flush()
