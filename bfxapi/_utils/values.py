"""Caller values as Bitfinex reads them: enums unwrapped, decimals as exact text, booleans as 0/1, times.

Each helper also checks its value and raises before anything is sent: a value Bitfinex would misread (a
``cid`` of ``"7"``, ``True`` as an id, ``nan`` as a price) would otherwise be answered late, or not at all,
for a request that may already have been executed. A value of the wrong type raises
:class:`~bfxapi.exceptions.InvalidInputTypeError`, one of the right type but out of range
:class:`~bfxapi.exceptions.InvalidInputError`; each message names the field and the form it takes.
"""

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Optional, Union

from ..exceptions import InvalidInputError, InvalidInputTypeError
from .._aliases import DecimalLike
from .json_encoder import to_decimal_string

__all__ = [
    "plain",
    "dec",
    "flag",
    "tif_text",
    "date_text",
    "integer",
    "integers",
    "text",
    "flags_value",
    "json_object",
    "sequence",
    "real_number",
    "boolean",
    "json_value",
]

_TIF_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATE_FORMAT = "%Y-%m-%d"
# strptime alone would also take "2030-1-1": Bitfinex reads the zero-padded form only.
_TIF_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


def plain(value: Any) -> Any:
    """``value`` without its ``Enum`` wrapper (recursively inside lists, tuples and dicts)."""
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    return value


def _kind(value: Any) -> str:
    return type(value).__name__


def dec(
    value: Optional[DecimalLike], name: str, *, minimum: Optional[int] = None, nonzero: bool = False
) -> Optional[str]:
    """The exact decimal text of a decimal field, or ``None`` to omit it; ``minimum`` and ``nonzero`` bound it."""
    if value is None:
        return None
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise InvalidInputTypeError(
            f"{name} must be a decimal number (Decimal, int, float or numeric str), not {_kind(value)}"
        )
    result = to_decimal_string(value, name)
    number = Decimal(result)
    if nonzero and number == 0:
        raise InvalidInputError(f"{name} must not be 0")
    if minimum is not None and number < minimum:
        raise InvalidInputError(f"{name} must be at least {minimum}, not {result}")
    return result


def flag(value: Optional[bool], name: str = "value") -> Optional[int]:
    """Bitfinex's ``0``/``1`` for a boolean field, or ``None`` to omit it (``True``/``False``, or ``1``/``0``)."""
    if value is None:
        return None
    value = plain(value)
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int) and value in (0, 1):
        return int(value)
    raise InvalidInputTypeError(f"{name} must be True or False, not {value!r}")


def tif_text(value: Union[None, str, datetime], name: str = "tif") -> Optional[str]:
    """A time-in-force as Bitfinex reads it (``"2030-01-01 10:45:23"``, UTC): a ``datetime`` (naive ones are taken
    as UTC) or a string already in that form."""
    if value is None:
        return None
    value = plain(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value.strftime(_TIF_FORMAT)
    if not isinstance(value, str):
        raise InvalidInputTypeError(f"{name} must be a datetime or a 'YYYY-MM-DD HH:MM:SS' str, not {_kind(value)}")
    if not _parses(value, _TIF_SHAPE, _TIF_FORMAT):
        raise InvalidInputError(f"{name} must be a UTC time as 'YYYY-MM-DD HH:MM:SS', not {value!r}")
    return value


def date_text(value: Union[None, str, date], name: str) -> Optional[str]:
    """A UTC day as Bitfinex reads it (``"2030-01-31"``): a ``date`` or a string already in that form."""
    if value is None:
        return None
    value = plain(value)
    if isinstance(value, datetime):
        raise InvalidInputTypeError(f"{name} is a day: give a date or a 'YYYY-MM-DD' str, not a datetime")
    if isinstance(value, date):
        return value.strftime(_DATE_FORMAT)
    if not isinstance(value, str):
        raise InvalidInputTypeError(f"{name} must be a 'YYYY-MM-DD' str (the UTC day), not {_kind(value)}")
    if not _parses(value, _DATE_SHAPE, _DATE_FORMAT):
        raise InvalidInputError(f"{name} must be a UTC day as 'YYYY-MM-DD', not {value!r}")
    return value


def _parses(value: str, shape: "re.Pattern[str]", form: str) -> bool:
    if not shape.fullmatch(value):
        return False
    try:
        datetime.strptime(value, form)
    except ValueError:  # a day or an hour that does not exist: "2030-02-30"
        return False
    return True


def integer(value: Any, name: str, minimum: Optional[int] = None, maximum: Optional[int] = None) -> Optional[int]:
    """An integer field, or ``None`` to omit it. Booleans are refused: ``True`` is never meant as an id."""
    if value is None:
        return None
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputTypeError(f"{name} must be an int{_bounds(minimum, maximum)}, not {_kind(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise InvalidInputError(f"{name} must be an int{_bounds(minimum, maximum)}, not {value}")
    return int(value)


def _bounds(minimum: Optional[int], maximum: Optional[int]) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    if maximum is not None:
        return f" of at most {maximum}"
    return ""


def sequence(value: Any, name: str, what: str) -> list[Any]:
    """The items of a list-like argument; a string (which would split into letters), a mapping or a scalar is
    refused."""
    value = plain(value)
    if isinstance(value, (str, bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInputTypeError(f"{name} must be a list of {what}, not {_kind(value)}")
    return list(value)


def integers(
    value: Any, name: str, minimum: Optional[int] = None, maximum: Optional[int] = None
) -> Optional[list[int]]:
    """A non-empty list of integer fields, or ``None`` to omit it."""
    if value is None:
        return None
    items = sequence(value, name, "int")
    if not items:
        raise InvalidInputError(f"{name} must hold at least one int")
    result: list[int] = []
    for index, item in enumerate(items):
        number = integer(item, f"{name}[{index}]", minimum, maximum)
        assert number is not None
        result.append(number)
    return result


def text(
    value: Any,
    name: str,
    *,
    choices: Optional[Iterable[str]] = None,
    pattern: Optional["re.Pattern[str]"] = None,
    form: str = "",
) -> Optional[str]:
    """A string field, or ``None`` to omit it: one of ``choices``, or matching ``pattern`` (described by
    ``form`` in the error), or, without either, any non-empty string."""
    if value is None:
        return None
    value = plain(value)
    if not isinstance(value, str):
        raise InvalidInputTypeError(f"{name} must be a str{f' ({form})' if form else ''}, not {_kind(value)}")
    if choices is not None:
        allowed = tuple(choices)
        if value not in allowed:
            raise InvalidInputError(f"{name} must be one of {', '.join(map(repr, allowed))}, not {value!r}")
    elif pattern is not None:
        if not pattern.fullmatch(value):
            raise InvalidInputError(f"{name} must be {form}, not {value!r}")
    elif not value:
        raise InvalidInputError(f"{name} must not be empty")
    return value


def flags_value(value: Any, name: str, known: Mapping[int, str]) -> Optional[int]:
    """A sum of the ``known`` flags (``{64: "HIDDEN", ...}``), or ``None`` to omit it."""
    number = integer(value, name, 0)
    if number is None:
        return None
    unknown = number & ~sum(known)
    if unknown:
        listed = ", ".join(f"{label} {bit}" for bit, label in sorted(known.items()))
        raise InvalidInputError(f"{name} must be a sum of the flags {listed}; {number} has the unknown bits {unknown}")
    return number


def json_object(value: Any, name: str) -> Optional[dict[str, Any]]:
    """A JSON object field (``meta``): a mapping with ``str`` keys whose values JSON can carry."""
    if value is None:
        return None
    value = plain(value)
    if not isinstance(value, Mapping):
        raise InvalidInputTypeError(f"{name} must be a dict with str keys, not {_kind(value)}")
    _check_json(value, name)
    return dict(value)


def _check_json(value: Any, path: str) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInputTypeError(f"{path} must have str keys, not {_kind(key)} ({key!r})")
            _check_json(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")
    elif isinstance(value, (float, Decimal)):
        to_decimal_string(value, path)  # refuses nan and infinities
    elif value is not None and not isinstance(value, (bool, int, str)):
        raise InvalidInputTypeError(f"{path} cannot be sent as JSON: {_kind(value)}")


def real_number(
    value: Any, name: str, *, minimum: Optional[float] = None, positive: bool = False
) -> Optional[float]:
    """A finite real number (an ``int`` or a ``float``, such as a number of seconds), or ``None`` to omit it;
    ``positive`` requires more than 0 and ``minimum`` at least that much. Booleans are refused."""
    if value is None:
        return None
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputTypeError(f"{name} must be a number (int or float), not {_kind(value)}")
    try:
        result = float(value)
    except OverflowError:  # an int beyond any float
        result = math.inf
    if not math.isfinite(result):
        raise InvalidInputError(f"{name} must be a finite number, not {value!r}")
    if positive and result <= 0:
        raise InvalidInputError(f"{name} must be more than 0, not {value!r}")
    if minimum is not None and result < minimum:
        raise InvalidInputError(f"{name} must be at least {minimum}, not {value!r}")
    return result


def boolean(value: Any, name: str) -> Optional[bool]:
    """A boolean field sent as a JSON boolean (``True``/``False``, or ``1``/``0``), or ``None`` to omit it."""
    bit = flag(value, name)
    return None if bit is None else bool(bit)


def json_value(value: Any, name: str) -> Any:
    """Any value JSON can carry (objects with ``str`` keys, lists, str, numbers, booleans, ``None``), unwrapped
    from its ``Enum``; what JSON cannot carry (a set, an object, ``nan``) is refused."""
    value = plain(value)
    _check_json(value, name)
    return value
