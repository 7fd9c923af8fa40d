"""``bfxapi.sync.Client().rest``: the async REST interface, driven from plain (blocking) code.

It wraps one :class:`~bfxapi.rest.BfxRestInterface`; nothing of the REST client is written twice. The endpoint
groups are generated (``_endpoints.py``), ``history`` drives the async iterators (``_history.py``); what is not an
endpoint (``stats()``, ``timeout()``, ``rules``...) is the async interface's own object, or a blocking twin of its
coroutine (``close()``).
"""

from contextlib import AbstractContextManager
from typing import Generic, Optional

from ..rest import BfxRestInterface, RestStats
from ..rest._interface import RateLimiter
from ..rules.checker import OrderRules
from ..types.number import N
from ._endpoints import RestAuthEndpoints, RestMerchantEndpoints, RestPublicEndpoints
from ._history import SyncHistory
from ._runner import Runner

__all__ = ["SyncRestInterface"]


class SyncRestInterface(Generic[N]):
    """The REST interface of ``bfxapi.sync.Client``: ``public``, ``auth`` and ``merchant`` with the async groups'
    methods, each returning its result instead of a coroutine."""

    def __init__(self, rest: BfxRestInterface[N], runner: Runner) -> None:
        self._rest: BfxRestInterface[N] = rest
        self._runner = runner
        #: public market data endpoints
        self.public: RestPublicEndpoints[N] = RestPublicEndpoints(rest.public, runner)
        #: authenticated endpoints (account, orders, positions, funding, wallets)
        self.auth: RestAuthEndpoints[N] = RestAuthEndpoints(rest.auth, runner)
        #: Bitfinex Pay (merchant) endpoints
        self.merchant: RestMerchantEndpoints[N] = RestMerchantEndpoints(rest.merchant, runner)
        #: whole histories as plain iterators, page by page (``bfxapi.rest.history``'s, blocking)
        self.history: SyncHistory[N] = SyncHistory(rest.history, runner)

    @property
    def rules(self) -> OrderRules:
        """Bitfinex's order rules (:mod:`bfxapi.rules`), shared with the async interface."""
        return self._rest.rules

    @property
    def host(self) -> str:
        return self._rest.host

    @property
    def decimal(self) -> bool:
        return self._rest.decimal

    @property
    def authenticated(self) -> bool:
        return self._rest.authenticated

    @property
    def rate_limiter(self) -> RateLimiter:
        return self._rest.rate_limiter

    def stats(self) -> RestStats:
        """Requests, errors, 429s, limiter waits and latencies so far (:meth:`BfxRestInterface.stats`)."""
        return self._rest.stats()

    def timeout(self, seconds: Optional[float]) -> AbstractContextManager[None]:
        """``with bfx.rest.timeout(2.5): bfx.rest.public.get_t_ticker("tBTCUSD")``: the calls made inside the block,
        by this thread, get ``seconds`` for the whole request (the block's context travels with each call)."""
        return self._rest.timeout(seconds)

    def close(self) -> None:
        """Close the client: its HTTP session, event loop and thread (idempotent; ``Client.close()``)."""
        self._runner.close()

    def __repr__(self) -> str:
        return f"SyncRestInterface({self._rest!r})"
