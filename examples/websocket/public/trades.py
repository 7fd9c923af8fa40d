"""Candles and trades of a trading pair over the WebSocket: prints 10 events (or stops after 15 s).

Run: python examples/websocket/public/trades.py  (BFX_WSS_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os

from bfxapi import WSS_HOST, Client
from bfxapi.types import Candle, TradingPairTrade
from bfxapi.websocket import subscriptions

EVENTS = 10


async def main() -> None:
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

        await bfx.wss.connect()
        await bfx.wss.subscribe("candles", key="trade:1m:tBTCUSD")
        await bfx.wss.subscribe("trades", symbol="tBTCUSD")
        try:
            await asyncio.wait_for(done.wait(), timeout=15)
        except asyncio.TimeoutError:
            print(f"stopped after 15 s with {count} event(s)")


if __name__ == "__main__":
    asyncio.run(main())
