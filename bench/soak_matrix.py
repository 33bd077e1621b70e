"""The crash-safety soak on Matrix (see bench/soak.py): a real `ouderkring run` on a real
Synapse, killed with SIGKILL at random moments while parents onboard in their direct rooms and
a broadcast goes out. Matrix sends carry a transaction id (the outbox row's id) that Synapse
remembers for the bot's device, so a send repeated after a kill is the same event: nothing may
arrive twice here.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from pathlib import Path

import nio

from bench.soak import ONBOARDING, Bot, Figures, _onboarded, settled
from community import db
from community.actions import SendMessage
from community.clock import SystemClock
from community.services import outbox
from tests.support.synapse import MatrixUser, SynapseServer

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "config" / "demo" / "arnhem.toml"


class MatrixParent:
    def __init__(self, user: MatrixUser, url: str) -> None:
        self.user = user
        self.client = nio.AsyncClient(url, user.user_id, device_id=user.device_id)
        self.client.restore_login(user.user_id, user.device_id, user.access_token)
        self.room = ""

    async def bot_events(self, bot: str) -> list[dict]:
        """The bot's messages in the direct room, oldest first."""
        found: list[dict] = []
        start = ""
        while True:
            got = await self.client.room_messages(self.room, start=start, limit=500)
            if not isinstance(got, nio.RoomMessagesResponse):
                return found
            found += [
                e.source
                for e in got.chunk
                if e.source.get("type") == "m.room.message" and e.source.get("sender") == bot
            ]
            if not got.chunk or not got.end or got.end == start:
                break
            start = got.end
        found.sort(key=lambda e: e["origin_server_ts"])
        return [e for e in found if "m.new_content" not in e["content"]]  # edits are not new

    async def say(self, text: str) -> None:
        content = {"msgtype": "m.text", "body": text}
        await self.client.room_send(self.room, "m.room.message", content)


async def _onboard(parent: MatrixParent, bot: str, waiting: dict[str, float]) -> None:
    for line in ONBOARDING:
        answered = len(await parent.bot_events(bot))
        await parent.say(line)
        waiting[parent.room] = time.time()
        while len(await parent.bot_events(bot)) <= answered:
            await asyncio.sleep(0.3)
        waiting.pop(parent.room, None)
        await asyncio.sleep(0.5)


def _queue(url: str, rooms: list[str], count: int) -> list[str]:
    engine = db.make_engine(url)
    texts = [f"Tip {n + 1} of {count}" for n in range(count)]
    try:
        with db.make_session_factory(engine).begin() as session:
            items = [
                outbox.Outgoing("matrix", rooms[n % len(rooms)], SendMessage(text))
                for n, text in enumerate(texts)
            ]
            outbox.enqueue(session, items, SystemClock())
    finally:
        engine.dispose()
    return texts


async def soak_matrix(
    synapse: SynapseServer,
    parents: int,
    messages: int,
    kills: int,
    url: str,
    folder: Path,
    seed: int = 1,
) -> Figures:
    rng = random.Random(seed)
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    bot_user = synapse.register_unique("soakbot")
    synapse.set_ratelimit(bot_user.user_id, per_second=1000, burst_count=1000)
    config = folder / "ouderkring-matrix.toml"
    config.write_text(
        f'platforms = ["matrix"]\ncommunities = ["{DEMO}"]\n'
        f'[matrix]\nhomeserver = "{synapse.url}"\nuser_id = "{bot_user.user_id}"\n'
        f'device_id = "{bot_user.device_id}"\n'
        '[monitoring]\nlisten = ""\n'
        '[privacy]\ncontroller = "Soak"\ncontact = "soak@example.org"\n'
    )
    config.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUDERKRING_")}
    env |= {"OUDERKRING_MATRIX_ACCESS_TOKEN": bot_user.access_token, "OUDERKRING_DATABASE_URL": url}
    env["PYTHONPATH"] = str(ROOT)
    bot = Bot(config, env, verbose=True)
    people = [
        MatrixParent(synapse.register_unique("soakparent"), synapse.url) for _ in range(parents)
    ]
    started = time.time()
    restarts: list[float] = []
    killed: list[float] = []
    waiting_at: list[set[str]] = []
    waiting: dict[str, float] = {}
    await bot.start()
    try:
        for parent in people:
            made = await parent.client.room_create(
                is_direct=True,
                invite=[bot_user.user_id],
                preset=nio.RoomPreset.trusted_private_chat,
            )
            assert isinstance(made, nio.RoomCreateResponse), made
            parent.room = made.room_id
        for parent in people:  # the bot accepts the invitations
            while True:
                members = await parent.client.joined_members(parent.room)
                if bot_user.user_id in {m.user_id for m in members.members}:
                    break
                await asyncio.sleep(0.3)
        texts = await asyncio.to_thread(_queue, url, [p.room for p in people], messages)
        onboarding = [asyncio.create_task(_onboard(p, bot_user.user_id, waiting)) for p in people]
        for n in range(kills):
            await bot.wait_for_log("Matrix: syncing as", n + 1, timeout=120)
            await asyncio.sleep(rng.uniform(0.3, 3.0))
            await bot.kill()
            killed.append(time.time())
            waiting_at.append(set(waiting))
            await bot.start()
            restarts.append(time.time())
        await asyncio.wait_for(asyncio.gather(*onboarding), timeout=900)
        want = set(texts)

        async def arrived() -> Counter[str]:
            events = [e for p in people for e in await p.bot_events(bot_user.user_id)]
            return Counter(
                e["content"].get("body") for e in events if e["content"].get("body") in want
            )

        deadline = time.time() + 600
        while set(await arrived()) != want and time.time() < deadline:
            await asyncio.sleep(1)
        await settled(url, [p.room for p in people])  # a second send came by now
        got = await arrived()
        longest = 0.0
        ends = [*killed[1:], float("inf")]
        for restart, end, rooms in zip(restarts, ends, waiting_at, strict=True):
            for parent in people:
                if parent.room not in rooms:
                    continue
                after = [
                    e["origin_server_ts"] / 1000
                    for e in await parent.bot_events(bot_user.user_id)
                    if e["origin_server_ts"] / 1000 >= restart
                ]
                if after and after[0] <= end:
                    longest = max(longest, after[0] - restart)
        onboarded = await asyncio.to_thread(_onboarded, url)
    finally:
        await bot.stop()
        for parent in people:
            await parent.client.close()
    return Figures(
        expected=len(want),
        delivered=len(set(got)),
        lost=len(want - set(got)),
        doubled=sum(n - 1 for n in got.values()),
        kills=kills,
        longest_silence=longest,
        onboarded=onboarded,
        parents=parents,
        seconds=time.time() - started,
        restarts=restarts,
    )
