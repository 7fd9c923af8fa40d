"""``BfxRestInterface``: the REST client, with its ``public``, ``auth`` and ``merchant`` endpoint groups."""

from contextlib import AbstractContextManager
from decimal import Decimal
from types import TracebackType
from typing import Any, Generic, Literal, Mapping, NoReturn, Optional, Type, overload
from urllib.parse import urlsplit

import aiohttp

from ..exceptions import InvalidInputError, InvalidInputTypeError
from .._utils.nonce import NonceGenerator
from .._utils.credentials import check_pair, token_from
from .._utils.logging import use_default_logging
from .._utils.network import Network, SslOption
from .._utils.values import real_number
from ..types.codec import Codec
from ..types.number import N
from ._interface import DEFAULT_RATE_LIMITS, Credentials, Middleware, RateLimiter, RetryPolicy
from ._interface.timeouts import override as override_timeout
from ._interfaces import RestAuthEndpoints, RestMerchantEndpoints, RestPublicEndpoints
from ..rules.checker import OrderRules, active_order_symbol
from .history import History
from ._interface.transport import Transport
from .options import REST_OPTION_KEYS, RestOptions
from .stats import RestStats

__all__ = ["BfxRestInterface"]


class BfxRestInterface(Generic[N]):
    """Async client of the Bitfinex REST API v2, generic in its number type (``float``, or ``Decimal`` with
    ``decimal=True``).

    ``BfxRestInterface(host, api_key=None, api_secret=None, *, nonce=None, timeout=30.0, connect_timeout=10.0,
    connection_limit=10, keepalive_timeout=30.0, rate_limits=DEFAULT_RATE_LIMITS, rate_limit_window=60.0,
    rate_limit_penalty=60.0, retry=None, proxy=None, trust_env=False, ssl=None, session=None, transport=None,
    token=None, decimal=False)``

    * ``host``: the v2 root, e.g. ``https://api.bitfinex.com/v2`` (``bfxapi.REST_HOST``).
    * ``api_key``/``api_secret``: needed by ``auth`` and ``merchant``; give both or neither.
    * ``token``: instead of ``api_key``/``api_secret``, an auth token from ``auth/w/token``
      (``rest.auth.generate_token``), sent as the ``bfx-token`` header (no nonce, no signature). Giving both kinds
      raises :class:`~bfxapi.exceptions.InvalidInputError`; the token never appears in a ``repr``, log or error.
    * ``nonce``: the :class:`~bfxapi._utils.nonce.NonceGenerator` to take nonces from; share the WebSocket
      client's, because Bitfinex keeps one nonce counter per key (a new one is made when omitted). Processes
      sharing one key should each pass a ``FileNonce`` of the same file: their signed requests then reach
      Bitfinex in nonce order (see :mod:`bfxapi._utils.nonce`).

    Redirects are never followed: a 3xx answer raises :class:`~bfxapi.rest.exceptions.RedirectError`. A 10114
    answer ("nonce: small") is resent with a fresh nonce three times at most, then raises
    :class:`~bfxapi.rest.exceptions.NonceTooSmallError`.
    * ``timeout``/``connect_timeout``: seconds for a whole request / for opening a connection (``None``: none).
    * ``connection_limit``/``keepalive_timeout``: the pool of one aiohttp session (kept-alive connections).
    * ``rate_limits``: requests per ``rate_limit_window`` seconds per endpoint group (see
      ``DEFAULT_RATE_LIMITS``: Bitfinex's published limits). A mapping is merged over the defaults (a group
      set to ``None`` is not limited); ``None`` turns client-side limiting off. Calls *wait* for room.
    * ``rate_limit_penalty``: the ``retry_after`` given to a :class:`~bfxapi.rest.exceptions.RateLimitError`
      when the server sends no ``Retry-After`` (Bitfinex blocks the IP for 60 s).
    * ``retry``: a :class:`~bfxapi.rest.RetryPolicy` to retry idempotent reads (public GETs and ``auth/r/``)
      after rate limits, 5xx pages, maintenance and connection errors; writes are never retried.
    * ``proxy``, ``trust_env``, ``ssl``, ``session``: how requests reach the host, as for ``bfxapi.Client`` (an HTTP
      or SOCKS proxy, the ``HTTPS_PROXY``/``NO_PROXY`` variables, the CA to trust, the application's own aiohttp
      session, which is never closed here; with it, ``connection_limit``/``keepalive_timeout`` are the session's
      business). A refusal by the proxy raises :class:`~bfxapi.exceptions.ProxyError` (407:
      :class:`~bfxapi.exceptions.ProxyAuthenticationError`), a certificate that cannot be verified
      :class:`~bfxapi.exceptions.CertificateError`; neither is retried.

    * ``transport``: what carries the requests (see :class:`~bfxapi.rest.Transport`); ``None`` is a pooled aiohttp
      session. A :class:`~bfxapi.rest.MemoryTransport` answers in memory (tests); it excludes ``proxy``/``session``.

    * ``decimal``: ``True`` for decimal mode: every price, amount, rate, balance and fee is a ``Decimal`` equal to
      the server's text (JSON decoded so, never through ``float``), and the type is ``BfxRestInterface[Decimal]``,
      whose methods return ``Wallet[Decimal]``... (README, "Numbers"). Default: ``float``, as the official library.

    ``with rest.timeout(seconds):`` gives the calls inside the block another timeout (:meth:`timeout`).

    Every option is checked here, before anything is sent: a value of the wrong type raises
    :class:`~bfxapi.exceptions.InvalidInputTypeError`, one out of range or an unknown option
    :class:`~bfxapi.exceptions.InvalidInputError`.

    The aiohttp session is opened on the first request, inside the running event loop. ``await close()``
    (or ``async with``) closes it; a later request opens a new one.
    """

    # The number mode picks the type: BfxRestInterface(...) is BfxRestInterface[float],
    # BfxRestInterface(..., decimal=True) is BfxRestInterface[Decimal] (README, "Numbers").
    @overload
    def __init__(
        self: "BfxRestInterface[float]",
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
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        session: Optional[aiohttp.ClientSession] = None,
        transport: Optional[Transport] = None,
        token: Optional[str] = None,
        decimal: Literal[False] = False,
    ) -> None: ...

    @overload
    def __init__(
        self: "BfxRestInterface[Decimal]",
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
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        session: Optional[aiohttp.ClientSession] = None,
        transport: Optional[Transport] = None,
        token: Optional[str] = None,
        decimal: Literal[True],
    ) -> None: ...

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
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        session: Optional[aiohttp.ClientSession] = None,
        transport: Optional[Transport] = None,
        token: Optional[str] = None,
        decimal: bool = False,
        **unknown: NoReturn,  # a misspelt option: refused by type checkers, and below with the valid names
    ) -> None:
        if unknown:
            raise InvalidInputError(
                f"BfxRestInterface has no option {next(iter(unknown))!r}: the options are "
                f"{', '.join(('nonce', 'token') + REST_OPTION_KEYS + _NETWORK_OPTIONS + ('decimal',))}"
            )
        host = _host(host)
        if nonce is not None and not isinstance(nonce, NonceGenerator):
            raise InvalidInputTypeError(
                f"nonce must be a bfxapi NonceGenerator (or FileNonce), not {type(nonce).__name__}"
            )
        # One place checks the options, whether they come from here or from Client(rest_options=...).
        options = RestOptions(
            timeout=timeout, connect_timeout=connect_timeout, connection_limit=connection_limit,
            keepalive_timeout=keepalive_timeout, rate_limits=rate_limits, rate_limit_window=rate_limit_window,
            rate_limit_penalty=rate_limit_penalty, retry=retry, transport=transport,
        )
        if transport is not None and (proxy is not None or session is not None):
            raise InvalidInputError("transport= replaces the aiohttp session: give it without proxy= or session=")
        network = Network.build(proxy=proxy, trust_env=trust_env, ssl=ssl, session=session)
        use_default_logging()
        checked_token = token_from(token, api_key, api_secret)
        paired = check_pair(api_key, api_secret)
        credentials = Credentials(api_key or "", api_secret or "") if paired else None
        limits = None if options.rate_limits is None else {**DEFAULT_RATE_LIMITS, **options.rate_limits}
        #: the number mode: JSON decoding and serializers (see bfxapi.types.codec)
        self._codec: Codec[N] = Codec(decimal)
        self._middleware = Middleware(
            host,
            credentials,
            nonce=nonce if nonce is not None else NonceGenerator(),
            timeout=options.timeout,
            connect_timeout=options.connect_timeout,
            connection_limit=options.connection_limit,
            keepalive_timeout=options.keepalive_timeout,
            rate_limiter=RateLimiter(limits, window=options.rate_limit_window),
            retry=options.retry,
            rate_limit_penalty=options.rate_limit_penalty,
            network=network,
            loads=self._codec.loads,
            transport=options.transport,
            token=checked_token,
        )
        #: public market data endpoints
        self.public: RestPublicEndpoints[N] = RestPublicEndpoints(self._middleware, self._codec)
        #: authenticated endpoints (account, orders, positions, funding, wallets)
        self.auth: RestAuthEndpoints[N] = RestAuthEndpoints(self._middleware, self._codec)
        #: Bitfinex Pay (merchant) endpoints
        self.merchant: RestMerchantEndpoints[N] = RestMerchantEndpoints(self._middleware, self._codec)
        #: Bitfinex's order rules (:mod:`bfxapi.rules`): order writes go through them when ``rules.mode`` is set
        self.rules = OrderRules(self.public.get_pair_info, order_symbol=active_order_symbol(self.auth))
        self.auth._rules = self.rules  # pylint: disable=protected-access  # the group's hook, set by its owner
        #: whole histories as async iterators (:mod:`bfxapi.rest.history`)
        self.history: History[N] = History(self.public, self.auth)

    @property
    def host(self) -> str:
        """The v2 root every path is appended to."""
        return self._middleware.host

    @property
    def decimal(self) -> bool:
        """Whether prices, amounts, rates, balances and fees are ``Decimal`` (decimal mode) or ``float``."""
        return self._codec.decimal

    @property
    def authenticated(self) -> bool:
        """Whether API keys were given."""
        return self._middleware.authenticated

    @property
    def rate_limiter(self) -> RateLimiter:
        """The client-side rate limiter (its ``limits`` and windows)."""
        return self._middleware.rate_limiter

    def stats(self) -> RestStats:
        """A snapshot of the client's requests, errors, 429s, rate-limiter waits and latency percentiles (see
        :class:`~bfxapi.rest.stats.RestStats`); cheap enough to call every second."""
        return self._middleware.counters.snapshot()

    def timeout(self, seconds: Optional[float]) -> AbstractContextManager[None]:
        """``with rest.timeout(2.5): await rest.public.get_t_ticker("tBTCUSD")``: the requests this interface
        sends from inside the block (in this task, and in tasks started inside it) get ``seconds`` for the whole
        request instead of the interface's ``timeout`` (``None``: no limit); blocks nest, the innermost wins."""
        seconds = real_number(seconds, "timeout", positive=True)
        return override_timeout(self._middleware, seconds)

    async def close(self) -> None:
        """Close the HTTP session and its connections (idempotent)."""
        await self._middleware.close()

    async def __aenter__(self) -> "BfxRestInterface[N]":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        mode = ", decimal=True" if self.decimal else ""
        return f"BfxRestInterface(host={self.host!r}, authenticated={self.authenticated}{mode})"


_NETWORK_OPTIONS = ("proxy", "trust_env", "ssl", "session")


def _host(host: Any) -> str:
    if not isinstance(host, str):
        raise InvalidInputTypeError(f"host must be a str URL such as 'https://api.bitfinex.com/v2', not "
                                    f"{type(host).__name__}")
    parts = urlsplit(host)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInputError(f"host must be a URL starting with https:// or http://, not {host!r}")
    return host
