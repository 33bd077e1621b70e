"""Fixtures for the Matrix adapter: fresh users per test on the session's Synapse
(tests/conftest.py), and nio clients for the bot and for test parents."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import nio
import pytest

from bot.matrix.client import restore_client
from bot.matrix.state import MemoryState
from bot.matrix.transport import MatrixTransport
from tests.support.synapse import MatrixUser, SynapseServer


@pytest.fixture(autouse=True)
def migrated_bot_db(tmp_path: Path, sqlite_template: bytes) -> Path:
    """The bot's database of these tests (`tmp_path / "bot.db"`, tests/bot/matrix/
    test_end_to_end.py's `bot_settings`) at the newest schema: a private copy of the session's
    migrated template, instead of all the migrations again in each test."""
    path = tmp_path / "bot.db"
    path.write_bytes(sqlite_template)
    path.chmod(0o600)
    return path


@pytest.fixture
def bot_user(synapse: SynapseServer) -> MatrixUser:
    return synapse.register_unique("ouderkringbot")


@pytest.fixture
async def bot_client(
    synapse: SynapseServer, bot_user: MatrixUser
) -> AsyncIterator[nio.AsyncClient]:
    client = await restore_client(synapse.url, bot_user.user_id, bot_user.access_token)
    yield client
    await client.close()


@pytest.fixture
def state() -> MemoryState:
    return MemoryState()


@pytest.fixture
def transport(bot_client: nio.AsyncClient, state: MemoryState) -> MatrixTransport:
    return MatrixTransport(bot_client, state)


class Parent:
    """A test parent on Matrix: a real nio client with a few helpers."""

    def __init__(self, user: MatrixUser, client: nio.AsyncClient) -> None:
        self.user = user
        self.client = client
        self.user_id = user.user_id

    async def dm(self, bot_user_id: str, encrypted: bool = False) -> str:
        """Open a direct room with the bot, as Element does (`is_direct`)."""
        initial_state = (
            [{"type": "m.room.encryption", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]
            if encrypted
            else []
        )
        response = await self.client.room_create(
            is_direct=True,
            invite=[bot_user_id],
            preset=nio.RoomPreset.trusted_private_chat,
            initial_state=initial_state,
        )
        assert isinstance(response, nio.RoomCreateResponse), response
        return str(response.room_id)

    async def say(self, room_id: str, text: str, **extra: object) -> str:
        content = {"msgtype": "m.text", "body": text, **extra}
        response = await self.client.room_send(room_id, "m.room.message", content)
        assert isinstance(response, nio.RoomSendResponse), response
        return str(response.event_id)

    async def send(self, room_id: str, event_type: str, content: dict) -> str:
        response = await self.client.room_send(room_id, event_type, content)
        assert isinstance(response, nio.RoomSendResponse), response
        return str(response.event_id)

    async def join(self, room_id: str) -> None:
        response = await self.client.join(room_id)
        assert isinstance(response, nio.JoinResponse), response

    async def messages(self, room_id: str, limit: int = 50) -> list[dict]:
        """The room's events, oldest first (as the parent's client would show them)."""
        response = await self.client.room_messages(room_id, start="", limit=limit)
        assert isinstance(response, nio.RoomMessagesResponse), response
        return [e.source for e in reversed(response.chunk)]

    async def texts(self, room_id: str) -> list[str]:
        return [
            e["content"]["body"]
            for e in await self.messages(room_id)
            if e["type"] == "m.room.message" and e["sender"] != self.user_id
        ]


@pytest.fixture
async def make_parent(synapse: SynapseServer) -> AsyncIterator:
    clients: list[nio.AsyncClient] = []

    async def make(prefix: str = "parent") -> Parent:
        user = synapse.register_unique(prefix)
        client = nio.AsyncClient(synapse.url, user.user_id, device_id=user.device_id)
        client.restore_login(user.user_id, user.device_id, user.access_token)
        clients.append(client)
        return Parent(user, client)

    yield make
    for client in clients:
        await client.close()
