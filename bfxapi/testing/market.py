"""The seeded market model: resting orders/offers, trades, candles, tickers, derivatives status, liquidations.

Everything is driven by ``random.Random`` instances seeded from the simulator seed and a stable name, and by
a market clock that advances by a fixed step, so a seed fully determines the market.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ._numbers import PRECISION_DIGITS, round_amount, round_price, round_sig, tick_above, tick_below

__all__ = [
    "DEFAULT_SYMBOLS", "TIMEFRAMES", "Resting", "Trade", "Candle", "CandleSeries", "Instrument", "Market",
    "StepResult", "BookLevel", "parse_candle_key", "is_funding",
]

DEFAULT_SYMBOLS = ("tBTCUSD", "tETHUSD", "tETHBTC", "tTESTBTC:TESTUSD", "tBTCF0:USTF0", "fUSD", "fBTC")

_MINUTE = 60_000
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
#: Candle timeframes in ms; ``1M`` is a calendar month (0 here), ``7D`` is accepted as ``1W``.
TIMEFRAMES: Dict[str, int] = {
    "1m": _MINUTE, "5m": 5 * _MINUTE, "15m": 15 * _MINUTE, "30m": 30 * _MINUTE, "1h": _HOUR, "3h": 3 * _HOUR,
    "6h": 6 * _HOUR, "12h": 12 * _HOUR, "1D": _DAY, "1W": 7 * _DAY, "7D": 7 * _DAY, "14D": 14 * _DAY, "1M": 0,
}
_MONDAY_OFFSET = 4 * _DAY  # 1970-01-05 was a Monday

# Base price/rate, typical order size, relative volatility per step.
_PROFILES: Dict[str, Tuple[float, float, float]] = {
    "tBTCUSD": (30000.0, 0.5, 0.0004),
    "tETHUSD": (2000.0, 4.0, 0.0005),
    "tETHBTC": (0.066, 6.0, 0.0004),
    "tTESTBTC:TESTUSD": (30000.0, 0.4, 0.0004),
    "tBTCF0:USTF0": (30010.0, 0.3, 0.0004),
    "fUSD": (0.0002, 5000.0, 0.002),
    "fBTC": (0.00000095, 1.5, 0.003),
}
_FUNDING_PERIODS = (2, 2, 2, 3, 7, 7, 14, 30, 30, 60, 120)


def is_funding(symbol: str) -> bool:
    return symbol.startswith("f")


@dataclass
class Resting:
    """One resting order (trading: amount > 0 bid) or offer (funding: amount < 0 bid); ``price`` is the rate.

    ``owned``: the order of a simulated account (the market flow never cancels it; its fills are reported in
    :attr:`Trade.maker_order`); ``hidden``: matches but is left out of every public view (books, ticker);
    ``seq``: time priority within a price (set by the instrument)."""

    id: int
    price: float
    amount: float
    period: int = 0
    owned: bool = False
    hidden: bool = False
    seq: int = 0


@dataclass
class Trade:
    """A public trade (``amount`` > 0: the taker bought); ``maker_order`` is the id of the account order it
    filled as maker, when the market flow traded against one."""

    id: int
    mts: int
    amount: float
    price: float
    period: int = 0
    maker_order: Optional[int] = None

    def row(self, funding: bool) -> List[Any]:
        if funding:
            return [self.id, self.mts, self.amount, self.price, self.period]
        return [self.id, self.mts, self.amount, self.price]


@dataclass
class Candle:
    mts: int
    open: float
    close: float
    high: float
    low: float
    volume: float

    def row(self) -> List[Any]:
        return [self.mts, self.open, self.close, self.high, self.low, self.volume]


def candle_start(mts: int, timeframe: str) -> int:
    """Start of the candle holding ``mts``: epoch-aligned, weeks on Mondays, ``1M`` on calendar months."""
    span = TIMEFRAMES[timeframe]
    if span == 0:
        moment = datetime.fromtimestamp(mts / 1000, tz=timezone.utc)
        return int(datetime(moment.year, moment.month, 1, tzinfo=timezone.utc).timestamp() * 1000)
    offset = _MONDAY_OFFSET if span >= 7 * _DAY else 0
    return (mts - offset) // span * span + offset


def previous_candle_start(start: int, timeframe: str) -> int:
    span = TIMEFRAMES[timeframe]
    if span:
        return start - span
    return candle_start(start - 1, timeframe)


@dataclass(frozen=True)
class CandleKeyInfo:
    key: str
    timeframe: str
    symbol: str
    periods: Tuple[int, int]  # funding: accepted trade periods (inclusive); trading: (0, 0)


def parse_candle_key(key: str) -> Optional[CandleKeyInfo]:
    """Parse ``trade:TF:tSYM``, ``trade:TF:fSYM:pN`` or ``trade:TF:fSYM:aA:pS:pE``; ``None`` if malformed."""
    parts = key.split(":")
    if len(parts) < 3 or parts[0] != "trade" or parts[1] not in TIMEFRAMES:
        return None
    if parts[2].startswith("t"):
        return CandleKeyInfo(key, parts[1], ":".join(parts[2:]), (0, 0))
    if not parts[2].startswith("f"):
        return None
    rest = parts[3:]
    try:
        if len(rest) == 1 and rest[0].startswith("p"):
            period = int(rest[0][1:])
            return CandleKeyInfo(key, parts[1], parts[2], (period, period))
        if len(rest) == 3 and rest[0] in ("a10", "a30") and rest[1].startswith("p") and rest[2].startswith("p"):
            return CandleKeyInfo(key, parts[1], parts[2], (int(rest[1][1:]), int(rest[2][1:])))
    except ValueError:
        return None
    return None


class CandleSeries:
    """Candles of one key, oldest first; live trades extend it, ``touched`` lists the candles changed by a step."""

    def __init__(self, info: CandleKeyInfo, candles: List[Candle]) -> None:
        self.info = info
        self.candles = candles
        self.touched: List[int] = []

    def apply(self, trade: Trade) -> None:
        low, high = self.info.periods
        if high and not low <= trade.period <= high:
            return
        start = candle_start(trade.mts, self.info.timeframe)
        volume = abs(trade.amount)
        last = self.candles[-1] if self.candles else None
        if last is not None and last.mts == start:
            last.close = trade.price
            last.high = max(last.high, trade.price)
            last.low = min(last.low, trade.price)
            last.volume = round_amount(last.volume + volume)
        elif last is None or start > last.mts:
            self.candles.append(Candle(start, trade.price, trade.price, trade.price, trade.price, round_amount(volume)))
        else:
            return
        if start not in self.touched:
            self.touched.append(start)


@dataclass
class BookLevel:
    """An aggregated level; ``key`` is the price (trading) or ``(rate, period)`` (funding)."""

    price: float
    period: int
    count: int
    amount: float


class Instrument:
    """One trading pair or funding currency: resting orders, trade tape, daily statistics."""

    def __init__(self, symbol: str, seed: Any, start_ms: int, ids: "_Ids") -> None:
        self.symbol = symbol
        self.funding = is_funding(symbol)
        self.rng = random.Random(f"{seed}:{symbol}")
        base, size, vol = _PROFILES.get(symbol) or (round_price(self.rng.uniform(1, 100)), 10.0, 0.0005)
        self.mid = base
        self.size = size
        self.vol = vol
        self.orders: Dict[int, Resting] = {}
        self._seq = 0
        self.trades: List[Trade] = []
        self._ids = ids
        self.depth = 60
        for _ in range(self.depth):
            self._add_order(bid=True)
            self._add_order(bid=False)
        self._seed_history(start_ms)
        self._anchor_history()
        self.last_price = self.trades[-1].price if self.trades else base
        self.day_open = round_price(self.last_price * (1 + self.rng.uniform(-0.04, 0.04)))
        self.high = round_price(max(self.day_open, self.last_price) * (1 + self.rng.uniform(0, 0.02)))
        self.low = round_price(min(self.day_open, self.last_price) * (1 - self.rng.uniform(0, 0.02)))
        self.volume = round_amount(self.size * self.rng.uniform(500, 3000))
        self.frr = round_price(base * self.rng.uniform(0.9, 1.1)) if self.funding else 0.0

    # --- book helpers -------------------------------------------------------------------------------------
    def is_bid(self, amount: float) -> bool:
        return amount < 0 if self.funding else amount > 0

    def side(self, bid: bool) -> List[Resting]:
        """Resting orders of one side in matching order, hidden ones included: best price first (bids: price
        desc, asks: price asc), then time priority."""
        rows = [o for o in self.orders.values() if self.is_bid(o.amount) == bid]
        if bid:
            rows.sort(key=lambda o: (-o.price, o.seq, o.id))
        else:
            rows.sort(key=lambda o: (o.price, o.seq, o.id))
        return rows

    def visible_side(self, bid: bool) -> List[Resting]:
        """The public view of one side (hidden orders left out), best first, ties by id (protocol.md §3.3)."""
        rows = [o for o in self.orders.values() if self.is_bid(o.amount) == bid and not o.hidden]
        if bid:
            rows.sort(key=lambda o: (-o.price, o.id))
        else:
            rows.sort(key=lambda o: (o.price, o.id))
        return rows

    def best(self, bid: bool, visible: bool = False) -> Optional[Resting]:
        """The first order of a side in matching order (``visible``: the best of the public view)."""
        side = self.visible_side(bid) if visible else self.side(bid)
        return side[0] if side else None

    def place(self, resting: Resting) -> Resting:
        """Add (or re-queue) a resting order behind everything already at its price."""
        self._seq += 1
        resting.seq = self._seq
        self.orders[resting.id] = resting
        return resting

    def put_owned(self, order_id: int, price: float, amount: float, hidden: bool, requeue: bool) -> None:
        """Book (or refresh) an account's resting order; ``requeue`` (or a new order) loses time priority."""
        current = self.orders.get(order_id)
        if current is None or requeue or current.price != price:
            self.place(Resting(order_id, price, amount, owned=True, hidden=hidden))
        else:
            current.amount = amount
            current.hidden = hidden

    def remove(self, order_id: int) -> None:
        self.orders.pop(order_id, None)

    def levels(self, bid: bool, prec: str) -> List[BookLevel]:
        """Aggregated levels of the public view of one side, best first (bids rounded down, asks rounded up)."""
        digits = PRECISION_DIGITS[prec]
        mode = "floor" if bid else "ceil"
        grouped: Dict[Tuple[float, int], BookLevel] = {}
        for order in self.visible_side(bid):
            price = round_sig(order.price, digits, mode)
            key = (price, order.period if self.funding else 0)
            level = grouped.get(key)
            if level is None:
                grouped[key] = BookLevel(price, key[1], 1, order.amount)
            else:
                level.count += 1
                level.amount = round_amount(level.amount + order.amount)
        result = list(grouped.values())
        result.sort(key=lambda lv: ((-lv.price if bid else lv.price), lv.period))
        return result

    def _random_amount(self) -> float:
        if self.rng.random() < 0.03:
            return round_amount(self.rng.randint(1, 9) * 1e-8)
        return max(round_amount(self.rng.expovariate(1 / self.size)), round_amount(self.size / 1000))

    def _add_order(self, bid: bool) -> None:
        offset = 0.0004 + self.rng.expovariate(1 / (self.vol * 10))
        price = round_price(self.mid * (1 - offset if bid else 1 + offset))
        opposite = self.best(not bid)
        if opposite is not None:
            if bid and price >= opposite.price:
                price = tick_below(opposite.price)
            elif not bid and price <= opposite.price:
                price = tick_above(opposite.price)
        if price <= 0:
            return
        amount = self._random_amount()
        if self.funding:
            amount = -amount if bid else amount
            period = self.rng.choice(_FUNDING_PERIODS)
        else:
            amount = amount if bid else -amount
            period = 0
        order_id = self._ids.next_offer() if self.funding else self._ids.next_order()
        self.place(Resting(order_id, price, amount, period))

    def _seed_history(self, start_ms: int) -> None:
        mts = start_ms - 60 * 30_000
        price = self.mid
        for _ in range(60):
            mts += self.rng.randint(1_000, 59_000)
            price = round_price(price * math.exp(self.rng.gauss(0, self.vol * 2)))
            amount = self._random_amount() * self.rng.choice((1, -1))
            period = self.rng.choice(_FUNDING_PERIODS) if self.funding else 0
            self.trades.append(Trade(self._ids.next_trade(), min(mts, start_ms - 1), amount, price, period))

    def _anchor_history(self) -> None:
        """Scale the seeded tape so that its last trade is at the middle of the opening book.

        The walk of :meth:`_seed_history` drifts away from the mid that the book was built around (by about a
        percent, many spreads), so the first ticker showed a LAST_PRICE far outside its own BID/ASK: a state no
        real market is in. Scaling the whole tape by one factor keeps its seeded shape and takes no random draw,
        so the rest of what a seed produces is drawn as before, while the tape now ends inside the spread."""
        bid, ask = self.best(True, visible=True), self.best(False, visible=True)
        if not self.trades or bid is None or ask is None:
            return
        target = min(max(round_price((bid.price + ask.price) / 2), bid.price), ask.price)
        factor = target / self.trades[-1].price
        for trade in self.trades:
            trade.price = round_price(trade.price * factor)
        self.trades[-1].price = target

    # --- stepping ---------------------------------------------------------------------------------------------
    def step(self, mts: int) -> List[Trade]:
        """Advance one step: walk the mid, cancel and add orders, execute a few trades."""
        rng = self.rng
        self.mid = self.mid * math.exp(rng.gauss(0, self.vol))
        for _ in range(rng.randint(1, 3)):
            # the market flow cancels its own orders only, never an account's
            candidates = [o for o in self.orders.values() if not o.owned]
            if not candidates:
                break
            # prefer orders that are far from the mid or on its wrong side
            candidates.sort(key=lambda o: (-abs(o.price - self.mid), o.id))
            victim = candidates[min(int(rng.expovariate(0.3)), len(candidates) - 1)]
            del self.orders[victim.id]
        for bid in (True, False):
            missing = self.depth - sum(1 for o in self.side(bid) if not o.owned)
            for _ in range(max(0, missing) + rng.randint(0, 1)):
                self._add_order(bid)
        trades: List[Trade] = []
        for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):
            taker_buys = rng.random() < 0.5
            # trading: a buying taker lifts asks; funding: a taker "buy" hits the offers (asks) too
            maker = self.best(bid=not taker_buys)
            if maker is None:
                continue
            size = min(abs(maker.amount), self._random_amount())
            remaining = round_amount(abs(maker.amount) - size)
            if remaining <= 0:
                del self.orders[maker.id]
            else:
                maker.amount = remaining if maker.amount > 0 else -remaining
            amount = size if taker_buys else -size
            trade = Trade(self._ids.next_trade(), mts, amount, maker.price, maker.period,
                          maker.id if maker.owned else None)
            trades.append(trade)
            self.trades.append(trade)
            self.last_price = trade.price
            self.high = max(self.high, trade.price)
            self.low = min(self.low, trade.price)
            self.volume = round_amount(self.volume + size)
        if len(self.trades) > 2000:
            del self.trades[: len(self.trades) - 2000]
        if self.funding:
            self.frr = round_price(self.frr * math.exp(rng.gauss(0, self.vol / 4)))
        return trades

    # --- derived rows -----------------------------------------------------------------------------------------
    def ticker_row(self) -> List[Any]:
        """The ticker of the public view (hidden orders count neither in BID/ASK nor in the sizes)."""
        bids = self.levels(True, "P0")[:25]
        asks = self.levels(False, "P0")[:25]
        bid = bids[0].price if bids else 0
        ask = asks[0].price if asks else 0
        bid_size = round_amount(sum(abs(lv.amount) for lv in bids))
        ask_size = round_amount(sum(abs(lv.amount) for lv in asks))
        change = round_price(self.last_price - self.day_open)
        relative = round(change / self.day_open, 4) if self.day_open else 0
        if self.funding:
            return [self.frr, bid, bids[0].period if bids else 0, bid_size, ask, asks[0].period if asks else 0,
                    ask_size, change, relative, self.last_price, self.volume, self.high, self.low, None, None,
                    round_amount(self.size * 300)]
        return [bid, bid_size, ask, ask_size, change, relative, self.last_price, self.volume, self.high, self.low]


class _Ids:
    def __init__(self) -> None:
        self.order = 34_753_000_000
        self.offer = 658_280_000
        self.trade = 401_597_000
        self.position = 142_390_000

    def next_order(self) -> int:
        self.order += 1
        return self.order

    def next_offer(self) -> int:
        self.offer += 1
        return self.offer

    def next_trade(self) -> int:
        self.trade += 1
        return self.trade

    def next_position(self) -> int:
        self.position += 1
        return self.position


@dataclass
class StepResult:
    """What one market step changed."""

    mts: int
    trades: Dict[str, List[Trade]] = field(default_factory=dict)
    liquidations: List[List[Any]] = field(default_factory=list)
    candles: Dict[str, List[Candle]] = field(default_factory=dict)


class Market:
    """All instruments plus derivatives status and liquidations, advancing on a market clock."""

    def __init__(self, seed: Any, symbols: Sequence[str], start_ms: int, step_ms: int) -> None:
        self.seed = seed
        self.now_ms = start_ms
        self.step_ms = step_ms
        self.steps = 0
        self._ids = _Ids()
        self.instruments: Dict[str, Instrument] = {}
        for symbol in symbols:
            self.instruments[symbol] = Instrument(symbol, seed, start_ms, self._ids)
        self._rng = random.Random(f"{seed}:market")
        self.candle_series: Dict[str, CandleSeries] = {}
        self.liquidations: List[List[Any]] = []
        self.deriv_history: Dict[str, List[List[Any]]] = {}
        self.ticker_history: Dict[str, List[Tuple[int, float, float]]] = {}
        self._deriv_state: Dict[str, Dict[str, float]] = {}
        #: trades made by simulated accounts, published with the next step
        self._pending_trades: Dict[str, List[Trade]] = {}
        for symbol in self.derivatives():
            rng = random.Random(f"{seed}:{symbol}:deriv")
            self._deriv_state[symbol] = {
                "insurance": round_amount(rng.uniform(1e6, 5e6)), "oi": round_amount(rng.uniform(1000, 9000)),
                "accrued": 0.0, "current": round(rng.uniform(-0.0002, 0.0002), 8),
            }
            self.deriv_history[symbol] = []
            for back in range(120, 0, -1):
                self.deriv_history[symbol].append(self._deriv_row(symbol, start_ms - back * _MINUTE, rng))
        for _ in range(20):
            self._liquidate(start_ms - self._rng.randint(1, 3_600_000))
        self.liquidations.sort(key=lambda row: row[2])
        for symbol, inst in self.instruments.items():
            if inst.funding:
                continue
            rng = random.Random(f"{seed}:{symbol}:tickers")
            hist = []
            price = inst.mid
            for back in range(100, 0, -1):
                price = round_price(price * math.exp(rng.gauss(0, inst.vol * 8)))
                hist.append((start_ms - back * _HOUR, round_price(price * 0.9999), round_price(price * 1.0001)))
            self.ticker_history[symbol] = hist

    def derivatives(self) -> List[str]:
        return [s for s in self.instruments if "F0:" in s]

    def spot_for(self, symbol: str) -> Optional[Instrument]:
        base = symbol[1:].split(":")[0].replace("F0", "")
        for quote in ("USD", "UST"):
            inst = self.instruments.get(f"t{base}{quote}")
            if inst is not None:
                return inst
        return None

    # --- candles ------------------------------------------------------------------------------------------------
    def candles(self, info: CandleKeyInfo) -> CandleSeries:
        """The candle series of a key, created on first use with a seeded history of 240 candles."""
        series = self.candle_series.get(info.key)
        if series is not None:
            return series
        inst = self.instruments[info.symbol]
        rng = random.Random(f"{self.seed}:{info.key}")
        start = candle_start(self.now_ms, info.timeframe)
        price = inst.last_price
        history: List[Candle] = []
        mts = start
        span = TIMEFRAMES[info.timeframe] or 30 * _DAY
        vol = inst.vol * math.sqrt(span / 250) * 0.5
        for _ in range(240):
            mts = previous_candle_start(mts, info.timeframe)
            close = price
            open_ = round_price(close * math.exp(rng.gauss(0, vol)))
            high = round_price(max(open_, close) * (1 + abs(rng.gauss(0, vol / 2))))
            low = round_price(min(open_, close) * (1 - abs(rng.gauss(0, vol / 2))))
            volume = round_amount(inst.size * rng.uniform(1, 20) * max(1.0, span / _HOUR))
            history.append(Candle(mts, open_, close, high, low, volume))
            price = open_
        history.reverse()
        series = CandleSeries(info, history)
        self.candle_series[info.key] = series
        return series

    # --- derivatives & liquidations ---------------------------------------------------------------------------
    def _deriv_row(self, symbol: str, mts: int, rng: random.Random) -> List[Any]:
        inst = self.instruments[symbol]
        spot = self.spot_for(symbol)
        state = self._deriv_state[symbol]
        spot_price = round_price(spot.mid if spot else inst.mid * 0.9997)
        mark = round_price((inst.mid + spot_price) / 2)
        next_funding = (mts // (8 * _HOUR) + 1) * 8 * _HOUR
        state["accrued"] = round(state["accrued"] + rng.uniform(-1e-6, 1e-6), 8)
        step = max(0, int((next_funding - mts) // _MINUTE))
        return [mts, None, round_price(inst.last_price), spot_price, None, state["insurance"], None, next_funding,
                state["accrued"], step, None, state["current"], None, None, mark, None, None, state["oi"], None,
                None, None, 0.005, 0.0025]

    def deriv_row(self, symbol: str) -> List[Any]:
        """The current derivatives status row (without key) of a perpetual."""
        return self.deriv_history[symbol][-1] if self.deriv_history[symbol] else []

    def _liquidate(self, mts: int) -> List[Any]:
        rng = self._rng
        symbols = [s for s, inst in self.instruments.items() if not inst.funding]
        symbol = rng.choice(symbols)
        inst = self.instruments[symbol]
        amount = round_amount(inst.size * rng.uniform(0.1, 3)) * rng.choice((1, -1))
        base_price = round_price(inst.mid * (1 + rng.uniform(-0.05, 0.05)))
        liq_price = round_price(inst.mid * (1 + rng.uniform(-0.01, 0.01)))
        row = ["pos", self._ids.next_position(), mts, None, symbol, amount, base_price, None, rng.choice((0, 1)),
               rng.choice((0, 1)), None, liq_price]
        self.liquidations.append(row)
        if len(self.liquidations) > 500:
            del self.liquidations[0]
        return row

    # --- stepping -------------------------------------------------------------------------------------------------
    def step(self) -> StepResult:
        """Advance the market clock by one step and every instrument with it."""
        self.steps += 1
        self.now_ms += self.step_ms
        result = StepResult(self.now_ms)
        for series in self.candle_series.values():
            series.touched = []
        for symbol, inst in self.instruments.items():
            trades = self._pending_trades.pop(symbol, []) + inst.step(self.now_ms)
            result.trades[symbol] = trades
            for series in self.candle_series.values():
                if series.info.symbol == symbol:
                    for trade in trades:
                        series.apply(trade)
            if not inst.funding:
                best_bid, best_ask = inst.best(True, visible=True), inst.best(False, visible=True)
                hist = self.ticker_history.setdefault(symbol, [])
                hist.append((self.now_ms, best_bid.price if best_bid else 0, best_ask.price if best_ask else 0))
                if len(hist) > 2000:
                    del hist[0]
        for symbol in self.derivatives():
            rng = random.Random(f"{self.seed}:{symbol}:deriv:{self.steps}")
            history = self.deriv_history[symbol]
            history.append(self._deriv_row(symbol, self.now_ms, rng))
            if len(history) > 2000:
                del history[0]
        if self._rng.random() < 0.15:
            result.liquidations.append(self._liquidate(self.now_ms))
        for key, series in self.candle_series.items():
            if series.touched:
                result.candles[key] = [c for c in series.candles if c.mts in series.touched]
        return result

    def flush_trades(self) -> StepResult:
        """Take the trades made by accounts since the last step or flush (published right away on the trades
        and candles channels) and apply them to the candle series; the clock does not move."""
        result = StepResult(self.now_ms)
        pending, self._pending_trades = self._pending_trades, {}
        for series in self.candle_series.values():
            series.touched = []
        for symbol, trades in pending.items():
            result.trades[symbol] = trades
            for series in self.candle_series.values():
                if series.info.symbol == symbol:
                    for trade in trades:
                        series.apply(trade)
        for key, series in self.candle_series.items():
            if series.touched:
                result.candles[key] = [c for c in series.candles if c.mts in series.touched]
        return result

    @staticmethod
    def merge_trades(result: StepResult, extra: StepResult) -> None:
        """Add the trades and touched candles of ``extra`` (a :meth:`flush_trades`) to a step's result."""
        for symbol, trades in extra.trades.items():
            result.trades.setdefault(symbol, []).extend(trades)
        for key, candles in extra.candles.items():
            known = result.candles.setdefault(key, [])
            known.extend(c for c in candles if all(c is not k for k in known))

    def external_trade(self, symbol: str, amount: float, price: float, period: int = 0) -> Trade:
        """Record a trade made by a simulated account (``amount`` > 0: the taker bought): it joins the tape
        and the daily statistics now and is published by the next :meth:`flush_trades` (the simulator flushes
        after every account operation) or step."""
        inst = self.instruments[symbol]
        trade = Trade(self._ids.next_trade(), self.now_ms, round_amount(amount), price, period)
        inst.trades.append(trade)
        inst.last_price = price
        inst.high = max(inst.high, price)
        inst.low = min(inst.low, price)
        inst.volume = round_amount(inst.volume + abs(amount))
        self._pending_trades.setdefault(symbol, []).append(trade)
        return trade

    def symbols(self, funding: Optional[bool] = None) -> Iterable[str]:
        return [s for s, inst in self.instruments.items() if funding is None or inst.funding == funding]
