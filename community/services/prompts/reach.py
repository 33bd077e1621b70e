"""The reach list (/reach, `ouderkring reach`): parents to phone or visit instead of writing,
those messages do not reach and those who replied to no prompt for weeks (which never means
they are not interested). Who counts follows the audience rule (audience.py): a parent who
paused prompts is not silent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.clock import Clock
from community.i18n import Translator, language_name
from community.models import Community, OutboxKey, Person, Prompt, PromptAnswer, Rsvp
from community.services.prompts.audience import PAUSED, UNREACHABLE, parents, standing

REACH_LINES = 30  # parents listed per group in a call list; the count says how many in all
REACH_DAYS = 28  # the call list looks back this far
REACH_PROMPTS = 2  # a parent who got this many prompts in that time and answered none is listed


@dataclass(frozen=True)
class ReachEntry:
    neighbourhood: str | None
    home_languages: tuple[str, ...]
    age_bands: tuple[str, ...]
    since: datetime


@dataclass(frozen=True)
class ReachReport:
    unreachable: list[ReachEntry]  # the platform said messages do not reach them
    quiet: list[ReachEntry]  # got prompts, replied to none in the window


def reach_report(
    session: Session, community: Community, clock: Clock, days: int = REACH_DAYS
) -> ReachReport:
    """Parents to phone or visit instead: those messages do not reach, and those who did not
    reply to any prompt for `days` days (which never means they are not interested)."""
    since = clock.now() - timedelta(days=days)
    got = _prompts_got(session, community, since)
    replied = set(
        session.scalars(select(PromptAnswer.person_id).where(PromptAnswer.created_at >= since))
    ) | set(session.scalars(select(Rsvp.person_id).where(Rsvp.updated_at >= since)))
    unreachable: list[ReachEntry] = []
    quiet: list[ReachEntry] = []
    for person, profile in session.execute(parents(community.id)).all():
        entry = ReachEntry(
            profile.neighbourhood.name if profile.neighbourhood else None,
            tuple(profile.home_languages),
            tuple(profile.age_bands),
            person.unreachable_at or person.created_at,
        )
        reason = standing(person, profile)
        if reason == UNREACHABLE:
            unreachable.append(entry)
        elif reason == PAUSED:
            continue  # they asked for a pause: not silence, and nothing to phone about
        elif got.get(person.id, 0) >= REACH_PROMPTS and person.id not in replied:
            quiet.append(entry)
    return ReachReport(unreachable, quiet)


def _prompts_got(session: Session, community: Community, since: datetime) -> dict[int, int]:
    """How many of the community's prompts since then each parent got (their receipts)."""
    sent_prompts = set(
        session.scalars(
            select(Prompt.id).where(
                Prompt.community_id == community.id,
                Prompt.delivered_at >= since,
                Prompt.skipped.is_(False),
            )
        )
    )
    got: dict[int, int] = {}
    received = session.execute(
        select(OutboxKey.key, OutboxKey.person_id)
        .join(Person, Person.id == OutboxKey.person_id)
        .where(
            Person.community_id == community.id,
            OutboxKey.created_at >= since,
            OutboxKey.key.like("prompt:%"),
        )
    )
    for key, person_id in received:
        if person_id is not None and int(key.split(":")[1]) in sent_prompts:
            got[person_id] = got.get(person_id, 0) + 1
    return got


def reach_text(
    report: ReachReport, community_name: str, translator: Translator, locale: str
) -> str:
    """The call list as staff read it (/reach and `ouderkring reach`), in `locale`."""
    t = translator.t

    def line(entry: ReachEntry) -> str:
        place = entry.neighbourhood or t(locale, "profile.no_answer")
        languages = ", ".join(language_name(code, locale) for code in entry.home_languages)
        ages = ", ".join(t(locale, f"age.{band.replace('-', '_')}") for band in entry.age_bands)
        interpreter = (
            f" · {t(locale, 'reach.interpreter')}" if "nl" not in entry.home_languages else ""
        )
        return f"- {place} · {languages or '-'} · {ages or '-'}{interpreter}"

    lines = [t(locale, "reach.intro", community=community_name)]
    if not report.unreachable and not report.quiet:
        lines.append(t(locale, "reach.none"))
    if report.unreachable:
        lines += ["", t(locale, "reach.unreachable", count=len(report.unreachable))]
        lines += [line(entry) for entry in report.unreachable[:REACH_LINES]]
    if report.quiet:
        # The label says the rule itself: "4 weeks" alone is wrong for a parent who joined today.
        weeks, count = REACH_DAYS // 7, len(report.quiet)
        lines += ["", t(locale, "reach.quiet", prompts=REACH_PROMPTS, weeks=weeks, count=count)]
        lines += [line(entry) for entry in report.quiet[:REACH_LINES]]
        lines += [t(locale, "reach.not_uninterested")]
    if report.unreachable or report.quiet:
        lines += ["", t(locale, "reach.tip")]
    return "\n".join(lines)
