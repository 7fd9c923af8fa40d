"""Ticker of a trading pair over the WebSocket: prints 5 updates, or stops after 15 s.

Run: python examples/websocket/public/ticker.py  (BFX_WSS_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client
from bfxapi.types import TradingPairTicker
from bfxapi.websocket import subscriptions

UPDATES = 5


async def main() -> int:
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST)) as bfx:
        received: list[TradingPairTicker] = []
        done = asyncio.Event()

        @bfx.wss.on("t_ticker_update")
        def on_t_ticker_update(subscription: subscriptions.Ticker, ticker: TradingPairTicker) -> None:
            print(f"[{subscription['sub_id'][:8]}] {subscription['symbol']}: last {ticker.last_price}, "
                  f"bid {ticker.bid}, ask {ticker.ask}, 24h volume {ticker.volume}")
            received.append(ticker)
            if len(received) == UPDATES:
                done.set()

        async def session() -> None:
            await bfx.wss.connect()
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            await done.wait()

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print(f"stopped after 15 s with {len(received)} update(s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
