"""Client-side rate limiting: one sliding window per endpoint group.

Bitfinex limits every endpoint to a number of requests per minute and per IP, and blocks the IP for 60 s
when one is exceeded (protocol.md §5.4). Waiting a little on the client side is far cheaper than that
block, so the limiter *waits* until the group's window has room instead of failing.

Groups: public endpoints share one window per kind (all ``ticker/{symbol}`` calls count together, as the
server counts them); every authenticated or merchant path has a window of its own, whose limit is looked
up by its name (``"auth/r/alerts"``) and otherwise by its family (``"auth"``, ``"merchant"``).
"""

import asyncio
import time
from collections import deque
from types import MappingProxyType
from typing import Awaitable, Callable, Deque, Mapping, Optional

from ...exceptions import InvalidInputError

__all__ = ["DEFAULT_RATE_LIMITS", "RateLimiter"]

#: Requests per minute per group (protocol.md §5.4); ``None``: Bitfinex states no limit.
DEFAULT_RATE_LIMITS: Mapping[str, Optional[int]] = MappingProxyType({
    # public endpoints: one window per kind of endpoint
    "platform/status": 30,
    "ticker": 90,
    "tickers": 30,
    "tickers/hist": None,
    "trades": 15,
    "book": 240,
    "stats1": 15,
    "candles": 30,
    "status": 90,
    "liquidations": 3,
    "rankings": 90,
    "funding/stats": None,
    "conf": 90,
    "calc": 90,
    "pulse": None,
    # authenticated endpoints: one window per path, 90/min unless listed here
    "auth": 90,
    "auth/r/alerts": 45,
    "auth/w/deposit/address": 10,
    "auth/r/deposit/address/all": 10,
    "auth/w/transfer": None,
    "auth/w/withdraw": None,
    "auth/w/deposit/invoice": None,
    # Bitfinex Pay endpoints: no published limit
    "merchant": None,
})


class _Window:
    __slots__ = ("hits", "lock")

    def __init__(self) -> None:
        self.hits: Deque[float] = deque()
        # Waiters queue on the lock (FIFO), so a burst is served in call order and nobody starves.
        self.lock = asyncio.Lock()


class RateLimiter:
    """Sliding windows of ``window`` seconds (60 by default), one per group, each allowing ``limit`` calls.

    ``limits`` maps a group (or a family) to its limit per window; ``None`` disables the whole limiter.
    ``clock`` and ``sleep`` exist for tests.
    """

    def __init__(
        self,
        limits: Optional[Mapping[str, Optional[int]]],
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if window <= 0:
            raise InvalidInputError("the rate limit window must be positive")
        self.limits: Optional[dict[str, Optional[int]]] = dict(limits) if limits is not None else None
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._windows: dict[str, _Window] = {}
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def limit_of(self, group: str, family: str = "") -> Optional[int]:
        """The limit that applies to ``group`` (then to its ``family``), or ``None`` for no limit."""
        if self.limits is None:
            return None
        if group in self.limits:
            return self.limits[group]
        return self.limits.get(family) if family else None

    def take(self, group: str, family: str = "") -> bool:
        """Count one request of ``group`` now if that needs no waiting (no limit applies, or the window has room
        and no call is queued for it); ``False``: nothing was counted, the caller goes through :meth:`acquire`.

        The common case without a coroutine: :meth:`acquire` on a free lock and a window with room does the same
        without ever suspending, so the order of calls and what the window holds are the same either way."""
        limit = self.limit_of(group, family)
        if limit is None:
            return True
        window = self._windows.get(group)
        if window is None or limit <= 0 or window.lock.locked() or self._loop is not asyncio.get_running_loop():
            return False  # a first call, a bad limit, a queue, another loop: acquire() knows what to do
        return self._admit(window.hits, limit, self._clock())

    async def acquire(self, group: str, family: str = "") -> float:
        """Wait until ``group`` may send one more request and count it; return the time waited (s)."""
        limit = self.limit_of(group, family)
        if limit is None:
            return 0.0
        if limit <= 0:
            raise InvalidInputError(f"rate limit of {group!r} must be positive or None, not {limit}")
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # asyncio locks belong to one event loop: a new loop (a second asyncio.run) gets new ones.
            for existing in self._windows.values():
                existing.lock = asyncio.Lock()
            self._loop = loop
        window = self._windows.get(group)
        if window is None:
            window = self._windows[group] = _Window()
        waited = 0.0
        async with window.lock:
            hits = window.hits
            while True:
                now = self._clock()
                if self._admit(hits, limit, now):
                    return waited
                delay = hits[0] + self.window - now
                waited += delay
                await self._sleep(delay)

    def _admit(self, hits: Deque[float], limit: int, now: float) -> bool:
        """Drop the calls that left the window by ``now``; count one more at ``now`` if the window has room."""
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) < limit:
            hits.append(now)
            return True
        return False

    def pending(self, group: str) -> int:
        """How many calls of ``group`` the current window holds (for tests and diagnostics)."""
        window = self._windows.get(group)
        return len(window.hits) if window is not None else 0
