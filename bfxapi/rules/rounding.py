"""Bitfinex's number grid for orders: prices to 5 significant digits, amounts to 8 decimals (protocol.md §1).

Why round on the decimal text and not on the binary value: a ``float`` such as ``0.1 + 0.2`` is
``0.30000000000000004`` in binary; what a user means, and what the client sends (see
:mod:`bfxapi._utils.json_encoder`), is its shortest round-trip text. So a ``float`` is read through ``repr()``,
rounded exactly as a ``Decimal``, and turned back into the nearest ``float``; a ``Decimal`` (or a ``str``) is
rounded exactly, with no binary step at all.

Why half-up: Bitfinex's own libraries prepare numbers with JavaScript's ``toPrecision(5)`` and ``toFixed(8)``,
which round a tie away from zero; ``ROUND_HALF_UP`` does the same on the exact decimal (ties are rare on prices
that already came from the book, but an order computed as ``mid * 1.0005`` can land on one).
"""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Union, overload

from ..exceptions import InvalidInputError, InvalidInputTypeError

__all__ = ["PRICE_SIGNIFICANT_DIGITS", "AMOUNT_DECIMALS", "round_price", "round_amount", "to_decimal"]

#: significant digits of a price, a stop or a limit level on Bitfinex
PRICE_SIGNIFICANT_DIGITS = 5
#: decimals of an amount on Bitfinex
AMOUNT_DECIMALS = 8

_AMOUNT_QUANTUM = Decimal(1).scaleb(-AMOUNT_DECIMALS)
# A private context (never the task's current one, which an application may have narrowed): 60 digits hold any
# amount with its 8 decimals; a value beyond that is no order anyone can send and raises InvalidInputError.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)

Number = Union[Decimal, float, int, str]


def to_decimal(value: Number, name: str = "value") -> Decimal:
    """``value`` as an exact finite ``Decimal`` (a ``float`` through its shortest round-trip text)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, float, int, str)):
        raise InvalidInputTypeError(
            f"{name} must be a Decimal, float, int or numeric str, not {type(value).__name__}"
        )
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise InvalidInputError(f"{name} is not a number: {value!r}") from None
    if not number.is_finite():
        raise InvalidInputError(f"{name} must be a finite number, not {value!r}")
    return number


def _plain(number: Decimal) -> Decimal:
    """``number`` without trailing zeros and without an exponent (``1.5000`` -> ``1.5``, ``1E+2`` -> ``100``)."""
    if number == 0:
        return Decimal(0)
    number = number.normalize(_CONTEXT)
    exponent = number.as_tuple().exponent
    return number.quantize(Decimal(1), context=_CONTEXT) if isinstance(exponent, int) and exponent > 0 else number


def _quantize(number: Decimal, quantum: Decimal, name: str) -> Decimal:
    try:
        return _plain(number.quantize(quantum, context=_CONTEXT))
    except InvalidOperation:
        raise InvalidInputError(f"{name} is too large to be an order value: {number}") from None


def price_decimal(number: Decimal) -> Decimal:
    """An exact price rounded to :data:`PRICE_SIGNIFICANT_DIGITS` significant digits."""
    if number == 0:
        return Decimal(0)
    quantum = Decimal(1).scaleb(number.adjusted() - PRICE_SIGNIFICANT_DIGITS + 1)
    return _quantize(number, quantum, "price")


def amount_decimal(number: Decimal) -> Decimal:
    """An exact amount rounded to :data:`AMOUNT_DECIMALS` decimals."""
    return _quantize(number, _AMOUNT_QUANTUM, "amount")


def _same_kind(value: Number, rounded: Decimal) -> Number:
    if isinstance(value, float):
        return float(rounded)
    if isinstance(value, int):  # an int price of more than 5 digits rounds to tens, hundreds...: still an int
        return int(rounded)
    return rounded  # Decimal, and str (read exactly, so given back exactly)


@overload
def round_price(value: int) -> int: ...
@overload
def round_price(value: float) -> float: ...
@overload
def round_price(value: Union[Decimal, str]) -> Decimal: ...


def round_price(value: Number) -> Number:
    """``value`` rounded to Bitfinex's 5 significant digits (``10234.56`` -> ``10235``, ``0.000123456`` ->
    ``0.00012346``, ``123456`` -> ``123460``), ties away from zero.

    Returns the kind it is given: a ``float`` for a ``float`` (rounded on its decimal text), an ``int`` for an
    ``int``, a ``Decimal`` for a ``Decimal`` or a numeric ``str`` (exact). Raises
    :class:`~bfxapi.exceptions.InvalidInputTypeError` for another type and
    :class:`~bfxapi.exceptions.InvalidInputError` for a text that is not a finite number."""
    return _same_kind(value, price_decimal(to_decimal(value, "price")))


@overload
def round_amount(value: int) -> int: ...
@overload
def round_amount(value: float) -> float: ...
@overload
def round_amount(value: Union[Decimal, str]) -> Decimal: ...


def round_amount(value: Number) -> Number:
    """``value`` rounded to Bitfinex's 8 decimals (``0.123456789`` -> ``0.12345679``), ties away from zero; the
    sign (buy or sell) is kept. Returns the kind it is given, as :func:`round_price` does."""
    return _same_kind(value, amount_decimal(to_decimal(value, "amount")))
