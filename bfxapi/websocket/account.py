"""The managed account (``bfx.wss.account``): live, typed, read-only views of the account's orders, positions,
wallets and funding, built from the snapshots of the authenticated channel and every event after them.

The authenticated connection hands each account event to :meth:`Account._observe` *before* emitting it, so
a callback of an event sees the state that includes that event (a sync callback sees exactly that state; a
coroutine callback runs as a task later and sees the state of the moment it runs).

The account exists for every client created with credentials, from the start: a snapshot cannot be asked
for again without authenticating again, so an account created on first use after the snapshots went by
could never be right. Its cost is one dict operation per account event, and account events are rare beside
market data; a client without credentials has no account and pays nothing.
"""

import asyncio
import dataclasses
import datetime
import logging
from types import MappingProxyType
from typing import Any, Awaitable, Callable, Coroutine, Hashable, Mapping, Optional, Sequence

from ..types import FundingCredit, FundingLoan, FundingOffer, Order, Position, RecoveredTrade, Trade, Wallet
from ._reconcile import CLOSED_ORDERS, Reconciliation, differences

__all__ = ["Account", "Reconciliation", "OrdersFetcher", "TradesFetcher"]

#: fetches closed orders by id from the order history (REST ``auth/r/orders/hist``)
OrdersFetcher = Callable[[Sequence[int]], Awaitable[Sequence[Order]]]
#: fetches the account's trades whose id is above the given one (trade ids only grow), oldest first; with
#: ``None``, only the newest trade (REST ``auth/r/trades/hist``, paged)
TradesFetcher = Callable[[Optional[int]], Awaitable[Sequence[Trade]]]

_TRADE_EVENTS = ("trade_execution", "trade_execution_update")
#: trades remembered to drop a late duplicate from the socket (far more than an outage's worth)
_SEEN_TRADES = 4096
Spawn = Callable[[Coroutine[Any, Any, None], str], Any]

# the filter category (protocol.md, auth filters) that carries each kind of state
_CATEGORY = {
    "orders": "trading",
    "positions": "trading",
    "wallets": "wallet",
    "funding_offers": "funding",
    "funding_credits": "funding",
    "funding_loans": "funding",
}

_SNAPSHOT, _UPSERT, _REMOVE = 0, 1, 2


def _by_id(item: Any) -> Hashable:
    return item.id  # type: ignore[no-any-return]


def _by_position_id(item: Any) -> Hashable:
    return item.position_id  # type: ignore[no-any-return]


def _by_wallet(item: Any) -> Hashable:
    return (item.wallet_type, item.currency)


_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "orders": _by_id,
    "positions": _by_position_id,
    "wallets": _by_wallet,
    "funding_offers": _by_id,
    "funding_credits": _by_id,
    "funding_loans": _by_id,
}

# event -> (kind of state, what the event does to it); the events of no state (te, tu, bu, ...) are absent
_EFFECTS: dict[str, tuple[str, int]] = {
    "order_snapshot": ("orders", _SNAPSHOT),
    "order_new": ("orders", _UPSERT),
    "order_update": ("orders", _UPSERT),
    "order_cancel": ("orders", _REMOVE),
    "position_snapshot": ("positions", _SNAPSHOT),
    "position_new": ("positions", _UPSERT),
    "position_update": ("positions", _UPSERT),
    "position_close": ("positions", _REMOVE),
    "wallet_snapshot": ("wallets", _SNAPSHOT),
    "wallet_update": ("wallets", _UPSERT),
    "funding_offer_snapshot": ("funding_offers", _SNAPSHOT),
    "funding_offer_new": ("funding_offers", _UPSERT),
    "funding_offer_update": ("funding_offers", _UPSERT),
    "funding_offer_cancel": ("funding_offers", _REMOVE),
    "funding_credit_snapshot": ("funding_credits", _SNAPSHOT),
    "funding_credit_new": ("funding_credits", _UPSERT),
    "funding_credit_update": ("funding_credits", _UPSERT),
    "funding_credit_close": ("funding_credits", _REMOVE),
    "funding_loan_snapshot": ("funding_loans", _SNAPSHOT),
    "funding_loan_new": ("funding_loans", _UPSERT),
    "funding_loan_update": ("funding_loans", _UPSERT),
    "funding_loan_close": ("funding_loans", _REMOVE),
}


_TRADE_FIELDS = tuple(field.name for field in dataclasses.fields(Trade))


class Account:
    """The account of an authenticated client: ``bfx.wss.account``.

    Every view is a live read-only mapping (it follows the account; copy it with ``dict(...)`` to keep a
    picture across an ``await``): ``orders`` (open orders by id), ``positions`` (open positions by position
    id), ``wallets`` (by ``(wallet_type, currency)``), ``funding_offers``, ``funding_credits`` and
    ``funding_loans`` (by id). Closed orders, positions, offers, credits and loans leave their view.
    ``Wallet.available_balance`` is what Bitfinex sent: ``None`` in a snapshot until an update fills it.

    Each (re)authentication's snapshots replace the state of their kind. :attr:`synced` says whether every
    snapshot of the current authentication has arrived; it is False while the connection is down, when the
    state shown is the last one known. With auth ``filters``, only the filtered categories are kept and
    awaited.

    After a reconnection, what changed while away is told as the ordinary events, once each, just before the
    snapshot of its kind is emitted: ``order_new``/``order_update`` for orders placed or changed meanwhile,
    ``order_cancel`` with the final status and executed amount for orders that closed meanwhile (from the order
    history over REST), the position, wallet and funding events likewise (a position, offer, credit or loan
    that closed meanwhile is told with its last known state). Then ``account_reconciled`` reports it all
    (:class:`~bfxapi.websocket._reconcile.Reconciliation`: the downtime, the events, the orders whose final
    state could not be fetched).
    """

    __slots__ = (
        "_stores", "_views", "_expected", "_received", "_synced", "_waiters", "_emit", "_spawn", "_fetch_orders",
        "_logger", "_known", "_lost_at", "_reconciling", "_told", "_closed_while_away", "_fetch_trades",
        "_seen_trades", "_trade_baseline", "_held_trades",
    )  # fmt: skip

    def __init__(
        self,
        filters: Optional[Sequence[str]] = None,
        *,
        emit: Optional[Callable[..., Any]] = None,
        spawn: Optional[Spawn] = None,
        fetch_orders: Optional[OrdersFetcher] = None,
        fetch_trades: Optional[TradesFetcher] = None,
        logger: Optional[logging.Logger] = None,
    ) -> None:
        self._stores: dict[str, dict[Any, Any]] = {kind: {} for kind in _CATEGORY}
        self._views = {kind: MappingProxyType(store) for kind, store in self._stores.items()}
        self._expected = frozenset(
            kind
            for kind, category in _CATEGORY.items()
            if filters is None or any(f == category or f.startswith(category + "-") for f in filters)
        )
        self._received: set[str] = set()
        self._synced = False
        # futures rather than an asyncio.Event: the account is made with the client, perhaps outside the loop
        # (or before another ``asyncio.run``) that will wait on it
        self._waiters: list["asyncio.Future[None]"] = []
        self._emit = emit
        self._spawn = spawn
        self._fetch_orders = fetch_orders
        self._logger = logger or logging.getLogger("bfxapi.websocket")
        # kinds some session has received (only those can be compared after a reconnection)
        self._known: set[str] = set()
        # while reconciling: when the connection was lost, what was told, the orders closed while away
        self._lost_at: Optional[datetime.datetime] = None
        self._reconciling = False
        self._told: list[tuple[str, Any]] = []
        self._closed_while_away: dict[int, Order] = {}
        self._fetch_trades = fetch_trades
        # (event, trade id) delivered, oldest first; and the newest trade id known, above which a trade the
        # client did not deliver was missed (ids, not times: clocks may disagree, trade ids only grow)
        self._seen_trades: dict[tuple[str, int], None] = {}
        self._trade_baseline: Optional[int] = None
        # live trades held while the ones missed are fetched, so that all arrive in execution order
        self._held_trades: Optional[list[tuple[str, Trade]]] = None

    # -- views ---------------------------------------------------------------------------------------

    @property
    def orders(self) -> Mapping[int, Order]:
        """Open orders by id."""
        return self._views["orders"]

    @property
    def positions(self) -> Mapping[int, Position]:
        """Open positions by position id (the id Bitfinex closes and claims them by)."""
        return self._views["positions"]

    @property
    def wallets(self) -> Mapping[tuple[str, str], Wallet]:
        """Wallets by ``(wallet_type, currency)``, e.g. ``("exchange", "USD")``."""
        return self._views["wallets"]

    @property
    def funding_offers(self) -> Mapping[int, FundingOffer]:
        """Active funding offers by id."""
        return self._views["funding_offers"]

    @property
    def funding_credits(self) -> Mapping[int, FundingCredit]:
        """Active funding credits (funds lent and used in positions) by id."""
        return self._views["funding_credits"]

    @property
    def funding_loans(self) -> Mapping[int, FundingLoan]:
        """Active funding loans by id."""
        return self._views["funding_loans"]

    def order(self, order_id: int) -> Optional[Order]:
        """The open order ``order_id``, or None."""
        return self.orders.get(order_id)

    def orders_for(self, symbol: str) -> tuple[Order, ...]:
        """The open orders on ``symbol`` (``"tBTCUSD"``)."""
        return tuple(order for order in self.orders.values() if order.symbol == symbol)

    def position(self, symbol: str) -> Optional[Position]:
        """The open position on ``symbol``, or None (Bitfinex keeps at most one per symbol)."""
        return next((p for p in self.positions.values() if p.symbol == symbol), None)

    def wallet(self, wallet_type: str, currency: str) -> Optional[Wallet]:
        """The wallet (``"exchange"``, ``"margin"`` or ``"funding"``) of ``currency``, or None."""
        return self.wallets.get((wallet_type, currency))

    # -- sync ----------------------------------------------------------------------------------------

    @property
    def synced(self) -> bool:
        """Whether every snapshot of the current authentication has been received."""
        return self._synced

    async def wait_synced(self, timeout: Optional[float] = None) -> bool:
        """Wait until :attr:`synced` (True), or ``timeout`` seconds (False)."""
        if self._synced:
            return True
        waiter: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except asyncio.TimeoutError:
            return False
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
        return True

    # -- feeding (by the authenticated connection) -----------------------------------------------------

    def _session_started(self) -> None:
        """A new authentication: its snapshots are awaited again (the state stays until they replace it)."""
        if self._trade_baseline is None and self._fetch_trades is not None and self._spawn is not None:
            # Trades before the first authentication are not the client's to tell: learn where they end.
            self._spawn(self._learn_trade_baseline(), "bfxapi:account-trade-baseline")
        self._received.clear()
        self._synced = False
        self._reconciling = self._lost_at is not None and self._emit is not None
        if self._reconciling and self._spawn is not None and self._held_trades is None:
            self._held_trades = []
        if not self._expected:
            self._set_synced()

    def _session_lost(self) -> None:
        if self._known and self._lost_at is None:  # a second loss before reconciling keeps the first time
            self._lost_at = datetime.datetime.now(datetime.timezone.utc)
        self._received.clear()
        self._synced = False

    def _observe(self, event: str, data: Any) -> Optional[bool]:
        """Apply an account event; called before the event is emitted, which is dropped if this returns False
        (a trade the client already delivered, recovered over REST before the socket's late copy came)."""
        if event in _TRADE_EVENTS:
            return self._trade_seen(event, data)
        effect = _EFFECTS.get(event)
        if effect is None:
            return None
        kind, action = effect
        if action == _SNAPSHOT:
            previous = self._replace(kind, data)
            if self._reconciling and kind in self._known:
                self._tell_differences(kind, previous)
            self._known.add(kind)
            if self._reconciling and self._synced:
                self._finish_reconciliation()
        elif action == _UPSERT:
            self._stores[kind][_KEYS[kind](data)] = data
        else:
            self._stores[kind].pop(_KEYS[kind](data), None)
        return None

    def _trade_seen(self, event: str, trade: Trade) -> bool:
        """Remember a trade delivered; False when it was already (the socket's copy of a recovered trade)."""
        key = (event, trade.id)
        if key in self._seen_trades:
            return False
        if self._held_trades is not None:
            self._held_trades.append((event, trade))
            return False
        self._remember_trade(key, trade)
        return True

    def _remember_trade(self, key: tuple[str, int], trade: Trade) -> None:
        self._seen_trades[key] = None
        if len(self._seen_trades) > _SEEN_TRADES:
            del self._seen_trades[next(iter(self._seen_trades))]
        if self._trade_baseline is None or trade.id > self._trade_baseline:
            self._trade_baseline = trade.id

    async def _learn_trade_baseline(self) -> None:
        assert self._fetch_trades is not None
        try:
            newest = await self._fetch_trades(None)
        except Exception as error:  # pylint: disable=broad-exception-caught
            self._logger.warning("account: the newest trade could not be fetched (%s): fills missed during a "
                                 "later outage cannot be told apart from older ones", error)
            return
        known = max((trade.id for trade in newest), default=0)
        self._trade_baseline = max(self._trade_baseline or 0, known)

    def _replace(self, kind: str, items: Sequence[Any]) -> dict[Any, Any]:
        """Make a snapshot authoritative for its kind and return the state it replaced: the seam where a
        reconnect's reconciliation diffs what was held against what Bitfinex says now."""
        store = self._stores[kind]
        previous = dict(store)
        store.clear()
        key = _KEYS[kind]
        for item in items:
            store[key(item)] = item
        self._received.add(kind)
        if not self._synced and self._expected <= self._received:
            self._set_synced()
        return previous

    # -- reconciliation after a reconnection ------------------------------------------------------------------

    def _tell_differences(self, kind: str, previous: Mapping[Any, Any]) -> None:
        assert self._emit is not None
        events, closed = differences(kind, previous, self._stores[kind])
        for event, data in events:
            self._told.append((event, data))
            self._emit(event, data)
        for order_id in closed:
            self._closed_while_away[order_id] = previous[order_id]

    def _finish_reconciliation(self) -> None:
        """Every snapshot is in: fetch the final state of the orders that closed while away, tell them, then
        report (in a task, so that the last snapshot's own event comes first)."""
        self._reconciling = False
        lost_at, self._lost_at = self._lost_at, None
        told, self._told = self._told, []
        closed, self._closed_while_away = self._closed_while_away, {}
        now = datetime.datetime.now(datetime.timezone.utc)
        downtime = now - (lost_at or now)
        if self._spawn is None:
            self._report(downtime, told, sorted(closed))
            return
        self._spawn(self._resolve_closed(downtime, told, closed), "bfxapi:account-reconciliation")

    async def _resolve_closed(self, downtime: datetime.timedelta, told: list[tuple[str, Any]],
                              closed: dict[int, Order]) -> None:
        final: Sequence[Order] = ()
        if closed and self._fetch_orders is not None:
            try:
                final = await self._fetch_orders(sorted(closed))
            except Exception as error:  # pylint: disable=broad-exception-caught
                self._logger.warning(
                    "account: the final state of %d order(s) closed while the connection was down could not be "
                    "fetched (%s): no close event for them; see account_reconciled.unresolved", len(closed), error
                )
        assert self._emit is not None
        for order in sorted((o for o in final if o.id in closed), key=lambda o: (o.mts_update or 0, o.id)):
            if closed.pop(order.id, None) is not None and order.id not in self._stores["orders"]:
                told.append((CLOSED_ORDERS, order))
                self._emit(CLOSED_ORDERS, order)
        try:
            await self._recover_trades(told)
        finally:
            self._release_held_trades()
        self._report(downtime, told, sorted(closed))

    async def _recover_trades(self, told: list[tuple[str, Any]]) -> None:
        """Deliver the account's trades that executed while away, in execution order, each once."""
        baseline = self._trade_baseline
        if self._fetch_trades is None or baseline is None:
            return
        try:
            trades = await self._fetch_trades(baseline)
        except Exception as error:  # pylint: disable=broad-exception-caught
            self._logger.warning("account: the trades executed while the connection was down could not be fetched "
                                 "(%s): fills may be missing", error)
            return
        assert self._emit is not None
        for trade in sorted(trades, key=lambda t: (t.mts_create, t.id)):
            if trade.id <= baseline or ("trade_execution", trade.id) in self._seen_trades:
                continue
            recovered = RecoveredTrade(*[getattr(trade, name) for name in _TRADE_FIELDS])
            for event in _TRADE_EVENTS:  # the socket's late copies of either are dropped
                self._remember_trade((event, recovered.id), recovered)
            told.append(("trade_execution", recovered))
            self._emit("trade_execution", recovered)

    def _release_held_trades(self) -> None:
        """Deliver the live trades held during the recovery, after the recovered ones (each once)."""
        held, self._held_trades = self._held_trades or [], None
        assert self._emit is not None
        for event, trade in held:
            if self._trade_seen(event, trade):
                self._emit(event, trade)

    def _report(self, downtime: datetime.timedelta, told: list[tuple[str, Any]], unresolved: list[int]) -> None:
        assert self._emit is not None
        if unresolved:
            self._logger.warning("account: orders %s closed while the connection was down; their final state is "
                                 "unknown", unresolved)
        self._logger.info("account reconciled after %.1f s away: %d change(s) told", downtime.total_seconds(),
                          len(told))
        self._emit("account_reconciled", Reconciliation(downtime, tuple(told), tuple(unresolved)))

    def _set_synced(self) -> None:
        self._synced = True
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{kind}={len(store)}" for kind, store in self._stores.items())
        return f"<Account synced={self.synced} {sizes}>"
