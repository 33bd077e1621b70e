"""The weekly prompts programme and the local support directory, read from their TOML files.

A programme is content, not catalog text: each item has its own texts per language (Dutch at
least). Each item runs in one or more weeks of the school year, counted from the programme's
start (a Monday), on a weekday at a local time. An item's kind (a tip, a question, an invitation,
a support reminder...) is a name this loader only checks the form of: what a kind is and needs
is community/prompt_kinds/'s, which leaves out (and logs) an item of a kind it does not know or
an event kind without its event_day, event_time and place. No parent gets more than
`max_per_week` prompts in a week: the loader refuses a programme that would send more to any
age band.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.reader import ConfigError, Reader, read_toml

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PROGRAMME = PACKAGE_DIR / "programme" / "school-year.toml"
DEFAULT_SUPPORT = PACKAGE_DIR / "programme" / "support.toml"

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The age bands a parent picks and a prompt is aimed at (the one list: everything reads it).
AGE_BANDS: tuple[str, ...] = ("0-2", "2-4", "4-6", "6-12")
MEDIA_KINDS = ("photo", "video", "voice")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_MAX_TEXT = 600


def parse_hhmm(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


@dataclass(frozen=True)
class ProgrammeItem:
    key: str
    kind: str
    weeks: tuple[int, ...]
    day: str
    at: time
    texts: dict[str, str]
    age_bands: tuple[str, ...] = ()  # empty: every parent
    event_day: str | None = None  # invitations: the day of the event in the same week
    event_at: time | None = None
    place: str | None = None
    media: dict[str, str] | None = None  # {"kind": "video", "ref": "https://..."}

    def local_due(self, start: date, week: int) -> datetime:
        day = start + timedelta(weeks=week - 1, days=DAYS.index(self.day))
        return datetime.combine(day, self.at)

    def local_event(self, start: date, week: int) -> datetime | None:
        if self.event_day is None or self.event_at is None:
            return None
        day = start + timedelta(weeks=week - 1, days=DAYS.index(self.event_day))
        return datetime.combine(day, self.event_at)


@dataclass(frozen=True)
class Programme:
    start: date
    items: tuple[ProgrammeItem, ...]
    max_per_week: int = 3


@dataclass(frozen=True)
class SupportEntry:
    key: str
    name: str
    texts: dict[str, str]  # what it does and for whom, one plain sentence per language
    url: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class PromptSettings:
    """The [prompts] table of the main config file."""

    programme: Programme | None = None
    support: tuple[SupportEntry, ...] = ()
    timezone: str = "Europe/Amsterdam"
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    catch_up_days: int = 7  # a prompt later than this after an outage is skipped
    digest_at: time = time(16, 0)
    answer_days: int = 7  # a reply counts as an answer this long after the prompt
    # Parents' answers (texts, photo references) are forgotten this long after they came:
    # they serve the professionals' digests and the season's reach, not an archive.
    answer_retention_days: int = 90
    enabled: bool = True
    sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _texts(reader: Reader, key: str, required: bool = True) -> dict[str, str]:
    raw = reader.get(key, dict, {} if not required else ...)
    texts: dict[str, str] = {}
    for locale, value in raw.items():
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT:
            raise reader.fail(f"{key}.{locale}", f"must be 1 to {_MAX_TEXT} characters")
        texts[locale] = value.strip()
    if required and "nl" not in texts:
        raise reader.fail(key, "needs at least a Dutch text (nl)")
    return texts


def _hhmm(reader: Reader, key: str, default: str | None) -> time | None:
    value = reader.get(key, str, default)
    if value is None:
        return None
    if not _HHMM.match(value):
        raise reader.fail(key, "use the 24-hour time HH:MM, such as '10:00'")
    return parse_hhmm(value)


def _day(reader: Reader, key: str, default: str | None) -> str | None:
    value = reader.get(key, str, default)
    if value is not None and value not in DAYS:
        raise reader.fail(key, f"use one of {', '.join(DAYS)}")
    return value


def load_programme(path: Path) -> Programme:
    reader = Reader(path, read_toml(path))
    reader.check_unknown({"start", "time", "max_per_week", "item"})
    start = reader.get("start", date, required=True)
    if isinstance(start, datetime) or start.weekday() != 0:
        raise reader.fail("start", "must be a date on a Monday, such as 2026-08-31")
    default_time = reader.get("time", str, "10:00")
    max_per_week = reader.get("max_per_week", int, 3)
    if not 1 <= max_per_week <= 7:
        raise reader.fail("max_per_week", "must be between 1 and 7")
    items: list[ProgrammeItem] = []
    seen: set[str] = set()
    for index, raw in enumerate(reader.get("item", list, [])):
        if not isinstance(raw, dict):
            raise reader.fail(f"item[{index}]", "must be a table")
        item = Reader(path, raw, f"item[{index}].")
        item.check_unknown(
            {"key", "kind", "weeks", "day", "time", "text", "age_bands", "event_day", "event_time",
             "place", "media"}
        )  # fmt: skip
        key = item.get("key", str, required=True)
        if not _KEY.match(key) or key in seen:
            raise item.fail("key", "use a unique key of lowercase letters, digits and '-'")
        seen.add(key)
        kind = item.get("kind", str, required=True)
        if not _KEY.match(kind):
            raise item.fail("kind", "use the name of a kind of prompt, such as tip or invitation")
        weeks = item.get("weeks", list, required=True)
        if not weeks or not all(isinstance(w, int) and 1 <= w <= 53 for w in weeks):
            raise item.fail("weeks", "must list week numbers from 1 to 53")
        bands = item.get("age_bands", list, [])
        if not all(band in AGE_BANDS for band in bands):
            raise item.fail("age_bands", f"use {', '.join(AGE_BANDS)}")
        event_day = _day(item, "event_day", None)
        event_at = _hhmm(item, "event_time", None)
        place = item.get("place", str, None)
        media = item.get("media", dict, None)
        if media is not None and (
            set(media) - {"kind", "ref"}
            or media.get("kind") not in MEDIA_KINDS
            or not isinstance(media.get("ref"), str)
            or not media["ref"].startswith("https://")
        ):
            raise item.fail(
                "media", 'use { kind = "photo" or "video" or "voice", ref = "https://..." }'
            )
        due_time = _hhmm(item, "time", default_time)
        assert due_time is not None
        items.append(
            ProgrammeItem(
                key, kind, tuple(weeks), _day(item, "day", "tue") or "tue", due_time,
                _texts(item, "text"), tuple(bands), event_day, event_at, place, media,
            )
        )  # fmt: skip
    programme = Programme(start, tuple(items), max_per_week)
    _check_cadence(path, programme)
    return programme


def _check_cadence(path: Path, programme: Programme) -> None:
    """No parent (of any one age band) gets more than max_per_week prompts in a week."""
    for band in AGE_BANDS:
        per_week: dict[int, int] = {}
        for item in programme.items:
            if item.age_bands and band not in item.age_bands:
                continue
            for week in item.weeks:
                per_week[week] = per_week.get(week, 0) + 1
                if per_week[week] > programme.max_per_week:
                    raise ConfigError(
                        path,
                        "item",
                        f"week {week} has more than {programme.max_per_week} prompts for "
                        f"parents of children {band}",
                    )


def load_support(path: Path) -> tuple[SupportEntry, ...]:
    reader = Reader(path, read_toml(path))
    reader.check_unknown({"entry"})
    entries: list[SupportEntry] = []
    for index, raw in enumerate(reader.get("entry", list, required=True)):
        if not isinstance(raw, dict):
            raise reader.fail(f"entry[{index}]", "must be a table")
        entry = Reader(path, raw, f"entry[{index}].")
        entry.check_unknown({"key", "name", "text", "url", "phone"})
        key = entry.get("key", str, required=True)
        if not _KEY.match(key):
            raise entry.fail("key", "use lowercase letters, digits and '-'")
        entries.append(
            SupportEntry(
                key,
                entry.get("name", str, required=True),
                _texts(entry, "text"),
                entry.get("url", str, None),
                entry.get("phone", str, None),
            )
        )
    return tuple(entries)


def load_prompt_settings(config_path: Path, data: dict[str, Any]) -> PromptSettings:
    """The [prompts] table (all optional): the shipped programme and directory by default."""
    reader = Reader(config_path, data, "prompts.")
    reader.check_unknown(
        {"enabled", "programme", "support", "timezone", "quiet_hours", "catch_up_days",
         "digest_time", "answer_days", "answer_retention_days"}
    )  # fmt: skip
    enabled = reader.get("enabled", bool, True)
    programme_path = _path(config_path, reader, "programme", DEFAULT_PROGRAMME)
    support_path = _path(config_path, reader, "support", DEFAULT_SUPPORT)
    zone = reader.get("timezone", str, "Europe/Amsterdam")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail(
            "timezone", f"{zone!r} is not a time zone, such as Europe/Amsterdam"
        ) from None
    quiet = reader.get("quiet_hours", str, "21:00-08:00")
    parts = quiet.split("-")
    if len(parts) != 2 or not all(_HHMM.match(p) for p in parts):
        raise reader.fail("quiet_hours", "use HH:MM-HH:MM, such as '21:00-08:00'")
    catch_up = reader.get("catch_up_days", int, 7)
    if not 0 <= catch_up <= 60:
        raise reader.fail("catch_up_days", "must be between 0 and 60")
    answer_days = reader.get("answer_days", int, 7)
    if not 1 <= answer_days <= 60:
        raise reader.fail("answer_days", "must be between 1 and 60")
    retention = reader.get("answer_retention_days", int, 90)
    if not 7 <= retention <= 730:
        raise reader.fail("answer_retention_days", "must be between 7 and 730")
    digest_at = _hhmm(reader, "digest_time", "16:00")
    assert digest_at is not None
    programme = load_programme(programme_path)
    support = load_support(support_path)
    return PromptSettings(
        programme=programme,
        support=support,
        timezone=zone,
        quiet_start=parse_hhmm(parts[0]),
        quiet_end=parse_hhmm(parts[1]),
        catch_up_days=catch_up,
        digest_at=digest_at,
        answer_days=answer_days,
        answer_retention_days=retention,
        enabled=enabled,
        sources=(str(programme_path), str(support_path)),
    )


def _path(config_path: Path, reader: Reader, key: str, default: Path) -> Path:
    value = reader.get(key, str, None)
    if value is None:
        return default
    path = config_path.parent / value
    if not path.exists():
        raise reader.fail(key, f"file {path} not found")
    return path
