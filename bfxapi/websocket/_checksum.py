"""Book checksums as Bitfinex computes them (protocol §3.4).

The checksum is the CRC-32 of the best 25 levels of each side, interleaved (bid 1, ask 1, bid 2, ...), each
level as ``KEY:AMOUNT`` (KEY the price, rate, order id or offer id; AMOUNT with its sign), all joined with
``:``. Bitfinex prints the numbers the way JavaScript's ``String(number)`` does, so the client must too:
``1e-7`` (never ``1e-07``), ``0.000001``, ``7254`` (never ``7254.0``), ``1e+21``.
"""

import math
import zlib
from decimal import Decimal
from typing import Sequence, Union

__all__ = ["js_number", "checksum_string", "crc32"]

Number = Union[int, float]


def js_number(value: Number) -> str:
    """``value`` printed as JavaScript's ``Number.prototype.toString()`` prints it."""
    if value.__class__ is int:
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} has no place in a book")
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    # repr() gives the shortest digits that round-trip, as JavaScript does; only the layout differs.
    sign, digits_tuple, exponent = Decimal(repr(number)).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple))
    k = len(digits)
    n = k + int(exponent)  # the value is 0.DIGITS x 10^n
    prefix = "-" if sign else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{prefix}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def checksum_string(bids: Sequence[tuple[Number, Number]], asks: Sequence[tuple[Number, Number]]) -> str:
    """The interleaved ``KEY:AMOUNT`` string of the best 25 of each side (each side given best first)."""
    parts: list[str] = []
    for index in range(25):
        if index < len(bids):
            key, amount = bids[index]
            parts.append(js_number(key))
            parts.append(js_number(amount))
        if index < len(asks):
            key, amount = asks[index]
            parts.append(js_number(key))
            parts.append(js_number(amount))
    return ":".join(parts)


def crc32(text: str) -> int:
    """The unsigned CRC-32 of ``text`` (Bitfinex sends it signed; compare with ``value & 0xFFFFFFFF``)."""
    return zlib.crc32(text.encode("utf-8")) & 0xFFFFFFFF
