"""Weekly prompts: delivery of due prompts once per parent in their language, quiet hours,
catch-up after downtime, summer and winter time, age bands, RSVP reminders, the digest for
professionals, the calendar file, erasure, and the shipped programme. The jobs are called directly
with the FakeClock, as the scheduler would call them."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.app import App
from community.actions import EditMessage, Media, SendMessage
from community.clock import FakeClock
from community.models import Community, Person, Prompt, PromptAnswer, Role, Rsvp
from community.services import housekeeping, people, prompts
from config import ConfigError, Settings
from config.programme import (
    DEFAULT_PROGRAMME,
    DEFAULT_SUPPORT,
    Programme,
    ProgrammeItem,
    PromptSettings,
    load_programme,
    load_support,
)
from tests.support.chat import Chat
from tests.support.transport import RecordingTransport

START = date(2026, 8, 31)  # a Monday; the FakeClock starts on Tuesday 1 September, 09:00 UTC


def item(key: str, kind: str = "tip", weeks: tuple[int, ...] = (1,), day: str = "wed",
         at: time = time(10, 0), texts: dict[str, str] | None = None,
         bands: tuple[str, ...] = (), **extra: object) -> ProgrammeItem:  # fmt: skip
    texts = texts or {"nl": f"Tip {key} in het Nederlands.", "en": f"Tip {key} in English."}
    return ProgrammeItem(key, kind, weeks, day, at, texts, bands, **extra)  # type: ignore[arg-type]


def with_programme(app: App, *items: ProgrammeItem) -> Settings:
    config = dataclasses.replace(
        app.settings.prompts, programme=Programme(START, tuple(items)), support=()
    )
    return dataclasses.replace(app.settings, prompts=config)


def run_job(app: App, settings: Settings) -> int:
    return prompts.send_due_prompts(app.session_factory, app.translator, app.clock, settings)


def deliver(app: App) -> None:
    asyncio.run(app.dispatcher.dispatch_due())


def texts_to(transport: RecordingTransport, user: str) -> list[str]:
    return [
        d.action.text
        for d in transport.done
        if isinstance(d.action, SendMessage) and d.chat_id == user
    ]


def set_locale(app: App, user: str, locale: str) -> None:
    with app.session_factory.begin() as session:
        person = people.find(session, "console", user)
        assert person is not None
        person.locale = locale


def at(clock: FakeClock, moment: datetime) -> None:
    clock.current = moment


def test_a_due_prompt_goes_once_to_each_parent_in_their_language(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")  # English
    chat.onboard("bram")
    set_locale(app, "bram", "nl")
    settings = with_programme(app, item("read"))  # Wednesday 2 September 10:00 Amsterdam
    assert run_job(app, settings) == 0  # not due yet
    at(clock, datetime(2026, 9, 2, 8, 0, tzinfo=UTC))  # 10:00 summer time
    assert run_job(app, settings) == 2
    assert run_job(app, settings) == 0  # a second run (or a twin scheduler) changes nothing
    deliver(app)
    assert texts_to(transport, "anna")[-1] == "💡 Tip read in English."
    assert texts_to(transport, "bram")[-1] == "💡 Tip read in het Nederlands."
    with app.session_factory() as session:
        prompt = session.scalar(select(Prompt).where(Prompt.key == "read-w1"))
        assert prompt is not None and prompt.delivered_at is not None and prompt.recipients == 2


def test_a_parent_whose_language_has_no_text_gets_dutch_and_one_line_saying_so(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    settings = with_programme(app, item("nl-only", texts={"nl": "Lees samen een boek."}))
    at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC))
    run_job(app, settings)
    deliver(app)
    assert texts_to(transport, "anna")[-1] == (
        "💡 Lees samen een boek.\n\nThis message is not in your language yet. Here it is in Dutch."
    )


def test_quiet_hours_hold_a_prompt_until_they_end(chat: Chat, app: App, clock: FakeClock) -> None:
    chat.onboard("anna")
    settings = with_programme(app, item("early", at=time(6, 30)))  # due in the quiet hours
    at(clock, datetime(2026, 9, 2, 5, 0, tzinfo=UTC))  # 07:00 Amsterdam: still quiet
    assert run_job(app, settings) == 0
    at(clock, datetime(2026, 9, 2, 6, 0, tzinfo=UTC))  # 08:00: quiet hours are over
    assert run_job(app, settings) == 1


def test_after_downtime_a_late_prompt_is_sent_once_and_a_very_late_one_is_skipped(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    settings = with_programme(app, item("a", weeks=(1,)), item("b", weeks=(2,)))
    # The bot was down from Tuesday 1 September until Monday 14 September, 12:00.
    at(clock, datetime(2026, 9, 14, 10, 0, tzinfo=UTC))
    assert run_job(app, settings) == 1  # week 2 (5 days late) is caught up; week 1 is too old
    with app.session_factory() as session:
        skipped = {p.key: p.skipped for p in session.scalars(select(Prompt))}
    assert skipped == {"a-w1": True, "b-w2": False}
    assert run_job(app, settings) == 0


def test_an_item_that_leaves_the_programme_takes_its_unsent_prompts_with_it(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    old = with_programme(app, item("old", weeks=(1, 2)), item("kept", weeks=(2,), day="thu"))
    at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC))
    assert run_job(app, old) == 1  # old-w1 went out
    # The programme file is replaced (a new school year, a new shipped programme): old-w2 is not
    # sent on top of the new week's prompts, what went out stays as it was.
    new = with_programme(app, item("kept", weeks=(2,), day="thu"), item("new", weeks=(2,)))
    at(clock, datetime(2026, 9, 10, 8, 5, tzinfo=UTC))
    assert run_job(app, new) == 2
    deliver(app)
    with app.session_factory() as session:
        skipped = {p.key: p.skipped for p in session.scalars(select(Prompt))}
    assert skipped == {"old-w1": False, "old-w2": True, "kept-w2": False, "new-w2": False}
    assert "💡 Tip old in English." in texts_to(transport, "anna")
    assert texts_to(transport, "anna").count("💡 Tip old in English.") == 1


def test_due_times_follow_summer_and_winter_time(app: App, clock: FakeClock) -> None:
    # Summer time ends on the last Sunday of October (25 October 2026).
    settings = with_programme(app, item("dst", weeks=(8, 9), day="mon"))
    with app.session_factory.begin() as session:
        for community in session.scalars(select(Community)):
            prompts.sync_programme(session, settings.prompts, community, clock)
    with app.session_factory() as session:
        due = {p.key: p.due_at for p in session.scalars(select(Prompt))}
    assert due["dst-w8"] == datetime(2026, 10, 19, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert due["dst-w9"] == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # 10:00 CET


def test_quiet_hours_are_local_time_in_both_seasons(app: App) -> None:
    config = app.settings.prompts
    assert prompts.in_quiet_hours(datetime(2026, 10, 24, 19, 30, tzinfo=UTC), config)  # 21:30
    assert not prompts.in_quiet_hours(datetime(2026, 10, 26, 19, 30, tzinfo=UTC), config)  # 20:30
    assert prompts.in_quiet_hours(datetime(2026, 10, 26, 6, 30, tzinfo=UTC), config)  # 07:30
    assert not prompts.in_quiet_hours(datetime(2026, 10, 26, 7, 0, tzinfo=UTC), config)  # 08:00


def test_a_prompt_for_an_age_band_reaches_only_parents_with_such_a_child(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna", ages=("1",))  # 0-2
    chat.onboard("bram", ages=("3",))  # 4-6
    settings = with_programme(app, item("toddler", bands=("0-2", "2-4")))
    at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC))
    assert run_job(app, settings) == 1
    deliver(app)
    assert texts_to(transport, "anna")[-1] == "💡 Tip toddler in English."
    assert "💡 Tip toddler in English." not in texts_to(transport, "bram")


def test_parents_who_joined_after_a_prompt_went_out_do_not_get_it_later(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    settings = with_programme(app, item("once"))
    at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC))
    run_job(app, settings)
    chat.onboard("bram")
    clock.advance(hours=1)
    assert run_job(app, settings) == 0


def _invitation(app: App) -> Settings:
    return with_programme(
        app,
        item("library", kind="invitation", weeks=(2,), day="mon", event_day="wed",
             event_at=time(10, 0), place="Bibliotheek, Kortestraat 16"),
    )  # fmt: skip


def _prompt(app: App, key: str) -> Prompt:
    with app.session_factory() as session:
        prompt = session.scalar(select(Prompt).where(Prompt.key == key))
        assert prompt is not None
        return prompt


def test_the_day_before_an_event_only_parents_who_said_yes_get_a_reminder(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    for user in ("anna", "bram", "cees"):
        chat.onboard(user)
    settings = _invitation(app)
    at(clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC))  # Monday 7 September
    assert run_job(app, settings) == 3
    prompt = _prompt(app, "library-w2")
    with app.session_factory.begin() as session:
        for user, answer in (("anna", "yes"), ("bram", "no")):
            person = people.find(session, "console", user)
            assert person is not None
            prompts.record_rsvp(session, prompt, person, answer, clock)
    remind = prompts.send_rsvp_reminders
    assert remind(app.session_factory, app.translator, clock, settings) == 0  # too early
    at(clock, datetime(2026, 9, 8, 8, 0, tzinfo=UTC))  # Tuesday 10:00, the day before
    assert remind(app.session_factory, app.translator, clock, settings) == 1
    assert remind(app.session_factory, app.translator, clock, settings) == 0
    deliver(app)
    assert texts_to(transport, "anna")[-1] == (
        "Reminder: we meet tomorrow. When: Wednesday 9 September, 10:00. "
        "Where: Bibliotheek, Kortestraat 16. See you!"
    )
    assert not any(t.startswith("Reminder") for t in texts_to(transport, "bram"))
    assert not any(t.startswith("Reminder") for t in texts_to(transport, "cees"))


def test_an_invitation_whose_event_began_is_not_sent_late(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    settings = _invitation(app)
    at(clock, datetime(2026, 9, 9, 12, 0, tzinfo=UTC))  # Wednesday afternoon: it is over
    assert run_job(app, settings) == 0
    assert _prompt(app, "library-w2").skipped


def test_the_calendar_file_holds_the_event_in_local_time(app: App, clock: FakeClock) -> None:
    settings = _invitation(app)
    with app.session_factory.begin() as session:
        for community in session.scalars(select(Community)):
            prompts.sync_programme(session, settings.prompts, community, clock)
    media = prompts.calendar_file(_prompt(app, "library-w2"), settings.prompts, "Ouderkring")
    assert media.kind == "document" and media.mime_type == "text/calendar"
    data = base64.b64decode(media.ref.split(",", 1)[1])
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert start.replace(tzinfo=None) == datetime(2026, 9, 9, 10, 0)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert str(event["location"]) == "Bibliotheek, Kortestraat 16"
    assert b"BEGIN:VTIMEZONE" in data


def _professional(app: App, clock: FakeClock, user: str = "petra") -> None:
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community))
        assert community is not None
        session.add(
            Person(
                platform="console", platform_user_id=user, private_chat_id=user, locale="nl",
                role=Role.PROFESSIONAL, community_id=community.id, active=True,
                created_at=clock.now(),
            )
        )  # fmt: skip


def test_professionals_get_one_digest_a_day_with_the_new_answers(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    chat.onboard("bram")
    _professional(app, clock)
    settings = with_programme(
        app, item("share", kind="question", texts={"nl": "Wat deed u samen?", "en": "What?"})
    )
    at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC))
    assert run_job(app, settings) == 2
    prompt = _prompt(app, "share-w1")
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        bram = people.find(session, "console", "bram")
        assert anna is not None and bram is not None
        prompts.record_answer(session, prompt, anna, clock, "We lazen een boek.")
        photo = Media("photo", "AgAD-1", "onze toren", "image/jpeg", 2048, "telegram")
        prompts.record_answer(session, prompt, bram, clock, None, photo)
    digest = prompts.send_digests
    assert digest(app.session_factory, app.translator, clock, settings) == 0  # before 16:00
    at(clock, datetime(2026, 9, 2, 14, 0, tzinfo=UTC))  # 16:00 Amsterdam
    assert digest(app.session_factory, app.translator, clock, settings) == 2  # text, photo
    assert digest(app.session_factory, app.translator, clock, settings) == 0
    deliver(app)
    assert texts_to(transport, "petra")[-2:] == [
        "Nieuwe antwoorden van ouders: 2\n\nWat deed u samen?\nAntwoorden: 2\n"
        "Gestuurd naar: 2\nFoto's en spraakberichten: 1\n- We lazen een boek.",
        "Een foto of spraakbericht als antwoord op: Wat deed u samen?",
    ]
    # The photo itself, from the platform that holds it (the transport fetches it there)
    forwarded = [d.action for d in transport.done if d.chat_id == "petra"][-1]
    assert isinstance(forwarded, SendMessage)
    assert forwarded.media == dataclasses.replace(photo, caption=None)


def test_the_digest_counts_deliveries_and_the_answers_to_an_invitation(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    chat.onboard("bram")
    _professional(app, clock)
    settings = _invitation(app)
    at(clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC))
    run_job(app, settings)
    prompt = _prompt(app, "library-w2")
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        bram = people.find(session, "console", "bram")
        assert anna is not None and bram is not None
        prompts.record_rsvp(session, prompt, anna, "yes", clock)
        prompts.set_children(session, prompt, anna, 2, clock)
        prompts.record_rsvp(session, prompt, bram, "maybe", clock)
        prompts.record_answer(session, prompt, anna, clock, "Wij komen!")
    at(clock, datetime(2026, 9, 7, 14, 0, tzinfo=UTC))
    assert prompts.send_digests(app.session_factory, app.translator, clock, settings) == 1
    deliver(app)
    digest = texts_to(transport, "petra")[-1].splitlines()
    assert digest[3:6] == [
        "Antwoorden: 1",
        "Gestuurd naar: 2",
        "Ja 1 (kinderen: 2), misschien 1, nee 0",
    ]


def test_a_digest_forwards_at_most_ten_files_and_the_rest_come_next_day(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    chat.onboard("anna")
    _professional(app, clock)
    settings = with_programme(app, item("share", kind="question", texts={"nl": "Laat zien!"}))
    at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC))
    run_job(app, settings)
    prompt = _prompt(app, "share-w1")
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        assert anna is not None
        for number in range(prompts.DIGEST_MEDIA + 2):
            prompts.record_answer(session, prompt, anna, clock, None, Media("photo", f"p{number}"))
    at(clock, datetime(2026, 9, 2, 14, 0, tzinfo=UTC))
    assert prompts.send_digests(app.session_factory, app.translator, clock, settings) == 11
    at(clock, datetime(2026, 9, 3, 14, 0, tzinfo=UTC))  # the next day: the 2 that waited
    assert prompts.send_digests(app.session_factory, app.translator, clock, settings) == 3
    deliver(app)
    refs = [d.action.media.ref for d in transport.done if d.chat_id == "petra" and d.action.media]  # type: ignore[attr-defined]
    assert refs == [f"p{n}" for n in range(prompts.DIGEST_MEDIA + 2)]  # each once, in order


def test_answers_and_rsvps_are_erased_with_the_parent(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    settings = _invitation(app)
    at(clock, datetime(2026, 9, 7, 8, 5, tzinfo=UTC))
    run_job(app, settings)
    prompt = _prompt(app, "library-w2")
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        assert anna is not None
        prompts.record_rsvp(session, prompt, anna, "yes", clock)
        prompts.record_answer(session, prompt, anna, clock, "Leuk!", Media("voice", "v1"))
    chat.say("anna: /stop")
    chat.say("anna: Yes, stop")
    assert chat.say("anna: Yes, erase all") == ["Done. I erased all your data. Goodbye!"]
    with app.session_factory() as session:
        assert people.find(session, "console", "anna") is None
        assert session.scalar(select(func.count()).select_from(PromptAnswer)) == 0
        assert session.scalar(select(func.count()).select_from(Rsvp)) == 0
        assert session.get(Prompt, prompt.id) is not None  # the prompt itself stays


def test_answers_are_forgotten_after_the_retention_period(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    chat.onboard("anna")
    settings = with_programme(app, item("share", kind="question", texts={"nl": "Hoe ging het?"}))
    at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC))
    run_job(app, settings)
    prompt = _prompt(app, "share-w1")
    with app.session_factory.begin() as session:
        anna = people.find(session, "console", "anna")
        assert anna is not None
        prompts.record_answer(session, prompt, anna, clock, "Goed!", Media("photo", "p1"))

    def answers_after(days: int) -> int:
        at(clock, datetime(2026, 9, 2, 8, 5, tzinfo=UTC) + timedelta(days=days))
        with app.session_factory() as session:
            forgotten = housekeeping.run(session, clock, settings, app.translator)
            assert set(forgotten) >= {"answers to prompts", "sent messages"}
            return int(session.scalar(select(func.count()).select_from(PromptAnswer)) or 0)

    days = settings.prompts.answer_retention_days
    assert days == 90  # the default
    assert answers_after(days - 1) == 1
    assert answers_after(days + 1) == 0
    with app.session_factory() as session:
        assert session.get(Prompt, prompt.id) is not None  # the prompt itself stays


# -- the shipped programme and directory ---------------------------------------------------------
def test_the_shipped_programme_and_directory_load() -> None:
    programme = load_programme(DEFAULT_PROGRAMME)
    kinds = {item.kind for item in programme.items}
    assert kinds == {"tip", "question", "invitation", "support"}
    assert programme.max_per_week == 3
    names = {entry.name for entry in load_support(DEFAULT_SUPPORT)}
    assert {"Stichting Leergeld", "Tolkentelefoon", "Bibliotheek"} <= names
    assert any("JGZ" in name for name in names)


def test_shipped_texts_follow_the_plain_language_rules() -> None:
    texts = [t for i in load_programme(DEFAULT_PROGRAMME).items for t in i.texts.values()]
    texts += [t for e in load_support(DEFAULT_SUPPORT) for t in e.texts.values()]
    for text in texts:
        for sentence in re.split(r"(?<=[.!?:])\s+", text):
            assert len(sentence.split()) <= 15, sentence
        assert not re.search(r"\b(twee|drie|vier|vijf|tien|two|three|four|five|ten)\b", text, re.I)


def test_a_programme_with_too_many_prompts_in_a_week_is_refused(tmp_path: Path) -> None:
    lines = ["start = 2026-08-31"]
    for n in range(4):
        lines += ["[[item]]", f'key = "tip-{n}"', 'kind = "tip"', "weeks = [2]",
                  'text.nl = "Lees samen."']  # fmt: skip
    path = tmp_path / "programme.toml"
    path.write_text("\n".join(lines))
    with pytest.raises(ConfigError, match="week 2 has more than 3 prompts"):
        load_programme(path)


def test_a_programme_without_a_dutch_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "programme.toml"
    path.write_text('start = 2026-08-31\n[[item]]\nkey = "x"\nkind = "tip"\nweeks = [1]\n'
                    'text.en = "Read."\n')  # fmt: skip
    with pytest.raises(ConfigError, match="Dutch"):
        load_programme(path)


def test_prompt_settings_come_from_the_config_file(tmp_path: Path) -> None:
    from config import load_settings

    config = tmp_path / "ouderkring.toml"
    arnhem = Path(__file__).resolve().parents[2] / "config/demo/arnhem.toml"
    config.write_text(
        f'communities = ["{arnhem}"]\n[prompts]\nquiet_hours = "22:00-07:30"\n'
        'timezone = "Europe/Brussels"\n'
    )
    loaded = load_settings(config, environ={}).prompts
    assert isinstance(loaded, PromptSettings)
    assert (loaded.quiet_start, loaded.quiet_end) == (time(22, 0), time(7, 30))
    assert loaded.timezone == "Europe/Brussels"
    config.write_text(f'communities = ["{arnhem}"]\n[prompts]\nquiet_hours = "late"\n')
    with pytest.raises(ConfigError, match="quiet_hours"):
        load_settings(config, environ={})


def test_the_plain_language_check_names_what_to_change() -> None:
    from community.services import plain

    assert plain.check("Kom op dinsdag om 10:00. Neem uw kind mee.", "nl") == []
    assert plain.check("U kunt overwegen om met drie kinderen te komen.", "nl") == [
        "number_words",
        "indirect",
    ]
    assert plain.check("Het VVE-programma begint.", "nl") == ["abbreviation"]
    assert plain.check("Het programma voor voorschoolse educatie (VVE) begint.", "nl") == []
    assert plain.check(" ".join(["woord"] * 16) + ".", "en") == ["long_sentence"]
    assert plain.check("Ouderbetrokkenheidsbijeenkomst vandaag.", "nl") == ["long_word"]


def _noop_job() -> None:  # a module-level function, as APScheduler stores jobs by reference
    pass


def test_the_prompts_job_registers_once_with_a_fixed_id_and_runs_twice_as_once(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler()
    scheduler.start(paused=True)
    try:
        prompts.register_jobs(scheduler, _noop_job)
        prompts.register_jobs(scheduler, _noop_job)  # a restart replaces it
        assert [job.id for job in scheduler.get_jobs()] == [prompts.PROMPTS_JOB_ID]
    finally:
        scheduler.shutdown(wait=False)
    chat.onboard("anna", ages=("1",))
    # Week 2, Tuesday 8 September 10:00, a tip for every parent; the next one is not due yet.
    settings = with_programme(app, item("talk", weeks=(2,), day="tue"), item("later", weeks=(3,)))
    at(clock, datetime(2026, 9, 8, 8, 5, tzinfo=UTC))
    assert prompts.run_due_jobs(app.session_factory, app.translator, clock, settings) == 1
    assert prompts.run_due_jobs(app.session_factory, app.translator, clock, settings) == 0


def test_the_prompts_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import prompts as bench

    assert bench.main(["--parents", "40", "--no-postgres"]) == 0
    assert "due prompts: 80 rows" in capsys.readouterr().out


def test_programme_media_must_be_a_photo_video_or_voice_note_on_https(tmp_path: Path) -> None:
    path = tmp_path / "programme.toml"
    head = 'start = 2026-08-31\n[[item]]\nkey = "x"\nkind = "tip"\nweeks = [1]\ntext.nl = "Kijk."\n'
    path.write_text(head + 'media = { kind = "video", ref = "https://example.org/a.mp4" }\n')
    assert load_programme(path).items[0].media == {
        "kind": "video",
        "ref": "https://example.org/a.mp4",
    }
    path.write_text(head + 'media = { kind = "video", ref = "http://example.org/a.mp4" }\n')
    with pytest.raises(ConfigError, match="media"):
        load_programme(path)


def test_each_room_gets_the_route_map_pinned_once_a_week(
    chat: Chat, app: App, clock: FakeClock, transport: RecordingTransport
) -> None:
    from community.actions import PinMessage
    from community.services import rooms

    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        rooms.link(session, community, "console", "@tips", clock, purpose="tips")
    settings = with_programme(app, item("read", weeks=(2,), day="tue"))
    post = prompts.post_route_maps
    at(clock, datetime(2026, 9, 6, 9, 0, tzinfo=UTC))  # a Sunday: not yet
    assert post(app.session_factory, app.translator, clock, settings) == 0
    at(clock, datetime(2026, 9, 7, 7, 30, tzinfo=UTC))  # Monday 09:30 Amsterdam
    assert post(app.session_factory, app.translator, clock, settings) == 2  # the map and its pin
    assert post(app.session_factory, app.translator, clock, settings) == 0
    deliver(app)
    done = [d for d in transport.done if d.chat_id == "@tips"]
    assert isinstance(done[0].action, SendMessage) and isinstance(done[1].action, PinMessage)
    assert done[0].action.text == (
        "Je routekaart: wanneer je van ons hoort, en waar je hulp vindt.\n"
        "Je krijgt hooguit 3 korte berichten per week. Nooit tussen 21:00 en 08:00.\n\n"
        "Binnenkort:\n- dinsdag 8 september, 10:00: een tip\n\n"
        "Hulp in de buurt: /support. Je gegevens: /mydata."
    )
    assert done[1].action.message.outbox_id == done[0].outbox_id
    # The schedule changes (a professional plans a coffee morning): the pinned map follows.
    with app.session_factory.begin() as session:
        community = session.scalars(select(Community)).one()
        prompts.create_prompt(
            session, community, "invitation", {"nl": "Koffieochtend"},
            datetime(2026, 9, 9, 8, 0, tzinfo=UTC), clock,
            event_at=datetime(2026, 9, 10, 7, 0, tzinfo=UTC), place="School",
        )  # fmt: skip
    at(clock, datetime(2026, 9, 7, 8, 0, tzinfo=UTC))
    assert post(app.session_factory, app.translator, clock, settings) == 1  # one edit
    assert post(app.session_factory, app.translator, clock, settings) == 0  # nothing new
    deliver(app)
    edit = [d for d in transport.done if d.chat_id == "@tips"][-1]
    assert (
        isinstance(edit.action, EditMessage)
        and edit.target_remote_id == f"remote-{done[0].outbox_id}"
    )
    assert "- woensdag 9 september, 10:00: een uitnodiging" in edit.action.text
    assert "- dinsdag 8 september, 10:00: een tip" in edit.action.text
