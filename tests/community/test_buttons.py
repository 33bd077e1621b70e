"""The button data codec (community/buttons.py) and the key that binds action buttons to their
recipient (community/services/button_key.py)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from community import buttons as codec
from community.actions import MAX_BUTTON_DATA, Button, SendMessage
from community.clock import FakeClock
from community.models import OutboxMessage, PlatformState
from community.services import button_key, outbox, people
from community.services.outbox import Outgoing

KEY = b"k" * 32


def test_both_forms_decode_to_what_was_encoded() -> None:
    assert codec.decode(codec.question_data("ab12", "lang:en")) == codec.QuestionData(
        "ab12", "lang:en"
    )
    data = codec.action_data("rsvp", 12, "yes")
    assert data == "a:rsvp:12:yes"
    assert codec.decode(data) == codec.ActionData("rsvp", ("12", "yes"))
    signed = codec.decode(f"{data}#abcdefghij")
    assert isinstance(signed, codec.ActionData) and signed.signature == "abcdefghij"
    assert signed.unsigned == data


@pytest.mark.parametrize("junk", ["", "q", "q::x", "zzz", ":::", "a:", "a:9x:1", "x:rsvp:1"])
def test_data_that_is_not_ours_decodes_to_none(junk: str) -> None:
    assert codec.decode(junk) is None


def test_steps_of_one_thing_share_a_topic() -> None:
    """An RSVP and its "How many children?" answer one invitation (as the handler table
    says, which the composition root hands over): a later step does not close the earlier one."""
    from bot.engine.handler_table import HANDLERS

    topics = HANDLERS.topics()  # what bot/app.py's build_app hands over

    rsvp, count = codec.action_data("rsvp", 7, "yes"), codec.action_data("rsvpn", 7, 2)
    assert codec.topic(rsvp, topics) == codec.topic(count, topics) == "invitation:7"
    assert codec.topic(codec.action_data("rsvp", 8, "yes"), topics) != codec.topic(rsvp, topics)
    assert codec.topic(codec.action_data("share", 7, "yes"), topics) == "share:7"
    assert codec.topic(codec.question_data("ab12", "yes"), topics) is None
    assert codec.topic(count, {}) == "rsvpn:7"  # no table: each action its own topic


def test_bad_names_arguments_and_lengths_are_refused_when_built() -> None:
    with pytest.raises(ValueError):
        codec.action_data("no-name", 1)
    with pytest.raises(ValueError):
        codec.action_data("rsvp", "1:2")
    with pytest.raises(ValueError):
        codec.action_data("rsvp", "1#2")
    with pytest.raises(ValueError):
        codec.question_data("a:b", "x")
    # The signature always fits: an action may use 64 bytes minus the signature's room.
    longest = codec.action_data("x", "y" * (codec.MAX_ACTION_DATA - 4))
    bound = codec.bind(SendMessage("t", (Button("l", longest),)), 7, KEY)
    assert isinstance(bound, SendMessage)
    assert len(bound.buttons[0].data.encode()) == MAX_BUTTON_DATA
    with pytest.raises(ValueError):
        codec.action_data("x", "y" * (codec.MAX_ACTION_DATA - 3))


def test_a_signature_binds_the_data_to_one_person() -> None:
    question = Button("Yes", codec.question_data("ab12", "yes"))
    message = SendMessage("t", (Button("Go", codec.action_data("rsvp", 1, "yes")), question))
    for_anna = codec.bind(message, 1, KEY)
    assert isinstance(for_anna, SendMessage)
    assert for_anna.buttons[1] == question  # a question's button names the presser's own state
    data = codec.decode(for_anna.buttons[0].data)
    assert isinstance(data, codec.ActionData)
    assert codec.signed_for(data, 1, KEY)
    assert not codec.signed_for(data, 2, KEY)
    assert not codec.signed_for(data, None, KEY)
    assert not codec.signed_for(data, 1, b"another key")
    assert not codec.signed_for(codec.ActionData("rsvp", ("2", "yes"), data.signature), 1, KEY)
    # Signed again for someone else: the old signature goes, the new one is theirs.
    for_bilal = codec.bind(for_anna, 2, KEY)
    assert isinstance(for_bilal, SendMessage)
    again = codec.decode(for_bilal.buttons[0].data)
    assert isinstance(again, codec.ActionData) and codec.signed_for(again, 2, KEY)
    # For a room (nobody): no signature, so it acts for nobody.
    for_room = codec.bind(message, None, KEY)
    assert isinstance(for_room, SendMessage)
    assert for_room.buttons[0].data == "a:rsvp:1:yes"


def test_the_outbox_signs_action_buttons_for_the_person_it_queues_them_for(
    app: App, clock: FakeClock
) -> None:
    with app.session_factory.begin() as session:
        anna = people.create(session, "console", "anna", "anna", clock=clock)
        message = SendMessage("t", (Button("Go", codec.action_data("rsvp", 1, "yes")),))
        outbox.enqueue_all(session, [Outgoing("console", "anna", message, anna.id)], clock)
        anna_id = anna.id
    with app.session_factory() as session:
        payload = session.scalar(select(OutboxMessage.payload))
        key = button_key.get(session, clock)
    assert payload is not None
    data = codec.decode(payload["buttons"][0][1])
    assert isinstance(data, codec.ActionData) and codec.signed_for(data, anna_id, key)


def test_the_key_is_made_once_and_kept_in_the_database(
    app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.session_factory() as session:
        stored = session.scalars(
            select(PlatformState).where(PlatformState.platform == button_key.PLATFORM)
        ).all()
    assert [row.key for row in stored] == [button_key.KEY]
    made = button_key.ensure(app.session_factory, clock)
    assert button_key.ensure(app.session_factory, clock) == made
    # Processes that start at once on a database without a key all end up with one key.
    with app.session_factory.begin() as session:
        session.execute(PlatformState.__table__.delete())
    keys: list[bytes] = []

    def start() -> None:
        button_key._CACHE.clear()
        keys.append(button_key.ensure(app.session_factory, clock))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 32 and keys[0] != made
    # The environment wins when it is set.
    monkeypatch.setenv(button_key.ENVIRONMENT_VARIABLE, "from the environment")
    with app.session_factory() as session:
        assert button_key.get(session, clock) == b"from the environment"


def test_a_missing_key_is_made_by_whoever_needs_it_first(app: App, clock: FakeClock) -> None:
    with app.session_factory.begin() as session:
        session.execute(PlatformState.__table__.delete())
    button_key._CACHE.clear()
    with app.session_factory.begin() as session:
        made = button_key.get(session, clock)
    with app.session_factory() as session:
        assert button_key.get(session, clock) == made


def test_no_button_data_is_built_by_hand_outside_the_codec() -> None:
    """Button data has one codec (community/buttons.py): no literal starting a `q:` or `a:`
    string anywhere else in the source."""
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""["'](?:a|q):""")
    found, scanned = [], 0
    for package in ("bot", "community", "config", "matching", "bench"):
        for path in (root / package).rglob("*.py"):
            scanned += 1
            if path == root / "community" / "buttons.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert scanned > 50 and found == []
