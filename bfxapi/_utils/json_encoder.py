"""JSON for requests sent to Bitfinex.

Bitfinex documents decimal values (amounts, prices, rates) as decimal strings; a binary float such as
``0.1`` must never travel as ``0.1000000000000000055511151231257827``, nor in exponent form. So:

* ``float`` and ``Decimal`` values become exact fixed-point strings (``0.1`` -> ``"0.1"``,
  ``1e-8`` -> ``"0.00000001"``, ``Decimal("1.50")`` -> ``"1.50"``);
* ``int`` and ``bool`` stay JSON numbers and booleans (ids, flags, periods);
* keys whose value is ``None`` are dropped from objects at every depth (``None`` inside lists is kept);
* the output is compact, because the exact text is what authenticated requests sign.

Fields documented as decimals go through :func:`to_decimal_string`, which also accepts ``int`` and
numeric ``str`` and rejects anything that is not a finite number with :class:`InvalidInputError`.
"""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from .._aliases import DecimalLike
from ..exceptions import InvalidInputError

__all__ = ["to_decimal_string", "prepare", "dumps"]


def to_decimal_string(value: DecimalLike, name: str = "value") -> str:
    """The exact fixed-point decimal text of ``value``."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise InvalidInputError(f"{name} must be a Decimal, int, float or numeric str, not {type(value).__name__}")
    try:
        # repr() of a float is its shortest round-trip text, so 0.1 stays 0.1.
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise InvalidInputError(f"{name} is not a number: {value!r}") from None
    if not number.is_finite():
        raise InvalidInputError(f"{name} must be finite, not {value!r}")
    return format(number, "f")


def prepare(obj: Any) -> Any:
    """A copy of ``obj`` made ready for ``json.dumps`` by the rules above."""
    if isinstance(obj, dict):
        return {str(key): prepare(value) for key, value in obj.items() if value is not None}
    if isinstance(obj, (list, tuple)):
        return [prepare(value) for value in obj]
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, (float, Decimal)):
        return to_decimal_string(obj)
    raise InvalidInputError(f"cannot send a value of type {type(obj).__name__} to Bitfinex: {obj!r}")


def dumps(obj: Any) -> str:
    """Compact JSON text of ``obj`` prepared by :func:`prepare`."""
    return json.dumps(prepare(obj), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
