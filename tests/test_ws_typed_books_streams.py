"""Typed order books and streams: ``bfx.wss.order_book(..., kind=...)`` and ``bfx.wss.stream(channel, ...)`` are
checked by a user's ``mypy --strict``.

As in ``test_ws_typed_events.py``, mypy runs in a subprocess (bounded in time) on user scripts: right ones, in both
number modes, whose ``reveal_type`` lines must reveal what is written next to them, and a wrong one whose every
marked line must be refused (and no other). The runtime side is tested too: ``kind`` checked against the symbol, and
books and streams against the simulator holding the entries and items their types say.
"""

import asyncio
import re
import textwrap
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest

from mypy_support import run_user_mypy

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError
from bfxapi.websocket import BookItem, CandlesItem, StatusItem, Stream, TickerItem, TradesItem
from bfxapi.websocket._event_emitter.events import EVENTS

from ws_support import client, simulator

DC = "bfxapi.types.dataclasses"
# expression (in a script where bfx is the client of the mode) -> what mypy must reveal ({N}: the number type)
REVEALS = {
    "t_book": f"bfxapi.websocket.order_book.OrderBook[{DC}.TradingPairBook[{{N}}]]",
    "t_book_p2": f"bfxapi.websocket.order_book.OrderBook[{DC}.TradingPairBook[{{N}}]]",
    "t_raw": f"bfxapi.websocket.order_book.OrderBook[{DC}.TradingPairRawBook[{{N}}]]",
    "f_book": f"bfxapi.websocket.order_book.OrderBook[{DC}.FundingCurrencyBook[{{N}}]]",
    "f_raw": f"bfxapi.websocket.order_book.OrderBook[{DC}.FundingCurrencyRawBook[{{N}}]]",
    "untyped": "bfxapi.websocket.order_book.OrderBook[Any]",
    "t_book.best_bid": f"{DC}.TradingPairBook[{{N}}] | None",
    "t_raw.bids[0].order_id": "builtins.int",
    "t_raw.bids[0].price": "{N}",
    "f_book.asks[0].rate": "{N}",
    "f_raw.asks[0].offer_id": "builtins.int",
    "ticker_data": f"{DC}.TradingPairTicker[{{N}}]",
    "funding_ticker_data": f"{DC}.FundingCurrencyTicker[{{N}}]",
    "snapshot": f"builtins.list[{DC}.TradingPairTrade[{{N}}]]",
    "trade": f"{DC}.FundingCurrencyTrade[{{N}}]",
    "level": f"{DC}.TradingPairRawBook[{{N}}]",
    "checksum": "builtins.int",
    "candle": f"{DC}.Candle[{{N}}]",
    "liquidation": f"{DC}.Liquidation[{{N}}]",
    "other": "tuple[builtins.str, Any]",
}

RIGHT = '''
from decimal import Decimal
from typing import Any

from bfxapi import Client
from bfxapi.types import FundingCurrencyBook, TradingPairBook, TradingPairRawBook, TradingPairTicker
from bfxapi.websocket import BookItem, Stream, TickerItem
from bfxapi.websocket.order_book import OrderBook


async def main(bfx: "Client[{N}]") -> None:
    t_book = await bfx.wss.order_book("tBTCUSD", kind="trading")
    t_book_p2 = await bfx.wss.order_book("tBTCUSD", kind="trading", prec="P2", len=100)
    t_raw = await bfx.wss.order_book("tBTCUSD", kind="trading", prec="R0")
    f_book = await bfx.wss.order_book("fUSD", kind="funding", prec="P0", freq="F1")
    f_raw = await bfx.wss.order_book("fUSD", kind="funding", prec="R0", sub_id="usd")
    untyped = await bfx.wss.order_book("tBTCUSD", prec="P0", len=25)
    kept: OrderBook[TradingPairBook[{N}]] = t_book
    loose: OrderBook[Any] = untyped
    spread: float | None = t_book.spread
    {reveals_books}

    async with bfx.wss.stream("ticker", symbol="tBTCUSD", overflow="drop_oldest") as tickers:
        async for tick in tickers:
            if tick[0] == "t_ticker_update":
                ticker_data = tick[1]
                last: {N} = tick[1].last_price
                {reveal_ticker_data}
            else:
                funding_ticker_data = tick[1]
                {reveal_funding_ticker_data}
    async with bfx.wss.stream("trades", symbol="fUSD") as trades:
        async for tr in trades:
            match tr:
                case ("t_trades_snapshot", snapshot):
                    {reveal_snapshot}
                case ("f_trade_execution", trade):
                    {reveal_trade}
    books: Stream[BookItem[{N}]] = bfx.wss.stream("book", symbol="tBTCUSD", prec="R0")
    async with books:
        async for bk in books:
            if bk[0] == "t_raw_book_update":
                level = bk[1]
                {reveal_level}
            elif bk[0] == "checksum":
                checksum = bk[1]
                {reveal_checksum}
    async with bfx.wss.stream("candles", key="trade:1m:tBTCUSD") as candles:
        async for cd in candles:
            if cd[0] == "candles_update":
                candle = cd[1]
                {reveal_candle}
    async with bfx.wss.stream("status", key="liq:global") as statuses:
        async for st in statuses:
            if st[0] == "liquidation_feed_update":
                liquidation = st[1]
                {reveal_liquidation}
    channel: str = "ticker"
    async with bfx.wss.stream(channel, symbol="tBTCUSD") as others:
        async for other in others:
            {reveal_other}
    ticker_items: Stream[TickerItem[{N}]] = bfx.wss.stream("ticker", symbol="tBTCUSD")
    loose_stream: Stream = ticker_items  # a typed stream is also a Stream of (str, Any)
    async with bfx.wss.stream("ticker", symbol="tBTCUSD") as pairs:
        async for event, data in pairs:  # unpacked: the event is a str, data the union of the payloads
            name: str = event
'''


def right_script(number: str) -> str:
    fields = {"N": number}
    book_reveals = [name for name in REVEALS if name.split(".")[0] in ("t_book", "t_book_p2", "t_raw", "f_book",
                                                                     "f_raw", "untyped")]
    fields["reveals_books"] = "\n    ".join(f"reveal_type({name})  # R {name}" for name in book_reveals)
    for name in REVEALS:
        if name not in book_reveals:
            fields[f"reveal_{name}"] = f"reveal_type({name})  # R {name}"
    return textwrap.dedent(RIGHT).format(**fields)


WRONG = '''
from decimal import Decimal

from bfxapi import Client
from bfxapi.types import FundingCurrencyBook, TradingPairBook, TradingPairTicker, TradingPairTrade
from bfxapi.websocket import Stream, TickerItem
from bfxapi.websocket.order_book import OrderBook


async def main() -> None:
    fast = Client()
    exact = Client(decimal=True)
    a: OrderBook[FundingCurrencyBook] = await fast.wss.order_book("tBTCUSD", kind="trading")  # E[assignment]
    b: OrderBook[TradingPairBook] = await fast.wss.order_book("tBTCUSD", kind="trading", prec="R0")  # E[assignment]
    c: OrderBook[TradingPairBook[float]] = await exact.wss.order_book("tBTCUSD", kind="trading")  # E[assignment]
    d = await fast.wss.order_book("tBTCUSD", kind="trade")  # E[call-overload]: not a kind
    e = await fast.wss.order_book("tBTCUSD", kind="trading", prec="R1")  # E[call-overload]: not a precision
    f: OrderBook[TradingPairBook[Decimal]] = await exact.wss.order_book("tBTCUSD", kind="trading")
    g: float = f.best_bid.price if f.best_bid else 0.0  # E[assignment]: a Decimal price in decimal mode
    s: Stream[TickerItem[Decimal]] = fast.wss.stream("ticker", symbol="tBTCUSD")  # E[assignment]
    t: Stream[TickerItem] = fast.wss.stream("trades", symbol="tBTCUSD")  # E[assignment]
    async with fast.wss.stream("ticker", symbol="tBTCUSD") as tickers:
        async for item in tickers:
            if item[0] == "f_ticker_update":
                ticker: TradingPairTicker = item[1]  # E[assignment]: a funding ticker
            if item[0] == "t_ticker_updates":  # E[comparison-overlap]: misspelt event
                pass
    async with fast.wss.stream("trades", symbol="tBTCUSD") as trades:
        async for item2 in trades:
            if item2[0] == "t_trade_execution":
                trade: TradingPairTrade[Decimal] = item2[1]  # E[assignment]: float mode
'''


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory, user_mypy_cache: Path) -> dict[str, list[str]]:
    """mypy --strict on the user scripts, once: its lines per script."""
    folder = tmp_path_factory.mktemp("books_streams_user")
    files = {"float_books": right_script("float"), "decimal_books": right_script("Decimal"),
             "wrong_books": textwrap.dedent(WRONG)}
    lines = run_user_mypy(folder, files, user_mypy_cache)
    return {**lines, **{f"{name}_source": [text] for name, text in files.items()}}


@pytest.mark.timeout(320)
@pytest.mark.parametrize("mode", ["float", "decimal"])
def test_a_users_mypy_sees_books_and_stream_items_typed(mypy_output: dict[str, list[str]], mode: str) -> None:
    lines = mypy_output[f"{mode}_books"]
    assert [line for line in lines if ": error:" in line] == []
    number = "decimal.Decimal" if mode == "decimal" else "builtins.float"
    source = mypy_output[f"{mode}_books_source"][0].splitlines()
    marked = {number_: text.split("# R ", 1)[1] for number_, text in enumerate(source, 1) if "# R " in text}
    revealed = {}
    for line in lines:
        found = re.match(r".*?:(\d+): note: Revealed type is \"(.*)\"$", line)
        if found:
            revealed[marked[int(found.group(1))]] = found.group(2).replace("builtins.", "")
    # (mypy versions differ in whether builtins are written with their module)
    wanted = {name: text.format(N=number).replace("builtins.", "") for name, text in REVEALS.items()}
    assert revealed == wanted


@pytest.mark.timeout(320)
def test_a_users_mypy_refuses_wrongly_typed_books_and_stream_items(mypy_output: dict[str, list[str]]) -> None:
    source = textwrap.dedent(WRONG).splitlines()
    wanted = {number: found.group(1) for number, text in enumerate(source, 1)
              if (found := re.search(r"# E\[([a-z-]+)\]", text))}
    errors = {int(line.split(":")[1]): line.rsplit("[", 1)[-1].rstrip("]")
              for line in mypy_output["wrong_books"] if ": error:" in line}
    assert errors == wanted, mypy_output["wrong_books"]


# -- runtime -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("symbol, kind", [("tBTCUSD", "funding"), ("fUSD", "trading"), ("tBTCUSD", "raw")])
def test_a_kind_that_does_not_fit_the_symbol_is_refused_before_subscribing(symbol: str, kind: Any) -> None:
    bfx = Client()

    async def main() -> None:
        with pytest.raises(InvalidInputError, match="kind must be"):
            await bfx.wss.order_book(symbol, kind=kind)

    asyncio.run(main())
    assert not bfx.wss._books  # pylint: disable=protected-access


def test_stream_objects_are_the_same_at_runtime_whatever_the_channel() -> None:
    bfx = Client()
    for channel, params in [("ticker", {"symbol": "tBTCUSD"}), ("candles", {"key": "trade:1m:tBTCUSD"}),
                            ("anything", {})]:
        stream = bfx.wss.stream(channel, **params)
        assert isinstance(stream, Stream)
        assert stream.buffered == 0 and stream.sub_id is None


@pytest.mark.parametrize(("symbol", "kind", "prec", "entry"), [
    ("tBTCUSD", "trading", "P0", "TradingPairBook"), ("tETHBTC", "trading", "R0", "TradingPairRawBook"),
    ("fUSD", "funding", "P1", "FundingCurrencyBook"), ("fBTC", "funding", "R0", "FundingCurrencyRawBook"),
])  # fmt: skip
async def test_a_book_with_a_kind_holds_the_entries_its_type_says(symbol: str, kind: Any, prec: Any,
                                                                  entry: str) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        book = await bfx.wss.order_book(symbol, kind=kind, prec=prec)
        assert book.state == "synced" and book.bids + book.asks
        assert {type(e).__name__ for e in book.bids + book.asks} == {entry}
        await book.close()
        await bfx.close()


async def test_a_typed_streams_items_are_the_event_payload_pairs_it_promises() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        async with bfx.wss.stream("book", symbol="tBTCUSD", prec="R0") as stream:
            item = await stream.__anext__()
            assert item[0] == "t_raw_book_snapshot" and type(item[1][0]).__name__ == "TradingPairRawBook"
        async with bfx.wss.stream("ticker", symbol="fUSD") as tickers:
            item2 = await asyncio.wait_for(tickers.__anext__(), 5)
            assert item2[0] == "f_ticker_update" and type(item2[1]).__name__ == "FundingCurrencyTicker"
        await bfx.close()


def _written(annotation: Any) -> str:
    """A payload type as the event table writes it: ``list[TradingPairTrade[N]]``."""
    args = get_args(annotation)
    name = getattr(get_origin(annotation) or annotation, "__name__", str(annotation))
    return f"{name}[{', '.join(_written(a) for a in args)}]" if args else name


def test_the_stream_items_are_the_event_tables_public_events_of_each_channel() -> None:
    """The item types are written by hand in ``_stream.py``: each must be exactly the (event, payload) pairs the
    event table gives for its channel's subscription (``candle_closed`` is told by managed candles, not streams)."""
    items = {"Ticker": TickerItem, "Trades": TradesItem, "Book": BookItem, "Candles": CandlesItem,
             "Status": StatusItem}
    for channel, alias in items.items():
        pairs = {(get_args(event)[0], _written(payload)) for event, payload in map(get_args, get_args(alias))}
        table = {(name, spec.args[1]) for name, spec in EVENTS.items()
                 if spec.group == "public" and spec.args[0] == f"subscriptions.{channel}" and name != "candle_closed"}
        if channel == "Book":
            table.add(("checksum", "int"))
        assert pairs == table, channel
