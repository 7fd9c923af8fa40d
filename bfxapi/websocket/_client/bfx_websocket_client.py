"""``BfxWebSocketClient``: a pool of public connections (and, with credentials, an authenticated one)
feeding one event emitter."""

import asyncio
import dataclasses
import itertools
import logging
import signal
import uuid
from decimal import Decimal
from types import MappingProxyType
from typing import (
    TYPE_CHECKING, Any, Callable, Coroutine, Literal, Mapping, Optional, TypeVar, Union, overload,
)

import aiohttp

from ..._utils.log_throttle import LogThrottle
from ..._utils.logging import get_logger, use_default_logging
from ..._utils.network import Network
from ..._utils.nonce import NonceGenerator
from .._connection import Connection, ConnectionContext, WebSocketOptions
from .._transport import select_transport
from .._event_emitter import ALL_EVENTS, BfxEventEmitter
from .._pacing import ConnectionRateGovernor, InputPacer
from .._stream import BookItem, CandlesItem, Overflow, StatusItem, Stream, TickerItem, TradesItem
from .._trades_recovery import RecoveryContext, TradesRecovery
from ..._utils.values import integer
from ...exceptions import InvalidInputError, InvalidInputTypeError
from ...types.codec import Codec
from ...types.dataclasses import (
    Candle, FundingCurrencyBook, FundingCurrencyRawBook, TradingPairBook, TradingPairRawBook,
)
from ...types.number import N
from ..exceptions import (
    ActionRequiresAuthentication,
    BfxWebSocketException,
    ConnectionNotOpen,
    EventLoopRunningError,
    SubIdError,
    TooManySubscriptionsError,
    UnknownChannelError,
    UnknownSubscriptionError,
)
from ..account import Account
from .._lifecycle import ClientState, transition
from .._history import History
from ..candles import ManagedCandles
from ..order_book import AggregatedPrecision, BookKind, OrderBook, RawPrecision
from ..stats import WebSocketStats
from ..subscriptions import CHANNELS, Subscription
from .bfx_websocket_auth_connection import BfxWebSocketAuthConnection
from .bfx_websocket_bucket import MAX_SUBSCRIPTIONS, BfxWebSocketBucket, SubscriptionRecord
from .bfx_websocket_inputs import BfxWebSocketInputs
from ._typed_events import TypedEvents

if TYPE_CHECKING:
    from ..._utils.credentials import Credentials

__all__ = ["BfxWebSocketClient"]

F = TypeVar("F", bound=Callable[..., Any])

#: checksum mismatches in a row after which a book is reported as impossible to keep in sync
BOOK_RESYNC_REPORT = 5

# Parameters Bitfinex fills in when they are left out; sent explicitly so the subscription dict is complete.
#: why a token client's WebSocket cannot authenticate (Bitfinex documents the WebSocket ``auth`` event with a key
#: and an HMAC signature only; the token authenticates REST requests)
_TOKEN_NOTE = (
    " (this client has a token: Bitfinex documents WebSocket authentication with api_key and api_secret only, "
    "so a token authenticates REST requests, not the WebSocket)"
)
_BOOK_DEFAULTS = {"prec": "P0", "freq": "F0", "len": "25"}
_REQUIRED = {"ticker": "symbol", "trades": "symbol", "book": "symbol", "candles": "key", "status": "key"}


class BfxWebSocketClient(TypedEvents[N]):
    """The WebSocket client (``Client.wss``), generic in its number type (``float``; ``Decimal`` with
    ``decimal=True``: every price, amount, rate, balance and fee of every event is a ``Decimal`` equal to the
    server's text).

    Public channels are spread over a pool of connections opened as subscriptions need them, at most
    ``connections`` of them with 25 subscriptions each. Every connection is supervised on its own: a
    failure of one never disturbs the others, and whatever it carried is restored after it reconnects.
    """

    # The number mode picks the type (README, "Numbers"): BfxWebSocketClient[float] by default,
    # BfxWebSocketClient[Decimal] with decimal=True.
    @overload
    def __init__(
        self: "BfxWebSocketClient[float]",
        host: str,
        *,
        credentials: Optional["Credentials"] = None,
        timeout: Optional[float] = 60 * 15,
        nonce: Optional[NonceGenerator] = None,
        options: Optional[WebSocketOptions] = None,
        logger: Optional[logging.Logger] = None,
        loads: Optional[Callable[[str], Any]] = None,
        history: Optional[History] = None,
        network: Optional[Network] = None,
        token_auth: bool = False,
        decimal: Literal[False] = False,
    ) -> None: ...

    @overload
    def __init__(
        self: "BfxWebSocketClient[Decimal]",
        host: str,
        *,
        credentials: Optional["Credentials"] = None,
        timeout: Optional[float] = 60 * 15,
        nonce: Optional[NonceGenerator] = None,
        options: Optional[WebSocketOptions] = None,
        logger: Optional[logging.Logger] = None,
        loads: Optional[Callable[[str], Any]] = None,
        history: Optional[History] = None,
        network: Optional[Network] = None,
        token_auth: bool = False,
        decimal: Literal[True],
    ) -> None: ...

    def __init__(
        self,
        host: str,
        *,
        credentials: Optional["Credentials"] = None,
        timeout: Optional[float] = 60 * 15,
        nonce: Optional[NonceGenerator] = None,
        options: Optional[WebSocketOptions] = None,
        logger: Optional[logging.Logger] = None,
        loads: Optional[Callable[[str], Any]] = None,
        history: Optional[History] = None,
        network: Optional[Network] = None,
        token_auth: bool = False,
        decimal: bool = False,
    ) -> None:
        use_default_logging()
        self._host = host
        self._credentials = credentials
        # A client authenticated by a REST token (Client(token=...)): its WebSocket is public, and says why.
        self._token_auth = token_auth
        self._timeout = timeout
        self._nonce = nonce or NonceGenerator()
        self._options = options or WebSocketOptions()
        self._logger = logger or get_logger("websocket")
        # The number mode: the decoder (unless one is given: it must then decode in that mode) and the serializers.
        self._codec: Codec[N] = Codec(decimal)
        self._loads = loads or self._codec.loads
        self._emitter = BfxEventEmitter(
            ALL_EVENTS, logger=self._logger, throttle=LogThrottle(self._options.repeat_log_interval)
        )
        self._buckets: list[BfxWebSocketBucket] = []
        self._records: dict[str, tuple[SubscriptionRecord, BfxWebSocketBucket]] = {}
        self._infos: dict[str, Subscription] = {}
        self._streams: set[Stream[Any]] = set()
        self._max_connections = 0
        self._bucket_numbers = itertools.count(1)
        self._session: Optional[aiohttp.ClientSession] = None  # the client's own (never the application's)
        #: proxy, TLS trust and the application's session, if any (see bfxapi._utils.network)
        self._network = network if network is not None else Network()
        self._route = self._network.route(host)
        self._transport = select_transport(self._options.transport, self._route, self._network.session is not None)
        self._public_governor: Optional[ConnectionRateGovernor] = None
        self._state = ClientState.IDLE  # the lifecycle (bfxapi.websocket._lifecycle): moves in _move only
        self._closed: Optional["asyncio.Future[None]"] = None
        self._fatal: Optional[BaseException] = None
        self._fail_task: Optional["asyncio.Task[None]"] = None
        self._maintenance: set[Connection] = set()
        self._auth: Optional[BfxWebSocketAuthConnection] = None
        self._history = history
        self._calc_pacer = InputPacer(*self._options.calc_rate_limit)
        self._inputs: BfxWebSocketInputs[N] = BfxWebSocketInputs(self._auth_connection, self._calc_pacer)
        self._account: Optional[Account[N]] = (
            Account(
                credentials.auth_filters,
                emit=self._emitter.emit,
                spawn=self._spawn,
                history=history,
                poll_interval=self._options.poll_account_interval,
                logger=self._logger,
            )
            if credentials is not None
            else None
        )
        self._books: dict[str, OrderBook[Any]] = {}
        self._candle_listeners: dict[int, Callable[..., object]] = {}  # on_close of managed candles, by id()
        self._tasks: set["asyncio.Task[None]"] = set()
        public_trades = history.public_trades if history is not None else None
        self._recovery = RecoveryContext(public_trades, self._spawn, self._emitter.emit, self._logger)

    # -- state -----------------------------------------------------------------------------------

    def _move(self, target: ClientState) -> None:
        """The one place the lifecycle state changes (the allowed moves: ``_lifecycle.TRANSITIONS``)."""
        self._state = transition(self._state, target)

    @property
    def _running(self) -> bool:
        return self._state.running

    @property
    def _closing(self) -> bool:
        return self._state.closing

    @property
    def open(self) -> bool:
        """Whether the client runs and at least one connection is up."""
        return self._running and any(bucket.open for bucket in self._buckets)

    @property
    def subscriptions(self) -> Mapping[str, Subscription]:
        """Read-only live view of the current subscriptions, by ``sub_id``."""
        return MappingProxyType(self._infos)

    @property
    def connections(self) -> int:
        """How many public connections are open or being (re)opened."""
        return len(self._buckets)

    @property
    def maintenance(self) -> bool:
        """Whether Bitfinex announced maintenance (info 20060) and has not ended it yet (20061)."""
        return bool(self._maintenance)

    @property
    def options(self) -> WebSocketOptions:
        return self._options

    @property
    def authentication(self) -> bool:
        """Whether the authenticated connection is up and authenticated."""
        return self._auth is not None and self._auth.authenticated

    @property
    def decimal(self) -> bool:
        """Whether prices, amounts, rates, balances and fees are ``Decimal`` (decimal mode) or ``float``."""
        return self._codec.decimal

    @property
    def inputs(self) -> BfxWebSocketInputs[N]:
        """Order and funding inputs (they need credentials and an authenticated connection)."""
        return self._inputs

    def stats(self) -> WebSocketStats:
        """A snapshot of every connection's health and counters (see :mod:`bfxapi.websocket.stats`); cheap
        enough to call every second. Empty before ``connect()`` and after ``close()``."""
        connections = [bucket.stats() for bucket in self._buckets]
        if self._auth is not None:
            auth = self._auth.stats()
            if auth.state == "open" and not self._auth.authenticated:
                auth = dataclasses.replace(auth, state="authenticating")
            connections.append(auth)
        return WebSocketStats(tuple(connections), self._calc_pacer.inputs, self._calc_pacer.waited)

    @property
    def account(self) -> Account[N]:
        """The managed account (orders, positions, wallets, funding), kept from ``connect()`` on; see
        :class:`~bfxapi.websocket.account.Account`. Needs credentials."""
        if self._account is None:
            raise ActionRequiresAuthentication(
                "the account needs an authenticated connection: create the Client with api_key and api_secret"
                + _TOKEN_NOTE * self._token_auth
            )
        return self._account

    async def notify(self, info: Any, message_id: Optional[int] = None, **kwargs: Any) -> None:
        """Send a custom notification (``ucm-test``); Bitfinex echoes it back as a ``notification`` event."""
        integer(message_id, "message_id")
        connection = self._auth_connection()
        if not connection.authenticated:
            raise ActionRequiresAuthentication("notify needs an authenticated connection")
        await connection.send([0, "n", message_id, {"type": "ucm-test", "info": info, **kwargs}])

    # -- lifecycle ---------------------------------------------------------------------------------

    def run(self, connections: int = 5) -> None:
        """Run the client until it is closed: for scripts, as it owns the event loop (inside asyncio code,
        ``await start()``).

        SIGINT (Ctrl-C) and SIGTERM close the client gracefully (every connection with the normal close code,
        ``disconnected`` emitted, callbacks given a second) and ``run()`` then returns, so that code after it
        runs; a second Ctrl-C while closing interrupts at once. Raises the error that stopped the client, if
        one did.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise EventLoopRunningError(
                "run() starts an event loop of its own, but one is already running here: "
                "inside asyncio code, use `await bfx.wss.start()` instead"
            )
        try:
            asyncio.run(self._run(connections))
        except KeyboardInterrupt:
            # Only where the loop cannot handle signals itself (Windows): the client was closed on the way out.
            self._logger.info("interrupted")

    async def _run(self, connections: int) -> None:
        loop = asyncio.get_running_loop()
        stopped: list["asyncio.Task[None]"] = []  # the closing task, kept referenced until it is done

        def stop(name: str) -> None:
            if stopped:
                raise KeyboardInterrupt
            self._logger.info("%s received: closing the client (again to interrupt at once)", name)
            stopped.append(loop.create_task(self.close(), name="bfxapi:close-on-signal"))

        installed = _install_signal_handlers(loop, stop)
        try:
            await self.start(connections)
        except (ConnectionNotOpen, ConnectionError):
            if not stopped:
                raise
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
            if stopped:
                await stopped[0]

    async def start(self, connections: int = 5) -> None:
        """Connect, then run until the client is closed; raises the error that stopped it, if any. When the
        task running it is cancelled, the client is closed first."""
        try:
            await self.connect(connections)
            await self.wait_closed()
        except asyncio.CancelledError:
            await self.close()
            raise

    async def connect(self, connections: int = 5) -> None:
        """Open the first connection and return once the client is ready for subscriptions (``open``
        has been emitted). The client keeps running in background tasks until :meth:`close`."""
        if self._running:
            raise BfxWebSocketException("the client is already running")
        integer(connections, "connections (each carries up to 25 subscriptions)", 1)
        if connections > 20:
            self._logger.warning(
                "%d connections: Bitfinex allows 20 new connections per minute, reconnections may be slow", connections
            )
        self._max_connections = connections
        self._move(ClientState.RUNNING)
        self._fatal, self._fail_task = None, None
        self._closed = asyncio.get_running_loop().create_future()
        limit, window = self._options.public_connection_limit
        self._public_governor = ConnectionRateGovernor(limit, window)
        bucket = self._new_bucket()
        if self._credentials is not None:
            limit, window = self._options.auth_connection_limit
            self._auth = BfxWebSocketAuthConnection(
                self._host,
                self._context(),
                # One host, one IP: Bitfinex counts the authenticated handshakes against the same allowance.
                ConnectionRateGovernor(limit, window, parent=self._public_governor),
                self._credentials,
                self._nonce,
                self._account,
                self._history,
            )
            self._auth.start()
        try:
            await bucket.wait_open()
            if self._auth is not None:
                await self._auth.wait_authenticated()
        except BaseException as error:
            await self.close()
            raise self._fatal or error from None
        self._emitter.emit("open")

    async def wait_closed(self) -> None:
        """Wait until the client is closed; raise the error that stopped it, if one did."""
        if self._closed is None:
            raise ConnectionNotOpen("the client was never started")
        await asyncio.shield(self._closed)
        if self._fatal is not None:
            raise self._fatal

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close every connection, end every stream, and wait for running callbacks (1 s at most)."""
        if not self._running or self._closing:
            if self._closed is not None and not self._closed.done() and self._closing:
                await asyncio.shield(self._closed)
            return
        self._move(ClientState.CLOSING)
        error = ConnectionNotOpen("the client was closed")
        for stream in list(self._streams):
            stream.end()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for book in self._books.values():
            book.closed()
        self._books.clear()
        for listener in self._candle_listeners.values():
            self._emitter.remove_listener("candle_closed", listener)
        self._candle_listeners.clear()
        buckets: list[BfxWebSocketBucket] = self._buckets
        self._buckets = []
        for bucket in buckets:
            await bucket.abandon_all(error)
        connections: list[Connection] = [*buckets, *([self._auth] if self._auth is not None else [])]
        self._auth = None
        await asyncio.gather(*(connection.close(code, reason) for connection in connections), return_exceptions=True)
        if self._account is not None:
            self._account._closed()  # pylint: disable=protected-access
        self._records.clear()
        self._infos.clear()
        self._maintenance.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._move(ClientState.CLOSED)
        self._emitter.emit("disconnected", code, reason)
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)
        await self._emitter.finish_pending(grace=1.0)

    # -- subscriptions -------------------------------------------------------------------------------

    async def subscribe(self, channel: str, sub_id: Optional[str] = None, **params: Any) -> str:
        """Subscribe to a public channel and return its ``sub_id`` once the server confirmed it.

        ``channel`` is ``ticker``, ``trades``, ``book``, ``candles`` or ``status``; ``params`` are the
        Bitfinex ones (``symbol``; for books ``prec``, ``freq``, ``len``; ``key`` for candles and status).
        Raises :class:`SubscriptionError` (with the Bitfinex code) when the server refuses.
        """
        return await self._subscribe(channel, sub_id, params)

    async def unsubscribe(self, sub_id: str) -> None:
        """Unsubscribe and wait until the server confirmed it."""
        record, bucket = self._lookup(sub_id)
        await bucket.unsubscribe(record)
        if bucket.is_empty and len(self._buckets) > 1 and bucket in self._buckets:
            # Free the connection (they are rate-limited), but always keep one open.
            self._buckets.remove(bucket)
            await bucket.close(1000, "no subscriptions left")

    async def resubscribe(self, sub_id: str) -> None:
        """Unsubscribe and subscribe again with the same ``sub_id``; the server sends a fresh snapshot."""
        record, bucket = self._lookup(sub_id)
        await bucket.resubscribe(record)

    # The channel picks the item type (README, "Async iterators"): a union of (Literal[event], payload) tuples.
    @overload
    def stream(
        self, channel: Literal["ticker"], *, sub_id: Optional[str] = None, maxsize: int = 10_000,
        overflow: Overflow = "error", **params: Any,
    ) -> Stream[TickerItem[N]]: ...

    @overload
    def stream(
        self, channel: Literal["trades"], *, sub_id: Optional[str] = None, maxsize: int = 10_000,
        overflow: Overflow = "error", **params: Any,
    ) -> Stream[TradesItem[N]]: ...

    @overload
    def stream(
        self, channel: Literal["book"], *, sub_id: Optional[str] = None, maxsize: int = 10_000,
        overflow: Overflow = "error", **params: Any,
    ) -> Stream[BookItem[N]]: ...

    @overload
    def stream(
        self, channel: Literal["candles"], *, sub_id: Optional[str] = None, maxsize: int = 10_000,
        overflow: Overflow = "error", **params: Any,
    ) -> Stream[CandlesItem[N]]: ...

    @overload
    def stream(
        self, channel: Literal["status"], *, sub_id: Optional[str] = None, maxsize: int = 10_000,
        overflow: Overflow = "error", **params: Any,
    ) -> Stream[StatusItem[N]]: ...

    @overload
    def stream(
        self, channel: str, *, sub_id: Optional[str] = None, maxsize: int = 10_000,
        overflow: Overflow = "error", **params: Any,
    ) -> Stream[tuple[str, Any]]: ...

    def stream(
        self,
        channel: str,
        *,
        sub_id: Optional[str] = None,
        maxsize: int = 10_000,
        overflow: Overflow = "error",
        **params: Any,
    ) -> Stream[Any]:
        """A subscription consumed as an async iterator (see :class:`~bfxapi.websocket.Stream`), its items typed by
        the channel (``stream("ticker", ...)`` is a ``Stream[TickerItem[N]]``)."""
        return Stream(
            self._open_stream, self._close_stream, channel, params, sub_id=sub_id, maxsize=maxsize, overflow=overflow
        )

    async def _open_stream(
        self, stream: Stream[Any], channel: str, sub_id: Optional[str], params: dict[str, Any]
    ) -> str:
        self._streams.add(stream)
        try:
            return await self._subscribe(channel, sub_id, params, lambda record: record.sinks.append(stream.push))
        except BaseException:
            self._streams.discard(stream)
            raise

    async def _close_stream(self, stream: Stream[Any], sub_id: str) -> None:
        self._streams.discard(stream)
        if sub_id in self._records and not self._closing:
            await self.unsubscribe(sub_id)

    # kind= and prec pick the entry type (README, "Order books"): trading/funding, raw ("R0") or aggregated.
    @overload
    async def order_book(
        self, symbol: str, *, kind: Literal["trading"], prec: RawPrecision, freq: str = "F0",
        len: Union[int, str] = 25, sub_id: Optional[str] = None,
    ) -> OrderBook[TradingPairRawBook[N]]: ...

    @overload
    async def order_book(
        self, symbol: str, *, kind: Literal["trading"], prec: AggregatedPrecision = "P0", freq: str = "F0",
        len: Union[int, str] = 25, sub_id: Optional[str] = None,
    ) -> OrderBook[TradingPairBook[N]]: ...

    @overload
    async def order_book(
        self, symbol: str, *, kind: Literal["funding"], prec: RawPrecision, freq: str = "F0",
        len: Union[int, str] = 25, sub_id: Optional[str] = None,
    ) -> OrderBook[FundingCurrencyRawBook[N]]: ...

    @overload
    async def order_book(
        self, symbol: str, *, kind: Literal["funding"], prec: AggregatedPrecision = "P0", freq: str = "F0",
        len: Union[int, str] = 25, sub_id: Optional[str] = None,
    ) -> OrderBook[FundingCurrencyBook[N]]: ...

    @overload
    async def order_book(
        self, symbol: str, *, kind: None = None, prec: str = "P0", freq: str = "F0",
        len: Union[int, str] = 25, sub_id: Optional[str] = None,
    ) -> OrderBook[Any]: ...

    async def order_book(
        self,
        symbol: str,
        *,
        kind: Optional[BookKind] = None,
        prec: str = "P0",
        freq: str = "F0",
        len: Union[int, str] = 25,
        sub_id: Optional[str] = None,
    ) -> OrderBook[Any]:
        """Subscribe to a book and return a local copy kept in sync and verified by checksum, once its first
        snapshot is in (see :class:`~bfxapi.websocket.order_book.OrderBook`). ``kind`` (``"trading"`` or
        ``"funding"``, checked against the symbol's prefix) types the book for type checkers, with ``prec``."""
        if not isinstance(symbol, str) or not isinstance(prec, str) or not isinstance(freq, str):
            raise InvalidInputTypeError("symbol, prec and freq must be strings")
        if kind is not None and (kind, symbol[:1]) not in (("trading", "t"), ("funding", "f")):
            raise InvalidInputError(
                f'kind must be "trading" (for a t symbol) or "funding" (for an f symbol), not {kind!r} for {symbol!r}'
            )
        length = int(len) if isinstance(len, str) and len.isdigit() else len
        if length not in (1, 25, 100, 250) or isinstance(length, bool):
            raise InvalidInputError(f"len must be 1, 25, 100 or 250, not {len!r}")
        book: OrderBook[Any] = OrderBook(
            symbol, prec, int(length), self._emitter.emit, self._resync_book, self._logger, self._close_book
        )

        def attach(record: SubscriptionRecord) -> None:
            book.subscription = record.info
            record.sinks.append(book.feed)
            record.interrupt_hooks.append(book.interrupted)
            self._books[record.sub_id] = book

        params = {"symbol": symbol, "prec": prec, "freq": freq, "len": str(len)}
        sub_id = await self._subscribe("book", sub_id, params, attach)
        await book.wait_synced(self._options.subscribe_timeout)
        return book

    async def candles(
        self,
        key: str,
        *,
        on_close: Optional[Callable[[Candle[N]], object]] = None,
        sub_id: Optional[str] = None,
    ) -> ManagedCandles[N]:
        """Subscribe to the candles of ``key`` (``trade:1m:tBTCUSD``) and tell each candle once, when it has closed
        (the next one started): as ``candle_closed(subscription, candle)`` and to ``on_close(candle)`` (sync or
        async), also across reconnections, whose fresh snapshots repeat candles (see
        :class:`~bfxapi.websocket.candles.ManagedCandles`, which keeps the current candle)."""
        if not isinstance(key, str):
            raise InvalidInputTypeError(f"key must be a str such as 'trade:1m:tBTCUSD', not {type(key).__name__}")
        if on_close is not None and not callable(on_close):
            raise InvalidInputError(f"on_close must be callable, not {type(on_close).__name__}")
        candles: ManagedCandles[N] = ManagedCandles(key, self._emitter.emit, self._close_candles)
        listener: Optional[Callable[[dict[str, Any], Candle[N]], object]] = None
        if on_close is not None:
            callback = on_close

            # Through the emitter, so that on_close runs like any callback: inline or as a task, and its errors
            # are logged and told as callback_error without disturbing the subscription.
            def told(subscription: dict[str, Any], candle: Candle[N]) -> object:
                return callback(candle) if subscription is candles.subscription else None

            listener = told
            self._emitter.on("candle_closed", told)

        def attach(record: SubscriptionRecord) -> None:
            candles.subscription = record.info
            record.sinks.append(candles.feed)

        try:
            await self._subscribe("candles", sub_id, {"key": key}, attach)
        except BaseException:
            if listener is not None:
                self._emitter.remove_listener("candle_closed", listener)
            raise
        if listener is not None:
            self._candle_listeners[id(candles)] = listener
        return candles

    async def _close_candles(self, candles: "ManagedCandles[Any]") -> None:
        listener = self._candle_listeners.pop(id(candles), None)
        if listener is not None:
            self._emitter.remove_listener("candle_closed", listener)
        sub_id = candles.sub_id
        if sub_id is not None and sub_id in self._records and not self._closing:
            await self.unsubscribe(sub_id)

    async def _close_book(self, book: OrderBook[Any]) -> None:
        sub_id = book.sub_id
        if sub_id is not None and sub_id in self._records and not self._closing:
            await self.unsubscribe(sub_id)

    def last_timestamp(self, sub_id: str) -> Optional[int]:
        """The server timestamp (ms) of the last frame of a subscription; needs ``timestamps=True`` in the
        options (the TIMESTAMP flag), None before the first frame."""
        return self._lookup(sub_id)[0].mts

    def _resync_book(self, book: OrderBook[Any]) -> None:
        """Subscribe a book again after a checksum mismatch: at once the first time, then with the
        reconnection backoff, so that a book that never matches costs a few resubscriptions a minute, not a
        storm; after ``BOOK_RESYNC_REPORT`` mismatches in a row it is reported once (event and log line)."""
        sub_id = book.sub_id
        if sub_id is None or self._closing:
            return
        if sub_id in self._records:
            self._records[sub_id][1].tallies.checksum_mismatches += 1
        streak = book.mismatch_streak
        delay = self._options.backoff.delay(streak - 2) if streak > 1 else 0.0
        if streak == BOOK_RESYNC_REPORT:
            self._logger.error(
                "book %s %s cannot be kept in sync: %d checksum mismatches in a row; still resubscribing, "
                "every %g s at most",
                book.symbol,
                book.prec,
                streak,
                self._options.backoff.maximum,
            )
            self._emitter.emit("order_book_out_of_sync", book, streak)

        async def resync() -> None:
            if delay:
                await asyncio.sleep(delay)
            if sub_id not in self._records or self._closing:
                return  # unsubscribed or closed in the meantime
            self._records[sub_id][1].tallies.book_resyncs += 1
            try:
                await self.resubscribe(sub_id)
            except Exception as error:  # pylint: disable=broad-exception-caught
                self._logger.error("could not resubscribe the book %s: %s", sub_id, error)

        self._spawn(resync(), f"bfxapi:resync:{sub_id}")

    def _spawn(self, coroutine: Coroutine[Any, Any, None], name: str) -> "asyncio.Task[None]":
        """A background task of the client: close() cancels it."""
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _subscribe(
        self,
        channel: str,
        sub_id: Optional[str],
        params: dict[str, Any],
        attach: Optional[Callable[[SubscriptionRecord], None]] = None,
    ) -> str:
        if not isinstance(channel, str):
            raise InvalidInputTypeError(
                f"channel must be a str (one of {sorted(CHANNELS)}), not {type(channel).__name__}"
            )
        if sub_id is not None and not isinstance(sub_id, str):
            raise InvalidInputTypeError(f"sub_id must be a str, not {type(sub_id).__name__}")
        if not self._running or self._closing:
            raise ConnectionNotOpen("start the client (run/start/connect) before subscribing")
        if channel not in CHANNELS:
            raise UnknownChannelError(f"unknown channel {channel!r}: use one of {sorted(CHANNELS)}")
        required = _REQUIRED[channel]
        if not isinstance(params.get(required), str):
            raise InvalidInputError(f"the {channel} channel needs {required}=... (a string)")
        sub_id = str(sub_id) if sub_id is not None else str(uuid.uuid4())
        if sub_id in self._records:
            raise SubIdError(f"a subscription with sub_id {sub_id!r} already exists")
        record = SubscriptionRecord(sub_id, *_describe(channel, sub_id, params))
        if channel == "trades" and self._options.recover_trades:
            record.recovery = TradesRecovery(record.info, self._recovery)
            record.interrupt_hooks.append(record.recovery.interrupted)
        if attach is not None:
            attach(record)
        bucket = self._bucket_with_room()
        self._records[sub_id] = (record, bucket)
        self._infos[sub_id] = record.info  # type: ignore[assignment]
        try:
            await bucket.subscribe(record)
        except BaseException:
            self._release(record)
            raise
        return sub_id

    def _lookup(self, sub_id: str) -> tuple[SubscriptionRecord, BfxWebSocketBucket]:
        if not isinstance(sub_id, str):
            raise InvalidInputTypeError(f"sub_id must be a str, not {type(sub_id).__name__}")
        entry = self._records.get(sub_id)
        if entry is None:
            raise UnknownSubscriptionError(f"no subscription with sub_id {sub_id!r}")
        return entry

    def _bucket_with_room(self) -> BfxWebSocketBucket:
        for bucket in self._buckets:
            if not bucket.is_full and not bucket.closed:
                return bucket
        if len(self._buckets) < self._max_connections:
            return self._new_bucket()
        raise TooManySubscriptionsError(
            f"all {self._max_connections} connections carry {MAX_SUBSCRIPTIONS} subscriptions each: "
            f"start the client with more connections (run/start/connect(connections=N))"
        )

    def _release(self, record: SubscriptionRecord) -> None:
        """A bucket let go of a subscription (unsubscribed, refused, abandoned)."""
        entry = self._records.get(record.sub_id)
        if entry is not None and entry[0] is record:
            del self._records[record.sub_id]
            self._infos.pop(record.sub_id, None)
            book = self._books.pop(record.sub_id, None)
            if book is not None:
                book.closed()
            if record.recovery is not None:
                record.recovery.cancel()

    # -- events --------------------------------------------------------------------------------------

    # on() and once() are TypedEvents' (generated from the event table): one overload per event name, so that
    # a type checker refuses a misspelt event or a callback that does not fit the event's payload.

    def _register_events(self, method: str, events: tuple[Any, ...], callback: Any) -> Any:
        return self._register(self._emitter.on if method == "on" else self._emitter.once, events, callback)

    def off(self, *events: Any, callback: Optional[Callable[..., Any]] = None) -> None:
        """Remove a callback from the events (events it was not registered for are ignored):
        ``off("event", handler)`` or ``off("a", "b", callback=handler)``."""
        names, callback = _split_registration("off", events, callback)
        if callback is None:
            raise InvalidInputError("off() needs the callback to remove: off('event', handler)")
        for event in names:
            self._emitter.check_event(event)
            if callback in self._emitter.listeners(event):
                self._emitter.remove_listener(event, callback)

    def remove_all_listeners(self, event: Optional[str] = None) -> None:
        """Remove every callback of ``event``, or of every event."""
        if event is not None and not isinstance(event, str):
            raise InvalidInputTypeError(f"event must be an event name (a str), not {type(event).__name__}")
        if event is not None:
            self._emitter.check_event(event)
        self._emitter.remove_all_listeners(event)

    def _register(
        self, method: Callable[[str, Any], Any], events: tuple[Any, ...], callback: Optional[F]
    ) -> Union[F, Callable[[F], F]]:
        names, callback = _split_registration(method.__name__, events, callback)
        for event in names:
            self._emitter.check_event(event)

        def register(function: F) -> F:
            if not callable(function):
                raise InvalidInputError(f"a callback must be callable, not {type(function).__name__}")
            for event in names:
                method(event, function)
            return function

        return register(callback) if callback is not None else register

    # -- connections ---------------------------------------------------------------------------------

    def _context(self) -> ConnectionContext:
        return ConnectionContext(
            emitter=self._emitter,
            options=self._options,
            loads=self._loads,
            session=self._get_session,
            timeout=self._timeout,
            logger=self._logger,
            on_fatal=self._on_fatal,
            on_maintenance=self._on_maintenance,
            maintenance=lambda: bool(self._maintenance),
            route=self._route,
            codec=self._codec,
            transport=self._transport,
        )

    def _new_bucket(self) -> BfxWebSocketBucket:
        assert self._public_governor is not None
        bucket = BfxWebSocketBucket(
            self._host, self._context(), f"public-{next(self._bucket_numbers)}", self._public_governor, self._release
        )
        self._buckets.append(bucket)
        bucket.start()
        return bucket

    def _auth_connection(self) -> BfxWebSocketAuthConnection:
        if self._auth is None:
            if self._credentials is None:
                raise ActionRequiresAuthentication(
                    "this needs an authenticated connection: create the Client with api_key and api_secret"
                    + _TOKEN_NOTE * self._token_auth
                )
            raise ActionRequiresAuthentication("the client is not running: call run/start/connect first")
        return self._auth

    def _get_session(self) -> aiohttp.ClientSession:
        given = self._network.session
        if given is not None:
            # The application's session: used as it is, never closed by close(). It follows redirects, so
            # open_websocket() checks the handshake's history instead.
            if given.closed:
                raise BfxWebSocketException("the aiohttp session given to the client (session=) was closed by its "
                                            "owner: close the client before its session")
            return given
        if self._session is None or self._session.closed:
            # aiohttp follows redirects of the WebSocket handshake and has no switch for it: refuse them here, so
            # that nothing (the authentication above all) is ever sent to a host the client was not given.
            refuse = aiohttp.TraceConfig()
            refuse.on_request_redirect.append(_refuse_redirect)
            self._session = aiohttp.ClientSession(connector=self._route.connector(), trace_configs=[refuse])
        return self._session

    def _on_maintenance(self, connection: Connection, active: bool) -> None:
        was = bool(self._maintenance)
        if active:
            self._maintenance.add(connection)
        else:
            self._maintenance.discard(connection)
        if was != bool(self._maintenance):
            self._emitter.emit("maintenance", bool(self._maintenance))

    def _on_fatal(self, error: BaseException) -> None:
        if self._closing or self._fail_task is not None:
            return
        self._logger.critical("the WebSocket client stops: %s", error)
        self._fatal = error
        self._fail_task = asyncio.get_running_loop().create_task(self.close(1011, str(error)[:120]))


def _describe(channel: str, sub_id: str, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The subscription dict callbacks get, and the subscribe frame."""
    params = {key: value for key, value in params.items() if value is not None}
    if channel == "book":
        for key, default in _BOOK_DEFAULTS.items():
            params[key] = str(params.get(key, default))
    info: dict[str, Any] = {"channel": channel, "sub_id": sub_id, **params}
    request: dict[str, Any] = {"event": "subscribe", "channel": channel, **params, "subId": sub_id}
    return info, request


def _split_registration(
    method: str, events: tuple[Any, ...], callback: Optional[F]
) -> tuple[tuple[str, ...], Optional[F]]:
    """The event names and the callback of ``on``/``once``/``off`` in any of their forms, or a clear error."""
    if callback is None and len(events) >= 2 and callable(events[-1]) and not isinstance(events[-1], str):
        events, callback = events[:-1], events[-1]
    if not events:
        raise InvalidInputError(f"{method}() needs at least one event name, e.g. {method}('t_ticker_update', handler)")
    wrong = [event for event in events if not isinstance(event, str)]
    if wrong:
        raise InvalidInputError(
            f"{method}() takes event names, then the callback: {method}('event', handler), "
            f"{method}('a', 'b', callback=handler) or @{method}('a', 'b'); got {wrong[0]!r} among the events"
        )
    return events, callback


def _install_signal_handlers(loop: asyncio.AbstractEventLoop, stop: Callable[[str], None]) -> list[int]:
    """Route SIGINT and SIGTERM to ``stop``; returns the signals it could take over (none where the loop
    cannot handle signals, as on Windows, or off the main thread)."""
    installed: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop, signal.Signals(signum).name)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(signum)
    return installed


class HandshakeRedirectedError(BfxWebSocketException, ConnectionError):
    """Internal: the server answered the WebSocket handshake with a redirect: it is never followed (the connection
    is retried with backoff, and the failure logged with the target)."""


async def _refuse_redirect(_: aiohttp.ClientSession, __: Any, params: aiohttp.TraceRequestRedirectParams) -> None:
    target = params.response.headers.get("Location", "?")
    raise HandshakeRedirectedError(f"the server redirected the handshake (HTTP {params.response.status}) to "
                                   f"{target[:200]}: redirects are never followed")
