"""A raw (order by order) book that the client keeps in sync and verifies: ``bfx.wss.order_book(prec="R0")``.

Every checksum Bitfinex sends is checked against the local book; on a mismatch the client empties the book
and subscribes it again. ``order_book.py`` shows the same checks done by hand. Stops after 10 updates (or 15 s).

Run: python examples/websocket/public/raw_order_book.py  (BFX_WSS_HOST selects another server)
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client
from bfxapi.types import TradingPairRawBook
from bfxapi.websocket.order_book import OrderBook

UPDATES = 10


async def main() -> int:
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

        async def session() -> None:
            await bfx.wss.connect()
            book = await bfx.wss.order_book("tBTCUSD", prec="R0", len=25)  # returns once the snapshot is in
            print(f"{book.symbol} is {book.state}: {len(book.bids)} bid orders, {len(book.asks)} ask orders")
            await done.wait()
            print(f"{book.checksums_verified} checksum(s) verified, {book.checksum_mismatches} mismatch(es)")

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print(f"stopped after 15 s with {updates} update(s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
