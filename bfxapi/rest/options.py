"""Options of the REST interface that ``Client(rest_options=...)`` forwards to ``BfxRestInterface``."""

from typing import Mapping, Optional, TypedDict

from ._interface.retry import RetryPolicy

__all__ = ["RestOptions"]


class RestOptions(TypedDict, total=False):
    """Every key is optional; the defaults are those of ``BfxRestInterface``."""

    #: seconds for a whole request (30), and for opening a connection (10)
    timeout: Optional[float]
    connect_timeout: Optional[float]
    #: size of the connection pool (10) and how long an idle connection is kept (30 s)
    connection_limit: int
    keepalive_timeout: float
    #: requests per minute per endpoint group (Bitfinex's published limits); None turns limiting off
    rate_limits: Optional[Mapping[str, Optional[int]]]
    rate_limit_window: float
    rate_limit_penalty: float
    #: retries of idempotent reads (off by default)
    retry: Optional[RetryPolicy]
