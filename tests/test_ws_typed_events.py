"""Typed events: ``bfx.wss.on()``/``once()`` are checked by a user's ``mypy --strict``.

The overloads are generated from the event table that also builds the runtime whitelist; these tests check that the
generated module is what the table gives, that the whitelist is the table, and then run mypy (in a subprocess,
bounded in time) on user scripts: one registering a rightly typed callback for EVERY event (the payload types below
are written by hand, from the README's Events section, not read from the table), in both number modes, and one
full of mistakes that must each be refused on its marked line.
"""

import re
import textwrap
from pathlib import Path
from typing import get_args

import pytest

from mypy_support import run_user_mypy

from bfxapi.websocket._client._typed_events import EventName
from bfxapi.websocket._event_emitter import ALL_EVENTS
from bfxapi.websocket._event_emitter.events import EVENTS
from bfxapi.websocket._event_emitter.generate import TARGET, render

# event -> the parameters of a callback that fits it ({N}: the number type of the client)
PAYLOADS = {
    "open": "",
    "authenticated": "data: dict[str, Any]",
    "disconnected": "code: int, reason: str",
    "reconnection": "attempts: int, downtime: timedelta",
    "subscribed": "sub: subscriptions.Subscription",
    "unsubscribed": "sub: subscriptions.Subscription",
    "wss-error": "code: int, msg: str",
    "callback_error": "event: str, error: Exception",
    "account_reconciled": "report: Reconciliation",
    "invalid_message": "error: InvalidMessageError",
    "maintenance": "active: bool",
    "checksum": "sub: subscriptions.Book, value: int",
    "sequence_gap": "connection: str, expected: int, received: int",
    "order_book_update": "book: OrderBook[Any]",
    "order_book_state": "book: OrderBook[Any], state: str",
    "checksum_mismatch": "book: OrderBook[Any], bitfinex: int, local: int",
    "order_book_out_of_sync": "book: OrderBook[Any], mismatches: int",
    "trades_gap": "sub: subscriptions.Trades, from_mts: int, to_mts: int",
    "heartbeat": "sub: Optional[subscriptions.Subscription]",
    "t_ticker_update": "sub: subscriptions.Ticker, data: TradingPairTicker[{N}]",
    "f_ticker_update": "sub: subscriptions.Ticker, data: FundingCurrencyTicker[{N}]",
    "t_trade_execution": "sub: subscriptions.Trades, data: TradingPairTrade[{N}]",
    "t_trade_execution_update": "sub: subscriptions.Trades, data: TradingPairTrade[{N}]",
    "f_trade_execution": "sub: subscriptions.Trades, data: FundingCurrencyTrade[{N}]",
    "f_trade_execution_update": "sub: subscriptions.Trades, data: FundingCurrencyTrade[{N}]",
    "t_trades_snapshot": "sub: subscriptions.Trades, data: list[TradingPairTrade[{N}]]",
    "f_trades_snapshot": "sub: subscriptions.Trades, data: list[FundingCurrencyTrade[{N}]]",
    "t_book_snapshot": "sub: subscriptions.Book, data: list[TradingPairBook[{N}]]",
    "f_book_snapshot": "sub: subscriptions.Book, data: list[FundingCurrencyBook[{N}]]",
    "t_raw_book_snapshot": "sub: subscriptions.Book, data: list[TradingPairRawBook[{N}]]",
    "f_raw_book_snapshot": "sub: subscriptions.Book, data: list[FundingCurrencyRawBook[{N}]]",
    "t_book_update": "sub: subscriptions.Book, data: TradingPairBook[{N}]",
    "f_book_update": "sub: subscriptions.Book, data: FundingCurrencyBook[{N}]",
    "t_raw_book_update": "sub: subscriptions.Book, data: TradingPairRawBook[{N}]",
    "f_raw_book_update": "sub: subscriptions.Book, data: FundingCurrencyRawBook[{N}]",
    "candles_snapshot": "sub: subscriptions.Candles, data: list[Candle[{N}]]",
    "candles_update": "sub: subscriptions.Candles, data: Candle[{N}]",
    "candle_closed": "sub: subscriptions.Candles, data: Candle[{N}]",
    "derivatives_status_update": "sub: subscriptions.Status, data: DerivativesStatus[{N}]",
    "liquidation_feed_update": "sub: subscriptions.Status, data: Liquidation[{N}]",
    "order_snapshot": "data: list[Order[{N}]]",
    "order_new": "data: Order[{N}]",
    "order_update": "data: Order[{N}]",
    "order_cancel": "data: Order[{N}]",
    "position_snapshot": "data: list[Position[{N}]]",
    "position_new": "data: Position[{N}]",
    "position_update": "data: Position[{N}]",
    "position_close": "data: Position[{N}]",
    "trade_execution": "data: Trade[{N}]",
    "trade_execution_update": "data: Trade[{N}]",
    "funding_trade_execution": "data: FundingTradeExecution[{N}]",
    "funding_trade_execution_update": "data: FundingTradeExecution[{N}]",
    "funding_offer_snapshot": "data: list[FundingOffer[{N}]]",
    "funding_offer_new": "data: FundingOffer[{N}]",
    "funding_offer_update": "data: FundingOffer[{N}]",
    "funding_offer_cancel": "data: FundingOffer[{N}]",
    "funding_credit_snapshot": "data: list[FundingCredit[{N}]]",
    "funding_credit_new": "data: FundingCredit[{N}]",
    "funding_credit_update": "data: FundingCredit[{N}]",
    "funding_credit_close": "data: FundingCredit[{N}]",
    "funding_loan_snapshot": "data: list[FundingLoan[{N}]]",
    "funding_loan_new": "data: FundingLoan[{N}]",
    "funding_loan_update": "data: FundingLoan[{N}]",
    "funding_loan_close": "data: FundingLoan[{N}]",
    "wallet_snapshot": "data: list[Wallet[{N}]]",
    "wallet_update": "data: Wallet[{N}]",
    "balance_update": "data: BalanceInfo[{N}]",
    "base_margin_info": "data: BaseMarginInfo[{N}]",
    "symbol_margin_info": "data: SymbolMarginInfo[{N}]",
    "funding_info_update": "data: FundingInfo[{N}]",
    "notification": "data: Notification[Any]",
    "on-req-notification": "data: Notification[Order[{N}]]",
    "ou-req-notification": "data: Notification[Order[{N}]]",
    "oc-req-notification": "data: Notification[Order[{N}]]",
    "oc_multi-req-notification": "data: Notification[list[Order[{N}]]]",
    "ox_multi-req-notification": "data: Notification[list[Notification[Any]]]",
    "fon-req-notification": "data: Notification[FundingOffer[{N}]]",
    "foc-req-notification": "data: Notification[FundingOffer[{N}]]",
}

IMPORTS = '''
from datetime import timedelta
from decimal import Decimal
from typing import Any, Optional

from bfxapi import Client
from bfxapi.types import (
    BalanceInfo, BaseMarginInfo, Candle, DerivativesStatus, FundingCredit, FundingCurrencyBook,
    FundingCurrencyRawBook, FundingCurrencyTicker, FundingCurrencyTrade, FundingInfo, FundingLoan, FundingOffer,
    FundingTradeExecution, Liquidation, Notification, Order, Position, SymbolMarginInfo, Trade, TradingPairBook,
    TradingPairRawBook, TradingPairTicker, TradingPairTrade, Wallet,
)
from bfxapi.websocket import subscriptions
from bfxapi.websocket._reconcile import Reconciliation
from bfxapi.websocket.exceptions import InvalidMessageError
from bfxapi.websocket.order_book import OrderBook
'''


def good_script(number: str) -> str:
    """Every event, registered in turn in each form (positional, ``callback=``, decorator, ``once``)."""
    args = "decimal=True" if number == "Decimal" else ""
    body = [IMPORTS, f"bfx = Client({args})", ""]
    for index, (event, params) in enumerate(PAYLOADS.items()):
        body.append(f"def handler_{index}({params.format(N=number)}) -> None: ...")
        form = index % 4
        if form == 0:
            body.append(f'bfx.wss.on("{event}", handler_{index})')
        elif form == 1:
            body.append(f'bfx.wss.on("{event}", callback=handler_{index})')
        elif form == 2:
            body.append(f'bfx.wss.once("{event}")(handler_{index})')
        else:
            body.append(f'@bfx.wss.on("{event}")\nasync def async_handler_{index}({params.format(N=number)}) -> None: ...')
    body += [
        "",
        "def any_ticker(*args: Any) -> None: ...",
        'bfx.wss.on("t_ticker_update", "f_ticker_update", callback=any_ticker)',
        '@bfx.wss.once("open", "disconnected")',
        "def opened_or_closed(*args: Any) -> None: ...",
        'kept = bfx.wss.on("order_new", handler_41)',
        "reveal_type(kept)  # R",
    ]
    return "\n".join(body) + "\n"


WRONG = IMPORTS + '''
fast = Client()
exact = Client(decimal=True)

def on_ticker(sub: subscriptions.Ticker, ticker: TradingPairTicker[float]) -> None: ...
def on_exact_ticker(sub: subscriptions.Ticker, ticker: TradingPairTicker[Decimal]) -> None: ...
def on_order(order: Order[float]) -> None: ...
def on_candle(sub: subscriptions.Candles, candle: Candle[float]) -> None: ...

fast.wss.on("t_ticker_updates", on_ticker)  # E[call-overload]: misspelt event
fast.wss.on("t_ticker_update", callback=on_order)  # E[call-overload]: an order callback for a ticker event
fast.wss.on("order_new", on_ticker)  # E[call-overload]: a ticker callback for an account event
exact.wss.on("t_ticker_update", on_ticker)  # E[call-overload]: float payload in decimal mode
fast.wss.once("t_ticker_update", on_exact_ticker)  # E[call-overload]: Decimal payload in float mode
fast.wss.on("candles_update", on_order)  # E[call-overload]: wrong parameter count and type
fast.wss.on("t_ticker_update", "f_tickers_update", callback=on_ticker)  # E[call-overload]: one misspelt among several

@fast.wss.on("f_ticker_update")  # E[arg-type]: a trading ticker callback for a funding ticker
def on_funding(sub: subscriptions.Ticker, ticker: TradingPairTicker[float]) -> None: ...

@exact.wss.on("candle_closed")  # E[arg-type]: a float candle in decimal mode
def on_closed(sub: subscriptions.Candles, candle: Candle[float]) -> None: ...

@fast.wss.on("checksum")  # E[arg-type]: checksum comes with the book's subscription
def on_checksum(sub: subscriptions.Trades, value: int) -> None: ...

fast.wss.on("open", on_candle)  # E[call-overload]: open has no arguments
fast.wss.on("candle_closed", on_candle)
'''


def test_the_generated_overloads_are_those_of_the_event_table() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "run: python -m bfxapi.websocket._event_emitter.generate"
    )


def test_the_runtime_whitelist_is_the_event_table() -> None:
    assert ALL_EVENTS == frozenset(EVENTS) == frozenset(get_args(EventName))
    # every event is named (with its payload types, written by hand) in this test's scripts
    assert set(PAYLOADS) == set(EVENTS)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory, user_mypy_cache: Path) -> dict[str, list[str]]:
    """mypy --strict on the user scripts, once: its lines per script."""
    folder = tmp_path_factory.mktemp("events_user")
    files = {"float_events": good_script("float"), "decimal_events": good_script("Decimal"),
             "wrong_events": textwrap.dedent(WRONG)}
    lines = run_user_mypy(folder, files, user_mypy_cache)
    return lines


@pytest.mark.timeout(320)
@pytest.mark.parametrize("mode", ["float", "decimal"])
def test_a_users_mypy_accepts_a_fitting_callback_for_every_event(mypy_output: dict[str, list[str]],
                                                                 mode: str) -> None:
    lines = mypy_output[f"{mode}_events"]
    assert [line for line in lines if ": error:" in line] == []
    number = "decimal.Decimal" if mode == "decimal" else "(builtins.)?float"
    # on("event", handler) gives the handler back, typed as the event's callback
    revealed = rf'Revealed type is "def \((data: )?bfxapi\.types\.dataclasses\.Order\[{number}\]\)'
    assert any(re.search(revealed, line) for line in lines), lines


@pytest.mark.timeout(320)
def test_a_users_mypy_refuses_unknown_events_and_callbacks_that_do_not_fit(mypy_output: dict[str, list[str]]) -> None:
    source = textwrap.dedent(WRONG).splitlines()
    # line -> the mypy error code expected there (the decorator form is refused as a wrong argument)
    wanted = {number: found.group(1) for number, text in enumerate(source, 1)
              if (found := re.search(r"# E\[([a-z-]+)\]:", text))}
    errors = {int(line.split(":")[1]): line.rsplit("[", 1)[-1].rstrip("]")
              for line in mypy_output["wrong_events"] if ": error:" in line}
    assert errors == wanted, mypy_output["wrong_events"]
