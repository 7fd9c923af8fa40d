"""Numbers on the wire: 5 significant digits for prices, 8 decimals for amounts, book precisions, and the
parsing of decimal and integer request fields."""

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, Optional

__all__ = ["round_price", "round_amount", "round_sig", "tick_below", "tick_above", "PRECISION_DIGITS", "as_number",
           "as_int"]

#: Significant digits per aggregated-book precision (protocol.md §3.1).
PRECISION_DIGITS = {"P0": 5, "P1": 4, "P2": 3, "P3": 2, "P4": 1}

# "nearest" breaks a tie away from zero, as JavaScript's toPrecision does in Bitfinex's own code (and bfxapi.rules)
_MODES = {"nearest": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


def round_sig(value: float, digits: int, mode: str = "nearest") -> float:
    """Round ``value`` to ``digits`` significant digits (``mode``: nearest, floor or ceil)."""
    if value == 0:
        return 0.0
    dec = Decimal(repr(float(value)))
    quantum = Decimal(1).scaleb(dec.adjusted() - digits + 1)
    result = float(dec.quantize(quantum, rounding=_MODES[mode]))
    if result == 0:
        return float(quantum) if mode == "ceil" else 0.0
    return result


def round_price(value: float) -> float:
    """A price or rate quantised to 5 significant digits, as the platform does."""
    return round_sig(value, 5)


def round_amount(value: float) -> float:
    """An amount quantised to 8 decimals."""
    result = round(value, 8)
    return 0.0 if result == 0 else result


def _tick(value: float) -> Decimal:
    return Decimal(1).scaleb(Decimal(repr(float(value))).adjusted() - 4)


def tick_below(value: float) -> float:
    """The next 5-significant-digit price strictly below ``value`` (> 0)."""
    dec = Decimal(repr(round_price(value)))
    return round_price(float(dec - _tick(float(dec) * 0.9999)))


def tick_above(value: float) -> float:
    """The next 5-significant-digit price strictly above ``value``."""
    dec = Decimal(repr(round_price(value)))
    return round_price(float(dec + _tick(value)))


def as_number(value: Any) -> Optional[float]:
    """A decimal field of a request (string or number) as a finite float, or None when absent or malformed."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def as_int(value: Any) -> Optional[int]:
    """An integer field of a request (number or digit string), or None when absent or malformed."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return None
