"""The console transport's line format, which people and tests rely on."""

from __future__ import annotations

from bot.console import parse_line, render
from bot.engine.port import Delivery
from community.actions import (
    AdmitMember,
    Button,
    ClearButtons,
    CreateRoom,
    EditMessage,
    PinMessage,
    SendMessage,
    Target,
)


def test_private_and_group_lines() -> None:
    private = parse_line("anna: /start ARNHEM")
    assert private is not None
    assert (private.user_id, private.chat_id, private.is_private) == ("anna", "anna", True)
    assert (private.command, private.args) == ("start", ("ARNHEM",))
    group = parse_line("anna@tips: hello all")
    assert group is not None
    assert (group.chat_id, group.is_private, group.text, group.command) == (
        "@tips",
        False,
        "hello all",
        None,
    )
    assert parse_line("no colon here") is None
    assert parse_line("anna:") is not None and parse_line("anna:").text == ""  # type: ignore[union-attr]


def test_render_numbers_the_buttons() -> None:
    action = SendMessage(
        "Kies je taal.\nChoose your language.",
        (Button("Nederlands", "q:ab12:lang:nl"), Button("English", "q:ab12:lang:en")),
    )
    assert render(Delivery(1, "console", "anna", action)) == (
        "to anna: Kies je taal.\n    Choose your language.\n    [1] 🌐 Nederlands  [2] 🌐 English"
    )


def test_render_says_what_a_platform_would_do() -> None:
    target = Target(outbox_id=3)
    cases = [
        (PinMessage(target), "@tips", "to @tips: [pinned] #3"),
        (ClearButtons(target), "anna", "to anna: [buttons removed from #3]"),
        (
            EditMessage(target, "Kies.", (Button("A", "q:x:a"),)),
            "anna",
            "to anna: [edited #3] Kies.\n    [1] A",
        ),
        (AdmitMember("anna", approve=False), "@tips", "to @tips: [refused] anna"),
        (CreateRoom("community:1:tips", "Tips", space=False), "", "to : [created room] Tips"),
    ]
    for action, chat, expected in cases:
        assert render(Delivery(9, "console", chat, action, "3")) == expected
