"""Start a real Synapse homeserver (the `matrix-synapse` package from PyPI) for the test session.

The server runs from a throwaway directory: SQLite, HTTP on 127.0.0.1 and a free port, no
federation key servers, registration closed except by shared secret, and rate limits raised high
so that tests are not slowed down (a test that wants `M_LIMIT_EXCEEDED` lowers one user's limit
through the admin API, see `SynapseServer.set_ratelimit`). Nothing leaves loopback.

Users are registered with the shared-secret admin API (`/_synapse/admin/v1/register`, an HMAC
over nonce, user, password and admin flag): much faster than spawning `register_new_matrix_user`.

Usage::

    server = start_synapse(tmp_path)
    user = server.register("anna")          # MatrixUser(user_id, access_token, device_id)
    ...
    server.stop()

Synapse runs fine as root, so no system user is needed (unlike PostgreSQL).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import yaml

HOST = "127.0.0.1"
SERVER_NAME = "localhost"
_START_TIMEOUT = 60.0  # seconds; a fresh start answers in about 2 s
_HIGH = {"per_second": 10000, "burst_count": 10000}


@dataclass(frozen=True)
class MatrixUser:
    user_id: str
    access_token: str
    device_id: str
    password: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _patch_config(config: dict[str, Any], base: pathlib.Path, port: int) -> dict[str, Any]:
    config["listeners"] = [
        {
            "port": port,
            "bind_addresses": [HOST],
            "type": "http",
            "tls": False,
            "x_forwarded": False,
            "resources": [{"names": ["client"], "compress": False}],
        }
    ]
    config["database"] = {"name": "sqlite3", "args": {"database": str(base / "homeserver.db")}}
    config["trusted_key_servers"] = []
    config["suppress_key_server_warning"] = True
    config["enable_registration"] = False
    config["report_stats"] = False
    config["federation_domain_whitelist"] = []
    config["url_preview_enabled"] = False
    config["presence"] = {"enabled": False}
    config["media_store_path"] = str(base / "media_store")
    config["bcrypt_rounds"] = 4  # registering a user takes milliseconds, not a quarter second
    for key in (
        "rc_message",
        "rc_registration",
        "rc_admin_redaction",
        "rc_3pid_validation",
        "rc_room_creation",
        "rc_presence",
        "rc_delayed_event_mgmt",
        "rc_reports",
    ):
        config[key] = {"per_second": _HIGH["per_second"], "burst_count": _HIGH["burst_count"]}
    config["rc_login"] = {"address": _HIGH, "account": _HIGH, "failed_attempts": _HIGH}
    config["rc_joins"] = {"local": _HIGH, "remote": _HIGH}
    config["rc_joins_per_room"] = _HIGH
    config["rc_invites"] = {"per_room": _HIGH, "per_user": _HIGH, "per_issuer": _HIGH}
    config["rc_media_create"] = _HIGH
    return config


class SynapseServer:
    """A running Synapse, its URL and the shared secret to register users with."""

    def __init__(
        self, base_dir: pathlib.Path, port: int, process: subprocess.Popen[bytes], secret: str
    ) -> None:
        self.base_dir = base_dir
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.server_name = SERVER_NAME
        self.process = process
        self._secret = secret
        self._admin: MatrixUser | None = None
        self._counter = 0

    # -- HTTP ------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """One client-server or admin API call; raises urllib.error.HTTPError on 4xx/5xx."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                text = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise RuntimeError(f"{method} {path}: HTTP {exc.code} {detail}") from None
        result: dict[str, Any] = json.loads(text) if text else {}
        return result

    # -- users -----------------------------------------------------------------

    def register(
        self, localpart: str, password: str | None = None, admin: bool = False
    ) -> MatrixUser:
        """Register a user through the shared-secret admin API; returns its first login."""
        password = password or f"pw-{localpart}-secret"
        nonce = self.request("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(self._secret.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                [
                    nonce.encode(),
                    localpart.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            )
        )
        result = self.request(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            },
        )
        return MatrixUser(result["user_id"], result["access_token"], result["device_id"], password)

    def unique(self, prefix: str) -> str:
        """A localpart nobody in this session has used (tests share one server)."""
        self._counter += 1
        return f"{prefix}{self._counter}x{os.getpid()}"

    def register_unique(self, prefix: str) -> MatrixUser:
        return self.register(self.unique(prefix))

    @property
    def admin(self) -> MatrixUser:
        if self._admin is None:
            self._admin = self.register(self.unique("admin"), admin=True)
        return self._admin

    def set_ratelimit(self, user_id: str, per_second: int, burst_count: int) -> None:
        """Give one user a message rate limit (0, 0 = none), through the admin API."""
        quoted = urllib.parse.quote(user_id)
        self.request(
            "POST",
            f"/_synapse/admin/v1/users/{quoted}/override_ratelimit",
            {"messages_per_second": per_second, "burst_count": burst_count},
            token=self.admin.access_token,
        )

    # -- life cycle ------------------------------------------------------------

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        log = self.base_dir / "homeserver.log"
        out = self.base_dir / "stdout.log"
        text = ""
        for path in (log, out):
            if path.exists():
                text += f"--- {path.name}\n" + "\n".join(path.read_text().splitlines()[-lines:])
        return text

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_synapse(base_dir: pathlib.Path) -> SynapseServer:
    """Generate a config in `base_dir`, start Synapse on loopback and wait until it answers."""
    base_dir = base_dir.resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    config_path = base_dir / "hs.yaml"
    generated = subprocess.run(
        [
            sys.executable,
            "-m",
            "synapse.app.homeserver",
            "--server-name",
            SERVER_NAME,
            "-c",
            str(config_path),
            "--generate-config",
            "--report-stats=no",
            "--data-directory",
            str(base_dir),
            "--config-directory",
            str(base_dir),
        ],
        cwd=base_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if generated.returncode != 0:
        raise RuntimeError(f"synapse --generate-config failed:\n{generated.stderr}")
    config = yaml.safe_load(config_path.read_text())
    port = _free_port()
    config = _patch_config(config, base_dir, port)
    config_path.write_text(yaml.safe_dump(config))
    secret = str(config["registration_shared_secret"])

    out = (base_dir / "stdout.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config_path)],
        cwd=base_dir,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    server = SynapseServer(base_dir, port, process, secret)
    atexit.register(server.stop)  # a crashed session must not leave a server on the port

    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        if not server.alive():
            raise RuntimeError(f"Synapse exited at start:\n{server.log_tail()}")
        try:
            server.request("GET", "/_matrix/client/versions")
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(
                    f"Synapse did not answer within {_START_TIMEOUT} s:\n{server.log_tail()}"
                ) from None
            time.sleep(0.1)
