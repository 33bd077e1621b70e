"""Actions survive the outbox: every kind goes to JSON and back unchanged."""

from __future__ import annotations

import json

import pytest

from community.actions import (
    ACTION_TYPES,
    AdmitMember,
    Button,
    ClearButtons,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    InviteMember,
    Media,
    PinMessage,
    RemoveMember,
    SealedMessage,
    SendMessage,
    Target,
    Voice,
    action_from_row,
)

EXAMPLES = [
    SendMessage("Hallo", (Button("Ja", "q:ab12:yes"),), True, Media("photo", "file-1", "a cat")),
    SendMessage("plain"),
    EditMessage(Target(outbox_id=3), "Kies.", (Button("A", "q:x:a"),), True),
    ClearButtons(Target(remote_id="77")),
    PinMessage(Target(outbox_id=4)),
    DeleteMessage(Target(outbox_id=5, remote_id="$ev")),
    AdmitMember("@anna:example.org", approve=False),
    InviteMember("123"),
    RemoveMember("456"),
    CreateRoom("community:1:tips", "Tips en vragen", "Tips swappen", space=False),
    Voice("Lees vandaag samen.\n1: Ja", "nl"),
    SendMessage(
        "", media=Media("voice", "data:audio/ogg;base64,T2dn", None, "audio/ogg", 3, None, 2400)
    ),
]


@pytest.mark.parametrize("action", EXAMPLES, ids=lambda a: a.kind)
def test_round_trip_through_json(action) -> None:  # type: ignore[no-untyped-def]
    stored = json.loads(json.dumps(action.to_json()))
    assert action_from_row(action.kind, stored) == action


def test_every_kind_has_an_example_and_unknown_kinds_are_refused() -> None:
    assert {a.kind for a in EXAMPLES} | {SealedMessage.kind} == set(ACTION_TYPES)
    with pytest.raises(ValueError):
        action_from_row("teleport", {})


def test_a_sealed_message_stores_only_its_fallback() -> None:
    sealed = SealedMessage("/start K3YK3YK3YK", "Your code was not sent.", 7)
    stored = json.loads(json.dumps(sealed.to_json()))
    assert "K3Y" not in json.dumps(stored) and "K3Y" not in repr(sealed)
    # Sent from the table: the fallback; sent from memory: the secret.
    assert action_from_row(sealed.kind, stored) == SendMessage("Your code was not sent.")
    assert sealed.live() == SendMessage("/start K3YK3YK3YK")
