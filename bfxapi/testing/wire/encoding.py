"""JSON text as the Bitfinex servers (JavaScript) print it: ``js_number`` and ``dumps`` (protocol.md §1, §3.6)."""

import json
import math
from decimal import Decimal
from typing import Any

__all__ = ["js_number", "dumps"]


def js_number(value: float) -> str:
    """Format a number exactly as ECMAScript ``String(number)`` does (protocol.md §3.6)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    dec = Decimal(repr(abs(value))).normalize()
    tup = dec.as_tuple()
    digits = "".join(str(d) for d in tup.digits)
    exponent = int(tup.exponent)
    k = len(digits)
    n = exponent + k
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return sign + mantissa + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, (int, float)):
        out.append(js_number(value))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot encode {type(value).__name__} on the wire")


def dumps(value: Any) -> str:
    """Serialise to compact JSON, printing numbers the way the Bitfinex servers (JavaScript) do."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out)
