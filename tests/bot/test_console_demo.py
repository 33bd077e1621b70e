"""The console shows every feature: the demo script in README ("The demo in 2 minutes") runs as
it stands through the real console (parser, transport, /tick), and a parent, a coordinator and a
professional get through onboarding, buddies, /new, an RSVP and the digest. Presses (`NAME: [N]`),
joining and leaving a room, readable room names and /tick are checked one by one below."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_app
from bot.console import ConsoleTransport, parse, parse_line, run_console
from bot.engine.types import EventKind, Incoming
from community.clock import FakeClock
from config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
DEMO = re.compile(
    r"<!-- console demo: begin -->\s*```text\n(.*?)```\s*<!-- console demo: end -->", re.S
)


def demo_script() -> str:
    match = DEMO.search(README.read_text(encoding="utf-8"))
    assert match is not None, "README has no console demo block"
    return match.group(1)


def run(settings: Settings, clock: FakeClock, script: str) -> tuple[list[str], str]:
    """The script through `run_console`, as `ouderkring demo < script` runs it: what the bot
    printed (lines), and what the console itself said (its notes)."""
    out, notes = io.StringIO(), io.StringIO()
    app = build_app(settings, [ConsoleTransport(out)], clock=clock, migrate=True)
    try:
        asyncio.run(run_console(app, io.StringIO(script), notes))
    finally:
        app.close()
    return out.getvalue().splitlines(), notes.getvalue()


def _after(lines: list[str], first: str, *then: str) -> None:
    """`first` is printed, and each of `then` after the one before it."""
    at = lines.index(first)
    for line in then:
        at = lines.index(line, at + 1)


def test_the_readme_demo_runs_through_the_console(settings: Settings, clock: FakeClock) -> None:
    lines, notes = run(settings, clock, demo_script())
    assert "not understood" not in notes and "no such button" not in notes, notes
    assert "(the time is now" in notes
    # Roles: the admin's code makes carla coordinator, hers makes piet professional.
    assert "to carla: Welcome! You are now coordinator at Ouderkring Arnhem." in lines
    assert any(line.startswith("to piet: Welcome! You are now professional") for line in lines)
    # Onboarding by presses and by typed labels.
    assert lines.count("to anna: Done! You are now part of Ouderkring Arnhem.") == 1
    assert lines.count("to bilal: Done! You are now part of Ouderkring Arnhem.") == 1
    # Buddies: proposed, approved, introduced.
    _after(
        lines,
        "to carla: Approved. I will introduce them to each other.",
        "to anna: Thank you, Anna!",
    )
    named = lines.index("to bilal: Thank you, Bilal!")
    assert any(line.startswith("to anna: ") and "Bilal" in line for line in lines[named:])
    # /new: the invitation reaches both parents now, and is answered.
    assert lines.count("to piet: Sent. Parents who get it: 2") == 2
    _after(
        lines,
        "to anna: 📅 Come to the library. We read to the children.",
        "to anna: Nice! How many children will come with you?",
        "to bilal: Thank you. You can still press Yes later.",
        "to bilal: Thank you! We pass your answer on to school.",
    )
    # The digest at 16:00, to the coordinator and the professional.
    for staff in ("carla", "piet"):
        _after(lines, f"to {staff}: New answers from parents: 1", "    - A book about a bear.")


def test_a_press_takes_a_button_of_the_last_message_with_buttons(
    settings: Settings, clock: FakeClock
) -> None:
    lines, notes = run(settings, clock, "anna: /start ARNHEM\nanna: [2]\nanna: [9]\nanna: [1]\n")
    assert "to anna: Welcome to Ouderkring Arnhem!" in lines  # [2]: English
    assert notes.count("no such button") == 1  # [9]: there is none; nothing was sent for it
    # [1]: yes; the postcode question comes with its one button ("I prefer listening").
    assert lines[-2:] == [
        "to anna: What is your postcode? For example: 6825 AB",
        "    [1] 🔊 I prefer listening",
    ]


def test_a_press_on_a_closed_question_in_the_console(settings: Settings, clock: FakeClock) -> None:
    """The console cannot take buttons off: the invitation's stay after the newer question
    (which waits for words), and pressing one says the question is closed and asks again."""
    script = demo_script()
    script = script[: script.index("bilal: A book about a bear.")] + "anna: [1]\n"
    lines, _ = run(settings, clock, script)
    assert not any("[buttons removed" in line for line in lines)
    _after(
        lines,
        "to anna: ❓ What did you read together this week?",
        "to anna: That question is closed.",
        "to anna: ❓ What did you read together this week?",
    )


def test_join_leave_and_readable_room_names(settings: Settings, clock: FakeClock) -> None:
    joined, left = parse("anna joins @tips"), parse_line("anna leaves @tips")
    assert isinstance(joined, Incoming) and left is not None
    assert (joined.kind, joined.chat_id, joined.is_private) == (
        EventKind.MEMBER_JOINED,
        "@tips",
        False,
    )
    assert left.kind is EventKind.MEMBER_LEFT
    script = "\n".join(
        ["admin: /start", "admin: English", "admin: /rooms", "zoe joins @tips-en-vragen"]
    )
    lines, _ = run(settings, clock, script + "\n")
    made = [line for line in lines if "[created" in line]
    assert made[0] == "to : [created space] Ouderkring Arnhem @ouderkring-arnhem"
    assert "to @ouderkring-arnhem: [created room] Tips en vragen @tips-en-vragen" in made
    assert not any(re.search(r"@room\d", line) for line in lines)
    # A stranger who joins the room is taken out of it, and told why in private.
    removed = lines.index("to @tips-en-vragen: [removed] zoe")
    assert any(line.startswith("to zoe: ") for line in lines[removed:])


def test_tick_moves_the_clock_on_and_runs_the_jobs(settings: Settings) -> None:
    clock = FakeClock(datetime(2026, 9, 1, 20, 30, tzinfo=UTC))  # 22:30 in Arnhem: quiet hours
    _, notes = run(settings, clock, "/tick 10:00\n/tick nonsense\n")
    assert clock.now() == datetime(2026, 9, 2, 8, 0, tzinfo=UTC)  # 10:00 the next day
    assert "(the time is now Wednesday 10:00)" in notes
    assert "write /tick or /tick HH:MM" in notes
