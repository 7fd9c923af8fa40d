"""Public trades of a trading pair (oldest first) and of a funding currency (newest first).

Run: python examples/rest/public/trades.py  (BFX_REST_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(rest_host=os.environ.get("BFX_REST_HOST", REST_HOST)) as bfx:
        t_trades = await bfx.rest.public.get_t_trades("tBTCUSD", limit=15, sort=+1)
        print(f"tBTCUSD: {len(t_trades)} trades, oldest first")
        for trade in t_trades[:5]:
            side = "buy " if trade.amount > 0 else "sell"
            print(f"  #{trade.id} {side} {abs(trade.amount)} BTC at {trade.price}")

        f_trades = await bfx.rest.public.get_f_trades("fUSD", limit=15, sort=-1)
        print(f"fUSD: {len(f_trades)} trades, newest first")
        for f_trade in f_trades[:5]:
            print(f"  #{f_trade.id} {f_trade.amount} USD at {f_trade.rate} per day for {f_trade.period} days")


if __name__ == "__main__":
    asyncio.run(main())
