"""Bitfinex's order rules: the number grid (prices to 5 significant digits, amounts to 8 decimals) and the order
size limits of each pair, as helpers usable alone and as a check before an order is sent.

* :func:`round_price`, :func:`round_amount`: exact on ``Decimal`` (and on a numeric ``str``, given back as a
  ``Decimal``), correct for ``float`` (rounded on its decimal text), each returning the kind it is given;
* :class:`OrderRules` (``bfx.rules``): the limits of a pair (``conf/pub:info:pair``, cached for an hour and read
  again for a pair it does not know), ``check_order()``, and the opt-in check of every order input, REST and
  WebSocket alike: ``Client(check_order_rules=True)`` (or ``"strict"``);
* :class:`~bfxapi.exceptions.OrderRuleError`: what a refused order raises, before anything is sent, with the
  allowed value in its message and in ``allowed``.
"""

from ..exceptions import OrderRuleError
from .checker import CheckedOrder, OrderRules, RulesMode
from .pairs import PairLimits, PairLimitsCache
from .rounding import AMOUNT_DECIMALS, PRICE_SIGNIFICANT_DIGITS, round_amount, round_price

__all__ = [
    "round_price",
    "round_amount",
    "PRICE_SIGNIFICANT_DIGITS",
    "AMOUNT_DECIMALS",
    "OrderRules",
    "RulesMode",
    "CheckedOrder",
    "PairLimits",
    "PairLimitsCache",
    "OrderRuleError",
]
