"""``Replay``: a WebSocket server that plays a recording (:mod:`.format`) back to any client, at real speed or
``speed`` times faster, as Bitfinex would have sent it.

What a client gets, per connection: ``info`` (version 2, the replay's own ``serverId``); ``conf`` acknowledged
with its flags; ``ping`` answered; subscribe requests for the recorded channels acknowledged with the recorded
``subscribed`` fields under channel ids of the replay's own (and the client's ``subId``), duplicates, unknown
channels and the 26th subscription refused as Bitfinex refuses them (10301, 10300, 10305). Then each channel's
frames, at their recorded times:

* the replay clock starts at the connection's first subscribe request, at the recording's first data frame, and
  runs at ``speed``; a frame recorded at ``t`` goes out when the clock reaches ``t``;
* a channel subscribed before its first update is due gets its recorded snapshot; one subscribed later gets a
  snapshot of the recorded state at that moment (the book, the newest trades and candles, the last row);
* checksums (``cs``, only to a client whose flags ask for OB_CHECKSUM) are recomputed from the replayed book, so
  they verify against it: where the recording has ``cs`` frames they go out at those moments, and a recording made
  without them (the 2021 capture) gets one after each group of book updates recorded in the same millisecond;
* sequence numbers (SEQ_ALL) and timestamps (TIMESTAMP) are the connection's own, as for the simulator;
* heartbeats: one clock per connection, every ``heartbeat_interval`` seconds, on every channel at once.

When the recording ends the channels stay subscribed and quiet (heartbeats only).
"""

import asyncio
import math
import random
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any, Dict, List, Optional, Tuple, Type, Union

from aiohttp import WSMsgType, web

from ..server.changes import Changes
from ..server.connection import Connection
from ..wire.frames import FLAG_OB_CHECKSUM, error_event
from .format import Recording, RecordingError, channel_key, read_recording
from .state import ChannelState

__all__ = ["Replay"]


class _Channel:
    """One subscription of one connection to a recorded channel: its data frames ``(offset, index in the
    recording, body)`` and how far it has played."""

    def __init__(self, chan_id: int, key: str, frames: List[Tuple[int, int, Any]], since: int) -> None:
        self.chan_id = chan_id
        self.key = key
        self.frames = frames
        self.state = ChannelState(key)
        self.recorded_checksums = any(body[:1] == ["cs"] for _, _, body in frames)
        self.position = 0
        # the state at ``since``: the recorded snapshot, then the updates recorded up to that moment
        while self.position < len(frames) and not self.state.has_snapshot:
            self.state.apply(frames[self.position][2])
            self.position += 1
        at_snapshot = self.position
        while self.position < len(frames) and frames[self.position][0] <= since:
            self.state.apply(frames[self.position][2])
            self.position += 1
        #: no update folded in: the client gets the recorded snapshot itself
        self.exact = self.position == at_snapshot

    def snapshot(self) -> Optional[List[Any]]:
        if self.exact and self.state.snapshot_body is not None:
            return list(self.state.snapshot_body)
        return self.state.snapshot()

    def due(self) -> Optional[Tuple[int, int]]:
        """(offset, index in the recording) of the next frame to play, or None at the end."""
        if self.position >= len(self.frames):
            return None
        offset, index, _ = self.frames[self.position]
        return offset, index


class _Session:
    """The replay of one connection."""

    def __init__(self, replay: "Replay", conn: Connection) -> None:
        self.replay = replay
        self.conn = conn
        self.channels: Dict[int, _Channel] = {}
        self.started: Optional[float] = None
        self.changed = asyncio.Event()
        # Subscriptions sent together (as a client does at start) arrive a few ms apart, more on a loaded machine:
        # until a frame has played they all start from the beginning, so none gets a snapshot with frames folded in.
        self.played = False

    def clock(self) -> int:
        """The replay clock: the recording's offset (ms) that plays now."""
        if self.started is None:
            return self.replay.first_offset
        elapsed = asyncio.get_running_loop().time() - self.started
        return self.replay.first_offset + int(elapsed * 1000 * self.replay.speed)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.conn.open:
            pending = [(due, c.chan_id) for c in self.channels.values() if (due := c.due()) is not None]
            if not pending:
                self.changed.clear()
                await self.changed.wait()
                continue
            due, chan_id = min(pending)
            assert self.started is not None
            wait = self.started + (due[0] - self.replay.first_offset) / 1000 / self.replay.speed - loop.time()
            if wait > 0:
                self.changed.clear()
                try:
                    await asyncio.wait_for(self.changed.wait(), wait)
                    continue  # a subscription came or went: look again
                except asyncio.TimeoutError:
                    pass
            channel = self.channels.get(chan_id)
            if channel is not None and channel.due() == due:
                await self._play(channel)

    async def _play(self, channel: _Channel) -> None:
        """Send the next recorded frame of a channel (and, for a recording without checksums, a fresh one)."""
        offset, _, body = channel.frames[channel.position]
        channel.position += 1
        self.played = True
        channel.state.apply(body)
        wants_checksums = bool(self.conn.flags & FLAG_OB_CHECKSUM)
        if body[:1] == ["cs"]:
            if wants_checksums:
                await self.conn.send_channel(channel.chan_id, [["cs", channel.state.checksum()]])
            return
        await self.conn.send_channel(channel.chan_id, [body])
        following = channel.due()
        if (wants_checksums and channel.state.channel == "book" and not channel.recorded_checksums
                and (following is None or following[0] != offset)):
            await self.conn.send_channel(channel.chan_id, [["cs", channel.state.checksum()]])
        self.replay.notify()

    def subscribe(self, key: str) -> _Channel:
        """A channel at the replay clock's moment (the clock starts with the first subscription); it plays once
        :meth:`start_playing` (after its ack and snapshot went out)."""
        if self.started is None:
            self.started = asyncio.get_running_loop().time()
        since = self.clock() if self.played else self.replay.first_offset
        return _Channel(self.replay.next_chan_id(), key, self.replay.frames_of(key), since)

    def start_playing(self, channel: _Channel) -> None:
        self.channels[channel.chan_id] = channel
        self.changed.set()


class Replay(Changes):
    """Serves a recording (a :mod:`.format` file, or the text capture of ``tests/data``) on
    ``ws://HOST:PORT/ws/2``: ``async with Replay("session.jsonl.gz", speed=10) as replay: …replay.wss_host…``.

    ``speed``: how many times faster than recorded (> 0); ``heartbeat_interval``: seconds (None: off);
    ``subscription_limit``: 25, as Bitfinex. ``connections`` lists the connections accepted (with what each was sent,
    :class:`~bfxapi.testing.Connection`)."""

    def __init__(self, recording: Union[str, Path, Recording], *, speed: float = 1.0, host: str = "127.0.0.1",
                 port: int = 0, heartbeat_interval: Optional[float] = 15.0, subscription_limit: int = 25,
                 seed: Any = 0) -> None:
        if not math.isfinite(speed) or speed <= 0:
            raise ValueError(f"speed must be > 0, not {speed!r}")
        self.recording = recording if isinstance(recording, Recording) else read_recording(recording)
        self.speed = float(speed)
        self.host = host
        self.port = port
        self.heartbeat_interval = heartbeat_interval
        self.subscription_limit = subscription_limit
        rng = random.Random(f"{seed}:replay")
        self.server_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self._next_chan = 10_000 + rng.randint(0, 89_999)
        self.connections: List[Connection] = []
        self._by_key: Dict[str, List[Tuple[int, int, Any]]] = {}
        for index, (offset, key, body) in enumerate(self.recording.frames):
            if key is not None and isinstance(body, list) and body:
                self._by_key.setdefault(key, []).append((offset, index, body))
        for key in self.recording.channels:
            self._by_key.setdefault(key, [])
        self._acks = self.recording.acks()
        data = [offset for offset, key, body in self.recording.frames if key is not None and isinstance(body, list)]
        #: the offset of the recording's first data frame: where every connection's replay starts
        self.first_offset = min(data) if data else 0
        self._runner: Optional[web.AppRunner] = None

    # --- lifecycle ------------------------------------------------------------------------------------------------
    @property
    def wss_host(self) -> str:
        return f"ws://{self.host}:{self.port}/ws/2"

    @property
    def channels(self) -> List[str]:
        """The subscription keys a client can subscribe to."""
        return sorted(self._by_key)

    def client_kwargs(self) -> Dict[str, Any]:
        """``wss_host`` for a bfxapi ``Client`` (public channels only: a replay has no REST and no accounts)."""
        return {"wss_host": self.wss_host}

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/ws/2", self._handle)
        app.router.add_get("/v2/platform/status", self._platform_status)
        return app

    async def start(self) -> None:
        self._changed = asyncio.Event()
        self._runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        await asyncio.gather(*(conn.close(1001) for conn in self.connections if conn.open))
        for conn in self.connections:
            if conn.open:
                conn.abort()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "Replay":
        await self.start()
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        traceback: Optional[TracebackType]) -> None:
        await self.stop()

    # --- the recording --------------------------------------------------------------------------------------------
    def frames_of(self, key: str) -> List[Tuple[int, int, Any]]:
        return self._by_key.get(key, [])

    def next_chan_id(self) -> int:
        self._next_chan += 1
        return self._next_chan

    # --- the WebSocket --------------------------------------------------------------------------------------------
    async def _platform_status(self, _: web.Request) -> web.Response:
        return web.Response(text="[1]", content_type="application/json")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        port = int(peer[1]) if isinstance(peer, tuple) and len(peer) > 1 else 0
        ws = web.WebSocketResponse(compress=False, timeout=1.0, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        conn = Connection(len(self.connections) + 1, (request.remote or "unknown", port), ws, transport, self.notify)
        self.connections.append(conn)
        session = _Session(self, conn)
        tasks = [asyncio.ensure_future(session.run()), asyncio.ensure_future(self._heartbeats(session))]
        try:
            await conn.send_event({"event": "info", "version": 2, "serverId": self.server_id,
                                   "platform": {"status": 1}})
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    break
                data = conn.record_received(message.data)
                if isinstance(data, dict):
                    await self._event(session, data)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            conn.mark_closed(ws.close_code if ws.close_code is not None else 1006)
        return ws

    async def _event(self, session: _Session, data: Dict[str, Any]) -> None:
        conn = session.conn
        name = data.get("event")
        if name == "ping":
            await conn.answer_ping(data)
        elif name == "conf":
            await conn.answer_conf(data)
        elif name == "subscribe":
            await self._subscribe(session, data)
        elif name == "unsubscribe":
            chan_id = data.get("chanId")
            if isinstance(chan_id, int) and session.channels.pop(chan_id, None) is not None:
                session.changed.set()
                await conn.send_event({"event": "unsubscribed", "status": "OK", "chanId": chan_id})
            else:
                await conn.send_event(error_event(10400, "unsubscribe: invalid", {"chanId": chan_id}))
        else:
            await conn.send_event(error_event(10000, "event: invalid"))

    async def _subscribe(self, session: _Session, data: Dict[str, Any]) -> None:
        conn = session.conn
        echo = {k: v for k, v in data.items() if k != "event"}
        try:
            key = channel_key(data)
        except RecordingError:
            await conn.send_event(error_event(10300, "channel: unknown", echo))
            return
        if key not in self._by_key:
            await conn.send_event(error_event(10300, "symbol: invalid", echo))
            return
        for chan_id, existing in session.channels.items():
            if existing.key == key:
                await conn.send_event(error_event(10301, "subscribe: dup", {**echo, "chanId": chan_id}))
                return
        if len(session.channels) >= self.subscription_limit:
            await conn.send_event(error_event(10305, "subscribe: limit", echo))
            return
        channel = session.subscribe(key)
        recorded = self._acks.get(key, {})
        ack: Dict[str, Any] = {"event": "subscribed", "channel": data.get("channel"), "chanId": channel.chan_id}
        ack.update({k: v for k, v in recorded.items() if k not in ("event", "chanId", "subId")})
        if "subId" in data:
            ack["subId"] = data["subId"]
        await conn.send_event(ack)
        snapshot = channel.snapshot()
        if snapshot is not None:
            await conn.send_channel(channel.chan_id, [snapshot])
        session.start_playing(channel)

    async def _heartbeats(self, session: _Session) -> None:
        interval = self.heartbeat_interval
        if not interval:
            return
        conn = session.conn
        while conn.open:
            await asyncio.sleep(interval)
            for chan_id in list(session.channels):
                await conn.send_channel(chan_id, [["hb"]])
