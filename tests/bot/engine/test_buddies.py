"""Buddy rounds through the console: a coordinator's proposals and decisions, the first names,
the introduction, messages through the bot, the follow-up two weeks later, ending and pausing,
rejection and a new round that avoids the rejected pair, erasure."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import App
from bot.engine.buttons import action_button
from bot.engine.media import decode_data_url
from bot.engine.types import Incoming
from community.buttons import ActionData, decode
from community.clock import FakeClock
from community.models import BuddyPair, BuddyProfile, Community, PairStatus, Person
from community.services import buddies
from tests.support.chat import Chat, Sent
from tests.support.statements import recorded

GLANCE = "This round at a glance. Has a buddy: {}. Proposed: {}. No buddy yet: {}."
# Two parents with Arabic at home are introduced each in the language they chose (English here).
INTRO = "en"


def _coordinator(chat: Chat, user: str = "bram") -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    said = chat.say("admin: coordinator")
    code = next(text for text in said if text.startswith("/start ")).split()[1]
    chat.say(f"{user}: /start {code}")
    chat.say(f"{user}: English")


def _to(sent: list[Sent], user: str) -> list[str]:
    return [m.text for m in sent if m.chat_id == user]


def _pairs(app: App) -> list[tuple[int, int, PairStatus]]:
    with app.session_factory() as session:
        rows = session.scalars(select(BuddyPair).order_by(BuddyPair.id))
        return [(p.a_id, p.b_id, p.status) for p in rows]


def _person_id(app: App, user: str) -> int:
    with app.session_factory() as session:
        found = session.scalar(select(Person.id).where(Person.platform_user_id == user))
        assert found is not None
        return found


def _follow_ups(chat: Chat, clock: FakeClock) -> list[Sent]:
    app = chat.app
    queued = buddies.send_due_follow_ups(app.session_factory, app.translator, clock)
    assert buddies.send_due_follow_ups(app.session_factory, app.translator, clock) == 0
    before = len(chat.transport.done)
    asyncio.run(app.dispatcher.dispatch_due())
    sent = [Sent(d) for d in chat.transport.done[before:]]
    assert len(sent) == queued
    return sent


def _introduce(chat: Chat) -> Sent:
    """anna and bilal (both Arabic at home, both in Presikhaaf) become buddies."""
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    proposal = chat.messages("bram: /match")[-1]
    approved = chat.press("bram", proposal, "Approve")
    assert _to(approved, "anna") == [
        "Good news! We found a buddy for you.",
        "Which first name may I give your buddy? Just type it. A nickname is fine too.",
    ]
    chat.say("anna: Anna")
    chat.say("bilal: bilal")
    return proposal


def test_a_whole_round_approval_introduction_relay_and_follow_up(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    not_allowed = ["That command is not for you. Send /help for your commands."]
    assert chat.say("anna: /match") == not_allowed

    sent = chat.messages("bram: /match")
    assert [m.chat_id for m in sent] == ["bram", "bram", "bram"]  # nothing reaches a parent yet
    assert sent[0].text == "New buddy round. Parents get nothing before you approve."
    assert sent[1].text == GLANCE.format(0, 2, 0)  # the round's picture
    proposal = sent[-1]
    assert proposal.text.splitlines()[0] == "Buddy proposals to check: 1. The next one:"
    assert "Both speak Arabic." in proposal.text
    assert "Both have a child of 0-2 years." in proposal.text
    assert [b.label for b in proposal.choices] == ["Approve", "Reject", "Skip", "Approve all"]
    assert all(len(b.data.encode()) <= 64 for b in proposal.choices)
    assert _pairs(app)[0][2] is PairStatus.PROPOSED

    # A parent cannot press a coordinator's button, even with its data.
    assert [m.text for m in chat.press("anna", proposal, "Approve")] == not_allowed
    assert _pairs(app)[0][2] is PairStatus.PROPOSED

    approved = chat.press("bram", proposal, "Approve")
    assert _to(approved, "bram") == [
        "Approved. I will introduce them to each other.",
        "No more proposals to check. /rounds shows how the pairs are doing.",
    ]
    assert _to(approved, "bilal")[0] == "Good news! We found a buddy for you."
    assert chat.say("anna: 06-12345678") == ["Please type only a first name. For example: Fatima."]
    # Pressed again days later: already decided, nothing happens twice.
    clock.advance(days=3)
    again = chat.press("bram", proposal, "Approve")
    assert _to(again, "bram")[0] == "This proposal was already decided."
    assert not _to(again, "anna")
    # The first-name question waited 48 hours (`[buddies] answer_hours`): /buddy asks again.
    assert chat.say("anna: /buddy")[-1].startswith("Which first name may I give your buddy?")
    said = chat.messages("anna: anna")
    assert _to(said, "anna") == [
        "Thank you, Anna!",
        "Your buddy has not answered yet. I will introduce you soon.",
    ]
    chat.say("bilal: /buddy")
    intro = chat.messages("bilal: Bilal")
    to_anna, to_bilal = _to(intro, "anna"), _to(intro, "bilal")
    assert to_bilal[0] == "Thank you, Bilal!"
    # Both speak Arabic at home but chose English: the introduction is in English.
    t = app.translator.t
    assert to_anna[0] == t(INTRO, "buddy.intro.hello", name="Bilal")
    assert to_bilal[1] == t(INTRO, "buddy.intro.hello", name="Anna")
    assert "06-12345678" not in " ".join(to_anna + to_bilal)
    # Only the first name each chose to give: the consent said the answers stay with the bot.
    for answer in ("Presikhaaf", "6825", t(INTRO, "age.0_2"), "0-2"):
        assert answer not in " ".join(to_anna + to_bilal)

    relayed = chat.messages("anna: /buddy Hello Bilal! Coffee on Tuesday?")
    assert _to(relayed, "bilal") == [
        "Message from your buddy Anna:\nHello Bilal! Coffee on Tuesday?"
    ]
    assert _to(relayed, "anna") == ["Sent to Bilal."]

    # Not yet two weeks: no follow-up.
    clock.advance(days=10)
    assert buddies.send_due_follow_ups(app.session_factory, app.translator, clock) == 0
    clock.advance(days=4)
    asked = _follow_ups(chat, clock)
    assert sorted(m.chat_id for m in asked) == ["anna", "bilal"]
    ask_anna = next(m for m in asked if m.chat_id == "anna")
    assert ask_anna.text == "Hello! Did you meet Bilal?"
    assert [b.label for b in ask_anna.choices] == ["Yes, we met", "Not yet", "I want another buddy"]
    sent = decode(ask_anna.choices[0].data)
    assert isinstance(sent, ActionData) and sent.signature is not None  # bound to anna
    pair_id = int(sent.args[0])
    assert sent.unsigned == action_button("x", buddies.FOLLOW_UP_ACTION, pair_id, "met").data
    assert [m.text for m in chat.press("anna", ask_anna, "Yes, we met")] == [
        "How nice! Thank you for telling me."
    ]
    report = chat.say("bram: /rounds")[0].splitlines()
    assert report[0] == "Buddy rounds of Ouderkring Arnhem:"
    assert report[1].endswith(": 1 proposed, 1 made, 1 met, 0 ended.")


def test_the_follow_up_button_data_is_the_engines_own() -> None:
    assert (
        buddies.follow_up_data(12, "met")
        == action_button("Yes", buddies.FOLLOW_UP_ACTION, 12, "met").data
    )


def test_rejection_and_a_new_round_that_avoids_the_rejected_pair(chat: Chat, app: App) -> None:
    _coordinator(chat)
    for user in ("anna", "bilal", "carim"):
        chat.onboard(user)
    proposal = chat.messages("bram: /match")[-1]
    rejected = chat.press("bram", proposal, "Reject")
    assert _to(rejected, "bram") == [
        "Rejected. I will not propose this pair again.",
        "No more proposals to check. /rounds shows how the pairs are doing.",
    ]
    assert not [m for m in rejected if m.chat_id != "bram"]  # no parent hears of it
    (first,) = _pairs(app)
    assert first[2] is PairStatus.REJECTED

    proposal = chat.messages("bram: /match")[-1]
    assert proposal.text.startswith("Buddy proposals to check: 1.")
    second = _pairs(app)[1]
    assert {second[0], second[1]} != {first[0], first[1]}
    chat.press("bram", proposal, "Approve")
    third_round = chat.say("bram: /match")[:-1]  # without the picture's caption
    # The last parent could only be paired with the rejected partner or someone with a buddy.
    assert third_round == [
        "No new buddy pairs right now. Try again later.",
        "Parents without a proposal this round: 1.\n"
        "No free parent nearby speaks their language: 1.\n"
        "• Presikhaaf-Oost: Arabic\n"
        "What helps: a parent nearby with their language, or a wider limit.",
    ]


def test_skip_and_approve_all(chat: Chat, app: App) -> None:
    _coordinator(chat)
    for user in ("anna", "bilal", "carim", "dina"):
        chat.onboard(user)
    proposal = chat.messages("bram: /match")[-1]
    assert proposal.text.startswith("Buddy proposals to check: 2.")
    after = chat.press("bram", proposal, "Skip")
    assert _to(after, "bram")[0] == "Skipped. This pair may come back in a later round."
    nxt = [m for m in after if m.chat_id == "bram"][-1]
    done = chat.press("bram", nxt, "Approve all")
    assert _to(done, "bram")[0] == "Approved: 1. I will introduce them to each other."
    statuses = sorted(status.value for _, _, status in _pairs(app))
    assert statuses == ["approved", "skipped"]
    # The skipped pair may be proposed again in a later round.
    again = chat.messages("bram: /match")[-1]
    assert again.text.startswith("Buddy proposals to check: 1.")


def test_either_parent_ends_the_pair_without_blame_and_it_is_never_proposed_again(
    chat: Chat, app: App
) -> None:
    _introduce(chat)
    assert chat.last_choices("bilal: /buddy") == [
        "Write to Anna",
        "Swap contact details with Anna",
        "End my buddy pair",
        "Pause looking for a buddy",
        "Close",
    ]
    asked = chat.say("bilal: End my buddy pair")
    assert asked == ["Do you want to end your buddy pair? You do not need a reason."]
    ended = chat.messages("bilal: Yes, end it")
    assert _to(ended, "anna") == [
        "Your buddy pair has ended. That happens. We will look for a new buddy for you."
    ]
    assert _to(ended, "bilal")[0].startswith("Your buddy pair has ended.")
    assert _pairs(app)[0][2] is PairStatus.ENDED
    assert chat.say("anna: /buddy hello?") == [
        "You have no buddy yet. I will tell you when you have one."
    ]
    assert chat.say("bram: /match") == [
        "No new buddy pairs right now. Try again later.",
        "Parents without a proposal this round: 2.\n"
        "Only earlier or rejected pairs were possible: 2.\n"
        "• Presikhaaf-Oost: Arabic\n"
        "• Presikhaaf-Oost: Arabic\n"
        "What helps: new parents nearby with their language.",
        GLANCE.format(0, 0, 2),
    ]


def test_i_want_another_buddy_ends_the_pair(chat: Chat, app: App, clock: FakeClock) -> None:
    _introduce(chat)
    clock.advance(days=14)
    asked = _follow_ups(chat, clock)
    ask_bilal = next(m for m in asked if m.chat_id == "bilal")
    answer = chat.press("bilal", ask_bilal, "I want another buddy")
    assert _to(answer, "anna")[0].startswith("Your buddy pair has ended.")
    assert _pairs(app)[0][2] is PairStatus.ENDED
    late = chat.press("anna", next(m for m in asked if m.chat_id == "anna"), "Yes, we met")
    assert [m.text for m in late] == ["This buddy pair has already ended."]
    report = chat.say("bram: /rounds")[0].splitlines()
    assert report[1].endswith(": 1 proposed, 1 made, 0 met, 1 ended.")


def test_a_paused_parent_is_not_proposed(chat: Chat) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    assert chat.say("anna: /buddy")[0] == (
        "We are looking for a buddy for you. A coordinator checks first."
    )
    assert chat.say("anna: Pause looking for a buddy") == [
        "Paused. I will not look for a buddy for you now."
    ]
    # Both are left over, each with their own reason, in the coordinator's language.
    assert chat.say("bram: /match") == [
        "No new buddy pairs right now. Try again later.",
        "Parents without a proposal this round: 2.\n"
        "No free parent nearby speaks their language: 1.\n"
        "• Presikhaaf-Oost: Arabic\n"
        "What helps: a parent nearby with their language, or a wider limit.\n"
        "Paused looking for a buddy: 1.",
        GLANCE.format(0, 0, 1),  # the paused parent did not ask for one now
    ]
    chat.say("anna: /buddy")
    assert chat.say("anna: Look for a buddy again") == [
        "Good. I will look for a buddy for you again."
    ]
    assert chat.say("bram: /match")[0].startswith("New buddy round.")


def test_erasing_a_parent_erases_their_pairs_and_first_name(chat: Chat, app: App) -> None:
    _introduce(chat)
    anna = _person_id(app, "anna")
    chat.say("anna: /stop")
    stopped = chat.messages("anna: Yes, stop")
    assert _to(stopped, "bilal") == [
        "Your buddy pair has ended. That happens. We will look for a new buddy for you."
    ]
    chat.say("anna: Yes, erase all")
    with app.session_factory() as session:
        assert session.get(Person, anna) is None
        assert session.scalar(select(func.count()).select_from(BuddyPair)) == 0
        names = session.scalars(select(BuddyProfile.first_name)).all()
        assert names == ["Bilal"]


def test_first_names_are_only_names() -> None:
    assert buddies.clean_first_name("  fatima ") == "Fatima"
    assert buddies.clean_first_name("Anne-Marie") == "Anne-Marie"
    assert buddies.clean_first_name("محمد") == "محمد"
    assert buddies.clean_first_name("مُحَمَّد") == "مُحَمَّد"  # with vowel signs
    assert buddies.clean_first_name("ሰላም") == "ሰላም"  # Ge'ez script (Tigrinya)
    assert buddies.clean_first_name("o'brien") == "O'brien"
    assert buddies.clean_first_name("Anna Maria Sofia Lotte") is None
    for bad in ("06-12345678", "anna@example.org", "https://x.nl", "", "a" * 31, "Kerkstraat 12"):
        assert buddies.clean_first_name(bad) is None


def test_a_coordinator_on_the_console_answers_by_typing(chat: Chat, app: App) -> None:
    _coordinator(chat)
    for user in ("anna", "bilal", "carim", "dina"):
        chat.onboard(user)
    assert chat.last_choices("bram: /match") == ["Approve", "Reject", "Skip", "Approve all"]
    said = chat.say("bram: 2")
    assert said[0] == "Rejected. I will not propose this pair again."
    assert said[1].startswith("Buddy proposals to check: 1.")
    assert chat.say("bram: Approve")[:2] == [
        "Approved. I will introduce them to each other.",
        "No more proposals to check. /rounds shows how the pairs are doing.",
    ]
    # The round is done: a typed "1" answers the last proposal on screen, decided already.
    assert chat.say("bram: 1")[0] == "This proposal was already decided."
    assert sorted(status.value for _, _, status in _pairs(app)) == ["approved", "rejected"]


def test_a_proposal_whose_parent_paused_meanwhile_is_skipped(chat: Chat, app: App) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    proposal = chat.messages("bram: /match")[-1]
    chat.say("bilal: /buddy")
    chat.say("bilal: Pause looking for a buddy")
    after = chat.press("bram", proposal, "Approve")
    assert _to(after, "bram")[0] == "One of them no longer wants a buddy now. I skip this proposal."
    assert not _to(after, "anna") and not _to(after, "bilal")
    assert _pairs(app)[0][2] is PairStatus.SKIPPED


def test_mydata_shows_the_first_name_kept_for_the_buddy(chat: Chat) -> None:
    _introduce(chat)
    lines = "\n".join(chat.say("anna: /mydata")).splitlines()
    assert "Name for your buddy: Anna" in lines
    assert "Buddy pairs with you in them: 1" in lines
    assert "Looking for a buddy: paused" not in lines
    chat.say("anna: /buddy")
    chat.say("anna: Pause looking for a buddy")
    assert "Looking for a buddy: paused" in "\n".join(chat.say("anna: /mydata")).splitlines()


def test_a_parent_who_left_the_name_question_gets_it_again_with_buddy(chat: Chat) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.press("bram", chat.messages("bram: /match")[-1], "Approve")
    chat.say("anna: Anna")
    chat.say("bilal: /cancel")
    assert chat.say("bilal: /buddy") == [
        "Which first name may I give your buddy? Just type it. A nickname is fine too."
    ]
    intro = chat.messages("bilal: Bilal")
    assert _to(intro, "anna")[0] == chat.app.translator.t(INTRO, "buddy.intro.hello", name="Bilal")
    assert chat.say("anna: /buddy")[0] == (
        "Your buddy is Bilal. To write, send /buddy and your message."
    )


def test_an_admin_runs_a_round_of_the_only_community(chat: Chat) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.onboard("anna")
    chat.onboard("bilal")
    assert chat.say("admin: /rounds") == ["No buddy rounds yet. Start one with /match."]
    said = chat.say("admin: /match arnhem")
    assert said[0] == "New buddy round. Parents get nothing before you approve."
    assert chat.say("admin: /match utrecht") == [
        "Which community? Put one after the command: arnhem"
    ]


def test_forged_button_data_is_an_old_button(chat: Chat, app: App) -> None:
    _coordinator(chat)
    for data in ("a:buddy_ok:99999999999999", "a:buddy_ok:x", "a:buddy_ok", "a:buddy_met:1:met"):
        said = [m.text for m in chat.send(Incoming.button("console", "bram", "bram", data))]
        assert said in (
            ["That button no longer works."],
            ["That command is not for you. Send /help for your commands."],
        )


def test_the_round_lists_who_is_left_over_and_why_in_the_coordinators_language(
    chat: Chat,
) -> None:
    chat.say("admin: /start")
    chat.say("admin: English")
    chat.say("admin: /code")
    code = next(t for t in chat.say("admin: coordinator") if t.startswith("/start ")).split()[1]
    chat.say(f"bram: /start {code}")
    chat.say("bram: Nederlands")
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.onboard("tesfay", home=("6",))  # Tigrinya: nobody else speaks it
    chat.onboard("carla", buddy="2")  # no buddy, thank you
    said = chat.say("bram: /match")
    assert (
        said[2] == "Deze ronde in één beeld. Heeft een buddy: 0. Voorgesteld: 2. Nog geen buddy: 1."
    )
    del said[2]
    assert said[0] == "Nieuwe buddyronde. Ouders krijgen niets voordat jij goedkeurt."
    assert said[1] == (
        "Ouders zonder voorstel deze ronde: 2.\n"
        "Geen vrije ouder in de buurt spreekt hun taal: 1.\n"
        "• Presikhaaf-Oost: Tigrinya\n"
        "Dit helpt: een ouder in de buurt met hun taal, of een ruimere grens.\n"
        "Willen nu geen buddy: 1."
    )
    assert said[2].startswith("Buddyvoorstellen om te bekijken: 1.")
    # The round waits for a decision: /match again shows the same left-over, kept with the round.
    assert chat.say("bram: /match")[0] == said[1]


def test_a_big_left_over_is_counted_per_reason_with_a_few_examples(chat: Chat, app: App) -> None:
    from matching import LeftOver

    for user in ("anna", "bilal", "carim", "dina", "emre"):
        chat.onboard(user, home=("6",))
    ids = [_person_id(app, user) for user in ("anna", "bilal", "carim", "dina", "emre")]
    entries = [LeftOver(pid, "no_language_nearby") for pid in ids]
    entries += [LeftOver(ids[0], "paused"), LeftOver(ids[1], "waiting_for_approval")]
    with app.session_factory() as session:
        text = buddies.left_over_text(session, entries, app.translator, "en")
    assert text == (
        "Parents without a proposal this round: 7.\n"
        "No free parent nearby speaks their language: 5.\n"
        "• Presikhaaf-Oost: Tigrinya\n"
        "• Presikhaaf-Oost: Tigrinya\n"
        "• Presikhaaf-Oost: Tigrinya\n"
        "• And 2 more.\n"
        "What helps: a parent nearby with their language, or a wider limit.\n"
        "Already in a proposal that waits for approval: 1.\n"
        "What helps: decide on the proposals that wait.\n"
        "Paused looking for a buddy: 1."
    )
    with app.session_factory() as session:
        assert buddies.left_over_text(session, [], app.translator, "en") is None


def test_a_parent_may_say_no_before_the_introduction(chat: Chat, app: App) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    approved = chat.press("bram", chat.messages("bram: /match")[-1], "Approve")
    ask_bilal = [m for m in approved if m.chat_id == "bilal"][-1]
    assert [b.label for b in ask_bilal.choices] == ["No buddy for me now"]
    said = chat.press("bilal", ask_bilal, "No buddy for me now")
    assert _to(said, "bilal") == [
        "Fine. I will not look for a buddy for you now. Send /buddy to start again."
    ]
    assert _to(said, "anna") == [
        "Your buddy pair has ended. That happens. We will look for a new buddy for you."
    ]
    assert _pairs(app)[0][2] is PairStatus.ENDED
    # Anna, who had not answered yet, is not told to wait for an introduction that won't come.
    assert chat.say("anna: Anna") == ["Thank you, Anna!"]
    assert chat.say("bilal: /buddy")[0] == "Looking for a buddy is paused."


def test_on_the_console_not_now_is_typed(chat: Chat, app: App) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.press("bram", chat.messages("bram: /match")[-1], "Approve")
    chat.say("anna: /cancel")
    assert chat.last_choices("anna: /buddy") == ["No buddy for me now"]
    assert chat.say("anna: 1")[0] == (
        "Fine. I will not look for a buddy for you now. Send /buddy to start again."
    )
    assert _pairs(app)[0][2] is PairStatus.ENDED


def test_a_parent_who_gives_no_first_name_is_reminded_once(
    chat: Chat, app: App, clock: FakeClock
) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.press("bram", chat.messages("bram: /match")[-1], "Approve")
    chat.say("anna: Anna")

    def remind() -> list[Sent]:
        buddies.send_due_name_reminders(app.session_factory, app.translator, clock)
        before = len(chat.transport.done)
        asyncio.run(app.dispatcher.dispatch_due())
        return [Sent(d) for d in chat.transport.done[before:]]

    clock.advance(days=buddies.NAME_REMINDER_DAYS - 1)
    assert remind() == []
    clock.advance(days=1)
    reminded = remind()
    assert [(m.chat_id, m.text) for m in reminded] == [
        ("bilal", "Your buddy is waiting to meet you. Send /buddy to give your first name.")
    ]
    clock.advance(days=7)
    assert remind() == []  # once
    chat.say("bilal: /cancel")
    assert chat.say("bilal: /buddy")[-1].startswith("Which first name may I give your buddy?")
    introduced = chat.messages("bilal: Bilal")
    # The introduction (in Arabic, their shared home language) names the other
    assert len(_to(introduced, "bilal")) > 1 and "Anna" in _to(introduced, "bilal")[1]
    assert _to(introduced, "anna") and "Bilal" in _to(introduced, "anna")[0]
    clock.advance(days=buddies.NAME_REMINDER_DAYS)
    assert remind() == []  # introduced: nothing to remind


def test_match_sends_the_coordinator_a_picture_of_the_round_without_names(chat: Chat) -> None:
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.onboard("tesfay", home=("6",))  # Tigrinya: nobody else speaks it
    assert chat.say("anna: /match") == [
        "That command is not for you. Send /help for your commands."
    ]
    sent = chat.messages("bram: /match")
    pictures = [m for m in sent if m.action.media is not None]
    assert [m.chat_id for m in pictures] == ["bram"]  # only the coordinator who asked
    picture = pictures[0]
    assert picture.text == GLANCE.format(0, 2, 1)
    media = picture.action.media
    assert media is not None and media.kind == "photo" and media.mime_type == "image/png"
    data = decode_data_url(media).data
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 1080
    assert b"anna" not in data.lower() and b"bilal" not in data.lower()


def test_the_proposals_and_their_parents_are_read_in_three_statements(chat: Chat, app: App) -> None:
    _coordinator(chat)
    for user in ("anna", "bilal", "carim", "dina", "emma", "fay"):
        chat.onboard(user)
    chat.say("bram: /match")
    with app.session_factory() as session:
        community = session.scalars(select(Community)).one()
        with recorded(app.db_engine) as seen:
            pairs = [buddies.Pair.of(p) for p in buddies.open_proposals(session, community)]
    assert len(pairs) >= 2 and all(p.a.onboarded and p.b.onboarded for p in pairs)
    # The proposals with their rounds, then each side's parents with their profiles: not a
    # query per pair.
    assert len(seen) <= 3, seen
