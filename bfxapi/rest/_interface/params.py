"""Turning call arguments into what Bitfinex expects on the wire.

* Query strings: ``None`` is omitted; ``Enum`` members travel as their value (``sort=Sort.ASC`` must be
  ``sort=1``, never ``sort=Sort.ASC``); ints (ids, ``sort`` as ``1``/``-1``, ``limit``, timestamps) as
  integers; floats and Decimals as exact decimal text; lists comma-joined (``symbols=tBTCUSD,fUSD``).
* Bodies: built as dicts and encoded by :func:`bfxapi._utils.json_encoder.dumps` (``None`` keys dropped,
  floats and Decimals as exact decimal strings). Fields that Bitfinex documents as decimals are turned
  into strings here with :func:`dec`, so that an ``int`` amount also travels as ``"1"``.
"""

from decimal import Decimal
from typing import Any, Iterable, Mapping, Optional, Union

from ...exceptions import InvalidInputError
from ..._utils.json_encoder import to_decimal_string
from ..._utils.values import dec, flag, plain, tif_text

__all__ = ["plain", "dec", "flag", "query_string_params", "tif_text", "segment", "join_symbols"]


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
    raise InvalidInputError(f"{name}: cannot send a {type(value).__name__} as a query parameter")


def query_string_params(params: Optional[Mapping[str, Any]]) -> dict[str, str]:
    """The query parameters to send: ``None`` values left out, everything else as Bitfinex text."""
    if not params:
        return {}
    return {name: _query_value(name, value) for name, value in params.items() if value is not None}


def segment(value: Any, name: str) -> str:
    """One path segment from a caller's value (a symbol, a key); rejects what would change the path."""
    text = str(plain(value))
    if not text or any(char in text for char in "/?#") or text in (".", ".."):
        raise InvalidInputError(f"{name} is not a valid path segment: {text!r}")
    return text


def join_symbols(symbols: Union[str, Iterable[str]], name: str = "symbols") -> str:
    """``"ALL"`` or a comma-joined list of symbols."""
    if isinstance(symbols, str):
        return str(plain(symbols))
    joined = ",".join(str(plain(symbol)) for symbol in symbols)
    if not joined:
        raise InvalidInputError(f"{name} must name at least one symbol (or be \"ALL\")")
    return joined
