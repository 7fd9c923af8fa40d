"""Per-call REST timeouts: ``with bfx.rest.timeout(2.5): await bfx.rest.public.get_t_ticker("tBTCUSD")``.

Why a context and not a ``timeout=`` argument on every endpoint: the hundred endpoint methods keep the official
library's signatures, and a deadline is the caller's concern, often for several calls at once. A ``ContextVar``
scopes the override to the task that set it (and the tasks it starts inside the block), so concurrent callers of
one client do not see each other's deadlines; it is keyed by interface, so one block does not change another
client's requests.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Iterator, Mapping, Optional

__all__ = ["override", "effective"]

_OVERRIDES: ContextVar[Mapping[object, Optional[float]]] = ContextVar(
    "bfxapi_rest_timeouts", default=MappingProxyType({})
)


@contextmanager
def override(owner: object, seconds: Optional[float]) -> Iterator[None]:
    """Within the block, requests of ``owner`` (a middleware) use ``seconds`` as their whole-request timeout."""
    token = _OVERRIDES.set(MappingProxyType({**_OVERRIDES.get(), owner: seconds}))
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def effective(owner: object, default: Optional[float]) -> Optional[float]:
    """The timeout of a request of ``owner`` made now: the innermost override, else ``default``."""
    return _OVERRIDES.get().get(owner, default)
