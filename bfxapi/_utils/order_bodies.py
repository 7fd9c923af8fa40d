"""The bodies of order and funding-offer requests, shared by REST (``auth/w/...``) and the WebSocket inputs
(``on``, ``ou``, ...): both take the same arguments and Bitfinex reads the same fields, so they are built in one
place. Decimal fields become exact decimal strings, booleans ``0``/``1``, ``None`` fields are left out."""

from datetime import datetime
from typing import Any, Mapping, Optional, Sequence, Union

from ..exceptions import InvalidInputError
from .json_encoder import DecimalLike
from .values import dec, flag, plain, tif_text

__all__ = ["new_order", "order_update", "order_cancel", "order_cancel_multi", "order_multi_op", "funding_offer"]

Tif = Union[str, datetime]

MAX_MULTI_OPS = 75
MULTI_OPS = ("on", "oc", "oc_multi", "ou")
# Decimal fields of order inputs, sent as strings inside multi-operations too.
_ORDER_DECIMALS = ("amount", "price", "price_trailing", "price_aux_limit", "price_oco_stop", "delta")


def _present(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


def new_order(
    type: str,
    symbol: str,
    amount: DecimalLike,
    price: Optional[DecimalLike],
    *,
    lev: Optional[int] = None,
    price_trailing: Optional[DecimalLike] = None,
    price_aux_limit: Optional[DecimalLike] = None,
    price_oco_stop: Optional[DecimalLike] = None,
    gid: Optional[int] = None,
    cid: Optional[int] = None,
    flags: Optional[int] = None,
    tif: Optional[Tif] = None,
    meta: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]:
    """A new order (``on``, ``auth/w/order/submit``)."""
    return _present({
        "type": plain(type), "symbol": plain(symbol), "amount": dec(amount, "amount"), "price": dec(price, "price"),
        "lev": lev, "price_trailing": dec(price_trailing, "price_trailing"),
        "price_aux_limit": dec(price_aux_limit, "price_aux_limit"),
        "price_oco_stop": dec(price_oco_stop, "price_oco_stop"), "gid": gid, "cid": cid, "flags": flags,
        "tif": tif_text(tif), "meta": dict(meta) if meta is not None else None,
    })  # fmt: skip


def order_update(
    id: int,
    *,
    amount: Optional[DecimalLike] = None,
    price: Optional[DecimalLike] = None,
    cid: Optional[int] = None,
    cid_date: Optional[str] = None,
    gid: Optional[int] = None,
    flags: Optional[int] = None,
    lev: Optional[int] = None,
    delta: Optional[DecimalLike] = None,
    price_aux_limit: Optional[DecimalLike] = None,
    price_trailing: Optional[DecimalLike] = None,
    tif: Optional[Tif] = None,
) -> dict[str, Any]:
    """A change to an order (``ou``, ``auth/w/order/update``)."""
    return _present({
        "id": id, "amount": dec(amount, "amount"), "price": dec(price, "price"), "cid": cid, "cid_date": cid_date,
        "gid": gid, "flags": flags, "lev": lev, "delta": dec(delta, "delta"),
        "price_aux_limit": dec(price_aux_limit, "price_aux_limit"),
        "price_trailing": dec(price_trailing, "price_trailing"), "tif": tif_text(tif),
    })  # fmt: skip


def order_cancel(id: Optional[int] = None, cid: Optional[int] = None, cid_date: Optional[str] = None) -> dict[str, Any]:
    """A cancellation by ``id``, or by ``cid`` and ``cid_date`` (``oc``, ``auth/w/order/cancel``)."""
    if id is None and (cid is None or cid_date is None):
        raise InvalidInputError("cancel an order by id=..., or by cid=... with cid_date='YYYY-MM-DD'")
    return _present({"id": id, "cid": cid, "cid_date": cid_date})


def order_cancel_multi(
    id: Optional[Sequence[int]] = None,
    cid: Optional[Sequence[tuple[int, str]]] = None,
    gid: Optional[Sequence[int]] = None,
    all: Optional[bool] = None,
) -> dict[str, Any]:
    """Several cancellations (``oc_multi``, ``auth/w/order/cancel/multi``)."""
    body = _present({
        "id": list(id) if id is not None else None,
        "cid": [list(pair) for pair in cid] if cid is not None else None,
        "gid": list(gid) if gid is not None else None,
        "all": flag(all) if all else None,
    })  # fmt: skip
    if not body:
        raise InvalidInputError("cancel several orders by id=[...], cid=[...], gid=[...] or all=True")
    return body


def order_multi_op(operations: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[Any]]:
    """Up to 75 operations (``ox_multi``, ``auth/w/order/multi``): ``[["on", {...}], ["oc", {...}], ...]``."""
    if not operations or len(operations) > MAX_MULTI_OPS:
        raise InvalidInputError(f"give between 1 and {MAX_MULTI_OPS} operations, not {len(operations)}")
    wire: list[list[Any]] = []
    for kind, payload in operations:
        kind = str(plain(kind))
        if kind not in MULTI_OPS:
            raise InvalidInputError(f"unknown order operation {kind!r}: use one of {', '.join(MULTI_OPS)}")
        body = {str(key): plain(value) for key, value in payload.items()}
        for key in _ORDER_DECIMALS:
            if body.get(key) is not None:
                body[key] = dec(body[key], key)
        wire.append([kind, _present(body)])
    return wire


def funding_offer(
    type: str, symbol: str, amount: DecimalLike, rate: DecimalLike, period: int, flags: Optional[int] = None
) -> dict[str, Any]:
    """A funding offer, positive amount, or bid, negative (``fon``, ``auth/w/funding/offer/submit``)."""
    return _present({
        "type": plain(type), "symbol": plain(symbol), "amount": dec(amount, "amount"), "rate": dec(rate, "rate"),
        "period": period, "flags": flags,
    })  # fmt: skip
