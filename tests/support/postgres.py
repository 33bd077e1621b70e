"""Start a throwaway PostgreSQL server for the test session.

The server listens on 127.0.0.1 only (plus a private Unix socket directory),
uses ``trust`` authentication for the superuser ``ouderkring``, runs with
fsync off and is removed completely by :meth:`PostgresServer.stop`.

If the environment variable ``OUDERKRING_TEST_POSTGRES_URL`` is set, that
server is used instead and nothing is started or stopped; databases are then
created over that connection.

PostgreSQL refuses to run as root. When the tests run as root, ``initdb`` and
``pg_ctl`` are run as the ``postgres`` system user (created if it does not
exist) through ``runuser``, in a private directory in the temporary folder owned by
that user (the pytest ``tmp_path`` may sit below a directory only root can
enter).

Usage::

    server = start_postgres(tmp_path)
    url = server.create_database("example")   # postgresql+psycopg://...
    ...
    server.stop()
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_URL = "OUDERKRING_TEST_POSTGRES_URL"
SUPERUSER = "ouderkring"
DEFAULT_DATABASE = "ouderkring"
HOST = "127.0.0.1"
SYSTEM_USER = "postgres"
_LOCALE_ERROR_MARKER = "locale"  # initdb's complaint when C.UTF-8 is not installed
_START_ATTEMPTS = 3
_TIMEOUT = 60  # seconds, for initdb and pg_ctl


class PostgresServer:
    """A running PostgreSQL server (either started by us or given by env var)."""

    def __init__(
        self,
        url: str,
        *,
        port: int | None = None,
        base_dir: pathlib.Path | None = None,
        data_dir: pathlib.Path | None = None,
        pg_ctl: str | None = None,
        run_as: str | None = None,
    ) -> None:
        self.url = url
        self.port = port
        self.external = base_dir is None
        self._base_dir = base_dir
        self._data_dir = data_dir
        self._pg_ctl = pg_ctl
        self._run_as = run_as
        self._stopped = False
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None

    # -- databases -----------------------------------------------------------

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a fresh database and return its SQLAlchemy URL: empty, or a copy of the
        database `template` (which nobody may be connected to).

        An existing database of that name is dropped first.
        """
        ident = sql.Identifier(name)
        self._admin_execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        if template is None:
            create = sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
            self._admin_execute(create.format(ident))
        else:
            create = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
            self._admin_execute(create.format(ident, sql.Identifier(template)))
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, name: str) -> None:
        """Drop a database made by `create_database`, also while something is still connected
        to it (a process a test killed)."""
        if not self._stopped:
            ident = sql.Identifier(name)
            self._admin_execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))

    def _admin_execute(self, statement: sql.Composed) -> None:
        """Run a statement on the `postgres` database, on one connection kept for them all
        (a test makes and drops a database: a new connection each time costs a server
        process each)."""
        if self._stopped:
            raise RuntimeError("PostgreSQL test server has been stopped")
        for attempt in range(2):
            if self._admin is None or self._admin.closed:
                base = make_url(self.url).set(database="postgres")
                self._admin = psycopg.connect(**_conninfo(base), autocommit=True)
            try:
                self._admin.execute(statement)
                return
            except psycopg.OperationalError:
                if attempt or not self._admin.broken:
                    raise
                self._admin.close()  # lost with a restart of the server: connect again

    # -- lifecycle -----------------------------------------------------------

    def stop(self) -> None:
        """Stop the server and delete its files. Safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        if self._admin is not None:
            self._admin.close()
        if self.external:
            return
        assert self._data_dir is not None and self._base_dir is not None
        if self._data_dir.exists() and self._pg_ctl:
            result = _run(
                [
                    self._pg_ctl,
                    "stop",
                    "-D",
                    str(self._data_dir),
                    "-m",
                    "immediate",
                    "-w",
                    "-t",
                    str(_TIMEOUT),
                ],
                run_as=self._run_as,
                cwd=self._base_dir,
                check=False,
            )
            if result.returncode != 0:
                _kill_postmaster(self._data_dir)
        shutil.rmtree(self._base_dir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<PostgresServer {self.url} ({state})>"


def start_postgres(workdir: pathlib.Path, *, durable: bool = False) -> PostgresServer:
    """Start a throwaway server (or attach to ``$OUDERKRING_TEST_POSTGRES_URL``). With
    `durable`, it syncs every commit to disk like a production server (benchmarks); without,
    fsync is off (tests)."""
    external = os.environ.get(ENV_URL)
    if external:
        url = make_url(external).set(drivername="postgresql+psycopg")
        return PostgresServer(url.render_as_string(hide_password=False))

    bindir = _find_bindir()
    run_as = None
    if os.geteuid() == 0:
        run_as = _ensure_system_user()
        base_dir = pathlib.Path(tempfile.mkdtemp(prefix="ouderkring-pg-"))
        shutil.chown(base_dir, user=run_as, group=_primary_group(run_as))
    else:
        workdir = pathlib.Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        # Unix socket paths are limited to ~107 bytes; long pytest paths go to the
        # temporary folder.
        short = len(str(workdir.resolve())) <= 60
        parent = workdir if short else pathlib.Path(tempfile.gettempdir())
        base_dir = pathlib.Path(tempfile.mkdtemp(prefix="ouderkring-pg-", dir=parent))
    os.chmod(base_dir, 0o700)
    data_dir = base_dir / "data"
    sock_dir = base_dir / "sock"

    server = PostgresServer(
        "",
        base_dir=base_dir,
        data_dir=data_dir,
        pg_ctl=str(bindir / "pg_ctl"),
        run_as=run_as,
    )
    atexit.register(server.stop)
    try:
        if run_as:
            _run(["mkdir", "-m", "0700", str(sock_dir)], run_as=run_as, cwd=base_dir)
        else:
            sock_dir.mkdir(mode=0o700)
        _initdb(bindir, data_dir, run_as=run_as, cwd=base_dir)
        port = _pg_ctl_start(
            bindir, data_dir, sock_dir, run_as=run_as, cwd=base_dir, durable=durable
        )
        server.port = port
        admin = URL.create(
            "postgresql+psycopg", username=SUPERUSER, host=HOST, port=port, database="postgres"
        )
        server.url = admin.render_as_string(hide_password=False)
        server.url = server.create_database(DEFAULT_DATABASE)
    except BaseException:
        server.stop()
        raise
    return server


# -- internals ---------------------------------------------------------------


def _find_bindir() -> pathlib.Path:
    def version_key(path: str) -> tuple[int, ...]:
        version = pathlib.Path(path).parent.parent.name
        return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version_key)
    for initdb in reversed(candidates):
        bindir = pathlib.Path(initdb).parent
        if all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    found = {tool: shutil.which(tool) for tool in ("initdb", "pg_ctl", "postgres")}
    if all(found.values()):
        return pathlib.Path(found["initdb"]).parent  # type: ignore[arg-type]
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
        "/usr/lib/postgresql/*/bin or on PATH. Install Debian's `postgresql` package "
        "(apt-get install postgresql) or set OUDERKRING_TEST_POSTGRES_URL to an existing server."
    )


def _ensure_system_user() -> str:
    """Return the unprivileged user to run PostgreSQL as, creating it if needed."""
    import grp
    import pwd

    try:
        pwd.getpwnam(SYSTEM_USER)
        return SYSTEM_USER
    except KeyError:
        pass
    cmd = [
        "useradd",
        "--system",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
    ]
    try:
        grp.getgrnam(SYSTEM_USER)
        cmd += ["-g", SYSTEM_USER]
    except KeyError:
        cmd += ["--user-group"]
    subprocess.run([*cmd, SYSTEM_USER], check=True, capture_output=True, text=True)
    return SYSTEM_USER


def _primary_group(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_gid


def _clean_env() -> dict[str, str]:
    """Environment without libpq/PostgreSQL variables that could redirect the tools."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def _run(
    cmd: list[str],
    *,
    run_as: str | None,
    cwd: pathlib.Path,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    if run_as:
        cmd = ["runuser", "-u", run_as, "--", *cmd]
    result = subprocess.run(
        cmd,
        cwd=cwd,
        env=_clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT + 30,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"command failed ({result.returncode}): {' '.join(cmd)}\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def _initdb(
    bindir: pathlib.Path, data_dir: pathlib.Path, *, run_as: str | None, cwd: pathlib.Path
) -> None:
    base_cmd = [
        str(bindir / "initdb"),
        "-D",
        str(data_dir),
        "--auth=trust",
        "-U",
        SUPERUSER,
        "--encoding=UTF8",
        "--no-sync",
    ]
    result = _run([*base_cmd, "--locale=C.UTF-8"], run_as=run_as, cwd=cwd, check=False)
    if result.returncode == 0:
        return
    output = result.stdout + result.stderr
    if _LOCALE_ERROR_MARKER not in output.lower():
        raise RuntimeError(f"initdb failed ({result.returncode}):\n{output}")
    # C.UTF-8 is missing on this machine: fall back to the plain C locale.
    if data_dir.exists():
        _run(["rm", "-rf", str(data_dir)], run_as=run_as, cwd=cwd, check=False)
    _run([*base_cmd, "--no-locale"], run_as=run_as, cwd=cwd)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _log_tail(log_file: pathlib.Path, lines: int = 30) -> str:
    try:
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(could not read {log_file}: {exc})"


def _pg_ctl_start(
    bindir: pathlib.Path,
    data_dir: pathlib.Path,
    sock_dir: pathlib.Path,
    *,
    run_as: str | None,
    cwd: pathlib.Path,
    durable: bool = False,
) -> int:
    log_file = data_dir / "postgres.log"
    failure = ""
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        options = f"-h {HOST} -p {port} -k {sock_dir}" + ("" if durable else " -F")
        result = _run(
            [
                str(bindir / "pg_ctl"),
                "start",
                "-D",
                str(data_dir),
                "-l",
                str(log_file),
                "-w",
                "-t",
                str(_TIMEOUT),
                "-o",
                options,
            ],
            run_as=run_as,
            cwd=cwd,
            check=False,
        )
        if result.returncode == 0:
            return port
        tail = _log_tail(log_file)
        failure = (
            f"pg_ctl start failed ({result.returncode}):\n{result.stdout}{result.stderr}\n"
            f"--- {log_file} (tail) ---\n{tail}"
        )
        # Make sure nothing half-started is left before retrying.
        _run(
            [str(bindir / "pg_ctl"), "stop", "-D", str(data_dir), "-m", "immediate", "-w"],
            run_as=run_as,
            cwd=cwd,
            check=False,
        )
        if "could not bind" not in tail and "Address already in use" not in tail:
            break  # not a port race: retrying will not help
    raise RuntimeError(failure)


def _kill_postmaster(data_dir: pathlib.Path) -> None:
    """Last resort if pg_ctl could not stop the server we started."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data_dir / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGQUIT)
        for _ in range(50):
            os.kill(pid, 0)  # raises once the process is gone
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)


def _conninfo(url: URL) -> dict[str, object]:
    """psycopg connection keywords for a SQLAlchemy URL (query parameters win)."""
    params: dict[str, object] = {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
        "connect_timeout": 10,
    }
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return {k: v for k, v in params.items() if v is not None}
