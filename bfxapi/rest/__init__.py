"""The async REST client: ``BfxRestInterface`` with ``public``, ``auth`` and ``merchant`` endpoint groups."""

from ._bfx_rest_interface import BfxRestInterface
from ._interface import (
    DEFAULT_RATE_LIMITS,
    AiohttpTransport,
    MemoryTransport,
    Reply,
    RestAnswer,
    RestRequest,
    RetryPolicy,
    Transport,
    default_retryable,
)
from .options import RestOptions
from .stats import RestStats

__all__ = [
    "BfxRestInterface", "RetryPolicy", "DEFAULT_RATE_LIMITS", "RestStats", "RestOptions", "default_retryable",
    "Transport", "Reply", "RestRequest", "RestAnswer", "AiohttpTransport", "MemoryTransport",
]
