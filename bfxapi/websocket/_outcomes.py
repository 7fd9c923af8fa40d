"""The real outcome of an input whose answer was lost to a drop (issue #15, point 4).

Two inputs have an outcome the server can be asked about once the connection is back:

* a new order (``on``), found by its ``cid`` and ``cid_date`` (the UTC day of its creation) in the fresh
  orders snapshot, else in the order history over REST since the input was sent. Found: the caller gets a
  ``Notification`` of type ``on-req``, status ``SUCCESS``, whose text starts with :data:`RECOVERED` and whose
  data is the order as the server holds it (open, or closed: ``EXECUTED``, ``CANCELED``...). Not found: the
  order was not placed, :class:`~bfxapi.websocket.exceptions.OrderNotPlacedError`.
* a cancel by id (``oc``): the order still open in the snapshot means the cancel was not applied
  (``InputInterruptedError``, safe to send again); else its history: ``CANCELED`` gives an ``oc-req``
  ``SUCCESS`` notification, ``EXECUTED`` an ``oc-req`` ``ERROR`` one (it executed before the cancel).

Every other input, or a lookup that cannot be made, stays ``InputInterruptedError``: the server cannot tell.
"""

import datetime
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Optional, Sequence, Union

from ..types import Notification, Order
from .account import OrdersFetcher
from .exceptions import InputInterruptedError, OrderNotPlacedError

__all__ = ["HistoryFetcher", "NewOrder", "CancelById", "Target", "target_of", "resolve", "RECOVERED"]

#: closed orders of a symbol whose last update falls in ``[start, end]`` (ms)
HistoryFetcher = Callable[[str, int, int], Awaitable[Sequence[Order]]]

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
class CancelById:
    """An ``oc`` input naming the order by id."""

    id: int


Target = Union[NewOrder, CancelById]


def target_of(abbreviation: str, body: Any, sent_at: int) -> Optional[Target]:
    """What can be looked up for this input after a drop; None: nothing (the server cannot tell)."""
    if not isinstance(body, Mapping):
        return None
    if abbreviation == "on" and isinstance(body.get("cid"), int) and isinstance(body.get("symbol"), str):
        return NewOrder(body["cid"], body["symbol"], sent_at)
    if abbreviation == "oc" and isinstance(body.get("id"), int):
        return CancelById(body["id"])
    return None


def now_ms() -> int:
    return int(time.time() * 1000)


async def resolve(
    target: Target,
    orders: Mapping[int, Order],
    by_ids: OrdersFetcher,
    in_window: HistoryFetcher,
) -> Notification[Any]:
    """The outcome of ``target`` given the account's fresh ``orders``; raises when there is no answer to give."""
    if isinstance(target, NewOrder):
        return await _new_order(target, orders, in_window)
    return await _cancel(target, orders, by_ids)


async def _new_order(target: NewOrder, orders: Mapping[int, Order], in_window: HistoryFetcher) -> Notification[Any]:
    start, end = target.sent_at - _CLOCK_MARGIN_MS, now_ms() + _CLOCK_MARGIN_MS
    days = _days(start, end)

    def matches(order: Order) -> bool:
        return order.cid == target.cid and _day(order.mts_create) in days

    found = next((order for order in orders.values() if matches(order)), None)
    if found is None:
        found = next((order for order in await in_window(target.symbol, start, end) if matches(order)), None)
    if found is None:
        raise OrderNotPlacedError(
            f"the connection dropped before Bitfinex answered the new order (cid {target.cid}); Bitfinex holds "
            "no order with that cid and date, open or closed, so it was not placed and may be sent again"
        )
    return _notification("on-req", found, "SUCCESS", f"{RECOVERED}: the order was placed")


async def _cancel(target: CancelById, orders: Mapping[int, Order], by_ids: OrdersFetcher) -> Notification[Any]:
    if target.id in orders:
        raise InputInterruptedError(
            f"the connection dropped before Bitfinex answered the cancel of order {target.id}, and the order is "
            "still open: the cancel was NOT applied; it may be sent again"
        )
    found = next((order for order in await by_ids([target.id]) if order.id == target.id), None)
    status = (found.order_status or "") if found is not None else ""
    if found is not None and status.startswith("CANCELED"):
        return _notification("oc-req", found, "SUCCESS", f"{RECOVERED}: the order was cancelled")
    if found is not None and status.startswith("EXECUTED"):
        return _notification(
            "oc-req", found, "ERROR", f"{RECOVERED}: the order executed before it could be cancelled"
        )
    raise InputInterruptedError(
        f"the connection dropped before Bitfinex answered the cancel of order {target.id}, and the server cannot "
        f"tell what became of it (order history: {status or 'no such order'}): check the account"
    )


def _notification(kind: str, order: Order, status: str, text: str) -> Notification[Any]:
    return Notification(now_ms(), kind, None, order, None, status, text)


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
