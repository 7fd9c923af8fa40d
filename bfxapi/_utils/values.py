"""Caller values as Bitfinex reads them: enums unwrapped, decimals as exact text, booleans as 0/1, times."""

from datetime import datetime, timezone
from enum import Enum
from typing import Any, Optional, Union

from .json_encoder import DecimalLike, to_decimal_string

__all__ = ["plain", "dec", "flag", "tif_text"]


def plain(value: Any) -> Any:
    """``value`` without its ``Enum`` wrapper (recursively inside lists, tuples and dicts)."""
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    return value


def dec(value: Optional[DecimalLike], name: str) -> Optional[str]:
    """The exact decimal text of a decimal field, or ``None`` to omit it."""
    if value is None:
        return None
    return to_decimal_string(plain(value), name)


def flag(value: Optional[bool]) -> Optional[int]:
    """Bitfinex's ``0``/``1`` for a boolean field, or ``None`` to omit it."""
    if value is None:
        return None
    return 1 if value else 0


def tif_text(value: Union[None, str, datetime]) -> Optional[str]:
    """A time-in-force as Bitfinex reads it (``"2030-01-01 10:45:23"``, UTC); strings are sent as given."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S")
