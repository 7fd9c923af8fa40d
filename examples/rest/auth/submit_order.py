"""Orders: submit an exchange limit order well below the market, update it, then cancel it.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/auth/submit_order.py
(BFX_REST_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
    ) as bfx:
        ticker = await bfx.rest.public.get_t_ticker("tBTCUSD")
        price = round(ticker.bid * 0.5)  # far from the market: the order rests in the book

        submitted = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.015", price)
        print(f"submit: {submitted.status}: {submitted.text}")
        if submitted.status != "SUCCESS":
            return
        order = submitted.data
        print(f"  order #{order.id}: {order.amount} {order.symbol} at {order.price} ({order.order_status})")

        updated = await bfx.rest.auth.update_order(order.id, amount="0.02", price=price + 100)
        print(f"update: {updated.status}: {updated.text}")
        print(f"  order #{updated.data.id}: {updated.data.amount} at {updated.data.price}")

        cancelled = await bfx.rest.auth.cancel_order(id=order.id)
        print(f"cancel: {cancelled.status}: {cancelled.text}")


if __name__ == "__main__":
    asyncio.run(main())
