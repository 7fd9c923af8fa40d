"""A one-command tour of bfxapi: ``python -m bfxapi.demo``.

By default it starts the simulator (``bfxapi.testing``) in this process and runs a real client session
against it: a ticker, trades and a verified order book streaming as typed objects (the first ticker and trade
are also shown as the objects themselves), then the account's wallets, an order submitted over the
authenticated WebSocket and filled, and the wallets again, read over REST. It ends by itself in a few seconds.

``--live`` runs the public part against the real Bitfinex (``BFX_WSS_HOST`` / ``BFX_REST_HOST`` point it
elsewhere). With ``BFX_API_KEY`` and ``BFX_API_SECRET`` set, it also authenticates and reads the account
(wallets, open orders); it places a real order only with ``--live-order`` (post-only, far from the market,
cancelled at once). When Bitfinex cannot be reached within 15 s it says so in one line and exits with status 1.
"""

import argparse
import asyncio
import logging
import math
import os
import sys
import time
from typing import Any, Optional

from . import PUB_REST_HOST, PUB_WSS_HOST, REST_HOST, WSS_HOST, Client
from .exceptions import BfxBaseException
from .testing import Simulator
from .types import Order, TradingPairBook, TradingPairTicker, TradingPairTrade, Wallet
from .websocket.order_book import OrderBook

__all__ = ["main", "run"]

SYMBOL = "tBTCUSD"
#: how long ``--live`` waits for Bitfinex before giving up
CONNECT_TIMEOUT = 15.0


def _say(text: str) -> None:
    print(text, flush=True)


def _fail(text: str) -> int:
    print(f"python -m bfxapi.demo: {text}", file=sys.stderr, flush=True)
    return 1


def _levels(book: OrderBook[TradingPairBook], count: int = 3) -> str:
    bids, asks = book.depth(count)
    left = "  ".join(f"{level.amount:>9.4f} @ {level.price:<8g}" for level in bids)
    right = "  ".join(f"{-level.amount:>9.4f} @ {level.price:<8g}" for level in asks)
    return f"bids {left} | asks {right}"


class _LibraryProblems(logging.Handler):
    """The live demo's own handler for the library's warnings and errors.

    By default the library prints each failed connection attempt; without a network that is a screen of
    warnings for what the demo reports as one line. As the application, the demo routes ``bfxapi`` to this
    handler instead: while connecting it only keeps the last problem (the reason given in that line); once
    connected, it prints each one on a line of its own, since then it is news."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last: Optional[str] = None
        self.echo = False
        self._logger = logging.getLogger("bfxapi")
        self._propagate = self._logger.propagate

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message}: {record.exc_info[1]!r}"
        self.last = message
        if self.echo:
            print(f"  {record.levelname.lower():<8} {message}", file=sys.stderr, flush=True)

    def __enter__(self) -> "_LibraryProblems":
        self._logger.addHandler(self)
        # so that no record also reaches a root handler: the library's console stands down for ours
        self._logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.propagate = self._propagate


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
        if len(tickers) == 1:
            _say(f"  object   {ticker!r}")

    @bfx.wss.on("t_trade_execution")
    def on_trade(_sub: Any, trade: TradingPairTrade) -> None:
        trades.append(trade)
        if len(trades) <= 5:
            side = "buy " if trade.amount > 0 else "sell"
            _say(f"  trade    {side} {abs(trade.amount):.8f} @ {trade.price:g} (id {trade.id})")
        if len(trades) == 1:
            _say(f"  object   {trade!r}")

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


async def _show_wallets(bfx: Client, when: str) -> None:
    _say(f"Wallets {when}, read over REST:")
    wallets: list[Wallet] = await bfx.rest.auth.get_wallets()
    shown = [wallet for wallet in wallets if wallet.balance]
    for wallet in shown:
        _say(f"  wallet   {wallet.wallet_type:<8} {wallet.currency:<7} {wallet.balance:,.8g}")
    if not shown:
        _say("  (every wallet is empty)")


async def _order_tour(bfx: Client, fill: bool) -> None:
    """Submit an order over the WebSocket, see it filled (``fill``) or cancel it, with the wallets before
    and after."""
    done = asyncio.Event()

    @bfx.wss.on("order_new", "order_update", "order_cancel")
    def on_order(order: Order) -> None:
        _say(f"  order    {order.id}: {order.order_status} (remaining {order.amount:g} of {order.amount_orig:g})")
        if order.order_status.startswith(("EXECUTED", "CANCELED")):
            done.set()

    await _show_wallets(bfx, "before the order")
    ticker = await bfx.rest.public.get_t_ticker(SYMBOL)
    if fill:
        price, amount, flags = round(ticker.ask * 1.001), "0.01", None  # marketable: fills against the book
    else:
        price, amount, flags = round(ticker.bid * 0.5), "0.0002", 4096  # post-only, far from the market
    _say(f"Submitting EXCHANGE LIMIT buy {amount} {SYMBOL} @ {price} over the authenticated WebSocket")
    notification = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", SYMBOL, amount, price, flags=flags)
    _say(f"  answer   {notification.status}: {notification.text}")
    if notification.status != "SUCCESS":
        return
    if not fill:
        await bfx.wss.inputs.cancel_order(id=notification.data.id)
    await asyncio.wait_for(done.wait(), 15)
    await _show_wallets(bfx, "after the order")


async def _simulated(seconds: float) -> int:
    async with Simulator(seed=2024, market_interval=0.1) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 25_000}})
        _say(f"Started a local Bitfinex simulator on {sim.wss_host} and {sim.rest_host}")
        # WARNING: the library's INFO lines (connected, subscribed) would interleave with the tour's own lines
        async with Client(
            account.api_key, account.api_secret, wss_host=sim.wss_host, rest_host=sim.rest_host, log_level="WARNING"
        ) as bfx:
            bfx.wss.on("authenticated", callback=lambda info: _say(f"Authenticated as user {info['userId']}"))
            await bfx.wss.connect()
            await _public_tour(bfx, seconds)
            await _order_tour(bfx, fill=True)
    return 0


async def _live(live_order: bool, seconds: float) -> int:
    key, secret = os.environ.get("BFX_API_KEY") or None, os.environ.get("BFX_API_SECRET") or None
    authenticated = key is not None and secret is not None
    wss_host = os.environ.get("BFX_WSS_HOST") or (WSS_HOST if authenticated else PUB_WSS_HOST)
    rest_host = os.environ.get("BFX_REST_HOST") or (REST_HOST if authenticated else PUB_REST_HOST)
    with _LibraryProblems() as problems:
        try:
            async with Client(key, secret, rest_host=rest_host, wss_host=wss_host) as bfx:
                try:
                    await asyncio.wait_for(bfx.wss.connect(), CONNECT_TIMEOUT)
                except asyncio.TimeoutError:
                    # the last failed attempt is the reason; "public-1: " names a connection the user never made
                    reason = (problems.last or "no answer").split(": ", 1)[-1]
                    return _fail(f"cannot reach Bitfinex at {wss_host} within {CONNECT_TIMEOUT:g} s: {reason}")
                except BfxBaseException as error:
                    return _fail(f"cannot connect to Bitfinex at {wss_host}: {error}")
                problems.echo = True
                _say(f"Connected to Bitfinex ({wss_host})")
                await _public_tour(bfx, seconds)
                if not authenticated:
                    _say("(set BFX_API_KEY and BFX_API_SECRET to see the authenticated part)")
                elif live_order:
                    await _order_tour(bfx, fill=False)
                else:
                    await _show_wallets(bfx, "of the account")
                    _say(f"  {len(await bfx.rest.auth.get_orders())} open orders")
        except (BfxBaseException, OSError, ValueError, asyncio.TimeoutError) as error:
            # a network, server or configuration failure ends a demo: one line, not a traceback
            return _fail(f"the live demo stopped: {type(error).__name__}: {error}")
    return 0


async def run(live: bool = False, live_order: bool = False, seconds: float = 3.0) -> int:
    """Run the demo; returns the process exit code."""
    started = time.monotonic()
    status = await (_live(live_order, seconds) if live else _simulated(seconds))
    if status == 0:
        _say(f"Done in {time.monotonic() - started:.1f} s.")
    return status


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bfxapi.demo", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--live", action="store_true", help="use the real Bitfinex instead of the local simulator")
    parser.add_argument(
        "--live-order", action="store_true", help="with --live and API keys: place and cancel a far post-only order"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to stream market data (default 3)")
    args = parser.parse_args(argv)
    if args.live_order and not args.live:
        parser.error("--live-order places a real order on Bitfinex: it needs --live")
    if not (math.isfinite(args.seconds) and args.seconds > 0):
        parser.error(f"--seconds must be a number of seconds above 0, not {args.seconds:g}")
    return asyncio.run(run(args.live, args.live_order, args.seconds))


if __name__ == "__main__":
    sys.exit(main())
