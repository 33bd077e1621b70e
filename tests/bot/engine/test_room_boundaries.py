"""A group room belongs to one community: the commands typed in it, who gets in, what is
relayed, and who may change a relayed copy all stay within that community. Through the real
engine and outbox (recording transports stand for the platforms)."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.engine.types import EventKind, Incoming
from community.actions import (
    AdmitMember,
    DeleteMessage,
    EditMessage,
    RemoveMember,
    SendMessage,
    Target,
)
from community.clock import FakeClock
from community.models import Community, Role, Room
from community.services import rooms
from community.services.relay_text import MAX_RELAY_TEXT, SPEAKER
from tests.bot.engine import test_relay
from tests.bot.engine.test_relay import MX, TG, run, texts, tg_says
from tests.support.chat import Chat
from tests.support.members import add_member
from tests.support.transport import RecordingTransport

B_ROOM = "@zwolle-tips"
two = test_relay.two  # the fixture: a Telegram group and a Matrix room relayed as one


def _second_community(app: App) -> None:
    """Community B (Zwolle) with its own linked group, a parent and a coordinator; A (Arnhem,
    from the config) has coordinator "cora"."""
    clock = app.clock
    with app.session_factory.begin() as session:
        arnhem = session.scalars(select(Community).order_by(Community.id)).first()
        zwolle = Community(
            slug="zwolle", name="Ouderkring Zwolle", city="Zwolle", invite_code="ZWOLLE",
            default_locale="nl", home_languages=[], created_at=clock.now(),
        )  # fmt: skip
        session.add(zwolle)
        session.flush()
        rooms.link(session, zwolle, "console", B_ROOM, clock, purpose="tips")
        add_member(session, "console", "bea", clock, community=zwolle)
        add_member(session, "console", "cora", clock, Role.COORDINATOR, arnhem, "en")
        add_member(session, "console", "anna", clock, community=arnhem)


def _in_b(user: str, text: str, admin: bool | None = True, **extra) -> Incoming:  # type: ignore[no-untyped-def]
    return Incoming.from_text(
        "console", user, B_ROOM, False, text, sender_is_chat_admin=admin, **extra
    )


def _owner(app: App) -> tuple[str, bool]:
    with app.session_factory() as session:
        room = session.scalars(select(Room).where(Room.chat_id == B_ROOM)).one()
        community = session.get(Community, room.community_id)
        assert community is not None
        return community.slug, room.relay


def test_a_coordinator_of_another_community_changes_nothing_in_the_group(
    chat: Chat, app: App
) -> None:
    _second_community(app)
    # cora is an admin of B's group on the platform, and coordinator of A: still refused
    assert [s.text for s in chat.send(_in_b("cora", "/linkgroup"))] == [
        "This group belongs to Ouderkring Zwolle. It stays there. Only an Ouderkring admin can "
        "move it."
    ]
    refused = "This group belongs to another community. You cannot change anything here."
    assert [s.text for s in chat.send(_in_b("cora", "/relay on"))] == [refused]
    done = chat.run(_in_b("cora", "/delete", message_id="9", ref=Target(remote_id="8")))
    assert [d.action.text for d in done] == [refused]  # type: ignore[attr-defined]
    assert not any(isinstance(d.action, DeleteMessage) for d in done)
    assert _owner(app) == ("zwolle", False)
    # B's parents still get in; A's parents do not
    admitted = chat.run(Incoming("console", "bea", B_ROOM, False, kind=EventKind.JOIN_REQUEST))
    assert admitted[0].action == AdmitMember("bea", True)
    refused_join = chat.run(Incoming("console", "anna", B_ROOM, False, kind=EventKind.JOIN_REQUEST))
    assert refused_join[0].action == AdmitMember("anna", False)


def test_only_an_admin_moves_a_group_and_says_so(chat: Chat, app: App) -> None:
    _second_community(app)
    chat.say("admin: /start")
    chat.say("admin: English")
    assert [s.text for s in chat.send(_in_b("admin", "/linkgroup"))] == [
        "Which community is this group for? Add its short name. For example: /linkgroup arnhem"
    ]
    assert [s.text for s in chat.send(_in_b("admin", "/linkgroup arnhem"))] == [
        "This group belongs to Ouderkring Zwolle. Do you want to move it? Then send: "
        "/linkgroup move arnhem"
    ]
    assert _owner(app) == ("zwolle", False)
    said = [s.text for s in chat.send(_in_b("admin", "/linkgroup move arnhem"))]
    assert any(t.startswith("This group now belongs to Ouderkring Arnhem.") for t in said)
    assert _owner(app) == ("arnhem", False)  # moved, relaying off


def test_only_an_admin_of_the_group_on_the_platform_links_it(chat: Chat, app: App) -> None:
    _second_community(app)
    not_admin = "Only an admin of this group can link it. Make yourself an admin here first."
    for admin in (False, None):  # a member; or a platform that did not say
        linked = chat.send(
            Incoming.from_text(
                "console", "cora", "@new", False, "/linkgroup", sender_is_chat_admin=admin
            )  # fmt: skip
        )
        assert [s.text for s in linked] == [not_admin]
    with app.session_factory() as session:
        assert session.scalars(select(Room).where(Room.chat_id == "@new")).first() is None
    # The console says who is a group's admin with a "+"
    assert chat.say("cora@new: /linkgroup") == [not_admin]
    said = chat.say("+cora@new: /linkgroup")
    assert any(t.startswith("This group now belongs to Ouderkring Arnhem.") for t in said)


def test_someone_who_never_joined_is_asked_and_not_relayed(two, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two

    def stranger_says(text: str, n: str) -> None:
        run(app, Incoming.from_text("telegram", "777", TG, False, text, sender_name="Kees",
                                    message_id=n, event_id=f"s{n}"))  # fmt: skip

    stranger_says("Koop mijn fiets!", "41")
    stranger_says("Echt goedkoop!", "42")
    assert texts(mx) == []  # nothing relayed
    private = [d.action.text for d in tg.sent if d.chat_id == "777"]  # type: ignore[attr-defined]
    assert len(private) == 1 and "/start" in private[0]  # asked once, not at every message
    clock.advance(days=1, seconds=1)
    stranger_says("Hallo?", "43")
    assert len([d for d in tg.sent if d.chat_id == "777"]) == 2
    # Added to the group by someone, without a join request: removed, and told how to start
    done = run_all(app, tg, Incoming("telegram", "778", TG, False, kind=EventKind.MEMBER_JOINED))
    assert RemoveMember("778") in [d.action for d in done]
    assert any(d.chat_id == "778" and isinstance(d.action, SendMessage) for d in done)


def run_all(app: App, transport: RecordingTransport, incoming: Incoming):  # type: ignore[no-untyped-def]
    before = len(transport.done)
    run(app, incoming)
    return transport.done[before:]


def test_the_name_on_a_copy_is_a_safe_first_name(two) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    for n, shown in enumerate(
        ["\u202eAnna", "Anna\nCoördinator: lees dit", "Coördinator", "Coordinator Jan",
         "Admin", "ouderkring", "A\u200bdmin", "Аdmin", "Координатор", "Yönetici"]  # "Аdmin" with a Cyrillic А
    ):  # fmt: skip
        tg_says(app, "Hoi", str(50 + n), name=shown)
    heads = [text.split("\n")[0] for text in texts(mx)]
    assert heads == [f"{SPEAKER} Anna:", f"{SPEAKER} Anna:"] + [f"{SPEAKER} Een ouder:"] * 8
    for text in texts(mx):
        assert not any(c in text for c in "\u202e\u200b")


def test_a_body_cannot_fake_a_second_speaker(two) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    body = "Hoi allemaal\n💬 Coördinator:\nStuur je adres naar mij\u2028💬 Admin: ja\u202e"
    tg_says(app, body, "61")
    (copy,) = texts(mx)
    lines = copy.split("\n")
    assert lines[0] == f"{SPEAKER} Anna:"
    assert not any(SPEAKER in line for line in lines[1:])  # only the bot writes the mark
    assert "\u202e" not in copy and "\u2028" not in copy
    assert lines[1:] == ["Hoi allemaal", " Coördinator:", "Stuur je adres naar mij", " Admin: ja"]


def test_another_member_cannot_change_or_remove_a_copy(two, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    with app.session_factory.begin() as session:
        add_member(session, "matrix", "@eve:x", clock)
        add_member(session, "matrix", "@mod:x", clock, Role.COORDINATOR)

    def on_matrix(user: str, event: str, **extra) -> None:  # type: ignore[no-untyped-def]
        run(app, Incoming("matrix", user, MX, False, event_id=event, **extra))

    on_matrix("@ben:x", "$b1", text="Spelen om 3 uur", message_id="$b1", sender_name="Ben")
    tg_copy = tg.sent[-1]
    tg_says(app, "Zwemles om 4 uur", "71")
    mx_copy = mx.sent[-1]
    before_tg, before_mx = len(tg.done), len(mx.done)
    # Eve edits and redacts Ben's message (a Matrix moderator could), and redacts the copy of
    # Anna's: nothing changes elsewhere
    on_matrix("@eve:x", "$e1", kind=EventKind.EDIT, text="Spelen gaat niet door",
              ref=Target(remote_id="$b1"))  # fmt: skip
    on_matrix("@eve:x", "$e2", kind=EventKind.DELETION, ref=Target(remote_id="$b1"))
    on_matrix("@eve:x", "$e3", kind=EventKind.DELETION,
              ref=Target(remote_id=f"remote-{mx_copy.outbox_id}"))  # fmt: skip
    assert tg.done[before_tg:] == [] and mx.done[before_mx:] == []
    # A stranger's edit neither
    on_matrix("@x:x", "$e4", kind=EventKind.EDIT, text="Weg", ref=Target(remote_id="$b1"))
    assert tg.done[before_tg:] == []
    # Ben himself, and the community's coordinator, can
    on_matrix("@ben:x", "$b2", kind=EventKind.EDIT, text="Spelen om 4 uur",
              ref=Target(remote_id="$b1"))  # fmt: skip
    edit = tg.done[-1]
    assert isinstance(edit.action, EditMessage) and edit.action.text.endswith("Spelen om 4 uur")
    assert edit.target_remote_id == f"remote-{tg_copy.outbox_id}"
    on_matrix("@mod:x", "$m1", kind=EventKind.DELETION,
              ref=Target(remote_id=f"remote-{mx_copy.outbox_id}"))  # fmt: skip
    deleted = tg.done[-1]
    assert isinstance(deleted.action, DeleteMessage) and deleted.target_remote_id == "71"


def test_a_long_message_stays_in_its_group_with_a_plain_answer(two) -> None:  # type: ignore[no-untyped-def]
    app, tg, mx = two
    tg_says(app, "a" * (MAX_RELAY_TEXT + 1), "81")
    assert texts(mx) == []
    told = [d.action.text for d in tg.sent if d.chat_id == "501"]  # type: ignore[attr-defined]
    assert told == [
        f"Je bericht is te lang om door te sturen. Het blijft in je groep. "
        f"Het kan tot {MAX_RELAY_TEXT} tekens."
    ]
    tg_says(app, "b" * MAX_RELAY_TEXT, "82")
    assert len(texts(mx)) == 1
