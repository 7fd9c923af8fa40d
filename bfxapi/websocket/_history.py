"""What the WebSocket client asks the REST API when the socket alone cannot know: one seam, :class:`History`.

A reconnection leaves holes only REST can fill: public trades beyond the 30 of a restored snapshot, the final
state of orders that closed while away, the account's fills made meanwhile, the outcome of an input whose
answer was lost, and (when asked) fresh balances during a long outage. The WebSocket package states the
questions here; ``bfxapi._rest_history`` answers them with the client's REST interface. A client built
without REST (``BfxWebSocketClient`` alone) has no history: each recovery says so in the log and goes on.

Every method may raise whatever the REST call raises; callers log the failure and never take it for an
answer. Times are milliseconds since the epoch; windows are inclusive. The objects are of the client's number mode
(the REST interface is the client's own), hence ``Order[Any]``: the account that asks knows its number type.
"""

from typing import Any, Optional, Protocol, Sequence

from ..types import FundingOffer, FundingTrade, Order, Trade, Wallet

__all__ = ["History"]


class History(Protocol):
    """The REST questions of the WebSocket client (see the module docs)."""

    async def public_trades(self, symbol: str, start: int, end: int, limit: int) -> Sequence[object]:
        """The public trades of ``symbol`` in ``[start, end]``, oldest first, at most ``limit``."""

    async def orders_by_id(self, ids: Sequence[int]) -> Sequence[Order[Any]]:
        """Closed orders with these ids, from the order history."""

    async def orders_between(self, symbol: Optional[str], start: int, end: int) -> Sequence[Order[Any]]:
        """Closed orders (of ``symbol``, or of every symbol) last updated in ``[start, end]``."""

    async def open_orders(self) -> Sequence[Order[Any]]:
        """Every open order of the account."""

    async def wallets(self) -> Sequence[Wallet[Any]]:
        """Every wallet of the account."""

    async def trades_after(self, after: Optional[int]) -> Sequence[Trade[Any]]:
        """The account's trades with an id above ``after``, oldest first, every page of them; with ``None``, the
        newest trade alone (where the client's knowledge starts)."""

    async def funding_trades_after(self, after: Optional[int]) -> Sequence[FundingTrade[Any]]:
        """As :meth:`trades_after`, for the account's funding trades."""

    async def funding_offers_between(self, symbol: str, start: int, end: int) -> Sequence[FundingOffer[Any]]:
        """Closed funding offers of ``symbol`` last updated in ``[start, end]``."""
