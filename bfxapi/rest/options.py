"""Options of the REST interface that ``Client(rest_options=...)`` forwards to ``BfxRestInterface``.

``rest_options`` is a :class:`RestOptions` (checked when it is made, each value by name) or, as before, a dict of
the same keys (:class:`RestOptionsDict`, for type checkers): ``Client(rest_options=RestOptions(retry=RetryPolicy()))``
and ``Client(rest_options={"retry": RetryPolicy()})`` are the same client.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, TypedDict, Union

from ..exceptions import InvalidInputError, InvalidInputTypeError
from .._utils.values import integer, real_number
from ._interface.params import required
from ._interface.rate_limiter import DEFAULT_RATE_LIMITS
from ._interface.retry import RetryPolicy
from ._interface.transport import Transport

__all__ = ["RestOptions", "RestOptionsDict", "rest_options_kwargs"]


@dataclass(frozen=True)
class RestOptions:
    """The REST interface's options; every one has the default of ``BfxRestInterface``.

    * ``timeout`` (30 s) for a whole request, ``connect_timeout`` (10 s) for opening a connection (``None``: none);
    * ``connection_limit`` (10): the size of the connection pool; ``keepalive_timeout`` (30 s): how long an idle
      connection is kept;
    * ``rate_limits``: requests per ``rate_limit_window`` (60 s) per endpoint group, merged over Bitfinex's
      published limits (``DEFAULT_RATE_LIMITS``; a group set to ``None`` is not limited); ``None`` turns client-side
      limiting off;
    * ``rate_limit_penalty`` (60 s): the ``retry_after`` of a rate-limit error without ``Retry-After``;
    * ``retry``: a :class:`~bfxapi.rest.RetryPolicy` for idempotent reads (``None``: no retries; writes never are);
    * ``transport``: what carries the requests (``None``: a pooled aiohttp session); a
      :class:`~bfxapi.rest.MemoryTransport` answers in memory, for tests.

    Each value is checked here: a wrong type raises :class:`~bfxapi.exceptions.InvalidInputTypeError`, a value out
    of range :class:`~bfxapi.exceptions.InvalidInputError`, both naming the option.
    """

    timeout: Optional[float] = 30.0
    connect_timeout: Optional[float] = 10.0
    connection_limit: int = 10
    keepalive_timeout: float = 30.0
    rate_limits: Optional[Mapping[str, Optional[int]]] = field(default_factory=lambda: DEFAULT_RATE_LIMITS)
    rate_limit_window: float = 60.0
    rate_limit_penalty: float = 60.0
    retry: Optional[RetryPolicy] = None
    transport: Optional[Transport] = None

    def __post_init__(self) -> None:
        # Normalised in place (frozen: through object.__setattr__) so that what is read back is what is used.
        checked = {
            "timeout": real_number(self.timeout, "timeout", positive=True),
            "connect_timeout": real_number(self.connect_timeout, "connect_timeout", positive=True),
            "connection_limit": required(integer(self.connection_limit, "connection_limit", 1), "connection_limit"),
            "keepalive_timeout": required(
                real_number(self.keepalive_timeout, "keepalive_timeout", minimum=0), "keepalive_timeout"
            ),
            "rate_limits": _rate_limits(self.rate_limits),
            "rate_limit_window": required(
                real_number(self.rate_limit_window, "rate_limit_window", positive=True), "rate_limit_window"
            ),
            "rate_limit_penalty": required(
                real_number(self.rate_limit_penalty, "rate_limit_penalty", positive=True), "rate_limit_penalty"
            ),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        if self.retry is not None and not isinstance(self.retry, RetryPolicy):
            raise InvalidInputTypeError(
                f"retry must be a bfxapi.rest.RetryPolicy or None, not {type(self.retry).__name__}"
            )
        if self.transport is not None and not isinstance(self.transport, Transport):
            raise InvalidInputTypeError(
                f"transport must have async send(request) and close() (a bfxapi.rest.Transport such as "
                f"MemoryTransport), or be None, not {type(self.transport).__name__}"
            )

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``BfxRestInterface`` these options are."""
        return {option.name: getattr(self, option.name) for option in dataclasses.fields(self)}


class RestOptionsDict(TypedDict, total=False):
    """:class:`RestOptions` as a dict (every key optional), the form ``rest_options`` has always accepted."""

    timeout: Optional[float]
    connect_timeout: Optional[float]
    connection_limit: int
    keepalive_timeout: float
    rate_limits: Optional[Mapping[str, Optional[int]]]
    rate_limit_window: float
    rate_limit_penalty: float
    retry: Optional[RetryPolicy]
    transport: Optional[Transport]


#: the keys ``rest_options`` may hold
REST_OPTION_KEYS = tuple(option.name for option in dataclasses.fields(RestOptions))

#: what ``Client(rest_options=...)`` accepts
RestOptionsLike = Union[RestOptions, RestOptionsDict]


def rest_options_kwargs(value: Any, name: str = "rest_options") -> dict[str, Any]:
    """The keyword arguments of ``BfxRestInterface`` that ``value`` (a :class:`RestOptions`, its dict form, or
    ``None``) holds, checked.

    A dict's keys must be :class:`RestOptions`' fields: a misspelt key is refused here, by name, with the valid
    ones, rather than left to Python's ``unexpected keyword argument``."""
    if value is None:
        return {}
    if isinstance(value, RestOptions):
        return value.kwargs()
    if not isinstance(value, Mapping):
        raise InvalidInputTypeError(
            f"{name} must be a bfxapi.rest.options.RestOptions or a dict with the keys {', '.join(REST_OPTION_KEYS)}, "
            f"not {type(value).__name__}"
        )
    unknown = [key for key in value if key not in REST_OPTION_KEYS]
    if unknown:
        raise InvalidInputError(
            f"{name} has the unknown key {unknown[0]!r}: the keys are {', '.join(REST_OPTION_KEYS)}"
        )
    return RestOptions(**value).kwargs()


def _rate_limits(limits: Any) -> Optional[Mapping[str, Optional[int]]]:
    """Requests per window by group: ``None`` turns limiting off; a group set to ``None`` is not limited."""
    if limits is None:
        return None
    if not isinstance(limits, Mapping):
        raise InvalidInputTypeError(
            f"rate_limits must be a dict of {{group: requests per window, or None}}, or None, not "
            f"{type(limits).__name__}"
        )
    for group, limit in limits.items():
        if not isinstance(group, str):
            raise InvalidInputTypeError(f"rate_limits keys are endpoint groups (str), not {type(group).__name__}")
        integer(limit, f"rate_limits[{group!r}]", 1)
    return limits
