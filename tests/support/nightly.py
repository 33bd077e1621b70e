"""The nightly housekeeping (community/services/housekeeping.py) run once, as the scheduler
runs it, for tests that move the clock past a retention period."""

from __future__ import annotations

from bot.app import App
from community.services import housekeeping


def housekeeping_now(app: App) -> dict[str, int]:
    """Every step once, on the app's clock; how many rows each forgot."""
    with app.session_factory() as session:
        return housekeeping.run(session, app.clock, app.settings, app.translator)
