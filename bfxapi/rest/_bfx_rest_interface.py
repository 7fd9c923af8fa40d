"""``BfxRestInterface``: the REST client, with its ``public``, ``auth`` and ``merchant`` endpoint groups."""

from types import TracebackType
from typing import Mapping, Optional, Type

from ..exceptions import IncompleteCredentialError
from .._utils.nonce import NonceGenerator
from .._utils.logging import use_default_logging
from ._interface import DEFAULT_RATE_LIMITS, Credentials, Middleware, RateLimiter, RetryPolicy
from ._interfaces import RestAuthEndpoints, RestMerchantEndpoints, RestPublicEndpoints

__all__ = ["BfxRestInterface"]


class BfxRestInterface:
    """Async client of the Bitfinex REST API v2.

    ``BfxRestInterface(host, api_key=None, api_secret=None, *, nonce=None, timeout=30.0, connect_timeout=10.0,
    connection_limit=10, keepalive_timeout=30.0, rate_limits=DEFAULT_RATE_LIMITS, rate_limit_window=60.0,
    rate_limit_penalty=60.0, retry=None)``

    * ``host``: the v2 root, e.g. ``https://api.bitfinex.com/v2`` (``bfxapi.REST_HOST``).
    * ``api_key``/``api_secret``: needed by ``auth`` and ``merchant``; give both or neither.
    * ``nonce``: the :class:`~bfxapi._utils.nonce.NonceGenerator` to take nonces from; share the WebSocket
      client's, because Bitfinex keeps one nonce counter per key (a new one is made when omitted).
    * ``timeout``/``connect_timeout``: seconds for a whole request / for opening a connection (``None``: none).
    * ``connection_limit``/``keepalive_timeout``: the pool of one aiohttp session (kept-alive connections).
    * ``rate_limits``: requests per ``rate_limit_window`` seconds per endpoint group (see
      ``DEFAULT_RATE_LIMITS``: Bitfinex's published limits). A mapping is merged over the defaults (a group
      set to ``None`` is not limited); ``None`` turns client-side limiting off. Calls *wait* for room.
    * ``rate_limit_penalty``: the ``retry_after`` given to a :class:`~bfxapi.rest.exceptions.RateLimitError`
      when the server sends no ``Retry-After`` (Bitfinex blocks the IP for 60 s).
    * ``retry``: a :class:`~bfxapi.rest.RetryPolicy` to retry idempotent reads (public GETs and ``auth/r/``)
      after rate limits, 5xx pages, maintenance and connection errors; writes are never retried.

    The aiohttp session is opened on the first request, inside the running event loop. ``await close()``
    (or ``async with``) closes it; a later request opens a new one.
    """

    def __init__(
        self,
        host: str,
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        *,
        nonce: Optional[NonceGenerator] = None,
        timeout: Optional[float] = 30.0,
        connect_timeout: Optional[float] = 10.0,
        connection_limit: int = 10,
        keepalive_timeout: float = 30.0,
        rate_limits: Optional[Mapping[str, Optional[int]]] = DEFAULT_RATE_LIMITS,
        rate_limit_window: float = 60.0,
        rate_limit_penalty: float = 60.0,
        retry: Optional[RetryPolicy] = None,
    ) -> None:
        use_default_logging()
        if api_key and not api_secret:
            raise IncompleteCredentialError("api_key was given without api_secret: give both, or neither.")
        if api_secret and not api_key:
            raise IncompleteCredentialError("api_secret was given without api_key: give both, or neither.")
        credentials = Credentials(api_key, api_secret) if api_key and api_secret else None
        limits = None if rate_limits is None else {**DEFAULT_RATE_LIMITS, **rate_limits}
        self._middleware = Middleware(
            host,
            credentials,
            nonce=nonce if nonce is not None else NonceGenerator(),
            timeout=timeout,
            connect_timeout=connect_timeout,
            connection_limit=connection_limit,
            keepalive_timeout=keepalive_timeout,
            rate_limiter=RateLimiter(limits, window=rate_limit_window),
            retry=retry,
            rate_limit_penalty=rate_limit_penalty,
        )
        #: public market data endpoints
        self.public = RestPublicEndpoints(self._middleware)
        #: authenticated endpoints (account, orders, positions, funding, wallets)
        self.auth = RestAuthEndpoints(self._middleware)
        #: Bitfinex Pay (merchant) endpoints
        self.merchant = RestMerchantEndpoints(self._middleware)

    @property
    def host(self) -> str:
        """The v2 root every path is appended to."""
        return self._middleware.host

    @property
    def authenticated(self) -> bool:
        """Whether API keys were given."""
        return self._middleware.authenticated

    @property
    def rate_limiter(self) -> RateLimiter:
        """The client-side rate limiter (its ``limits`` and windows)."""
        return self._middleware.rate_limiter

    async def close(self) -> None:
        """Close the HTTP session and its connections (idempotent)."""
        await self._middleware.close()

    async def __aenter__(self) -> "BfxRestInterface":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"BfxRestInterface(host={self.host!r}, authenticated={self.authenticated})"
