"""The async REST client: ``BfxRestInterface`` with ``public``, ``auth`` and ``merchant`` endpoint groups."""

from ._bfx_rest_interface import BfxRestInterface
from ._interface import DEFAULT_RATE_LIMITS, RetryPolicy
from .stats import RestStats

__all__ = ["BfxRestInterface", "RetryPolicy", "DEFAULT_RATE_LIMITS", "RestStats"]
