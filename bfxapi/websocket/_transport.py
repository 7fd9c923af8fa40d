"""The socket under a :class:`~bfxapi.websocket._connection.Connection`: what the connection needs of it, and which
implementation serves it.

A connection needs little of its socket: open it (handshake, TLS trust, within ``open_timeout``), read the first
text frame (the greeting), then deliver every text frame in order to one function, send text, close with a code and
a reason, and tell once it is over how it ended (``close_code``, ``exception()``). :class:`Transport` is that; two
implementations exist:

* ``aiohttp`` (:mod:`._transport_aiohttp`), always there: ``ws_connect`` on the client's aiohttp session (or the
  application's), through an HTTP or SOCKS proxy when one is configured;
* ``picows`` (:mod:`._transport_picows`), when the ``picows`` package is installed (``pip install bfxapi[fast-ws]``):
  a WebSocket implementation written in Cython that hands frames over in a callback, several times cheaper per
  frame. It opens its own TCP/TLS connection, so it cannot go through a proxy nor use an aiohttp session.

``WebSocketOptions(transport=...)`` chooses: ``"auto"`` (the default) takes picows when it is installed and the
configuration allows it (no proxy, no application session), aiohttp otherwise; ``"aiohttp"`` always aiohttp;
``"picows"`` picows or, when it is missing or cannot do what the configuration asks, an
:class:`~bfxapi.exceptions.InvalidInputError` when the client is made: nothing silently different. The environment
variable ``BFXAPI_WS_TRANSPORT`` gives the default of the option (the test suite runs with either transport so).
"""

import importlib.util
import os
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol

from ..exceptions import InvalidInputError, InvalidInputTypeError
from .exceptions import BfxWebSocketException

if TYPE_CHECKING:
    from .._utils.network import Route

__all__ = ["Transport", "TRANSPORTS", "ENVIRONMENT", "default_transport", "check_transport", "select_transport",
           "picows_available", "HandshakeRefusedError", "FrameRefusedError"]

#: the values of ``WebSocketOptions.transport``
TRANSPORTS = ("auto", "aiohttp", "picows")
#: the environment variable giving the default of ``WebSocketOptions.transport``
ENVIRONMENT = "BFXAPI_WS_TRANSPORT"

#: what a connection calls with every text frame, in order; True means "stop reading" (the connection is to be
#: rebuilt: a restart was asked): the frames after it are not delivered
OnText = Callable[[str], bool]
#: what a connection calls with the payload of a frame that is neither text nor control, and why it is refused
OnOther = Callable[[Any, str], None]


class Transport(Protocol):
    """One open WebSocket (the handshake done). Every failure that means "the link is gone" is an ``OSError``,
    an ``aiohttp.ClientError`` or an ``asyncio.TimeoutError``: the connection retries those."""

    @property
    def closed(self) -> bool:
        """Whether the socket is closing or closed (nothing can be sent any more)."""

    @property
    def close_code(self) -> Optional[int]:
        """The close code the socket ended with (the peer's, 1006 for a link lost without one); None while open."""

    def exception(self) -> Optional[BaseException]:
        """The protocol error that ended the socket, if one did (an invalid frame, a frame too big)."""

    async def receive_first(self, timeout: float) -> tuple[Optional[str], str]:
        """The first frame: ``(text, "TEXT")``, or ``(None, kind)`` when it is not text (the socket closed: kind
        names what came instead, e.g. ``"CLOSE"``)."""

    async def pump(self, on_text: OnText, on_other: OnOther) -> None:
        """Deliver every frame, in order, until the socket ends or ``on_text`` returns True; an exception raised by
        ``on_text`` ends the socket and is raised here."""

    async def send_str(self, text: str) -> None:
        """Send a text frame."""

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        """Start (or finish) the closing handshake and wait for it, ``close_timeout`` at most; True if this call
        closed the socket."""


class HandshakeRefusedError(BfxWebSocketException, ConnectionError):
    """The server answered the WebSocket upgrade with another HTTP status (picows; aiohttp raises its own
    ``WSServerHandshakeError``). Retried with backoff, like any failed attempt."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class FrameRefusedError(BfxWebSocketException, ConnectionError):
    """A frame broke the protocol or a limit (invalid UTF-8, too big): the socket was closed with ``code``, and the
    connection is rebuilt (picows; aiohttp reports its own ``WebSocketError``)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def picows_available() -> bool:
    """Whether picows can be imported (without importing it)."""
    return importlib.util.find_spec("picows") is not None


def default_transport() -> str:
    """The default of ``WebSocketOptions.transport``: ``BFXAPI_WS_TRANSPORT`` if set, else ``"auto"``."""
    return os.environ.get(ENVIRONMENT, "").strip() or "auto"


def check_transport(value: Any) -> None:
    """Check the value of ``WebSocketOptions.transport`` (and that picows is installed if it is asked for)."""
    if not isinstance(value, str):
        raise InvalidInputTypeError(f"WebSocketOptions.transport must be one of {', '.join(TRANSPORTS)}, not "
                                    f"{type(value).__name__}")
    if value not in TRANSPORTS:
        raise InvalidInputError(f"WebSocketOptions.transport must be one of {', '.join(TRANSPORTS)}, not {value!r}"
                                f"{f' (from {ENVIRONMENT})' if value == default_transport() else ''}")
    if value == "picows" and not picows_available():
        raise InvalidInputError("WebSocketOptions.transport='picows' needs the picows package: "
                                "pip install bfxapi[fast-ws] (or transport='auto' to use it only when installed)")


def select_transport(choice: str, route: "Route", session_given: bool) -> str:
    """The transport that serves a client: ``"aiohttp"`` or ``"picows"``, following ``choice`` (checked by
    :func:`check_transport`). What picows cannot do makes ``"auto"`` take aiohttp, and ``"picows"`` an
    :class:`~bfxapi.exceptions.InvalidInputError`."""
    if choice == "aiohttp":
        return "aiohttp"
    refusal = _picows_refusal(route, session_given)
    if choice == "picows":
        if refusal is not None:
            raise InvalidInputError(f"WebSocketOptions.transport='picows' cannot be used here: {refusal}; use "
                                    "transport='auto' (aiohttp is taken then) or 'aiohttp'")
        return "picows"
    return "picows" if refusal is None and picows_available() else "aiohttp"


def _picows_refusal(route: "Route", session_given: bool) -> Optional[str]:
    """Why picows cannot serve this route, or None when it can."""
    if route.proxy is not None:
        # picows has its own proxy support, but the client's proxy handling (credentials kept out of errors, typed
        # refusals: ProxyAuthenticationError, ProxyError) is built on aiohttp's
        return f"the WebSocket host is reached through the proxy {route.proxy.shown}, which only aiohttp does"
    if session_given:
        return "an aiohttp session was given (session=): picows opens its own connections"
    return None
