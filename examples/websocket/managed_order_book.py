"""A local order book that the client keeps in sync and verifies: ``bfx.wss.order_book``.

``order_book`` returns once the book holds its snapshot. The client applies every update, checks every
checksum Bitfinex sends, and resyncs the book by itself after a mismatch, a sequence gap, a reconnection or
maintenance; a book that is not ``synced`` is empty, never wrong. Stops after 10 updates (or 15 s).

Run: python examples/websocket/managed_order_book.py  (BFX_WSS_HOST selects another server)
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client
from bfxapi.types import TradingPairBook
from bfxapi.websocket.order_book import OrderBook

UPDATES = 10


async def main() -> int:
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST)) as bfx:
        updates = 0
        done = asyncio.Event()

        @bfx.wss.on("order_book_state")
        def on_order_book_state(book: OrderBook[TradingPairBook], state: str) -> None:
            print(f"{book.symbol} is {state}")

        @bfx.wss.on("order_book_update")
        def on_order_book_update(book: OrderBook[TradingPairBook]) -> None:
            nonlocal updates
            if book.best_bid is None or book.best_ask is None:
                return
            print(f"{book.symbol}: bid {book.best_bid.price} / ask {book.best_ask.price}, "
                  f"spread {book.spread}, mid {book.mid}")
            updates += 1
            # enough updates, and at least one checksum verified (a busy market may send more than UPDATES
            # updates before its first checksum)
            if updates >= UPDATES and book.checksums_verified:
                done.set()

        async def session() -> None:
            await bfx.wss.connect()
            book = await bfx.wss.order_book("tBTCUSD", prec="P0", len=25)
            bids, asks = book.depth(3)
            print("best 3 bids:", ", ".join(f"{level.amount} at {level.price}" for level in bids))
            print("best 3 asks:", ", ".join(f"{-level.amount} at {level.price}" for level in asks))
            print(f"bid volume {book.volume('bids'):.4f} BTC, ask volume {book.volume('asks'):.4f} BTC")
            await done.wait()
            print(f"{book.checksums_verified} checksum(s) verified, {book.checksum_mismatches} mismatch(es)")
            await book.close()  # unsubscribes; the client stays connected

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
