"""The root of every error the library raises.

Every exception raised on purpose by ``bfxapi`` derives from :class:`BfxBaseException`, so
``except BfxBaseException`` catches all of them. Errors that Bitfinex itself reported derive from
:class:`ServerError` and keep the numeric Bitfinex code in ``code``. A bad argument raises
:class:`InvalidInputError` (also a ``ValueError``), or its subclass :class:`InvalidInputTypeError` (also a
``TypeError``) when the argument has the wrong type, before anything is sent.

Every exception class of the package, its first ``bfxapi`` base as its parent, its other bases in brackets (``also``
for a ``bfxapi`` one) and the public module to import it from (``internal``: it never leaves the client, which
retries the connection). ``LabelerSerializerException`` is another name of :class:`MalformedPayloadError`.
``tests/test_exception_tree.py`` checks this tree against the code::

    BfxBaseException (Exception)                                         bfxapi.exceptions
        ClientClosedError (RuntimeError)                                 bfxapi.exceptions
        ConnectivityError                                                bfxapi.exceptions
            ProxyError                                                   bfxapi.exceptions
                ProxyAuthenticationError                                 bfxapi.exceptions
            TlsError                                                     bfxapi.exceptions
                CertificateError                                         bfxapi.exceptions
        CredentialError                                                  bfxapi.exceptions
            IncompleteCredentialError (ValueError)                       bfxapi.exceptions
            CredentialsRequiredError (also RestError)                    bfxapi.rest.exceptions
        InvalidInputError (ValueError)                                   bfxapi.exceptions
            InvalidInputTypeError (TypeError)                            bfxapi.exceptions
            OrderRuleError                                               bfxapi.exceptions
        InvalidJSONError (ValueError)                                    bfxapi.exceptions
        MalformedPayloadError (ValueError)                               bfxapi.exceptions
            InvalidMessageError (also BfxWebSocketException)             bfxapi.websocket.exceptions
        NonceFileError (OSError)                                         bfxapi.exceptions
        NonceOverflowError (OverflowError)                               bfxapi.exceptions
        RedirectRefusedError (ConnectionError)                           bfxapi.exceptions
        ServerError                                                      bfxapi.exceptions
            InvalidCredentialError (also CredentialError)                bfxapi.exceptions
            NonceError                                                   bfxapi.exceptions
                NonceTooSmallError (also RestError)                      bfxapi.rest.exceptions
            GenericError (also RestError)                                bfxapi.rest.exceptions
            MaintenanceError (also RestError)                            bfxapi.rest.exceptions
            RateLimitError (also RestError)                              bfxapi.rest.exceptions
            RequestParameterError (also RestError)                       bfxapi.rest.exceptions
            ResourceNotFoundError (also RestError)                       bfxapi.rest.exceptions
            UnexpectedResponseError (also RestError)                     bfxapi.rest.exceptions
            SubscriptionError (also BfxWebSocketException)               bfxapi.websocket.exceptions
        SyncInEventLoopError (RuntimeError)                              bfxapi.exceptions
        RestError                                                        bfxapi.rest.exceptions
            HistoryPagingError                                           bfxapi.rest.exceptions
            RedirectError                                                bfxapi.rest.exceptions
            RestConnectionError (ConnectionError)                        bfxapi.rest.exceptions
                RestTimeoutError (TimeoutError)                          bfxapi.rest.exceptions
        BfxWebSocketException                                            bfxapi.websocket.exceptions
            ActionRequiresAuthentication                                 bfxapi.websocket.exceptions
            ConnectionNotOpen (ConnectionError)                          bfxapi.websocket.exceptions
            EventLoopRunningError (RuntimeError)                         bfxapi.websocket.exceptions
            InputInterruptedError (ConnectionError)                      bfxapi.websocket.exceptions
                InputNotExecutedError                                    bfxapi.websocket.exceptions
                    OrderNotPlacedError                                  bfxapi.websocket.exceptions
            InputTimeoutError (TimeoutError)                             bfxapi.websocket.exceptions
            MaintenanceInProgressError                                   bfxapi.websocket.exceptions
            ReconnectionTimeoutError                                     bfxapi.websocket.exceptions
            StreamOverflowError                                          bfxapi.websocket.exceptions
            SubIdError (also InvalidInputError)                          bfxapi.websocket.exceptions
            SubscriptionTimeoutError (TimeoutError)                      bfxapi.websocket.exceptions
            TooManySubscriptionsError                                    bfxapi.websocket.exceptions
            TradesPagingError                                            bfxapi.websocket.exceptions
            UnknownChannelError (also InvalidInputError)                 bfxapi.websocket.exceptions
            UnknownEventError (also InvalidInputError)                   bfxapi.websocket.exceptions
            UnknownSubscriptionError (also InvalidInputError, KeyError)  bfxapi.websocket.exceptions
            VersionMismatchError                                         bfxapi.websocket.exceptions
            FrameRefusedError (ConnectionError)                          internal
            HandshakeRefusedError (ConnectionError)                      internal
            HandshakeRedirectedError (ConnectionError)                   internal
            UnusableConnectionError (ConnectionError)                    internal
"""

import reprlib
from typing import Any, Optional

__all__ = [
    "BfxBaseException",
    "CredentialError",
    "IncompleteCredentialError",
    "InvalidCredentialError",
    "NonceError",
    "InvalidInputError",
    "InvalidInputTypeError",
    "OrderRuleError",
    "MalformedPayloadError",
    "LabelerSerializerException",
    "ServerError",
    "ConnectivityError",
    "ProxyError",
    "ProxyAuthenticationError",
    "TlsError",
    "CertificateError",
    "SyncInEventLoopError",
    "ClientClosedError",
    "InvalidJSONError",
    "NonceOverflowError",
    "NonceFileError",
    "RedirectRefusedError",
]


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 200
_SHORT.maxlist = _SHORT.maxdict = 40
_SHORT.maxlevel = 4


class BfxBaseException(Exception):
    """Base class of every exception raised by bfxapi."""


class InvalidInputError(BfxBaseException, ValueError):
    """An argument given by the caller cannot be sent to Bitfinex as it is."""


class InvalidInputTypeError(InvalidInputError, TypeError):
    """An argument given by the caller has the wrong type (a ``str`` where an ``int`` is needed, ...).

    It is also a ``TypeError``, the builtin error for a wrong type, and an :class:`InvalidInputError`, so
    ``except InvalidInputError`` catches every bad argument."""


class OrderRuleError(InvalidInputError):
    """An order breaks one of Bitfinex's order rules (see :mod:`bfxapi.rules`), found before it was sent.

    ``rule`` names the rule: ``"price_precision"`` (more than 5 significant digits), ``"amount_precision"`` (more
    than 8 decimals), ``"min_size"``/``"max_size"`` (the pair's order size limits), ``"unknown_pair"``.
    ``field`` is the order field (``"price"``, ``"amount"``, ``"symbol"``...), ``value`` the value given (as text),
    ``allowed`` the value the rule allows (the rounded value, the minimum or the maximum size; ``None`` for an
    unknown pair) and ``symbol`` the pair."""

    def __init__(
        self, message: str, *, rule: str, field: str, value: Optional[str], allowed: Optional[Any],
        symbol: Optional[str],
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.field = field
        self.value = value
        self.allowed = allowed
        self.symbol = symbol

    def __reduce__(self) -> tuple[Any, ...]:
        return (_order_rule_error, (self.message, self.rule, self.field, self.value, self.allowed, self.symbol))


def _order_rule_error(*args: Any) -> OrderRuleError:
    message, rule, field, value, allowed, symbol = args
    return OrderRuleError(message, rule=rule, field=field, value=value, allowed=allowed, symbol=symbol)


class CredentialError(BfxBaseException):
    """Base class of the errors about API keys."""


class IncompleteCredentialError(CredentialError, ValueError):
    """Only one of ``api_key`` and ``api_secret`` was given: both are needed to authenticate."""


class ServerError(BfxBaseException):
    """Bitfinex answered with an error.

    ``code`` is the Bitfinex error code (``10020``, ``10100``, ``10114``, ...) or ``None`` when the
    server gave none; ``message`` is the server's own text, which Bitfinex may change at any time:
    branch on ``code``, never on ``message``.
    """

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{message} (code {code})" if code is not None else message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.code))


class NonceError(ServerError):
    """Bitfinex refused a nonce (code 10114): it was not above the last nonce used with this API key.

    The key itself is fine (this is not a :class:`CredentialError`): another process or client is using the
    same key and its requests overtook ours, or the key's nonce counter was pushed ahead. Give each process its
    own key, or share one nonce source between the processes of a key (``Client(nonce=bfxapi.FileNonce(path))``).
    The REST form is :class:`bfxapi.rest.exceptions.NonceTooSmallError`.
    """

    HINT = (
        "the nonce was not above the last one this API key used: another process or client is using the same "
        "key, or its nonce counter was pushed ahead. Give each process its own key, or share one nonce source "
        "between them with bfxapi.FileNonce(path); a key pushed far ahead must be recreated"
    )

    def __str__(self) -> str:
        return f"{super().__str__()}: {self.HINT}"


class InvalidCredentialError(ServerError, CredentialError):
    """Bitfinex rejected the API key, the signature or the nonce of an authentication."""


class MalformedPayloadError(BfxBaseException, ValueError):
    """A payload received from Bitfinex does not have the shape its type needs.

    ``type_name`` names the type that was being built and ``payload`` holds the offending value.
    """

    def __init__(self, type_name: str, payload: Any, reason: str) -> None:
        self.type_name = type_name
        self.payload = payload
        self.reason = reason
        # reprlib bounds the work as well as the text: a huge or deeply nested payload is never walked whole.
        shown = _SHORT.repr(payload)
        super().__init__(f"Cannot build {type_name}: {reason} (payload: {shown})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.type_name, self.payload, self.reason))


class ConnectivityError(BfxBaseException):
    """The way to the server (a proxy, TLS) refused the connection for a reason that trying again will not change:
    the configuration must (``Client(proxy=..., ssl=...)``). The WebSocket client stops with it instead of
    reconnecting forever; the REST interface raises it and never retries it.

    A proxy or a server that cannot be reached at all is not one: that is an ordinary connection error
    (:class:`~bfxapi.rest.exceptions.RestConnectionError`, or a WebSocket reconnection), which may heal.
    Messages name the proxy without its credentials."""


class ProxyError(ConnectivityError):
    """The proxy refused to carry the connection (HTTP ``status`` 4xx to its ``CONNECT`` or to the request, or a
    SOCKS refusal, ``status`` 0). ``proxy`` is the proxy's URL without credentials."""

    def __init__(self, message: str, status: int = 0, proxy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.proxy = proxy

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.status, self.proxy))


class ProxyAuthenticationError(ProxyError):
    """The proxy refused its credentials (HTTP 407 Proxy Authentication Required, or a SOCKS5 authentication
    failure): check the user name and password of ``proxy=`` (or of the ``HTTP(S)_PROXY`` variable)."""


class TlsError(ConnectivityError):
    """The TLS handshake with the server failed (``host`` names it): a protocol or cipher mismatch, a client
    certificate the server refused, a plain-text server behind an ``https://``/``wss://`` URL."""

    def __init__(self, message: str, host: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.host = host

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.host))


class CertificateError(TlsError):
    """The server's certificate could not be verified: signed by a CA this client does not trust, expired, or
    for another name. Nothing was sent. Trust a private CA with ``Client(ssl="ca.pem")`` or an
    ``ssl.SSLContext``; a certificate that should be trusted and is not may mean someone is in the middle."""


class SyncInEventLoopError(BfxBaseException, RuntimeError):
    """A method of the synchronous client (``bfxapi.sync``) was called from a thread where an asyncio event loop
    runs. Blocking there would stall that loop (and deadlock, were the call to need it): inside async code, use
    ``bfxapi.Client`` and ``await bfx.rest.public.get_t_ticker(...)``, or call the synchronous client from another
    thread (``await asyncio.to_thread(bfx.rest.public.get_t_ticker, "tBTCUSD")``)."""


class ClientClosedError(BfxBaseException, RuntimeError):
    """The synchronous client (``bfxapi.sync.Client``) was closed: its event loop and session are gone. Create a new
    client."""


class InvalidJSONError(BfxBaseException, ValueError):
    """A text that is not JSON as Bitfinex sends it: ``NaN``/``Infinity``, or nested deeper than
    :data:`bfxapi._utils.json_decoder.MAX_DEPTH` levels."""


class NonceOverflowError(BfxBaseException, OverflowError):
    """The next nonce would exceed 2**53 - 1, the largest value Bitfinex accepts: the key must be recreated."""


class NonceFileError(BfxBaseException, OSError):
    """The file of a :class:`bfxapi.FileNonce` cannot be used (unreadable, not a nonce file, no file locks here)."""


class RedirectRefusedError(BfxBaseException, ConnectionError):
    """The WebSocket handshake was redirected (an application's session follows redirects): the socket is closed
    before anything is sent on it, and the connection is retried with backoff like any failed attempt."""


#: The name the official v3 beta used for the same error.
LabelerSerializerException = MalformedPayloadError
