"""Button data, the one codec: what a button carries back to the bot when it is pressed.

Two forms, both within the 64 bytes every platform allows (`MAX_BUTTON_DATA`):

- `q:TOKEN:KEY` answers the question a person's dialogue asks now. The token names that
  question in the presser's own dialogue state, so a copied button can only ever answer the
  presser's own question (and only while it is open).
- `a:NAME:ARG:ARG#SIG` runs the stateless action NAME (an RSVP pressed days later, a
  coordinator's approval). Such data names rows in the database, so it is bound to the person it
  was sent to: SIG is an HMAC over the data and that person's id, added by the outbox when the
  message is queued for them (`bind`). The engine refuses a press whose SIG does not match the
  presser: forged data, or a button copied from someone else's chat.

Nothing else builds or reads button data by hand (a test checks the source tree).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, replace

from community.actions import MAX_BUTTON_DATA, Action, Button, EditMessage, SendMessage

QUESTION = "q"
ACTION = "a"
SIGNATURE_SEPARATOR = "#"
SIGNATURE_LENGTH = 10  # base64url characters: 60 bits, out of reach of guessing
# What an unsigned action may take, so that the signature always fits.
MAX_ACTION_DATA = MAX_BUTTON_DATA - len(SIGNATURE_SEPARATOR) - SIGNATURE_LENGTH
_FORBIDDEN = (":", SIGNATURE_SEPARATOR)


@dataclass(frozen=True)
class QuestionData:
    token: str
    key: str


@dataclass(frozen=True)
class ActionData:
    name: str
    args: tuple[str, ...]
    signature: str | None = None

    @property
    def unsigned(self) -> str:
        return ":".join([ACTION, self.name, *self.args])


# -- encoding -------------------------------------------------------------------------------------
def question_data(token: str, key: str) -> str:
    """The data of a button answering the dialogue question `token` with `key`."""
    if ":" in token:
        raise ValueError("a question token cannot hold ':'")
    data = f"{QUESTION}:{token}:{key}"
    if len(data.encode()) > MAX_BUTTON_DATA:
        raise ValueError(f"button data longer than {MAX_BUTTON_DATA} bytes: {data!r}")
    return data


def action_data(name: str, *args: str | int) -> str:
    """The (still unsigned) data of a button that runs the action `name` with `args`."""
    if not name.isidentifier():
        raise ValueError(f"bad button action name {name!r}")
    parts = [str(arg) for arg in args]
    if any(mark in part for part in parts for mark in _FORBIDDEN):
        raise ValueError("button arguments cannot hold ':' or '#'")
    data = ActionData(name, tuple(parts)).unsigned
    if len(data.encode()) > MAX_ACTION_DATA:
        raise ValueError(f"action data longer than {MAX_ACTION_DATA} bytes: {data!r}")
    return data


# -- topics -------------------------------------------------------------------------------------
def topic(data: str, topics: Mapping[str, str]) -> str | None:
    """The topic a button's data answers; None for a dialogue's question or data of no action.
    `topics`: action name -> its topic, from the handler table (bot/engine/handler_table.py),
    handed over by the composition root. Buttons of one topic with the same first argument
    answer one thing asked in steps (an RSVP, then how many children), so a later step does
    not close the earlier one; an action not in `topics` is its own topic."""
    decoded = decode(data)
    if not isinstance(decoded, ActionData):
        return None
    name = topics.get(decoded.name, decoded.name)
    return f"{name}:{decoded.args[0] if decoded.args else ''}"


# -- decoding -------------------------------------------------------------------------------------
def decode(data: str) -> QuestionData | ActionData | None:
    """What a pressed button's data says, or None when it is no data of ours."""
    prefix, _, rest = data.partition(":")
    if prefix == QUESTION:
        token, _, key = rest.partition(":")
        return QuestionData(token, key) if token else None
    if prefix != ACTION:
        return None
    body, _, signature = rest.partition(SIGNATURE_SEPARATOR)
    name, *args = body.split(":")
    if not name.isidentifier():
        return None
    return ActionData(name, tuple(args), signature or None)


# -- binding to the recipient ---------------------------------------------------------------------
def signature(unsigned: str, person_id: int, key: bytes) -> str:
    message = f"button:{person_id}:{unsigned}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_LENGTH]


def signed_for(action: ActionData, person_id: int | None, key: bytes) -> bool:
    """Whether `action` was sent to the person `person_id` (None: nobody stored, never)."""
    if person_id is None or action.signature is None:
        return False
    return hmac.compare_digest(action.signature, signature(action.unsigned, person_id, key))


def has_actions(action: Action) -> bool:
    buttons = getattr(action, "buttons", ())
    return any(button.data.startswith(ACTION + ":") for button in buttons)


def bind(action: Action, person_id: int | None, key: bytes) -> Action:
    """`action` with each action button signed for `person_id`, the person it is queued for.
    For no person (a room) the signature is left off: such a button acts for nobody."""
    if not isinstance(action, SendMessage | EditMessage) or not has_actions(action):
        return action
    return replace(action, buttons=tuple(_bind(b, person_id, key) for b in action.buttons))


def _bind(button: Button, person_id: int | None, key: bytes) -> Button:
    decoded = decode(button.data)
    if not isinstance(decoded, ActionData):
        return button
    unsigned = decoded.unsigned
    if person_id is None:
        return Button(button.label, unsigned)
    mark = signature(unsigned, person_id, key)
    return Button(button.label, f"{unsigned}{SIGNATURE_SEPARATOR}{mark}")
