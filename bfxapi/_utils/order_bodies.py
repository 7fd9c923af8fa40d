"""The bodies of order and funding-offer requests, shared by REST (``auth/w/...``) and the WebSocket inputs
(``on``, ``ou``, ...): both take the same arguments and Bitfinex reads the same fields, so they are built in one
place. Decimal fields become exact decimal strings, booleans ``0``/``1``, ``None`` fields are left out.

Every field is checked here, before anything is sent (protocol.md §4.5, Bitfinex's field types): an order whose
``cid`` Bitfinex cannot read may still be placed, and its answer then never matches the request, so a bad value
must fail in the caller's hands. Wrong types raise :class:`~bfxapi.exceptions.InvalidInputTypeError`, values
out of range :class:`~bfxapi.exceptions.InvalidInputError`.
"""

import inspect
import re
from datetime import date
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from ..exceptions import InvalidInputError, InvalidInputTypeError
from .._aliases import DecimalLike, Tif
from .values import dec, date_text, flag, flags_value, integer, integers, json_object, plain, sequence, text, tif_text

__all__ = [
    "new_order",
    "order_update",
    "order_cancel",
    "order_cancel_multi",
    "order_multi_op",
    "funding_offer",
    "funding_offer_cancel",
    "calc",
    "ORDER_TYPES",
    "FUNDING_OFFER_TYPES",
    "ORDER_FLAGS",
    "FUNDING_OFFER_FLAGS",
]

CidDate = Union[str, date]

MAX_MULTI_OPS = 75
MAX_CALC_REQUESTS = 30
MULTI_OPS = ("on", "oc", "oc_multi", "ou")

_BASE_ORDER_TYPES = ("LIMIT", "MARKET", "STOP", "STOP LIMIT", "TRAILING STOP", "FOK", "IOC")
#: no prefix: margin and derivatives; ``EXCHANGE``: the exchange wallet
ORDER_TYPES = _BASE_ORDER_TYPES + tuple(f"EXCHANGE {kind}" for kind in _BASE_ORDER_TYPES)
FUNDING_OFFER_TYPES = ("LIMIT", "FRRDELTAVAR", "FRRDELTAFIX")
ORDER_FLAGS = {64: "HIDDEN", 512: "CLOSE", 1024: "REDUCE_ONLY", 4096: "POST_ONLY", 16384: "OCO", 524288: "NO_VAR_RATES"}
FUNDING_OFFER_FLAGS = {64: "HIDDEN"}

# Bitfinex's documented widths: cid int45, gid int32; ids and other integers must stay exact in the server's
# JavaScript numbers (2**53 - 1).
MAX_CID = 2**45 - 1
MAX_GID = 2**31 - 1
MAX_ID = 2**53 - 1
MIN_LEV, MAX_LEV = 1, 100
MIN_PERIOD, MAX_PERIOD = 2, 120

# Which types need which price (the others are ignored by Bitfinex for that type).
_NEEDS_PRICE = ("LIMIT", "STOP", "STOP LIMIT", "FOK", "IOC")

_TRADING_SYMBOL = re.compile(r"t[A-Za-z0-9]+(:[A-Za-z0-9]+)?")
_FUNDING_SYMBOL = re.compile(r"f[A-Za-z0-9]+")
_CALC = re.compile(
    r"margin_base|balance|margin_sym_t[A-Za-z0-9]+(:[A-Za-z0-9]+)?|funding_sym_f[A-Za-z0-9]+"
    r"|position_t[A-Za-z0-9]+(:[A-Za-z0-9]+)?|wallet_(exchange|margin|funding)_[A-Za-z0-9]+"
)


def _present(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


def _order_id(value: Any, name: str = "id") -> Optional[int]:
    return integer(value, name, 1, MAX_ID)


def _cid(value: Any, name: str = "cid") -> Optional[int]:
    return integer(value, name, 0, MAX_CID)


def _gid(value: Any) -> Optional[int]:
    return integer(value, "gid", 0, MAX_GID)


def _price(value: Any, name: str) -> Optional[str]:
    return dec(value, name, minimum=0)


def _trading_symbol(value: Any) -> str:
    symbol = text(value, "symbol", pattern=_TRADING_SYMBOL, form="a trading pair such as 'tBTCUSD'")
    if symbol is None:
        raise InvalidInputError("symbol is required: a trading pair such as 'tBTCUSD'")
    return symbol


def new_order(
    type: str,
    symbol: str,
    amount: DecimalLike,
    price: Optional[DecimalLike] = None,
    *,
    lev: Optional[int] = None,
    price_trailing: Optional[DecimalLike] = None,
    price_aux_limit: Optional[DecimalLike] = None,
    price_oco_stop: Optional[DecimalLike] = None,
    gid: Optional[int] = None,
    cid: Optional[int] = None,
    cid_oco: Optional[int] = None,
    flags: Optional[int] = None,
    tif: Optional[Tif] = None,
    meta: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]:
    """A new order (``on``, ``auth/w/order/submit``)."""
    kind = text(type, "type", choices=ORDER_TYPES)
    if kind is None:
        raise InvalidInputError(f"type is required: one of {', '.join(map(repr, ORDER_TYPES))}")
    body = _present({
        "type": kind, "symbol": _trading_symbol(symbol), "amount": dec(amount, "amount", nonzero=True),
        "price": _price(price, "price"), "lev": integer(lev, "lev", MIN_LEV, MAX_LEV),
        "price_trailing": _price(price_trailing, "price_trailing"),
        "price_aux_limit": _price(price_aux_limit, "price_aux_limit"),
        "price_oco_stop": _price(price_oco_stop, "price_oco_stop"), "gid": _gid(gid), "cid": _cid(cid),
        "cid_oco": _cid(cid_oco, "cid_oco"), "flags": flags_value(flags, "flags", ORDER_FLAGS), "tif": tif_text(tif),
        "meta": json_object(meta, "meta"),
    })  # fmt: skip
    if "amount" not in body:
        raise InvalidInputError("amount is required: positive to buy, negative to sell")
    base = kind.removeprefix("EXCHANGE ")
    if base in _NEEDS_PRICE and "price" not in body:
        raise InvalidInputError(f"{kind} orders need a price")
    if base == "STOP LIMIT" and "price_aux_limit" not in body:
        raise InvalidInputError(f"{kind} orders need price_aux_limit (the limit price once the stop triggers)")
    if base == "TRAILING STOP" and "price_trailing" not in body:
        raise InvalidInputError(f"{kind} orders need price_trailing (the distance the stop trails the market)")
    return body


def order_update(
    id: int,
    *,
    amount: Optional[DecimalLike] = None,
    price: Optional[DecimalLike] = None,
    cid: Optional[int] = None,
    cid_date: Optional[CidDate] = None,
    gid: Optional[int] = None,
    flags: Optional[int] = None,
    lev: Optional[int] = None,
    delta: Optional[DecimalLike] = None,
    price_aux_limit: Optional[DecimalLike] = None,
    price_trailing: Optional[DecimalLike] = None,
    tif: Optional[Tif] = None,
    meta: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]:
    """A change to an order (``ou``, ``auth/w/order/update``)."""
    order_id = _order_id(id)
    if order_id is None:
        raise InvalidInputError("id is required: the id of the order to change")
    return _present({
        "id": order_id, "amount": dec(amount, "amount", nonzero=True), "price": _price(price, "price"),
        "cid": _cid(cid), "cid_date": date_text(cid_date, "cid_date"), "gid": _gid(gid),
        "flags": flags_value(flags, "flags", ORDER_FLAGS), "lev": integer(lev, "lev", MIN_LEV, MAX_LEV),
        "delta": dec(delta, "delta"), "price_aux_limit": _price(price_aux_limit, "price_aux_limit"),
        "price_trailing": _price(price_trailing, "price_trailing"), "tif": tif_text(tif),
        "meta": json_object(meta, "meta"),
    })  # fmt: skip


def order_cancel(
    id: Optional[int] = None, cid: Optional[int] = None, cid_date: Optional[CidDate] = None
) -> dict[str, Any]:
    """A cancellation by ``id``, or by ``cid`` and ``cid_date`` (``oc``, ``auth/w/order/cancel``)."""
    body = _present({"id": _order_id(id), "cid": _cid(cid), "cid_date": date_text(cid_date, "cid_date")})
    if "id" not in body and ("cid" not in body or "cid_date" not in body):
        raise InvalidInputError("cancel an order by id=..., or by cid=... with cid_date='YYYY-MM-DD'")
    return body


def order_cancel_multi(
    id: Optional[Sequence[int]] = None,
    cid: Optional[Sequence[tuple[int, CidDate]]] = None,
    gid: Optional[Sequence[int]] = None,
    all: Optional[bool] = None,
) -> dict[str, Any]:
    """Several cancellations (``oc_multi``, ``auth/w/order/cancel/multi``)."""
    body = _present({
        "id": integers(id, "id", 1, MAX_ID), "cid": _cid_pairs(cid), "gid": integers(gid, "gid", 0, MAX_GID),
        "all": flag(all, "all") or None,
    })  # fmt: skip
    if not body:
        raise InvalidInputError(
            "cancel several orders by id=[...], cid=[(cid, 'YYYY-MM-DD'), ...], gid=[...] or all=True"
        )
    return body


def _cid_pairs(value: Any) -> Optional[list[list[Any]]]:
    if value is None:
        return None
    form = "(cid, 'YYYY-MM-DD') pairs"
    pairs = sequence(value, "cid", form)
    if not pairs:
        raise InvalidInputError(f"cid must hold at least one of the {form}")
    result: list[list[Any]] = []
    for index, pair in enumerate(pairs):
        items = sequence(pair, f"cid[{index}]", "two items, (cid, 'YYYY-MM-DD')")
        if len(items) != 2:
            raise InvalidInputError(f"cid[{index}] must be a (cid, 'YYYY-MM-DD') pair, not {pair!r}")
        result.append([_cid(items[0], f"cid[{index}][0]"), date_text(items[1], f"cid[{index}][1]")])
        if result[-1][0] is None or result[-1][1] is None:
            raise InvalidInputError(f"cid[{index}] must be a (cid, 'YYYY-MM-DD') pair, not {pair!r}")
    return result


_OPERATIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "on": new_order,
    "oc": order_cancel,
    "oc_multi": order_cancel_multi,
    "ou": order_update,
}


def _parameters(builder: Callable[..., Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The field names a builder takes, and those it needs."""
    parameters = inspect.signature(builder).parameters.values()
    return (
        tuple(p.name for p in parameters),
        tuple(p.name for p in parameters if p.default is inspect.Parameter.empty),
    )


_OPERATION_FIELDS = {kind: _parameters(builder) for kind, builder in _OPERATIONS.items()}


def order_multi_op(operations: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[Any]]:
    """Up to 75 operations (``ox_multi``, ``auth/w/order/multi``): ``[["on", {...}], ["oc", {...}], ...]``.

    Each body is checked as the single operation would be (``on`` as :func:`new_order`, ...)."""
    ops = sequence(operations, "operations", "(kind, body) pairs such as ('oc', {'id': 1})")
    if not ops or len(ops) > MAX_MULTI_OPS:
        raise InvalidInputError(f"give between 1 and {MAX_MULTI_OPS} operations, not {len(ops)}")
    wire: list[list[Any]] = []
    for index, operation in enumerate(ops):
        pair = sequence(operation, f"operations[{index}]", "two items, (kind, body)")
        if len(pair) != 2:
            raise InvalidInputError(f"operations[{index}] must be a (kind, body) pair such as ('oc', {{'id': 1}})")
        kind = plain(pair[0])
        if not isinstance(kind, str):
            raise InvalidInputTypeError(f"operations[{index}] kind must be a str ({', '.join(MULTI_OPS)})")
        if kind not in MULTI_OPS:
            raise InvalidInputError(
                f"unknown order operation {kind!r} in operations[{index}]: use {', '.join(MULTI_OPS)}"
            )
        if not isinstance(pair[1], Mapping):
            raise InvalidInputTypeError(
                f"operations[{index}] ({kind!r}) body must be a dict of fields, not {type(pair[1]).__name__}"
            )
        wire.append([kind, _operation(index, kind, pair[1])])
    return wire


def _operation(index: int, kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    accepted, required = _OPERATION_FIELDS[kind]
    fields = {str(plain(key)): value for key, value in payload.items()}
    unknown = [key for key in fields if key not in accepted]
    if unknown:
        raise InvalidInputError(
            f"operations[{index}] ({kind!r}) has the unknown field {unknown[0]!r}: use {', '.join(accepted)}"
        )
    missing = [key for key in required if fields.get(key) is None]
    if missing:
        raise InvalidInputError(f"operations[{index}] ({kind!r}) needs {', '.join(missing)}")
    try:
        return _OPERATIONS[kind](**fields)
    except InvalidInputError as error:
        # Same class, so that a wrong type stays a TypeError too; the message says which operation.
        raise type(error)(f"operations[{index}] ({kind!r}): {error}") from None


def funding_offer(
    type: str, symbol: str, amount: DecimalLike, rate: DecimalLike, period: int, flags: Optional[int] = None
) -> dict[str, Any]:
    """A funding offer, positive amount, or bid, negative (``fon``, ``auth/w/funding/offer/submit``)."""
    kind = text(type, "type", choices=FUNDING_OFFER_TYPES)
    currency = text(symbol, "symbol", pattern=_FUNDING_SYMBOL, form="a funding currency such as 'fUSD'")
    body = _present({
        "type": kind, "symbol": currency, "amount": dec(amount, "amount", nonzero=True), "rate": dec(rate, "rate"),
        "period": integer(period, "period", MIN_PERIOD, MAX_PERIOD),
        "flags": flags_value(flags, "flags", FUNDING_OFFER_FLAGS),
    })  # fmt: skip
    missing = [name for name in ("type", "symbol", "amount", "rate", "period") if name not in body]
    if missing:
        raise InvalidInputError(f"a funding offer needs {', '.join(missing)}")
    return body


def funding_offer_cancel(id: int) -> dict[str, Any]:
    """The cancellation of a funding offer (``foc``, ``auth/w/funding/offer/cancel``)."""
    offer_id = _order_id(id)
    if offer_id is None:
        raise InvalidInputError("id is required: the id of the funding offer to cancel")
    return {"id": offer_id}


def calc(requests: Sequence[str]) -> list[list[str]]:
    """The body of a ``calc`` input: ``[["margin_base"], ["wallet_exchange_USD"], ...]``, at most 30.

    Bitfinex answers nothing to a request it does not know, so the names are checked here: ``margin_base``,
    ``margin_sym_<tSYMBOL>``, ``funding_sym_<fSYMBOL>``, ``position_<tSYMBOL>``, ``wallet_<type>_<CURRENCY>``,
    ``balance``."""
    names = sequence(requests, "calc requests", "str")
    if not names or len(names) > MAX_CALC_REQUESTS:
        raise InvalidInputError(f"calc takes between 1 and {MAX_CALC_REQUESTS} requests, not {len(names)}")
    form = (
        "margin_base, margin_sym_<tSYMBOL>, funding_sym_<fSYMBOL>, position_<tSYMBOL>, "
        "wallet_<exchange|margin|funding>_<CURRENCY> or balance"
    )
    return [[str(text(name, f"calc request {index}", pattern=_CALC, form=form))] for index, name in enumerate(names)]
