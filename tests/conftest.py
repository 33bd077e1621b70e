"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server that the
test session starts on loopback (tests/support/postgres.py)."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator

import pytest

from bot.app import App, build_app
from community.clock import FakeClock
from config import Settings, load_settings
from config.moderation import UNLIMITED
from tests.support.chat import Chat
from tests.support.postgres import PostgresServer, start_postgres
from tests.support.transport import RecordingTransport

DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = start_postgres(tmp_path_factory.mktemp("postgres"))
    yield server
    server.stop()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def settings(database_url: str) -> Settings:
    base = load_settings(
        environ={k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    )
    # Tests drive many messages per person while the clock stands still: no flood limits here
    # (tests/bot/engine/test_moderation.py sets the ones it checks).
    return dataclasses.replace(
        base, database_url=database_url, admins=frozenset({"console:admin"}), moderation=UNLIMITED
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def app(settings: Settings, clock: FakeClock, transport: RecordingTransport) -> Iterator[App]:
    built = build_app(settings, [transport], clock=clock, migrate=True)
    yield built
    built.close()


@pytest.fixture
def chat(app: App, transport: RecordingTransport) -> Chat:
    return Chat(app, transport)
