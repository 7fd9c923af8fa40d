"""Ticker of a trading pair over the WebSocket: prints 5 updates (or stops after 15 s).

Run: python examples/websocket/public/ticker.py  (BFX_WSS_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os

from bfxapi import WSS_HOST, Client
from bfxapi.types import TradingPairTicker
from bfxapi.websocket import subscriptions

UPDATES = 5


async def main() -> None:
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

        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        try:
            await asyncio.wait_for(done.wait(), timeout=15)
        except asyncio.TimeoutError:
            print(f"stopped after 15 s with {len(received)} update(s)")


if __name__ == "__main__":
    asyncio.run(main())
