"""The Synapse harness itself: a real homeserver answers, registers users and syncs."""

from __future__ import annotations

import nio

from tests.support.synapse import SynapseServer


async def test_register_and_sync(synapse: SynapseServer) -> None:
    user = synapse.register_unique("harness")
    assert user.user_id.endswith(":localhost")
    client = nio.AsyncClient(synapse.url, user.user_id, device_id=user.device_id)
    client.restore_login(user.user_id, user.device_id, user.access_token)
    try:
        response = await client.sync(timeout=0)
        assert isinstance(response, nio.SyncResponse), response
        assert response.next_batch
        whoami = await client.whoami()
        assert isinstance(whoami, nio.WhoamiResponse)
        assert whoami.user_id == user.user_id
    finally:
        await client.close()
