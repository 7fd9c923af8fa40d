"""Subscriptions consumed as async iterators: ``async with bfx.wss.stream(...) as stream: async for ...``.

A stream subscribes on enter and unsubscribes on exit, and yields ``(event, data)`` in the order the
server sent them. Two streams are read concurrently here: trades (every item matters: the default
``overflow="error"`` raises rather than skip any) and a ticker (only the latest matters: ``drop_oldest``).
Each stops after 5 items; the whole example after 15 s at most, connecting included.

Run: python examples/websocket/async_iteration.py  (BFX_WSS_HOST selects another server)
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client

ITEMS = 5


async def trades(bfx: Client) -> None:
    async with bfx.wss.stream("trades", symbol="tBTCUSD") as stream:
        seen = 0
        async for event, data in stream:
            if event == "t_trades_snapshot":
                print(f"trades: snapshot of the last {len(data)} trades")
            elif event == "t_trade_execution":
                print(f"trades: {data.amount} at {data.price}")
                seen += 1
                if seen == ITEMS:
                    break  # leaving the block unsubscribes


async def tickers(bfx: Client) -> None:
    async with bfx.wss.stream("ticker", symbol="tETHUSD", maxsize=10, overflow="drop_oldest") as stream:
        seen = 0
        async for _, ticker in stream:
            print(f"ticker: tETHUSD last {ticker.last_price}, bid {ticker.bid}, ask {ticker.ask}")
            seen += 1
            if seen == ITEMS:
                break
        print(f"ticker: {stream.dropped} update(s) dropped")


async def main() -> int:
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST)) as bfx:
        async def session() -> None:
            await bfx.wss.connect()
            await asyncio.gather(trades(bfx), tickers(bfx))

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print("stopped after 15 s")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
