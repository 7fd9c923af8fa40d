"""No lost fills: the account's trades (and funding trades) delivered exactly once each, across reconnections.

Bitfinex sends an account's fills once, on the socket that is up when they execute; a fill made while the
authenticated connection was down is never sent again. A :class:`Fills` keeps, for one family of fill events
(``trade_execution``/``trade_execution_update``, or the funding ones), the ids delivered and the newest id known
(the *baseline*: ids only grow, clocks may disagree). After a reconnection it fetches over REST every fill above
the baseline, delivers those not seen in execution order, marked recovered, and drops the socket's late copies.
Live fills that arrive while the fetch runs are held and delivered after the recovered ones, so that the whole
sequence stays in execution order.

The baseline is learned by one REST request at the first authentication (the newest fill then): fills before
the client started are not its to tell.
"""

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional, Sequence

from .._aliases import Emit
from ..types import FundingTrade, RecoveredFundingTrade, RecoveredTrade, Trade
from ._history import History

__all__ = ["Family", "Fills", "TRADES", "FUNDING_TRADES"]

#: fills remembered to drop a late duplicate from the socket (far more than an outage's worth)
_SEEN = 4096



@dataclass(frozen=True)
class Family:
    """One kind of fill: its two events, how to fetch it, how to mark a fetched row recovered."""

    name: str
    #: the auth filter category that carries it
    category: str
    execution: str
    update: str
    fetch: Callable[[History, Optional[int]], Awaitable[Sequence[Any]]]
    recovered: Callable[[Any], Any]

    @property
    def events(self) -> tuple[str, str]:
        return self.execution, self.update


_TRADE_FIELDS = tuple(field.name for field in dataclasses.fields(Trade))


def _recovered_trade(row: Trade) -> RecoveredTrade:
    return RecoveredTrade(*[getattr(row, name) for name in _TRADE_FIELDS])


def _recovered_funding_trade(row: FundingTrade) -> RecoveredFundingTrade:
    # maker: the history rows the client reads do not carry it
    return RecoveredFundingTrade(row.id, row.currency, row.mts_create, row.offer_id, row.amount, row.rate, row.period,
                                 None)


TRADES = Family("trades", "trading", "trade_execution", "trade_execution_update", lambda h, a: h.trades_after(a),
                _recovered_trade)
FUNDING_TRADES = Family("funding trades", "funding", "funding_trade_execution", "funding_trade_execution_update",
                        lambda h, a: h.funding_trades_after(a), _recovered_funding_trade)


class Fills:
    """The delivery state of one family of fills (see the module docs)."""

    __slots__ = ("family", "_history", "_logger", "_seen", "baseline", "_held")

    def __init__(self, family: Family, history: Optional[History], logger: logging.Logger) -> None:
        self.family = family
        self._history = history
        self._logger = logger
        # (event, id) delivered, oldest first
        self._seen: dict[tuple[str, int], None] = {}
        #: the newest id known: a fill above it that the client did not deliver was missed
        self.baseline: Optional[int] = None
        # live fills held while the missed ones are fetched (None: not holding)
        self._held: Optional[list[tuple[str, Any]]] = None

    @property
    def can_recover(self) -> bool:
        return self._history is not None

    def live(self, event: str, fill: Any) -> bool:
        """A fill from the socket: True to deliver it now; False when it was delivered already (the socket's
        late copy of a recovered fill) or is held until the recovery ends."""
        key = (event, fill.id)
        if key in self._seen:
            return False
        if self._held is not None:
            self._held.append((event, fill))
            return False
        self._remember(key, fill)
        return True

    def _remember(self, key: tuple[str, int], fill: Any) -> None:
        self._seen[key] = None
        if len(self._seen) > _SEEN:
            del self._seen[next(iter(self._seen))]
        if self.baseline is None or fill.id > self.baseline:
            self.baseline = fill.id

    async def learn_baseline(self) -> None:
        assert self._history is not None
        try:
            newest = await self.family.fetch(self._history, None)
        except Exception as error:  # pylint: disable=broad-exception-caught
            self._logger.warning("account: the newest of the %s could not be fetched (%s): %s missed during a "
                                 "later outage cannot be told apart from older ones", self.family.name, error,
                                 self.family.name)
            return
        known = max((row.id for row in newest), default=0)
        self.baseline = max(self.baseline or 0, known)

    def hold(self) -> None:
        """From now until :meth:`release`, live fills wait (a recovery is about to run)."""
        if self._held is None and self._history is not None:
            self._held = []

    async def recover(self, emit: Emit, told: list[tuple[str, Any]]) -> None:
        """Deliver the fills executed while away, in execution order, each once."""
        baseline = self.baseline
        if self._history is None or baseline is None:
            return
        try:
            rows = await self.family.fetch(self._history, baseline)
        except Exception as error:  # pylint: disable=broad-exception-caught
            self._logger.warning("account: the %s executed while the connection was down could not be fetched "
                                 "(%s): fills may be missing", self.family.name, error)
            return
        execution = self.family.execution
        for row in sorted(rows, key=lambda r: (r.mts_create, r.id)):
            if row.id <= baseline or (execution, row.id) in self._seen:
                continue
            fill = self.family.recovered(row)
            for event in self.family.events:  # the socket's late copies of either are dropped
                self._remember((event, fill.id), fill)
            told.append((execution, fill))
            emit(execution, fill)

    def release(self, emit: Emit) -> None:
        """Deliver the live fills held during the recovery, after the recovered ones (each once)."""
        held, self._held = self._held or [], None
        for event, fill in held:
            if self.live(event, fill):
                emit(event, fill)
