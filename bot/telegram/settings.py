"""The `[telegram]` section of the config: how the bot reaches Telegram. The bot token and the
webhook secret come only from the environment and never show in a repr or a log."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from config.reader import ENVIRONMENT, ConfigError, Reader

ENV_TELEGRAM_TOKEN = "OUDERKRING_TELEGRAM_TOKEN"
ENV_TELEGRAM_WEBHOOK_URL = "OUDERKRING_TELEGRAM_WEBHOOK_URL"
ENV_TELEGRAM_WEBHOOK_PORT = "OUDERKRING_TELEGRAM_WEBHOOK_PORT"
ENV_TELEGRAM_WEBHOOK_SECRET = "OUDERKRING_TELEGRAM_WEBHOOK_SECRET"
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_USERNAME = re.compile(r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$")


@dataclass(frozen=True)
class TelegramSettings:
    """The `[telegram]` table; the token and the webhook secret come from the environment."""

    mode: str = "polling"  # or "webhook"
    username: str | None = None  # the bot's @name (for deep links); else asked from Telegram
    api_url: str = "https://api.telegram.org"  # a local Bot API server, or a test's fake
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"  # behind a reverse proxy that terminates TLS
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.token, self.webhook_secret) if s)

    @property
    def bot_names(self) -> tuple[str, ...]:
        return (self.username,) if self.username else ()


def load_telegram(reader: Reader, required: bool, env: Mapping[str, str]) -> TelegramSettings:
    """The `[telegram]` table (all optional); with `required` (platforms has "telegram") the
    token, and in webhook mode the URL and the secret, must be there."""
    table = reader.table("telegram")
    table.check_unknown(
        {"mode", "username", "api_url", "webhook_url", "webhook_listen", "webhook_port"}
    )
    mode = table.get("mode", str, "polling")
    if mode not in ("polling", "webhook"):
        raise table.fail("mode", 'must be "polling" or "webhook"')
    username = table.get("username", str, None)
    if username is not None and not _USERNAME.match(username):
        raise table.fail("username", "is not a Telegram bot username")
    api_url = table.get("api_url", str, "https://api.telegram.org").rstrip("/")
    if not api_url.startswith(("https://", "http://")):
        raise table.fail("api_url", "must be an http(s) URL")
    telegram = TelegramSettings(
        mode=mode,
        username=username.lstrip("@") if username else None,
        api_url=api_url,
        webhook_url=env.get(ENV_TELEGRAM_WEBHOOK_URL) or table.get("webhook_url", str, None),
        webhook_listen=table.get("webhook_listen", str, "127.0.0.1"),
        webhook_port=_port(table, env),
        webhook_secret=env.get(ENV_TELEGRAM_WEBHOOK_SECRET) or None,
        token=env.get(ENV_TELEGRAM_TOKEN) or None,
    )
    if required:
        _check_required(table, telegram)
    return telegram


def _port(table: Reader, env: Mapping[str, str]) -> int:
    port_text = env.get(ENV_TELEGRAM_WEBHOOK_PORT)
    if port_text is not None:
        if not port_text.isdigit():
            raise ConfigError(ENVIRONMENT, ENV_TELEGRAM_WEBHOOK_PORT, "must be a port number")
        port = int(port_text)
    else:
        port = table.get("webhook_port", int, 8443)
    if not 1 <= port <= 65535:
        raise table.fail("webhook_port", "must be between 1 and 65535")
    return port


def _check_required(table: Reader, telegram: TelegramSettings) -> None:
    if not telegram.token:
        raise ConfigError(
            ENVIRONMENT, ENV_TELEGRAM_TOKEN, "platforms has telegram: set the bot token"
        )
    if telegram.mode == "webhook":
        url, secret = telegram.webhook_url, telegram.webhook_secret
        if not url or not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            problem = f"webhook mode needs an https URL (or {ENV_TELEGRAM_WEBHOOK_URL})"
            raise table.fail("webhook_url", problem)
        if secret is None or not _WEBHOOK_SECRET.match(secret):
            raise no_webhook_secret()


def no_webhook_secret() -> ConfigError:
    """Webhook mode without a (valid) secret: anyone who finds the URL could post updates."""
    return ConfigError(
        ENVIRONMENT,
        ENV_TELEGRAM_WEBHOOK_SECRET,
        "webhook mode needs a secret of 1 to 256 letters, digits, _ or -",
    )
