"""The adapter kit's dispatch: an action goes to the transport's method for its type, and the
button labels fit what the platform shows (`Capabilities.max_label`)."""

from __future__ import annotations

import asyncio

import pytest

from bot.engine.port import Capabilities, Delivery, SendError
from bot.kit.dispatch import ELLIPSIS, dispatch
from community.actions import Button, EditMessage, PinMessage, SendMessage, Target

LONG = "Yes, I come with my two children"
SHORT = "No"


def _deliver(action: SendMessage | EditMessage | PinMessage, caps: Capabilities) -> Delivery:
    seen: list[Delivery] = []

    async def send(delivery: Delivery) -> str:
        seen.append(delivery)
        return "remote-1"

    delivery = Delivery(1, "fake", "chat-1", action, target_remote_id="r")
    methods = {SendMessage: send, EditMessage: send}
    assert asyncio.run(dispatch(delivery, methods, "Fake", caps)) == "remote-1"
    return seen[0]


def _buttons() -> tuple[Button, ...]:
    return (Button(LONG, "q:t1:yes"), Button(SHORT, "q:t1:no"))


def test_labels_longer_than_the_platform_shows_are_cut_and_keep_their_data() -> None:
    for action in (
        SendMessage("Do you come?", _buttons()),
        EditMessage(Target(outbox_id=1, remote_id="r"), "Do you come?", _buttons()),
    ):
        sent = _deliver(action, Capabilities(buttons=True, max_label=12)).action
        assert isinstance(sent, SendMessage | EditMessage)
        labels = [b.label for b in sent.buttons]
        assert labels == ["Yes, I come" + ELLIPSIS, SHORT]
        assert all(len(label) <= 12 for label in labels)
        assert [b.data for b in sent.buttons] == ["q:t1:yes", "q:t1:no"]
        assert sent.text == "Do you come?"


def test_without_a_limit_the_labels_stay_whole() -> None:
    action = SendMessage("Do you come?", _buttons())
    assert _deliver(action, Capabilities(buttons=True)).action == action


def test_an_action_the_transport_lacks_is_refused_permanently() -> None:
    delivery = Delivery(1, "fake", "chat-1", PinMessage(Target(outbox_id=1, remote_id="r")))
    with pytest.raises(SendError) as error:
        asyncio.run(dispatch(delivery, {}, "Fake", Capabilities(max_label=12)))
    assert error.value.permanent and "not supported on Fake" in str(error.value)
