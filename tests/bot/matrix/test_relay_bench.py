"""The group relay benchmark (bench/relay.py) runs on a handful of messages against the shared
Synapse, so that it cannot rot: every message relayed once, no figure asserted beyond that."""

from __future__ import annotations

from pathlib import Path

from bench import relay as bench
from tests.support.synapse import SynapseServer


async def test_the_relay_bench_relays_a_few_messages_once(
    synapse: SynapseServer, tmp_path: Path
) -> None:
    result = await bench.run(messages=8, rate=20, server=synapse, base=tmp_path)
    assert result.relayed == 8 and result.duplicates == 0 and result.lost == 0
    assert {len(d) for d in result.delays.values()} == {4}
    report = result.report()
    assert "p95" in report and "duplicates: 0   lost: 0" in report
