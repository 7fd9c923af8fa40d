"""A bot that watches its own health without reading logs: one line every ten seconds from ``bfx.wss.stats()`` and
``bfx.rest.stats()``.

For the WebSocket client the line gives the connections open, the subscriptions, the longest silence, the ping
round trip, the frames and bytes received, reconnections, sequence gaps, checksum mismatches and book resyncs, and
the ``heartbeat`` events counted; for REST the requests, errors by type, HTTP 429s, the time waited for the client's
rate limiter, and the median and 99th percentile latency. Prints a line at once and another ten seconds later, then
stops (15 s at most, connecting included).

Run: python examples/websocket/health.py  (BFX_WSS_HOST / BFX_REST_HOST select another server)
"""

import asyncio
import os
import sys
from typing import Any, Optional

from bfxapi import REST_HOST, WSS_HOST, Client
from bfxapi.rest import RestStats
from bfxapi.websocket import WebSocketOptions, WebSocketStats

EVERY = 10.0
LINES = 2


def ms(seconds: Optional[float]) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.1f} ms"


def health_line(wss: WebSocketStats, rest: RestStats, heartbeats: int) -> str:
    """One line saying whether the bot is healthy."""
    opened = sum(1 for connection in wss.connections if connection.state == "open")
    silence = "n/a" if wss.since_last_frame is None else f"{wss.since_last_frame:.1f} s"
    rtts = [connection.ping_rtt for connection in wss.connections if connection.ping_rtt is not None]
    errors = ", ".join(f"{name} {count}" for name, count in rest.errors.items()) or "none"
    return (
        f"health: ws {opened}/{len(wss.connections)} open, {wss.subscriptions} subscriptions, "
        f"silent {silence}, ping {ms(max(rtts) if rtts else None)}, {wss.frames_received} frames "
        f"({wss.bytes_received / 1024:.1f} KiB), {heartbeats} heartbeats, {wss.reconnections} reconnections, "
        f"{wss.sequence_gaps} gaps, {wss.checksum_mismatches} mismatches, {wss.book_resyncs} resyncs | "
        f"rest {rest.requests} requests, errors: {errors}, {rest.rate_limited} x 429, "
        f"limiter wait {rest.limiter_wait:.2f} s, p50 {ms(rest.latency_p50)}, p99 {ms(rest.latency_p99)}"
    )


async def main() -> int:
    # Pinging every 5 s (the default is 20) gives the line a fresh round trip.
    options = WebSocketOptions(ping_interval=5.0)
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST),
                      rest_host=os.environ.get("BFX_REST_HOST", REST_HOST), wss_options=options) as bfx:
        heartbeats = 0

        @bfx.wss.on("heartbeat")
        def on_heartbeat(_subscription: Optional[Any]) -> None:  # the subscription, or None for the account's
            nonlocal heartbeats
            heartbeats += 1

        async def session() -> None:
            await bfx.wss.connect()
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            await bfx.wss.order_book("tBTCUSD", prec="P0", len=25)
            for line in range(LINES):
                if line:
                    await asyncio.sleep(EVERY)
                await bfx.rest.public.get_t_ticker("tBTCUSD")  # the bot's own REST work
                print(health_line(bfx.wss.stats(), bfx.rest.stats(), heartbeats), flush=True)

        try:
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print("stopped after 15 s")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
