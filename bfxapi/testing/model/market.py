"""The seeded market model: the instruments (:mod:`.instrument`), candles, tickers' history, derivatives status and
liquidations, on a market clock (:mod:`.clock`).

Everything is driven by ``random.Random`` instances seeded from the simulator seed and a stable name, so a seed
determines the market; with a virtual clock (a start time given) it determines every timestamp too.
"""

import math
import random
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ..wire.numbers import round_amount, round_price
from .book import Resting
from .candles import TIMEFRAMES, Candle, CandleKeyInfo, CandleSeries, candle_start, parse_candle_key, \
    previous_candle_start
from .clock import MarketClock
from .ids import MARKET_ID_STARTS, IdCounters
from .instrument import BookLevel, Instrument, Trade, is_funding

__all__ = [
    "DEFAULT_SYMBOLS", "TIMEFRAMES", "Resting", "Trade", "Candle", "CandleSeries", "Instrument", "Market",
    "StepResult", "BookLevel", "parse_candle_key", "is_funding", "DERIV_REFRESH_MS", "LIQUIDATION_PROBABILITY",
]

DEFAULT_SYMBOLS = ("tBTCUSD", "tETHUSD", "tETHBTC", "tTESTBTC:TESTUSD", "tBTCF0:USTF0", "fUSD", "fBTC")

_MINUTE = 60_000
_HOUR = 60 * _MINUTE
_DAY_MS = 24 * _HOUR
#: a derivatives status row's content changes every 3 s ("rows re-sent ~1/s, content changes every ~3 s",
#: protocol.md §3.3, and §7.8 "status/deriv rows every 3 s")
DERIV_REFRESH_MS = 3_000
#: chance that a market step brings a liquidation on ``liq:global`` (a choice: about one in five seconds)
LIQUIDATION_PROBABILITY = 0.05


@dataclass
class StepResult:
    """What one market step changed. ``tickers`` and ``status`` name what the server publishes with the step
    (the symbols whose ticker is due, the derivatives whose status row is due); the simulator fills them in."""

    mts: int
    trades: Dict[str, List[Trade]] = field(default_factory=dict)
    liquidations: List[List[Any]] = field(default_factory=list)
    candles: Dict[str, List[Candle]] = field(default_factory=dict)
    tickers: Set[str] = field(default_factory=set)
    status: Set[str] = field(default_factory=set)
    #: send a due ticker even when it did not change (every step when a test steps the market)
    resend: bool = True


class Market:
    """All instruments plus derivatives status and liquidations, advancing on a market clock."""

    def __init__(self, seed: Any, symbols: Sequence[str], clock: MarketClock, step_seconds: float = 0.25) -> None:
        self.seed = seed
        self.clock = clock
        self.step_seconds = step_seconds
        self.steps = 0
        start_ms = clock.now()
        self._ids = IdCounters(MARKET_ID_STARTS)
        self.instruments: Dict[str, Instrument] = {}
        for symbol in symbols:
            self.instruments[symbol] = Instrument(symbol, seed, start_ms, self._ids)
        self._rng = random.Random(f"{seed}:market")
        self.candle_series: Dict[str, CandleSeries] = {}
        self.liquidations: List[List[Any]] = []
        #: one derivatives status row per minute (REST ``status/deriv/{key}/hist``, protocol.md §6.1)
        self.deriv_history: Dict[str, List[List[Any]]] = {}
        self.ticker_history: Dict[str, List[Tuple[int, float, float]]] = {}
        self._deriv_state: Dict[str, Dict[str, float]] = {}
        self._deriv_rows: Dict[str, List[Any]] = {}
        self._deriv_refreshed = start_ms
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
            self._deriv_rows[symbol] = self._deriv_row(symbol, start_ms, rng)
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
                price = round_price(price * math.exp(rng.gauss(0, inst.vol * 60)))
                hist.append((start_ms - back * _HOUR, round_price(price * 0.9999), round_price(price * 1.0001)))
            self.ticker_history[symbol] = hist

    @property
    def now_ms(self) -> int:
        """The market time in ms (:mod:`.clock`)."""
        return self.clock.now()

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
        span = TIMEFRAMES[info.timeframe] or 30 * _DAY_MS
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
        """The current derivatives status row (without key) of a perpetual: its content changes every
        :data:`DERIV_REFRESH_MS` of market time."""
        return self._deriv_rows.get(symbol, [])

    def _refresh_derivs(self, mts: int) -> None:
        if mts - self._deriv_refreshed < DERIV_REFRESH_MS:
            return
        self._deriv_refreshed = mts
        for symbol in self.derivatives():
            rng = random.Random(f"{self.seed}:{symbol}:deriv:{mts}")
            row = self._deriv_row(symbol, mts, rng)
            self._deriv_rows[symbol] = row
            history = self.deriv_history[symbol]
            minute = mts // _MINUTE * _MINUTE
            if not history or history[-1][0] < minute:
                history.append([minute, *row[1:]])
                if len(history) > 2000:
                    del history[0]

    def _liquidate(self, mts: int) -> List[Any]:
        rng = self._rng
        symbols = [s for s, inst in self.instruments.items() if not inst.funding]
        symbol = rng.choice(symbols)
        inst = self.instruments[symbol]
        amount = round_amount(inst.size * rng.uniform(0.1, 3)) * rng.choice((1, -1))
        base_price = round_price(inst.mid * (1 + rng.uniform(-0.05, 0.05)))
        liq_price = round_price(inst.mid * (1 + rng.uniform(-0.01, 0.01)))
        row = ["pos", self._ids.next("position"), mts, None, symbol, amount, base_price, None, rng.choice((0, 1)),
               rng.choice((0, 1)), None, liq_price]
        self.liquidations.append(row)
        if len(self.liquidations) > 500:
            del self.liquidations[0]
        return row

    # --- stepping -------------------------------------------------------------------------------------------------
    def step(self) -> StepResult:
        """One market step: the clock moves (:mod:`.clock`) and every instrument with it."""
        self.steps += 1
        now = self.clock.step()
        result = StepResult(now)
        for series in self.candle_series.values():
            series.touched = []
        for symbol, inst in self.instruments.items():
            trades = self._pending_trades.pop(symbol, []) + inst.step(now, self.step_seconds)
            result.trades[symbol] = trades
            for series in self.candle_series.values():
                if series.info.symbol == symbol:
                    for trade in trades:
                        series.apply(trade)
            if not inst.funding:
                hist = self.ticker_history.setdefault(symbol, [])
                if not hist or hist[-1][0] // _MINUTE < now // _MINUTE:
                    best_bid, best_ask = inst.best(True, visible=True), inst.best(False, visible=True)
                    hist.append((now, best_bid.price if best_bid else 0, best_ask.price if best_ask else 0))
                    if len(hist) > 2000:
                        del hist[0]
        self._refresh_derivs(now)
        if self._rng.random() < LIQUIDATION_PROBABILITY:
            result.liquidations.append(self._liquidate(now))
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
        trade = Trade(self._ids.next("trade"), self.now_ms, round_amount(amount), price, period)
        inst.trades.append(trade)
        inst.last_price = price
        inst.high = max(inst.high, price)
        inst.low = min(inst.low, price)
        inst.volume = round_amount(inst.volume + abs(amount))
        self._pending_trades.setdefault(symbol, []).append(trade)
        return trade

    def symbols(self, funding: Optional[bool] = None) -> Iterable[str]:
        return [s for s, inst in self.instruments.items() if funding is None or inst.funding == funding]
