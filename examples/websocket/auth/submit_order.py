"""Submit an order over the authenticated WebSocket, see it appear in the account, then cancel it.

Inputs return Bitfinex's answer (the ``on-req`` notification); the account events (``order_new``,
``order_cancel``) arrive on their own.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/websocket/auth/submit_order.py
(BFX_REST_HOST / BFX_WSS_HOST select another server, e.g. the simulator). Gives up if it cannot connect in 15 s.
"""

import asyncio
import os
import sys
from typing import Any

from bfxapi import REST_HOST, WSS_HOST, Client
from bfxapi.types import Order


async def main() -> int:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
        wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST),
    ) as bfx:
        cancelled = asyncio.Event()

        @bfx.wss.on("authenticated")
        def on_authenticated(data: dict[str, Any]) -> None:
            print(f"authenticated as user {data['userId']}")

        @bfx.wss.on("order_new")
        def on_order_new(order: Order) -> None:
            print(f"order_new: #{order.id} {order.order_type} {order.amount} {order.symbol} at {order.price}")

        @bfx.wss.on("order_cancel")
        def on_order_cancel(order: Order) -> None:
            print(f"order_cancel: #{order.id} {order.order_status}")
            cancelled.set()

        # connect() retries for up to 15 min (Client(timeout=...)): give up sooner. Only connecting is bounded:
        # each input waits 10 s at most for its answer, and stopping midway could leave an order in the book.
        try:
            await asyncio.wait_for(bfx.wss.connect(), timeout=15)
        except asyncio.TimeoutError:
            print("could not connect within 15 s", file=sys.stderr)
            return 1
        ticker = await bfx.rest.public.get_t_ticker("tBTCUSD")
        price = round(ticker.bid * 0.5)  # far from the market: the order rests in the book

        notification = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", price)
        print(f"on-req: {notification.status}: {notification.text}")
        if notification.status == "SUCCESS":
            answer = await bfx.wss.inputs.cancel_order(id=notification.data.id)
            print(f"oc-req: {answer.status}: {answer.text}")
            await asyncio.wait_for(cancelled.wait(), timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
