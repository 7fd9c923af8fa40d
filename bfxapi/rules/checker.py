"""The order rules as one check, shared by REST (``submit_order``, ``update_order``, ``submit_order_multi_op``) and
the WebSocket inputs (``on``, ``ou``, ``ox_multi``).

Why it works on request bodies: both interfaces build the same body (:mod:`bfxapi._utils.order_bodies`), whose
decimal fields are already exact decimal text. Checking that body, after the value checks and right before it is
sent, gives one source of truth for both interfaces and makes the check exact (no float step), whatever kinds of
numbers the caller gave.

What is checked (protocol.md §1 and §6.1):

* prices (``price``, ``price_aux_limit``, ``price_oco_stop``): at most 5 significant digits. ``price_trailing``
  is a distance from the market, not a price level, and is left as given;
* amounts (``amount``, and an update's ``delta``): at most 8 decimals;
* the size of a new order's ``amount`` (or of an update's new ``amount``) against the pair's minimum and maximum
  from ``conf/pub:info:pair`` (``:futures`` for derivatives), read through :class:`~.pairs.PairLimitsCache`.

In ``"round"`` mode a price or amount off the grid is rounded to it (the body sent carries the rounded text); in
``"strict"`` mode it is refused. Either way a size out of bounds, or a pair Bitfinex does not list, is refused with
:class:`~bfxapi.exceptions.OrderRuleError` and nothing is sent.
"""

from collections import OrderedDict
from decimal import Decimal
from typing import (
    Any, Awaitable, Callable, Literal, Mapping, NamedTuple, Optional, Protocol, Sequence, Union, cast, get_args,
)

from ..exceptions import InvalidInputError, InvalidInputTypeError, OrderRuleError
from .pairs import PairInfoSource, PairLimits, PairLimitsCache
from .rounding import AMOUNT_DECIMALS, PRICE_SIGNIFICANT_DIGITS, Number, amount_decimal, price_decimal, to_decimal

__all__ = ["OrderRules", "RulesMode", "CheckedOrder", "apply_rules", "rules_mode", "active_order_symbol"]

RulesMode = Literal["round", "strict"]
#: how an update's order is found when its ``amount`` changes: its symbol, or None when no active order has that id
OrderSymbol = Callable[[int], Awaitable[Optional[str]]]

_MODES: tuple[str, ...] = get_args(RulesMode)
_PRICE_FIELDS = ("price", "price_aux_limit", "price_oco_stop")
_AMOUNT_FIELDS = ("amount", "delta")
#: orders whose symbol an update looked up, kept so that the next update of the same order costs no request
_KNOWN_ORDERS = 4096


class _ActiveOrders(Protocol):
    """``get_orders`` of the REST ``auth`` endpoints."""

    async def get_orders(self, *, ids: Optional[Sequence[int]] = None) -> Sequence[Any]: ...


def active_order_symbol(auth: _ActiveOrders) -> OrderSymbol:
    """The symbol of an active order, asked of REST (``auth/r/orders`` with its id)."""

    async def symbol(order_id: int) -> Optional[str]:
        orders = await auth.get_orders(ids=[order_id])
        return str(orders[0].symbol) if orders else None

    return symbol


class CheckedOrder(NamedTuple):
    """What :meth:`OrderRules.check_order` allows: the amount and price to send (exact)."""

    amount: Decimal
    price: Optional[Decimal]


def rules_mode(value: Any, name: str = "check_order_rules") -> Optional[RulesMode]:
    """``False``/``None`` (off), ``True`` (``"round"``), ``"round"`` or ``"strict"``."""
    if value is None or value is False:
        return None
    if value is True:
        return "round"
    if not isinstance(value, str):
        raise InvalidInputTypeError(f"{name} must be True, False, 'round' or 'strict', not {type(value).__name__}")
    if value not in _MODES:
        raise InvalidInputError(f"{name} must be True, False, 'round' or 'strict', not {value!r}")
    return cast(RulesMode, value)  # one of _MODES, which are RulesMode's values


def _refuse(rule: str, field: str, value: Any, allowed: Optional[Decimal], symbol: Optional[str], text: str) -> None:
    raise OrderRuleError(text, rule=rule, field=field, value=None if value is None else str(value), allowed=allowed,
                         symbol=symbol)


def _on_grid(field: str, value: Any, strict: bool, symbol: Optional[str]) -> str:
    """``value`` (decimal text) on Bitfinex's grid for ``field``, or OrderRuleError in strict mode."""
    number = to_decimal(value, field)
    price = field in _PRICE_FIELDS
    allowed = price_decimal(number) if price else amount_decimal(number)
    if allowed == number:
        return str(value)
    if allowed == 0 and number != 0:
        _refuse("amount_precision", field, value, Decimal(1).scaleb(-AMOUNT_DECIMALS), symbol,
                f"{field} {value} rounds to 0 at Bitfinex's {AMOUNT_DECIMALS} decimals: the smallest amount is "
                f"{Decimal(1).scaleb(-AMOUNT_DECIMALS):f}")
    if strict:
        if price:
            _refuse("price_precision", field, value, allowed, symbol,
                    f"{field} {value} has more than the {PRICE_SIGNIFICANT_DIGITS} significant digits Bitfinex takes: "
                    f"the nearest price it takes is {allowed:f} (bfxapi.rules.round_price)")
        _refuse("amount_precision", field, value, allowed, symbol,
                f"{field} {value} has more than the {AMOUNT_DECIMALS} decimals Bitfinex takes: the nearest amount "
                f"it takes is {allowed:f} (bfxapi.rules.round_amount)")
    return format(allowed, "f")


def _check_size(amount: str, limits: PairLimits, symbol: str) -> None:
    size = abs(Decimal(amount))
    low, high = limits.min_order_size, limits.max_order_size
    if low is not None and size < low:
        _refuse("min_size", "amount", amount, low, symbol,
                f"amount {amount} is below the minimum order size for {symbol}, {low:f}: order at least {low:f}")
    if high is not None and size > high:
        _refuse("max_size", "amount", amount, high, symbol,
                f"amount {amount} is above the maximum order size for {symbol}, {high:f}: split it into orders of "
                f"at most {high:f}")


def apply_rules(
    body: Mapping[str, Any], limits: Optional[PairLimits], symbol: Optional[str], strict: bool
) -> dict[str, Any]:
    """``body`` with its prices and amounts on Bitfinex's grid, after checking its amount against ``limits``
    (skipped when ``symbol`` is None: an update whose order was not found). Pure: the source of truth of the rules."""
    checked = dict(body)
    for field in _PRICE_FIELDS + _AMOUNT_FIELDS:
        if checked.get(field) is not None:
            checked[field] = _on_grid(field, checked[field], strict, symbol)
    if symbol is not None:
        if limits is None:
            _refuse("unknown_pair", "symbol", symbol, None, symbol,
                    f"{symbol} is not a pair Bitfinex lists in conf/pub:info:pair (nor :futures): check the symbol")
        elif checked.get("amount") is not None:
            _check_size(checked["amount"], limits, symbol)
    return checked


class OrderRules:
    """Bitfinex's order rules for one client (``bfx.rules``; see the module docs).

    * ``await rules.check_order("tBTCUSD", amount, price)`` checks values by hand and returns the exact ones to send
      (:class:`CheckedOrder`), or raises :class:`~bfxapi.exceptions.OrderRuleError`;
    * ``await rules.limits("tBTCUSD")`` is the pair's :class:`~.pairs.PairLimits` (``None``: not listed);
    * ``mode`` (``None``, ``"round"`` or ``"strict"``; ``Client(check_order_rules=...)``) makes REST and WebSocket
      order inputs go through the check before they are sent. ``None``: they are sent as given.
    """

    def __init__(
        self,
        pair_info: PairInfoSource,
        *,
        order_symbol: Optional[OrderSymbol] = None,
        mode: Union[None, bool, RulesMode] = None,
        ttl: float = 3600.0,
        miss_interval: float = 60.0,
    ) -> None:
        self._mode = rules_mode(mode, "mode")
        self.pairs = PairLimitsCache(pair_info, ttl=ttl, miss_interval=miss_interval)
        self._order_symbol = order_symbol
        self._symbols: "OrderedDict[int, str]" = OrderedDict()

    @property
    def mode(self) -> Optional[RulesMode]:
        """How order inputs are checked before they are sent: ``None`` (not at all), ``"round"``, ``"strict"``."""
        return self._mode

    @mode.setter
    def mode(self, value: Union[None, bool, RulesMode]) -> None:
        self._mode = rules_mode(value, "mode")

    async def limits(self, symbol: str) -> Optional[PairLimits]:
        """The order size limits of ``symbol`` (``"tBTCUSD"``), or None when Bitfinex lists no such pair."""
        return await self.pairs.get(symbol)

    async def check_order(
        self, symbol: str, amount: Number, price: Optional[Number] = None, *, strict: bool = False
    ) -> CheckedOrder:
        """The amount and price of an order on ``symbol`` as Bitfinex takes them: rounded to its grid (refused off
        the grid with ``strict``), the amount within the pair's size limits. Raises OrderRuleError."""
        if not isinstance(symbol, str):
            raise InvalidInputTypeError(f"symbol must be a str such as 'tBTCUSD', not {type(symbol).__name__}")
        body = {"amount": format(to_decimal(amount, "amount"), "f")}
        if price is not None:
            body["price"] = format(to_decimal(price, "price"), "f")
        checked = apply_rules(body, await self.pairs.get(symbol), symbol, strict)
        return CheckedOrder(Decimal(checked["amount"]), Decimal(checked["price"]) if price is not None else None)

    # -- used by the REST endpoints and the WebSocket inputs, on bodies built by bfxapi._utils.order_bodies --

    async def checked_new_order(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new order's body as it may be sent (unchanged when ``mode`` is None)."""
        if self._mode is None:
            return body
        symbol = body["symbol"]
        return apply_rules(body, await self.pairs.get(symbol), symbol, self._mode == "strict")

    async def checked_update(self, body: dict[str, Any]) -> dict[str, Any]:
        """An order update's body as it may be sent (unchanged when ``mode`` is None). A new ``amount`` is checked
        against the order's pair, looked up once per order."""
        if self._mode is None:
            return body
        symbol = await self._symbol_of(body["id"]) if body.get("amount") is not None else None
        limits = await self.pairs.get(symbol) if symbol is not None else None
        return apply_rules(body, limits, symbol, self._mode == "strict")

    async def checked_operations(self, ops: Sequence[list[Any]]) -> list[list[Any]]:
        """The ``on`` and ``ou`` bodies of a multi-operation checked as above; the other operations as they are."""
        if self._mode is None:
            return list(ops)
        checked: list[list[Any]] = []
        for kind, body in ops:
            if kind == "on":
                body = await self.checked_new_order(body)
            elif kind == "ou":
                body = await self.checked_update(body)
            checked.append([kind, body])
        return checked

    async def _symbol_of(self, order_id: int) -> Optional[str]:
        if order_id in self._symbols:
            self._symbols.move_to_end(order_id)
            return self._symbols[order_id]
        if self._order_symbol is None:
            return None
        symbol = await self._order_symbol(order_id)
        if symbol is not None:
            self._symbols[order_id] = symbol
            if len(self._symbols) > _KNOWN_ORDERS:
                self._symbols.popitem(last=False)
        return symbol

    def __repr__(self) -> str:
        return f"OrderRules(mode={self._mode!r}, pairs={len(self.pairs.table)})"
