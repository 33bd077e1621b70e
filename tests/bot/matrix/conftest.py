"""Fixtures for the Matrix adapter: one real Synapse per test session (tests/support/synapse.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.synapse import SynapseServer, start_synapse


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    server = start_synapse(tmp_path_factory.mktemp("synapse"))
    yield server
    server.stop()
