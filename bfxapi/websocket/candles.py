"""Managed candles: a candles subscription that tells each candle once, when it has closed.

Bitfinex's candles channel never says "this candle is final": it sends the candle in progress again and again
(``candles_update``), and a candle is over when one with a later start time arrives. After a reconnection the
fresh snapshot repeats up to 240 candles, closed ones included. :class:`ManagedCandles` turns that into
``candle_closed(subscription, candle)``, emitted once per candle, in time order, with the candle's last values:

- an update with a later start closes the current candle (told) and becomes the current one;
- an update of the current candle replaces it; a late update of an older candle is ignored (it was told);
- the first snapshot only sets the current candle: history is not told (fetch it over REST if you want it);
- a later snapshot (a resubscription after a reconnect) tells the candles that closed meanwhile (the one that was
  current, with its final values, then any complete one after it), never one already told.

What is kept is one candle and one timestamp, so the cost per update is a comparison.
"""

from typing import Any, Awaitable, Callable, Generic, Optional

from .._aliases import Emit
from ..types.dataclasses import Candle
from ..types.number import N

__all__ = ["ManagedCandles"]

#: emit(event, subscription, candle): the client's emitter


class ManagedCandles(Generic[N]):
    """A candles subscription's current candle and its closed candles, each told once (see module docs).

    Made by ``await bfx.wss.candles(key, on_close=...)``; ``close()`` unsubscribes."""

    def __init__(self, key: str, emit: Emit, closer: Callable[["ManagedCandles[N]"], Awaitable[None]]) -> None:
        self.key = key
        self.subscription: Optional[dict[str, Any]] = None  # set by the client once subscribed
        self._emit = emit
        self._closer: Callable[["ManagedCandles[N]"], Awaitable[None]] = closer
        self._current: Optional[Candle[N]] = None
        self._last_closed: Optional[Candle[N]] = None
        # the start (ms) of the newest candle told or known to be history: nothing at or before it is told again
        self._told_until: Optional[int] = None

    @property
    def sub_id(self) -> Optional[str]:
        return None if self.subscription is None else str(self.subscription["sub_id"])

    @property
    def current(self) -> Optional[Candle[N]]:
        """The candle in progress (as last received), None before the first frame."""
        return self._current

    @property
    def last_closed(self) -> Optional[Candle[N]]:
        """The last candle told as closed, None before the first."""
        return self._last_closed

    async def close(self) -> None:
        """Unsubscribe."""
        await self._closer(self)

    def feed(self, event: str, data: Any) -> None:
        """A sink of the subscription: its ``candles_snapshot`` and ``candles_update`` events."""
        if event == "candles_update":
            self._update(data)
        elif event == "candles_snapshot":
            self._snapshot(data)

    def _update(self, candle: Candle[N]) -> None:
        current = self._current
        if current is None:
            # The first frame: what started before this candle is history, not news.
            self._told_until = candle.mts - 1
            self._current = candle
        elif candle.mts == current.mts:
            self._current = candle
        elif candle.mts > current.mts:
            self._close(current)
            self._current = candle
        # else: a late update of a candle already closed (and told): ignored

    def _snapshot(self, candles: list[Candle[N]]) -> None:
        if not candles:
            return
        ordered = sorted(candles, key=lambda candle: candle.mts)  # Bitfinex sends the newest first
        newest = ordered[-1]
        if self._current is None:
            self._told_until = newest.mts - 1  # the first snapshot's older candles are history, not news
            self._current = newest
            return
        # A resubscription: the candles that started after what was told, before the newest, closed while away
        # (the one current when the connection dropped first, with its final values).
        told_until = self._told_until if self._told_until is not None else newest.mts - 1
        for candle in ordered[:-1]:
            if candle.mts > told_until:
                self._close(candle)
        if newest.mts >= self._current.mts:
            self._current = newest

    def _close(self, candle: Candle[N]) -> None:
        self._told_until = candle.mts
        self._last_closed = candle
        if self.subscription is not None:
            self._emit("candle_closed", self.subscription, candle)

    def __repr__(self) -> str:
        return f"ManagedCandles({self.key!r}, current={self._current!r})"
