"""What the configuration lets be seen: a database URL fit to print (no password) and a warning
when every user of the computer can read the config file (it names the admins by their
platform ids). The settings' repr and the CLI use them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PACKAGE_DIR = Path(__file__).resolve().parent


def shown_database_url(url: str) -> str:
    """A database URL fit to print: the password (also one given as ?password=) hidden."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "<a database URL that does not parse>"
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "hidden"})
        return parsed.render_as_string(hide_password=True).replace(
            "password=hidden", "password=***"
        )
    return parsed.render_as_string(hide_password=True)


def exposed_config_warning(source: Path | str) -> str | None:
    """A warning when every user of the computer can read the config file `source`; None for
    a private file (owner or group only) or a file shipped with Ouderkring (nobody's data in
    them). No refusal: the installer decides."""
    path = Path(source)
    if path.resolve().is_relative_to(PACKAGE_DIR):
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not mode & stat.S_IROTH:
        return None
    return (
        f"Warning: every user of this computer can read {path} (mode {stat.S_IMODE(mode):o}); "
        f"it names the admins. Make it private: chmod 600 {path}"
    )


def current_user() -> str:
    """Who runs the command, by name and uid: in a container the uid is what a bind-mounted
    folder must allow (chown 10001 data). A uid with no name (docker run --user 1234) too."""
    import pwd

    uid = os.getuid()
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"with uid {uid}"
