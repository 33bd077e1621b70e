"""Voice notes for the people who asked for them (/voice, or "I prefer listening" at onboarding).

Every message queued in the outbox passes here (`with_voice_notes`): a message with text for a
person whose voice notes are on, in their private chat, is followed by a `Voice` action of its
own: its own outbox row, right after the text, so it is sent once, in order, and retried on its
own like any message. The row holds the words and the language; the sender makes the audio.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from community import pictograms
from community.actions import Action, SendMessage, Target, Voice
from community.models import Person

if TYPE_CHECKING:
    from community.services.outbox import Outgoing


@dataclass(frozen=True)
class _Listener:
    platform: str
    chats: frozenset[str]
    locale: str


def spoken_text(action: SendMessage) -> str:
    """What the voice note says: the text, then each button with its number, so that a parent
    who does not read can still answer (typing the number picks the button)."""
    # A pictogram is for the eye: the speech engine would read its name aloud.
    lines = [pictograms.without(action.text.strip())]
    lines += [f"{number}: {button.label}" for number, button in enumerate(action.buttons, 1)]
    return "\n".join(line for line in lines if line)


def _speaks(action: Action) -> bool:
    return isinstance(action, SendMessage) and bool(action.text.strip() or action.buttons)


def _listener(person: Person) -> _Listener | None:
    if not person.voice_notes or not person.locale:
        return None
    chats = {c for c in (person.private_chat_id, person.platform_user_id) if c}
    return _Listener(person.platform, frozenset(chats), person.locale)


def _listeners(session: Session, person_ids: set[int]) -> dict[int, _Listener]:
    """The people among `person_ids` with voice notes on. People the session holds already (the
    one an event is about) cost no query; the others are read in one."""
    found: dict[int, _Listener] = {}
    missing: list[int] = []
    for person_id in person_ids:
        person = session.identity_map.get(identity_key(Person, person_id))
        if person is None:
            missing.append(person_id)
        elif (listener := _listener(person)) is not None:  # type: ignore[arg-type]
            found[person_id] = listener
    columns = (Person.id, Person.platform, Person.private_chat_id, Person.platform_user_id)
    for start in range(0, len(missing), 500):
        rows = session.execute(
            select(*columns, Person.locale).where(
                Person.id.in_(missing[start : start + 500]),
                Person.voice_notes.is_(True),
                Person.locale.is_not(None),
            )
        )
        for person_id, platform, private, user, locale in rows:
            chats = frozenset(c for c in (private, user) if c)
            found[person_id] = _Listener(platform, chats, str(locale))
    return found


def with_voice_notes(session: Session, items: list[Outgoing]) -> list[Outgoing]:
    """`items` (outbox `Outgoing`s), each text for a listener followed by its voice note. An
    action that names a message queued earlier in the same batch (`Target.earlier`) still
    names the same message."""
    wanted = {i.person_id for i in items if i.person_id is not None and _speaks(i.action)}
    if not wanted:
        return items
    listeners = _listeners(session, wanted)
    if not listeners:
        return items
    result: list[Outgoing] = []
    position: list[int] = []  # where each of `items` lands in `result`
    for item in items:
        position.append(len(result))
        result.append(item)
        action, person_id = item.action, item.person_id
        if not isinstance(action, SendMessage) or person_id is None or not _speaks(action):
            continue
        listener = listeners.get(person_id)
        if listener is None or item.platform != listener.platform:
            continue
        if item.chat_id not in listener.chats:
            continue  # a group, or a relay: the voice note is for their private chat only
        voice = Voice(spoken_text(action), listener.locale)
        result.append(replace(item, action=voice, key=None, queued=None))
    for index, item in enumerate(items):
        target = item.action.target
        if target is not None and target.earlier is not None and target.earlier <= index:
            earlier = position[index] - position[index - target.earlier]
            moved = replace(target, earlier=earlier)
            result[position[index]] = replace(item, action=_retarget(item.action, moved))
    return result


def _retarget(action: Action, target: Target) -> Action:
    return replace(action, message=target)  # type: ignore[type-var]


def set_voice_notes(person: Person, on: bool) -> bool:
    """Turn a person's voice notes on or off; whether that changed anything."""
    changed = person.voice_notes != on
    person.voice_notes = on
    return changed
