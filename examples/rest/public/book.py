"""Order books over REST: aggregated and raw, for a trading pair and a funding currency.

Run: python examples/rest/public/book.py  (BFX_REST_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(rest_host=os.environ.get("BFX_REST_HOST", REST_HOST)) as bfx:
        t_book = await bfx.rest.public.get_t_book("tBTCUSD", "P0", len=25)
        bids = [level for level in t_book if level.amount > 0]
        asks = [level for level in t_book if level.amount < 0]
        print(f"tBTCUSD P0: {len(bids)} bid levels, {len(asks)} ask levels")
        print(f"  best bid {bids[0].price} ({bids[0].amount}), best ask {asks[0].price} ({asks[0].amount})")

        t_raw_book = await bfx.rest.public.get_t_raw_book("tBTCUSD", len=25)
        print(f"tBTCUSD R0: {len(t_raw_book)} orders, first: id {t_raw_book[0].order_id} at {t_raw_book[0].price}")

        f_book = await bfx.rest.public.get_f_book("fUSD", "P0", len=25)
        print(f"fUSD P0: {len(f_book)} levels, first: rate {f_book[0].rate} for {f_book[0].period} days")

        f_raw_book = await bfx.rest.public.get_f_raw_book("fUSD", len=25)
        print(f"fUSD R0: {len(f_raw_book)} offers, first: id {f_raw_book[0].offer_id} at rate {f_raw_book[0].rate}")


if __name__ == "__main__":
    asyncio.run(main())
