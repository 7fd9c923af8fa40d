"""A hostile WebSocket server for the tests: a relay in front of the simulator that misbehaves on purpose.

Each client connection is relayed to a fresh connection of the simulator, frame for frame in both directions,
after the relay has played the plan given for that connection: frames sent before (or instead of) the
simulator's greeting, or a close. Mid-connection faults (floods, bad frames, gaps, stalls) come from the
simulator's own fault injection; the relay adds what the simulator cannot do: lie from the first frame on.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Any, Optional

import aiohttp
from aiohttp import WSMsgType, web


@dataclass
class Plan:
    """What the relay does to one connection: ``before`` is sent first; with ``drop_greeting`` the simulator's
    info frame is not relayed; with ``close_after`` the relay closes once it sent ``before`` (never relaying)."""

    before: list[str] = field(default_factory=list)
    drop_greeting: bool = False
    close_after: bool = False


class HostileRelay:
    """``async with HostileRelay(sim.wss_host) as relay:`` serves on ``relay.url``; ``relay.plans`` is consumed one
    per connection (connections without a plan are relayed faithfully)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.plans: list[Plan] = []
        self.connections = 0
        self._runner: Optional[web.AppRunner] = None
        self._session: Optional[aiohttp.ClientSession] = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/2"

    async def __aenter__(self) -> "HostileRelay":
        app = web.Application()
        app.router.add_get("/ws/2", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # pylint: disable=protected-access
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self._session is not None and self._runner is not None
        await self._session.close()
        await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        client = web.WebSocketResponse()
        await client.prepare(request)
        self.connections += 1
        plan = self.plans.pop(0) if self.plans else Plan()
        for text in plan.before:
            await client.send_str(text)
        if plan.close_after:
            await client.close()
            return client
        assert self._session is not None
        async with self._session.ws_connect(self.upstream) as server:
            greeting = await server.receive()
            if not plan.drop_greeting and greeting.type is WSMsgType.TEXT:
                await client.send_str(greeting.data)
            await asyncio.gather(self._pipe(server, client), self._pipe(client, server), return_exceptions=True)
        await client.close()
        return client

    @staticmethod
    async def _pipe(source: Any, sink: Any) -> None:
        async for message in source:
            if message.type is not WSMsgType.TEXT:
                break
            await sink.send_str(message.data)
        await sink.close()
