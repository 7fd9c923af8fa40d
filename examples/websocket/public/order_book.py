"""A local order book kept by hand, verified with Bitfinex's checksums (the ``checksum`` event).

This shows how checksums work if you keep your own book. The client can do all of it for you:
``book = await bfx.wss.order_book("tBTCUSD")`` returns a book it keeps in sync and verifies (see
``raw_order_book.py`` and ``../managed_order_book.py``). Stops after 10 checksums (or 15 s).

Run: python examples/websocket/public/order_book.py  (BFX_WSS_HOST selects another server)
"""

import asyncio
import os
import sys
import zlib
from decimal import Decimal

from bfxapi import WSS_HOST, Client
from bfxapi.types import TradingPairBook
from bfxapi.websocket import subscriptions

CHECKSUMS = 10


def js_number(value: float) -> str:
    """A number printed the way JavaScript prints it, as Bitfinex does: 7254 (not 7254.0), 1e-7 (not 1e-07)."""
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 1e-6:
        return format(Decimal(repr(value)), "f")
    mantissa, exponent = repr(value).split("e")
    return f"{mantissa}e{int(exponent)}"


class LocalBook:
    """A P0 (aggregated) book: price -> amount, bids positive, asks negative."""

    def __init__(self) -> None:
        self.bids: dict[float, float] = {}
        self.asks: dict[float, float] = {}
        self.synced = False

    def load(self, snapshot: list[TradingPairBook]) -> None:
        self.bids.clear()
        self.asks.clear()
        for level in snapshot:
            self.apply(level)
        self.synced = True

    def apply(self, level: TradingPairBook) -> None:
        side = self.bids if level.amount > 0 else self.asks
        if level.count == 0:  # the level is gone
            self.bids.pop(level.price, None)
            self.asks.pop(level.price, None)
        else:
            side[level.price] = level.amount

    def checksum(self) -> int:
        """CRC-32 of the best 25 levels of each side, interleaved: bid1:amount:ask1:amount:bid2:..."""
        bids = sorted(self.bids.items(), reverse=True)[:25]
        asks = sorted(self.asks.items())[:25]
        parts = []
        for index in range(25):
            for side in (bids, asks):
                if index < len(side):
                    price, amount = side[index]
                    parts += [js_number(price), js_number(amount)]
        return zlib.crc32(":".join(parts).encode())


async def main() -> int:
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST)) as bfx:
        book = LocalBook()
        verified = 0
        done = asyncio.Event()

        @bfx.wss.on("t_book_snapshot")
        def on_t_book_snapshot(_: subscriptions.Book, snapshot: list[TradingPairBook]) -> None:
            book.load(snapshot)
            print(f"snapshot: {len(book.bids)} bids, {len(book.asks)} asks")

        @bfx.wss.on("t_book_update")
        def on_t_book_update(_: subscriptions.Book, level: TradingPairBook) -> None:
            if book.synced:
                book.apply(level)

        @bfx.wss.on("checksum")
        async def on_checksum(subscription: subscriptions.Book, value: int) -> None:
            nonlocal verified
            if not book.synced:
                return
            local = book.checksum()
            if local == value:
                verified += 1
                print(f"checksum {value} matches (best bid {max(book.bids)}, best ask {min(book.asks)})")
                if verified == CHECKSUMS:
                    done.set()
            else:
                # The local book is wrong: drop it and ask for a fresh snapshot (same sub_id)
                print(f"checksum mismatch: Bitfinex {value}, local {local}; resubscribing")
                book.synced = False
                await bfx.wss.resubscribe(subscription["sub_id"])

        async def session() -> None:
            await bfx.wss.connect()
            await bfx.wss.subscribe("book", symbol="tBTCUSD", prec="P0", freq="F0", len="25")
            await done.wait()

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print("stopped after 15 s")
        print(f"{verified} checksum(s) verified")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
