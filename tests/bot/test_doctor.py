"""`ouderkring doctor`: a healthy install passes with exit code 0, and each broken part gets its
own "problem:" line with what to do, and exit code 1. The platform checks talk to the fake Bot
API and to a real Synapse. The command runs in this process (tests/support/cli.py), one test as
a real process."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from community import db
from community.models import OutboxMessage, OutboxStatus, Person
from config.locales import LOCALES
from tests.support.cli import Ran, environment, run_cli
from tests.support.fake_telegram import FakeTelegram
from tests.support.synapse import SynapseServer

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "demo" / "arnhem.toml"


def _doctor(tmp_path: Path, *args: str, **env: str) -> Ran:
    """`ouderkring doctor ARGS` in this process (tests/support/cli.py)."""
    return run_cli(["doctor", *args], tmp_path, env=environment(**env))


def _doctor_process(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The same as a real process: the proof that the entry point runs the checks too."""
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "doctor", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(**env, PYTHONPATH=str(ROOT)),
    )


def _lines(output: str) -> dict[str, str]:
    """'topic: ok: text' lines by topic (the last line of a topic wins)."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        topic, _, rest = line.partition(":")
        found[topic] = rest.strip()
    return found


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "ouderkring.toml"
    path.write_text(f'communities = ["{DEMO}"]\n[database]\nurl = "{url}"\n{extra}')
    path.chmod(0o600)
    return path


def _upgrade(url: str) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()


@contextmanager
def _running_bot(config: Path, **env: str) -> Iterator[None]:
    """A bot process as `ouderkring run` makes it: beating, and leading (the scheduler)."""
    from bot.app import build_app
    from bot.platforms import load_settings

    app = build_app(load_settings(config, environ=env))
    try:
        assert app.start_jobs()
        yield
    finally:
        app.close()


def test_a_healthy_install_is_all_ok(database_url: str, tmp_path: Path) -> None:
    _upgrade(database_url)
    config = _config(tmp_path, database_url)
    with _running_bot(config):
        result = _doctor(tmp_path, "-c", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = _lines(result.stdout)
    assert lines["leader"] == "ok: 1 `ouderkring run` process running; " + (
        "it runs the scheduler"
        if database_url.startswith("sqlite")
        else "one leads (the scheduler and the updates)"
    )
    assert lines["config"].startswith(f"ok: {config} is valid")
    assert lines["database"] == f"ok: {_shown(database_url)} is reachable, schema " + (
        f"{db.head_revision()} is current"
    )
    assert lines["outbox"] == "ok: 0 messages waiting"
    assert all(text.startswith("ok") for text in lines.values()), result.stdout
    if database_url.startswith("sqlite"):
        assert lines["files"] == f"ok: {tmp_path / 'test.db'} is private to its owner (mode 600)"
        assert " GB free in " in lines["disk"]
    quick = _doctor(tmp_path, "-c", str(config), "--quick")
    assert quick.returncode == 0
    assert list(_lines(quick.stdout)) == ["config", "database"]


def test_no_bot_running(database_url: str, tmp_path: Path) -> None:
    _upgrade(database_url)
    result = _doctor(tmp_path, "-c", str(_config(tmp_path, database_url)))
    assert result.returncode == 1
    assert _lines(result.stdout)["leader"] == (
        "problem: no `ouderkring run` process is running (none beat in the last 4 s)"
    )


def _shown(url: str) -> str:
    from config.exposure import shown_database_url

    return shown_database_url(url)


def test_a_bad_config_is_the_only_line(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[bot]\ndefault_locale = 'fr'\n")
    result = _doctor(tmp_path, "-c", "bad.toml")
    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == [
        f"config:    problem: Configuration error in {tmp_path / 'bad.toml'}, field "
        f"bot.default_locale: 'fr' is not shipped ({', '.join(LOCALES)})"
    ]


def test_a_database_not_made_yet_or_out_of_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ouderkring.db'}"
    config = _config(tmp_path, url)
    missing = _doctor(tmp_path, "-c", str(config))
    assert missing.returncode == 1
    assert _lines(missing.stdout)["database"] == (
        f"problem: {tmp_path / 'ouderkring.db'} does not exist: run `ouderkring db upgrade`"
    )
    assert not (tmp_path / "ouderkring.db").exists()  # doctor changes nothing
    engine = db.make_engine(url)
    db.upgrade(engine, "0010")
    engine.dispose()
    old = _doctor(tmp_path, "-c", str(config), "--quick")
    assert old.returncode == 1
    assert "has schema 0010, this version needs" in old.stdout
    assert "`ouderkring backup FILE`), then run `ouderkring db upgrade`" in old.stdout


def test_postgresql_that_cannot_be_reached(tmp_path: Path) -> None:
    config = _config(tmp_path, "postgresql+psycopg://ouderkring@127.0.0.1:9/ouderkring")
    result = _doctor_process(tmp_path, "-c", str(config))
    assert result.returncode == 1
    assert _lines(result.stdout)["database"].startswith(
        "problem: Cannot reach PostgreSQL at 127.0.0.1:9"
    )
    assert "Traceback" not in result.stderr


def _queue(
    url: str, status: OutboxStatus, waited: timedelta, count: int = 1, unreachable: bool = False
) -> None:
    engine = db.make_engine(url)
    when = datetime.now(UTC) - waited
    with db.make_session_factory(engine).begin() as session:
        person = None
        if unreachable:  # a parent who blocked the bot: the platform said so
            person = Person(platform="telegram", platform_user_id="7", unreachable_at=when)
            person.created_at = when
            session.add(person)
            session.flush()
        for _ in range(count):
            session.add(
                OutboxMessage(
                    person_id=person.id if person else None,
                    platform="telegram",
                    chat_id="7",
                    kind="send",
                    payload={"text": "hello"},
                    status=status,
                    attempts=8 if status == OutboxStatus.DEAD else 0,
                    available_at=when,
                    created_at=when,
                )
            )
    engine.dispose()


def test_the_outbox_backlog_and_what_gave_up(database_url: str, tmp_path: Path) -> None:
    _upgrade(database_url)
    config = _config(tmp_path, database_url)
    _queue(database_url, OutboxStatus.PENDING, timedelta(seconds=30), count=2)
    with _running_bot(config):
        fresh = _doctor(tmp_path, "-c", str(config))
    assert fresh.returncode == 0, fresh.stdout
    assert (
        _lines(fresh.stdout)["outbox"] == "ok: 2 messages waiting, the oldest for less than 1 min"
    )

    _queue(database_url, OutboxStatus.DEAD, timedelta(days=2), count=3)
    _queue(database_url, OutboxStatus.DEAD, timedelta(days=9))  # older than a week: not counted
    gave_up = _doctor(tmp_path, "-c", str(config))
    assert gave_up.returncode == 1
    assert _lines(gave_up.stdout)["outbox"] == (
        "problem: 2 messages waiting, the oldest for less than 1 min; the bot gave up on 3 messages in "
        "the last 7 days (telegram 3): the log of `ouderkring run` says why"
    )

    _queue(database_url, OutboxStatus.PENDING, timedelta(hours=3))
    late = _doctor(tmp_path, "-c", str(config))
    assert late.returncode == 1
    assert _lines(late.stdout)["outbox"] == (
        "problem: 3 messages waiting, the oldest for 3 h; 1 should have gone more than 5 min "
        "ago: is `ouderkring run` running? Its log says why sends fail"
    )


def test_messages_to_parents_who_blocked_the_bot_are_no_problem(
    database_url: str, tmp_path: Path
) -> None:
    _upgrade(database_url)
    config = _config(tmp_path, database_url)
    _queue(database_url, OutboxStatus.DEAD, timedelta(days=1), count=2, unreachable=True)
    with _running_bot(config):
        result = _doctor(tmp_path, "-c", str(config))
    assert result.returncode == 0, result.stdout
    assert _lines(result.stdout)["outbox"] == (
        "ok: 0 messages waiting; 2 not delivered in 7 days to parents who blocked the bot or "
        "left (`ouderkring reach` lists them)"
    )


def test_files_others_can_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ouderkring.db'}"
    _upgrade(url)
    config = _config(tmp_path, url)
    config.chmod(0o644)
    (tmp_path / "ouderkring.db").chmod(0o644)
    result = _doctor(tmp_path, "-c", str(config))
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if "problem:" in line]
    assert problems[1:] == [
        f"config:    problem: every user of this computer can read {config} (mode 644); "
        f"it names the admins. Make it private: chmod 600 {config}",
        f"files:     problem: other users can read the database {tmp_path / 'ouderkring.db'} "
        f"(mode 644): chmod 600 {tmp_path / 'ouderkring.db'}",
    ]
    assert problems[0].startswith("leader:    problem: no `ouderkring run` process is running")


# -- platforms ----------------------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def _doctor_async(tmp_path: Path, config: Path, **env: str) -> tuple[int, str]:
    # In a thread: the fake Bot API answers from this test's event loop meanwhile.
    doctor = asyncio.to_thread(_doctor, tmp_path, "-c", str(config), **env)
    result = await asyncio.wait_for(doctor, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout + result.stderr


def _telegram_config(tmp_path: Path, fake: FakeTelegram, extra: str = "") -> Path:
    url = f"sqlite:///{tmp_path / 'ouderkring.db'}"
    _upgrade(url)
    return (
        _config(
            tmp_path,
            url,
            f'[telegram]\napi_url = "http://127.0.0.1:{fake.port}"\n{extra}',
        ).parent
        / "ouderkring.toml"
    )


def _with_platforms(config: Path, platforms: str) -> None:
    config.write_text(f"platforms = {platforms}\n" + config.read_text())


async def test_telegram_token_good_and_refused(fake: FakeTelegram, tmp_path: Path) -> None:
    config = _telegram_config(tmp_path, fake)
    _with_platforms(config, '["telegram"]')
    with _running_bot(config, OUDERKRING_TELEGRAM_TOKEN=fake.token):
        code, out = await _doctor_async(tmp_path, config, OUDERKRING_TELEGRAM_TOKEN=fake.token)
    assert code == 0, out
    assert "telegram:  ok: the token belongs to @ouderkring_test_bot" in out
    assert "webhook:   ok: not used" in out
    assert any(call.method == "getMe" for call in fake.calls)

    code, out = await _doctor_async(tmp_path, config, OUDERKRING_TELEGRAM_TOKEN="999:wrong-one")
    assert code == 1
    assert (
        "telegram:  problem: Telegram refused the bot token in OUDERKRING_TELEGRAM_TOKEN: "
        "check it with @BotFather"
    ) in out
    assert "wrong-one" not in out


async def test_telegram_bot_api_not_reachable(fake: FakeTelegram, tmp_path: Path) -> None:
    config = _telegram_config(tmp_path, fake)
    _with_platforms(config, '["telegram"]')
    port = fake.port
    await fake.stop()
    code, out = await _doctor_async(tmp_path, config, OUDERKRING_TELEGRAM_TOKEN=fake.token)
    assert code == 1
    assert f"telegram:  problem: cannot reach the Bot API at http://127.0.0.1:{port}" in out
    assert fake.token not in out


async def test_webhook_checks(fake: FakeTelegram, tmp_path: Path) -> None:
    hook = "https://bot.example.org/telegram"
    config = _telegram_config(tmp_path, fake, f'mode = "webhook"\nwebhook_url = "{hook}"\n')
    _with_platforms(config, '["telegram"]')
    env = {"OUDERKRING_TELEGRAM_TOKEN": fake.token, "OUDERKRING_TELEGRAM_WEBHOOK_SECRET": "s3cr3t"}
    with _running_bot(config, **env):
        code, out = await _doctor_async(tmp_path, config, **env)
    assert code == 0, out
    assert "the webhook is not set yet (`ouderkring run` sets it at start)" in out
    assert f"webhook:   ok: {hook} with a secret, served on 127.0.0.1:8443" in out

    fake.webhook = {"url": hook}
    code, out = await _doctor_async(tmp_path, config, **env)
    assert "Telegram posts updates to the webhook without errors" in out

    def failing(p):  # type: ignore[no-untyped-def]
        return {
            "url": hook,
            "has_custom_certificate": False,
            "pending_update_count": 4,
            "last_error_date": 1700000000,
            "last_error_message": "SSL error {error:0A000086:SSL routines::certificate verify failed}",
        }

    fake._api_getWebhookInfo = failing  # type: ignore[method-assign]
    code, out = await _doctor_async(tmp_path, config, **env)
    assert code == 1
    assert f"telegram:  problem: Telegram cannot post updates to {hook}: SSL error" in out
    assert "(4 waiting): check the reverse proxy and its certificate" in out

    # A plain-http webhook (allowed on loopback for a test proxy) is not what Telegram takes.
    config.write_text(config.read_text().replace(hook, "http://127.0.0.1:8080/hook"))
    code, out = await _doctor_async(tmp_path, config, **env)
    assert code == 1
    assert "webhook:   problem: http://127.0.0.1:8080/hook is not https" in out


def test_matrix_access_token_good_and_refused(synapse: SynapseServer, tmp_path: Path) -> None:
    user = synapse.register_unique("doctorbot")
    url = f"sqlite:///{tmp_path / 'ouderkring.db'}"
    _upgrade(url)
    config = _config(
        tmp_path, url, f'[matrix]\nhomeserver = "{synapse.url}"\nuser_id = "{user.user_id}"\n'
    )
    _with_platforms(config, '["matrix"]')
    with _running_bot(config, OUDERKRING_MATRIX_ACCESS_TOKEN=user.access_token):
        good = _doctor(
            tmp_path, "-c", str(config), OUDERKRING_MATRIX_ACCESS_TOKEN=user.access_token
        )
    assert good.returncode == 0, good.stdout + good.stderr
    assert _lines(good.stdout)["matrix"] == (
        f"ok: the access token belongs to {user.user_id} (device {user.device_id})"
    )
    bad = _doctor(tmp_path, "-c", str(config), OUDERKRING_MATRIX_ACCESS_TOKEN="syt_not_a_token")
    assert bad.returncode == 1
    assert _lines(bad.stdout)["matrix"].startswith(
        "problem: the homeserver refused the access token"
    )
    assert "syt_not_a_token" not in bad.stdout + bad.stderr
    assert f"make a new access token for {user.user_id}" in bad.stdout
