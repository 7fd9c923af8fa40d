"""The book checksum of protocol.md §3.4: a signed CRC-32 over the interleaved best 25 levels of each side."""

import zlib
from typing import Iterable, Sequence, Tuple

from .encoding import js_number

__all__ = ["checksum", "checksum_string", "signed_crc32"]


def signed_crc32(text: str) -> int:
    """CRC-32 (IEEE) of the UTF-8 text, as a signed 32-bit integer."""
    unsigned = zlib.crc32(text.encode("utf-8")) & 0xFFFFFFFF
    return unsigned - (1 << 32) if unsigned >= (1 << 31) else unsigned


def checksum_string(bids: Sequence[Tuple[float, float]], asks: Sequence[Tuple[float, float]]) -> str:
    """Interleave the best 25 ``(key, signed amount)`` pairs of each side (already sorted best first)."""
    parts: list[str] = []
    for index in range(25):
        if index < len(bids):
            parts.extend((js_number(bids[index][0]), js_number(bids[index][1])))
        if index < len(asks):
            parts.extend((js_number(asks[index][0]), js_number(asks[index][1])))
    return ":".join(parts)


def checksum(bids: Iterable[Tuple[float, float]], asks: Iterable[Tuple[float, float]]) -> int:
    """The book checksum of protocol.md §3.4 over sides given best first."""
    return signed_crc32(checksum_string(list(bids), list(asks)))
