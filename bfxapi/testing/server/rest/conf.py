"""``GET conf/{keys}`` and ``POST calc/fx``: the configuration a client loads at start, complete for the simulated
instruments, in the shapes of the real answers.

Shapes: the lists as in the real REST capture (``/work/shared/fixtures/bitfinex-rest-conf-capture.txt``: one
array per requested key, ``pub:list:pair:exchange`` / ``pub:list:currency`` / ``pub:list:pair:future`` each a
list of names, ``[["AAABBB","AAVE:USD",…]]``); maps as ``[[KEY, VALUE], …]`` (protocol.md §6.1); ``pub:info:pair``
rows ``[PAIR, [_, _, _, MIN_ORDER_SIZE, MAX_ORDER_SIZE, _, _, _, INITIAL_MARGIN, MIN_MARGIN]]`` (§6.1);
``pub:spec:margin`` an object ``{"conf": {…}, "initial": {PAIR: fraction}, "minimum": {PAIR: fraction}}`` and
``pub:fees`` ``{"deriv_perp": {"correction_clamp_min", "correction_clamp_insurance", "correction_slope"}}`` (the
objects Bitfinex.Net and bfx-api-node-util read from them). Both names of the futures list answer it:
``pub:list:pair:futures`` (documented, bitfinex-api-py's ``Config``) and ``pub:list:pair:future`` (the name the
real capture used). An unknown key answers ``null`` in its slot, as before.

``calc/fx`` converts between any two currencies the market knows (through its mids) and the major fiat
currencies, which trade at :data:`FIAT_USD` (fixed reference rates, US dollars per unit, chosen near the market of
17 April 2021, the day of the real capture; not live).
"""

from typing import Any, Dict, List, Optional

from ...engine.trading import MARGIN_LEVERAGE, MAX_DERIV_ORDER_SIZE, MAX_ORDER_SIZE, MIN_ORDER_SIZE
from ...model.market import Market
from ...wire.numbers import round_price

__all__ = ["conf_value", "fx_rate", "FIAT_USD", "currencies_of"]

#: US dollars per unit of the major fiat currencies (USD itself is 1)
FIAT_USD: Dict[str, float] = {
    "USD": 1.0, "EUR": 1.198, "GBP": 1.381, "JPY": 0.009191, "CNH": 0.1531, "CHF": 1.087, "CAD": 0.7988,
    "TRY": 0.1233, "MXN": 0.05005,
}
#: currencies pegged to the US dollar (tether and the simulator's test and derivatives dollars)
_DOLLARS = ("USD", "UST", "USTF0", "TESTUSD", "TESTUSDT", "TESTUSDTF0")

_LABELS = {
    "BTC": "Bitcoin", "ETH": "Ethereum", "USD": "US Dollar", "UST": "Tether USDt", "EUR": "Euro",
    "GBP": "British Pound", "JPY": "Japanese Yen", "CNH": "Chinese Yuan (offshore)", "CHF": "Swiss Franc",
    "CAD": "Canadian Dollar", "TRY": "Turkish Lira", "MXN": "Mexican Peso", "TESTBTC": "Test BTC",
    "TESTUSD": "Test USD", "BTCF0": "Bitcoin (derivatives)", "USTF0": "Tether USDt (derivatives)",
    "ETHF0": "Ethereum (derivatives)",
}
_TX_METHODS = {"BTC": "BITCOIN", "ETH": "ETHEREUM", "UST": "TETHERUSE"}


def _legs(pair: str) -> List[str]:
    if ":" in pair:
        return pair.split(":", 1)
    return [pair[:3], pair[3:]]


def currencies_of(market: Market) -> List[str]:
    """Every currency of the simulated instruments plus the major fiat currencies, sorted."""
    found = {c for s in market.symbols(funding=False) for c in _legs(s[1:])}
    found |= {s[1:] for s in market.symbols(funding=True)}
    return sorted(found | set(FIAT_USD))


def _pairs(market: Market) -> List[str]:
    return [s[1:] for s in market.symbols(funding=False)]


def _info_row(market: Market, pair: str, initial: float, minimum: float, maximum: str) -> List[Any]:
    inst = market.instruments.get("t" + pair)
    smallest = inst.minimum if inst is not None else MIN_ORDER_SIZE
    return [pair, [None, None, None, f"{smallest:g}", maximum, None, None, None, initial, minimum]]


def conf_value(key: str, market: Market) -> Any:
    """The value of one configuration key (None when the key is unknown)."""
    pairs = _pairs(market)
    futures = [p for p in pairs if "F0:" in p]
    exchange = [p for p in pairs if p not in futures]
    margin = [p for p in exchange if not p.startswith("TEST")]
    currencies = currencies_of(market)
    derivative = [c for c in currencies if c.endswith("F0")]
    initial = round(1 / MARGIN_LEVERAGE, 2)
    values: Dict[str, Any] = {
        "pub:list:pair:exchange": exchange,
        "pub:list:pair:margin": margin,
        "pub:list:pair:futures": futures,
        "pub:list:pair:future": futures,
        "pub:list:pair:securities": [],
        "pub:list:currency": currencies,
        "pub:list:currency:margin": [c for c in currencies if any(c in _legs(p) for p in margin)],
        "pub:list:currency:paper": [c for c in currencies if c.startswith("TEST")],
        "pub:list:currency:viewonly": [],
        "pub:list:competitions": [],
        "pub:map:currency:sym": sorted([["UST", "USDt"], *[[c, c[:-2]] for c in derivative]]),
        "pub:map:currency:label": [[c, _LABELS.get(c, c)] for c in currencies],
        "pub:map:currency:unit": [],
        "pub:map:currency:undl": [[c, c[:-2]] for c in derivative],
        "pub:map:currency:pool": [["UST", "ETH"]],
        "pub:map:currency:explorer": [[c, [f"https://explorer.example/{c.lower()}"]] for c in currencies
                                      if c not in FIAT_USD and not c.startswith("TEST")],
        "pub:map:currency:tx:fee": [[c, [0, 0.0004 if c == "BTC" else 0]] for c in currencies],
        "pub:map:tx:method": [[method, [currency]] for currency, method in _TX_METHODS.items()],
        "pub:info:pair": [_info_row(market, p, initial, round(initial / 2, 2), repr(MAX_ORDER_SIZE))
                          for p in exchange],
        "pub:info:pair:futures": [_info_row(market, p, 0.01, 0.005, repr(MAX_DERIV_ORDER_SIZE)) for p in futures],
        "pub:info:tx:status": [[c, [1, 1, None, None, None, None, None, 0, 0, None, None, 0]]
                               for c in currencies if c not in FIAT_USD],
        "pub:spec:margin": {"conf": {c: 1 if c in _DOLLARS or c in FIAT_USD else 0.95 for c in currencies
                                     if any(c in _legs(p) for p in margin)},
                            "initial": {p: initial for p in margin},
                            "minimum": {p: round(initial / 2, 2) for p in margin}},
        "pub:spec:futures": {"initial": {p: 0.01 for p in futures}, "minimum": {p: 0.005 for p in futures}},
        "pub:fees": {"deriv_perp": {"correction_clamp_min": 0.0005, "correction_clamp_insurance": 0.0002,
                                    "correction_slope": 0.1}},
    }
    return values.get(key)


def _usd(currency: str, market: Market) -> Optional[float]:
    """US dollars per unit of ``currency``, from the fiat table or the market's mids (None: unknown)."""
    if currency in _DOLLARS:
        return 1.0
    if currency in FIAT_USD:
        return FIAT_USD[currency]
    mids: Dict[str, Dict[str, float]] = {}
    for symbol in market.symbols(funding=False):
        base, quote = _legs(symbol[1:])
        mid = market.instruments[symbol].mid
        mids.setdefault(base, {})[quote] = mid
        mids.setdefault(quote, {})[base] = 1 / mid
    # a breadth-first walk from the currency to a dollar (BTC -> USD, ETH -> BTC -> USD, …)
    seen, frontier = {currency}, [(currency, 1.0)]
    while frontier:
        following = []
        for name, value in frontier:
            for other, rate in mids.get(name, {}).items():
                if other in seen:
                    continue
                if other in _DOLLARS:
                    return value * rate
                seen.add(other)
                following.append((other, value * rate))
        frontier = following
    return None


def fx_rate(ccy1: str, ccy2: str, market: Market) -> Optional[float]:
    """Units of ``ccy2`` per unit of ``ccy1`` (5 significant digits), or None when either is unknown."""
    first, second = _usd(ccy1, market), _usd(ccy2, market)
    if first is None or second is None:
        return None
    return round_price(first / second)
