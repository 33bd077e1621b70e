"""The whole bot on Telegram: the real engine, database and outbox, the real adapter and
python-telegram-bot, and the fake Bot API on loopback. Onboarding runs on SQLite and
PostgreSQL; the other scenarios on SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from sqlalchemy import select

from bot.telegram.adapter import TelegramAdapter, make_bot
from community.actions import SendMessage
from community.i18n import SHIPPED_LOCALES
from community.models import OutboxMessage, OutboxStatus, Person, Role
from community.services import communities, outbox
from tests.support.fake_telegram import FakeTelegram
from tests.support.telegram_harness import TelegramBot, is_language_question

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
GROUP = -1001234
PARENT = 7


@pytest.fixture
async def tg(fake: FakeTelegram, settings, clock):  # type: ignore[no-untyped-def]
    bot = TelegramBot(fake, settings, clock)
    await bot.start()
    yield bot
    await bot.close()


def person(tg: TelegramBot, user: int) -> Person | None:
    with tg.app.session_factory() as session:
        found = session.scalar(select(Person).where(Person.platform_user_id == str(user)))
        if found is not None:
            _ = found.profile
        return found


async def onboard(tg: TelegramBot, user: int) -> None:
    """A parent through onboarding with buttons (English, consent, postcode, ages, ...)."""
    await tg.say(user, "/start ARNHEM")
    await tg.press(user, "English")
    await tg.press(user, "Yes, that is OK")
    await tg.say(user, "6825 AB")
    await tg.press(user, "0-2 years")
    await tg.press(user, "Done")
    await tg.press(user, tg.labels(user)[0])  # a home language
    await tg.press(user, "Done")
    await tg.press(user, tg.labels(user)[0])  # buddy: yes


async def test_onboarding_with_inline_keyboards(tg: TelegramBot, fake: FakeTelegram) -> None:
    assert is_language_question(await tg.say(PARENT, "/start ARNHEM"))
    assert tg.labels(PARENT)[:2] == ["🌐 Nederlands", "🌐 English"]  # each in its own name
    language_question = fake.last(PARENT)

    said = await tg.press(PARENT, "English")
    assert said[0] == "Welcome to Ouderkring Arnhem!"
    # The tap was acknowledged, and the keyboard it was on cannot be pressed again.
    assert len(fake.answered) == 1
    assert fake.messages[(PARENT, language_question.message_id)].buttons() == []

    assert await tg.press(PARENT, "Yes, that is OK") == [
        "What is your postcode? For example: 6825 AB"
    ]
    said = await tg.say(PARENT, "6825 AB")
    assert said[0] == "Thank you. You live in Presikhaaf-Oost."
    ages = fake.last(PARENT)
    assert await tg.press(PARENT, "0-2 years") == []  # ticked in place: the message is edited
    assert fake.messages[(PARENT, ages.message_id)].buttons()[0]["text"].startswith("🧒 \u2713")
    await tg.press(PARENT, "4-6 years")
    await tg.press(PARENT, "Done")
    await tg.press(PARENT, tg.labels(PARENT)[0])
    await tg.press(PARENT, "Done")
    said = await tg.press(PARENT, tg.labels(PARENT)[0])
    assert said[0].startswith("Done!") and "Ouderkring Arnhem" in said[0]

    stored = person(tg, PARENT)
    assert stored is not None and stored.role is Role.PARENT and stored.locale == "en"
    assert stored.profile is not None and stored.profile.age_bands == ["0-2", "4-6"]
    assert stored.profile.completed_at is not None
    # Every tap answered exactly once; no buttons left to press on earlier questions.
    assert len(fake.answered) == len(fake.calls_of("answerCallbackQuery"))
    assert all(not m.buttons() for m in fake.sent_to(PARENT))
    # The parent's command menu, in the language they chose.
    menu = fake.menu({"type": "chat", "chat_id": PARENT}, "")
    assert "profile" in menu and "code" not in menu


@SQLITE
async def test_a_double_tapped_button_counts_once(tg: TelegramBot, fake: FakeTelegram) -> None:
    await tg.say(PARENT, "/start ARNHEM")
    first = fake.press_label(PARENT, "English")
    second = fake.press_label(PARENT, "English")  # before the bot took the keyboard away
    await tg.settle(max(first, second))
    texts = fake.sent_texts(PARENT)
    assert texts.count("Welcome to Ouderkring Arnhem!") == 1
    assert len(fake.answered) == 2  # both taps acknowledged
    assert tg.labels(PARENT) == ["✅ Yes, that is OK", "❌ No"]  # the consent question, once


@SQLITE
async def test_a_press_on_a_button_of_an_old_message(tg: TelegramBot, fake: FakeTelegram) -> None:
    await tg.say(PARENT, "/start ARNHEM")
    await tg.press(PARENT, "English")
    consent = fake.last(PARENT)
    no_data = next(b["callback_data"] for b in consent.buttons() if b["text"] == "❌ No")
    await tg.press(PARENT, "Yes, that is OK")
    # An old keyboard still on the phone (e.g. a second device): press "No" on it now.
    before = len(fake.sent_to(PARENT))
    await tg.settle(fake.press(PARENT, consent.message_id, no_data))
    said = [m.text for m in fake.sent_to(PARENT)[before:]]
    # A closed question says so, and asks the open one again.
    assert said == ["That question is closed.", "What is your postcode? For example: 6825 AB"]
    stored = person(tg, PARENT)
    assert stored is not None and stored.profile is not None and stored.profile.consent_at


@SQLITE
async def test_photo_and_voice_note_are_kept_as_file_ids(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    seen = []
    handle = tg.adapter.handle

    async def spy(incoming):  # type: ignore[no-untyped-def]
        seen.append(incoming)
        return await handle(incoming)

    tg.adapter.handle = spy
    await onboard(tg, PARENT)
    photo = await tg.feed(fake.photo(PARENT, "AgACAgQAAxkBAAIBOWZ", caption=None), PARENT)
    voice = await tg.feed(fake.voice(PARENT, "AwACAgQAAxkBAAIBQGZ"), PARENT)
    assert len(photo) == 1 and len(voice) == 1  # a short answer each, no error
    media = [m for i in seen for m in i.media]
    assert [(m.kind, m.ref) for m in media] == [
        ("photo", "AgACAgQAAxkBAAIBOWZ"),
        ("voice", "AwACAgQAAxkBAAIBQGZ"),
    ]
    assert not fake.calls_of("getFile")  # nothing downloaded


async def make_coordinator(tg: TelegramBot, user: int) -> None:
    from community.services import role_codes

    with tg.app.session_factory.begin() as session:
        community = communities.all_communities(session)[0]
        code = role_codes.create(session, community, Role.COORDINATOR, tg.clock, 14)
    await tg.say(user, f"/start {code}")
    await tg.press(user, "English")
    stored = person(tg, user)
    assert stored is not None and stored.role is Role.COORDINATOR


@SQLITE
async def test_a_coordinator_links_a_group_and_join_requests_are_decided(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    coordinator = 555
    await make_coordinator(tg, coordinator)
    # The coordinator is only a member of the group: Telegram says so, the group stays unlinked
    said = await tg.say(coordinator, "/linkgroup@ouderkring_test_bot", chat=GROUP)
    assert said == ["Only an admin of this group can link it. Make yourself an admin here first."]
    asked = fake.calls_of("getChatMember")
    assert [(c.params["chat_id"], c.params["user_id"]) for c in asked] == [(GROUP, coordinator)]
    assert not fake.calls_of("pinChatMessage")
    await tg.settle(fake.join_request(GROUP, 97, language="en"))
    assert not fake.calls_of("declineChatJoinRequest")  # not one of ours: the bot stays out
    # The coordinator made the group and the bot its admin; now, in the group:
    fake.member_status[(GROUP, coordinator)] = "creator"
    said = await tg.say(coordinator, "/linkgroup@ouderkring_test_bot", chat=GROUP)
    rules = next(m for m in fake.sent_to(GROUP) if m.pinned)
    assert rules.text and rules.text.startswith("Welkom!")  # in the community's language
    assert any(t.startswith("This group now belongs to Ouderkring Arnhem.") for t in said)
    assert fake.calls_of("pinChatMessage")[0].params["disable_notification"] is True

    await onboard(tg, PARENT)
    await tg.settle(fake.join_request(GROUP, PARENT, language="en"))
    assert [c.params["user_id"] for c in fake.calls_of("approveChatJoinRequest")] == [PARENT]
    assert PARENT in fake.members[GROUP]

    stranger = 99  # never started the bot
    await tg.settle(fake.join_request(GROUP, stranger, language="en"))
    assert [c.params["user_id"] for c in fake.calls_of("declineChatJoinRequest")] == [stranger]
    assert fake.sent_texts(stranger), "the stranger is told in private how to start"

    halfway = 98  # started, but did not finish onboarding
    await tg.say(halfway, "/start ARNHEM")
    await tg.settle(fake.join_request(GROUP, halfway, language="en"))
    assert [c.params["user_id"] for c in fake.calls_of("declineChatJoinRequest")] == [
        stranger,
        halfway,
    ]

    in_group = len(fake.sent_to(GROUP))
    before_private = len(fake.sent_to(PARENT))
    await tg.settle(fake.member_update(GROUP, PARENT, "left", "member"))
    assert len(fake.sent_to(PARENT)) == before_private + 1  # a welcome in private
    assert len(fake.sent_to(GROUP)) == in_group + 1  # one line in the group

    # Someone added without asking (they never joined through the bot) is removed again and
    # told in private how to start; a group message of someone who never joined is not
    # relayed and gets them the same private message, once.
    await tg.settle(fake.member_update(GROUP, 96, "left", "member"))
    assert [c.params["user_id"] for c in fake.calls_of("banChatMember")] == [96]
    assert [c.params["user_id"] for c in fake.calls_of("unbanChatMember")] == [96]
    assert fake.sent_texts(96)[-1].startswith("Deze groep is voor ouders van Ouderkring Arnhem.")
    in_group = len(fake.sent_to(GROUP))
    for text in ("Hallo!", "Hallo?"):
        update, _ = fake.group_message(GROUP, 95, text, "Eva")
        await tg.settle(update)
    assert len(fake.sent_texts(95)) == 1 and "/start" in fake.sent_texts(95)[0]
    assert len(fake.sent_to(GROUP)) == in_group  # the bot said nothing in the group


@SQLITE
async def test_429_then_success(tg: TelegramBot, fake: FakeTelegram, clock) -> None:  # type: ignore[no-untyped-def]
    fake.fail_with_429(1, retry_after=1)
    assert await tg.say(PARENT, "/start ARNHEM") == []  # Telegram said: wait
    with tg.app.session_factory() as session:
        row = session.scalar(select(OutboxMessage))
        assert row is not None and row.status is OutboxStatus.PENDING and row.sent_at is None
    clock.advance(seconds=2)
    await asyncio.sleep(1.05)  # the flood limiter's pause of the chat runs on the real clock
    await tg.app.dispatcher.dispatch_due()
    assert is_language_question(fake.sent_texts(PARENT))
    assert fake.rate_limited == 1


@SQLITE
async def test_403_marks_the_parent_unreachable(tg: TelegramBot, fake: FakeTelegram, clock) -> None:  # type: ignore[no-untyped-def]
    await onboard(tg, PARENT)
    fake.block(PARENT)
    stored = person(tg, PARENT)
    assert stored is not None
    with tg.app.session_factory.begin() as session:
        outbox.enqueue(
            session,
            [outbox.Outgoing("telegram", str(PARENT), SendMessage("Tip"), person_id=stored.id)],
            clock,
        )
    await tg.app.dispatcher.dispatch_due()
    attempts = len(fake.calls_of("sendMessage"))
    clock.advance(hours=1)
    await tg.app.dispatcher.dispatch_due()
    assert len(fake.calls_of("sendMessage")) == attempts  # not tried again
    blocked = person(tg, PARENT)
    assert blocked is not None and blocked.unreachable_at is not None
    with tg.app.session_factory() as session:
        row = session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        assert row is not None and row.status is OutboxStatus.DEAD


class Crash(BaseException):
    pass


@SQLITE
async def test_restart_in_the_middle_of_a_batch_handles_no_update_twice(
    tg: TelegramBot, fake: FakeTelegram
) -> None:
    await tg.stop_polling()  # queue a batch while the bot is down
    users = [101, 102, 103, 104, 105, 106]
    for user in users:
        fake.message(user, "/start ARNHEM", language="en")
    handled = 0
    process = tg.app.process

    async def dies_after_three(incoming):  # type: ignore[no-untyped-def]
        nonlocal handled
        result = await process(incoming)
        handled += 1
        if handled == 3:
            raise Crash  # the process dies right after the third update's commit
        return result

    crashing = TelegramAdapter(make_bot(tg.options), dies_after_three, tg.options)
    await crashing.start()
    with contextlib.suppress(Crash):
        await crashing.poll(asyncio.Event())
    await crashing.stop()
    assert fake.pending_updates == 6  # nothing confirmed

    fresh = TelegramAdapter(make_bot(tg.options), process, tg.options)
    await tg.start(fresh)
    await fake.wait_confirmed()
    await tg.settle(fake.confirmed_offset - 1)
    for user in users:
        assert is_language_question(fake.sent_texts(user)), user


@SQLITE
async def test_group_command_with_the_bot_name(tg: TelegramBot, fake: FakeTelegram) -> None:
    said = await tg.say(PARENT, "/help@ouderkring_test_bot", chat=GROUP)
    assert len(said) == 1  # "write to me in private"
    assert await tg.say(PARENT, "/help@SomeOtherBot", chat=GROUP) == []
    assert await tg.say(PARENT, "hallo allemaal", chat=GROUP) == []  # the bot stays quiet


@SQLITE
async def test_command_menus_per_language_and_role(tg: TelegramBot, fake: FakeTelegram) -> None:
    for language in ("", *SHIPPED_LOCALES):
        private = fake.menu({"type": "all_private_chats"}, language)
        assert "profile" in private and "code" not in private
        assert "rules" in private and "report" not in private
        everyone = ["start", "help", "report", "rules"]
        assert fake.menu({"type": "all_group_chats"}, language) == everyone
        admins = fake.menu({"type": "all_chat_administrators"}, language)
        assert admins == [*everyone, "linkgroup", "relay", "delete"]
    dutch = fake.commands[('{"type": "all_private_chats"}', "nl")]
    english = fake.commands[('{"type": "all_private_chats"}', "en")]
    assert dutch != english  # descriptions in each language
    # Someone who becomes coordinator (a one-time code with /start) gets the coordinator's
    # commands in their own private chat.
    from community.services import role_codes

    with tg.app.session_factory.begin() as session:
        community = communities.all_communities(session)[0]
        code = role_codes.create(session, community, Role.COORDINATOR, tg.clock, 14)
    await tg.say(555, f"/start {code}")
    await tg.press(555, "Nederlands")
    stored = person(tg, 555)
    assert stored is not None and stored.role is Role.COORDINATOR
    coordinator = fake.menu({"type": "chat", "chat_id": 555}, "")
    assert "code" in coordinator and "community" in coordinator
    assert "linkgroup" not in coordinator  # typed in a group: in the group admins' menu
    dutch_help = dict((c["command"], c["description"]) for c in dutch)["help"]
    chat_help = {
        c["command"]: c["description"]
        for c in fake.commands[('{"chat_id": 555, "type": "chat"}', "")]
    }["help"]
    assert chat_help == dutch_help  # in the language they chose


@SQLITE
async def test_webhook_mode_end_to_end(fake: FakeTelegram, settings, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.bot.telegram.test_adapter import free_port

    port = free_port()
    bot = TelegramBot(
        fake,
        settings,
        clock,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/tg",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret="geheim_123",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(
        bot.adapter.run(stop, background=lambda s: bot.app.dispatcher.run(interval=0.05, stop=s))
    )
    try:
        await fake.wait_until(lambda: fake.webhook is not None, what="setWebhook")
        fake.message(PARENT, "/start ARNHEM", language="en")
        await fake.wait_until(lambda: bool(fake.sent_texts(PARENT)), what="the answer")
        assert is_language_question(fake.sent_texts(PARENT))
        await fake.wait_until(lambda: fake.webhook_responses == [200], what="200 to Telegram")
        assert fake.pending_updates == 0
    finally:
        stop.set()
        await task
        bot.app.close()


@SQLITE
async def test_room_rules_are_sent_and_pinned_through_the_outbox(
    tg: TelegramBot, fake: FakeTelegram, clock
) -> None:  # type: ignore[no-untyped-def]
    """What linking a group queues (rules, then a pin of the rules by outbox id, then a
    personal invite link for the coordinator) carried out in order on Telegram."""
    from community.actions import InviteMember, PinMessage, Target

    rules = "Regels: respect voor elkaar, geen reclame, deel niets over andermans kind."
    with tg.app.session_factory.begin() as session:
        outbox.enqueue(
            session, [outbox.Outgoing("telegram", str(GROUP), SendMessage(rules))], clock
        )
    with tg.app.session_factory.begin() as session:
        rules_row = session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
        assert rules_row is not None
        outbox.enqueue(
            session,
            [
                outbox.Outgoing("telegram", str(GROUP), PinMessage(Target(outbox_id=rules_row))),
                outbox.Outgoing("telegram", str(GROUP), InviteMember("555")),
            ],
            clock,
        )
    await tg.app.dispatcher.dispatch_due()
    pinned = fake.last(GROUP)
    assert pinned.text == rules and pinned.pinned
    link = fake.invite_links[-1]
    assert link["creates_join_request"] and fake.sent_texts(555) == [link["invite_link"]]


@SQLITE
async def test_a_full_group_waits_without_holding_up_private_chats(
    fake: FakeTelegram, settings, clock
) -> None:  # type: ignore[no-untyped-def]
    """20 a minute per group: the 21st message to a group is sent a minute later, not lost,
    and messages to parents go on meanwhile. (Small limits: 3 a minute.)"""
    from bot.telegram.limiter import FloodLimits
    from bot.telegram.run import build
    from tests.bot.telegram.conftest import options_for

    later = [0.0]  # the limiter's clock runs this much ahead of the real one
    options = options_for(fake, limits=FloodLimits(overall=1000, group=3))
    app, adapter = build(settings, options, clock=clock, migrate=True)
    adapter.bot = adapter.transport.bot = make_bot(options, lambda: time.monotonic() + later[0])
    await adapter.bot.initialize()
    try:
        with app.session_factory.begin() as session:
            items = [
                outbox.Outgoing("telegram", str(GROUP), SendMessage(f"bericht {n}"))
                for n in range(5)
            ]
            items.append(outbox.Outgoing("telegram", str(PARENT), SendMessage("Tip")))
            outbox.enqueue_all(session, items, clock)
        await app.dispatcher.dispatch_due()
        assert fake.sent_texts(GROUP) == ["bericht 0", "bericht 1", "bericht 2"]
        assert fake.sent_texts(PARENT) == ["Tip"]  # not held up by the group
        later[0] += 61
        clock.advance(seconds=61)
        await app.dispatcher.dispatch_due()
        assert fake.sent_texts(GROUP) == [f"bericht {n}" for n in range(5)]
        assert fake.rate_limited == 0  # the limiter waited; Telegram never had to say 429
    finally:
        await adapter.bot.shutdown()
        app.close()
