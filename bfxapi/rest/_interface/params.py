"""Turning call arguments into what Bitfinex expects on the wire, after checking them.

* Query strings: ``None`` is omitted; ``Enum`` members travel as their value (``sort=Sort.ASC`` must be
  ``sort=1``, never ``sort=Sort.ASC``); ints (ids, ``sort`` as ``1``/``-1``, ``limit``, timestamps) as
  integers; floats and Decimals as exact decimal text; lists comma-joined (``symbols=tBTCUSD,fUSD``).
* Bodies: built as dicts and encoded by :func:`bfxapi._utils.json_encoder.dumps` (``None`` keys dropped,
  floats and Decimals as exact decimal strings). Fields that Bitfinex documents as decimals are turned
  into strings here with :func:`dec`, so that an ``int`` amount also travels as ``"1"``.
* Path segments (symbols and keys placed in the URL path) take only the characters Bitfinex's symbols and
  keys are made of: see :func:`segment`.

Every helper raises :class:`~bfxapi.exceptions.InvalidInputTypeError` for a value of the wrong type and
:class:`~bfxapi.exceptions.InvalidInputError` for one out of range, before anything is sent.
"""

import re
from decimal import Decimal
from typing import Any, Mapping, Optional, TypeVar, Union

from ...exceptions import InvalidInputError, InvalidInputTypeError
from ..._utils.json_encoder import to_decimal_string
from ..._utils.values import dec, flag, integer, plain, sequence, text, tif_text

__all__ = [
    "plain",
    "dec",
    "flag",
    "query_string_params",
    "tif_text",
    "segment",
    "join_symbols",
    "required",
    "string",
    "decimal",
    "timestamp",
    "count",
    "sort_order",
    "window",
]

T = TypeVar("T")

# What a symbol or key may be made of ("tBTCUSD", "tTESTBTC:TESTUSD", "trade:1m:tBTCUSD", "pos.size:1m:tBTCUSD:long").
# Anything else would be percent-encoded by the HTTP client: the server would then receive another path than
# the one signed, and answer 10100 (a credential error) for what is a bad symbol.
_SEGMENT = re.compile(r"[A-Za-z0-9:._-]+")
_SEGMENT_FORM = "made of letters, digits and the characters : . _ - only (such as 'tBTCUSD' or 'trade:1m:tBTCUSD')"
_SYMBOL_LIST = re.compile(r"[A-Za-z0-9:._-]+(,[A-Za-z0-9:._-]+)*")
_DIGITS = re.compile(r"[0-9]+")
_NO_WINDOW: dict[str, Union[None, int, str]] = {"limit": None, "start": None, "end": None, "sort": None}


def _query_value(name: str, value: Any) -> str:
    value = plain(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, (float, Decimal)):
        return to_decimal_string(value, name)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(_query_value(name, item) for item in value)
    raise InvalidInputTypeError(f"{name}: cannot send a {type(value).__name__} as a query parameter")


def query_string_params(params: Optional[Mapping[str, Any]]) -> dict[str, str]:
    """The query parameters to send: ``None`` values left out, everything else as Bitfinex text."""
    if not params:
        return {}
    query = {}
    for name, value in params.items():
        kind = value.__class__
        # What the endpoints pass nearly always (a str, an int), at once; subclasses (bool, enums) and the other
        # kinds through _query_value.
        if kind is str:
            query[name] = value
        elif kind is int:
            query[name] = str(value)
        elif value is not None:
            query[name] = _query_value(name, value)
    return query


def required(value: Optional[T], name: str) -> T:
    """``value``, which a checker returned; ``None`` means the caller gave nothing where something is needed."""
    if value is None:
        raise InvalidInputError(f"{name} is required")
    return value


def string(value: Any, name: str) -> str:
    """A required, non-empty ``str`` field (a currency, a wallet, a method, ...)."""
    return required(text(value, name), name)


def decimal(value: Any, name: str) -> str:
    """A required decimal field (an amount, a price), as exact decimal text."""
    return required(dec(value, name), name)


def segment(value: Any, name: str) -> str:
    """One path segment from a caller's value (a symbol, a key): a ``str`` of the characters symbols and keys
    are made of, so that the path the server receives is the path that was signed."""
    if value.__class__ is str and _SEGMENT.fullmatch(value) and value not in (".", ".."):
        return value  # the common case, a symbol, at once: what the checks below return for it
    result = required(text(value, name, pattern=_SEGMENT, form=_SEGMENT_FORM), name)
    if result in (".", ".."):  # would move up the path
        raise InvalidInputError(f"{name} is not a valid path segment: {result!r}")
    return result


def join_symbols(symbols: Any, name: str = "symbols") -> str:
    """``"ALL"``, one symbol, a comma-joined str of symbols, or a list of symbols, as one comma-joined str."""
    value = plain(symbols)
    if isinstance(value, str):
        return required(
            text(value, name, pattern=_SYMBOL_LIST, form="'ALL', a symbol, or a list of symbols"), name
        )
    items = sequence(value, name, "symbols (or 'ALL')")
    if not items:
        raise InvalidInputError(f"{name} must name at least one symbol (or be \"ALL\")")
    return ",".join(segment(item, f"{name}[{index}]") for index, item in enumerate(items))


def timestamp(value: Any, name: str) -> Union[None, int, str]:
    """A time in milliseconds since the epoch (``start``, ``end``): an int, or a str of digits (sent as given)."""
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise InvalidInputError(f"{name} must be milliseconds since the epoch, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputTypeError(
            f"{name} must be milliseconds since the epoch (an int, or a str of digits), not {type(value).__name__}"
        )
    return integer(value, name, 0)


def count(value: Any, name: str, minimum: int = 0) -> Optional[int]:
    """A count or a position (``limit``, ``page``, ``len``, ...): an int of at least ``minimum``."""
    return integer(value, name, minimum)


def sort_order(value: Any, name: str = "sort", form: str = "1 (oldest first) or -1 (newest first)") -> Optional[int]:
    """``1`` or ``-1``: a ``sort`` (``1`` oldest first, ``-1`` newest first), or a direction (``form`` says which)."""
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputTypeError(f"{name} must be {form}, not {type(value).__name__}")
    if value not in (1, -1):
        raise InvalidInputError(f"{name} must be {form}, not {value!r}")
    return int(value)


def window(
    start: Any = None, end: Any = None, limit: Any = None, sort: Any = None
) -> dict[str, Union[None, int, str]]:
    """The ``start``/``end``/``limit``/``sort`` parameters of a history, checked (``None`` ones left out later)."""
    if start is None and end is None and limit is None and sort is None:
        return dict(_NO_WINDOW)  # the common case (Bitfinex's defaults), at once
    # In the order Bitfinex documents them (?limit=&start=&end=&sort=), so that a query reads as its examples.
    return {
        "limit": count(limit, "limit"),
        "start": timestamp(start, "start"),
        "end": timestamp(end, "end"),
        "sort": sort_order(sort),
    }
