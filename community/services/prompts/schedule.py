"""Time for the prompts: local wall-clock times in the configured zone (zoneinfo knows summer
and winter time), the quiet hours, and a moment worded for a reader."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel.dates import format_datetime

from config.programme import PromptSettings

SOURCE_LOCALE = "nl"  # every programme prompt has a Dutch text


def to_utc(local: datetime, settings: PromptSettings) -> datetime:
    """A local wall-clock time in the configured zone, as UTC (zoneinfo knows DST)."""
    return local.replace(tzinfo=settings.zone).astimezone(UTC)


def local(moment: datetime, settings: PromptSettings) -> datetime:
    return moment.astimezone(settings.zone)


def local_date(moment: datetime, settings: PromptSettings) -> date:
    return local(moment, settings).date()


def in_quiet_hours(moment: datetime, settings: PromptSettings) -> bool:
    now = local(moment, settings).time()
    start, end = settings.quiet_start, settings.quiet_end
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # over midnight, e.g. 21:00-08:00


def quiet_hours_end(moment: datetime, settings: PromptSettings) -> datetime:
    """The first moment after `moment` when the quiet hours end (UTC)."""
    here = local(moment, settings)
    end = datetime.combine(here.date(), settings.quiet_end)
    if end <= here.replace(tzinfo=None):
        end += timedelta(days=1)
    return to_utc(end, settings)


def when_text(moment: datetime, locale: str, settings: PromptSettings) -> str:
    return format_datetime(local(moment, settings), "EEEE d MMMM, HH:mm", locale=locale)
