"""The exchange: the account registry (:class:`~.ledger.Ledger`) with its trading and funding engines, shared by
the WebSocket and REST front ends (``sim.exchange``)."""

from typing import Any

from ..model.market import Market
from .funding import FundingEngine
from .ledger import Ledger
from .trading import TradingEngine

__all__ = ["Exchange"]


class Exchange(Ledger):
    """Accounts plus the trading and funding engines."""

    def __init__(self, market: Market, seed: Any) -> None:
        super().__init__(market, seed)
        self.trading = TradingEngine(self)
        self.funding = FundingEngine(self, self.trading)
