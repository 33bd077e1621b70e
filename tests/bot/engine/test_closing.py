"""A newer question closes the earlier one (bot/engine/replies.py): on a platform that can edit,
the outbox takes the earlier question's buttons off right before the new question goes, in the
chat's order. Not for a later step of the same question (an RSVP, then "How many?"), not for
staff's work items (each proposal stays until decided), not in a group room; a platform that
cannot edit keeps the old buttons and nothing is sent for them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.engine.buttons import action_button
from bot.engine.port import Capabilities
from bot.engine.types import Incoming
from community.actions import ClearButtons, SendMessage, Target
from community.clock import FakeClock
from community.models import Person, Role
from community.services import outbox
from community.services.outbox import Outgoing
from tests.bot.engine.test_moderation import ROOM, _coordinator, _report, _to
from tests.bot.engine.test_prompts_chat import _staff
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport

EDITS = Capabilities(buttons=True, edit=True)


@pytest.fixture
def transport(request: pytest.FixtureRequest) -> RecordingTransport:
    can_edit = getattr(request, "param", True)
    return RecordingTransport(capabilities=EDITS if can_edit else Capabilities())


def _invitation(prompt_id: int, text: str = "Come to the library.") -> SendMessage:
    labels = ("Yes, I will come", "No, I cannot come", "Maybe")
    answers = ("yes", "no", "maybe")
    return SendMessage(
        text,
        tuple(
            action_button(lab, "rsvp", prompt_id, a) for lab, a in zip(labels, answers, strict=True)
        ),
    )


def _question(prompt_id: int) -> SendMessage:
    return SendMessage(
        "Did you read?", tuple(action_button(lab, "qa", prompt_id, i) for i, lab in enumerate("AB"))
    )


def _done_since(transport: RecordingTransport, before: int) -> list[object]:
    return [d.action for d in transport.done[before:]]


def test_the_earlier_question_loses_its_buttons_right_before_the_new_one(
    chat: Chat, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    invitation = chat.deliver("anna", _invitation(1))
    before = len(transport.done)
    chat.deliver("anna", _question(2))
    done = _done_since(transport, before)
    # The clear carries the earlier message's platform id, known when it was queued.
    assert done[0] == ClearButtons(
        Target(outbox_id=invitation.delivery.outbox_id, remote_id=invitation.remote_id)
    )
    assert isinstance(done[1], SendMessage) and done[1].text == "Did you read?"
    assert transport.done[before].target_remote_id == invitation.remote_id  # resolved
    # Closed once: a third question clears only the second.
    before = len(transport.done)
    question = transport.done[before - 1]
    chat.deliver("anna", _invitation(3, "Come to the park."))
    assert _done_since(transport, before)[:1] == [
        ClearButtons(Target(question.outbox_id, remote_id=f"remote-{question.outbox_id}"))
    ]
    assert sum(isinstance(a, ClearButtons) for a in _done_since(transport, before)) == 1


def test_a_later_step_of_the_same_question_keeps_the_earlier_buttons(
    chat: Chat, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    chat.deliver("anna", _invitation(1))
    before = len(transport.done)
    chat.deliver("anna", _invitation(1, "The same invitation, again."))
    assert not any(isinstance(a, ClearButtons) for a in _done_since(transport, before))


def test_staff_work_items_and_rooms_stay_open(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    _staff(app, clock, "bram", Role.COORDINATOR)
    chat.deliver("bram", SendMessage("Pair 1?", (action_button("Approve", "buddy_ok", 1),)))
    before = len(transport.done)
    chat.deliver("bram", SendMessage("Pair 2?", (action_button("Approve", "buddy_ok", 2),)))
    assert not any(isinstance(a, ClearButtons) for a in _done_since(transport, before))
    # Messages in a room linked to a parent (a relayed copy is erased with its author).
    chat.onboard("anna")
    with app.session_factory() as session:
        anna = session.scalars(select(Person.id).where(Person.platform_user_id == "anna")).one()
    before = len(transport.done)
    for prompt_id in (1, 2):
        with app.session_factory.begin() as session:
            room = Outgoing("console", "@tips", _question(prompt_id), anna)
            outbox.enqueue_all(session, [room], clock)
        chat.flush()  # the dispatcher sends what is queued
    sent = [d.action for d in transport.done[before:] if d.chat_id == "@tips"]
    assert len(sent) == 2 and not any(isinstance(a, ClearButtons) for a in sent)


@pytest.mark.parametrize("transport", [False], indirect=True)
def test_a_platform_that_cannot_edit_keeps_the_old_buttons(
    chat: Chat, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    invitation = chat.deliver("anna", _invitation(1))
    before = len(transport.done)
    chat.deliver("anna", _question(2))
    assert not any(isinstance(a, ClearButtons) for a in _done_since(transport, before))
    # Pressed later, it says the question is closed, and asks the open one again.
    pressed = chat.press("anna", invitation, "Maybe")
    assert [m.text for m in pressed] == ["That question is closed.", "Did you read?"]


def test_a_dialogue_question_closes_an_earlier_invitation(
    chat: Chat, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    invitation = chat.deliver("anna", _invitation(1))
    before = len(transport.done)
    menu = chat.messages("anna: /profile")
    assert menu[-1].choices  # a menu: a question of its own
    cleared = [a for a in _done_since(transport, before) if isinstance(a, ClearButtons)]
    assert cleared == [
        ClearButtons(
            Target(outbox_id=invitation.delivery.outbox_id, remote_id=invitation.remote_id)
        )
    ]


def test_a_report_keeps_its_buttons_until_a_coordinator_closes_it(
    chat: Chat, transport: RecordingTransport
) -> None:
    """A report stays open while something is left to do (after "Warn": delete or remove);
    the press that closes it takes its buttons off."""
    _coordinator(chat, "bram")
    chat.run(
        Incoming.from_text("console", "bram", ROOM, False, "/linkgroup", sender_is_chat_admin=True)
    )
    chat.onboard("anna")
    chat.onboard("bo")
    report = _to(_report(chat), "bram")
    pressed = Target(outbox_id=report.delivery.outbox_id, remote_id=report.remote_id)

    warned = [d.action for d in chat.press_all("bram", report, "Warn")]
    assert ClearButtons(pressed) not in warned
    removed = [d.action for d in chat.press_all("bram", report, "Remove from the group")]
    assert ClearButtons(pressed) in removed
