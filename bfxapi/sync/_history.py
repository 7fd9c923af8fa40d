"""``bfxapi.sync.Client().rest.history``: the histories of :mod:`bfxapi.rest.history` as plain iterators.

::

    for candle in bfx.rest.history.candles("trade:1m:tBTCUSD", start=t0, end=t1, sort=1):
        ...

Each method calls the async :class:`~bfxapi.rest.history.History` method of the same name, whose checks run at once,
on the calling thread, before any request; the iterator then asks the async iterator for one row at a time on the
client's event loop (:class:`~bfxapi.sync._runner.Runner`), so a page is read when the loop needs it, by the async
code (its rate limiter, retries and paging). Breaking out of the loop (or dropping the iterator) closes the async
iterator on the event loop, before the iterator is gone: nothing is left reading.
"""

from typing import AsyncIterator, Generic, Iterator, Optional, TypeVar, Union

from ..rest.history import History, Time
from ..types import Candle, FundingCurrencyTrade, Ledger, Movement, Order, Trade, TradingPairTrade
from ..types.number import N
from ._runner import Runner

__all__ = ["SyncHistory"]

T = TypeVar("T")


class _End:
    """The end of an async iterator, as a value: ``StopAsyncIteration`` does not cross the runner's future."""


_END = _End()


async def _next(rows: AsyncIterator[T]) -> Union[T, _End]:
    try:
        return await anext(rows)
    except StopAsyncIteration:
        return _END


async def _close(rows: AsyncIterator[T]) -> None:
    close = getattr(rows, "aclose", None)
    if close is not None:
        await close()


def blocking(rows: AsyncIterator[T], runner: Runner) -> Iterator[T]:
    """``rows`` as a plain iterator: each row is awaited on ``runner``'s loop; closed there when the loop ends early.

    The one page-driving helper of every history: the async iterator does the paging, this only drives it."""
    finished = False
    try:
        while True:
            row = runner.run(_next(rows))
            if isinstance(row, _End):
                finished = True
                return
            yield row
    finally:
        if not finished and not runner.closed:
            runner.run(_close(rows))


class SyncHistory(Generic[N]):
    """Histories as plain iterators (``bfx.rest.history`` of ``bfxapi.sync.Client``): the async
    :class:`~bfxapi.rest.history.History` methods, with the same parameters, checks and items."""

    def __init__(self, history: History[N], runner: Runner) -> None:
        self._history: History[N] = history
        self._runner = runner

    def candles(
        self, key: str, *, start: Optional[Time] = None, end: Optional[Time] = None, sort: int = -1,
        limit: Optional[int] = None,
    ) -> Iterator[Candle[N]]:
        """Candles of ``key`` (``"trade:1m:tBTCUSD"``): GET ``candles/{key}/hist``, page by page."""
        return blocking(self._history.candles(key, start=start, end=end, sort=sort, limit=limit), self._runner)

    def trades(
        self, pair: str, *, start: Optional[Time] = None, end: Optional[Time] = None, sort: int = -1,
        limit: Optional[int] = None,
    ) -> Iterator[TradingPairTrade[N]]:
        """Public trades of a trading pair: GET ``trades/{pair}/hist``, page by page."""
        return blocking(self._history.trades(pair, start=start, end=end, sort=sort, limit=limit), self._runner)

    def funding_trades(
        self, currency: str, *, start: Optional[Time] = None, end: Optional[Time] = None, sort: int = -1,
        limit: Optional[int] = None,
    ) -> Iterator[FundingCurrencyTrade[N]]:
        """Public trades of a funding currency (``"fUSD"``): GET ``trades/{currency}/hist``, page by page."""
        rows = self._history.funding_trades(currency, start=start, end=end, sort=sort, limit=limit)
        return blocking(rows, self._runner)

    def account_trades(
        self, symbol: Optional[str] = None, *, start: Optional[Time] = None, end: Optional[Time] = None,
        sort: int = -1, limit: Optional[int] = None,
    ) -> Iterator[Trade[N]]:
        """The account's trades (of one pair, or of all): POST ``auth/r/trades[/{symbol}]/hist``, page by page."""
        rows = self._history.account_trades(symbol, start=start, end=end, sort=sort, limit=limit)
        return blocking(rows, self._runner)

    def ledgers(
        self, currency: Optional[str] = None, *, category: Optional[int] = None, start: Optional[Time] = None,
        end: Optional[Time] = None, sort: int = -1, limit: Optional[int] = None,
    ) -> Iterator[Ledger[N]]:
        """Ledger entries (of one currency, or of all; of one ``category``): POST ``auth/r/ledgers[/{currency}]/hist``,
        page by page (served newest first)."""
        rows = self._history.ledgers(currency, category=category, start=start, end=end, sort=sort, limit=limit)
        return blocking(rows, self._runner)

    def orders(
        self, symbol: Optional[str] = None, *, start: Optional[Time] = None, end: Optional[Time] = None,
        sort: int = -1, limit: Optional[int] = None,
    ) -> Iterator[Order[N]]:
        """Closed orders (of one pair, or of all), by ``mts_update``: POST ``auth/r/orders[/{symbol}]/hist``, page by
        page (served newest first)."""
        return blocking(self._history.orders(symbol, start=start, end=end, sort=sort, limit=limit), self._runner)

    def movements(
        self, currency: Optional[str] = None, *, start: Optional[Time] = None, end: Optional[Time] = None,
        sort: int = -1, limit: Optional[int] = None,
    ) -> Iterator[Movement[N]]:
        """Deposits and withdrawals (of one currency, or of all), by ``mts_start``: POST
        ``auth/r/movements[/{currency}]/hist``, page by page (served newest first)."""
        return blocking(self._history.movements(currency, start=start, end=end, sort=sort, limit=limit), self._runner)

    def __repr__(self) -> str:
        return "SyncHistory(candles, trades, funding_trades, account_trades, ledgers, orders, movements)"
