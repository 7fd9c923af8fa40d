"""The ``Client`` facade: one object per API key, holding the REST and WebSocket interfaces."""

import os
from decimal import Decimal
from urllib.parse import urlsplit
from typing import Any, Generic, Literal, Optional, Sequence, Union, overload

import aiohttp

from ._utils.credentials import Credentials, credentials_from, token_from
from ._utils.logging import attach_handler, detach_handler, use_default_logging
from ._utils.network import Network, SslOption
from ._utils.nonce import NonceGenerator
from ._rest_history import RestHistory
from .exceptions import InvalidInputError, InvalidInputTypeError
from .rest import BfxRestInterface
from .rest.options import RestOptionsLike, rest_options_kwargs
from .rules.checker import RulesMode, rules_mode as checked_rules_mode
from .types.codec import number_mode
from .types.number import N
from .websocket import BfxWebSocketClient, WebSocketOptions

__all__ = [
    "Client",
    "Credentials",
    "REST_HOST",
    "PUB_REST_HOST",
    "WSS_HOST",
    "PUB_WSS_HOST",
    "REST_HOST_VARIABLE",
    "WSS_HOST_VARIABLE",
]

REST_HOST = "https://api.bitfinex.com/v2"
PUB_REST_HOST = "https://api-pub.bitfinex.com/v2"
WSS_HOST = "wss://api.bitfinex.com/ws/2"
PUB_WSS_HOST = "wss://api-pub.bitfinex.com/ws/2"

#: environment variables read for a host that the code does not give (so that any program can be pointed at a
#: simulator, a proxy or a test host without being edited)
REST_HOST_VARIABLE = "BFX_REST_HOST"
WSS_HOST_VARIABLE = "BFX_WSS_HOST"


class Client(Generic[N]):
    """Entry point of the library; generic in its number type: ``Client[float]``, or ``Client[Decimal]`` with
    ``decimal=True``.

    ``Client(api_key, api_secret, *, filters, rest_host, wss_host, timeout, log_filename, log_level)``:
    give both ``api_key`` and ``api_secret`` for authenticated endpoints and events, or neither for public
    data only. A host not given is read from ``BFX_REST_HOST`` / ``BFX_WSS_HOST`` when they are set, else it
    is Bitfinex's (``REST_HOST``, ``WSS_HOST``): an argument wins over the environment.
    ``filters`` limits what the authenticated WebSocket channel delivers; ``timeout`` is how long, in seconds,
    the WebSocket client keeps trying to reconnect before giving up (``None``: forever).
    Without ``log_filename``/``log_level`` and with no logging configured by the application, INFO goes
    to standard output and warnings and errors to standard error; ``log_level`` sets the level and
    ``log_filename`` writes to a file instead (see README, "Configuring the logger").
    ``wss_options`` tunes the WebSocket client (timeouts, backoff, flags; see ``WebSocketOptions``) and
    ``rest_options`` the REST interface (pool size, timeouts, rate limits, retries; see ``RestOptions``).
    ``nonce`` is where nonces come from (default: a new ``NonceGenerator``, one per client): give every
    process that uses the same key a ``bfxapi.FileNonce(path)`` of one file.

    How REST and every WebSocket connection reach their hosts (README, "Proxies, TLS and your own session"):
    ``proxy`` is an ``http://``/``https://`` proxy URL, credentials allowed (``http://user:pass@host:3128``), or
    ``socks5://``/``socks5h://`` with the ``socks`` extra; ``trust_env=True`` (without ``proxy``) uses the
    standard ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``/``NO_PROXY`` variables. ``ssl`` is an ``ssl.SSLContext``
    (private CA, client certificate) or the path of a CA bundle to trust; ``None`` is the system's verified
    context. ``session`` is an aiohttp ``ClientSession`` the application owns, used by REST and WebSocket and
    never closed by the client. Proxy credentials never appear in a log line, a ``repr`` or an error message.

    ``token`` authenticates REST with an auth token from ``auth/w/token`` instead of ``api_key``/``api_secret``
    (the ``bfx-token`` header; README, "Token authentication"); give one or the other. Bitfinex documents the
    WebSocket ``auth`` event with a key and signature only, so a token client's ``bfx.wss`` is public: what needs
    authentication there (``bfx.wss.inputs``, ``bfx.wss.account``) raises ``ActionRequiresAuthentication``.

    ``check_order_rules`` (``True`` or ``"round"``, ``"strict"``; off by default) checks every order input, REST and
    WebSocket, against Bitfinex's order rules before it is sent (README, "Order rules"; ``bfx.rules``).

    ``decimal=True`` is decimal mode (README, "Numbers"): every price, amount, rate, balance and fee, from REST and
    from the WebSocket, is a ``decimal.Decimal`` equal to the server's text, and the client is a
    ``Client[Decimal]`` whose methods and events are typed so (``Wallet[Decimal]``...). Default: ``float``.

    ``async with Client(...) as bfx:`` closes everything on exit.
    """

    # The number mode picks the client's type: Client(...) is Client[float], Client(..., decimal=True) is
    # Client[Decimal]; the REST interface, the WebSocket client and every payload they give follow it.
    @overload
    def __init__(
        self: "Client[float]",
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        *,
        filters: Optional[Sequence[str]] = None,
        rest_host: Optional[str] = None,
        wss_host: Optional[str] = None,
        timeout: Optional[float] = 60 * 15,
        log_filename: Optional[str] = None,
        log_level: Optional[Union[str, int]] = None,
        wss_options: Optional[WebSocketOptions] = None,
        rest_options: Optional[RestOptionsLike] = None,
        nonce: Optional[NonceGenerator] = None,
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        session: Optional[aiohttp.ClientSession] = None,
        check_order_rules: Union[bool, RulesMode] = False,
        token: Optional[str] = None,
        decimal: Literal[False] = False,
    ) -> None: ...

    @overload
    def __init__(
        self: "Client[Decimal]",
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        *,
        filters: Optional[Sequence[str]] = None,
        rest_host: Optional[str] = None,
        wss_host: Optional[str] = None,
        timeout: Optional[float] = 60 * 15,
        log_filename: Optional[str] = None,
        log_level: Optional[Union[str, int]] = None,
        wss_options: Optional[WebSocketOptions] = None,
        rest_options: Optional[RestOptionsLike] = None,
        nonce: Optional[NonceGenerator] = None,
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        session: Optional[aiohttp.ClientSession] = None,
        check_order_rules: Union[bool, RulesMode] = False,
        token: Optional[str] = None,
        decimal: Literal[True],
    ) -> None: ...

    def __init__(
        self,
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        *,
        filters: Optional[Sequence[str]] = None,
        rest_host: Optional[str] = None,
        wss_host: Optional[str] = None,
        timeout: Optional[float] = 60 * 15,
        log_filename: Optional[str] = None,
        log_level: Optional[Union[str, int]] = None,
        wss_options: Optional[WebSocketOptions] = None,
        rest_options: Optional[RestOptionsLike] = None,
        nonce: Optional[NonceGenerator] = None,
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        session: Optional[aiohttp.ClientSession] = None,
        check_order_rules: Union[bool, RulesMode] = False,
        token: Optional[str] = None,
        decimal: bool = False,
    ) -> None:
        rules_mode = checked_rules_mode(check_order_rules)
        decimal = number_mode(decimal)
        # The token first: with a key as well, "give one or the other" says more than "the secret is missing".
        self._token = token_from(token, api_key, api_secret)
        self._credentials: Optional[Credentials] = credentials_from(api_key, api_secret, filters)
        timeout = _timeout(timeout)
        if wss_options is not None and not isinstance(wss_options, WebSocketOptions):
            raise InvalidInputTypeError(
                f"wss_options must be a bfxapi.websocket.WebSocketOptions, not {type(wss_options).__name__}"
            )
        rest_host = _host(rest_host, REST_HOST_VARIABLE, REST_HOST, ("https", "http"))
        wss_host = _host(wss_host, WSS_HOST_VARIABLE, WSS_HOST, ("wss", "ws"))
        self._rest_host = rest_host
        self._wss_host = wss_host
        self._timeout = timeout
        # One nonce source per client, shared by REST and WebSocket: Bitfinex checks one counter per key.
        if nonce is not None and not isinstance(nonce, NonceGenerator):
            raise InvalidInputTypeError(
                f"nonce must be a bfxapi.FileNonce or another NonceGenerator, not {type(nonce).__name__}"
            )
        self._nonce = nonce if nonce is not None else NonceGenerator()
        # Checked once for both interfaces (the CA bundle read once); the WebSocket client gets it whole, the REST
        # interface the same values through its public options.
        self._network = Network.build(proxy=proxy, trust_env=trust_env, ssl=ssl, session=session)
        use_default_logging()
        # The interfaces' overloads know their number type from a literal; here it is the one this client's overload
        # chose (N), so the mode goes in as an option of no static type.
        mode: dict[str, Any] = {"decimal": decimal}
        #: the REST interface: ``rest.public``, ``rest.auth``, ``rest.merchant``
        self.rest: BfxRestInterface[N] = BfxRestInterface(
            rest_host, api_key, api_secret, nonce=self._nonce, proxy=proxy, trust_env=trust_env,
            ssl=self._network.ssl, session=session, token=token, **mode, **rest_options_kwargs(rest_options)
        )
        #: the WebSocket client
        self.wss: BfxWebSocketClient[N] = BfxWebSocketClient(
            wss_host,
            credentials=self._credentials,
            timeout=timeout,
            nonce=self._nonce,
            options=wss_options,
            network=self._network,
            history=RestHistory(self.rest),
            token_auth=self._token is not None,
            **mode,
        )
        #: Bitfinex's order rules (``bfxapi.rules``), one object for REST and WebSocket: with ``check_order_rules``
        #: (``True``/``"round"``: rounded to the grid; ``"strict"``: refused off it), every order input goes through it
        self.rules = self.rest.rules
        self.rules.mode = rules_mode
        self.wss.inputs.rules = self.rules
        # Last: a client refused for a bad argument above leaves no handler behind.
        self._log_handler = attach_handler(log_filename, log_level)

    async def close(self) -> None:
        """Close the WebSocket client (and every connection it holds), the REST session, and detach the log
        handler."""
        await self.wss.close()
        await self.rest.close()
        if self._log_handler is not None:
            detach_handler(self._log_handler)
            self._log_handler = None

    async def __aenter__(self) -> "Client[N]":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def authenticated(self) -> bool:
        """Whether the client was given credentials (API keys, or a token: REST only)."""
        return self._credentials is not None or self._token is not None

    @property
    def decimal(self) -> bool:
        """Whether the client is in decimal mode (prices, amounts, rates, balances and fees are ``Decimal``)."""
        return self.rest.decimal

    def __repr__(self) -> str:
        return (
            f"Client(rest_host={self._rest_host!r}, wss_host={self._wss_host!r}, "
            f"credentials={self._credentials!r}"
            + (", token='***'" if self._token is not None else "")
            + (f", proxy={self._network.proxy.shown!r}" if self._network.proxy is not None else "")
            + (", trust_env=True" if self._network.trust_env else "")
            + (", session=<the application's>" if self._network.session is not None else "")
            + (", decimal=True" if self.decimal else "")
            + ")"
        )


def _host(given: Any, variable: str, default: str, schemes: tuple[str, ...]) -> str:
    """The host to use, from the argument, else the environment variable, else the default; a host that is
    not a URL of the right scheme is refused at once (it could only fail on every connection attempt)."""
    if given is None:
        value, origin = os.environ.get(variable) or default, f"the environment variable {variable}"
    else:
        value, origin = given, "the host given"
    if not isinstance(value, str) or urlsplit(value).scheme not in schemes or not urlsplit(value).netloc:
        raise InvalidInputError(
            f"{origin} must be a URL starting with {' or '.join(s + '://' for s in schemes)}, not {value!r}"
        )
    return value


def _timeout(timeout: Any) -> Optional[float]:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidInputTypeError(f"timeout must be a number of seconds or None, not {type(timeout).__name__}")
    if not 0 < timeout < float("inf"):
        raise InvalidInputError(f"timeout must be a positive number of seconds (or None: forever), not {timeout!r}")
    return float(timeout)
