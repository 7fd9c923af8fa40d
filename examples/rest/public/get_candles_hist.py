"""Historical candles of a trading pair and of a funding currency.

Run: python examples/rest/public/get_candles_hist.py  (BFX_REST_HOST selects another server)
"""

import asyncio
import os
from datetime import datetime, timezone

from bfxapi import REST_HOST, Client


def when(mts: int) -> str:
    return datetime.fromtimestamp(mts / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M")


async def main() -> None:
    async with Client(rest_host=os.environ.get("BFX_REST_HOST", REST_HOST)) as bfx:
        candles = await bfx.rest.public.get_candles_hist("tBTCUSD", "1m", limit=5)
        print("tBTCUSD, 1m candles (newest first):")
        for candle in candles:
            print(f"  {when(candle.mts)} open {candle.open} close {candle.close} "
                  f"high {candle.high} low {candle.low} volume {candle.volume}")

        # Funding candles: aggregated (a30) over periods from 2 to 30 days
        candles = await bfx.rest.public.get_candles_hist("fUSD:a30:p2:p30", "15m", limit=5)
        print("fUSD:a30:p2:p30, 15m candles (newest first):")
        for candle in candles:
            print(f"  {when(candle.mts)} open {candle.open} close {candle.close}")


if __name__ == "__main__":
    asyncio.run(main())
