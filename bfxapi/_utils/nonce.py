"""Nonces for authenticated requests.

Bitfinex requires every nonce of an API key to be larger than the previous one, on REST and WebSocket
alike, and no larger than 2**53 - 1. The generator follows the clock in microseconds (so a fresh process
continues above what an earlier one used) and never repeats or goes back, even when the clock does or
when many tasks or threads ask in the same microsecond.
"""

import threading
import time
from typing import Callable

__all__ = ["NonceGenerator", "MAX_NONCE"]

MAX_NONCE = 2**53 - 1


class NonceGenerator:
    """A strictly increasing source of nonces, one per client (and so per API key)."""

    __slots__ = ("_last", "_lock", "_clock")

    def __init__(self, clock: Callable[[], int] = time.time_ns) -> None:
        self._last = 0
        self._lock = threading.Lock()
        self._clock = clock

    def next(self) -> int:
        """The next nonce: the current time in microseconds, or one more than the last nonce."""
        with self._lock:
            nonce = max(self._clock() // 1000, self._last + 1)
            if nonce > MAX_NONCE:
                raise OverflowError("nonce exceeds 2**53 - 1, the largest value Bitfinex accepts")
            self._last = nonce
            return nonce

    @property
    def last(self) -> int:
        """The last nonce handed out (0 before the first)."""
        return self._last
