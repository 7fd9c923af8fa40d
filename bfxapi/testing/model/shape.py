"""What a real Bitfinex order book looks like, as numbers the market model draws from.

Source: the real session ``tests/data/bitfinex-ws-capture-2021-04-17.txt`` (see ``tests/data/README.md``): the seven
``book`` P0 ``len=100`` snapshots it holds (1,333 levels on tBFTUSD, tIOTETH, tDOGUSD, tMNABTC, tODEUSD,
tTESTBTC:TESTUSD and tSNGUSD). The simulator does not read that file (it is not installed with the package); the
figures below were measured from it once and are checked against it again by ``tests/test_simulator_realism.py``.

* :data:`LEVEL_AMOUNT_QUANTILES`: the distribution of a level's amount relative to the median level amount of its
  book, as quantiles of ``log10(|AMOUNT| / median)`` every 2.5 % (the ends are the 1 % and 99 % quantiles, so that a
  single outlier of the capture does not become a rule). Amounts spread over four orders of magnitude, skewed to
  large: the 25th percentile level holds half the median (10^-0.31), the 75th percentile 4.5 times (10^0.65), the
  95th 100 times (10^2).
* :data:`LEVEL_COUNT_WEIGHTS`: how many orders a level aggregates (COUNT): 91 % one order, 5 % two, 1.7 % three.
* No amount below the minimum order size: the capture's 2,204 non-delete book entries hold none below 1e-7 (nor below
  0.0002), so the model never places one; a remainder that small only arises when an account's fill leaves it.
"""

import bisect
import itertools
import random
from typing import List, Sequence, Tuple

__all__ = ["LEVEL_AMOUNT_QUANTILES", "LEVEL_COUNT_WEIGHTS", "level_amount_factor", "level_count", "split_amount"]

#: log10(level amount / median level amount) at the quantiles 0 (1 %), 2.5 %, 5 %, …, 97.5 %, 100 (99 %).
LEVEL_AMOUNT_QUANTILES: Tuple[float, ...] = (
    -1.68, -1.506, -1.3, -1.111, -0.889, -0.716, -0.647, -0.556, -0.52, -0.415, -0.308, -0.284, -0.284, -0.278,
    -0.254, -0.231, -0.152, -0.152, -0.124, -0.079, 0.0, 0.021, 0.042, 0.065, 0.149, 0.245, 0.353, 0.426, 0.535, 0.6,
    0.654, 0.763, 0.874, 0.958, 1.109, 1.306, 1.497, 1.876, 2.016, 2.458, 2.46,
)

#: (COUNT, levels of the capture with that count): 1,216 / 67 / 22 / 8 / 12, and 8 levels of 6 to 17 orders.
LEVEL_COUNT_WEIGHTS: Tuple[Tuple[int, int], ...] = ((1, 1216), (2, 67), (3, 22), (4, 8), (5, 12), (6, 3), (7, 3),
                                                     (8, 2))

_COUNTS = [count for count, _ in LEVEL_COUNT_WEIGHTS]
_CUMULATIVE = list(itertools.accumulate(weight for _, weight in LEVEL_COUNT_WEIGHTS))


def _interpolate(table: Sequence[float], u: float) -> float:
    position = u * (len(table) - 1)
    index = min(int(position), len(table) - 2)
    fraction = position - index
    return table[index] * (1 - fraction) + table[index + 1] * fraction


def level_amount_factor(rng: random.Random) -> float:
    """A level amount in units of the book's median level amount, drawn from the capture's distribution."""
    return float(10 ** _interpolate(LEVEL_AMOUNT_QUANTILES, rng.random()))


def level_count(rng: random.Random) -> int:
    """How many orders a new level holds, drawn from the capture's COUNT distribution."""
    return _COUNTS[bisect.bisect_right(_CUMULATIVE, rng.randrange(_CUMULATIVE[-1]))]


def split_amount(rng: random.Random, total: float, parts: int, minimum: float) -> List[float]:
    """``total`` split into at most ``parts`` amounts of at least ``minimum`` each (8 decimals) summing to ``total``:
    fewer parts when ``total`` cannot give each its minimum."""
    parts = max(1, min(parts, int(total / minimum))) if minimum > 0 else max(1, parts)
    spare = total - parts * minimum
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    amounts = [round(minimum + spare * w / scale, 8) for w in weights[:-1]]
    amounts.append(round(total - sum(amounts), 8))
    return amounts
