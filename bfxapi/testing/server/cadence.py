"""How often the server publishes what does not come with a trade or a book change, and how late ``tu`` follows
``te``: Bitfinex's cadences, measured on the real 2021 capture (``tests/data/bitfinex-ws-capture-2021-04-17.txt``)
or taken from protocol.md, and checked against the capture by ``tests/test_simulator_realism.py``.

=========================  ======  ====================================================================================
option (``Simulator``)     value   source
=========================  ======  ====================================================================================
``ticker_interval``        10 s    capture: the ticker of a pair whose book moves is re-sent every 10.0 s (tIOTETH at
                                   5.3, 15.3, 25.3 s; tMNABTC 5.4, 15.4, 25.4 s), never unchanged (tODEUSD: one frame
                                   in 30 s); protocol.md §3.3: "~15 s apart on BTC (2026), 1 per 10 s (2018)"
``status_interval``        1 s     protocol.md §3.3 (probe): derivatives status "rows re-sent ~1/s, content changes
                                   every ~3 s" (the content's 3 s: :data:`~..model.market.DERIV_REFRESH_MS`)
``trade_update_delay``     1.5 s   protocol.md §3.3: ``tu`` comes "after persistence, 1–2 s later" than ``te``; the
                                   account's own ``tu`` (with its fee) as well
``heartbeat_interval``     15 s    capture: ``hb`` on all 21 channels of the connection at the same instant (3.95 s and
                                   18.96 s), busy book or quiet ticker alike: one 15 s clock per connection
=========================  ======  ====================================================================================

With ``auto_market=False`` (a test steps the market with ``advance()``) the first three default to "with every
step": each step publishes the tickers and status rows, and ``tu`` follows ``te`` at once, so that a stepped test
sees the same frames every run without waiting. Given explicitly, they apply in both modes: the intervals on the
market clock (the wall clock by default, :mod:`..model.clock`), the delay in real seconds.
"""

import random
from typing import Any, Dict, Iterable, Optional

from ..model.market import StepResult

__all__ = ["Cadence", "TICKER_INTERVAL", "STATUS_INTERVAL", "TRADE_UPDATE_DELAY", "HEARTBEAT_INTERVAL"]

TICKER_INTERVAL = 10.0
STATUS_INTERVAL = 1.0
TRADE_UPDATE_DELAY = 1.5
HEARTBEAT_INTERVAL = 15.0


class _Clock:
    """Due times every ``interval_ms`` per name, each name with its own seeded phase."""

    def __init__(self, interval_ms: int, seed: Any, label: str) -> None:
        self.interval_ms = interval_ms
        self.seed = seed
        self.label = label
        self.next_due: Dict[str, int] = {}

    def due(self, name: str, now: int) -> bool:
        due = self.next_due.get(name)
        if due is None:
            phase = random.Random(f"{self.seed}:{self.label}:{name}").randrange(self.interval_ms)
            self.next_due[name] = now + phase
            return False
        if now < due:
            return False
        self.next_due[name] = due + ((now - due) // self.interval_ms + 1) * self.interval_ms
        return True


class Cadence:
    """Marks on each step's result which tickers (``result.tickers``) and status rows (``result.status``) are due.

    ``ticker_interval``/``status_interval`` in seconds, or None for every step."""

    def __init__(self, seed: Any, ticker_interval: Optional[float], status_interval: Optional[float]) -> None:
        self.every_step = ticker_interval is None
        self._tickers = None if ticker_interval is None else _Clock(max(1, int(ticker_interval * 1000)), seed,
                                                                    "ticker")
        self._status = None if status_interval is None else _Clock(max(1, int(status_interval * 1000)), seed,
                                                                   "status")

    def mark(self, result: StepResult, symbols: Iterable[str], derivatives: Iterable[str]) -> None:
        now = result.mts
        result.tickers = {s for s in symbols if self._tickers is None or self._tickers.due(s, now)}
        result.status = {s for s in derivatives if self._status is None or self._status.due(s, now)}
        result.resend = self._tickers is None
