"""The [monitoring] table: where /healthz and /metrics are served, and the log format."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from config.monitoring import LOG_FORMAT_ENV, MonitoringSettings
from config.settings import EXAMPLE_CONFIG


def _write(tmp_path: Path, monitoring: str | None) -> Path:
    path = tmp_path / "ouderkring.toml"
    demo = EXAMPLE_CONFIG.parent / "demo" / "arnhem.toml"
    table = "" if monitoring is None else f"\n[monitoring]\n{monitoring}\n"
    path.write_text(f'communities = ["{demo}"]\n\n[bot]\nadmins = []\n{table}')
    return path


def test_without_the_table_it_serves_on_loopback_with_text_logs(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, None), environ={})
    assert settings.monitoring == MonitoringSettings(("127.0.0.1", 9464), "text")


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ('"0.0.0.0:9100"', ("0.0.0.0", 9100)),
        ('"[::1]:9464"', ("::1", 9464)),
        ('"localhost:80"', ("localhost", 80)),
        ('""', None),
    ],
)
def test_listen(tmp_path: Path, listen: str, expected: tuple[str, int] | None) -> None:
    settings = load_settings(_write(tmp_path, f"listen = {listen}"), environ={})
    assert settings.monitoring.listen == expected


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('listen = "9464"', "listen"),
        ('listen = "127.0.0.1:99999"', "listen"),
        ('listen = "example.org:9464"', "listen"),
        ('log_format = "xml"', "log_format"),
        ("port = 9464", "port"),
    ],
)
def test_a_bad_value_names_its_field(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text), environ={})
    assert field in str(caught.value)


def test_the_environment_chooses_json_logs(tmp_path: Path) -> None:
    path = _write(tmp_path, 'log_format = "text"')
    settings = load_settings(path, environ={LOG_FORMAT_ENV: "JSON"})
    assert settings.monitoring.log_format == "json"
