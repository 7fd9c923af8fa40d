"""The market clock: the time stamped on every trade, candle, ticker history row, status row and account event.

Two modes:

* **wall** (the default, ``Simulator(start_time=None)``): the clock is the real time. A market step (automatic
  or :meth:`Simulator.advance`) stamps what it does with the time it runs at, and everything between steps (an
  order, a REST query) reads the time of the moment: timestamps are always within milliseconds of the wall clock,
  as on Bitfinex, so that the current candle is the current minute and REST queries with ``start=`` see fresh
  data. The clock never goes back (a wall clock that jumps back is held where it was) and a step does not
  advance it: ten ``advance()`` calls in a row may share a millisecond, as trades on Bitfinex do.
* **virtual** (``Simulator(start_time=MS)``): the clock starts at ``MS`` and each step advances it by
  ``market_interval``; nothing else moves it. A seed and a start time then reproduce every timestamp, which
  deterministic tests rely on.
"""

import time
from typing import Callable, Optional

__all__ = ["MarketClock", "wall_ms"]


def wall_ms() -> int:
    """The real time in ms since the epoch."""
    return int(time.time() * 1000)


class MarketClock:
    """``now()`` for reading, ``step()`` when the market steps (see the module docstring)."""

    def __init__(self, start_ms: Optional[int], step_ms: int, wall: Callable[[], int] = wall_ms) -> None:
        self.virtual = start_ms is not None
        self.step_ms = step_ms
        self._wall = wall
        self._now = start_ms if start_ms is not None else wall()

    def now(self) -> int:
        """The current market time in ms."""
        if not self.virtual:
            self._now = max(self._now, self._wall())
        return self._now

    def step(self) -> int:
        """Advance for one market step and return the step's time."""
        if self.virtual:
            self._now += self.step_ms
            return self._now
        return self.now()
