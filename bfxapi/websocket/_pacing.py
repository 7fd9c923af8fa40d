"""How fast connections may be (re)opened: reconnection backoff and Bitfinex's connection-rate limits."""

import asyncio
import random
from collections import deque
from dataclasses import dataclass
from typing import Callable, Optional

__all__ = ["Backoff", "ConnectionRateGovernor"]


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: the n-th wait (n = 0, 1, ...) is
    ``min(maximum, initial * factor**n)``, multiplied by a random factor in ``[1 - jitter, 1 + jitter]``
    and capped at ``maximum``. Defaults: about 3 s at first, growing to one minute."""

    initial: float = 3.0
    maximum: float = 60.0
    factor: float = 2.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if not 0 < self.initial <= self.maximum:
            raise ValueError("Backoff needs 0 < initial <= maximum")
        if self.factor < 1 or not 0 <= self.jitter < 1:
            raise ValueError("Backoff needs factor >= 1 and 0 <= jitter < 1")

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """The wait before reconnection attempt number ``attempt`` (0 for the first)."""
        base = min(self.maximum, self.initial * self.factor ** min(attempt, 64))
        return min(self.maximum, base * (1 - self.jitter + 2 * self.jitter * rng()))


class ConnectionRateGovernor:
    """Keeps new connections under ``limit`` per ``window`` seconds (Bitfinex: 20 per minute on the public
    host, 5 per 15 s on the authenticated one, after which the IP is refused with HTTP 429 for a minute).

    Every connection attempt of a client to one host goes through one governor, so a pool that reconnects
    all its connections at once queues them instead of getting itself blocked.
    """

    def __init__(self, limit: Optional[int], window: float, clock: Optional[Callable[[], float]] = None) -> None:
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1 (or None for no limit)")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._recent: deque[float] = deque()
        self._lock = asyncio.Lock()

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def wait_time(self) -> float:
        """How long an attempt made now would have to wait."""
        if self.limit is None:
            return 0.0
        now = self._now()
        while self._recent and now - self._recent[0] >= self.window:
            self._recent.popleft()
        if len(self._recent) < self.limit:
            return 0.0
        return self._recent[0] + self.window - now

    async def acquire(self) -> float:
        """Wait until a new connection is allowed and record it; returns the time waited."""
        waited = 0.0
        async with self._lock:
            while (wait := self.wait_time()) > 0:
                waited += wait
                await asyncio.sleep(wait)
            self._recent.append(self._now())
        return waited
