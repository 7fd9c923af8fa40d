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
import datetime
import logging
from types import MappingProxyType
from typing import Any, Callable, Coroutine, Generic, Hashable, Mapping, Optional, Sequence

from ..types import FundingCredit, FundingLoan, FundingOffer, Order, Position, Wallet
from ..types.number import N
from ._fills import FUNDING_TRADES, TRADES, Fills
from ._history import History
from ._reconcile import CLOSED_ORDERS, Reconciliation, differences

__all__ = ["Account", "Reconciliation"]

Spawn = Callable[[Coroutine[Any, Any, None], str], Any]

#: the kinds of state a poll while down refreshes (WebSocketOptions.poll_account_interval)
_POLLED = frozenset({"wallets", "orders"})
#: the longest wait between two polls that keep failing (the interval doubles from the one asked for)
_POLL_BACKOFF_LIMIT = 300.0

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



class Account(Generic[N]):
    """The account of an authenticated client: ``bfx.wss.account``.

    Every view is a live read-only mapping (it follows the account; copy it with ``dict(...)`` to keep a
    picture across an ``await``): ``orders`` (open orders by id), ``positions`` (open positions by position
    id), ``wallets`` (by ``(wallet_type, currency)``), ``funding_offers``, ``funding_credits`` and
    ``funding_loans`` (by id). Closed orders, positions, offers, credits and loans leave their view.
    ``Wallet.available_balance`` is what Bitfinex sent: ``None`` in a snapshot until an update fills it. Generic in the
    client's number type: a decimal client's ``account.wallets`` holds ``Wallet[Decimal]``.

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
        "_stores", "_views", "_expected", "_received", "_synced", "_waiters", "_emit", "_spawn", "_history",
        "_logger", "_known", "_lost_at", "_reconciling", "_told", "_closed_while_away", "_fills", "_fill_events",
        "_poll_interval", "_poll_task",
    )  # fmt: skip

    def __init__(
        self,
        filters: Optional[Sequence[str]] = None,
        *,
        emit: Optional[Callable[..., Any]] = None,
        spawn: Optional[Spawn] = None,
        history: Optional[History] = None,
        poll_interval: Optional[float] = None,
        logger: Optional[logging.Logger] = None,
    ) -> None:
        self._stores: dict[str, dict[Any, Any]] = {kind: {} for kind in _CATEGORY}
        self._views = {kind: MappingProxyType(store) for kind, store in self._stores.items()}
        categories = {category for category in _CATEGORY.values() if filters is None or any(
            f == category or f.startswith(category + "-") for f in filters)}
        self._expected = frozenset(kind for kind, category in _CATEGORY.items() if category in categories)
        self._received: set[str] = set()
        self._synced = False
        # futures rather than an asyncio.Event: the account is made with the client, perhaps outside the loop
        # (or before another ``asyncio.run``) that will wait on it
        self._waiters: list["asyncio.Future[None]"] = []
        self._emit = emit
        self._spawn = spawn
        self._history = history
        self._logger = logger or logging.getLogger("bfxapi.websocket")
        # kinds some session has received (only those can be compared after a reconnection)
        self._known: set[str] = set()
        # while reconciling: when the connection was lost, what was told, the orders closed while away
        self._lost_at: Optional[datetime.datetime] = None
        self._reconciling = False
        self._told: list[tuple[str, Any]] = []
        self._closed_while_away: dict[int, Order[N]] = {}
        # fills of the categories the filters let through, each family recovered on its own
        self._fills = tuple(Fills(family, history, self._logger) for family in (TRADES, FUNDING_TRADES)
                            if family.category in categories)
        self._fill_events = {event: fills for fills in self._fills for event in fills.family.events}
        self._poll_interval = poll_interval
        self._poll_task: Any = None

    # -- views ---------------------------------------------------------------------------------------

    @property
    def orders(self) -> Mapping[int, Order[N]]:
        """Open orders by id."""
        return self._views["orders"]

    @property
    def positions(self) -> Mapping[int, Position[N]]:
        """Open positions by position id (the id Bitfinex closes and claims them by)."""
        return self._views["positions"]

    @property
    def wallets(self) -> Mapping[tuple[str, str], Wallet[N]]:
        """Wallets by ``(wallet_type, currency)``, e.g. ``("exchange", "USD")``."""
        return self._views["wallets"]

    @property
    def funding_offers(self) -> Mapping[int, FundingOffer[N]]:
        """Active funding offers by id."""
        return self._views["funding_offers"]

    @property
    def funding_credits(self) -> Mapping[int, FundingCredit[N]]:
        """Active funding credits (funds lent and used in positions) by id."""
        return self._views["funding_credits"]

    @property
    def funding_loans(self) -> Mapping[int, FundingLoan[N]]:
        """Active funding loans by id."""
        return self._views["funding_loans"]

    def order(self, order_id: int) -> Optional[Order[N]]:
        """The open order ``order_id``, or None."""
        return self.orders.get(order_id)

    def orders_for(self, symbol: str) -> tuple[Order[N], ...]:
        """The open orders on ``symbol`` (``"tBTCUSD"``)."""
        return tuple(order for order in self.orders.values() if order.symbol == symbol)

    def position(self, symbol: str) -> Optional[Position[N]]:
        """The open position on ``symbol``, or None (Bitfinex keeps at most one per symbol)."""
        return next((p for p in self.positions.values() if p.symbol == symbol), None)

    def wallet(self, wallet_type: str, currency: str) -> Optional[Wallet[N]]:
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
        self._stop_polling()
        if self._spawn is not None:
            for fills in self._fills:
                if fills.baseline is None and fills.can_recover:
                    # Fills before the first authentication are not the client's to tell: learn where they end.
                    self._spawn(fills.learn_baseline(), f"bfxapi:account-{fills.family.category}-baseline")
        self._received.clear()
        self._synced = False
        self._reconciling = self._lost_at is not None and self._emit is not None
        if self._reconciling and self._spawn is not None:
            for fills in self._fills:
                fills.hold()
        if not self._expected:
            self._set_synced()

    def _session_lost(self) -> None:
        if self._known and self._lost_at is None:  # a second loss before reconciling keeps the first time
            self._lost_at = datetime.datetime.now(datetime.timezone.utc)
        self._received.clear()
        self._synced = False
        if self._can_poll() and self._poll_task is None and self._known & _POLLED:
            assert self._spawn is not None and self._poll_interval is not None
            self._poll_task = self._spawn(self._poll_while_down(self._poll_interval), "bfxapi:account-poll")

    def _can_poll(self) -> bool:
        return None not in (self._poll_interval, self._history, self._spawn, self._emit)

    def _closed(self) -> None:
        """The client closed: nothing more is fetched for the account."""
        self._stop_polling()

    def _observe(self, event: str, data: Any) -> Optional[bool]:
        """Apply an account event; called before the event is emitted, which is dropped if this returns False
        (a fill the client already delivered, recovered over REST before the socket's late copy came)."""
        fills = self._fill_events.get(event)
        if fills is not None:
            return fills.live(event, data)
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

    # -- polling while the connection is down (WebSocketOptions.poll_account_interval) --------------------------

    def _stop_polling(self) -> None:
        task, self._poll_task = self._poll_task, None
        if task is not None:
            task.cancel()

    async def _poll_while_down(self, interval: float) -> None:
        """Poll the wallets and open orders until the connection is back (which cancels this task), backing off
        while the polls fail; tell what changed, once, as the usual events."""
        assert self._history is not None
        failures = 0
        while True:
            await asyncio.sleep(min(interval * 2**failures, max(interval, _POLL_BACKOFF_LIMIT)))
            try:
                wallets = await self._history.wallets() if "wallets" in self._known else None
                orders = await self._history.open_orders() if "orders" in self._known else None
            except Exception as error:  # pylint: disable=broad-exception-caught
                if failures == 0:
                    self._logger.warning("account: polling the wallets and orders while the connection is down "
                                         "failed (%s); trying again, less often", error)
                failures = min(failures + 1, 16)
                continue
            failures = 0
            if wallets is not None:
                self._apply_polled("wallets", wallets)
            if orders is not None:
                closed = self._apply_polled("orders", orders)
                if closed:
                    await self._tell_closed({order_id: self._stores["orders"][order_id] for order_id in closed},
                                            self._told, remove=True)

    def _apply_polled(self, kind: str, items: Sequence[Any]) -> list[Any]:
        """Take a poll's view of ``kind`` where it differs from the state held, telling each change; return the
        orders no longer open, which stay held until their final state is fetched."""
        assert self._emit is not None
        store, key = self._stores[kind], _KEYS[kind]
        polled = {key(item): item for item in items}
        previous = dict(store)
        events, closed = differences(kind, previous, polled)
        for event, data in events:
            store[key(data)] = data
            self._told.append((event, data))
            self._emit(event, data)
        return closed

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
                              closed: dict[int, Order[N]]) -> None:
        try:
            await self._tell_closed(closed, told)
            for fills in self._fills:
                await fills.recover(self._emit_fill, told)
        finally:
            for fills in self._fills:
                fills.release(self._emit_fill)
        self._report(downtime, told, sorted(closed))

    async def _tell_closed(
        self, closed: dict[int, Order[N]], told: list[tuple[str, Any]], remove: bool = False
    ) -> None:
        """Fetch the final state of orders that closed while away and tell each (``order_cancel``); those told
        leave ``closed`` (and, with ``remove``, the store, where a poll kept them until now)."""
        if not closed or self._history is None:
            return
        try:
            final: Sequence[Order[N]] = await self._history.orders_by_id(sorted(closed))
        except Exception as error:  # pylint: disable=broad-exception-caught
            self._logger.warning(
                "account: the final state of %d order(s) closed while the connection was down could not be "
                "fetched (%s): no close event for them yet", len(closed), error
            )
            return
        assert self._emit is not None
        store = self._stores["orders"]
        for order in sorted((o for o in final if o.id in closed), key=lambda o: (o.mts_update or 0, o.id)):
            if closed.pop(order.id, None) is None:
                continue
            if remove:
                store.pop(order.id, None)
            elif order.id in store:
                continue
            told.append((CLOSED_ORDERS, order))
            self._emit(CLOSED_ORDERS, order)

    def _emit_fill(self, event: str, fill: Any) -> None:
        assert self._emit is not None
        self._emit(event, fill)

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
