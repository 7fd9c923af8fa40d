"""What ``bfx.rest.stats()`` returns: a snapshot of the REST client's health, without reading logs.

:class:`RestCounters` is what the middleware updates per request (a few integer additions and one append to a
bounded deque); :class:`RestStats` is the frozen snapshot, whose percentiles are computed only when it is taken.
"""

import math
from collections import deque
from dataclasses import dataclass
from types import MappingProxyType
from typing import Deque, Mapping, Optional

__all__ = ["RestStats", "RestCounters", "LATENCY_WINDOW"]

#: how many of the most recent answered requests the latency percentiles are computed over
LATENCY_WINDOW = 1000


@dataclass(frozen=True)
class RestStats:
    """The REST client since it was created. A retried request and a request resent with a fresh nonce count once
    per attempt: these are the requests that really went out."""

    #: HTTP requests sent
    requests: int
    #: requests that failed, by exception class name (``RateLimitError``, ``RestTimeoutError``,
    #: ``RequestParameterError``, ...): every attempt that raised, retried or not
    errors: Mapping[str, int]
    #: answers with HTTP status 429 (Bitfinex's rate limit, which blocks the IP for a minute)
    rate_limited: int
    #: seconds calls spent waiting for the client-side rate limiter (queueing behind other calls included)
    limiter_wait: float
    #: latency percentiles, in seconds, over the last ``latency_samples`` (at most ``LATENCY_WINDOW``) answered
    #: requests: from sending the request (for signed ones: from waiting for the key's turn, as they go one at a
    #: time) to the whole body read; None before the first answer
    latency_p50: Optional[float]
    latency_p90: Optional[float]
    latency_p99: Optional[float]
    latency_samples: int

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class RestCounters:
    """The mutable counters behind :class:`RestStats` (owned by the middleware; not part of the public API)."""

    __slots__ = ("requests", "errors", "rate_limited", "limiter_wait", "latencies")

    def __init__(self, window: int = LATENCY_WINDOW) -> None:
        self.requests = 0
        self.errors: dict[str, int] = {}
        self.rate_limited = 0
        self.limiter_wait = 0.0
        # Bounded: a client that runs for months keeps the same small window of recent latencies.
        self.latencies: Deque[float] = deque(maxlen=window)

    def answered(self, latency: float, status: int) -> None:
        self.latencies.append(latency)
        if status == 429:
            self.rate_limited += 1

    def failed(self, error: BaseException) -> None:
        name = type(error).__name__
        self.errors[name] = self.errors.get(name, 0) + 1

    def snapshot(self) -> RestStats:
        ordered = sorted(self.latencies)
        return RestStats(
            requests=self.requests,
            errors=MappingProxyType(dict(self.errors)),
            rate_limited=self.rate_limited,
            limiter_wait=self.limiter_wait,
            latency_p50=_percentile(ordered, 0.50),
            latency_p90=_percentile(ordered, 0.90),
            latency_p99=_percentile(ordered, 0.99),
            latency_samples=len(ordered),
        )


def _percentile(ordered: list[float], fraction: float) -> Optional[float]:
    """The nearest-rank percentile of sorted values: the smallest value with at least ``fraction`` of them at or
    below it (always one of the measured values, never an interpolation)."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
