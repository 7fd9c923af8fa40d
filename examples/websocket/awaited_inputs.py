"""Inputs that return Bitfinex's answer, many in flight at once.

Every input (``submit_order``, ``update_order``, ``cancel_order``, ...) waits for its ``*-req`` notification
and returns it; answers are matched to their inputs by identity, so they can all be sent concurrently with
``asyncio.gather``. A refused input is not an exception: its notification says ``ERROR`` and why.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/websocket/awaited_inputs.py
(BFX_REST_HOST / BFX_WSS_HOST select another server, e.g. the simulator). Gives up if it cannot connect in 15 s.
"""

import asyncio
import os
import sys

from bfxapi import REST_HOST, WSS_HOST, Client

ORDERS = 5


async def main() -> int:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
        wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST),
    ) as bfx:
        # connect() retries for up to 15 min (Client(timeout=...)): give up sooner. Only connecting is bounded:
        # each input waits 10 s at most for its answer, and stopping midway could leave an order in the book.
        try:
            await asyncio.wait_for(bfx.wss.connect(), timeout=15)
        except asyncio.TimeoutError:
            print("could not connect within 15 s", file=sys.stderr)
            return 1
        ticker = await bfx.rest.public.get_t_ticker("tBTCUSD")
        # A ladder of bids from 48 % to 40 % below the market: they all rest in the book
        prices = [round(ticker.bid * (0.52 + 0.02 * step)) for step in range(ORDERS)]

        submitted = await asyncio.gather(*(
            bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", price) for price in prices
        ))
        for notification in submitted:
            order = notification.data
            print(f"submit: {notification.status}: order #{order.id} (cid {order.cid}) at {order.price}")
        ids = [n.data.id for n in submitted if n.status == "SUCCESS"]

        updated = await asyncio.gather(*(bfx.wss.inputs.update_order(id, amount="0.002") for id in ids))
        for notification in updated:
            print(f"update: {notification.status}: order #{notification.data.id} is now {notification.data.amount}")

        # Refused: far more than the account holds. The notification tells why.
        refused = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "1000", prices[0])
        print(f"submit 1000 BTC: {refused.status}: {refused.text}")

        cancelled = await asyncio.gather(*(bfx.wss.inputs.cancel_order(id=id) for id in ids))
        print(f"cancel: {sum(n.status == 'SUCCESS' for n in cancelled)} of {len(ids)} orders cancelled")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
