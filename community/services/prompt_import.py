"""Prompts a professional prepared in a file, imported with `ouderkring prompts import`.

    [[prompt]]
    kind = "invitation"              # tip, question or invitation
    send = "2026-10-12 10:00"        # local time ([prompts] timezone)
    text.nl = "Kom naar de bibliotheek. Kinderen zijn welkom."
    text.en = "Come to the library. Children are welcome."   # more languages: optional
    age_bands = ["2-4"]              # optional: only parents of children of these bands
    neighbourhood = "Presikhaaf-Oost" # optional: a name or a postcode area
    event = "2026-10-14 10:00"       # invitations: when it is
    place = "Bibliotheek, Kortestraat 16"
    key = "library-october"          # optional: names this prompt (letters, digits, -)

Each prompt has a key: the one given, or else its kind and Dutch text. A second import of the
file stores nothing twice: a prompt already there is left as it is, or updated when the file
changed it and it was not sent yet (a sent prompt is never changed).

The whole file is checked first (every problem named by entry and field) and then stored in
one transaction, or not at all. Each text gets the same plain-language check as /new.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community import prompt_kinds
from community.clock import Clock
from community.models import Community, Prompt
from community.services import communities, plain
from community.services.prompts import create_prompt, to_utc
from config.programme import AGE_BANDS, PromptSettings

FIELDS = {"kind", "send", "text", "age_bands", "neighbourhood", "event", "place", "key"}
MAX_TEXT = 600
KEY_PREFIX = "file:"  # keeps imported prompts apart from the programme's keys
KEY = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass
class Planned:
    """One prompt of the file, checked, not stored yet."""

    number: int
    kind: str
    send: datetime  # UTC
    texts: dict[str, str]
    age_bands: list[str] = field(default_factory=list)
    neighbourhood_id: int | None = None
    event: datetime | None = None
    place: str | None = None
    problems: dict[str, list[str]] = field(default_factory=dict)  # locale -> plain problems
    key: str = ""  # the stored key: KEY_PREFIX and the file's key or a digest of kind and text


@dataclass
class Stored:
    """What an import did, prompt by prompt (their numbers in the file)."""

    new: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)  # sent before: left as they were


class PromptFileError(ValueError):
    """The file cannot be imported; the message names every problem."""


def _when(value: Any, where: str, settings: PromptSettings, errors: list[str]) -> datetime | None:
    try:
        local = datetime.strptime(str(value), "%Y-%m-%d %H:%M")
    except ValueError:
        errors.append(f"{where}: use YYYY-MM-DD HH:MM, such as 2026-10-12 10:00")
        return None
    return to_utc(local, settings)


def read(path: Path, community: Community, settings: PromptSettings, clock: Clock) -> list[Planned]:
    """Every prompt of the file, checked; raises PromptFileError naming all problems."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptFileError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise PromptFileError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise PromptFileError(f"{path} cannot be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise PromptFileError(f"{path} is not UTF-8 text: save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise PromptFileError(f"{path}: {exc}") from None
    entries = data.get("prompt")
    if not isinstance(entries, list) or not entries:
        raise PromptFileError(f"{path}: no [[prompt]] entries")
    errors: list[str] = []
    planned: list[Planned] = []
    seen: dict[str, int] = {}  # key -> the first prompt number with it
    for number, raw in enumerate(entries, 1):
        where = f"{path}: prompt {number}"
        if not isinstance(raw, dict):
            errors.append(f"{where}: must be a table")
            continue
        entry = _entry(number, raw, where, community, settings, clock, errors)
        if entry is None:
            continue
        if entry.key in seen:
            errors.append(f"{where}: the same as prompt {seen[entry.key]}; give each a key")
        seen.setdefault(entry.key, number)
        planned.append(entry)
    if errors:
        raise PromptFileError("\n".join(errors))
    return planned


def _entry(
    number: int,
    raw: dict[str, Any],
    where: str,
    community: Community,
    settings: PromptSettings,
    clock: Clock,
    errors: list[str],
) -> Planned | None:
    """One [[prompt]] entry, checked; its problems are added to `errors`."""
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        errors.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    kind = raw.get("kind")
    writable = prompt_kinds.names(lambda found: found.writable)
    if kind not in writable:
        errors.append(f"{where}.kind: use one of {', '.join(writable)}")
    texts = raw.get("text")
    if not isinstance(texts, dict) or not isinstance(texts.get("nl"), str):
        errors.append(f"{where}.text: text.nl is required (a Dutch text)")
        texts = {}
    texts = {k: " ".join(str(v).split()) for k, v in texts.items() if isinstance(v, str)}
    for locale, text in texts.items():
        if not text or len(text) > MAX_TEXT:
            errors.append(f"{where}.text.{locale}: 1 to {MAX_TEXT} characters")
    send = _when(raw.get("send"), f"{where}.send", settings, errors)
    if send is not None and send < clock.now():
        errors.append(f"{where}.send: that moment has passed")
    bands = raw.get("age_bands", [])
    if not isinstance(bands, list) or not all(b in AGE_BANDS for b in bands):
        errors.append(f"{where}.age_bands: use {', '.join(AGE_BANDS)}")
        bands = []
    hood_id = None
    if "neighbourhood" in raw:
        hood = communities.neighbourhood_named(community, str(raw["neighbourhood"]))
        if hood is None:
            errors.append(f"{where}.neighbourhood: not a neighbourhood of {community.name}")
        else:
            hood_id = hood.id
    event = place = None
    if kind in writable and prompt_kinds.of(str(kind)).event:
        event = _when(raw.get("event"), f"{where}.event", settings, errors)
        place = raw.get("place")
        if not isinstance(place, str) or not place.strip():
            errors.append(f"{where}.place: an invitation needs a place")
            place = None
        if event is not None and send is not None and event <= send:
            errors.append(f"{where}.event: must come after send")
    problems = {
        locale: found for locale, text in texts.items() if (found := plain.check(text, locale))
    }
    key = _key(raw, str(kind), texts, where, errors)
    if send is None or kind not in writable or not texts:
        return None
    return Planned(
        number, str(kind), send, texts, list(bands), hood_id, event, place, problems, key
    )


def _key(
    raw: dict[str, Any], kind: str, texts: dict[str, str], where: str, errors: list[str]
) -> str:
    """The stored key: the file's `key`, or a digest of the kind and the Dutch text (so the same
    prompt with another send time is the same prompt)."""
    given = raw.get("key")
    if given is not None:
        if not isinstance(given, str) or not KEY.match(given):
            errors.append(f"{where}.key: 1 to 40 letters, digits, - or _")
        return f"{KEY_PREFIX}{given}"
    digest = hashlib.sha256(f"{kind}\n{texts.get('nl', '')}".encode()).hexdigest()[:20]
    return f"{KEY_PREFIX}{digest}"


def store(session: Session, community: Community, planned: list[Planned], clock: Clock) -> Stored:
    """Store the checked prompts (in the caller's transaction); the scheduler sends them. A
    prompt whose key is there already is updated while unsent, else left as it was."""
    existing = {
        prompt.key: prompt
        for prompt in session.scalars(
            select(Prompt).where(
                Prompt.community_id == community.id, Prompt.key.in_([p.key for p in planned])
            )
        )
    }
    done = Stored()
    for p in planned:
        prompt = existing.get(p.key)
        if prompt is None:
            made = create_prompt(
                session, community, p.kind, p.texts, p.send, clock, event_at=p.event,
                place=p.place, age_bands=p.age_bands, neighbourhood_id=p.neighbourhood_id,
            )  # fmt: skip
            made.key = p.key
            done.new.append(p.number)
            continue
        wanted = (p.kind, p.texts, p.send, p.event, p.place, p.age_bands, p.neighbourhood_id)
        if _fields(prompt) == wanted:
            done.already.append(p.number)
        elif prompt.delivered_at is not None:
            done.sent.append(p.number)
        else:
            prompt.kind, prompt.texts, prompt.due_at = p.kind, dict(p.texts), p.send
            prompt.event_at, prompt.place = p.event, p.place
            prompt.age_bands, prompt.neighbourhood_id = list(p.age_bands), p.neighbourhood_id
            done.updated.append(p.number)
    session.flush()
    return done


def _fields(prompt: Prompt) -> tuple[Any, ...]:
    return (
        prompt.kind, prompt.texts, prompt.due_at, prompt.event_at, prompt.place,
        list(prompt.age_bands), prompt.neighbourhood_id,
    )  # fmt: skip
