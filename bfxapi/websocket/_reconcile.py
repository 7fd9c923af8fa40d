"""What changed in the account while the authenticated connection was down, told as the events users know.

After a reconnection Bitfinex sends fresh snapshots, which replace the managed account's state. Between the
state held before the fault and each fresh snapshot, :func:`differences` finds what opened, changed and closed
while the client could not see it, and names the event a live connection would have delivered for it:
``order_new``/``order_update``, ``position_new``/``position_update``/``position_close``, ``wallet_update``,
and the funding offer, credit and loan events. Orders that closed while away are not in any snapshot: their
final state (status, executed amount) comes from the order history over REST, fetched by the caller.

Nothing here does I/O; :class:`~bfxapi.websocket.account.Account` applies the result.
"""

import datetime
from dataclasses import dataclass
from typing import Any, Callable, Mapping

__all__ = ["Reconciliation", "differences", "CLOSED_ORDERS"]

#: per kind of state: the events for an item that appeared, changed, or disappeared while away (None: the close
#: is not told from the snapshot: orders, whose final state only the history has)
_EVENTS: dict[str, tuple[str, str, "str | None"]] = {
    "orders": ("order_new", "order_update", None),
    "positions": ("position_new", "position_update", "position_close"),
    "wallets": ("wallet_update", "wallet_update", None),
    "funding_offers": ("funding_offer_new", "funding_offer_update", "funding_offer_cancel"),
    "funding_credits": ("funding_credit_new", "funding_credit_update", "funding_credit_close"),
    "funding_loans": ("funding_loan_new", "funding_loan_update", "funding_loan_close"),
}

#: the event an order closed while away is told with, once its final state is known
CLOSED_ORDERS = "order_cancel"


@dataclass(frozen=True)
class Reconciliation:
    """What ``account_reconciled`` reports after a reconnection of the authenticated connection.

    ``downtime`` runs from the loss of the connection to the new authentication. ``events`` lists, in the order
    they were emitted, the ``(event, data)`` pairs that told what changed while away (empty when nothing did).
    ``unresolved`` holds the ids of orders that closed while away but whose final state the order history did
    not give (the fetch failed, or Bitfinex did not list them): no close event was emitted for them.
    """

    downtime: datetime.timedelta
    events: tuple[tuple[str, Any], ...]
    unresolved: tuple[int, ...] = ()


def _equal(before: Any, after: Any) -> bool:
    return bool(before == after)


def _same_wallet(before: Any, after: Any) -> bool:
    """Equal balances. The available balance counts only when both sides know it: Bitfinex leaves it null in
    snapshots (it comes with updates and ``calc``), and a null is not a change."""
    if (before.balance, before.unsettled_interest) != (after.balance, after.unsettled_interest):
        return False
    return before.available_balance is None or after.available_balance is None or \
        before.available_balance == after.available_balance


_ORDER_STATE = ("amount", "amount_orig", "price", "price_avg", "order_status", "order_type", "flags", "price_trailing",
                "price_aux_limit", "mts_tif", "gid")


def _same_order(before: Any, after: Any) -> bool:
    """The same order state: what a trader acts on, not the bookkeeping fields (routing, placement id, meta) that
    the REST rows and the socket's may fill differently."""
    return all(getattr(before, name) == getattr(after, name) for name in _ORDER_STATE)


#: how two versions of an item are compared (default: equal dataclasses)
_SAME: dict[str, Callable[[Any, Any], bool]] = {"wallets": _same_wallet, "orders": _same_order}


def differences(
    kind: str, before: Mapping[Any, Any], after: Mapping[Any, Any]
) -> tuple[list[tuple[str, Any]], list[Any]]:
    """The events that tell how ``kind`` went from ``before`` to ``after`` (new items first, then changed, then
    closed, each in the order of its mapping), and the keys of closed orders whose final state must be fetched."""
    appeared, changed, closed = _EVENTS[kind]
    events = [(appeared, item) for key, item in after.items() if key not in before]
    same = _SAME.get(kind, _equal)
    events += [(changed, item) for key, item in after.items() if key in before and not same(before[key], item)]
    gone = [key for key in before if key not in after]
    if closed is None:
        return events, (gone if kind == "orders" else [])
    return events + [(closed, before[key]) for key in gone], []
