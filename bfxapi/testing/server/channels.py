"""Public channels: request validation, acks, snapshots and per-step updates built from the market model.

A channel produces *bodies*: the part of an array frame after the channel id, e.g. ``[PAYLOAD]``,
``["te", ROW]``, ``["cs", N]``. The connection adds the channel id, sequence number and timestamp.
"""

from typing import Any, Dict, List, Optional, Tuple

from ..model.market import Instrument, Market, StepResult, Trade, parse_candle_key
from ..wire.checksum import checksum
from ..wire.frames import FLAG_BULK, FLAG_OB_CHECKSUM

__all__ = ["Subscription", "SubscribeError", "parse_subscription", "BOOK_PRECISIONS", "BOOK_FREQUENCIES",
           "BOOK_LENGTHS"]

BOOK_PRECISIONS = ("P0", "P1", "P2", "P3", "P4", "R0")
BOOK_FREQUENCIES = ("F0", "F1")
BOOK_LENGTHS = ("1", "25", "100", "250")

Body = List[Any]


class SubscribeError(Exception):
    """A rejected subscribe request: ``code``, ``msg`` and the fields echoed in the error event."""

    def __init__(self, code: int, msg: str, echo: Dict[str, Any]) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.echo = echo


class Subscription:
    """One subscribed channel on one connection.

    ``channel`` (ticker, trades, book, candles, status), ``symbol`` or ``key``, book ``prec``/``freq``/``len``,
    ``request`` (the subscribe message as received) and ``ack`` (the ``subscribed`` event sent).
    """

    def __init__(self, channel: str, request: Dict[str, Any], ack_fields: Dict[str, Any],
                 symbol: Optional[str] = None, key: Optional[str] = None, prec: str = "P0", freq: str = "F0",
                 length: int = 25) -> None:
        self.channel = channel
        self.request = request
        self.ack_fields = ack_fields
        self.symbol = symbol
        self.key = key
        self.prec = prec
        self.freq = freq
        self.len = length
        self.chan_id = 0
        self.ack: Dict[str, Any] = {}
        #: ``tu``/``ftu`` are sent later by the server (``trade_update_delay``), not with their ``te``
        self.delayed_trade_updates = False
        self._last_row: Optional[List[Any]] = None
        #: set by the checksum-corruption fault; consumed by the next ``cs`` frame
        self.corrupt_next_checksum = False
        self._view: Dict[Any, List[Any]] = {}
        self._view_version = -1
        self._last_delivery = 0

    @property
    def identity(self) -> Tuple[Any, ...]:
        """What makes two subscriptions duplicates of each other."""
        return (self.channel, self.symbol, self.key, self.prec, self.freq, self.len)

    @property
    def is_book(self) -> bool:
        return self.channel == "book"

    def __repr__(self) -> str:
        what = self.key or self.symbol
        extra = f" {self.prec} {self.freq} len={self.len}" if self.is_book else ""
        return f"<Subscription {self.chan_id} {self.channel} {what}{extra}>"

    # --- book views ---------------------------------------------------------------------------------------------
    def book_view(self, inst: Instrument) -> Tuple[List[List[Any]], List[List[Any]]]:
        """Entries (wire form) of both sides, best first, truncated to ``len`` per side."""
        sides: List[List[List[Any]]] = []
        for bid in (True, False):
            if self.prec == "R0":
                orders = inst.visible_side(bid)[: self.len]
                if inst.funding:
                    sides.append([[o.id, o.period, o.price, o.amount] for o in orders])
                else:
                    sides.append([[o.id, o.price, o.amount] for o in orders])
            else:
                levels = inst.levels(bid, self.prec)[: self.len]
                if inst.funding:
                    sides.append([[lv.price, lv.period, lv.count, lv.amount] for lv in levels])
                else:
                    sides.append([[lv.price, lv.count, lv.amount] for lv in levels])
        return sides[0], sides[1]

    def _entry_key(self, entry: List[Any]) -> Any:
        """What identifies an entry: the order id (R0), else the price (and period) on its side: a price that
        moves from one side to the other is a delete on the first and a new level on the second."""
        if self.prec == "R0":
            return entry[0]
        side = entry[-1] > 0
        return (entry[0], entry[1], side) if len(entry) == 4 else (entry[0], side)

    def _delete_entry(self, old: List[Any], funding: bool) -> List[Any]:
        # P: [PRICE,0,±1] / [RATE,PERIOD,0,±1]; R0: [ID,0,±1] / [ID,PERIOD,0,±1]: the same positions
        side = 1 if old[-1] > 0 else -1
        return [old[0], old[1], 0, side] if funding else [old[0], 0, side]

    def _checksum(self, bids: List[List[Any]], asks: List[List[Any]]) -> int:
        # key (price/rate, or order/offer id for R0) is always the first element, the signed amount the last
        value = checksum([(e[0], e[-1]) for e in bids], [(e[0], e[-1]) for e in asks])
        if self.corrupt_next_checksum:
            self.corrupt_next_checksum = False
            value = value + 1 if value < 2**31 - 1 else value - 1
        return value

    def book_checksum(self, market: Market) -> int:
        """The checksum of the book as this subscription's client should hold it."""
        assert self.symbol is not None
        bids, asks = self.book_view(market.instruments[self.symbol])
        return checksum([(e[0], e[-1]) for e in bids], [(e[0], e[-1]) for e in asks])

    # --- snapshots and updates ------------------------------------------------------------------------------------
    def snapshot(self, market: Market, trades_size: int, candles_size: int) -> List[Body]:
        """The bodies sent right after the ack."""
        if self.channel == "ticker":
            assert self.symbol is not None
            row = market.instruments[self.symbol].ticker_row()
            self._last_row = row
            return [[row]]
        if self.channel == "trades":
            assert self.symbol is not None
            inst = market.instruments[self.symbol]
            rows = [t.row(inst.funding) for t in reversed(inst.trades[-trades_size:])]
            return [[rows]]
        if self.channel == "book":
            assert self.symbol is not None
            bids, asks = self.book_view(market.instruments[self.symbol])
            self._view = {self._entry_key(e): e for e in bids + asks}
            self._view_version = market.instruments[self.symbol].version
            self._last_delivery = market.now_ms
            return [[bids + asks]]
        if self.channel == "candles":
            assert self.key is not None
            info = parse_candle_key(self.key)
            assert info is not None
            series = market.candles(info)
            return [[[c.row() for c in reversed(series.candles[-candles_size:])]]]
        assert self.key is not None
        if self.key == "liq:global":
            return [[list(reversed(market.liquidations[-10:]))]]
        return [[market.deriv_row(self.key[len("deriv:"):])]]

    def updates(self, market: Market, step: StepResult, flags: int, f1_interval_ms: int) -> List[Body]:
        """The bodies produced by one market step: a ticker when due and changed (``step.tickers``), trades
        (``te``, and ``tu`` unless the server sends those later), book changes, candles, status rows when due."""
        if self.channel == "ticker":
            assert self.symbol is not None
            if self.symbol not in step.tickers:
                return []
            row = market.instruments[self.symbol].ticker_row()
            if row == self._last_row and not step.resend:
                return []
            self._last_row = row
            return [[row]]
        if self.channel == "trades":
            assert self.symbol is not None
            funding = market.instruments[self.symbol].funding
            trades = step.trades.get(self.symbol, [])
            executed = "fte" if funding else "te"
            bodies: List[Body] = [[executed, t.row(funding)] for t in trades]
            if not self.delayed_trade_updates:
                bodies += self.trade_updates(market, trades)
            return bodies
        if self.channel == "book":
            return self._book_updates(market, flags, f1_interval_ms)
        if self.channel == "candles":
            assert self.key is not None
            return [[c.row()] for c in step.candles.get(self.key, [])]
        assert self.key is not None
        if self.key == "liq:global":
            return [[[row]] for row in step.liquidations]
        symbol = self.key[len("deriv:"):]
        return [[market.deriv_row(symbol)]] if symbol in step.status else []

    def trade_updates(self, market: Market, trades: List[Trade]) -> List[Body]:
        """The ``tu`` (``ftu``) bodies of trades of this channel's symbol."""
        assert self.symbol is not None
        funding = market.instruments[self.symbol].funding
        return [["ftu" if funding else "tu", t.row(funding)] for t in trades]

    def event_updates(self, market: Market, step: StepResult, flags: int, f1_interval_ms: int) -> List[Body]:
        """The bodies produced by account operations between steps: trades, candles and book changes only
        (ticker and status rows move with the market steps)."""
        if self.channel in ("trades", "candles", "book"):
            return self.updates(market, step, flags, f1_interval_ms)
        return []

    def _book_updates(self, market: Market, flags: int, f1_interval_ms: int) -> List[Body]:
        assert self.symbol is not None
        if self.freq == "F1" and market.now_ms - self._last_delivery < f1_interval_ms:
            return []
        inst = market.instruments[self.symbol]
        if inst.version == self._view_version:
            return []
        self._last_delivery = market.now_ms
        self._view_version = inst.version
        bids, asks = self.book_view(inst)
        new_view = {self._entry_key(e): e for e in bids + asks}
        entries: List[List[Any]] = []
        for key, old in self._view.items():
            if key not in new_view:
                entries.append(self._delete_entry(old, inst.funding))
        for key, entry in new_view.items():
            if self._view.get(key) != entry:
                entries.append(entry)
        self._view = new_view
        if not entries:
            return []
        bodies: List[Body] = [[entries]] if flags & FLAG_BULK else [[e] for e in entries]
        if flags & FLAG_OB_CHECKSUM:
            bodies.append(["cs", self._checksum(bids, asks)])
        return bodies


def _symbol_fields(symbol: str) -> Dict[str, str]:
    if symbol.startswith("f"):
        return {"currency": symbol[1:]}
    return {"pair": symbol[1:]}


def parse_subscription(message: Dict[str, Any], market: Market) -> Subscription:
    """Validate a subscribe request (protocol.md §3.1) and build its subscription, or raise SubscribeError."""
    echo = {k: v for k, v in message.items() if k != "event"}
    channel = message.get("channel")
    if channel in ("ticker", "trades", "book"):
        raw = message.get("symbol", message.get("pair"))
        if not isinstance(raw, str) or not raw:
            raise SubscribeError(10300, "symbol: invalid", echo)
        symbol = raw if raw[0] in "tf" and raw[1:2].isupper() else "t" + raw
        if symbol not in market.instruments:
            raise SubscribeError(10300, "symbol: invalid", echo)
        fields: Dict[str, Any] = {"symbol": symbol}
        if channel != "book":
            fields.update(_symbol_fields(symbol))
            return Subscription(channel, message, fields, symbol=symbol)
        prec = message.get("prec", "P0")
        if prec not in BOOK_PRECISIONS:
            raise SubscribeError(10300, "precision: invalid", echo)
        freq = message.get("freq", "F0")
        if freq not in BOOK_FREQUENCIES:
            raise SubscribeError(10300, "freq: invalid", echo)
        length = str(message.get("len", "25"))
        if length not in BOOK_LENGTHS:
            raise SubscribeError(10300, "length: invalid", echo)
        fields.update({"prec": prec, "freq": freq, "len": length})
        if "subId" in message:
            fields["subId"] = message["subId"]
        fields.update(_symbol_fields(symbol))
        return Subscription(channel, message, fields, symbol=symbol, prec=prec, freq=freq, length=int(length))
    if channel == "candles":
        key = message.get("key")
        info = parse_candle_key(key) if isinstance(key, str) else None
        if info is None or info.symbol not in market.instruments:
            raise SubscribeError(10300, "key: invalid", echo)
        if info.symbol.startswith("f") != (info.periods != (0, 0)):
            raise SubscribeError(10300, "key: invalid", echo)
        return Subscription(channel, message, {"key": key}, key=key, symbol=info.symbol)
    if channel == "status":
        key = message.get("key")
        if key == "liq:global":
            return Subscription(channel, message, {"key": key}, key=key)
        if isinstance(key, str) and key.startswith("deriv:"):
            if key[len("deriv:"):] in market.derivatives():
                return Subscription(channel, message, {"key": key}, key=key)
            raise SubscribeError(0, "", echo)  # the live server does not answer unknown deriv keys at all
        raise SubscribeError(10300, "key: invalid", echo)
    raise SubscribeError(10300, "channel: unknown", echo)
