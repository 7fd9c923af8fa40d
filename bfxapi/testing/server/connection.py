"""Per-connection state: flags, subscriptions, sequence counter, the recorded traffic, stall buffer."""

import asyncio
import json
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from aiohttp import web

from ..wire.encoding import dumps
from ..wire.frames import FLAG_SEQ_ALL, FLAG_TIMESTAMP, error_event
from .channels import Subscription

__all__ = ["Connection", "LOST_INPUTS", "now_ms"]

#: key of ``Connection.extensions``: how many inbound inputs the server is still to ignore (a fault)
LOST_INPUTS = "lost_inputs"


def now_ms() -> int:
    return int(time.time() * 1000)


class Connection:
    """One WebSocket connection to the simulator, as seen by the server.

    Attributes for tests: ``id`` (1, 2, … in opening order), ``remote`` (``(ip, port)``), ``received`` (client
    messages parsed from JSON, or the raw text when it was not JSON), ``received_text``, ``sent`` (every frame
    written to the socket, parsed), ``sent_text`` (the exact wire text), ``flags`` (current conf flags),
    ``subscriptions`` (chanId -> :class:`Subscription`), ``open``/``closed``, ``close_code``,
    ``stalled``.
    ``extensions`` is a free dict for later server modules (e.g. authentication state).
    """

    def __init__(self, conn_id: int, remote: Tuple[str, int], ws: web.WebSocketResponse,
                 transport: Optional[asyncio.Transport], notify: Callable[[], None]) -> None:
        self.id = conn_id
        self.remote = remote
        self.received: List[Any] = []
        self.received_text: List[str] = []
        self.sent: List[Any] = []
        self.sent_text: List[str] = []
        self.flags = 0
        self.subscriptions: Dict[int, Subscription] = {}
        self.closed = False
        self.close_code: Optional[int] = None
        self.stalled = False
        self.seq = 0
        self.extensions: Dict[str, Any] = {}
        self.opened_at = asyncio.get_running_loop().time()
        self.last_activity = self.opened_at
        self._ws = ws
        self._transport = transport
        self._notify = notify
        self._lock = asyncio.Lock()
        self._held: List[Tuple[str, Any]] = []
        self._closed_event = asyncio.Event()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Connection {self.id} {state} flags={self.flags} subscriptions={len(self.subscriptions)}>"

    @property
    def open(self) -> bool:
        """True until the socket is closed (by either side or a fault)."""
        return not self.closed

    @property
    def ip(self) -> str:
        return self.remote[0]

    # --- receiving ------------------------------------------------------------------------------------------------
    def record_received(self, text: str) -> Any:
        """Record a client text message; returns the parsed JSON or ``None`` when it is not JSON."""
        self.last_activity = asyncio.get_running_loop().time()
        self.received_text.append(text)
        try:
            data = json.loads(text)
        except ValueError:
            self.received.append(text)
            self._notify()
            return None
        self.received.append(data)
        self._notify()
        return data

    # --- sending --------------------------------------------------------------------------------------------------
    def frame(self, chan_id: int, body: List[Any]) -> List[Any]:
        """Frame a channel body: ``[CHAN, *body]`` plus SEQ and then MTS when the flags ask for them."""
        self.seq += 1
        array = [chan_id, *body]
        if self.flags & FLAG_SEQ_ALL:
            array.append(self.seq)
        if self.flags & FLAG_TIMESTAMP:
            array.append(now_ms())
        return array

    async def send_event(self, event: Dict[str, Any]) -> None:
        """Send a control event (object); events carry no sequence number."""
        async with self._lock:
            await self._write(dumps(event), event)

    async def answer_ping(self, data: Dict[str, Any]) -> None:
        """``pong`` with the server's time, echoing the ping's ``cid``."""
        pong: Dict[str, Any] = {"event": "pong", "ts": now_ms()}
        if "cid" in data:
            pong["cid"] = data["cid"]
        await self.send_event(pong)

    async def answer_conf(self, data: Dict[str, Any]) -> None:
        """Take the ``conf`` event's flags (10050 when they are not a non-negative int) and confirm them."""
        flags = data.get("flags")
        if not isinstance(flags, int) or isinstance(flags, bool) or flags < 0:
            await self.send_event(error_event(10050, "conf: invalid", {"flags": flags}))
            return
        self.flags = flags
        await self.send_event({"event": "conf", "status": "OK", "flags": flags})

    async def send_channel(self, chan_id: int, bodies: List[List[Any]]) -> None:
        """Send channel frames in order, numbering each one."""
        if not bodies:
            return
        async with self._lock:
            for body in bodies:
                array = self.frame(chan_id, body)
                await self._write(dumps(array), array)

    async def send_arrays(self, build: Callable[[], List[List[Any]]]) -> None:
        """Send arrays built (and numbered) by ``build`` while holding the write lock, so numbering and
        writing happen in one step (channel 0 numbers its own frames)."""
        async with self._lock:
            for array in build():
                await self._write(dumps(array), array)

    async def send_raw(self, text: str) -> None:
        """Send text exactly as given (fault injection); it is not numbered."""
        async with self._lock:
            try:
                data: Any = json.loads(text)
            except (ValueError, RecursionError):  # an injected frame may be anything, a hostile depth included
                data = text
            await self._write(text, data)

    async def _write(self, text: str, data: Any) -> None:
        if self.closed:
            return
        if self.stalled:
            self._held.append((text, data))
            return
        try:
            await self._ws.send_str(text)
        except (ConnectionError, RuntimeError):
            return
        self.sent_text.append(text)
        self.sent.append(data)
        self._notify()

    # --- faults ---------------------------------------------------------------------------------------------------
    def stall(self) -> None:
        self.stalled = True

    async def unstall(self, flush: bool = True) -> None:
        async with self._lock:
            self.stalled = False
            held, self._held = self._held, []
            if flush:
                for text, data in held:
                    await self._write(text, data)

    def abort(self) -> None:
        """Abort the transport: no close frame, the client sees an abnormal closure (1006)."""
        if self._transport is not None and not self._transport.is_closing():
            self._transport.abort()

    async def close(self, code: int = 1000, timeout: float = 1.0) -> None:
        """Close with a close frame; abort if the client does not answer in time."""
        if self.closed:
            return
        try:
            await asyncio.wait_for(self._ws.close(code=code), timeout)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError):
            self.abort()

    def mark_closed(self, code: Optional[int]) -> None:
        if self.closed:
            return
        self.closed = True
        self.close_code = code
        self._closed_event.set()
        self._notify()

    async def wait_closed(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._closed_event.wait(), timeout)
