"""A one-command tour of bfxapi: ``python -m bfxapi.demo``.

By default it starts the simulator (``bfxapi.testing``) in this process and runs a real client session
against it: a ticker, trades and a verified order book streaming as typed objects, then an order submitted
over the authenticated WebSocket, filled, and the wallets read back over REST. It ends by itself in a few
seconds.

``--live`` runs the public part against the real Bitfinex. With ``BFX_API_KEY`` and ``BFX_API_SECRET`` set, it
also authenticates and reads the account (wallets, open orders); it places a real order only with
``--live-order`` (post-only, far from the market, cancelled at once).
"""

import argparse
import asyncio
import os
import sys
import time
from typing import Any, Optional

from . import PUB_WSS_HOST, REST_HOST, WSS_HOST, Client
from .testing import Simulator
from .types import Order, TradingPairBook, TradingPairTicker, TradingPairTrade, Wallet
from .websocket.order_book import OrderBook

__all__ = ["main", "run"]

SYMBOL = "tBTCUSD"


def _say(text: str) -> None:
    print(text, flush=True)


def _levels(book: OrderBook[TradingPairBook], count: int = 3) -> str:
    bids, asks = book.depth(count)
    left = "  ".join(f"{level.amount:>9.4f} @ {level.price:<8g}" for level in bids)
    right = "  ".join(f"{-level.amount:>9.4f} @ {level.price:<8g}" for level in asks)
    return f"bids {left} | asks {right}"


async def _public_tour(bfx: Client, seconds: float) -> None:
    """Ticker, trades and a verified book, for ``seconds``."""
    tickers: list[TradingPairTicker] = []
    trades: list[TradingPairTrade] = []

    @bfx.wss.on("t_ticker_update")
    def on_ticker(_sub: Any, ticker: TradingPairTicker) -> None:
        tickers.append(ticker)
        if len(tickers) <= 3:
            _say(f"  ticker   {SYMBOL}: last {ticker.last_price:g}, bid {ticker.bid:g}, ask {ticker.ask:g}, "
                 f"24h volume {ticker.volume:,.2f}")

    @bfx.wss.on("t_trade_execution")
    def on_trade(_sub: Any, trade: TradingPairTrade) -> None:
        trades.append(trade)
        if len(trades) <= 5:
            side = "buy " if trade.amount > 0 else "sell"
            _say(f"  trade    {side} {abs(trade.amount):.6f} @ {trade.price:g} (id {trade.id})")

    _say(f"Streaming {SYMBOL}: ticker, trades and a local order book verified by checksum")
    await bfx.wss.subscribe("ticker", symbol=SYMBOL)
    await bfx.wss.subscribe("trades", symbol=SYMBOL)
    book: OrderBook[TradingPairBook] = await bfx.wss.order_book(SYMBOL, prec="P0", len=25)
    _say(f"  book     {book.state}: {_levels(book)}")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(seconds / 3)
        _say(f"  book     {book.state}, spread {book.spread:g}: {_levels(book)}")
    _say(f"  => {len(tickers)} tickers, {len(trades)} trades, {book.updates} book updates, "
         f"{book.checksums_verified} checksums verified, {book.checksum_mismatches} mismatches")


async def _order_tour(bfx: Client, fill: Optional[Any]) -> None:
    """Submit an order over the WebSocket, see it filled (``fill``) or cancel it, then read the wallets."""
    events: list[Order] = []
    done = asyncio.Event()

    @bfx.wss.on("order_new", "order_update", "order_cancel")
    def on_order(order: Order) -> None:
        events.append(order)
        _say(f"  order    {order.id}: {order.order_status} (remaining {order.amount:g} of {order.amount_orig:g})")
        if order.order_status.startswith(("EXECUTED", "CANCELED")):
            done.set()

    ticker = await bfx.rest.public.get_t_ticker(SYMBOL)
    if fill is not None:
        price, amount, flags = round(ticker.ask * 1.001), "0.01", None  # marketable: fills against the book
    else:
        price, amount, flags = round(ticker.bid * 0.5), "0.0002", 4096  # post-only, far from the market
    _say(f"Submitting EXCHANGE LIMIT buy {amount} {SYMBOL} @ {price} over the authenticated WebSocket")
    notification = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", SYMBOL, amount, price, flags=flags)
    _say(f"  answer   {notification.status}: {notification.text}")
    if notification.status != "SUCCESS":
        return
    if fill is None:
        await bfx.wss.inputs.cancel_order(id=notification.data.id)
    await asyncio.wait_for(done.wait(), 15)
    _say("Wallets, read back over REST:")
    wallets: list[Wallet] = await bfx.rest.auth.get_wallets()
    for wallet in wallets:
        if wallet.balance:
            _say(f"  wallet   {wallet.wallet_type:<8} {wallet.currency:<5} {wallet.balance:,.8g}")


async def run(live: bool = False, live_order: bool = False, seconds: float = 3.0) -> int:
    """Run the demo; returns the process exit code."""
    started = time.monotonic()
    if live:
        key, secret = os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET")
        wss_host = WSS_HOST if key and secret else PUB_WSS_HOST
        async with Client(key, secret, rest_host=REST_HOST, wss_host=wss_host) as bfx:
            _say(f"Connecting to Bitfinex ({wss_host})")
            await bfx.wss.connect()
            await _public_tour(bfx, seconds)
            if key and secret:
                _say("Authenticated: reading the account")
                for wallet in await bfx.rest.auth.get_wallets():
                    _say(f"  wallet   {wallet.wallet_type:<8} {wallet.currency:<5} {wallet.balance:,.8g}")
                _say(f"  {len(await bfx.rest.auth.get_orders())} open orders")
                if live_order:
                    await _order_tour(bfx, fill=None)
            else:
                _say("(set BFX_API_KEY and BFX_API_SECRET to see the authenticated part)")
    else:
        async with Simulator(seed=2024, market_interval=0.1) as sim:
            account = sim.add_account(wallets={"exchange": {"USD": 25_000}})
            _say(f"Started a local Bitfinex simulator on {sim.wss_host} and {sim.rest_host}")
            async with Client(
                account.api_key, account.api_secret, wss_host=sim.wss_host, rest_host=sim.rest_host
            ) as bfx:
                bfx.wss.on("authenticated", callback=lambda info: _say(f"Authenticated as user {info['userId']}"))
                await bfx.wss.connect()
                await _public_tour(bfx, seconds)
                await _order_tour(bfx, fill=account)
    _say(f"Done in {time.monotonic() - started:.1f} s.")
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bfxapi.demo", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--live", action="store_true", help="use the real Bitfinex instead of the local simulator")
    parser.add_argument(
        "--live-order", action="store_true", help="with --live and API keys: place and cancel a far post-only order"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to stream market data (default 3)")
    args = parser.parse_args(argv)
    return asyncio.run(run(args.live, args.live_order, args.seconds))


if __name__ == "__main__":
    sys.exit(main())
