"""The WebSocket front end at ``/ws/2``: handshake admission, the event router, public channel handling."""

import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Optional

from aiohttp import WSMsgType, web

from ..wire.frames import error_event
from .channels import SubscribeError, parse_subscription
from .connection import Connection
from .context import ServerContext

__all__ = ["WebSocketFrontEnd", "EventHandler", "ArrayHandler", "CloseHandler"]

EventHandler = Callable[[Connection, Dict[str, Any]], Awaitable[None]]
ArrayHandler = Callable[[Connection, List[Any]], Awaitable[None]]
CloseHandler = Callable[[Connection], Awaitable[None]]


class WebSocketFrontEnd:
    """Serves ``/ws/2``. Events are dispatched through ``events`` (name -> handler); ``register_event`` and
    ``array_handler`` let later modules (authentication, channel-0 inputs) plug in without changes here."""

    def __init__(self, sim: ServerContext) -> None:
        self.sim = sim
        self.events: Dict[str, EventHandler] = {
            "ping": Connection.answer_ping,
            "conf": Connection.answer_conf,
            "subscribe": self._on_subscribe,
            "unsubscribe": self._on_unsubscribe,
        }
        self.array_handler: Optional[ArrayHandler] = None
        #: called when a connection ends, before it is marked closed (e.g. the dead-man switch)
        self.close_handlers: List[CloseHandler] = []

    def register_event(self, name: str, handler: EventHandler) -> None:
        self.events[name] = handler

    def info_event(self) -> Dict[str, Any]:
        return {"event": "info", "version": 2, "serverId": self.sim.server_id,
                "platform": {"status": 0 if self.sim.maintenance else 1}}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        sim = self.sim
        sim.handshakes_attempted += 1
        ip = request.remote or "unknown"
        status = sim.handshake_refusal(ip)
        if status is not None:
            sim.handshakes_refused += 1
            sim.notify()
            return web.Response(status=status, text="Too Many Requests" if status == 429 else "Refused")
        transport = request.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        port = int(peer[1]) if isinstance(peer, tuple) and len(peer) > 1 else 0
        ws = web.WebSocketResponse(compress=False, timeout=1.0, max_msg_size=16 * 1024 * 1024,
                                   writer_limit=4 * 1024 * 1024)
        await ws.prepare(request)
        conn = Connection(len(sim.connections) + 1, (ip, port), ws, transport, sim.notify)
        sim.connections.append(conn)
        sim.notify()
        housekeeping = asyncio.ensure_future(self._housekeeping(conn))
        try:
            await conn.send_event(self.info_event())
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self._dispatch(conn, message.data)
                elif message.type == WSMsgType.BINARY:
                    conn.record_received(bytes(message.data).decode("utf-8", "replace"))
                else:
                    break
        finally:
            housekeeping.cancel()
            try:
                await housekeeping
            except asyncio.CancelledError:
                pass
            for close_handler in list(self.close_handlers):
                await close_handler(conn)
            conn.mark_closed(ws.close_code if ws.close_code is not None else 1006)
        return ws

    async def _dispatch(self, conn: Connection, text: str) -> None:
        data = conn.record_received(text)
        if isinstance(data, dict):
            name = data.get("event")
            handler = self.events.get(name) if isinstance(name, str) else None
            if handler is None:
                await conn.send_event(error_event(10000, "event: invalid"))
            else:
                await handler(conn, data)
        elif isinstance(data, list):
            array_handler = self.array_handler
            if array_handler is not None:
                await array_handler(conn, data)
        # anything else (non-JSON, scalars, unhandled arrays): no reply, the socket stays open

    # --- events ---------------------------------------------------------------------------------------------------
    async def _on_subscribe(self, conn: Connection, data: Dict[str, Any]) -> None:
        sim = self.sim
        async with sim.market_lock:
            try:
                sub = parse_subscription(data, sim.market)
            except SubscribeError as error:
                if error.code:
                    await conn.send_event(error_event(error.code, error.msg, error.echo))
                return
            echo = {k: v for k, v in data.items() if k != "event"}
            for chan_id, existing in conn.subscriptions.items():
                if existing.identity == sub.identity:
                    await conn.send_event(error_event(10301, "subscribe: dup", {**echo, "chanId": chan_id}))
                    return
            if len(conn.subscriptions) >= sim.subscription_limit:
                await conn.send_event(error_event(10305, "subscribe: limit", echo))
                return
            sub.chan_id = sim.next_chan_id()
            ack: Dict[str, Any] = {"event": "subscribed", "channel": sub.channel, "chanId": sub.chan_id}
            ack.update(sub.ack_fields)
            if "subId" in data:
                ack["subId"] = data["subId"]
            sub.ack = ack
            sub.delayed_trade_updates = sim.trade_update_delay > 0
            conn.subscriptions[sub.chan_id] = sub
            await conn.send_event(ack)
            await conn.send_channel(sub.chan_id, sub.snapshot(sim.market, sim.trades_snapshot_size,
                                                              sim.candles_snapshot_size))

    async def _on_unsubscribe(self, conn: Connection, data: Dict[str, Any]) -> None:
        async with self.sim.market_lock:
            chan_id = data.get("chanId")
            sub = conn.subscriptions.pop(chan_id, None) if isinstance(chan_id, int) else None
            if sub is None:
                await conn.send_event(error_event(10400, "unsubscribe: invalid", {"chanId": chan_id}))
                return
            await conn.send_event({"event": "unsubscribed", "status": "OK", "chanId": chan_id})

    # --- heartbeats and idle close --------------------------------------------------------------------------------
    async def _housekeeping(self, conn: Connection) -> None:
        """Heartbeats on one clock per connection (``hb`` on every channel at once, channel 0 included, busy or
        quiet: see :mod:`.cadence`), and the close of an idle socket."""
        sim = self.sim
        candidates = [x for x in (sim.heartbeat_interval, sim.idle_timeout) if x]
        if not candidates:
            return
        tick = min(*candidates, 1.0) / 4
        loop = asyncio.get_running_loop()
        next_hb = conn.opened_at + (sim.heartbeat_interval or 0.0)
        while conn.open:
            await asyncio.sleep(tick)
            now = loop.time()
            # an authenticated socket has channel 0 open, so it is never idle
            channel0 = "auth" in conn.extensions
            if sim.idle_timeout and not conn.subscriptions and not channel0 and \
                    now - conn.last_activity >= sim.idle_timeout:
                conn.abort()
                return
            if sim.heartbeat_interval and now >= next_hb:
                next_hb += sim.heartbeat_interval * ((now - next_hb) // sim.heartbeat_interval + 1)
                async with sim.market_lock:
                    for chan_id in list(conn.subscriptions):
                        await conn.send_channel(chan_id, [["hb"]])
                    if channel0 and "auth" in conn.extensions:
                        await conn.send_channel(0, [["hb"]])
