"""``bfx.rest.history``: whole histories as async iterators, without writing the paging loop.

::

    async for candle in bfx.rest.history.candles("trade:1m:tBTCUSD", start=t0, end=t1, sort=1):
        ...

Each method checks its arguments at once (before any request) and returns an ``AsyncIterator`` of the dataclasses
the matching REST method returns. The pages are read as the iteration needs them, through the REST interface, so
its rate limiter paces them (and its ``retry`` policy, if any, retries them); breaking out of the loop stops the
reading. How pages join without losing or repeating rows that share a millisecond: :mod:`bfxapi.rest._paging`.

Common arguments: ``start`` and ``end`` (milliseconds since the epoch, or timezone-aware ``datetime``; both
inclusive, either may be left out), ``sort`` (``-1`` newest first, Bitfinex's default; ``1`` oldest first) and
``limit``, the rows per request (default and maximum: the endpoint's largest page, protocol.md §6). Ledgers, orders
and movements are served newest first only: oldest first, the whole window is read before the first row comes.
"""

from datetime import datetime
from typing import Any, AsyncIterator, Generic, Hashable, Optional, Sequence, Union

from ..exceptions import InvalidInputError, InvalidInputTypeError
from ..types import Candle, FundingCurrencyTrade, Ledger, Movement, Order, Trade, TradingPairTrade
from ..types.number import N
from ._interface.params import segment, sort_order
from ._interfaces import RestAuthEndpoints, RestPublicEndpoints
from ._paging import pages

__all__ = ["History", "Time", "PAGE_LIMITS", "CANDLE_TIMEFRAMES"]

Time = Union[int, datetime]

#: the largest page of each history (protocol.md §6.1, §6.2)
PAGE_LIMITS = {
    "candles": 10000,
    "trades": 10000,
    "funding_trades": 10000,
    "account_trades": 2500,
    "ledgers": 2500,
    "orders": 2500,
    "movements": 2500,
}
#: the time frames of candle keys (``trade:TF:SYMBOL``)
CANDLE_TIMEFRAMES = ("1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "7D", "14D", "1M")


def _time(value: Any, name: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidInputError(
                f"{name} is a naive datetime: give its time zone (datetime(..., tzinfo=timezone.utc)) or milliseconds"
            )
        return int(value.timestamp() * 1000)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputTypeError(
            f"{name} must be milliseconds since the epoch (int) or an aware datetime, not {type(value).__name__}"
        )
    if value < 0:
        raise InvalidInputError(f"{name} must not be negative, not {value}")
    return int(value)


class _Window:
    """The checked common arguments of one history."""

    __slots__ = ("start", "end", "sort", "limit", "largest")

    def __init__(self, kind: str, start: Any, end: Any, sort: Any, limit: Any) -> None:
        self.largest = PAGE_LIMITS[kind]
        self.start, self.end = _time(start, "start"), _time(end, "end")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise InvalidInputError(f"start ({self.start}) is after end ({self.end})")
        order = sort_order(sort)
        if order is None:
            raise InvalidInputError("sort must be 1 (oldest first) or -1 (newest first), not None")
        self.sort = order
        if limit is None:
            self.limit = self.largest
        elif isinstance(limit, bool) or not isinstance(limit, int):
            raise InvalidInputTypeError(f"limit must be an int (rows per request), not {type(limit).__name__}")
        elif not 1 <= limit <= self.largest:
            raise InvalidInputError(f"limit must be between 1 and {self.largest} for {kind}, not {limit}")
        else:
            self.limit = int(limit)


def _symbol(value: Any, name: str, prefix: str) -> str:
    symbol = segment(value, name)
    if not symbol.startswith(prefix):
        kind = "a trading pair such as 'tBTCUSD'" if prefix == "t" else "a funding currency such as 'fUSD'"
        raise InvalidInputError(f"{name} must be {kind}, not {symbol!r}")
    return symbol


def _candle_key(key: Any) -> tuple[str, str]:
    """``"trade:1m:tBTCUSD"`` -> ``("1m", "tBTCUSD")`` (funding keys keep their tail: ``"fUSD:p30"``)."""
    parts = segment(key, "key").split(":", 2)
    if len(parts) != 3 or parts[0] != "trade" or parts[1] not in CANDLE_TIMEFRAMES or parts[2][:1] not in ("t", "f"):
        raise InvalidInputError(
            f"key must be 'trade:TIMEFRAME:SYMBOL' such as 'trade:1m:tBTCUSD' (time frames: "
            f"{', '.join(CANDLE_TIMEFRAMES)}), not {key!r}"
        )
    return parts[1], parts[2]


def _id(row: Any) -> Hashable:
    return row.id  # type: ignore[no-any-return]


class History(Generic[N]):
    """Histories as async iterators (``bfx.rest.history``; see the module docs). Generic in the client's number type:
    the items are the REST methods' own (``Candle[Decimal]`` in decimal mode)."""

    def __init__(self, public: RestPublicEndpoints[N], auth: RestAuthEndpoints[N]) -> None:
        self._public: RestPublicEndpoints[N] = public
        self._auth: RestAuthEndpoints[N] = auth

    def candles(
        self, key: str, *, start: Optional[Time] = None, end: Optional[Time] = None, sort: int = -1,
        limit: Optional[int] = None,
    ) -> AsyncIterator[Candle[N]]:
        """Candles of ``key`` (``"trade:1m:tBTCUSD"``): GET ``candles/{key}/hist``, page by page. A candle is known
        by its time (the live one can change between two pages: it is given once)."""
        tf, symbol = _candle_key(key)
        window = _Window("candles", start, end, sort, limit)

        async def fetch(low: Optional[int], high: Optional[int], size: int, order: int) -> Sequence[Candle[N]]:
            return await self._public.get_candles_hist(symbol, tf, sort=order, start=low, end=high, limit=size)

        return pages(fetch, start=window.start, end=window.end, sort=window.sort, limit=window.limit,
                     largest=window.largest, time_of=lambda candle: candle.mts, key_of=lambda candle: candle.mts)

    def trades(
        self, pair: str, *, start: Optional[Time] = None, end: Optional[Time] = None, sort: int = -1,
        limit: Optional[int] = None,
    ) -> AsyncIterator[TradingPairTrade[N]]:
        """Public trades of a trading pair: GET ``trades/{pair}/hist``, page by page."""
        pair = _symbol(pair, "pair", "t")
        window = _Window("trades", start, end, sort, limit)

        async def fetch(
            low: Optional[int], high: Optional[int], size: int, order: int
        ) -> Sequence[TradingPairTrade[N]]:
            return await self._public.get_t_trades(pair, limit=size, start=low, end=high, sort=order)

        return pages(fetch, start=window.start, end=window.end, sort=window.sort, limit=window.limit,
                     largest=window.largest, time_of=lambda trade: trade.mts, key_of=_id)

    def funding_trades(
        self, currency: str, *, start: Optional[Time] = None, end: Optional[Time] = None, sort: int = -1,
        limit: Optional[int] = None,
    ) -> AsyncIterator[FundingCurrencyTrade[N]]:
        """Public trades of a funding currency (``"fUSD"``): GET ``trades/{currency}/hist``, page by page."""
        currency = _symbol(currency, "currency", "f")
        window = _Window("funding_trades", start, end, sort, limit)

        async def fetch(
            low: Optional[int], high: Optional[int], size: int, order: int
        ) -> Sequence[FundingCurrencyTrade[N]]:
            return await self._public.get_f_trades(currency, limit=size, start=low, end=high, sort=order)

        return pages(fetch, start=window.start, end=window.end, sort=window.sort, limit=window.limit,
                     largest=window.largest, time_of=lambda trade: trade.mts, key_of=_id)

    def account_trades(
        self, symbol: Optional[str] = None, *, start: Optional[Time] = None, end: Optional[Time] = None,
        sort: int = -1, limit: Optional[int] = None,
    ) -> AsyncIterator[Trade[N]]:
        """The account's trades (of one pair, or of all): POST ``auth/r/trades[/{symbol}]/hist``, page by page."""
        pair = _symbol(symbol, "symbol", "t") if symbol is not None else None
        window = _Window("account_trades", start, end, sort, limit)

        async def fetch(low: Optional[int], high: Optional[int], size: int, order: int) -> Sequence[Trade[N]]:
            return await self._auth.get_trades_history(symbol=pair, sort=order, start=low, end=high, limit=size)

        return pages(fetch, start=window.start, end=window.end, sort=window.sort, limit=window.limit,
                     largest=window.largest, time_of=lambda trade: trade.mts_create, key_of=_id)

    def ledgers(
        self, currency: Optional[str] = None, *, category: Optional[int] = None, start: Optional[Time] = None,
        end: Optional[Time] = None, sort: int = -1, limit: Optional[int] = None,
    ) -> AsyncIterator[Ledger[N]]:
        """Ledger entries (of one currency such as ``"USD"``, or of all; of one ``category``): POST
        ``auth/r/ledgers[/{currency}]/hist``, page by page (served newest first)."""
        code = segment(currency, "currency") if currency is not None else None
        if category is not None and (isinstance(category, bool) or not isinstance(category, int)):
            raise InvalidInputTypeError(f"category must be an int, not {type(category).__name__}")
        window = _Window("ledgers", start, end, sort, limit)

        async def fetch(low: Optional[int], high: Optional[int], size: int, _order: int) -> Sequence[Ledger[N]]:
            return await self._auth.get_ledgers(code, category=category, start=low, end=high, limit=size)

        return pages(fetch, start=window.start, end=window.end, sort=window.sort, limit=window.limit,
                     largest=window.largest, time_of=lambda entry: entry.mts, key_of=_id, sorts=False)

    def orders(
        self, symbol: Optional[str] = None, *, start: Optional[Time] = None, end: Optional[Time] = None,
        sort: int = -1, limit: Optional[int] = None,
    ) -> AsyncIterator[Order[N]]:
        """Closed orders (of one pair, or of all), by the time they last changed (``mts_update``): POST
        ``auth/r/orders[/{symbol}]/hist``, page by page (served newest first)."""
        pair = _symbol(symbol, "symbol", "t") if symbol is not None else None
        window = _Window("orders", start, end, sort, limit)

        async def fetch(low: Optional[int], high: Optional[int], size: int, _order: int) -> Sequence[Order[N]]:
            return await self._auth.get_orders_history(symbol=pair, start=low, end=high, limit=size)

        return pages(fetch, start=window.start, end=window.end, sort=window.sort, limit=window.limit,
                     largest=window.largest, time_of=lambda order: order.mts_update, key_of=_id, sorts=False)

    def movements(
        self, currency: Optional[str] = None, *, start: Optional[Time] = None, end: Optional[Time] = None,
        sort: int = -1, limit: Optional[int] = None,
    ) -> AsyncIterator[Movement[N]]:
        """Deposits and withdrawals (of one currency, or of all), by the time they started (``mts_start``): POST
        ``auth/r/movements[/{currency}]/hist``, page by page (served newest first)."""
        code = segment(currency, "currency") if currency is not None else None
        window = _Window("movements", start, end, sort, limit)

        async def fetch(low: Optional[int], high: Optional[int], size: int, _order: int) -> Sequence[Movement[N]]:
            return await self._auth.get_movements(currency=code, start=low, end=high, limit=size)

        return pages(fetch, start=window.start, end=window.end, sort=window.sort, limit=window.limit,
                     largest=window.largest, time_of=lambda movement: movement.mts_start, key_of=_id, sorts=False)

    def __repr__(self) -> str:
        return "History(candles, trades, funding_trades, account_trades, ledgers, orders, movements)"
