"""The HTTP layer shared by the endpoint groups (session, signing, errors, rate limits, retries)."""

from .interface import Interface
from .middleware import Credentials, Middleware
from .rate_limiter import DEFAULT_RATE_LIMITS, RateLimiter
from .retry import RetryPolicy

__all__ = ["Interface", "Middleware", "Credentials", "DEFAULT_RATE_LIMITS", "RateLimiter", "RetryPolicy"]
