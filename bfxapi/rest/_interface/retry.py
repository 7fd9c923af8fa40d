"""Opt-in retries of idempotent reads.

Only reads are retried: public GET endpoints and authenticated ``auth/r/`` reads (each attempt is signed
again with a fresh nonce). Writes never are: a write whose answer was lost may have been executed, and
sending it again could, for instance, place a second order. That holds whatever the policy says: a policy's
``retry_on`` decides which errors of a *read* deserve another attempt, never whether a write is repeated.
"""

import random
from dataclasses import dataclass
from typing import Callable, Optional

from ..exceptions import (
    MaintenanceError,
    RateLimitError,
    RestConnectionError,
    UnexpectedResponseError,
)
from ...exceptions import InvalidInputTypeError
from ..._utils.values import integer, real_number

__all__ = ["RetryPolicy", "is_retryable", "default_retryable"]


def default_retryable(error: BaseException) -> bool:
    """The default rule: rate limits (429, 11010), connection errors and timeouts, maintenance (20060), and HTTP 5xx
    answers that are not Bitfinex errors (a proxy's or load balancer's page). Bitfinex application errors (bad
    parameters, credentials, ...) are not worth another attempt: the same request would get the same answer.

    A ``retry_on`` of a :class:`RetryPolicy` may call it to extend it rather than start over:
    ``retry_on=lambda e: default_retryable(e) or isinstance(e, GenericError)``."""
    if isinstance(error, (RateLimitError, RestConnectionError, MaintenanceError)):
        return True
    if isinstance(error, UnexpectedResponseError):
        return error.status >= 500
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """How to retry idempotent reads.

    ``attempts`` is the total number of tries (3: the first plus two retries). The n-th retry waits
    ``min(backoff * 2**(n-1), max_backoff)`` seconds plus up to ``jitter`` of that at random; after a rate
    limit it waits at least the error's ``retry_after`` (when ``respect_retry_after``). Retried: HTTP 429 and
    rate-limit errors, HTTP 5xx answers that are not Bitfinex errors (proxy pages), maintenance (20060) when
    ``retry_maintenance``, connection errors and timeouts. Bitfinex application errors (bad parameters,
    credentials, ...) are not retried.

    ``retry_on`` replaces that rule: a callable given the error of a failed read that answers whether to try again
    (``None``, the default, is the rule above: :func:`default_retryable` with ``retry_maintenance`` applied). It only
    ever sees errors of idempotent reads (public GETs and ``auth/r/``): writes are never retried, even under a
    ``retry_on`` that says yes to everything, because a write whose answer was lost may have been executed. It is
    called on the failing request's task; an exception it raises propagates (chained to the request's error).
    ``attempts`` still bounds the tries and the backoff still applies::

        RetryPolicy(attempts=5, retry_on=lambda e: default_retryable(e) or isinstance(e, GenericError))
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 10.0
    jitter: float = 0.1
    respect_retry_after: bool = True
    retry_maintenance: bool = True
    retry_on: Optional[Callable[[BaseException], bool]] = None

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
        if self.retry_on is not None and not callable(self.retry_on):
            raise InvalidInputTypeError(
                f"RetryPolicy.retry_on must be a callable (error) -> bool or None, not {type(self.retry_on).__name__}"
            )

    def delay(self, retry: int, error: Optional[BaseException] = None, rng: Optional[random.Random] = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry) after ``error``."""
        base = min(self.backoff * 2.0 ** (retry - 1), self.max_backoff)
        base += (rng or random).uniform(0, self.jitter * base) if self.jitter else 0.0
        if self.respect_retry_after and isinstance(error, RateLimitError):
            base = max(base, error.retry_after)
        return base


def is_retryable(error: BaseException, policy: RetryPolicy) -> bool:
    """Whether ``error`` is worth another attempt of an idempotent read under ``policy`` (the caller checks that the
    request is a read: this never makes a write retryable)."""
    if policy.retry_on is not None:
        return bool(policy.retry_on(error))
    if isinstance(error, MaintenanceError):
        return policy.retry_maintenance
    return default_retryable(error)
