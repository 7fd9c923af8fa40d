"""The resting orders of one side of a book, by price level, best price first and time priority within a price.

Kept sorted as it changes (a bisected list of prices and a list of orders per price), so that the best order, a
level and the matching order cost no sort: the model updates hundreds of levels per side several times a second.
"""

import bisect
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional

__all__ = ["Resting", "BookSide"]


@dataclass(eq=False)
class Resting:
    """One resting order (trading: amount > 0 bid) or offer (funding: amount < 0 bid); ``price`` is the rate.

    ``owned``: the order of a simulated account (the market flow never cancels it; its fills are reported in
    :attr:`Trade.maker_order`); ``hidden``: matches but is left out of every public view (books, ticker);
    ``seq``: time priority within a price (set by the instrument)."""

    id: int
    price: float
    amount: float
    period: int = 0
    owned: bool = False
    hidden: bool = False
    seq: int = 0


class BookSide:
    """One side: price levels best first (bids: highest price first, asks: lowest), orders of a level in time
    priority. ``len()`` is the number of price levels."""

    def __init__(self, bid: bool) -> None:
        self.bid = bid
        self._keys: List[float] = []  # ascending: -price for bids, price for asks
        self._levels: Dict[float, List[Resting]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def _key(self, price: float) -> float:
        return -price if self.bid else price

    def add(self, order: Resting) -> None:
        """Append an order behind those already at its price (the caller gives it the newest ``seq``)."""
        level = self._levels.get(order.price)
        if level is None:
            bisect.insort(self._keys, self._key(order.price))
            self._levels[order.price] = [order]
        else:
            level.append(order)

    def discard(self, order: Resting) -> None:
        """Take an order out (a level left empty goes with it)."""
        level = self._levels.get(order.price)
        if level is None:
            return
        for index, resting in enumerate(level):
            if resting is order:
                del level[index]
                break
        if not level:
            del self._levels[order.price]
            key = self._key(order.price)
            index = bisect.bisect_left(self._keys, key)
            if index < len(self._keys) and self._keys[index] == key:
                del self._keys[index]

    def price(self, index: int) -> float:
        """The price of the ``index``-th level from the best (negative: from the worst)."""
        key = self._keys[index]
        return -key if self.bid else key

    def prices(self) -> List[float]:
        """Every price, best first."""
        return [-k for k in self._keys] if self.bid else list(self._keys)

    def level(self, price: float) -> List[Resting]:
        """The orders at ``price`` in time priority (empty when there is none)."""
        return self._levels.get(price, [])

    def has(self, price: float) -> bool:
        return price in self._levels

    def best(self) -> Optional[Resting]:
        """The first order in matching order."""
        if not self._keys:
            return None
        return self._levels[self.price(0)][0]

    def orders(self) -> Iterator[Resting]:
        """Every order in matching order: best price first, then time priority."""
        for price in self.prices():
            yield from list(self._levels[price])

    def visible(self) -> List[Resting]:
        """The public view: hidden orders left out, best price first, orders of a price by id (protocol.md §3.3)."""
        rows: List[Resting] = []
        for price in self.prices():
            rows.extend(sorted((o for o in self._levels[price] if not o.hidden), key=lambda o: o.id))
        return rows
