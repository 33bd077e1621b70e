"""compose.yaml, .env.example and the Dockerfile: the services and profiles an installer is told
about, no secret in any file that is committed, secrets only from .env, a non-root image with a
health check, and no OUDERKRING_* default in the image that would beat a mounted config.
`docker compose config` checks the file itself when Docker Compose is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.matrix.settings import ENV_MATRIX_TOKEN
from bot.telegram.settings import ENV_TELEGRAM_TOKEN, ENV_TELEGRAM_WEBHOOK_SECRET
from config.settings import ENV_DATABASE_URL
from config.translation import ENV_TRANSLATION_API_KEY

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "compose.yaml"
SECRETS = (
    ENV_TELEGRAM_TOKEN,
    ENV_MATRIX_TOKEN,
    ENV_TELEGRAM_WEBHOOK_SECRET,
    "OUDERKRING_SECRET_KEY",
    ENV_TRANSLATION_API_KEY,
)


def _compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def test_services_and_profiles() -> None:
    services = _compose()["services"]
    assert set(services) == {"bot", "postgres", "synapse", "libretranslate"}
    # The bot and its database run by default; the rest only with their profile.
    assert "profiles" not in services["bot"] and "profiles" not in services["postgres"]
    assert services["synapse"]["profiles"] == ["matrix"]
    assert services["libretranslate"]["profiles"] == ["translate"]
    assert services["libretranslate"]["image"].startswith("libretranslate/libretranslate")
    assert services["libretranslate"]["environment"]["LT_LOAD_ONLY"] == "nl,en,ar,tr,pl,uk"
    # Reached by the bot on the compose network only: parents' words stay on these machines.
    assert "ports" not in services["libretranslate"]
    bot = services["bot"]
    assert bot["command"] == ["run"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]
    assert bot["environment"]["OUDERKRING_CONFIG"] == "/config/ouderkring.toml"
    assert any(v.endswith(":/config:ro") for v in bot["volumes"])  # the bot never writes it
    assert bot["environment"][ENV_DATABASE_URL].startswith("postgresql+psycopg://ouderkring:")


def _values(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _values(value)]
    if isinstance(node, list):
        return [v for value in node for v in _values(value)]
    return [str(node)]


def test_no_secret_value_in_compose_only_references_to_env() -> None:
    services = _compose()["services"]
    env = services["bot"]["environment"]
    for name in SECRETS:
        assert re.fullmatch(rf"\$\{{{name}(:-)?\}}", env[name]), env[name]
    # The passwords in the database URL and of the postgres service are the .env's.
    reference = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
    assert f"ouderkring:{reference}@postgres" in env[ENV_DATABASE_URL]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == reference
    # Nothing that looks like a token or a password written out anywhere in the file.
    for value in _values(_compose()):
        assert not re.search(r"\d{6,}:[A-Za-z0-9_-]{20,}", value), value  # a Telegram token
        assert not re.search(r"syt_[A-Za-z0-9_]+", value), value  # a Synapse access token
        assert not re.search(r"://[^:/@\s]+:[^$@\s][^@\s]*@", value), value  # user:password@


def test_env_example_names_every_secret_and_holds_none() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    for name in (*SECRETS, "POSTGRES_PASSWORD"):
        assert settings[name] == "", f"{name} must be empty in .env.example"
    referenced = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE.read_text()))
    assert referenced <= set(settings), referenced - set(settings)
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()


def test_dockerfile_is_multi_stage_non_root_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text()
    instructions = [line.split()[0] for line in text.splitlines() if line and line[0].isupper()]
    assert instructions.count("FROM") == 2
    assert "COPY --from=build /opt/ouderkring /opt/ouderkring" in text
    user = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert re.search(r'^\s+CMD \["ouderkring", "doctor", "--quick"\]$', text, re.MULTILINE)
    assert "HEALTHCHECK" in instructions


def test_the_image_bakes_no_setting_that_beats_a_mounted_config() -> None:
    """An OUDERKRING_* variable in the image would override the mounted file (the environment
    wins), e.g. an SQLite URL over the config's PostgreSQL."""
    text = (ROOT / "Dockerfile").read_text()
    env_blocks = re.findall(r"^ENV ((?:.*\\\n)*.*)$", text, re.MULTILINE)
    assert env_blocks
    for block in env_blocks:
        assert "OUDERKRING_" not in block, block


def _compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    done = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    return done.returncode == 0


@pytest.mark.skipif(not _compose_available(), reason="Docker Compose is not installed")
def test_docker_compose_config_is_valid(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("POSTGRES_PASSWORD=only-for-the-test\n")
    done = subprocess.run(
        [
            "docker",
            "compose",
            "--env-file",
            str(env_file),
            "--profile",
            "matrix",
            "--profile",
            "translate",
            "-f",
            str(COMPOSE),
            "config",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_a_data_folder_the_bot_cannot_write_gets_a_plain_error(tmp_path: Path) -> None:
    """A bind-mounted /data owned by root: the bot's user cannot make its SQLite file there.
    Root writes anywhere, so SQLite's read-only mode stands in for the folder's mode here
    (tests/bot/test_cli.py checks a read-only folder when not run as root)."""
    import os
    import sys

    (tmp_path / "ouderkring.db").touch(mode=0o600)
    url = f"sqlite:///file:{tmp_path}/ouderkring.db?mode=ro&uri=true"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "db", "upgrade"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "PYTHONPATH": str(ROOT), ENV_DATABASE_URL: url},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "cannot be opened for writing" in done.stderr
    # The uid is what a bind-mounted folder must allow (chown 10001 data).
    assert f"(uid {os.getuid()}) write the file and its folder {tmp_path}" in done.stderr
