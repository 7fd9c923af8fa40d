"""The :class:`Simulator`: a local Bitfinex (public WebSocket channels and public REST) on loopback."""

import asyncio
import random
import time
import uuid
from collections import deque
from types import MappingProxyType, TracebackType
from typing import Any, Awaitable, Callable, Deque, Dict, List, Mapping, Optional, Sequence, Set, Type

from aiohttp import web

from .faults import FaultsMixin
from .model.accounts import Account
from .model.clock import MarketClock
from .model.market import DEFAULT_SYMBOLS, Market, StepResult
from .server.changes import Changes
from .server.cadence import STATUS_INTERVAL, TICKER_INTERVAL, TRADE_UPDATE_DELAY, Cadence
from .server.connection import Connection
from .server.delivery import deliver
from .server.rest.app import DEFAULT_REST_RATE_LIMITS, RestFrontEnd
from .server.rest.public import PublicRest
from .server.ws import WebSocketFrontEnd
from .sim_accounts import AccountsMixin
from .tls import PathLike, SimulatorTls

__all__ = ["Simulator"]

_DEFAULTS: Mapping[str, Optional[int]] = MappingProxyType(DEFAULT_REST_RATE_LIMITS)


class Simulator(Changes, FaultsMixin, AccountsMixin):
    """A faithful, deterministic, local Bitfinex (public data, accounts, trading), with fault injection.

    ``async with Simulator(seed=1, auto_market=False) as sim:`` serves on ``sim.wss_host``
    (``ws://127.0.0.1:PORT/ws/2``) and ``sim.rest_host`` (``http://127.0.0.1:PORT/v2``).

    Options (Bitfinex's real values by default):

    * ``seed``: determines the whole market; ``symbols``: trading pairs (``t…``) and funding currencies (``f…``).
    * ``host``/``port``: bind address (port 0 = ephemeral).
    * ``auto_market``/``market_interval``: step the market every ``market_interval`` s; with
      ``auto_market=False`` only :meth:`advance` steps it.
    * ``start_time``: None (default): the market clock is the wall clock, every timestamp is the time it is made
      at; a time in ms: a virtual clock starting there and advancing ``market_interval`` per step, so that a seed
      reproduces every timestamp (:mod:`.model.clock`).
    * ``ticker_interval`` (10 s), ``status_interval`` (1 s), ``trade_update_delay`` (``tu`` 1.5 s after ``te``):
      Bitfinex's cadences when the market runs by itself; with ``auto_market=False`` they default to "with
      every step" (tickers and status rows each step, ``tu`` right after ``te``). See :mod:`.server.cadence`.
    * ``subscription_limit`` (25), ``heartbeat_interval`` (15 s, one clock per connection for all its channels,
      None = off), ``idle_timeout`` (60 s without subscription nor client traffic, None = off),
      ``connection_limit`` per ``connection_window`` s per IP (20 / 60 s; None = off) with ``connection_block`` s
      (60) of HTTP 429.
    * ``rest_rate_limits``: per-endpoint requests per minute, merged over the defaults (protocol.md §5.4);
      ``None`` disables REST rate limiting; ``rest_block_duration`` (60 s).
    * ``book_f1_interval`` (2 s of market time between F1 book deliveries), ``trades_snapshot_size`` (30),
      ``candles_snapshot_size`` (240).
    * ``demo_account``: create a funded demo account (``sim.demo_account``) first (default True).
    * ``calc_batch_limit`` (30 requests per ``calc`` input) and ``calc_rate_limit`` (8 ``calc`` inputs per
      ``calc_rate_window`` s per connection; None = off), protocol.md §2.2/§7.6: see :mod:`.server.ws_auth`.
    * ``tls``: serve ``wss://`` and ``https://`` with a throw-away certificate made by ``trustme`` (its CA is
      ``sim.tls.ca_path``; ``client_kwargs()`` and ``environ()`` make a client trust it), or with
      ``tls_certfile``/``tls_keyfile`` (PEM files; they turn TLS on, and need no trustme). ``tls_client_cert``:
      also require a client certificate signed by the throw-away CA (``sim.tls.client_context()`` holds one).
      :class:`~bfxapi.testing.tls.SimulatorTlsError` when it cannot be set up.

    Accounts: :meth:`add_account`, ``accounts``, :meth:`account`, :meth:`fill_order`, :meth:`take_offer`;
    every REST request is recorded in ``rest_log``.
    """

    def __init__(
        self,
        *,
        seed: Any = 0,
        symbols: Sequence[str] = DEFAULT_SYMBOLS,
        host: str = "127.0.0.1",
        port: int = 0,
        auto_market: bool = True,
        market_interval: float = 0.25,
        start_time: Optional[int] = None,
        subscription_limit: int = 25,
        heartbeat_interval: Optional[float] = 15.0,
        idle_timeout: Optional[float] = 60.0,
        connection_limit: Optional[int] = 20,
        connection_window: float = 60.0,
        connection_block: float = 60.0,
        rest_rate_limits: Optional[Mapping[str, Optional[int]]] = _DEFAULTS,
        rest_block_duration: float = 60.0,
        book_f1_interval: float = 2.0,
        trades_snapshot_size: int = 30,
        candles_snapshot_size: int = 240,
        demo_account: bool = True,
        calc_batch_limit: int = 30,
        calc_rate_limit: Optional[int] = 8,
        calc_rate_window: float = 1.0,
        tls: bool = False,
        tls_certfile: Optional[PathLike] = None,
        tls_keyfile: Optional[PathLike] = None,
        tls_client_cert: bool = False,
        ticker_interval: Optional[float] = None,
        status_interval: Optional[float] = None,
        trade_update_delay: Optional[float] = None,
    ) -> None:
        self.seed = seed
        self.symbols = list(symbols)
        self.host = host
        self.port = port
        self.auto_market = auto_market
        self.market_interval = market_interval
        self.subscription_limit = subscription_limit
        self.heartbeat_interval = heartbeat_interval
        self.idle_timeout = idle_timeout
        self.connection_limit = connection_limit
        self.connection_window = connection_window
        self.connection_block = connection_block
        self.rest_rate_limits: Optional[Dict[str, Optional[int]]] = None
        if rest_rate_limits is not None:
            self.rest_rate_limits = {**DEFAULT_REST_RATE_LIMITS, **rest_rate_limits}
        self.rest_block_duration = rest_block_duration
        self.book_f1_interval = book_f1_interval
        self.trades_snapshot_size = trades_snapshot_size
        self.candles_snapshot_size = candles_snapshot_size
        self.calc_batch_limit = calc_batch_limit
        self.calc_rate_limit = calc_rate_limit
        self.calc_rate_window = calc_rate_window
        #: seconds between tickers / status rows of a channel (None: with every step); seconds from ``te`` to ``tu``
        self.ticker_interval = ticker_interval if ticker_interval is not None or not auto_market else TICKER_INTERVAL
        self.status_interval = status_interval if status_interval is not None or not auto_market else STATUS_INTERVAL
        self.trade_update_delay = trade_update_delay if trade_update_delay is not None else (
            TRADE_UPDATE_DELAY if auto_market else 0.0)
        self._cadence = Cadence(seed, self.ticker_interval, self.status_interval)
        self._later: Set["asyncio.Task[None]"] = set()
        #: the TLS setup (None: plain ws:// and http://); made here, so that a missing trustme fails at once
        self.tls: Optional[SimulatorTls] = None
        if tls or tls_certfile is not None or tls_keyfile is not None or tls_client_cert:
            self.tls = SimulatorTls(host, tls_certfile, tls_keyfile, tls_client_cert)
        self.clock = MarketClock(start_time, max(1, int(market_interval * 1000)))
        self.market = Market(seed, self.symbols, self.clock, market_interval)
        rng = random.Random(f"{seed}:server")
        self.server_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self._next_chan = 10_000 + rng.randint(0, 89_999)
        self._init_counters()
        self.market_lock = asyncio.Lock()
        self._init_faults()
        self._runner: Optional[web.AppRunner] = None
        self._market_task: Optional["asyncio.Task[None]"] = None
        self.ws = WebSocketFrontEnd(self)
        self.rest = RestFrontEnd(self)
        self._public_rest = PublicRest(self, self.rest)
        self._init_accounts(demo_account)

    def _init_counters(self) -> None:
        #: every WebSocket connection accepted, in opening order
        self.connections: List[Connection] = []
        self.maintenance = False
        #: WebSocket handshakes received / refused (429 rate limit, injected refusals)
        self.handshakes_attempted = 0
        self.handshakes_refused = 0
        #: REST requests received, and those answered 429
        self.rest_requests = 0
        self.rest_rate_limited = 0
        self._handshake_times: Dict[str, Deque[float]] = {}
        self._blocked_until: Dict[str, float] = {}

    # --- lifecycle ------------------------------------------------------------------------------------------------
    @property
    def wss_host(self) -> str:
        """``ws://HOST:PORT/ws/2`` (``wss://`` with TLS)."""
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self.port}/ws/2"

    @property
    def rest_host(self) -> str:
        """``http://HOST:PORT/v2`` (``https://`` with TLS)."""
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}/v2"

    def client_kwargs(self, account: Optional[Account] = None) -> Dict[str, Any]:
        """The keyword arguments that point a bfxapi ``Client`` at this simulator: the two hosts, the key and
        secret of ``account`` when one is given (``Client(**sim.client_kwargs(sim.demo_account))``), and with a
        throw-away certificate ``ssl``: a context trusting its CA (and holding a client certificate if required)."""
        kwargs: Dict[str, Any] = {"rest_host": self.rest_host, "wss_host": self.wss_host}
        if self.tls is not None and self.tls.throwaway:
            kwargs["ssl"] = self.tls.client_context()
        if account is not None:
            kwargs.update(api_key=account.api_key, api_secret=account.api_secret)
        return kwargs

    def environ(self, account: Optional[Account] = None) -> Dict[str, str]:
        """The environment variables that point an unmodified program at this simulator: ``BFX_WSS_HOST`` and
        ``BFX_REST_HOST`` (read by bfxapi's ``Client`` when no host is given) and, for ``account``,
        ``BFX_API_KEY`` and ``BFX_API_SECRET`` (which the examples read). With a throw-away certificate,
        ``SSL_CERT_FILE`` names its CA: OpenSSL's default context (bfxapi's default among others) then trusts it,
        and only it, in that process."""
        variables = {"BFX_REST_HOST": self.rest_host, "BFX_WSS_HOST": self.wss_host}
        ca_path = self.tls.ca_path if self.tls is not None else None
        if ca_path is not None:
            variables["SSL_CERT_FILE"] = ca_path
        if account is not None:
            variables.update(BFX_API_KEY=account.api_key, BFX_API_SECRET=account.api_secret)
        return variables

    def make_app(self) -> web.Application:
        """The aiohttp application (WebSocket at ``/ws/2``, REST under ``/v2`` and ``/api/v2``)."""
        app = web.Application()
        app.router.add_get("/ws/2", self.ws.handle)
        self.rest.register(app)
        self.rest.register_not_found(app)  # last: it matches every path
        return app

    async def start(self) -> None:
        """Bind and start serving (and the automatic market, if enabled)."""
        self._changed = asyncio.Event()
        self._runner = web.AppRunner(self.make_app(), handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port,
                           ssl_context=self.tls.server_context if self.tls is not None else None)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        if self.auto_market:
            self._market_task = asyncio.ensure_future(self._market_loop())

    async def stop(self) -> None:
        """Close every connection (close code 1001), stop the market and the server."""
        if self._market_task is not None:
            self._market_task.cancel()
            try:
                await self._market_task
            except asyncio.CancelledError:
                pass
            self._market_task = None
        await asyncio.gather(*(conn.close(1001) for conn in self.connections if conn.open))
        for conn in self.connections:
            if conn.open:
                conn.abort()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for task in list(self._later):  # frames still due (a ``tu``): their connections are closed
            task.cancel()
        if self._later:
            await asyncio.gather(*self._later, return_exceptions=True)
        if self.tls is not None:
            self.tls.close()  # the CA file; a restart writes it again

    async def __aenter__(self) -> "Simulator":
        await self.start()
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        traceback: Optional[TracebackType]) -> None:
        await self.stop()

    # --- market ---------------------------------------------------------------------------------------------------
    async def _market_loop(self) -> None:
        while True:
            await asyncio.sleep(self.market_interval)
            if not self.maintenance:
                await self._step()

    async def advance(self, steps: int = 1) -> None:
        """Step the market ``steps`` times; every resulting frame is written to its subscribers on return.

        A step stamps what it does with the market clock: the wall time it runs at (default), or, with a
        ``start_time``, a virtual clock moved ``market_interval`` forward by each step (:mod:`.model.clock`)."""
        for _ in range(steps):
            await self._step()

    async def _step(self) -> StepResult:
        """One market step: the market moves, the account engines react (fills of resting account orders,
        stops, TIFs, funding takes), the public channels get the step's frames, then the accounts theirs."""
        async with self.market_lock:
            result = self.market.step()
            self._cadence.mark(result, self.market.symbols(), self.market.derivatives())
            out = self._account_step(result)
            self.market.merge_trades(result, self.market.flush_trades())
            await self._publish(result, lambda sub: sub.updates)
            await deliver(self, out, publish=False)
            self.notify()
            return result

    async def publish_account_changes(self) -> None:
        """Send what account operations did to the public channels since the last step or publication: the
        trades (``te``/``tu`` and candle updates) and the book entries of account orders placed, changed,
        filled or cancelled. Called (market lock held) after every account operation."""
        await self._publish(self.market.flush_trades(), lambda sub: sub.event_updates)

    def later(self, delay: float, job: Callable[[], Awaitable[None]]) -> None:
        """Run ``job`` in ``delay`` seconds, unless the simulator stops first."""
        async def run() -> None:
            await asyncio.sleep(delay)
            await job()
        task = asyncio.ensure_future(run())
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    def _schedule_trade_updates(self, result: StepResult) -> None:
        """``tu`` on the public trades channels, ``trade_update_delay`` after the step's ``te``."""
        trades = {symbol: list(rows) for symbol, rows in result.trades.items() if rows}
        if not trades or self.trade_update_delay <= 0:
            return

        async def send() -> None:
            for conn in list(self.connections):
                if not conn.open:
                    continue
                for chan_id, sub in list(conn.subscriptions.items()):
                    rows = trades.get(sub.symbol or "") if sub.channel == "trades" else None
                    if rows:
                        await conn.send_channel(chan_id, sub.trade_updates(self.market, rows))
            self.notify()
        self.later(self.trade_update_delay, send)

    async def _publish(self, result: StepResult, pick: Callable[[Any], Callable[..., List[List[Any]]]]) -> None:
        f1_ms = int(self.book_f1_interval * 1000)
        for conn in list(self.connections):
            if not conn.open:
                continue
            for chan_id, sub in list(conn.subscriptions.items()):
                bodies = pick(sub)(self.market, result, conn.flags, f1_ms)
                await conn.send_channel(chan_id, bodies)
        self._schedule_trade_updates(result)

    async def send_heartbeats(self) -> None:
        """Send ``hb`` on every subscribed channel of every open connection now (deterministic tests)."""
        async with self.market_lock:
            for conn in self.connections:
                if conn.open:
                    for chan_id in list(conn.subscriptions):
                        await conn.send_channel(chan_id, [["hb"]])
                    if "auth" in conn.extensions:
                        await conn.send_channel(0, [["hb"]])

    def next_chan_id(self) -> int:
        self._next_chan += 1
        return self._next_chan

    # --- admission ------------------------------------------------------------------------------------------------
    def handshake_refusal(self, ip: str) -> Optional[int]:
        """HTTP status refusing a handshake from ``ip`` now, or None to accept it (and count it)."""
        if self._refusals:
            return self._refusals.popleft()
        if self.connection_limit is None:
            return None
        now = time.monotonic()
        if self._blocked_until.get(ip, 0.0) > now:
            return 429
        times = self._handshake_times.setdefault(ip, deque())
        while times and now - times[0] >= self.connection_window:
            times.popleft()
        if len(times) >= self.connection_limit:
            self._blocked_until[ip] = now + self.connection_block
            return 429
        times.append(now)
        return None

    # --- observability (notify and wait_for: server.changes) --------------------------------------------------------

    async def wait_for_connections(self, count: int, timeout: float = 5.0) -> List[Connection]:
        """Wait until at least ``count`` connections have been accepted (open or since closed)."""
        await self.wait_for(lambda: len(self.connections) >= count, timeout)
        return self.connections[:count]

    async def wait_for_received(self, predicate: Callable[[Any], bool], connection: Optional[Any] = None,
                                timeout: float = 5.0) -> Any:
        """Wait for a client message matching ``predicate`` (on one connection, or any) and return it."""
        def find() -> Any:
            conns = [self.connection(connection)] if connection is not None else self.connections
            for conn in conns:
                for message in conn.received:
                    if predicate(message):
                        return (message,)
            return None
        return (await self.wait_for(find, timeout))[0]

    async def wait_for_sent(self, predicate: Callable[[Any], bool], connection: Optional[Any] = None,
                            timeout: float = 5.0) -> Any:
        """Wait for a server frame matching ``predicate`` (on one connection, or any) and return it."""
        def find() -> Any:
            conns = [self.connection(connection)] if connection is not None else self.connections
            for conn in conns:
                for frame in conn.sent:
                    if predicate(frame):
                        return (frame,)
            return None
        return (await self.wait_for(find, timeout))[0]
