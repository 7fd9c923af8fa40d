"""Candles and trades of a trading pair over the WebSocket: prints 10 events, or stops after 15 s.

Run: python examples/websocket/public/trades.py  (BFX_WSS_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client
from bfxapi.types import Candle, TradingPairTrade
from bfxapi.websocket import subscriptions

EVENTS = 10


async def main() -> int:
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST)) as bfx:
        count = 0
        done = asyncio.Event()

        def counted() -> None:
            nonlocal count
            count += 1
            if count == EVENTS:
                done.set()

        @bfx.wss.on("candles_update")
        def on_candles_update(subscription: subscriptions.Candles, candle: Candle) -> None:
            print(f"candle {subscription['key']}: open {candle.open}, close {candle.close}, volume {candle.volume}")
            counted()

        @bfx.wss.on("t_trade_execution")
        def on_t_trade_execution(subscription: subscriptions.Trades, trade: TradingPairTrade) -> None:
            side = "buy" if trade.amount > 0 else "sell"
            print(f"trade {subscription['symbol']}: {side} {abs(trade.amount)} at {trade.price}")
            counted()

        async def session() -> None:
            await bfx.wss.connect()
            await bfx.wss.subscribe("candles", key="trade:1m:tBTCUSD")
            await bfx.wss.subscribe("trades", symbol="tBTCUSD")
            await done.wait()

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print(f"stopped after 15 s with {count} event(s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
