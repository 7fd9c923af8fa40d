"""Opt-in retries of idempotent reads.

Only reads are retried: public GET endpoints and authenticated ``auth/r/`` reads (each attempt is signed
again with a fresh nonce). Writes never are: a write whose answer was lost may have been executed, and
sending it again could, for instance, place a second order.
"""

import random
from dataclasses import dataclass
from typing import Optional

from ..exceptions import (
    MaintenanceError,
    RateLimitError,
    RestConnectionError,
    UnexpectedResponseError,
)
from ...exceptions import InvalidInputTypeError
from ..._utils.values import integer, real_number

__all__ = ["RetryPolicy", "is_retryable"]


@dataclass(frozen=True)
class RetryPolicy:
    """How to retry idempotent reads.

    ``attempts`` is the total number of tries (3: the first plus two retries). The n-th retry waits
    ``min(backoff * 2**(n-1), max_backoff)`` seconds plus up to ``jitter`` of that at random; after a rate
    limit it waits at least the error's ``retry_after`` (when ``respect_retry_after``). Retried: HTTP 429 and
    rate-limit errors, HTTP 5xx answers that are not Bitfinex errors (proxy pages), maintenance (20060) when
    ``retry_maintenance``, connection errors and timeouts. Bitfinex application errors (bad parameters,
    credentials, ...) are never retried.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 10.0
    jitter: float = 0.1
    respect_retry_after: bool = True
    retry_maintenance: bool = True

    def __post_init__(self) -> None:
        # Checked here rather than at the first retry, which may come long after, inside a failing request.
        if integer(self.attempts, "RetryPolicy.attempts", 1) is None:
            raise InvalidInputTypeError("RetryPolicy.attempts must be an int of at least 1, not None")
        for name in ("backoff", "max_backoff", "jitter"):
            if real_number(getattr(self, name), f"RetryPolicy.{name}", minimum=0) is None:
                raise InvalidInputTypeError(f"RetryPolicy.{name} must be a number, not None")
        for name in ("respect_retry_after", "retry_maintenance"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInputTypeError(
                    f"RetryPolicy.{name} must be True or False, not {type(getattr(self, name)).__name__}"
                )

    def delay(self, retry: int, error: Optional[BaseException] = None, rng: Optional[random.Random] = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry) after ``error``."""
        base = min(self.backoff * 2.0 ** (retry - 1), self.max_backoff)
        base += (rng or random).uniform(0, self.jitter * base) if self.jitter else 0.0
        if self.respect_retry_after and isinstance(error, RateLimitError):
            base = max(base, error.retry_after)
        return base


def is_retryable(error: BaseException, policy: RetryPolicy) -> bool:
    """Whether ``error`` is worth another attempt of an idempotent read under ``policy``."""
    if isinstance(error, (RateLimitError, RestConnectionError)):
        return True
    if isinstance(error, MaintenanceError):
        return policy.retry_maintenance
    if isinstance(error, UnexpectedResponseError):
        return error.status >= 500
    return False
