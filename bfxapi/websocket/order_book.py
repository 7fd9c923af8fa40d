"""Local order books kept in sync with Bitfinex and verified by checksum.

``book = await bfx.wss.order_book("tBTCUSD", prec="P0", len=25)`` subscribes to a book channel and keeps a
local copy: the snapshot, then every update. Each checksum frame Bitfinex sends (``OB_CHECKSUM``, on by
default) is checked against the local book. A mismatch means the copy is wrong, so the book empties itself,
goes to ``resyncing``, and that subscription alone is subscribed again; the fresh snapshot makes it
``synced`` again. A lost connection or a sequence gap does the same. A book that is not ``synced`` has no
levels, so it is never presented as right while it may be wrong.

States: ``syncing`` (waiting for the first snapshot), ``synced``, ``resyncing``, ``closed``.

Typed books: ``order_book(symbol, kind="trading")`` (or ``kind="funding"``) tells type checkers which kind of book it
is, and ``prec`` whether it is raw (``"R0"``) or aggregated (``"P0"``..``"P4"``): the result is an
``OrderBook[TradingPairBook[N]]``, ``OrderBook[TradingPairRawBook[N]]``, ``OrderBook[FundingCurrencyBook[N]]`` or
``OrderBook[FundingCurrencyRawBook[N]]`` (``N`` the client's number type). Without ``kind`` it is an
``OrderBook[Any]``, as before. At runtime ``kind`` must agree with the symbol's prefix (``t``/``f``).
"""

import asyncio
import logging
from typing import Any, Awaitable, Callable, Generic, Literal, Optional, Sequence, TypeVar, Union

from .._aliases import Emit
from ..types import FundingCurrencyBook, FundingCurrencyRawBook, TradingPairBook, TradingPairRawBook
from ..types.number import N
from ._checksum import checksum_string, crc32

__all__ = ["OrderBook", "BookState", "BookEntry", "BookKind", "AggregatedPrecision", "RawPrecision"]

BookState = Literal["syncing", "synced", "resyncing", "closed"]
#: ``order_book(kind=...)``: a trading pair's book (``t`` symbols) or a funding currency's (``f`` symbols)
BookKind = Literal["trading", "funding"]
#: the precisions of a price-aggregated book (``P0`` the finest), and of a raw book (every order or offer)
AggregatedPrecision = Literal["P0", "P1", "P2", "P3", "P4"]
RawPrecision = Literal["R0"]
#: an entry of any kind of book, in the number type ``N`` (``BookEntry[Decimal]``; a bare ``BookEntry`` is float's)
BookEntry = Union[TradingPairBook[N], FundingCurrencyBook[N], TradingPairRawBook[N], FundingCurrencyRawBook[N]]
#: the entry type of a book: annotate ``book: OrderBook[TradingPairBook] = await bfx.wss.order_book(...)``, or
#: ``OrderBook[TradingPairBook[Decimal]]`` for a client in decimal mode
#: (bound, not constrained, so that the client can return ``OrderBook[TradingPairBook[N]]`` for its own ``N``)
E = TypeVar("E", bound=BookEntry[Any])



class _Kind:
    """How one kind of book (trading/funding, aggregated/raw) keys, sides, deletes and sorts its entries."""

    def __init__(self, funding: bool, raw: bool) -> None:
        self.funding = funding
        self.raw = raw

    def key(self, entry: Any) -> Any:
        if self.raw:
            return entry.offer_id if self.funding else entry.order_id
        return (entry.rate, entry.period) if self.funding else entry.price

    def deletes(self, entry: Any) -> bool:
        if self.raw:
            return bool((entry.rate if self.funding else entry.price) == 0)
        return bool(entry.count == 0)

    def is_bid(self, entry: Any) -> bool:
        # trading: positive amounts are bids; funding: negative amounts are bids (demand for funding)
        return bool(entry.amount < 0) if self.funding else bool(entry.amount > 0)

    def price(self, entry: Any) -> float:
        return float(entry.rate if self.funding else entry.price)

    def sort_key(self, bid: bool, period_descending: bool = False) -> Callable[[Any], Any]:
        sign = -1 if bid else 1
        if self.raw:
            return lambda e: (sign * self.price(e), self.key(e))
        if self.funding:
            period = -1 if period_descending else 1
            return lambda e: (sign * e.rate, period * e.period)
        return lambda e: sign * e.price

    def checksum_key(self, entry: Any) -> Union[int, float]:
        if self.raw:
            return int(self.key(entry))
        return float(entry.rate) if self.funding else entry.price


class OrderBook(Generic[E]):
    """A local, verified copy of one Bitfinex book (see the module docs); generic over its entry type."""

    def __init__(
        self,
        symbol: str,
        prec: str,
        length: int,
        emit: Emit,
        resync: Callable[["OrderBook[Any]"], None],
        logger: logging.Logger,
        closer: Optional[Callable[["OrderBook[Any]"], Awaitable[None]]] = None,
    ) -> None:
        self.symbol = symbol
        self.prec = prec
        self.len = length
        #: the subscription dict (set once subscribed)
        self.subscription: Optional[dict[str, Any]] = None
        self.state: BookState = "syncing"
        #: checksums that matched, and those that did not (each mismatch triggers a resync)
        self.checksums_verified = 0
        self.checksum_mismatches = 0
        #: mismatches since the last checksum that matched: each resync waits longer (see the client)
        self.mismatch_streak = 0
        #: snapshots and updates applied
        self.updates = 0
        self._kind = _Kind(symbol.startswith("f"), prec == "R0")
        self._emit = emit
        self._resync = resync
        self._closer = closer
        self._logger = logger
        self._bids: dict[Any, Any] = {}
        self._asks: dict[Any, Any] = {}
        self._views: Optional[tuple[list[Any], list[Any]]] = None
        self._notify_pending = False
        self._synced = asyncio.Event()

    # -- reading -------------------------------------------------------------------------------------

    @property
    def sub_id(self) -> Optional[str]:
        return self.subscription["sub_id"] if self.subscription else None

    @property
    def synced(self) -> bool:
        return self.state == "synced"

    @property
    def bids(self) -> list[E]:
        """Bids, best (highest price; for funding, highest rate) first."""
        return self._sorted()[0]

    @property
    def asks(self) -> list[E]:
        """Asks, best (lowest price or rate) first."""
        return self._sorted()[1]

    @property
    def best_bid(self) -> Optional[E]:
        bids = self.bids
        return bids[0] if bids else None

    @property
    def best_ask(self) -> Optional[E]:
        asks = self.asks
        return asks[0] if asks else None

    @property
    def spread(self) -> Optional[float]:
        """Best ask minus best bid (price, or rate for funding); None when a side is empty. A ``float`` in both number
        modes (as :attr:`mid` and :meth:`volume`: quick figures); in decimal mode the levels hold the exact values."""
        bid, ask = self.best_bid, self.best_ask
        if bid is None or ask is None:
            return None
        return self._kind.price(ask) - self._kind.price(bid)

    @property
    def mid(self) -> Optional[float]:
        bid, ask = self.best_bid, self.best_ask
        if bid is None or ask is None:
            return None
        return (self._kind.price(ask) + self._kind.price(bid)) / 2

    def depth(self, levels: int) -> tuple[list[E], list[E]]:
        """The best ``levels`` entries of each side."""
        bids, asks = self._sorted()
        return bids[:levels], asks[:levels]

    def volume(self, side: Literal["bids", "asks"], limit: Optional[float] = None) -> float:
        """Total absolute amount on ``side``, down to (bids) or up to (asks) the price ``limit`` included."""
        entries = self.bids if side == "bids" else self.asks
        total = 0.0
        for entry in entries:
            price = self._kind.price(entry)
            if limit is not None and (price < limit if side == "bids" else price > limit):
                break
            total += abs(float(entry.amount))  # a float in both number modes, as spread and mid
        return total

    def checksum(self) -> int:
        """The checksum of the local book (unsigned), computed as Bitfinex computes it."""
        return self._checksum(*self._sorted())

    async def wait_synced(self, timeout: Optional[float] = None) -> None:
        """Wait until the book is synced (it may already be)."""
        await asyncio.wait_for(self._synced.wait(), timeout)

    def __repr__(self) -> str:
        return f"<OrderBook {self.symbol} {self.prec} {self.state} bids={len(self._bids)} asks={len(self._asks)}>"

    # -- feeding (called by the subscription's handler) ----------------------------------------------------

    def feed(self, event: str, data: Any) -> None:
        """A snapshot, an update or a checksum of the subscription."""
        if self.state == "closed":
            return
        if event == "checksum":
            if self.state == "synced":
                self._verify(data)
            return
        if event.endswith("_snapshot"):
            self._bids.clear()
            self._asks.clear()
            for entry in data:
                self._apply(entry)
            self._set_state("synced")
        elif self.state == "synced":
            self._apply(data)
        else:
            return  # frames of a channel being replaced
        self.updates += 1
        self._views = None
        if not self._notify_pending:
            # One notification per frame, after all its entries (a bulk frame holds many).
            self._notify_pending = True
            asyncio.get_running_loop().call_soon(self._notify)

    async def close(self) -> None:
        """Unsubscribe; the book is ``closed`` and empty afterwards."""
        if self._closer is not None and self.state != "closed":
            await self._closer(self)
        self.closed()

    def interrupted(self) -> None:
        """The subscription is being restored (lost connection, sequence gap, maintenance, resubscribe)."""
        if self.state == "synced":
            self._empty()
            self._set_state("resyncing")

    def closed(self) -> None:
        self._empty()
        self._set_state("closed")

    # -- internals ---------------------------------------------------------------------------------------

    def _apply(self, entry: Any) -> None:
        kind = self._kind
        key = kind.key(entry)
        if kind.deletes(entry):
            self._bids.pop(key, None)
            self._asks.pop(key, None)
        elif kind.is_bid(entry):
            self._asks.pop(key, None)
            self._bids[key] = entry
        else:
            self._bids.pop(key, None)
            self._asks[key] = entry

    def _sorted(self) -> tuple[list[Any], list[Any]]:
        if self._views is None:
            kind = self._kind
            self._views = (
                sorted(self._bids.values(), key=kind.sort_key(True)),
                sorted(self._asks.values(), key=kind.sort_key(False)),
            )
        return self._views

    def _checksum(self, bids: Sequence[Any], asks: Sequence[Any]) -> int:
        key = self._kind.checksum_key
        return crc32(checksum_string([(key(e), e.amount) for e in bids[:25]], [(key(e), e.amount) for e in asks[:25]]))

    def _verify(self, server: int) -> None:
        local = self.checksum()
        if local != server and self._kind.funding and not self._kind.raw:
            # Bitfinex does not document how it orders funding levels of one rate (by period): accept either.
            local_alt = self._checksum(
                sorted(self._bids.values(), key=self._kind.sort_key(True, period_descending=True)),
                sorted(self._asks.values(), key=self._kind.sort_key(False, period_descending=True)),
            )
            if local_alt == server:
                local = local_alt
        if local == server:
            self.checksums_verified += 1
            self.mismatch_streak = 0
            return
        self.checksum_mismatches += 1
        self.mismatch_streak += 1
        if self.mismatch_streak == 1:
            # Later mismatches of a streak are reported by the client's resync (once, with their count).
            self._logger.warning(
                "book %s %s: checksum mismatch (Bitfinex %d, local %d): resubscribing",
                self.symbol,
                self.prec,
                server,
                local,
            )
        self._emit("checksum_mismatch", self, server, local)
        self._empty()
        self._set_state("resyncing")
        self._resync(self)

    def _empty(self) -> None:
        self._bids.clear()
        self._asks.clear()
        self._views = None

    def _set_state(self, state: BookState) -> None:
        if state == self.state:
            return
        self.state = state
        if state == "synced":
            self._synced.set()
        else:
            self._synced.clear()
        self._emit("order_book_state", self, state)

    def _notify(self) -> None:
        self._notify_pending = False
        if self.state == "synced":
            self._emit("order_book_update", self)
