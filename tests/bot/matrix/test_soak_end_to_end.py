"""The soak benchmark's short version on Matrix (bench/soak_matrix.py): a real `ouderkring run`
on the test session's Synapse, killed with SIGKILL while parents onboard and a broadcast goes
out. Matrix sends are idempotent (the outbox row's id is the transaction id), so nothing is lost
and nothing arrives twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak_matrix import soak_matrix
from tests.support.synapse import SynapseServer


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_killed_again_and_again_nothing_is_lost_or_doubled(
    synapse: SynapseServer, database_url: str, tmp_path: Path
) -> None:
    figures = await soak_matrix(
        synapse, parents=2, messages=30, kills=3, url=database_url, folder=tmp_path
    )
    assert (figures.delivered, figures.lost, figures.doubled) == (30, 0, 0)
    assert figures.onboarded == 2  # each resumed at its step after every kill
    assert len(figures.restarts) == 3
