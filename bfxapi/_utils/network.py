"""How the client reaches its servers: through a proxy or not (:mod:`.proxies`), with which TLS trust, over which
aiohttp session (the client's own, or one the application owns, never closed by the client).

Everything is checked once, in :meth:`Network.build`, when the ``Client`` is created: a bad proxy URL, a missing
CA bundle or a closed session fails there, with a typed error, before anything goes on the wire.

Why the proxy credentials travel in a header: the proxy URL handed to aiohttp never holds them (it would show them
in its errors and reprs); they go in ``Proxy-Authorization``, on the ``CONNECT`` of an ``https://`` or ``wss://``
connection (``proxy_headers``), or on the request itself when a plain ``http://`` request is forwarded (aiohttp
sends ``proxy_headers`` on ``CONNECT`` only). No aiohttp error is ever chained to ours: some carry the request
headers.
"""

import asyncio
import os
import ssl as _ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

import aiohttp
from yarl import URL

from ..exceptions import (
    CertificateError,
    ConnectivityError,
    InvalidInputError,
    InvalidInputTypeError,
    ProxyAuthenticationError,
    ProxyError,
    RedirectRefusedError,
    TlsError,
)
from .logging import get_logger
from .proxies import CONNECTION_ERRORS, SECURE, SHOWN, Proxy, SocksProxyError, environment_proxy, parse_proxy

if TYPE_CHECKING:
    _Socket = aiohttp.ClientWebSocketResponse[bool]
else:
    _Socket = aiohttp.ClientWebSocketResponse

__all__ = ["Network", "Proxy", "Route", "CONNECTION_ERRORS", "SslOption", "open_websocket", "RedirectRefusedError"]

_LOGGER = get_logger("network")

#: what ``Client(ssl=...)`` accepts: a context, a CA bundle file or directory, or None (the system's trust)
SslOption = Union[None, bool, _ssl.SSLContext, str, "os.PathLike[str]"]


class Route:
    """How one host is reached: directly or through a proxy, with which TLS trust. Gives the keyword arguments of
    aiohttp's ``request``/``ws_connect`` and turns their failures into typed errors."""

    __slots__ = ("url", "proxy", "ssl", "secure")

    def __init__(self, url: str, proxy: Optional[Proxy], ssl: Union[bool, _ssl.SSLContext]) -> None:
        self.url = url
        self.proxy = proxy
        self.ssl = ssl
        self.secure = URL(url).scheme in SECURE

    def kwargs(self) -> dict[str, Any]:
        """``ssl``, and for an HTTP proxy ``proxy`` and (for a tunnel) ``proxy_headers``. New dicts every call:
        aiohttp may change what it is given."""
        kwargs: dict[str, Any] = {"ssl": self.ssl}
        proxy = self.proxy
        if proxy is not None and not proxy.socks:
            kwargs["proxy"] = proxy.url
            authorization = proxy.authorization()
            if authorization is not None and self.secure:
                kwargs["proxy_headers"] = {"Proxy-Authorization": authorization}
        return kwargs

    def headers(self) -> dict[str, str]:
        """Headers the request itself carries: ``Proxy-Authorization`` when a plain ``http://``/``ws://`` request
        is forwarded by an HTTP proxy (there is no ``CONNECT`` to carry it)."""
        proxy = self.proxy
        if proxy is None or proxy.socks or self.secure:
            return {}
        authorization = proxy.authorization()
        return {} if authorization is None else {"Proxy-Authorization": authorization}

    def connector(self, **options: Any) -> aiohttp.TCPConnector:
        """A new connector for a session of the client's own (a SOCKS proxy lives there)."""
        if self.proxy is not None and self.proxy.socks:
            return self.proxy.connector(**options)
        return aiohttp.TCPConnector(**options)

    def refusal(self, status: int) -> Optional[ProxyError]:
        """The typed error for an answer of ``status`` to a request forwarded by the proxy: Bitfinex never answers
        407, so a 407 with a proxy on the way is the proxy's."""
        if status == 407 and self.proxy is not None:
            return self._proxy_error(407, "Proxy Authentication Required")
        return None

    def failure(self, error: BaseException) -> Optional[ConnectivityError]:
        """The typed error that ``error`` (raised by aiohttp or python-socks) means, or None for an ordinary
        connection failure (retried by the WebSocket client, a ``RestConnectionError`` for REST)."""
        if isinstance(error, aiohttp.ClientHttpProxyError):
            # The proxy's answer to CONNECT: 4xx is a refusal to fix (407: credentials, 403: not allowed); 5xx means
            # it could not reach the server, which may heal.
            if 400 <= error.status < 500:
                return self._proxy_error(error.status, error.message)
            return None
        if isinstance(error, aiohttp.WSServerHandshakeError):
            return self.refusal(error.status)
        if isinstance(error, aiohttp.ClientConnectorCertificateError):
            return self.certificate_error(error.certificate_error)
        if isinstance(error, aiohttp.ClientSSLError):
            return self.tls_error(error.os_error if isinstance(error, aiohttp.ClientConnectorError) else error)
        if SocksProxyError is not None and isinstance(error, SocksProxyError):
            reason = str(error)[:SHOWN]
            if "authentication" in reason.lower():
                return self._proxy_error(0, reason, auth=True)
            if getattr(error, "error_code", None) == 2:  # SOCKS5 reply 2: connection not allowed by ruleset
                return self._proxy_error(0, reason)
        return None

    def certificate_error(self, cause: Optional[BaseException]) -> CertificateError:
        """The typed error for a server certificate that could not be verified (``cause`` says why): also used by
        the WebSocket transport that does not go through aiohttp."""
        return CertificateError(
            f"the TLS certificate of {_host(self.url)} could not be verified "
            f"({_reason(cause)}); nothing was sent. If the server uses a private CA, trust it "
            "with Client(ssl='ca.pem') or an ssl.SSLContext; otherwise someone may be in the middle",
            host=_host(self.url),
        )

    def tls_error(self, cause: Optional[BaseException]) -> TlsError:
        """The typed error for a failed TLS handshake (``cause`` says why)."""
        return TlsError(
            f"the TLS handshake with {_host(self.url)} failed ({_reason(cause)}): check that the server speaks "
            "TLS on that port and accepts this client (Client(ssl=...): CA, client certificate)",
            host=_host(self.url),
        )

    def describe(self, error: BaseException) -> str:
        """One line for an ordinary failure, naming the proxy (without credentials) when there is one."""
        if isinstance(error, asyncio.IncompleteReadError):
            text = "the SOCKS proxy closed the connection during its handshake (wrong credentials?)"
        else:
            text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return f"{text} (through the proxy {self.proxy.shown})" if self.proxy is not None else text

    def _proxy_error(self, status: int, reason: str, auth: bool = False) -> ProxyError:
        assert self.proxy is not None
        proxy = self.proxy
        answer = f"HTTP {status} {reason}" if status else f"SOCKS: {reason}"
        if status == 407 or auth:
            return ProxyAuthenticationError(
                f"the proxy {proxy.shown} (from {proxy.origin}) refused its credentials ({answer}) on the way to "
                f"{_host(self.url)}: check the user name and password", status=status, proxy=str(proxy.url),
            )
        return ProxyError(
            f"the proxy {proxy.shown} (from {proxy.origin}) refused the connection to {_host(self.url)} ({answer})",
            status=status, proxy=str(proxy.url),
        )

    def __repr__(self) -> str:
        return f"Route({self.url!r}, proxy={self.proxy!r})"


class Network:
    """The connectivity options of one client, checked: the proxy given (or ``trust_env``), the TLS trust, and
    the application's session if it gave one (never closed by the client)."""

    __slots__ = ("proxy", "trust_env", "ssl", "session")

    def __init__(
        self,
        proxy: Optional[Proxy] = None,
        trust_env: bool = False,
        ssl: Union[bool, _ssl.SSLContext] = True,
        session: Optional[aiohttp.ClientSession] = None,
    ) -> None:
        self.proxy = proxy
        self.trust_env = trust_env
        self.ssl = ssl
        self.session = session

    @classmethod
    def build(cls, proxy: Any = None, trust_env: Any = False, ssl: Any = None, session: Any = None) -> "Network":
        """Check the options of ``Client``/``BfxRestInterface`` (see their docs); raise
        :class:`~bfxapi.exceptions.InvalidInputTypeError` or :class:`~bfxapi.exceptions.InvalidInputError`."""
        if not isinstance(trust_env, bool):
            raise InvalidInputTypeError(f"trust_env must be True or False, not {type(trust_env).__name__}")
        given = None if proxy is None else parse_proxy(proxy, "proxy", "the proxy option")
        if session is not None:
            if not isinstance(session, aiohttp.ClientSession):
                raise InvalidInputTypeError(f"session must be an aiohttp.ClientSession, not {type(session).__name__}")
            if session.closed:
                raise InvalidInputError("session is closed: give an open aiohttp.ClientSession")
            if given is not None and given.socks:
                raise InvalidInputError(
                    "a SOCKS proxy lives in the session's connector: with session=, build that session with "
                    "aiohttp_socks.ProxyConnector and leave proxy= out"
                )
        return cls(given, trust_env, _ssl_context(ssl), session)

    def route(self, url: str) -> Route:
        """The route to ``url`` (a REST or WebSocket host): the proxy given, else with ``trust_env`` the one the
        environment names for it (none when ``NO_PROXY`` covers it), else direct."""
        proxy = self.proxy
        if proxy is None and self.trust_env:
            proxy = environment_proxy(URL(url))
            if proxy is not None and proxy.socks and self.session is not None:
                raise InvalidInputError(
                    f"{proxy.origin} names a SOCKS proxy, which lives in the session's connector: with session=, "
                    "build that session with aiohttp_socks.ProxyConnector"
                )
        if proxy is not None:
            _LOGGER.info("%s goes through the proxy %s (from %s)", _host(URL(url)), proxy.shown, proxy.origin)
        return Route(url, proxy, self.ssl)

    def __repr__(self) -> str:
        own = "the application's" if self.session is not None else "its own"
        return f"Network(proxy={self.proxy!r}, trust_env={self.trust_env}, session={own})"


def _ssl_context(value: Any) -> Union[bool, _ssl.SSLContext]:
    """``ssl=``: None (or True) is the system's verified context; an SSLContext is used as it is; a path is a CA
    bundle (a PEM file, or a directory of hashed certificates) trusted instead of the system's."""
    if value is None or value is True:
        return True
    if isinstance(value, _ssl.SSLContext):
        return value
    if value is False:
        raise InvalidInputTypeError(
            "ssl=False would turn certificate checks off: give the CA to trust (ssl='ca.pem'), or an ssl.SSLContext "
            "configured as you need"
        )
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidInputTypeError(f"ssl must be an ssl.SSLContext, a CA bundle path or None, not "
                                    f"{type(value).__name__}")
    path = Path(value)
    try:
        if path.is_dir():
            return _ssl.create_default_context(capath=str(path))
        return _ssl.create_default_context(cafile=str(path))
    except FileNotFoundError:
        raise InvalidInputError(f"ssl: no CA bundle at {str(path)!r}") from None
    except (_ssl.SSLError, OSError, ValueError) as error:
        raise InvalidInputError(f"ssl: {str(path)!r} is not a PEM CA bundle ({_reason(error)})") from None


def _host(url: Union[str, URL]) -> str:
    url = URL(url) if isinstance(url, str) else url
    return f"{url.host}:{url.port}" if url.port is not None else str(url.host)


def _reason(error: Optional[BaseException]) -> str:
    if error is None:
        return "no reason given"
    # A certificate check says why in verify_message ("unable to get local issuer certificate"); other SSL errors
    # in their text ("[SSL: WRONG_VERSION_NUMBER] wrong version number").
    reason = getattr(error, "verify_message", None) or str(error) or type(error).__name__
    return str(reason)[:SHOWN]


async def open_websocket(session: aiohttp.ClientSession, route: Route, **options: Any) -> "_Socket":
    """``session.ws_connect`` to ``route.url`` with the route's TLS trust and proxy; a refusal by the proxy or a TLS
    failure raises its typed :class:`~bfxapi.exceptions.ConnectivityError` (the WebSocket client stops on it rather
    than retry forever), anything else the error aiohttp raised (retried)."""
    try:
        ws = await session.ws_connect(route.url, headers=route.headers() or None, **options, **route.kwargs())
    except CONNECTION_ERRORS as error:
        failure = route.failure(error)
        if failure is not None:
            raise failure from None
        if isinstance(error, aiohttp.ClientError):
            raise
        raise aiohttp.ClientConnectionError(route.describe(error)) from None  # SOCKS: host unreachable, ...
    # The client's own session refuses redirects as they come (a TraceConfig); an application's session follows
    # them, so a redirected handshake is caught here, before the first frame is read or anything is sent (above all
    # an authentication). aiohttp keeps the handshake's response, with its history, on the socket.
    response = getattr(ws, "_response", None)
    if getattr(response, "history", ()):
        target = str(getattr(response, "url", "?"))[:SHOWN]
        await ws.close()
        raise RedirectRefusedError(f"the server redirected the handshake to {target}: redirects are never followed")
    return ws
