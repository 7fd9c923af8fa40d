"""The number type of a client: ``float`` (the default) or ``decimal.Decimal`` (``Client(..., decimal=True)``).

Every payload dataclass whose fields hold prices, amounts, rates, balances or fees is generic in :data:`N`
(``Ticker[N]``, ``Order[N]``, ``Wallet[N]``...): ``Order[float]`` in float mode, ``Order[Decimal]`` in decimal mode.
Ids, counts, flags and timestamps are ``int`` in both modes (the two timestamps Bitfinex sends with a fraction,
``Liquidation.mts`` and ``Notification.mts``, are ``float`` in both).

``N`` defaults to ``float``, so a bare ``Order`` in an annotation means ``Order[float]``: code written for the
official library, and for float mode, type-checks unchanged.
"""

from decimal import Decimal
from typing import Any

from typing_extensions import TypeVar

__all__ = ["N", "is_number"]

# Constrained, not bound: ``Order[int]`` or ``Order[str]`` is refused by type checkers, and code generic in N is
# checked once with float and once with Decimal (never with a mix of both, which Decimal arithmetic refuses).
#: the number type of a client's payloads: ``float`` (default) or ``Decimal``
N = TypeVar("N", float, Decimal, default=float)


def is_number(annotation: Any) -> bool:
    """Whether ``annotation`` is the number type: ``N``, or a twin of it (a TypeVar constrained to float and
    Decimal, which a class nested in a class generic in ``N`` needs)."""
    return isinstance(annotation, TypeVar) and annotation.__constraints__ == (float, Decimal)
