"""The real outcome of an input whose answer was lost to a drop (issue #15, point 4).

When the authenticated connection drops between an input and its answer, the client reconnects, waits for the
fresh snapshots, and asks the account what became of the input. What it can look for is fixed when the input is
sent (:func:`target_of`), from the input's body and the managed account's state at that moment:

* a new order (``on``): by its ``cid`` and ``cid_date`` (the UTC day of its creation) in the fresh orders, else
  in the order history since the input was sent;
* a cancel (``oc``, by id, or by ``cid`` of an order the account held): the order still open means the cancel
  was not applied; else its history says ``CANCELED`` (applied) or ``EXECUTED`` (filled first);
* an update (``ou``): the order's fresh values (open, or in its history) against the values asked for and those
  it had when the update was sent; the fields the update would change tell whether it was applied;
* a multiple cancel (``oc_multi``): the orders it named when sent (ids, groups, cid pairs, ``all``), still open
  (not applied) or closed;
* several operations in one frame (``ox_multi``): each operation as above;
* a funding offer cancel (``foc``): the offer still active (not applied), else its history.

Outcomes: the answer Bitfinex would have given, a notification whose text starts with :data:`RECOVERED`
(``status`` ``SUCCESS``, or ``ERROR`` where the input failed: a cancel of an order that executed first);
:class:`~bfxapi.websocket.exceptions.InputNotExecutedError` (:class:`OrderNotPlacedError` for a new order) where
the account shows the input was not executed, so it is safe to send again;
:class:`~bfxapi.websocket.exceptions.InputInterruptedError` only where the server cannot tell, saying why: a new
funding offer (it has no client id to be found by), ``calc``, an update that asked for the values the order
already had, an order changed by something else meanwhile.
"""

import datetime
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence, Union

from ..types import FundingOffer, Notification, Order
from .exceptions import InputInterruptedError, InputNotExecutedError, OrderNotPlacedError

if TYPE_CHECKING:
    from ._history import History
    from .account import Account

__all__ = [
    "NewOrder", "CancelOrder", "UpdateOrder", "CancelOrders", "MultiOp", "CancelOffer", "Target", "target_of",
    "resolve", "cancelled_ids", "Cancellations", "RECOVERED",
]  # fmt: skip

#: the start of the text of every notification built by a resolution
RECOVERED = "recovered after a reconnection (the answer was lost to a drop)"

# The server stamps orders with its own clock: a margin either side of ours keeps a skewed clock (or a
# send just before midnight UTC) from hiding the order.
_CLOCK_MARGIN_MS = 5 * 60_000


@dataclass(frozen=True)
class NewOrder:
    """An ``on`` input: ``sent_at`` is our clock (ms) when it was sent."""

    cid: int
    symbol: str
    sent_at: int


@dataclass(frozen=True)
class CancelOrder:
    """An ``oc`` input, by id or by the cid of an order the account held."""

    id: int


@dataclass(frozen=True)
class UpdateOrder:
    """An ``ou`` input: ``wanted`` the values it asks for (order field, value), ``before`` the order when sent."""

    id: int
    wanted: tuple[tuple[str, Union[float, int]], ...]
    before: Order


@dataclass(frozen=True)
class CancelOrders:
    """An ``oc_multi`` input: the open orders it named when sent."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class MultiOp:
    """An ``ox_multi`` input: what can be looked up for each operation, in order (None: nothing)."""

    operations: tuple[tuple[str, "Optional[Target]"], ...]


@dataclass(frozen=True)
class CancelOffer:
    """A ``foc`` input of an offer the account held on ``symbol``."""

    id: int
    symbol: str
    sent_at: int


Target = Union[NewOrder, CancelOrder, UpdateOrder, CancelOrders, MultiOp, CancelOffer]


def now_ms() -> int:
    return int(time.time() * 1000)


# -- what to look for, fixed when the input is sent ----------------------------------------------------------------


def target_of(abbreviation: str, body: Any, sent_at: int, account: "Optional[Account]") -> Optional[Target]:
    """What can be looked up for this input after a drop; None: nothing (the server cannot tell)."""
    if account is None:
        return None
    if abbreviation == "ox_multi":
        if not isinstance(body, list):
            return None
        operations = tuple(
            (op[0], _single(op[0], op[1], sent_at, account)) for op in body if isinstance(op, list) and len(op) == 2
        )
        return MultiOp(operations) if any(target is not None for _, target in operations) else None
    return _single(abbreviation, body, sent_at, account)


def _single(abbreviation: str, body: Any, sent_at: int, account: "Account") -> Optional[Target]:
    if not isinstance(body, Mapping):
        return None
    if abbreviation == "on":
        if isinstance(body.get("cid"), int) and isinstance(body.get("symbol"), str):
            return NewOrder(body["cid"], body["symbol"], sent_at)
        return None
    if abbreviation == "oc":
        order = _named_order(body, account)
        return CancelOrder(order.id) if order is not None else _cancel_by_id(body)
    if abbreviation == "ou":
        return _update(body, account)
    if abbreviation == "oc_multi":
        ids = tuple(sorted(order.id for order in account.orders.values() if _named_by_multi(order, body)))
        return CancelOrders(ids) if ids else None
    if abbreviation == "foc":
        offer = account.funding_offers.get(body.get("id"))  # type: ignore[arg-type]
        if offer is None or offer.symbol is None:
            return None
        return CancelOffer(offer.id, offer.symbol, sent_at)
    return None


def _cancel_by_id(body: Mapping[str, Any]) -> Optional[Target]:
    return CancelOrder(body["id"]) if isinstance(body.get("id"), int) else None


def _named_order(body: Mapping[str, Any], account: "Account") -> Optional[Order]:
    """The open order an ``oc``/``ou`` body names, by id or by cid and date."""
    if isinstance(body.get("id"), int):
        return account.orders.get(body["id"])
    cid, date = body.get("cid"), body.get("cid_date")
    return next((o for o in account.orders.values() if o.cid == cid and _day(o.mts_create) == date), None)


def _named_by_multi(order: Order, body: Mapping[str, Any]) -> bool:
    if body.get("all"):
        return True
    pairs = {(pair[0], pair[1]) for pair in body.get("cid") or () if isinstance(pair, list) and len(pair) == 2}
    return (order.id in (body.get("id") or ()) or (order.gid is not None and order.gid in (body.get("gid") or ()))
            or (order.cid, _day(order.mts_create)) in pairs)  # fmt: skip


def _update(body: Mapping[str, Any], account: "Account") -> Optional[Target]:
    before = _named_order(body, account)
    if before is None:
        return None
    wanted: list[tuple[str, Union[float, int]]] = []
    for name in ("price", "price_aux_limit", "price_trailing"):
        if body.get(name) is not None:
            wanted.append((name, float(body[name])))
    for name in ("gid", "flags"):
        if isinstance(body.get(name), int):
            wanted.append((name, body[name]))
    if body.get("amount") is not None or body.get("delta") is not None:
        # Bitfinex keeps what was filled: a new amount moves the original amount by as much as the remaining one.
        # In floats whatever the number mode: the outcome is compared within a tolerance (_same), and Decimal
        # arithmetic refuses a float operand.
        amount = float(body["amount"]) if body.get("amount") is not None else float(before.amount)
        amount += float(body.get("delta") or 0)
        wanted.append(("amount_orig", round(float(before.amount_orig) + amount - float(before.amount), 8)))
    return UpdateOrder(before.id, tuple(wanted), before) if wanted else None


# -- resolution, after the reconnection ----------------------------------------------------------------------------


class Cancellations:
    """The orders this client's inputs were told they cancelled (the recent ones): a cancel whose answer was lost
    and that finds one of them cancelled was not the one Bitfinex executed. Claims are made in the same step as
    the check, so that two cancels of one order resolved at once cannot both be told they did it."""

    __slots__ = ("_ids", "_limit")

    def __init__(self, limit: int = 4096) -> None:
        self._ids: dict[int, None] = {}
        self._limit = limit

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._ids

    def add(self, ids: Iterable[int]) -> None:
        for order_id in ids:
            self._ids[order_id] = None
        while len(self._ids) > self._limit:
            del self._ids[next(iter(self._ids))]

    def claim(self, ids: Sequence[int]) -> list[int]:
        """The ids not claimed yet, which are claimed now."""
        fresh = [order_id for order_id in ids if order_id not in self._ids]
        self.add(fresh)
        return fresh


async def resolve(
    target: Target, account: "Account", history: "History", cancelled: Optional[Cancellations] = None
) -> Notification[Any]:
    """The outcome of ``target`` given the account's fresh state; raises when there is no answer to give.

    ``cancelled``: the orders other inputs of this client were told they cancelled (see :class:`Cancellations`);
    a successful cancel resolved here is added to it."""
    cancelled = cancelled if cancelled is not None else Cancellations()
    if isinstance(target, MultiOp):
        return await _multi_op(target, account, history, cancelled)
    if isinstance(target, NewOrder):
        return await _new_order(target, account.orders, history)
    if isinstance(target, CancelOrder):
        return await _cancel(target, account.orders, history, cancelled)
    if isinstance(target, UpdateOrder):
        return await _update_outcome(target, account.orders, history)
    if isinstance(target, CancelOrders):
        return await _cancel_multi(target, account.orders, history, cancelled)
    return await _cancel_offer(target, account.funding_offers, history)


def cancelled_ids(notification: Notification[Any]) -> tuple[int, ...]:
    """The orders a successful ``oc``/``oc_multi`` answer (or the one an ``ox_multi`` holds) says were cancelled."""
    if notification.status != "SUCCESS":
        return ()
    if notification.type == "oc-req" and isinstance(notification.data, Order):
        return (notification.data.id,)
    if notification.type in ("oc_multi-req", "ox_multi-req") and isinstance(notification.data, list):
        ids: list[int] = []
        for item in notification.data:
            if isinstance(item, Order):
                ids.append(item.id)
            elif isinstance(item, Notification):
                ids.extend(cancelled_ids(item))
        return tuple(ids)
    return ()


async def _new_order(target: NewOrder, orders: Mapping[int, Order], history: "History") -> Notification[Any]:
    start, end = target.sent_at - _CLOCK_MARGIN_MS, now_ms() + _CLOCK_MARGIN_MS
    days = _days(start, end)

    def matches(order: Order) -> bool:
        return order.cid == target.cid and _day(order.mts_create) in days

    found = next((order for order in orders.values() if matches(order)), None)
    if found is None:
        found = next((o for o in await history.orders_between(target.symbol, start, end) if matches(o)), None)
    if found is None:
        raise OrderNotPlacedError(
            f"the connection dropped before Bitfinex answered the new order (cid {target.cid}); Bitfinex holds "
            "no order with that cid and date, open or closed, so it was not placed and may be sent again"
        )
    return _notification("on-req", found, "SUCCESS", f"{RECOVERED}: the order was placed")


async def _closed_order(order_id: int, history: "History") -> Optional[Order]:
    return next((order for order in await history.orders_by_id([order_id]) if order.id == order_id), None)


async def _cancel(target: CancelOrder, orders: Mapping[int, Order], history: "History",
                  cancelled: Cancellations) -> Notification[Any]:
    if target.id in orders:
        raise InputNotExecutedError(
            f"the connection dropped before Bitfinex answered the cancel of order {target.id}, and the order is "
            "still open: the cancel was not applied; it may be sent again"
        )
    if target.id in cancelled:
        raise InputNotExecutedError(
            f"the connection dropped before Bitfinex answered the cancel of order {target.id}, which another input of "
            "this client had cancelled (its answer said so): this cancel was not the one executed"
        )
    found = await _closed_order(target.id, history)
    status = (found.order_status or "") if found is not None else ""
    if found is not None and status.startswith("CANCELED"):
        if not cancelled.claim([target.id]):  # another cancel of it was resolved meanwhile
            return await _cancel(target, orders, history, cancelled)
        return _notification("oc-req", found, "SUCCESS", f"{RECOVERED}: the order was cancelled")
    if found is not None and status.startswith("EXECUTED"):
        return _notification("oc-req", found, "ERROR", f"{RECOVERED}: the order executed before it could be cancelled")
    raise InputInterruptedError(
        f"the connection dropped before Bitfinex answered the cancel of order {target.id}, and the server cannot "
        f"tell what became of it (order history: {status or 'no such order'}): check the account"
    )


async def _update_outcome(target: UpdateOrder, orders: Mapping[int, Order], history: "History") -> Notification[Any]:
    changing = [(name, value) for name, value in target.wanted if not _same(getattr(target.before, name), value)]
    if not changing:
        raise InputInterruptedError(
            f"the connection dropped before Bitfinex answered the update of order {target.id}, which asked for the "
            "values the order already had: whether it reached Bitfinex cannot be told (and changes nothing)"
        )
    now = orders.get(target.id) or await _closed_order(target.id, history)
    if now is None:
        raise InputInterruptedError(
            f"the connection dropped before Bitfinex answered the update of order {target.id}, and the server no "
            "longer lists the order, open or closed: check the account"
        )
    if all(_same(getattr(now, name), value) for name, value in changing):
        return _notification("ou-req", now, "SUCCESS", f"{RECOVERED}: the order was updated")
    if all(_same(getattr(now, name), getattr(target.before, name)) for name, _ in changing):
        raise InputNotExecutedError(
            f"the connection dropped before Bitfinex answered the update of order {target.id}, and the order "
            f"({now.order_status}) still has the values it had before: the update was not applied"
            + ("; it may be sent again" if target.id in orders else "")
        )
    raise InputInterruptedError(
        f"the connection dropped before Bitfinex answered the update of order {target.id}, and the order changed "
        "in other ways meanwhile: whether the update was applied cannot be told; check the order"
    )


async def _cancel_multi(target: CancelOrders, orders: Mapping[int, Order], history: "History",
                        cancelled_elsewhere: Cancellations) -> Notification[Any]:
    still_open = [order_id for order_id in target.ids if order_id in orders]
    if still_open:
        raise InputNotExecutedError(
            f"the connection dropped before Bitfinex answered the cancel of orders {list(target.ids)}, and "
            f"{still_open} are still open: the cancel was not applied; it may be sent again"
        )
    mine = [order_id for order_id in target.ids if order_id not in cancelled_elsewhere]
    if not mine:
        raise InputNotExecutedError(
            f"the connection dropped before Bitfinex answered the cancel of orders {list(target.ids)}, which other "
            "inputs of this client had cancelled (their answers said so): this cancel was not the one executed"
        )
    closed = [order for order in await history.orders_by_id(mine) if order.id in mine]
    cancelled_now = [order.id for order in closed if (order.order_status or "").startswith("CANCELED")]
    claimed = set(cancelled_elsewhere.claim(cancelled_now))
    cancelled = [order for order in closed if order.id in claimed]
    if cancelled_now and not cancelled:  # other cancels of them were resolved meanwhile
        return await _cancel_multi(target, orders, history, cancelled_elsewhere)
    if not cancelled:
        raise InputInterruptedError(
            f"the connection dropped before Bitfinex answered the cancel of orders {list(target.ids)}, and none of "
            "them was cancelled (they executed, or the history does not list them): whether the cancel reached "
            "Bitfinex cannot be told"
        )
    text = f"{RECOVERED}: {len(cancelled)} of the {len(target.ids)} orders were cancelled"
    return Notification(now_ms(), "oc_multi-req", None, sorted(cancelled, key=lambda o: o.id), None, "SUCCESS", text)


async def _cancel_offer(target: CancelOffer, offers: Mapping[int, FundingOffer],
                        history: "History") -> Notification[Any]:
    if target.id in offers:
        raise InputNotExecutedError(
            f"the connection dropped before Bitfinex answered the cancel of funding offer {target.id}, and the "
            "offer is still active: the cancel was not applied; it may be sent again"
        )
    start, end = target.sent_at - _CLOCK_MARGIN_MS, now_ms() + _CLOCK_MARGIN_MS
    found = next((o for o in await history.funding_offers_between(target.symbol, start, end) if o.id == target.id),
                 None)
    status = (found.offer_status or "") if found is not None else ""
    if found is not None and status.startswith("CANCELED"):
        return _notification("foc-req", found, "SUCCESS", f"{RECOVERED}: the offer was cancelled")
    if found is not None and status.startswith("EXECUTED"):
        return _notification("foc-req", found, "ERROR", f"{RECOVERED}: the offer was taken before it could be "
                                                        "cancelled")
    raise InputInterruptedError(
        f"the connection dropped before Bitfinex answered the cancel of funding offer {target.id}, and the server "
        f"cannot tell what became of it (offer history: {status or 'no such offer'}): check the account"
    )


async def _multi_op(target: MultiOp, account: "Account", history: "History",
                    cancelled: Cancellations) -> Notification[Any]:
    answers: list[Notification[Any]] = []
    not_executed = 0
    for index, (kind, operation) in enumerate(target.operations):
        if operation is None:
            raise InputInterruptedError(
                f"the connection dropped before Bitfinex answered a multi-operation input, and its operation {index} "
                f"({kind}) is of a kind the server cannot tell about: check the account"
            )
        try:
            answers.append(await resolve(operation, account, history, cancelled))
        except InputNotExecutedError as error:
            not_executed += 1
            answers.append(Notification(now_ms(), f"{kind}-req", None, None, None, "ERROR", str(error)))
    if not_executed == len(answers):
        raise InputNotExecutedError(
            f"the connection dropped before Bitfinex answered a multi-operation input, and none of its "
            f"{len(answers)} operations was executed: it may be sent again"
        )
    return Notification(now_ms(), "ox_multi-req", None, answers, None, "SUCCESS",
                        f"{RECOVERED}: {len(answers) - not_executed} of {len(answers)} operations were executed")


# -- helpers -------------------------------------------------------------------------------------------------------


def _same(held: Any, other: Any) -> bool:
    if held is None or other is None:
        return held is other
    return math.isclose(float(held), float(other), rel_tol=1e-12, abs_tol=1e-12)


def _notification(kind: str, data: Any, status: str, text: str) -> Notification[Any]:
    return Notification(now_ms(), kind, None, data, None, status, text)


def _day(mts: Optional[float]) -> Optional[str]:
    if mts is None:
        return None
    return datetime.datetime.fromtimestamp(mts / 1000, datetime.timezone.utc).strftime("%Y-%m-%d")


def _days(start: int, end: int) -> set[str]:
    """The UTC days (``cid_date``) from ``start`` to ``end`` (ms)."""
    days: set[str] = set()
    for mts in range(start, end, 86_400_000):
        days.add(_day(mts) or "")
    days.add(_day(end) or "")
    return days
