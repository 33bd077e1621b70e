"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server that the
test session starts on loopback (tests/support/postgres.py).

The schema is migrated once per session (per xdist worker) into a template; each test gets its
own copy of it (SQLite: a copy of the file; PostgreSQL: `CREATE DATABASE ... TEMPLATE`), which
costs a tenth of running the migrations again. A test that needs an empty database, to migrate
it itself or to see the app refuse it, says so with `@pytest.mark.empty_database`.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pathlib
import uuid
from collections.abc import Iterator

import pytest

from bot.app import App, build_app
from community import db
from community.clock import FakeClock
from community.i18n import SHIPPED_LOCALES, Translator
from config import Settings, load_settings
from config.moderation import UNLIMITED
from tests.support import lazy_loads, shared_compiled
from tests.support.chat import Chat
from tests.support.fast_tmp import use_memory_when_roomy
from tests.support.postgres import PostgresServer, start_postgres
from tests.support.synapse import SynapseServer, start_synapse
from tests.support.transport import RecordingTransport

DATABASES = ["sqlite", "postgresql"]


def pytest_configure(config: pytest.Config) -> None:
    # The suite starts a few hundred Python processes (xdist workers, the CLI, the bot killed
    # and started again): each would compile our modules anew (0.13 s of CPU) where bytecode
    # is not to be written (the Docker image sets PYTHONDONTWRITEBYTECODE). __pycache__ is
    # ignored by git; nothing the tests check depends on it.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # Before pytest picks its base folder (xdist's workers are given theirs inside it).
    use_memory_when_roomy()
    config.addinivalue_line(
        "markers", "empty_database: the test's database is empty (no migrations run on it)"
    )
    config.addinivalue_line("markers", "slow: takes many seconds; started before the others")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The slow tests first (in their order), the rest as collected: the workers take tests as
    # they get free, so that the last ones are short and both workers end about together.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session", autouse=True)
def _shared_compiled_sql() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        shared_compiled.install(patch.setattr)
        lazy_loads.install(patch.setattr)
        yield


@pytest.fixture(autouse=True)
def _no_lazy_loads_in_bot() -> Iterator[None]:
    """Handlers get what they read from the domain (tests/support/lazy_loads.py)."""
    lazy_loads.take()
    yield
    loads = lazy_loads.take()
    assert not loads, "code in bot/ loaded from the database behind an attribute:\n" + "\n".join(
        loads
    )


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    """One real Synapse per worker (tests/support/synapse.py), for the Matrix tests and the
    doctor's: starting one costs seconds."""
    server = start_synapse(tmp_path_factory.mktemp("synapse"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = start_postgres(tmp_path_factory.mktemp("postgres"))
    yield server
    server.stop()


def _migrate(url: str) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A migrated SQLite database, as bytes to copy into each test's file."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    _migrate(f"sqlite:///{path}")
    return path.read_bytes()


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    """The name of a migrated PostgreSQL database that each test's database is cloned from."""
    name = f"template_{uuid.uuid4().hex[:12]}"
    _migrate(postgres.create_database(name))
    return name


def _private_copy(path: pathlib.Path, content: bytes) -> None:
    # Private like a database the app creates itself (the doctor checks the mode).
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> Iterator[str]:
    """A database of this test's own: migrated to the newest schema, or empty when the test is
    marked `empty_database`."""
    empty = request.node.get_closest_marker("empty_database") is not None
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        if not empty:
            _private_copy(path, request.getfixturevalue("sqlite_template"))
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    template = None if empty else request.getfixturevalue("postgres_template")
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield server.create_database(name, template=template)
    # Dropped at once: its 9 MB are deleted before they are written to the disk, and the
    # server's folder does not grow by the hundreds of copies a session makes.
    server.drop_database(name)


@functools.cache
def _shipped_settings(environ: frozenset[tuple[str, str]]) -> Settings:
    # Reading the shipped configuration (several TOML files) costs 50 ms; settings are frozen,
    # so each worker reads it once for each environment it runs in.
    return load_settings(environ=dict(environ))


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Keyed without pytest's PYTEST_CURRENT_TEST (a new value in every test, so the cache
    # would never hit).
    environ = frozenset(
        (k, v)
        for k, v in os.environ.items()
        if not k.startswith("OUDERKRING_") and k != "PYTEST_CURRENT_TEST"
    )
    base = _shipped_settings(environ)
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


@functools.cache
def _translator(default_locale: str) -> Translator:
    # A translator never changes once made: one per worker spares each test reading six
    # catalogs (7 ms). build_app makes the same one when it is given none.
    return Translator(SHIPPED_LOCALES, default_locale=default_locale)


@pytest.fixture
def app(settings: Settings, clock: FakeClock, transport: RecordingTransport) -> Iterator[App]:
    translator = _translator(settings.default_locale)
    built = build_app(settings, [transport], clock=clock, migrate=True, translator=translator)
    yield built
    built.close()


@pytest.fixture
def chat(app: App, transport: RecordingTransport) -> Chat:
    return Chat(app, transport)
