"""A platform is one package plus one registry line: a throwaway platform, registered here in
one line, is configured through the settings (`platforms = ["fake"]` and its own `[fake]`
table), run by the same machinery as `ouderkring run`, and a parent onboards through it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.cli_run import run_platforms
from bot.engine.port import Capabilities, Delivery
from bot.engine.types import Incoming
from bot.kit.platform import Platform
from bot.platforms import PLATFORMS, load_settings
from community import db
from community.actions import SendMessage
from config import ConfigError
from config.reader import Reader
from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo" / "arnhem.toml"
TYPED = ("/start ARNHEM", "English", "1", "6825 AB", "1", "Done", "2", "Done", "1")


@dataclass(frozen=True)
class FakeSection:
    """The `[fake]` table: a name for the bot, and a "secret" from the environment."""

    bot_name: str
    token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.token,) if self.token else ()

    @property
    def bot_names(self) -> tuple[str, ...]:
        return (self.bot_name,)


def load_fake(reader: Reader, required: bool, env: Mapping[str, str]) -> FakeSection | None:
    if "fake" not in reader.data:
        if required:
            raise reader.fail("fake", 'is missing (platforms has "fake")')
        return None
    table = reader.table("fake")
    table.check_unknown({"bot_name"})
    return FakeSection(table.get("bot_name", str, required=True), env.get("FAKE_TOKEN"))


class MemoryTransport:
    """The platform's side: what the bot sent, in memory."""

    platform = "fake"
    capabilities = Capabilities(buttons=False, edit=False, groups=False)

    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    async def perform(self, delivery: Delivery) -> str | None:
        self.sent.append(delivery)
        return f"fake-{delivery.outbox_id}"


class Started:
    """A parent who types the onboarding answers, then the platform stops the run."""

    made: list[Started] = []  # for the test to look at

    def __init__(self, settings: Settings) -> None:
        self.section = settings.section("fake")
        self.transport = MemoryTransport()
        Started.made.append(self)

    async def run(self, app: Any, stop: asyncio.Event, lead: Any | None) -> None:
        for line in TYPED:
            await app.process(Incoming.from_text("fake", "ann", "ann", True, line))
        await app.drain()
        stop.set()


FAKE = Platform(
    name="fake", capabilities=MemoryTransport.capabilities, load_section=load_fake, start=Started
)


def _config(tmp_path: Path, fake_table: str = '[fake]\nbot_name = "fakebot"\n') -> Path:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    path = tmp_path / "ouderkring.toml"
    path.write_text(
        f'platforms = ["fake"]\ncommunities = ["{DEMO}"]\n[database]\nurl = "{url}"\n{fake_table}'
    )
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return path


def test_a_parent_onboards_through_a_platform_added_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(PLATFORMS, "fake", FAKE)  # the one registry line
    settings = load_settings(_config(tmp_path), environ={"FAKE_TOKEN": "fake-secret-token"})
    section = settings.section("fake")
    assert settings.platforms == ("fake",) and section.bot_name == "fakebot"
    assert "fake-secret-token" not in repr(settings)
    assert "fake-secret-token" in settings.secrets() and "fakebot" in settings.bot_names()

    assert run_platforms(settings, PLATFORMS) == 0
    texts = [
        d.action.text for d in Started.made[-1].transport.sent if isinstance(d.action, SendMessage)
    ]
    assert any("Ouderkring Arnhem" in text for text in texts)
    assert texts[-1] == "Send /help to see what I can do."


def test_the_settings_of_an_unregistered_or_unconfigured_platform_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path)
    with pytest.raises(ConfigError) as unknown:
        load_settings(path, environ={})
    assert unknown.value.field == "fake"  # its table is not a setting of any platform there is
    monkeypatch.setitem(PLATFORMS, "fake", FAKE)
    with pytest.raises(ConfigError) as missing:
        load_settings(_config(tmp_path, fake_table=""), environ={})
    assert missing.value.field == "fake" and "platforms has" in missing.value.problem
