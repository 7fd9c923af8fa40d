"""Order size limits per pair, from Bitfinex's ``conf/pub:info:pair`` (and ``pub:info:pair:futures``), cached.

Why a cache with two refresh triggers: the limits change rarely (Bitfinex adjusts a pair's minimum now and then,
lists new pairs), and checking an order must not cost a request each time. So the table is read on first use,
again once it is older than ``ttl`` (an hour by default), and again when an order names a pair the table lacks (a
pair listed since), but not more often than ``miss_interval``, so that a typo in a loop does not hammer ``conf``.
Concurrent first uses share one refresh (a lock): a burst of orders at start-up reads the table once.
"""

import asyncio
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Awaitable, Callable, Mapping, Optional, Protocol, Sequence

from .rounding import to_decimal

__all__ = ["PairLimits", "PairRow", "PairInfoSource", "PairLimitsCache", "pair_of"]


class PairRow(Protocol):
    """What is read of a ``conf/pub:info:pair`` row (:class:`bfxapi.types.PairInfo`, in either number mode)."""

    @property
    def pair(self) -> str: ...
    @property
    def min_order_size(self) -> Any: ...
    @property
    def max_order_size(self) -> Any: ...


class PairInfoSource(Protocol):
    """``get_pair_info`` of :class:`~bfxapi.rest.BfxRestInterface`'s public endpoints (or a stand-in)."""

    def __call__(self, *, futures: bool = False) -> Awaitable[Sequence[PairRow]]: ...


@dataclass(frozen=True, slots=True)
class PairLimits:
    """The order size limits of one pair (``pair`` as Bitfinex lists it: ``"BTCUSD"``, ``"BTCF0:USTF0"``), in its
    base currency; ``None`` where Bitfinex gives no limit."""

    pair: str
    min_order_size: Optional[Decimal]
    max_order_size: Optional[Decimal]


def pair_of(symbol: str) -> str:
    """``"tBTCUSD"`` -> ``"BTCUSD"``: the name ``conf/pub:info:pair`` lists a trading symbol under."""
    return symbol[1:] if symbol.startswith("t") else symbol


def _size(value: Any) -> Optional[Decimal]:
    # Bitfinex sends the sizes as decimal strings ("0.00006"); a number or an empty slot is taken too.
    if value is None or value == "":
        return None
    try:
        size = to_decimal(value if isinstance(value, (str, Decimal, int, float)) else str(value), "order size")
    except ValueError:
        return None
    return size if size > 0 else None


class PairLimitsCache:
    """``await cache.get("tBTCUSD")``: the pair's :class:`PairLimits`, or ``None`` when Bitfinex lists no such pair
    (see the module docs for when the table is read)."""

    def __init__(
        self,
        source: PairInfoSource,
        *,
        ttl: float = 3600.0,
        miss_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._ttl = ttl
        self._miss_interval = miss_interval
        self._clock = clock
        self._table: Mapping[str, PairLimits] = {}
        self._loaded_at: Optional[float] = None
        self._lock: Optional[asyncio.Lock] = None
        #: how many times the table was read (both keys count as one)
        self.refreshes = 0

    @property
    def table(self) -> Mapping[str, PairLimits]:
        """The limits held now, by pair (empty before the first read)."""
        return self._table

    async def get(self, symbol: str) -> Optional[PairLimits]:
        pair = pair_of(symbol)
        if self._stale(self._ttl) or (pair not in self._table and self._stale(self._miss_interval)):
            await self._refresh(self.refreshes)
        return self._table.get(pair)

    def _stale(self, age: float) -> bool:
        return self._loaded_at is None or self._clock() - self._loaded_at >= age

    async def refresh(self) -> None:
        """Read the table now."""
        await self._refresh(None)

    async def _refresh(self, seen: Optional[int]) -> None:
        """Read the table, unless it was read since the caller saw ``seen`` refreshes (it waited for that read)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if seen is not None and self.refreshes != seen:
                return
            rows = [*await self._source(futures=False), *await self._source(futures=True)]
            self._table = {
                row.pair: PairLimits(row.pair, _size(row.min_order_size), _size(row.max_order_size)) for row in rows
            }
            self._loaded_at = self._clock()
            self.refreshes += 1
