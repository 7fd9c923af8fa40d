"""Candles: timeframes, epoch-aligned candle starts (weeks on Mondays, months on the calendar), candle keys
(protocol.md §3.1) and the series a market keeps per key."""

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Protocol, Tuple

from ..wire.numbers import round_amount

__all__ = ["TIMEFRAMES", "Candle", "CandleSeries", "CandleKeyInfo", "candle_start", "previous_candle_start",
           "parse_candle_key", "CandleTrade"]

_MINUTE = 60_000
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
#: Candle timeframes in ms; ``1M`` is a calendar month (0 here), ``7D`` is accepted as ``1W``.
TIMEFRAMES: Dict[str, int] = {
    "1m": _MINUTE, "5m": 5 * _MINUTE, "15m": 15 * _MINUTE, "30m": 30 * _MINUTE, "1h": _HOUR, "3h": 3 * _HOUR,
    "6h": 6 * _HOUR, "12h": 12 * _HOUR, "1D": _DAY, "1W": 7 * _DAY, "7D": 7 * _DAY, "14D": 14 * _DAY, "1M": 0,
}
_MONDAY_OFFSET = 4 * _DAY  # 1970-01-05 was a Monday


class CandleTrade(Protocol):
    """What a candle needs of a trade (the market's :class:`~.market.Trade` has it)."""

    mts: int
    amount: float
    price: float
    period: int


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

    def apply(self, trade: CandleTrade) -> None:
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
