"""Between buddies through the console: photos and voice notes relayed with the platform that
holds them, and contact details swapped only when both say yes (either may take the yes back
first; the details go to the buddy and are kept nowhere else)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.engine.types import Incoming
from community.actions import Media, SendMessage
from community.models import BuddyPair, BuddyProfile, DialogueState, OutboxMessage, Person
from tests.bot.engine.test_buddies import _introduce, _to
from tests.support.chat import Chat

PHOTO = Media("photo", "AgACAgQAAxkBAAIB", None, "image/jpeg", 48_000, "telegram")
VOICE = Media("voice", "mxc://example.org/VoiceNote", None, "audio/ogg", 9_000, "matrix")


def _with_media(user: str, media: Media, text: str = "") -> Incoming:
    return Incoming.from_text("console", user, user, True, text, media=(media,))


def _outbox_payload(app: App, outbox_id: int) -> dict:  # type: ignore[type-arg]
    with app.session_factory() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None
        return dict(row.payload)


def test_a_captioned_photo_goes_to_the_buddy_with_its_origin(chat: Chat, app: App) -> None:
    _introduce(chat)
    sent = chat.send(_with_media("anna", PHOTO, "/buddy Our walk in the park!"))
    (to_bilal,) = [m for m in sent if m.chat_id == "bilal"]
    assert to_bilal.text == "Message from your buddy Anna:\nOur walk in the park!"
    media = to_bilal.action.media
    assert media is not None
    # The file stays where Telegram keeps it; the buddy's transport fetches it from there.
    assert (media.kind, media.ref, media.origin) == ("photo", PHOTO.ref, "telegram")
    assert media.caption is None  # "/buddy ..." is not passed on as the caption
    payload = _outbox_payload(app, to_bilal.delivery.outbox_id)
    assert payload["media"] == {
        "kind": "photo",
        "ref": PHOTO.ref,
        "mime_type": "image/jpeg",
        "size": 48_000,
        "origin": "telegram",
    }
    assert _to(sent, "anna") == ["Sent to Bilal."]


def test_a_voice_note_through_the_menu(chat: Chat) -> None:
    _introduce(chat)
    assert chat.last_choices("bilal: /buddy")[:2] == [
        "Write to Anna",
        "Swap contact details with Anna",
    ]
    assert chat.say("bilal: Write to Anna") == [
        "Type your message for Anna. Or send a photo or voice note."
    ]
    sent = chat.send(_with_media("bilal", VOICE))
    (to_anna,) = [m for m in sent if m.chat_id == "anna"]
    assert to_anna.text == "Message from your buddy Bilal:"
    assert to_anna.action.media == VOICE
    assert _to(sent, "bilal") == ["Sent to Anna."]
    # A photo sent while the menu is open is meant for the buddy too.
    chat.say("bilal: /buddy")
    sent = chat.send(_with_media("bilal", PHOTO))
    assert [m.action.media for m in sent if m.chat_id == "anna"] == [PHOTO]
    # And typed text after "Write to Anna" goes as a message.
    chat.say("bilal: /buddy")
    chat.say("bilal: Write to Anna")
    typed = chat.messages("bilal: See you Tuesday")
    assert _to(typed, "anna") == ["Message from your buddy Bilal:\nSee you Tuesday"]
    assert _to(typed, "bilal") == ["Sent to Anna."]


def test_media_without_a_buddy_is_not_sent_anywhere(chat: Chat) -> None:
    chat.onboard("anna")
    sent = chat.send(_with_media("anna", PHOTO, "/buddy hi"))
    assert [(m.chat_id, m.text) for m in sent] == [
        ("anna", "You have no buddy yet. I will tell you when you have one.")
    ]


def _share_times(app: App) -> tuple[bool, bool]:
    with app.session_factory() as session:
        pair = session.scalars(select(BuddyPair)).one()
        return pair.a_share_at is not None, pair.b_share_at is not None


def test_contact_details_are_swapped_only_when_both_say_yes(chat: Chat, app: App) -> None:
    _introduce(chat)
    chat.say("anna: /buddy")
    asked = chat.messages("anna: Swap contact details with Bilal")
    assert _to(asked, "anna") == [
        "Good. I asked Bilal. You only swap details if Bilal says yes too."
    ]
    (request,) = [m for m in asked if m.chat_id == "bilal"]
    assert request.text == (
        "Anna would like to swap contact details with you. Do you want that too?"
    )
    assert [b.label for b in request.choices] == ["Yes, swap", "No, not now"]
    assert _share_times(app) == (True, False)

    # Bilal says no: Anna is not told, nothing is swapped.
    declined = chat.press("bilal", request, "No, not now")
    assert [(m.chat_id, m.text) for m in declined] == [
        ("bilal", "Fine. I tell nobody. You keep writing through me.")
    ]
    # Anna may take her yes back while Bilal has not said yes.
    said = chat.say("anna: /buddy")
    assert said[1] == "You asked to swap contact details. Bilal has not said yes yet."
    assert chat.last_choices("anna: /buddy")[1] == "Stop the contact swap"
    assert chat.say("anna: Stop the contact swap") == ["Done. No contact details will be swapped."]
    assert _share_times(app) == (False, False)

    # Later Bilal presses yes on the old request: now he is the one asking.
    later = chat.press("bilal", request, "Yes, swap")
    assert _to(later, "bilal") == [
        "Good. I asked Anna. You only swap details if Anna says yes too."
    ]
    (request,) = [m for m in later if m.chat_id == "anna"]
    both = chat.press("anna", request, "Yes, swap")
    assert _to(both, "anna") == [
        "Bilal also said yes to swapping contact details.",
        "Type what Bilal may get. For example your phone number or e-mail.",
    ]
    assert _to(both, "bilal") == [
        "Anna also said yes to swapping contact details.",
        "Type what Anna may get. For example your phone number or e-mail.",
    ]
    assert _share_times(app) == (True, True)

    given = chat.messages("anna: 06-12345678, anna@example.org")
    assert _to(given, "bilal") == [
        "Contact details from your buddy Anna:\n06-12345678, anna@example.org"
    ]
    assert _to(given, "anna") == ["Sent to Bilal. I do not keep it with your data."]
    too_long = chat.say("bilal: " + "x" * 201)
    assert too_long == ["That message is too long. Send at most 200 characters."]
    assert _to(chat.messages("bilal: @bilal_arnhem"), "anna") == [
        "Contact details from your buddy Bilal:\n@bilal_arnhem"
    ]
    # Both said yes: no taking it back now, but either may send their details again.
    assert chat.last_choices("anna: /buddy")[1] == "Send my contact details to Bilal"
    assert chat.say("anna: Send my contact details to Bilal") == [
        "Type what Bilal may get. For example your phone number or e-mail."
    ]
    chat.say("anna: /cancel")

    # The details were passed on, not kept: no profile, pair or dialogue state holds them.
    with app.session_factory() as session:
        kept = [
            *session.scalars(select(BuddyProfile.first_name)),
            *(repr(p.__dict__) for p in session.scalars(select(BuddyPair))),
            *(repr(p.__dict__) for p in session.scalars(select(Person))),
            *(repr(c.data) for c in session.scalars(select(DialogueState))),
        ]
    assert not [k for k in kept if "12345678" in str(k) or "bilal_arnhem" in str(k)]


def test_a_request_to_swap_after_the_pair_ended_is_an_ended_pair(chat: Chat) -> None:
    _introduce(chat)
    chat.say("anna: /buddy")
    (request,) = [
        m for m in chat.messages("anna: Swap contact details with Bilal") if m.chat_id == "bilal"
    ]
    chat.say("anna: /buddy")
    chat.say("anna: End my buddy pair")
    chat.say("anna: Yes, end it")
    assert [m.text for m in chat.press("bilal", request, "Yes, swap")] == [
        "This buddy pair has already ended."
    ]


def test_forged_share_buttons_are_old_buttons(chat: Chat) -> None:
    _introduce(chat)
    for data in ("a:buddy_share:99999:yes", "a:buddy_share:1:maybe", "a:buddy_share"):
        said = [m.text for m in chat.send(Incoming.button("console", "anna", "anna", data))]
        assert said == ["That button no longer works."]


def test_a_voice_note_captioned_only_with_the_command_is_relayed(chat: Chat) -> None:
    _introduce(chat)
    sent = chat.send(_with_media("anna", VOICE, "/buddy"))
    to_bilal = [m.action for m in sent if m.chat_id == "bilal"]
    assert to_bilal == [SendMessage("Message from your buddy Anna:", media=VOICE)]


def test_a_caption_kept_apart_from_the_text_is_relayed_as_the_text(chat: Chat) -> None:
    """Matrix keeps a photo's caption in the media, with no text: it still reaches the buddy."""
    _introduce(chat)
    chat.say("anna: /buddy")
    chat.say("anna: Write to Bilal")
    captioned = Media("photo", "mxc://example.org/Park", "The park!", "image/png", 1_000, "matrix")
    sent = chat.send(_with_media("anna", captioned))
    (to_bilal,) = [m.action for m in sent if m.chat_id == "bilal"]
    assert to_bilal.text == "Message from your buddy Anna:\nThe park!"
    assert to_bilal.media is not None and to_bilal.media.caption is None
    assert to_bilal.media.origin == "matrix"
