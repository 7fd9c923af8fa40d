"""The HTTP layer shared by the endpoint groups (transport, signing, errors, rate limits, retries)."""

from .interface import Interface
from .middleware import Credentials, Middleware
from .rate_limiter import DEFAULT_RATE_LIMITS, RateLimiter
from .retry import RetryPolicy, default_retryable
from .transport import AiohttpTransport, MemoryTransport, Reply, RestAnswer, RestRequest, Transport

__all__ = [
    "Interface", "Middleware", "Credentials", "DEFAULT_RATE_LIMITS", "RateLimiter", "RetryPolicy", "default_retryable",
    "Transport", "Reply", "RestRequest", "RestAnswer", "AiohttpTransport", "MemoryTransport",
]
