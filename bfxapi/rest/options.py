"""Options of the REST interface that ``Client(rest_options=...)`` forwards to ``BfxRestInterface``."""

from typing import Any, Mapping, Optional, TypedDict

from ..exceptions import InvalidInputError, InvalidInputTypeError
from ._interface.retry import RetryPolicy

__all__ = ["RestOptions", "rest_options_kwargs"]


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


#: the keys ``rest_options`` may hold
REST_OPTION_KEYS = tuple(RestOptions.__annotations__)


def rest_options_kwargs(value: Any, name: str = "rest_options") -> dict[str, Any]:
    """The keyword arguments of ``BfxRestInterface`` that ``value`` (a :class:`RestOptions`, or ``None``) holds.

    ``value`` must be a mapping whose keys are :class:`RestOptions`' keys: a misspelt key is refused here, by
    name, rather than left to Python's ``unexpected keyword argument``. The values are checked by
    ``BfxRestInterface``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInputTypeError(
            f"{name} must be a dict (RestOptions) with the keys {', '.join(REST_OPTION_KEYS)}, "
            f"not {type(value).__name__}"
        )
    unknown = [key for key in value if key not in REST_OPTION_KEYS]
    if unknown:
        raise InvalidInputError(
            f"{name} has the unknown key {unknown[0]!r}: the keys are {', '.join(REST_OPTION_KEYS)}"
        )
    return dict(value)
