"""A round with a second pass: the community's file allows wider limits, the pairs found among
the parents left over come as a separate, weaker group with their reasons, and a coordinator
approves them as any other pair."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from community.models import BuddyPair, Community, PairStatus
from community.services import buddy_limits
from config import ConfigError
from config.settings import load_community
from tests.support.chat import Chat

from .test_buddies import _coordinator, _to

WIDER = {
    "max_distance_m": 2000,
    "allow_dutch": False,
    "second_pass_max_distance_m": 10000,
    "second_pass_allow_dutch": True,
}


def _allow_wider_limits(app: App, limits: dict[str, object]) -> None:
    with app.session_factory.begin() as session:
        community = session.scalar(select(Community))
        assert community is not None
        community.buddy_matching = limits


def test_a_weaker_second_pass_pair_is_shown_apart_and_approved_as_any_other(
    chat: Chat, app: App
) -> None:
    _allow_wider_limits(app, WIDER)
    _coordinator(chat)
    chat.onboard("anna")
    chat.onboard("bilal")
    chat.onboard("tesfay", home=("6",))  # Tigrinya in Presikhaaf-Oost
    chat.onboard("selam", home=("6",), postcode="6846 AA")  # Tigrinya in Schuytgraaf, far away
    said = chat.say("bram: /match")
    assert said[:2] == [
        "New buddy round. Parents get nothing before you approve.",
        "Pairs in the main round: 1. Pairs in the second pass, with wider limits: 1.",
    ]
    assert said[2] == "This round at a glance. Has a buddy: 0. Proposed: 4. No buddy yet: 0."
    assert said[3].startswith("Buddy proposals to check: 2.")  # the main round's pair first
    assert "Weaker pair" not in said[3]
    first = chat.messages("bram: /match")[-1]
    after = chat.press("bram", first, "Approve")
    weaker = [m for m in after if m.chat_id == "bram"][-1].text.splitlines()
    assert weaker[0].startswith("Buddy proposals to check: 1.")
    assert weaker[1] == "Weaker pair from the second pass. It needs a wider limit."
    assert weaker[2].startswith("They live ") and weaker[2].endswith("The usual limit is 2000 m.")
    assert "Tigrinya" in weaker[3]
    with app.session_factory() as session:
        pairs = list(session.scalars(select(BuddyPair).order_by(BuddyPair.id)))
        assert [p.second_pass for p in pairs] == [False, True]
        weak_id = pairs[1].id
    last = [m for m in after if m.chat_id == "bram"][-1]
    approved = chat.press("bram", last, "Approve")
    assert _to(approved, "bram")[0] == "Approved. I will introduce them to each other."
    assert _to(approved, "tesfay") and _to(approved, "selam")  # asked for their first name
    with app.session_factory() as session:
        assert session.get(BuddyPair, weak_id).status is PairStatus.APPROVED  # type: ignore[union-attr]


def test_without_wider_limits_there_is_no_second_pass(chat: Chat, app: App) -> None:
    _coordinator(chat)
    chat.onboard("tesfay", home=("6",))
    chat.onboard("selam", home=("6",), postcode="6846 AA")
    said = chat.say("bram: /match")
    assert said[0] == "No new buddy pairs right now. Try again later."
    assert "Second pass" not in "\n".join(said)
    assert "No free parent nearby speaks their language: 2." in said[1]


def test_the_community_file_sets_the_limits(tmp_path: Path) -> None:
    source = Path("config/demo/arnhem.toml").read_text()
    path = tmp_path / "city.toml"
    path.write_text(
        source + "\n[buddy_matching]\nmax_distance_m = 3000\n"
        "second_pass_max_distance_m = 5000\nsecond_pass_allow_dutch = true\n"
    )
    spec = load_community(path, ("nl", "en"))
    assert spec.buddy_matching == {
        "max_distance_m": 3000,
        "allow_dutch": False,
        "second_pass_max_distance_m": 5000,
        "second_pass_allow_dutch": True,
    }
    community = Community(buddy_matching=spec.buddy_matching)
    main, wider = buddy_limits.round_rules(community, datetime(2026, 12, 1, tzinfo=UTC))
    assert (main.max_distance_m, main.allow_dutch) == (3000, False)
    assert wider is not None and (wider.max_distance_m, wider.allow_dutch) == (5000, True)
    path.write_text(
        source + "\n[buddy_matching]\nmax_distance_m = 3000\nsecond_pass_max_distance_m = 1000\n"
    )
    with pytest.raises(ConfigError, match="second_pass_max_distance_m"):
        load_community(path, ("nl", "en"))
    path.write_text(source + "\n[buddy_matching]\nmax_distance = 3000\n")
    with pytest.raises(ConfigError, match="max_distance"):
        load_community(path, ("nl", "en"))
