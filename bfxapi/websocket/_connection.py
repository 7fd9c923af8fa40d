"""What every WebSocket connection of the client shares: opening, flags, liveness and reconnection.

A :class:`Connection` supervises one socket for as long as the client runs:

1. it waits for the connection-rate governor, opens the socket (bounded by ``open_timeout``), checks that
   the first frame is ``info`` with version 2, and sends ``conf`` with its flags before anything else;
2. it lets the subclass restore what it owns (subscriptions, authentication) with the same identities;
3. it reads frames in a tight loop: one JSON decode, then lists go to the subclass router and dicts to
   the event handler; a frame that cannot be understood is logged and reported, never fatal;
4. a keeper task pings the server and watches for silence: no frame at all (heartbeats included) for
   ``silence_limit`` seconds means the link is dead even if TCP says otherwise, and the socket is closed;
5. whenever the socket ends without ``close()`` having been called, it reconnects with exponential
   backoff and jitter, for as long as the client's ``timeout`` allows, and reports the recovery.

The socket itself is a :class:`~bfxapi.websocket._transport.Transport`: aiohttp's, or picows' when it is installed
and chosen (``WebSocketOptions.transport``). Everything above (the steps here, the accounting of frames) is the same
code whichever it is.
"""

import asyncio
import datetime
import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional, Union

import aiohttp

from .._utils.network import Route
from .._utils.json_decoder import short_text_decoder
from .._utils.json_encoder import dumps
from ..exceptions import InvalidInputError, InvalidInputTypeError
from .._utils.log_throttle import LogThrottle
from ..types.codec import Codec
from ._pacing import Backoff, ConnectionRateGovernor
from ._transport import HandshakeRefusedError, Transport, check_transport, default_transport
from ._transport_aiohttp import describe as _describe_aiohttp
from ._transport_aiohttp import open_aiohttp
from ._protocol import (
    AccountSequence,
    Flag,
    Gap,
    InfoAction,
    PublicSequence,
    UnusableConnectionError,
    check_greeting,
    info_action,
)
from .exceptions import ConnectionNotOpen, InvalidMessageError, ReconnectionTimeoutError, VersionMismatchError
from .stats import ConnectionState, ConnectionStats

if TYPE_CHECKING:
    from ._event_emitter import BfxEventEmitter

__all__ = ["Connection", "ConnectionContext", "Routing", "WebSocketOptions", "Flag"]


@dataclass(frozen=True)
class WebSocketOptions:
    """Timings and protocol options of the WebSocket client. The defaults suit the real Bitfinex."""

    #: seconds allowed for the TCP/TLS/HTTP upgrade and for the first ``info`` frame
    open_timeout: float = 10.0
    #: seconds allowed for the closing handshake before the socket is dropped
    close_timeout: float = 2.0
    #: seconds between application pings (Bitfinex closes idle sockets after about a minute)
    ping_interval: float = 20.0
    #: seconds without any frame after which a connection is considered dead and replaced
    silence_limit: float = 35.0
    #: seconds the server has to confirm a subscribe/unsubscribe request once it has been sent
    subscribe_timeout: float = 10.0
    #: seconds Bitfinex has to answer an input (order, offer) with its notification
    input_timeout: float = 10.0
    #: seconds, from a drop, to find out what became of a new order or a cancel whose answer it lost (reconnect,
    #: fresh snapshots, order history over REST) before giving up with ``InputInterruptedError``
    input_resolution_timeout: float = 30.0
    #: authenticate with the dead-man switch: Bitfinex cancels every order of the account when the
    #: authenticated connection closes, for whatever reason
    dead_man_switch: bool = False
    #: reconnection backoff
    backoff: Backoff = field(default_factory=Backoff)
    #: new connections allowed per window on the public pool: (count, seconds); (None, 0) disables
    public_connection_limit: tuple[Optional[int], float] = (20, 60.0)
    #: new connections allowed per window on the authenticated connection
    auth_connection_limit: tuple[Optional[int], float] = (5, 15.0)
    #: ``calc`` inputs allowed per window (Bitfinex: 8 per second); more wait for room instead of being refused
    calc_rate_limit: tuple[Optional[int], float] = (8, 1.0)
    #: ask for book checksum frames (OB_CHECKSUM)
    checksums: bool = True
    #: ask for sequence numbers on every frame (SEQ_ALL) and audit them
    sequence: bool = True
    #: also audit the account channel's own counter (protocol §2.5; Bitfinex does not document its layout,
    #: so this can be turned off on its own if it ever disagrees with the live servers)
    audit_account_sequence: bool = True
    #: ask for a server timestamp on every frame (TIMESTAMP)
    timestamps: bool = False
    #: allow several book entries per frame (BULK_UPDATES)
    bulk: bool = False
    #: largest frame accepted, in bytes
    max_message_size: int = 16 * 1024 * 1024
    #: seconds during which the same failure (a callback raising the same error at the same line, the same bad
    #: frame) is logged once; the repeats are counted and the count is logged with the next occurrence
    repeat_log_interval: float = 60.0
    #: after a trades subscription is restored, fetch over REST the trades its fresh snapshot (the last 30) does
    #: not reach back to, and deliver them before the live ones (needs the REST client of ``bfxapi.Client``)
    recover_trades: bool = False
    #: while the authenticated connection is down, poll the wallets and open orders over REST every so many seconds
    #: (None: off), so that the managed account (``bfx.wss.account``) shows fresh balances during a long outage;
    #: what a poll finds changed is told as the usual events, once (needs the REST client of ``bfxapi.Client``)
    poll_account_interval: Optional[float] = None
    #: the WebSocket implementation: "auto" (picows when installed and the configuration allows it: no proxy, no
    #: aiohttp session given; aiohttp otherwise), "aiohttp", or "picows" (an error when the client is made if picows
    #: is missing or cannot serve the configuration). The default comes from BFXAPI_WS_TRANSPORT, else "auto".
    transport: str = field(default_factory=default_transport)

    def __post_init__(self) -> None:
        for name in ("open_timeout", "close_timeout", "ping_interval", "silence_limit", "subscribe_timeout",
                     "input_timeout", "input_resolution_timeout"):  # fmt: skip
            _positive(name, getattr(self, name))
        _positive("repeat_log_interval", self.repeat_log_interval, zero=True)
        if self.poll_account_interval is not None:
            _positive("poll_account_interval", self.poll_account_interval)
        for name in ("dead_man_switch", "checksums", "sequence", "audit_account_sequence", "timestamps", "bulk",
                     "recover_trades"):  # fmt: skip
            if not isinstance(getattr(self, name), bool):
                raise InvalidInputTypeError(f"WebSocketOptions.{name} must be True or False")
        if not isinstance(self.backoff, Backoff):
            raise InvalidInputTypeError("WebSocketOptions.backoff must be a bfxapi.websocket.Backoff")
        for name in ("public_connection_limit", "auth_connection_limit", "calc_rate_limit"):
            limit = getattr(self, name)
            if not (isinstance(limit, tuple) and len(limit) == 2):
                raise InvalidInputTypeError(f"WebSocketOptions.{name} must be (count or None, seconds)")
            if limit[0] is not None and (isinstance(limit[0], bool) or not isinstance(limit[0], int) or limit[0] < 1):
                raise InvalidInputError(f"WebSocketOptions.{name}: the count must be a positive int or None")
            _positive(f"{name} window", limit[1], zero=limit[0] is None)
        if isinstance(self.max_message_size, bool) or not isinstance(self.max_message_size, int):
            raise InvalidInputTypeError("WebSocketOptions.max_message_size must be an int (bytes)")
        if self.max_message_size < 1024:
            raise InvalidInputError("WebSocketOptions.max_message_size must be at least 1024 bytes")
        check_transport(self.transport)

    @property
    def flags(self) -> int:
        """The ``conf`` mask these options ask for."""
        return int(
            (Flag.OB_CHECKSUM if self.checksums else 0)
            | (Flag.SEQ_ALL if self.sequence else 0)
            | (Flag.TIMESTAMP if self.timestamps else 0)
            | (Flag.BULK_UPDATES if self.bulk else 0)
        )


def _positive(name: str, value: Any, zero: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputTypeError(f"WebSocketOptions.{name} must be a number of seconds, not {type(value).__name__}")
    if not (0 <= value if zero else 0 < value) or value == float("inf"):
        raise InvalidInputError(f"WebSocketOptions.{name} must be a {'non-negative' if zero else 'positive'} finite "
                                f"number of seconds, not {value!r}")


@dataclass
class ConnectionContext:
    """What the connections of one client share."""

    emitter: "BfxEventEmitter"
    options: WebSocketOptions
    loads: Callable[[str], Any]
    session: Callable[[], aiohttp.ClientSession]
    #: seconds a connection may stay down before the client gives up; None: forever
    timeout: Optional[float]
    logger: logging.Logger
    #: called with a fatal error (the client stops)
    on_fatal: Callable[[BaseException], None]
    #: called when a connection learns that maintenance started (True) or ended (False)
    on_maintenance: Callable[["Connection", bool], None]
    #: whether the client is in maintenance now
    maintenance: Callable[[], bool]
    #: how the host is reached (proxy, TLS trust); None: directly, with the system's trust
    route: Optional[Route] = None
    #: the serializers of the client's number mode (``loads`` above decodes in the same mode)
    codec: Codec[Any] = field(default_factory=Codec)
    #: the transport chosen for the client ("aiohttp" or "picows"; see bfxapi.websocket._transport)
    transport: str = "aiohttp"


# Failures after which a new attempt may succeed: refused, DNS, HTTP 408/429/5xx on the upgrade, timeouts, resets,
# a socket that did not start like a Bitfinex one. (A proxy's refusal or a failed TLS check is a ConnectivityError,
# raised by open_websocket: not retryable, it stops the client.)
_RETRYABLE = (aiohttp.ClientError, asyncio.TimeoutError, OSError)
# Failures only the user can act on: they stop the client.
_FATAL = (VersionMismatchError, ReconnectionTimeoutError)


class Tallies:
    """The counters of a connection's rare events (for ``stats()``). One attribute of the connection rather than
    seven: CPython keeps the fast attribute layout of a class's instances for 30 names at most, and past that every
    attribute access of the connection, the receive loop's included, gets slower."""

    __slots__ = ("reconnections", "sequence_gaps", "checksum_mismatches", "book_resyncs", "ping_cid", "ping_sent",
                 "ping_rtt")

    def __init__(self) -> None:
        self.reconnections = 0
        self.sequence_gaps = 0
        #: bumped by the client, which knows the managed books of each connection
        self.checksum_mismatches = 0
        self.book_resyncs = 0
        #: the cid and time.monotonic() of the last ping sent, and the round trip of the last one answered
        self.ping_cid = 0
        self.ping_sent = 0.0
        self.ping_rtt: Optional[float] = None


class Routing(NamedTuple):
    """Where a connection's data frames go (:meth:`Connection._routing`): ``routes`` maps a channel id to the
    function its frames go to (a live dict: routes added or removed while the socket is up count at once); a frame
    of any other channel goes to ``unrouted``. ``audit``: the public sequence audit run on every data frame before
    it is routed (SEQ_ALL on a public connection), or None; ``stamp``: called with each routed frame before its
    route (TIMESTAMP), or None."""

    routes: dict[Any, Callable[[list[Any]], None]]
    audit: Optional[PublicSequence]
    stamp: Optional[Callable[[list[Any]], None]]
    unrouted: Callable[[list[Any]], None]


class Connection:
    """One supervised WebSocket connection; subclasses route frames and restore their state."""

    def __init__(self, host: str, context: ConnectionContext, name: str, governor: ConnectionRateGovernor) -> None:
        self.host = host
        self.name = name
        self._context = context
        self._governor = governor
        self._logger = context.logger
        self._emitter = context.emitter
        self._flags = context.options.flags
        self._ws: Optional[Transport] = None
        self._task: Optional["asyncio.Task[None]"] = None
        self._ready = asyncio.Event()
        self._closing = False
        self._restart: Optional[str] = None
        self._connected_once = False
        #: time.monotonic() of the last frame received (the outage of a dead link starts there)
        self._last_frame = time.monotonic()
        #: repeated identical bad frames are logged once per interval
        self._throttle = LogThrottle(context.options.repeat_log_interval)
        self._ping_ids = itertools.count(1)
        #: whether the server announced maintenance (info 20060, or platform status 0 on connect)
        self.maintenance = False
        # What stats() reports: two plain int attributes that the receive loop adds to per frame (nothing else is
        # done per frame: stats() derives the rest when asked), and the counters of rare events in one object.
        self.frames_received = 0
        self.bytes_received = 0
        self.tallies = Tallies()

    # -- public surface ----------------------------------------------------------------------------

    @property
    def open(self) -> bool:
        """Whether the socket is up and its state restored."""
        return self._ready.is_set()

    @property
    def closed(self) -> bool:
        return self._closing

    @property
    def flags(self) -> int:
        return self._flags

    @property
    def state(self) -> ConnectionState:
        if self._closing:
            return "closed"
        if self._ready.is_set():
            return "open"
        return "reconnecting" if self._connected_once else "connecting"

    def stats(self) -> ConnectionStats:
        """A snapshot of the connection's counters (see :class:`~bfxapi.websocket.stats.ConnectionStats`)."""
        return ConnectionStats(
            name=self.name,
            state=self.state,
            subscriptions=self._stats_subscriptions(),
            since_last_frame=max(0.0, time.monotonic() - self._last_frame) if self.frames_received else None,
            ping_rtt=self.tallies.ping_rtt,
            frames_received=self.frames_received,
            bytes_received=self.bytes_received,
            reconnections=self.tallies.reconnections,
            sequence_gaps=self.tallies.sequence_gaps,
            checksum_mismatches=self.tallies.checksum_mismatches,
            book_resyncs=self.tallies.book_resyncs,
        )

    def start(self) -> None:
        """Start supervising the connection in a task of the running loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._supervise(), name=f"bfxapi:{self.name}")
            self._task.add_done_callback(self._supervisor_done)

    async def wait_open(self) -> None:
        """Wait until the connection is open (raises if it stops for good first)."""
        if self._task is None:
            raise ConnectionNotOpen(f"{self.name} was not started")
        ready = asyncio.ensure_future(self._ready.wait())
        try:
            await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        # Open at some point is open: the server may already have dropped it again (info 20051 right after the
        # greeting), and then the supervisor is reconnecting, which is not a reason to fail.
        if not (ready.done() and not ready.cancelled()):
            if self._task.done() and not self._task.cancelled() and self._task.exception() is not None:
                raise self._task.exception()  # type: ignore[misc]
            raise ConnectionNotOpen(f"{self.name} stopped before it was open")

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the socket for good and stop supervising it."""
        self._closing = True
        ws = self._ws
        if ws is not None and not ws.closed:
            try:
                await ws.close(code=code, message=reason.encode())
            except Exception:  # pylint: disable=broad-exception-caught
                self._logger.debug("%s: error while closing", self.name, exc_info=True)
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def send(self, message: Any) -> None:
        """Send one JSON message (the caller checked that the connection is open)."""
        ws = self._ws
        if ws is None or ws.closed:
            raise ConnectionNotOpen(f"{self.name} is not open")
        await ws.send_str(dumps(message))

    def request_restart(self, reason: str) -> None:
        """Drop the socket and reconnect (used when the stream can no longer be trusted)."""
        ws = self._ws
        if ws is not None and not ws.closed and self._restart is None:
            self._restart = reason
            asyncio.get_running_loop().create_task(ws.close(code=4000, message=reason[:100].encode()))

    # -- hooks for subclasses --------------------------------------------------------------------

    def _on_new_socket(self) -> None:
        """A socket is up: state that lives as long as one socket (sequence counters) starts again."""

    async def _on_open(self) -> None:
        """The socket is up and ``conf`` was sent: send what restores the connection's state."""

    def _routing(self) -> "Routing":
        """Where the data frames of a new socket go (read once per socket). By default, every one to
        :meth:`_on_list`."""
        return Routing({}, None, None, self._on_list)

    def _on_list(self, data: list[Any]) -> None:
        """A data frame that no route took."""

    def _on_event(self, event: dict[str, Any]) -> None:
        """A control event that the base class did not consume."""

    def _on_lost(self) -> None:
        """The socket is gone (it will be reopened unless the connection is closing)."""

    def _on_maintenance_end(self) -> None:
        """Info 20061: the server resumed after maintenance."""

    def _stats_subscriptions(self) -> tuple[str, ...]:
        """The ``sub_id`` of every subscription the connection owns."""
        return ()

    # -- supervision -------------------------------------------------------------------------------

    def _supervisor_done(self, task: "asyncio.Task[None]") -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None and not self._closing:
            self._context.on_fatal(error)

    async def _supervise(self) -> None:
        loop = asyncio.get_running_loop()
        attempts = 0  # failed attempts in the current outage
        waits = 0  # backoff waits in the current outage: the first one is the shortest
        down_since: Optional[float] = None
        down_wall = datetime.datetime.now(datetime.timezone.utc)
        last_failure = ""
        while not self._closing:
            if down_since is not None:
                delay = self._next_delay(waits, attempts, loop.time() - down_since, last_failure)
                waits += 1
                self._logger.info("%s: reconnection attempt %d in %.2f s", self.name, attempts + 1, delay)
                await asyncio.sleep(delay)
            started = loop.time()
            attempt = await self._governor.acquire()
            try:
                ws = await self._connect()
            except _RETRYABLE as error:
                attempts += 1
                if down_since is None:
                    down_since, down_wall = started, datetime.datetime.now(datetime.timezone.utc)
                last_failure = _describe(error)
                self._logger.warning("%s: connection attempt %d failed: %s", self.name, attempts, last_failure)
                continue
            finally:
                self._governor.settle(attempt)
            if self._stopping():
                # close() ran during the handshake. Cancellation alone cannot be trusted to stop us here:
                # on Python 3.10/3.11, wait_for() loses a cancellation that lands as the handshake completes.
                await ws.close()
                break
            if self._connected_once and down_since is not None:
                downtime = datetime.datetime.now(datetime.timezone.utc) - down_wall
                self._logger.warning(
                    "%s: reconnected after %d attempt(s), down for %.1f s",
                    self.name,
                    attempts + 1,
                    downtime.total_seconds(),
                )
                self.tallies.reconnections += 1
                self._emitter.emit("reconnection", attempts + 1, downtime)
            else:
                self._logger.info("%s: connected to %s", self.name, self.host)
            self._connected_once = True
            attempts, waits, down_since = 0, 0, None
            code, reason = await self._session(ws)
            if self._stopping():
                break
            # The outage began with the last frame the connection delivered, not when it was noticed (a silent
            # link is only noticed after silence_limit).
            silent_for = max(0.0, time.monotonic() - self._last_frame)
            down_since = loop.time() - silent_for
            down_wall = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=silent_for)
            last_failure = f"connection lost (code {code}{f', {reason}' if reason else ''})"
            self._logger.warning("%s: %s; reconnecting", self.name, last_failure)

    def _next_delay(self, waits: int, attempts: int, outage: float, last_failure: str) -> float:
        """The backoff before the next attempt, never past the client's ``timeout``; once the outage has
        reached it, give up with :class:`ReconnectionTimeoutError` stating the outage that really elapsed."""
        delay = self._context.options.backoff.delay(waits)
        timeout = self._context.timeout
        if timeout is None:
            return delay
        if outage >= timeout:
            raise ReconnectionTimeoutError(
                f"{self.name} has been offline for {outage:.1f} s and could not reconnect within the client's "
                f"timeout of {timeout:g} s ({attempts} attempt(s); last: {last_failure}). "
                f"Client(timeout=None) keeps trying forever."
            )
        return min(delay, timeout - outage)

    def _stopping(self) -> bool:
        # A method, not the property: type checkers must not assume it unchanged across awaits.
        return self._closing

    async def _connect(self) -> Transport:
        options = self._context.options
        route = self._context.route or Route(self.host, None, True)
        ws: Transport
        if self._context.transport == "picows":
            from ._transport_picows import open_picows  # pylint: disable=import-outside-toplevel  # an extra

            ws = await asyncio.wait_for(
                open_picows(route, max_message_size=options.max_message_size, close_timeout=options.close_timeout,
                            open_timeout=options.open_timeout),
                options.open_timeout,
            )
        else:
            ws = await asyncio.wait_for(
                open_aiohttp(self._context.session(), route, max_message_size=options.max_message_size,
                             close_timeout=options.close_timeout),
                options.open_timeout,
            )
        try:
            await self._expect_info(ws, options.open_timeout)
        except BaseException:
            await ws.close()
            raise
        return ws

    async def _expect_info(self, ws: Transport, timeout: float) -> None:
        """Check the first frame: Bitfinex's ``info`` with version 2. Anything else makes the connection
        unusable, and a new one may be fine (retried with backoff); only another protocol version is fatal."""
        text, kind = await ws.receive_first(timeout)
        if text is None:
            raise UnusableConnectionError(f"the server closed the connection before its info frame ({kind})")
        self._last_frame = time.monotonic()
        self.frames_received += 1
        self.bytes_received += len(text)
        try:
            info = self._context.loads(text)
        except Exception as error:  # pylint: disable=broad-exception-caught
            raise UnusableConnectionError(
                f"the first frame is not JSON ({type(error).__name__}): {text[:120]!r}"
            ) from None
        maintenance = check_greeting(info, text)
        if maintenance != self.maintenance:
            self._set_maintenance(maintenance)

    async def _session(self, ws: Transport) -> tuple[Optional[int], str]:
        self._ws = ws
        self._restart = None
        self._on_new_socket()
        keeper: Optional["asyncio.Task[None]"] = None
        try:
            if self._flags:
                await ws.send_str(dumps({"event": "conf", "flags": self._flags}))
            keeper = asyncio.get_running_loop().create_task(self._keep_alive(ws), name=f"bfxapi:{self.name}:keeper")
            await self._on_open()
            self._ready.set()
            await self._receive(ws)
        except _RETRYABLE as error:
            self._logger.warning("%s: %s", self.name, _describe(error))
        except _FATAL:
            raise
        except Exception as error:  # pylint: disable=broad-exception-caught
            # A fault of ours or of the server that no frame handler caught: the connection can no longer be
            # trusted, but only the caller stops the client. Rebuild it (with backoff) and say why.
            self._logger.error("%s: unexpected %s; reconnecting", self.name, type(error).__name__, exc_info=error)
            self._restart = f"unexpected {type(error).__name__}"
        finally:
            self._ready.clear()
            if keeper is not None:
                keeper.cancel()
                await asyncio.gather(keeper, return_exceptions=True)
            if not ws.closed:
                await ws.close()
            self._ws = None
            self._on_lost()
        reason = self._restart or ""
        failure = ws.exception()
        if failure is not None:
            reason = reason or _describe(failure)
        return ws.close_code, reason

    async def _receive(self, ws: Transport) -> None:
        """Deliver the socket's frames until it ends or the connection is to be rebuilt."""
        await ws.pump(self._frame_handler(), self._invalid)

    def _frame_handler(self) -> Callable[[str], bool]:  # pylint: disable=too-many-statements  # inlined on purpose
        """The function every text frame of one socket goes through, in order: the accounting behind ``stats()``,
        one JSON decode, then dicts to the event handler and lists to their channel's route (the subclass's
        :meth:`_routing`), after the public sequence audit. It returns True when the socket is to be dropped (the
        frames after it are not read). A closure, built once per socket: what it uses is bound once, and it is
        called directly by the transport, from picows' frame callback or aiohttp's loop. Everything a data frame
        goes through before its channel's handler is in this one function: each call saved is a few percent of a
        frame's cost."""
        loads = self._context.loads
        short_loads, short_below = short_text_decoder(loads)
        routing = self._routing()
        routes = routing.routes
        audit = routing.audit
        stamp = routing.stamp
        unrouted = routing.unrouted
        check_sequence = self._check_sequence
        handle_event = self._handle_event
        invalid = self._invalid
        clock = time.monotonic
        call_soon = asyncio.get_running_loop().call_soon
        # The time of the last frame is read at the first frame of each turn of the event loop that has frames, and
        # again when that turn has ended, not once per frame: the frames of one turn were read from the socket
        # together, and a flood brings hundreds per turn. (Read again at the end: a turn that a slow callback made
        # long has still received its last frame then, and no silence may be counted from its start.)
        stamped = False

        def unstamp() -> None:
            nonlocal stamped
            stamped = False
            self._last_frame = clock()

        def on_text(raw: str) -> bool:
            nonlocal stamped
            if not stamped:
                stamped = True
                self._last_frame = clock()
                call_soon(unstamp)
            size = len(raw)
            self.frames_received += 1
            self.bytes_received += size
            try:
                data = short_loads(raw) if size < short_below else loads(raw)
            except Exception:  # pylint: disable=broad-exception-caught
                # ValueError for bad JSON; RecursionError or MemoryError for a hostile one: none stops the loop.
                invalid(raw, "not valid JSON")
                return False
            try:
                if data.__class__ is list:
                    if audit is not None:
                        # PublicSequence.check's common case inlined (sequence_index too); any other frame goes
                        # through check itself
                        try:
                            second = data[1]
                            received = data[3 if second.__class__ is str and second != "hb" else 2]
                        except IndexError:
                            received = None
                        if received == audit.expected and received.__class__ is int:
                            audit.expected = received + 1
                        else:
                            check_sequence(audit, data)
                    try:
                        route = routes[data[0]]  # (a subscript is cheaper than a call of get)
                    except KeyError:
                        unrouted(data)
                    else:
                        if stamp is not None:
                            stamp(data)
                        route(data)
                elif data.__class__ is dict:
                    handle_event(data)
                    return self._restart is not None
                else:
                    invalid(data, "neither an array nor an object")
            except InvalidMessageError as error:
                self._report(error)
            except _FATAL:
                raise
            except Exception as error:  # pylint: disable=broad-exception-caught
                invalid(data, f"{type(error).__name__}: {error}")
            return False

        return on_text

    def _handle_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "info":
            self._handle_info(event)
        elif kind == "pong":
            tallies = self.tallies
            if event.get("cid") == tallies.ping_cid:
                tallies.ping_rtt = time.monotonic() - tallies.ping_sent
            self._logger.debug("%s: pong %s", self.name, event.get("cid"))
        elif kind == "conf":
            if event.get("status") != "OK":
                self._logger.error("%s: the server refused the flags %s: %s", self.name, self._flags, event)
                self._emitter.emit("wss-error", event.get("code", 10050), event.get("msg", "conf failed"))
        else:
            self._on_event(event)

    def _handle_info(self, event: dict[str, Any]) -> None:
        action = info_action(event)
        if action is InfoAction.RESTART:
            self._logger.warning("%s: the server is restarting (info 20051): reconnecting", self.name)
            self._restart = "server restart (info 20051)"
        elif action is InfoAction.MAINTENANCE_START:
            self._logger.warning("%s: maintenance started (info 20060)", self.name)
            self._set_maintenance(True)
        elif action is InfoAction.MAINTENANCE_END:
            self._logger.info("%s: maintenance ended (info 20061): resubscribing", self.name)
            self._set_maintenance(False)
            self._on_maintenance_end()
        elif action is InfoAction.VERSION_CHANGED:
            raise VersionMismatchError(f"The server now speaks version {event.get('version')!r} of the API.")
        else:
            self._logger.info("%s: info from the server: %s", self.name, event)

    def _set_maintenance(self, active: bool) -> None:
        self.maintenance = active
        self._context.on_maintenance(self, active)

    async def _keep_alive(self, ws: Transport) -> None:
        options = self._context.options
        loop = asyncio.get_running_loop()
        step = min(options.ping_interval, options.silence_limit / 4)
        next_ping = loop.time() + options.ping_interval
        while not ws.closed:
            await asyncio.sleep(step)
            now = loop.time()
            silent = time.monotonic() - self._last_frame
            if silent >= options.silence_limit:
                self._logger.warning(
                    "%s: no frame for %.1f s (not even a heartbeat): the link is dead, reconnecting", self.name, silent
                )
                self._restart = f"silent for {silent:.1f} s"
                await ws.close(code=4000, message=b"silent connection")
                return
            if now >= next_ping:
                next_ping = now + options.ping_interval
                cid = next(self._ping_ids)
                self.tallies.ping_cid, self.tallies.ping_sent = cid, time.monotonic()
                try:
                    await ws.send_str(dumps({"event": "ping", "cid": cid}))
                except _RETRYABLE:
                    return

    # -- sequence numbers ----------------------------------------------------------------------------

    def _check_sequence(self, audit: Union[PublicSequence, AccountSequence], data: list[Any]) -> None:
        """Audit a data frame's sequence numbers: a frame without them is an invalid frame; a gap means frames
        were lost, so the connection is rebuilt (and everything it carries restored)."""
        try:
            gap = audit.check(data)
        except ValueError as error:
            raise InvalidMessageError(f"frame on {self.name}", data, str(error)) from None
        if gap is not None:
            self._sequence_gap(gap)

    def _sequence_gap(self, gap: Gap) -> None:
        """Frames were lost: told, logged, and the connection rebuilt (everything it carries restored)."""
        self.tallies.sequence_gaps += 1
        self._emitter.emit("sequence_gap", self.name, gap.expected, gap.received)
        self._logger.warning(
            "%s: %s sequence gap (expected %d, got %d): frames were lost; reconnecting",
            self.name,
            gap.counter,
            gap.expected,
            gap.received,
        )
        self.request_restart(f"{gap.counter} sequence gap: expected {gap.expected}, got {gap.received}")

    # -- bad input ---------------------------------------------------------------------------------

    def _invalid(self, payload: Any, reason: str) -> None:
        self._report(InvalidMessageError(f"frame on {self.name}", payload, reason))

    def _report(self, error: InvalidMessageError) -> None:
        skipped = self._throttle.allow(error.reason)
        if skipped is not None:
            repeats = f" (and {skipped} more like it since it was last shown)" if skipped else ""
            self._logger.warning("%s: ignored a frame: %s%s", self.name, error, repeats)
        self._emitter.emit("invalid_message", error)


def _describe(error: BaseException) -> str:
    described = _describe_aiohttp(error)
    if described is not None:
        return described
    if isinstance(error, HandshakeRefusedError):
        return str(error)
    if isinstance(error, asyncio.TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
