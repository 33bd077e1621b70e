"""Everything stored about one person, as plain values under stable keys.

/mydata writes its messages from this and sends it as a JSON file too (AVG/GDPR article 15: a
copy of one's data; article 20: in a form a machine reads). One function builds it, so the
messages and the file cannot differ. Moments are ISO 8601 in UTC. The other parent of a buddy
pair is "your buddy": nothing of theirs is listed here (their name, answers and yes to a swap
are their data).

A new column or table that holds something about a person belongs here too (the tests compare
this with the models).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from community.actions import Media
from community.clock import Clock
from community.models import (
    BuddyPair,
    BuddyProfile,
    CommunityTranslator,
    DialogueState,
    MatchRound,
    OutboxKey,
    OutboxMention,
    OutboxMessage,
    OutboxStatus,
    Person,
    Prompt,
    PromptAnswer,
    PromptTranslation,
    RelayedMessage,
    Role,
    RoleCode,
    Rsvp,
    TranslationRequest,
)
from community.services.moderation import Moderation

FORMAT = "ouderkring-mydata/1"
FILE_NAME = "ouderkring-mydata.json"
SOURCE_LOCALE = "nl"  # every prompt has a Dutch text
STAFF = (Role.PROFESSIONAL, Role.COORDINATOR, Role.ADMIN)
# Every table with a column that points at a person, and so read here.
TABLES = frozenset(
    {
        "parent_profile",
        "buddy_profile",
        "buddy_pair",
        "match_round",
        "prompt",
        "prompt_answer",
        "rsvp",
        "dialogue_state",
        "outbox_message",
        "outbox_key",
        "outbox_mention",
        "relayed_message",
        "role_code",
        "moderation_report",
        "room_newcomer",
        "translator",
        "translation_request",
        "prompt_translation",
    }
)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def collect(session: Session, person: Person, clock: Clock) -> dict[str, Any]:
    """All that is kept about `person`, grouped by what it is for."""
    locale = person.locale or SOURCE_LOCALE
    messages = _messages(session, person)
    relayed = messages.pop("relayed")
    return {
        "format": FORMAT,
        "made_at": _iso(clock.now()),
        "account": account(person),
        "parent_profile": parent_profile(person),
        "buddy_profile": buddy_profile(session, person),
        "buddy_pairs": _pairs(session, person),
        "answers": _answers(session, person, locale),
        "rsvps": _rsvps(session, person, locale),
        "dialogue": _dialogue(session, person),
        "messages_to_you": messages,
        "relayed_messages": relayed,
        "staff": _staff(session, person) if person.role in STAFF else None,
        "moderation": _moderation(session, person, clock),
        "translating": _translating(session, person),
    }


def _moderation(session: Session, person: Person, clock: Clock) -> dict[str, Any]:
    """Reports they made, reports about their messages (never the text), and when they joined
    a group room (kept only for their first day there)."""
    made, about, joined = Moderation(session, clock).stored_about(person.id)
    return {"reports_made": made, "reports_about_you": about, "newcomer_since": _iso(joined)}


def account(person: Person) -> dict[str, Any]:
    return {
        "platform": person.platform,
        "user_id": person.platform_user_id,
        "chat_id": person.private_chat_id,
        "language": person.locale,
        "role": person.role.value,
        "community": person.community.name if person.community else None,
        "active": person.active,
        "since": _iso(person.created_at),
        "last_seen": _iso(person.last_seen_at),
        "unreachable_since": _iso(person.unreachable_at),
        "inactivity_warned_at": _iso(person.inactivity_warned_at),
        "voice_notes": person.voice_notes,
    }


def parent_profile(person: Person) -> dict[str, Any] | None:
    """The onboarding answers (also what /profile shows and changes)."""
    profile = person.profile
    if profile is None:
        return None
    return {
        "postcode_area": profile.postcode_area,
        "neighbourhood": profile.neighbourhood.name if profile.neighbourhood else None,
        "age_bands": list(profile.age_bands),
        "home_languages": list(profile.home_languages),
        "buddy": profile.buddy_opt_in,
        "consent_at": _iso(profile.consent_at),
        "completed_at": _iso(profile.completed_at),
        "prompts_paused": profile.prompts_paused,
    }


def answers_shown(session: Session, person: Person) -> dict[str, Any]:
    """The part of `collect` that /profile shows (the onboarding answers and the buddy's first
    name), read without the rest."""
    return {
        "parent_profile": parent_profile(person),
        "buddy_profile": buddy_profile(session, person),
    }


def buddy_profile(session: Session, person: Person) -> dict[str, Any] | None:
    found = session.get(BuddyProfile, person.id)
    if found is None:
        return None
    return {
        "first_name": found.first_name,
        "paused": found.paused,
        "updated_at": _iso(found.updated_at),
    }


def _pairs(session: Session, person: Person) -> list[dict[str, Any]]:
    rows = session.execute(
        select(BuddyPair, MatchRound.started_at)
        .join(MatchRound, BuddyPair.round_id == MatchRound.id)
        .where(or_(BuddyPair.a_id == person.id, BuddyPair.b_id == person.id))
        .order_by(BuddyPair.id)
    )
    pairs = []
    for pair, proposed_at in rows:
        mine = pair.a_id == person.id
        pairs.append(
            {
                "status": pair.status.value,
                "language": pair.language,
                "proposed_at": _iso(proposed_at),
                "decided_at": _iso(pair.decided_at),
                "introduced_at": _iso(pair.introduced_at),
                "follow_up_asked_at": _iso(pair.follow_up_at),
                "your_follow_up_answer": pair.a_answer if mine else pair.b_answer,
                "you_said_yes_to_swap_at": _iso(pair.a_share_at if mine else pair.b_share_at),
                "ended_at": _iso(pair.ended_at),
            }
        )
    return pairs


def _prompt_text(prompt: Prompt, locale: str) -> str:
    texts = prompt.texts
    return str(texts.get(locale) or texts.get(SOURCE_LOCALE) or next(iter(texts.values()), ""))


def _answers(session: Session, person: Person, locale: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(PromptAnswer, Prompt)
        .join(Prompt, PromptAnswer.prompt_id == Prompt.id)
        .where(PromptAnswer.person_id == person.id)
        .order_by(PromptAnswer.created_at, PromptAnswer.id)
    )
    return [
        {
            "question": _prompt_text(prompt, locale),
            "asked_at": _iso(prompt.delivered_at or prompt.due_at),
            "text": answer.text,
            "media": dict(answer.media) if answer.media else None,
            "sent_at": _iso(answer.created_at),
            "shared_at": _iso(answer.shared_at),
        }
        for answer, prompt in rows
    ]


def _rsvps(session: Session, person: Person, locale: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Rsvp, Prompt)
        .join(Prompt, Rsvp.prompt_id == Prompt.id)
        .where(Rsvp.person_id == person.id)
        .order_by(Prompt.event_at, Prompt.id)
    )
    return [
        {
            "invitation": _prompt_text(prompt, locale),
            "event_at": _iso(prompt.event_at),
            "place": prompt.place,
            "answer": rsvp.answer,
            "children": rsvp.children,
            "updated_at": _iso(rsvp.updated_at),
        }
        for rsvp, prompt in rows
    ]


def _dialogue(session: Session, person: Person) -> dict[str, Any] | None:
    """Where they are in a dialogue and the answers given in it so far."""
    state = session.get(DialogueState, (person.platform, person.platform_user_id))
    if state is None:
        return None
    return {
        "language": state.locale,
        "flow": state.flow,
        "step": state.step,
        "answers_so_far": dict(state.data or {}),
        "updated_at": _iso(state.updated_at),
    }


def _count(session: Session, model: type[Any], *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _messages(session: Session, person: Person) -> dict[str, Any]:
    """What the bot sent or will send them, kept for a while to check delivery (the texts are
    what they got; they are counted here, not repeated); and how many of their group messages
    were relayed. Each figure is a subquery of one SELECT: one round trip, not seven."""
    mine = OutboxMessage.person_id == person.id
    waiting = OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))

    def count(model: type[Any], *where: Any) -> Any:
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    row = session.execute(
        select(
            count(OutboxMessage, mine).label("kept"),
            count(OutboxMessage, mine, waiting).label("waiting"),
            count(OutboxMessage, mine, OutboxMessage.status == OutboxStatus.DEAD).label("failed"),
            select(func.min(OutboxMessage.created_at)).where(mine).scalar_subquery().label("old"),
            count(OutboxKey, OutboxKey.person_id == person.id).label("keys"),
            count(OutboxMention, OutboxMention.person_id == person.id).label("quoting"),
            count(RelayedMessage, RelayedMessage.person_id == person.id).label("relayed"),
        )
    ).one()
    return {
        "kept": int(row.kept or 0),
        "waiting": int(row.waiting or 0),
        "failed": int(row.failed or 0),
        "oldest": _iso(row.old),
        "sent_once_keys": int(row.keys or 0),
        # Messages to other people that quote them (a buddy introduction naming them, a digest
        # with their answer): erased with them (community/services/erasure.py).
        "quoting_you": int(row.quoting or 0),
        "relayed": int(row.relayed or 0),
    }


def _staff(session: Session, person: Person) -> dict[str, Any]:
    used = session.scalar(
        select(RoleCode.used_at).where(RoleCode.used_by_id == person.id).order_by(RoleCode.id)
    )
    return {
        "codes_made": _count(session, RoleCode, RoleCode.created_by_id == person.id),
        "code_used_at": _iso(used),
        "prompts_written": _count(session, Prompt, Prompt.author_id == person.id),
        "buddy_rounds_started": _count(session, MatchRound, MatchRound.started_by_id == person.id),
    }


def _translating(session: Session, person: Person) -> dict[str, Any] | None:
    """The language they translate into, how often they were asked, and their texts."""
    found = session.get(CommunityTranslator, person.id)
    texts = session.scalars(
        select(PromptTranslation)
        .where(PromptTranslation.translator_id == person.id)
        .order_by(PromptTranslation.id)
    ).all()
    if found is None and not texts:
        return None
    asked = TranslationRequest.person_id == person.id
    return {
        "language": found.locale if found is not None else None,
        "since": _iso(found.created_at) if found is not None else None,
        "asked": _count(session, TranslationRequest, asked),
        "skipped": _count(session, TranslationRequest, asked, TranslationRequest.answer == "skip"),
        "translations": [
            {"language": t.locale, "text": t.text, "at": _iso(t.created_at)} for t in texts
        ],
    }


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def as_file(data: dict[str, Any]) -> Media:
    """The data as a JSON document, sent like any file (a data: URL the transports decode;
    `name=` gives the file its name)."""
    raw = as_json(data)
    ref = f"data:application/json;name={FILE_NAME};base64,{base64.b64encode(raw).decode()}"
    return Media("document", ref, None, "application/json", len(raw))
