"""The `[matrix]` section of the config: the bot's Matrix account. The access token comes only
from the environment and never shows in a repr or a log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from config.reader import ENVIRONMENT, ConfigError, Reader

ENV_MATRIX_TOKEN = "OUDERKRING_MATRIX_ACCESS_TOKEN"
_MATRIX_USER = re.compile(r"^@[^:\s]+:[^\s]+$")


@dataclass(frozen=True)
class MatrixSpec:
    """The bot's Matrix account; the access token comes from the environment."""

    homeserver: str  # e.g. "https://matrix.example.org"
    user_id: str  # e.g. "@ouderkring:example.org"
    device_id: str | None = None  # the device of the access token (checked at start)
    access_token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.access_token,) if self.access_token else ()

    @property
    def bot_names(self) -> tuple[str, ...]:
        return (self.user_id.lstrip("@").split(":", 1)[0],)


def load_matrix(reader: Reader, required: bool, env: Mapping[str, str]) -> MatrixSpec | None:
    """The `[matrix]` table; with `required` (platforms has "matrix") it and the token must be
    there."""
    if "matrix" not in reader.data:
        if required:
            raise reader.fail("matrix", 'is missing (platforms has "matrix")')
        return None
    table = reader.table("matrix")
    table.check_unknown({"homeserver", "user_id", "device_id"})
    homeserver = table.get("homeserver", str, required=True).rstrip("/")
    if not homeserver.startswith(("https://", "http://")):
        raise table.fail("homeserver", "must be a URL such as https://matrix.example.org")
    user_id = table.get("user_id", str, required=True)
    if not _MATRIX_USER.match(user_id):
        raise table.fail("user_id", "must be a Matrix user id such as @ouderkring:example.org")
    device_id = table.get("device_id", str, None)
    if required and not env.get(ENV_MATRIX_TOKEN):
        raise ConfigError(
            ENVIRONMENT, ENV_MATRIX_TOKEN, "platforms has matrix: set the bot's access token"
        )
    return MatrixSpec(homeserver, user_id, device_id or None, env.get(ENV_MATRIX_TOKEN) or None)
