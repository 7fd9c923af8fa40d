"""Helpers for the WebSocket client tests: short timings, and waiting on client events without sleeping."""

import asyncio
import dataclasses
from typing import Any, Callable, Optional

from bfxapi import Client
from bfxapi.testing import Simulator
from bfxapi.websocket import Backoff, WebSocketOptions

#: timings for tests: reconnect within tens of milliseconds, detect silence within a second
FAST = WebSocketOptions(
    backoff=Backoff(initial=0.05, maximum=0.2, jitter=0.1),
    ping_interval=0.3,
    silence_limit=1.0,
    subscribe_timeout=3.0,
    open_timeout=3.0,
    close_timeout=0.5,
    public_connection_limit=(None, 0.0),
    auth_connection_limit=(None, 0.0),
    input_timeout=3.0,
)


class ManagedSimulator(Simulator):
    """The simulator, closing on exit every client the helpers below made for it: a test that fails half-way
    leaves no running client behind to disturb the next tests (or their checks for leaked tasks)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.clients: list[Client] = []

    async def __aexit__(self, *exc: Any) -> None:
        for bfx in self.clients:
            await bfx.close()
        await super().__aexit__(*exc)


def simulator(**options: Any) -> ManagedSimulator:
    """A simulator stepped by the test, with quick heartbeats and no connection-rate limit."""
    defaults: dict[str, Any] = {
        "seed": 7,
        "auto_market": False,
        "heartbeat_interval": 0.2,
        "connection_limit": None,
        "idle_timeout": None,
    }
    defaults.update(options)
    return ManagedSimulator(**defaults)


def _owned(sim: Simulator, bfx: Client) -> Client:
    if isinstance(sim, ManagedSimulator):
        sim.clients.append(bfx)
    return bfx


def client(sim: Simulator, options: WebSocketOptions = FAST, **kwargs: Any) -> Client:
    """A client of the simulator (closed with it), with FAST timings."""
    return _owned(sim, Client(**{"wss_host": sim.wss_host, "rest_host": sim.rest_host, "wss_options": options,
                                 **kwargs}))


def auth_client(sim: Simulator, account: Any, **options: Any) -> Client:
    """A client of ``account`` on the simulator (closed with it), with FAST timings changed by ``options``."""
    return _owned(sim, Client(account.api_key, account.api_secret, wss_host=sim.wss_host, rest_host=sim.rest_host,
                              wss_options=dataclasses.replace(FAST, **options)))


def auth_connection(sim: Simulator) -> Any:
    """The simulator connection that received an ``auth`` event."""
    return next(c for c in sim.connections if c.open and any(
        isinstance(m, dict) and m.get("event") == "auth" for m in c.received))


class Recorder:
    """Records the events of a client; ``wait`` returns once a condition on them holds."""

    def __init__(self, bfx: Client, *events: str) -> None:
        self.records: list[tuple[str, tuple[Any, ...]]] = []
        self._changed = asyncio.Event()
        for event in events:
            bfx.wss.on(event, callback=self._recorder(event))

    def _recorder(self, event: str) -> Callable[..., None]:
        def record(*args: Any) -> None:
            self.records.append((event, args))
            self._changed.set()

        return record

    def poke(self) -> None:
        """Wake ``wait`` (for conditions on state other than the recorded events)."""
        self._changed.set()

    def of(self, event: str, sub_id: Optional[str] = None) -> list[tuple[Any, ...]]:
        """The arguments of every ``event`` recorded (only those of ``sub_id`` if given)."""
        return [
            args
            for name, args in self.records
            if name == event and (sub_id is None or (args and isinstance(args[0], dict) and args[0].get("sub_id") == sub_id))
        ]

    def count(self, event: str, sub_id: Optional[str] = None) -> int:
        return len(self.of(event, sub_id))

    async def wait(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        async def loop() -> Any:
            while True:
                value = predicate()
                if value:
                    return value
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(loop(), timeout)

    async def wait_count(self, event: str, count: int, sub_id: Optional[str] = None, timeout: float = 5.0) -> None:
        await self.wait(lambda: self.count(event, sub_id) >= count, timeout)


def subscribes(connection: Any) -> list[dict[str, Any]]:
    """The subscribe requests a simulator connection received."""
    return [m for m in connection.received if isinstance(m, dict) and m.get("event") == "subscribe"]


def open_connections(sim: Simulator) -> list[Any]:
    return [c for c in sim.connections if c.open]
