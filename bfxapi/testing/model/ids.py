"""Id counters: each kind of object (order, trade, offer, ...) numbered from its own start.

The public market and the account side each hold one, started in distinct ranges, so that an id tells which side
made it and a test can never mistake a market order for an account's. The starts are near the magnitudes of real
Bitfinex ids (see the captures), so that a client storing ids meets realistic sizes."""

from typing import Dict, Mapping

__all__ = ["IdCounters", "MARKET_ID_STARTS", "ACCOUNT_ID_STARTS"]

#: the public market's resting orders, funding offers, trades and positions
MARKET_ID_STARTS: Mapping[str, int] = {
    "order": 34_753_000_000, "offer": 658_280_000, "trade": 401_597_000, "position": 142_390_000,
}

#: the accounts' objects, above the market's ranges
ACCOUNT_ID_STARTS: Mapping[str, int] = {
    "order": 34_800_000_000, "trade": 402_000_000, "offer": 658_300_000, "position": 142_400_000,
    "credit": 2_800_000, "ledger": 2_531_000_000, "movement": 13_000_000, "user": 269_000,
}


class IdCounters:
    """The last id given of each kind; :meth:`next` gives the following one."""

    def __init__(self, starts: Mapping[str, int]) -> None:
        self.counters: Dict[str, int] = dict(starts)

    def next(self, kind: str) -> int:
        """The next id of ``kind`` (a kind without a start is a programming error: KeyError)."""
        self.counters[kind] += 1
        return self.counters[kind]
