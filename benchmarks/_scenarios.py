"""What each WebSocket scenario subscribes to, and the realistic frames the flood server sends for it.

Shared by the flood server and every client (both virtualenvs): standard library only.
"""

import json
import random
from dataclasses import dataclass
from typing import Any

#: events a client counts as delivered messages (update events only; snapshots are sent before the flood)
UPDATE_EVENTS = (
    "t_book_update",
    "t_trade_execution",
    "t_trade_execution_update",
    "t_ticker_update",
    "candles_update",
)
SNAPSHOT_CHANNELS = ("book", "trades", "candles")
#: relative share of the flood each kind of channel gets (books dominate real traffic)
WEIGHTS = {"book": 4, "trades": 2, "ticker": 1, "candles": 1}
#: mixed connections: 8 books, 7 trades, 5 tickers, 5 candles
MIX = (("book", 8), ("trades", 7), ("ticker", 5), ("candles", 5))


@dataclass(frozen=True)
class Scenario:
    name: str
    channels: tuple[dict[str, Any], ...]
    #: connections the client should open (25 subscriptions each)
    connections: int
    description: str


def _symbol(i: int) -> str:
    return f"tS{i:03d}USD"


def _spec(kind: str, i: int) -> dict[str, Any]:
    if kind == "book":
        return {"channel": "book", "symbol": _symbol(i), "prec": "P0", "freq": "F0", "len": "25"}
    if kind == "candles":
        return {"channel": "candles", "key": f"trade:1m:{_symbol(i)}"}
    return {"channel": kind, "symbol": _symbol(i)}


def _mixed(count: int) -> tuple[dict[str, Any], ...]:
    specs: list[dict[str, Any]] = []
    i = 0
    while len(specs) < count:
        for kind, n in MIX:
            for _ in range(n):
                specs.append(_spec(kind, i))
                i += 1
    return tuple(specs[:count])


SCENARIOS = {
    "book": Scenario("book", (_spec("book", 0),), 1, "1 book channel (P0, len 25)"),
    "trades": Scenario("trades", (_spec("trades", 0),), 1, "1 trades channel (te/tu frames)"),
    "mixed25": Scenario("mixed25", _mixed(25), 1, "25 mixed channels on 1 connection"),
    "mixed100": Scenario("mixed100", _mixed(100), 4, "100 mixed channels on 4 connections"),
    "mem500": Scenario("mem500", _mixed(500), 20, "500 mixed channels on 20 connections"),
    "latency": Scenario("latency", (_spec("trades", 0),), 1, "1 trades channel, paced"),
}


def snapshot_count(scenario: Scenario) -> int:
    return sum(1 for spec in scenario.channels if spec["channel"] in SNAPSHOT_CHANNELS)


# -- frame bodies ---------------------------------------------------------------------------------------


def _num(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


class BodyPool:
    """Pre-encoded frame middles (``[PRICE,COUNT,AMOUNT]``, ``"te",[...]``) for one channel kind."""

    SIZE = 4096

    def __init__(self, kind: str, seed: int) -> None:
        rng = random.Random(seed)
        self.kind = kind
        self.bodies = [self._body(rng, i) for i in range(self.SIZE)]

    def _body(self, rng: random.Random, i: int) -> str:
        mid = 64000 + rng.randint(-500, 500) * 0.5
        if self.kind == "book":
            side = 1 if i % 2 else -1
            count = rng.choice((0, 1, 1, 2, 3, 5, 8))
            amount = round(rng.uniform(0.001, 3.0), 8) * side
            return f"[{_num(mid)},{count},{_num(amount if count else float(side))}]"
        if self.kind == "trades":
            trade_id = 1_600_000_000 + i // 2
            mts = 1_760_000_000_000 + i * 7
            amount = round(rng.uniform(-2.0, 2.0), 8) or 0.01
            return f'"{"te" if i % 2 == 0 else "tu"}",[{trade_id},{mts},{_num(amount)},{_num(mid)}]'
        if self.kind == "ticker":
            bid, ask = mid - 0.5, mid + 0.5
            change = round(rng.uniform(-900, 900), 1)
            return (
                f"[{_num(bid)},{_num(round(rng.uniform(1, 40), 8))},{_num(ask)},{_num(round(rng.uniform(1, 40), 8))},"
                f"{_num(change)},{_num(round(change / mid, 4))},{_num(mid)},{_num(round(rng.uniform(1e3, 9e3), 8))},"
                f"{_num(mid + 800)},{_num(mid - 800)}]"
            )
        if self.kind == "candles":
            mts = 1_760_000_000_000 + (i // 8) * 60_000
            low, high = mid - rng.uniform(0, 40), mid + rng.uniform(0, 40)
            return (
                f"[{mts},{_num(round(mid - 3, 1))},{_num(round(mid + 2, 1))},{_num(round(high, 1))},"
                f"{_num(round(low, 1))},{_num(round(rng.uniform(1, 90), 8))}]"
            )
        raise ValueError(self.kind)


def snapshot_body(kind: str, seed: int) -> str:
    """The snapshot payload of a channel (``[[...],[...]]``), or '' for channels without one."""
    rng = random.Random(seed)
    if kind == "book":
        rows = [[64000 - 0.5 * i, rng.randint(1, 5), round(rng.uniform(0.01, 3), 8)] for i in range(1, 26)]
        rows += [[64000 + 0.5 * i, rng.randint(1, 5), -round(rng.uniform(0.01, 3), 8)] for i in range(1, 26)]
    elif kind == "trades":
        rows = [[1_500_000_000 - i, 1_759_999_000_000 - i * 1000, round(rng.uniform(-2, 2), 8) or 0.1,
                 64000 + rng.randint(-50, 50) * 0.5] for i in range(30)]
    elif kind == "candles":
        rows = [[1_760_000_000_000 - i * 60_000, 64000.0, 64001.0, 64010.0, 63990.0, round(rng.uniform(1, 90), 8)]
                for i in range(240)]
    else:
        return ""
    return json.dumps(rows, separators=(",", ":"))


def schedule(channels: list[tuple[int, str]], seed: int) -> list[int]:
    """Indexes into ``channels`` (chan_id, kind), each repeated by its kind's weight, shuffled."""
    order: list[int] = []
    for index, (_, kind) in enumerate(channels):
        order.extend([index] * WEIGHTS[kind])
    random.Random(seed).shuffle(order)
    return order

