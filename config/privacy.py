"""The `[privacy]` table: who runs the bot, how to reach them, and how long a silent parent is
kept. `/privacy` is written from these values and the retention settings, so the statement a
parent reads is always the one the bot follows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.reader import Reader

# Told this many days before a silent parent is erased (the statement says so too).
WARNING_DAYS = 7
DEFAULT_INACTIVE_DAYS = 365
# A silence shorter than this cannot be told apart from a holiday.
MIN_INACTIVE_DAYS = 30
MAX_INACTIVE_DAYS = 3650
_MAX_TEXT = 120


@dataclass(frozen=True)
class PrivacySettings:
    """Who runs the bot (the controller under the AVG/GDPR), how to reach them, an optional
    data protection officer, and the days of silence after which a parent is erased (0: never)."""

    controller: str | None = None
    contact: str | None = None
    officer: str | None = None
    inactive_days: int = DEFAULT_INACTIVE_DAYS

    @property
    def erases_inactive(self) -> bool:
        return self.inactive_days > 0


def _text(table: Reader, key: str, required: bool) -> str | None:
    value = table.get(key, str, required=True) if required else table.get(key, str, None)
    if value is None:
        return None
    value = " ".join(value.split())
    if not value or len(value) > _MAX_TEXT:
        raise table.fail(key, f"must be 1 to {_MAX_TEXT} characters")
    return value


def load_privacy_settings(reader: Reader) -> PrivacySettings:
    """Without the table: nobody named (the statement sends people to their coordinator) and
    the default period. With it, `controller` and `contact` are required."""
    if "privacy" not in reader.data:
        return PrivacySettings()
    table = reader.table("privacy")
    table.check_unknown({"controller", "contact", "officer", "inactive_days"})
    inactive_days = table.get("inactive_days", int, DEFAULT_INACTIVE_DAYS)
    if inactive_days != 0 and not MIN_INACTIVE_DAYS <= inactive_days <= MAX_INACTIVE_DAYS:
        raise table.fail(
            "inactive_days",
            f"must be 0 (never) or between {MIN_INACTIVE_DAYS} and {MAX_INACTIVE_DAYS}",
        )
    contact = _text(table, "contact", required=True)
    if contact is not None and "@" not in contact and sum(c.isdigit() for c in contact) < 6:
        raise table.fail("contact", "must be an e-mail address or a phone number")
    return PrivacySettings(
        controller=_text(table, "controller", required=True),
        contact=contact,
        officer=_text(table, "officer", required=False),
        inactive_days=inactive_days,
    )
