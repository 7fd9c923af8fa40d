"""The answers of the REST API to the WebSocket client's questions (``bfxapi.websocket._history.History``).

The ``Client`` gives one :class:`RestHistory` to its WebSocket client, so that a reconnection's holes (public
trades, orders closed while away, fills, lost answers, balances during an outage) are filled from the same
REST interface, with its signing, nonce, rate limiter and errors.
"""

from typing import Any, Awaitable, Callable, Optional, Sequence, TypeVar

from .rest import BfxRestInterface
from .types import FundingOffer, FundingTrade, Order, Trade, Wallet

__all__ = ["RestHistory"]

#: Bitfinex's largest pages (protocol.md §6): trades 2500, funding trades 1000, orders 2500, funding offers 500
#: (their default is 25: a busy account closes more than that in the few seconds an outcome is looked for)
_TRADE_PAGE = 2500
_FUNDING_TRADE_PAGE = 1000
_ORDER_PAGE = 2500
_OFFER_PAGE = 500
#: how many pages one recovery of fills reads at most (tens of thousands: far beyond any outage's worth)
_PAGES = 20

_T = TypeVar("_T", Trade[Any], FundingTrade[Any])


class RestHistory:
    """:class:`~bfxapi.websocket._history.History` over a :class:`~bfxapi.rest.BfxRestInterface`."""

    __slots__ = ("_rest",)

    def __init__(self, rest: "BfxRestInterface[Any]") -> None:  # either number mode: the client's own
        self._rest = rest

    async def public_trades(self, symbol: str, start: int, end: int, limit: int) -> Sequence[Any]:
        public = self._rest.public
        if symbol.startswith("f"):
            return await public.get_f_trades(symbol, limit=limit, start=start, end=end, sort=1)
        return await public.get_t_trades(symbol, limit=limit, start=start, end=end, sort=1)

    async def orders_by_id(self, ids: Sequence[int]) -> Sequence[Order[Any]]:
        return await self._rest.auth.get_orders_history(ids=list(ids))

    async def orders_between(self, symbol: Optional[str], start: int, end: int) -> Sequence[Order[Any]]:
        return await self._rest.auth.get_orders_history(symbol=symbol, start=start, end=end, limit=_ORDER_PAGE)

    async def open_orders(self) -> Sequence[Order[Any]]:
        return await self._rest.auth.get_orders()

    async def wallets(self) -> Sequence[Wallet[Any]]:
        return await self._rest.auth.get_wallets()

    async def trades_after(self, after: Optional[int]) -> Sequence[Trade[Any]]:
        return await _after(self._rest.auth.get_trades_history, after, _TRADE_PAGE)

    async def funding_trades_after(self, after: Optional[int]) -> Sequence[FundingTrade[Any]]:
        return await _after(self._rest.auth.get_funding_trades_history, after, _FUNDING_TRADE_PAGE)

    async def funding_offers_between(self, symbol: str, start: int, end: int) -> Sequence[FundingOffer[Any]]:
        auth = self._rest.auth
        return await auth.get_funding_offers_history(symbol=symbol, start=start, end=end, limit=_OFFER_PAGE)


async def _after(page_of: Callable[..., Awaitable[Sequence[_T]]], after: Optional[int], size: int) -> Sequence[_T]:
    """Every row with an id above ``after`` (ids only grow with time), oldest first; ``None``: the newest row."""
    if after is None:
        return await page_of(limit=1)
    rows: dict[int, _T] = {}
    end: Optional[int] = None
    for _ in range(_PAGES):  # newest first, back in time until a row the client knew
        page = await page_of(end=end, limit=size)
        rows.update((row.id, row) for row in page if row.id > after)
        if len(page) < size or any(row.id <= after for row in page):
            break
        end = min(row.mts_create for row in page)  # inclusive: rows of one ms may span two pages
    return sorted(rows.values(), key=lambda row: (row.mts_create, row.id))
