"""THE event table: every event the WebSocket client emits, its group and the arguments its callbacks get.

One table drives both sides, so that they cannot drift apart:
- at runtime, the emitter's whitelist (``ALL_EVENTS`` and the groups) is built from its names;
- for type checkers, ``bfxapi/websocket/_client/_typed_events.py`` (the ``@overload``s of ``on``/``once``, one
  ``Literal`` event name each, with the callback's parameter types) is generated from it by
  ``python -m bfxapi.websocket._event_emitter.generate``; a test regenerates it and compares.

The argument types are written as they appear in the generated module (``N`` is the client's number type), as
strings: this module imports nothing, so the emitter can load it without pulling in the payload types.
"""

from typing import Literal, NamedTuple

__all__ = ["EventSpec", "EVENTS", "Group"]

Group = Literal["connection", "public", "auth"]


class EventSpec(NamedTuple):
    """One event: who emits it and what its callbacks receive (type expressions, in order)."""

    group: Group
    args: tuple[str, ...]


def _public(subscription: str, data: str) -> EventSpec:
    # Public channel events: the subscription's dict, then the data (as README's Events section says).
    return EventSpec("public", (f"subscriptions.{subscription}", data))


def _auth(data: str) -> EventSpec:
    return EventSpec("auth", (data,))


def _connection(*args: str) -> EventSpec:
    return EventSpec("connection", args)


EVENTS: dict[str, EventSpec] = {
    # -- the client and its connections --------------------------------------------------------------
    "open": _connection(),
    "authenticated": _connection("dict[str, Any]"),
    "disconnected": _connection("int", "str"),
    "reconnection": _connection("int", "timedelta"),
    "subscribed": _connection("subscriptions.Subscription"),
    "unsubscribed": _connection("subscriptions.Subscription"),
    "wss-error": _connection("int", "str"),
    "callback_error": _connection("str", "Exception"),
    "account_reconciled": _connection("Reconciliation"),
    "invalid_message": _connection("InvalidMessageError"),
    "maintenance": _connection("bool"),
    "checksum": _connection("subscriptions.Book", "int"),
    "sequence_gap": _connection("str", "int", "int"),
    "order_book_update": _connection("OrderBook[Any]"),
    "order_book_state": _connection("OrderBook[Any]", "str"),
    "checksum_mismatch": _connection("OrderBook[Any]", "int", "int"),
    "order_book_out_of_sync": _connection("OrderBook[Any]", "int"),
    "trades_gap": _connection("subscriptions.Trades", "int", "int"),
    "heartbeat": _connection("Optional[subscriptions.Subscription]"),
    # -- public channels -------------------------------------------------------------------------------
    "t_ticker_update": _public("Ticker", "TradingPairTicker[N]"),
    "f_ticker_update": _public("Ticker", "FundingCurrencyTicker[N]"),
    "t_trade_execution": _public("Trades", "TradingPairTrade[N]"),
    "t_trade_execution_update": _public("Trades", "TradingPairTrade[N]"),
    "f_trade_execution": _public("Trades", "FundingCurrencyTrade[N]"),
    "f_trade_execution_update": _public("Trades", "FundingCurrencyTrade[N]"),
    "t_trades_snapshot": _public("Trades", "list[TradingPairTrade[N]]"),
    "f_trades_snapshot": _public("Trades", "list[FundingCurrencyTrade[N]]"),
    "t_book_snapshot": _public("Book", "list[TradingPairBook[N]]"),
    "f_book_snapshot": _public("Book", "list[FundingCurrencyBook[N]]"),
    "t_raw_book_snapshot": _public("Book", "list[TradingPairRawBook[N]]"),
    "f_raw_book_snapshot": _public("Book", "list[FundingCurrencyRawBook[N]]"),
    "t_book_update": _public("Book", "TradingPairBook[N]"),
    "f_book_update": _public("Book", "FundingCurrencyBook[N]"),
    "t_raw_book_update": _public("Book", "TradingPairRawBook[N]"),
    "f_raw_book_update": _public("Book", "FundingCurrencyRawBook[N]"),
    "candles_snapshot": _public("Candles", "list[Candle[N]]"),
    "candles_update": _public("Candles", "Candle[N]"),
    "derivatives_status_update": _public("Status", "DerivativesStatus[N]"),
    "liquidation_feed_update": _public("Status", "Liquidation[N]"),
    # managed candles (bfx.wss.candles()): a candle that ended, told once, after the next one started
    "candle_closed": _public("Candles", "Candle[N]"),
    # -- the account (authenticated connection) -----------------------------------------------------------
    "order_snapshot": _auth("list[Order[N]]"),
    "order_new": _auth("Order[N]"),
    "order_update": _auth("Order[N]"),
    "order_cancel": _auth("Order[N]"),
    "position_snapshot": _auth("list[Position[N]]"),
    "position_new": _auth("Position[N]"),
    "position_update": _auth("Position[N]"),
    "position_close": _auth("Position[N]"),
    "trade_execution": _auth("Trade[N]"),
    "trade_execution_update": _auth("Trade[N]"),
    "funding_trade_execution": _auth("FundingTradeExecution[N]"),
    "funding_trade_execution_update": _auth("FundingTradeExecution[N]"),
    "funding_offer_snapshot": _auth("list[FundingOffer[N]]"),
    "funding_offer_new": _auth("FundingOffer[N]"),
    "funding_offer_update": _auth("FundingOffer[N]"),
    "funding_offer_cancel": _auth("FundingOffer[N]"),
    "funding_credit_snapshot": _auth("list[FundingCredit[N]]"),
    "funding_credit_new": _auth("FundingCredit[N]"),
    "funding_credit_update": _auth("FundingCredit[N]"),
    "funding_credit_close": _auth("FundingCredit[N]"),
    "funding_loan_snapshot": _auth("list[FundingLoan[N]]"),
    "funding_loan_new": _auth("FundingLoan[N]"),
    "funding_loan_update": _auth("FundingLoan[N]"),
    "funding_loan_close": _auth("FundingLoan[N]"),
    "wallet_snapshot": _auth("list[Wallet[N]]"),
    "wallet_update": _auth("Wallet[N]"),
    "balance_update": _auth("BalanceInfo[N]"),
    "base_margin_info": _auth("BaseMarginInfo[N]"),
    "symbol_margin_info": _auth("SymbolMarginInfo[N]"),
    "funding_info_update": _auth("FundingInfo[N]"),
    "notification": _auth("Notification[Any]"),
    "on-req-notification": _auth("Notification[Order[N]]"),
    "ou-req-notification": _auth("Notification[Order[N]]"),
    "oc-req-notification": _auth("Notification[Order[N]]"),
    "oc_multi-req-notification": _auth("Notification[list[Order[N]]]"),
    "ox_multi-req-notification": _auth("Notification[list[Notification[Any]]]"),
    "fon-req-notification": _auth("Notification[FundingOffer[N]]"),
    "foc-req-notification": _auth("Notification[FundingOffer[N]]"),
}
