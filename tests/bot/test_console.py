"""The console transport's line format, which people and tests rely on."""

from __future__ import annotations

from bot.console import parse_line, render
from bot.engine.types import Choice, OutboundMessage


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
    message = OutboundMessage(
        1,
        "console",
        "anna",
        "Kies je taal.\nChoose your language.",
        (Choice("lang:nl", "Nederlands"), Choice("lang:en", "English")),
    )
    assert render(message) == (
        "to anna: Kies je taal.\n    Choose your language.\n    [1] Nederlands  [2] English"
    )
