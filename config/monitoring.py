"""The `[monitoring]` table: where `ouderkring run` serves `/healthz` and Prometheus `/metrics`,
and whether log lines are plain text or JSON (one event a line, for a log collector)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.reader import Reader

DEFAULT_LISTEN = "127.0.0.1:9464"  # 9464: the port Prometheus's exporter list gives to none
LOG_FORMATS = ("text", "json")
LOG_FORMAT_ENV = "OUDERKRING_LOG_FORMAT"


@dataclass(frozen=True)
class MonitoringSettings:
    """`listen`: host and port of the health and metrics server, None when switched off.
    `log_format`: "text" or "json"."""

    listen: tuple[str, int] | None = ("127.0.0.1", 9464)
    log_format: str = "text"


def parse_listen(value: str) -> tuple[str, int] | None:
    """ "HOST:PORT" (an IPv6 host in brackets) or "" for off. Raises ValueError."""
    value = value.strip()
    if not value:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError('must be "HOST:PORT", e.g. "127.0.0.1:9464", or "" (off)')
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise ValueError("the host must be an IP address or localhost") from None
    return host, int(port)


def load_monitoring_settings(reader: Reader, env: Mapping[str, str]) -> MonitoringSettings:
    """Without the table: served on loopback, text logs. `OUDERKRING_LOG_FORMAT` wins over the
    file (a container's log driver wants JSON whatever the mounted config says)."""
    listen: tuple[str, int] | None = MonitoringSettings.listen
    log_format = "text"
    if "monitoring" in reader.data:
        table = reader.table("monitoring")
        table.check_unknown({"listen", "log_format"})
        try:
            listen = parse_listen(table.get("listen", str, DEFAULT_LISTEN))
        except ValueError as exc:
            raise table.fail("listen", str(exc)) from None
        log_format = table.get("log_format", str, "text")
        if log_format not in LOG_FORMATS:
            raise table.fail("log_format", 'must be "text" or "json"')
    wanted = env.get(LOG_FORMAT_ENV, "").strip().lower()
    if wanted in LOG_FORMATS:
        log_format = wanted
    return MonitoringSettings(listen=listen, log_format=log_format)
