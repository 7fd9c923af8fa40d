"""Shared fixtures for the simulator tests: a manual-mode simulator and a raw WebSocket client factory.

The raw client is plain ``websockets``; it deliberately does not use the bfxapi client.
"""

import asyncio
import json
from typing import Any, AsyncIterator, Awaitable, Callable, List

import pytest
import websockets


class RawClient:
    """A bare WebSocket client that keeps every text frame it read, exactly as received."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.texts: List[str] = []

    async def send(self, message: Any) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def recv_text(self, timeout: float = 5.0) -> str:
        text = await asyncio.wait_for(self.ws.recv(), timeout)
        self.texts.append(text)
        return text

    async def recv(self, timeout: float = 5.0) -> Any:
        return json.loads(await self.recv_text(timeout))

    async def recv_until(self, predicate: Callable[[Any], bool], timeout: float = 5.0) -> List[Any]:
        """Read frames until one matches; return all frames read (the match last)."""
        frames: List[Any] = []
        while True:
            frames.append(await self.recv(timeout))
            if predicate(frames[-1]):
                return frames

    async def catch_up(self, conn: Any, timeout: float = 5.0) -> List[str]:
        """Read exactly the frames the server has recorded as sent on ``conn`` but not read yet."""
        texts = []
        while len(self.texts) < len(conn.sent_text):
            texts.append(await self.recv_text(timeout))
        return texts

    async def subscribe(self, **fields: Any) -> List[Any]:
        """Subscribe and return ``[ack, snapshot]``."""
        await self.send({"event": "subscribe", **fields})
        ack = await self.recv()
        assert ack["event"] == "subscribed", ack
        return [ack, await self.recv()]


@pytest.fixture
async def make_sim() -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    from bfxapi.testing import Simulator  # pylint: disable=import-outside-toplevel
    started: List[Any] = []

    async def factory(**options: Any) -> Any:
        options.setdefault("seed", 7)
        options.setdefault("auto_market", False)
        options.setdefault("heartbeat_interval", None)
        options.setdefault("start_time", 1_700_000_000_000)
        sim = Simulator(**options)
        await sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


@pytest.fixture
async def sim(make_sim: Callable[..., Awaitable[Any]]) -> Any:
    return await make_sim()


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., Awaitable[RawClient]]]:
    sockets: List[Any] = []

    async def factory(sim: Any, read_info: bool = True) -> RawClient:
        ws = await websockets.connect(sim.wss_host, open_timeout=5, ping_interval=None)
        sockets.append(ws)
        client = RawClient(ws)
        if read_info:
            info = await client.recv()
            assert info["event"] == "info"
        return client

    yield factory
    for ws in sockets:
        await ws.close()
