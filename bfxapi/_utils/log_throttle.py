"""Repeated identical log records, once per interval with a count.

A callback that fails on every ticker, or a server that sends the same bad frame thousands of times, must stay
visible without flooding the terminal: the first occurrence is logged in full, the repeats within the interval
are only counted, and the first occurrence after the interval is logged with that count.
"""

import time
from typing import Callable, Hashable, Optional

__all__ = ["LogThrottle"]


class LogThrottle:
    """Decides, per key, whether a record is logged now.

    ``allow(key)`` returns ``None`` when the record should be skipped, otherwise the number of records of that
    key skipped since the last one logged (0 the first time). Keys are forgotten an interval after their last
    record, so the memory held stays bounded by what repeats within one interval (``max_keys`` at most).
    """

    def __init__(
        self, interval: float = 60.0, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 1024
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._max_keys = max_keys
        # key -> (time the last record was logged, records skipped since)
        self._seen: dict[Hashable, tuple[float, int]] = {}

    def allow(self, key: Hashable) -> Optional[int]:
        """Whether to log a record of ``key`` now: ``None`` (skip) or the count skipped before it."""
        now = self._clock()
        entry = self._seen.get(key)
        if entry is not None and now - entry[0] < self.interval:
            self._seen[key] = (entry[0], entry[1] + 1)
            return None
        if entry is None and len(self._seen) >= self._max_keys:
            self._forget_old(now)
        self._seen[key] = (now, 0)
        return 0 if entry is None else entry[1]

    def _forget_old(self, now: float) -> None:
        for key, (logged, _) in list(self._seen.items()):
            if now - logged >= self.interval:
                del self._seen[key]
        if len(self._seen) >= self._max_keys:
            # Everything is recent: drop the oldest half rather than grow without bound.
            for key in sorted(self._seen, key=lambda k: self._seen[k][0])[: self._max_keys // 2]:
                del self._seen[key]
