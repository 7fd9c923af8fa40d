"""A raw (order by order) book that the client keeps in sync and verifies: ``bfx.wss.order_book(prec="R0")``.

Every checksum Bitfinex sends is checked against the local book; on a mismatch the client empties the book
and subscribes it again. ``order_book.py`` shows the same checks done by hand. Stops after 10 updates.

Run: python examples/websocket/public/raw_order_book.py  (BFX_WSS_HOST selects another server)
"""

import asyncio
import os

from bfxapi import WSS_HOST, Client
from bfxapi.types import TradingPairRawBook
from bfxapi.websocket.order_book import OrderBook

UPDATES = 10


async def main() -> None:
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST)) as bfx:
        updates = 0
        done = asyncio.Event()

        @bfx.wss.on("order_book_update")
        def on_order_book_update(book: OrderBook[TradingPairRawBook]) -> None:
            nonlocal updates
            bid, ask = book.best_bid, book.best_ask
            if bid is None or ask is None:
                return
            print(f"{book.symbol} R0: best bid order #{bid.order_id} {bid.amount} at {bid.price}, "
                  f"best ask order #{ask.order_id} {ask.amount} at {ask.price}")
            updates += 1
            if updates == UPDATES:
                done.set()

        @bfx.wss.on("checksum_mismatch")
        def on_checksum_mismatch(book: OrderBook[TradingPairRawBook], bitfinex: int, local: int) -> None:
            print(f"{book.symbol}: checksum mismatch ({bitfinex} != {local}), the client resyncs it")

        await bfx.wss.connect()
        book = await bfx.wss.order_book("tBTCUSD", prec="R0", len=25)  # returns once the snapshot is in
        print(f"{book.symbol} is {book.state}: {len(book.bids)} bid orders, {len(book.asks)} ask orders")
        try:
            await asyncio.wait_for(done.wait(), timeout=15)
        except asyncio.TimeoutError:
            print("stopped after 15 s")
        print(f"{book.checksums_verified} checksum(s) verified, {book.checksum_mismatches} mismatch(es)")


if __name__ == "__main__":
    asyncio.run(main())
