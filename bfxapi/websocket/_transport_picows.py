"""The picows transport (``pip install bfxapi[fast-ws]``): the same :class:`~bfxapi.websocket._transport.Transport`
as the aiohttp one, on picows, a WebSocket implementation written in Cython.

Why frames are handed over in picows' callback, not through a queue: picows parses the bytes it reads and calls
``on_ws_frame`` once per frame, in order, from the event loop's ``data_received``. Once the connection has started
reading (:meth:`PicowsTransport.pump`), each text frame goes straight from that callback to the connection's frame
function (decode, route, emit): no ``asyncio.Queue`` hop, no task switch per frame, which is most of the gain.

* Ordering is the socket's: one callback at a time, in the order of the bytes, and the connection's frame function
  never awaits.
* Back-pressure is the socket's too: while the frames of one read are handled, nothing else is read, so a client
  slower than the server leaves the bytes in the kernel's buffer and TCP slows the server down. (aiohttp queues
  parsed messages and pauses reading past a limit: the same effect, one copy later.)
* Before ``pump`` starts (the greeting, then ``conf`` and the restoring of subscriptions and authentication, which
  await), frames are kept in a list and delivered first, in order, when it starts: as aiohttp's queue does.
* When the frame function asks to stop (a restart) or raises, the frames after it are dropped and ``pump`` returns
  or raises that error: what the aiohttp loop does when it returns or raises between two ``receive()``.

What aiohttp does for the connection that picows leaves to its user is done here: the reply to the server's closing
handshake, the reassembly of a fragmented message (``max_message_size`` applies to the whole of it), the refusal of
invalid UTF-8 (close code 1007) and of a message too big (1009), the close code a lost link ends with (1006).
"""

import asyncio
import collections
import socket
import ssl
from typing import Any, Optional, Union

from picows import WSCloseCode, WSFrame, WSHandshakeError, WSListener, WSMsgType, WSParsedURL, WSTransport, ws_connect

from .._utils.network import Route
from ._transport import FrameRefusedError, HandshakeRefusedError, OnOther, OnText

__all__ = ["PicowsTransport", "open_picows"]

_TEXT = WSMsgType.TEXT
_BINARY = WSMsgType.BINARY
_CLOSE = WSMsgType.CLOSE
_CONTINUATION = WSMsgType.CONTINUATION
_ABNORMAL = 1006
_REDIRECTS = frozenset((301, 302, 303, 307, 308))


class PicowsTransport(WSListener):
    """An open picows WebSocket: picows' listener (it receives the frames) and the connection's transport."""

    def __init__(self, max_message_size: int, close_timeout: float) -> None:
        super().__init__()
        self._ws: Optional[WSTransport] = None
        self._max_message_size = max_message_size
        self._close_timeout = close_timeout
        loop = asyncio.get_running_loop()
        #: the connection's frame function once pump() runs; None before (frames are kept) and after it stopped
        self._on_text: Optional[OnText] = None
        self._on_other: Optional[OnOther] = None
        #: frames received before pump(): (text or None, kind, payload)
        self._pending: collections.deque[tuple[Optional[str], str, Any]] = collections.deque()
        self._wake: Optional["asyncio.Future[None]"] = None
        #: done when pump() is to return: the frame function stopped (or raised), or the socket is gone
        self._done: "asyncio.Future[None]" = loop.create_future()
        #: done when the socket is gone
        self._gone: "asyncio.Future[None]" = loop.create_future()
        self._stopped = False
        self._failure: Optional[BaseException] = None
        self._error: Optional[BaseException] = None
        self._close_code: Optional[int] = None
        self._fragments: Optional[list[bytes]] = None
        self._fragments_size = 0
        self._writable: Optional["asyncio.Future[None]"] = None

    # -- picows' callbacks ---------------------------------------------------------------------------

    def on_ws_connected(self, transport: WSTransport) -> None:
        self._ws = transport

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        # The hot path: a whole text frame while pump() runs.
        if frame.msg_type is _TEXT and frame.fin:
            on_text = self._on_text
            # (picows refuses a frame past max_frame_size, but may still hand it over: checked here again)
            if on_text is not None and frame.payload_size <= self._max_message_size:
                try:
                    text = frame.get_payload_as_utf8_text()
                except UnicodeDecodeError:
                    self._refuse("invalid UTF-8 in a text frame", 1007)
                    return
                try:
                    if on_text(text):
                        self._stop()
                except BaseException as error:  # pylint: disable=broad-exception-caught
                    self._failure = error  # raised by pump()
                    self._stop()
                return
        self._slow_frame(transport, frame)

    def on_ws_disconnected(self, transport: WSTransport) -> None:  # pylint: disable=unused-argument
        self._settle_code()
        self._stop()
        if not self._gone.done():
            self._gone.set_result(None)
        self._wakeup()
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    def pause_writing(self) -> None:
        if self._writable is None or self._writable.done():
            self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    # -- the Transport ---------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        ws = self._ws
        return ws is None or self._gone.done() or ws.is_close_frame_sent

    @property
    def close_code(self) -> Optional[int]:
        return self._close_code

    def exception(self) -> Optional[BaseException]:
        return self._error

    async def receive_first(self, timeout: float) -> tuple[Optional[str], str]:
        if not self._pending and not self._gone.done():
            self._wake = asyncio.get_running_loop().create_future()
            await asyncio.wait_for(self._wake, timeout)
        if self._pending:
            text, kind, _ = self._pending.popleft()
            return text, kind
        return None, "CLOSED"

    async def pump(self, on_text: OnText, on_other: OnOther) -> None:
        self._on_other = on_other
        pending = self._pending
        while pending and not self._stopped:
            text, kind, payload = pending.popleft()
            if text is not None:
                try:
                    if on_text(text):
                        self._stop()
                except BaseException:
                    self._stop()
                    raise
            elif kind == "BINARY":
                on_other(payload, "unexpected BINARY frame")
        if not self._stopped and not self._gone.done():
            self._on_text = on_text
        else:
            self._stop()
        try:
            await self._done
        finally:
            self._on_text = None
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    async def send_str(self, text: str) -> None:
        ws = self._ws
        if ws is None or self._gone.done() or ws.is_close_frame_sent:
            raise ConnectionResetError("cannot send: the WebSocket is closing")
        ws.send(_TEXT, text)
        writable = self._writable
        if writable is not None and not writable.done():
            await asyncio.shield(writable)

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        ws = self._ws
        self._stop()
        if ws is None or self._gone.done():
            return False
        started = not ws.is_close_frame_sent
        if started:
            ws.send_close(_code(code), message)
        try:
            # the server answers with its CLOSE frame (_slow_frame then drops the link), or does not in time
            await asyncio.wait_for(asyncio.shield(self._gone), self._close_timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            if not self._gone.done():
                ws.disconnect(graceful=False)
                self._settle_code()
        return started

    # -- the rest ----------------------------------------------------------------------------------------

    def _slow_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        """Every frame but a whole text frame while pump() runs."""
        kind = frame.msg_type
        if kind is _CLOSE:
            # The server closes (or answers our CLOSE): answer if we did not start it, then drop the link.
            if not transport.is_close_frame_sent:
                transport.send_close(WSCloseCode.OK)
            transport.disconnect()
            self._settle_code()  # the peer's code: picows noted its CLOSE before calling us
            self._keep(None, "CLOSE", None)
            self._stop()
            return
        if self._stopped:
            return
        if frame.payload_size > self._max_message_size:
            self._refuse(f"message bigger than {self._max_message_size} bytes", 1009)
        elif kind is _TEXT:
            if frame.fin:
                self._text(frame.get_payload_as_bytes())
            else:
                self._fragments, self._fragments_size = [], 0
                self._fragment(frame)
        elif kind is _CONTINUATION:
            if self._fragments is None:
                self._refuse("a continuation frame without a message to continue", 1002)
            else:
                self._fragment(frame)
        elif kind is _BINARY:
            payload = frame.get_payload_as_bytes()
            if self._on_text is None:
                self._keep(None, "BINARY", payload)
            elif self._on_other is not None:
                self._on_other(payload, "unexpected BINARY frame")
        # PING is answered by picows (enable_auto_pong); a PONG carries nothing for us (aiohttp drops it too)

    def _fragment(self, frame: WSFrame) -> None:
        assert self._fragments is not None
        self._fragments.append(frame.get_payload_as_bytes())
        self._fragments_size += frame.payload_size
        if self._fragments_size > self._max_message_size:
            self._fragments = None
            self._refuse(f"message bigger than {self._max_message_size} bytes", 1009)
        elif frame.fin:
            whole, self._fragments = b"".join(self._fragments), None
            self._text(whole)

    def _text(self, payload: bytes) -> None:
        """A whole text message that did not take the hot path."""
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            self._refuse("invalid UTF-8 in a text frame", 1007)
            return
        on_text = self._on_text
        if on_text is None:
            self._keep(text, "TEXT", text)
            return
        try:
            if on_text(text):
                self._stop()
        except BaseException as error:  # pylint: disable=broad-exception-caught
            self._failure = error
            self._stop()

    def _keep(self, text: Optional[str], kind: str, payload: Any) -> None:
        """A frame received before pump() (the greeting above all)."""
        if self._on_text is None and not self._stopped:
            self._pending.append((text, kind, payload))
            self._wakeup()

    def _refuse(self, reason: str, code: int) -> None:
        """A frame the protocol forbids: close with ``code`` and end the socket, as aiohttp does."""
        self._error = FrameRefusedError(reason, code)
        self._close_code = code
        self._stop()
        ws = self._ws
        if ws is not None and not ws.is_close_frame_sent:
            ws.send_close(_code(code))
        if ws is not None:
            ws.disconnect()
        self._wakeup()

    def _stop(self) -> None:
        self._stopped = True
        self._on_text = None
        if not self._done.done():
            self._done.set_result(None)

    def _wakeup(self) -> None:
        wake = self._wake
        if wake is not None and not wake.done():
            wake.set_result(None)

    def _settle_code(self) -> None:
        if self._close_code is not None:
            return
        ws = self._ws
        handshake = ws.close_handshake if ws is not None else None
        received = handshake.recv if handshake is not None else None
        self._close_code = int(received.code.value) if received is not None else _ABNORMAL


async def open_picows(route: Route, *, max_message_size: int, close_timeout: float,
                      open_timeout: float) -> PicowsTransport:
    """Open the socket (the caller bounds the time it takes; picows' own handshake timer is set to the same bound,
    so that a socket whose opening was given up is dropped too). A TLS failure raises its typed error, as with
    aiohttp; a refused or redirected upgrade :class:`HandshakeRefusedError` (redirects are never followed)."""
    context: Optional[ssl.SSLContext] = route.ssl if isinstance(route.ssl, ssl.SSLContext) else None

    def listener() -> PicowsTransport:
        return PicowsTransport(max_message_size, close_timeout)

    # The TCP socket is made here, not by picows, to keep a hold on it: when the opening is given up during the
    # WebSocket handshake (open_timeout, close()), picows has no handle to give back and would leave the socket open
    # until its own handshake timer fires; shutting the socket down makes its transport close at once.
    opened: list[socket.socket] = []

    async def connect(url: WSParsedURL) -> socket.socket:
        sock = await _connect_tcp(url.host, url.port)
        opened.append(sock)
        return sock

    try:
        _, transport = await ws_connect(
            listener,
            route.url,
            socket_factory=connect,
            ssl_context=context,
            websocket_handshake_timeout=open_timeout,
            enable_auto_ping=False,
            enable_auto_pong=True,
            max_frame_size=max_message_size,
            max_redirects=0,
        )
    except ssl.SSLCertVerificationError as error:
        raise route.certificate_error(error) from None
    except ssl.SSLError as error:
        raise route.tls_error(error) from None
    except WSHandshakeError as error:
        raise _refusal(error) from None
    except BaseException:
        for sock in opened:
            if sock.fileno() != -1:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        raise
    assert isinstance(transport, PicowsTransport)
    return transport


async def _connect_tcp(host: str, port: int) -> socket.socket:
    """A connected TCP socket to ``host:port``: each address of the name in turn, as ``loop.create_connection``."""
    loop = asyncio.get_running_loop()
    failure: Optional[OSError] = None
    for family, kind, proto, _, address in await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            await loop.sock_connect(sock, address)
        except OSError as error:
            sock.close()
            failure = error
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    raise failure or OSError(f"no address for {host}")


def _refusal(error: WSHandshakeError) -> Union[HandshakeRefusedError, ConnectionError]:
    response = error.response
    if response is None:
        return ConnectionError(f"invalid WebSocket handshake: {str(error)[:200]}")
    status = int(response.status)
    if status in _REDIRECTS:
        target = response.headers.get("Location", "?")
        return HandshakeRefusedError(f"the server redirected the handshake (HTTP {status}) to {target[:200]}: "
                                     "redirects are never followed", status)
    return HandshakeRefusedError(f"handshake refused with HTTP {status}", status)


def _code(code: int) -> WSCloseCode:
    """A close code as picows takes it (its enum accepts the application's codes, 4000-4999, too)."""
    return WSCloseCode(code)
