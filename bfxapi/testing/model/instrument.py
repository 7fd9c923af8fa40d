"""One instrument of the market model: a trading pair or a funding currency, its book, its tape and its day.

The book has the shape of a real Bitfinex book (:mod:`.shape`, measured on the real 2021 capture): level amounts
drawn from the capture's distribution around the instrument's median level amount, 91 % of levels holding one
order, no amount below the minimum order size, and at least :data:`BOOK_DEPTH` price levels per side, so that a
``len=250`` subscription (the largest ``len`` Bitfinex accepts, protocol.md §3.1) gets 250 levels a side.

Each market step (:meth:`Instrument.step`, ``dt`` seconds of market time):

1. the fair price (``mid``) takes a random-walk step of ``vol * sqrt(dt)``;
2. resting orders the fair price crossed are taken whole by takers (up to 8 per step; beyond that the fair price
   stops at the book), which makes the tape follow the price;
3. takers trade at the best price, a Poisson number of times (``trades_per_second``); a trade that would leave less
   than the minimum order size on its maker takes the whole order;
4. a Poisson number of levels near the top turn over (``turnover_per_second``): an order is cancelled, a new level
   is added at a free price among the best ones;
5. the spread is refilled when it is wider than the instrument's (``spread_ticks``), and the far end of each side
   is extended or trimmed to keep between :data:`BOOK_DEPTH` and ``BOOK_DEPTH + 30`` levels.

Account orders (``owned``) are matched and filled like the others but never cancelled by the market flow.
"""

import math
import random
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from ..wire.numbers import PRECISION_DIGITS, round_amount, round_price, round_sig
from .book import BookSide, Resting
from .ids import IdCounters
from .shape import level_amount_factor, level_count, split_amount

__all__ = ["Instrument", "Profile", "PROFILES", "Trade", "BookLevel", "BOOK_DEPTH", "is_funding",
           "tick_size"]

#: Price levels kept per side: the largest ``len`` (250, protocol.md §3.1) plus a margin for one step's trades.
BOOK_DEPTH = 280
_DEPTH_SLACK = 30
#: levels near the top where turnover happens (and new levels land)
_TOP = 40
_FUNDING_PERIODS = (2, 2, 2, 3, 7, 7, 14, 30, 30, 60, 120)


def is_funding(symbol: str) -> bool:
    return symbol.startswith("f")


def tick_size(price: float) -> float:
    """The price step of a 5-significant-digit price (protocol.md §1): 1 at 30000, 0.1 at 2000, 1e-8 at 0.0002."""
    return float(10.0 ** (math.floor(math.log10(abs(price))) - 4)) if price else 1e-8


@dataclass(frozen=True)
class Profile:
    """How an instrument trades. ``price``: the starting price (a daily rate for funding); ``size``: the median
    level amount; ``vol``: relative volatility per square root of a second; ``spread_ticks``: the usual spread;
    ``gap_ticks``/``gap_growth``: adjacent levels are ``1 + Exp(gap_ticks * (1 + i / gap_growth))`` ticks apart
    at depth ``i``; ``trades_per_second``, ``turnover_per_second``: the flow; ``minimum``: the minimum order size."""

    price: float
    size: float
    vol: float
    spread_ticks: int
    gap_ticks: float
    gap_growth: float
    trades_per_second: float
    turnover_per_second: float
    minimum: float = 0.0002


#: The default instruments. Volatility: about 3 % a day (1e-4 per sqrt(s)); funding rates move less (5e-5).
#: Liquid pairs have a one-tick spread and nearly contiguous top levels; ``tTESTBTC:TESTUSD`` is shaped like the
#: capture's book of that pair (spread 6 ticks, top gaps of about 12 ticks widening quickly with depth, 100 levels
#: spanning 15 to 42 % of the price, median level 0.035). Trade rates are choices: the capture saw no trade in 30 s
#: on seven small pairs and protocol.md gives none. Funding minimums: 150 USD.
PROFILES: Dict[str, Profile] = {
    "tBTCUSD": Profile(30000.0, 0.5, 1e-4, 2, 0.5, 60, 2.0, 8.0),
    "tETHUSD": Profile(2000.0, 4.0, 1.3e-4, 1, 1.0, 50, 1.5, 6.0),
    "tETHBTC": Profile(0.066, 6.0, 1e-4, 2, 2.0, 30, 0.5, 3.0),
    "tTESTBTC:TESTUSD": Profile(30000.0, 0.035, 1e-4, 6, 10.0, 6, 0.3, 2.0),
    "tBTCF0:USTF0": Profile(30010.0, 0.3, 1e-4, 1, 1.0, 50, 1.0, 5.0),
    "fUSD": Profile(0.0002, 5000.0, 5e-5, 2, 3.0, 30, 0.5, 3.0, minimum=150.0),
    "fBTC": Profile(0.00000095, 1.5, 5e-5, 2, 8.0, 30, 0.3, 2.0, minimum=0.005),
}


def _generic_profile(rng: random.Random) -> Profile:
    return Profile(round_price(rng.uniform(1, 100)), 10.0, 1.5e-4, 2, 2.0, 30, 0.5, 3.0)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method: the means here are small)."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


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
class BookLevel:
    """An aggregated level; ``key`` is the price (trading) or ``(rate, period)`` (funding)."""

    price: float
    period: int
    count: int
    amount: float


class Instrument:
    """One trading pair or funding currency: resting orders, trade tape, daily statistics."""

    def __init__(self, symbol: str, seed: Any, start_ms: int, ids: IdCounters) -> None:
        self.symbol = symbol
        self.funding = is_funding(symbol)
        self.rng = random.Random(f"{seed}:{symbol}")
        self.profile = PROFILES.get(symbol) or _generic_profile(self.rng)
        self.mid = self.profile.price
        self.size = self.profile.size
        self.vol = self.profile.vol
        self.minimum = self.profile.minimum
        #: every resting order by id (both sides)
        self.orders: Dict[int, Resting] = {}
        self.book = {True: BookSide(True), False: BookSide(False)}
        #: bumped on every change of the book: views cache on it
        self.version = 0
        self._levels_cache: Dict[Tuple[bool, str], Tuple[int, List[BookLevel]]] = {}
        self._rounded: Dict[Tuple[float, int, str], float] = {}
        self._seq = 0
        self.trades: List[Trade] = []
        self._ids = ids
        self._build_book()
        self._seed_history(start_ms)
        self._anchor_history()
        self.last_price = self.trades[-1].price if self.trades else self.mid
        self.day_open = round_price(self.last_price * (1 + self.rng.uniform(-0.04, 0.04)))
        self.high = round_price(max(self.day_open, self.last_price) * (1 + self.rng.uniform(0, 0.02)))
        self.low = round_price(min(self.day_open, self.last_price) * (1 - self.rng.uniform(0, 0.02)))
        self.volume = round_amount(self.size * self.rng.uniform(500, 3000))
        self.frr = round_price(self.profile.price * self.rng.uniform(0.9, 1.1)) if self.funding else 0.0

    # --- book helpers -------------------------------------------------------------------------------------
    def is_bid(self, amount: float) -> bool:
        return amount < 0 if self.funding else amount > 0

    def side(self, bid: bool) -> List[Resting]:
        """Resting orders of one side in matching order, hidden ones included: best price first (bids: price
        desc, asks: price asc), then time priority."""
        return list(self.book[bid].orders())

    def visible_side(self, bid: bool) -> List[Resting]:
        """The public view of one side (hidden orders left out), best first, ties by id (protocol.md §3.3)."""
        return self.book[bid].visible()

    def best(self, bid: bool, visible: bool = False) -> Optional[Resting]:
        """The first order of a side in matching order (``visible``: the best of the public view)."""
        if not visible:
            return self.book[bid].best()
        for order in self.book[bid].orders():
            if not order.hidden:
                return order
        return None

    def place(self, resting: Resting) -> Resting:
        """Add (or re-queue) a resting order behind everything already at its price."""
        current = self.orders.get(resting.id)
        if current is not None:
            self.book[self.is_bid(current.amount)].discard(current)
        self._seq += 1
        resting.seq = self._seq
        self.orders[resting.id] = resting
        self.book[self.is_bid(resting.amount)].add(resting)
        self.version += 1
        return resting

    def put_owned(self, order_id: int, price: float, amount: float, hidden: bool, requeue: bool) -> None:
        """Book (or refresh) an account's resting order; ``requeue`` (or a new order) loses time priority."""
        current = self.orders.get(order_id)
        if current is None or requeue or current.price != price or self.is_bid(current.amount) != self.is_bid(amount):
            self.place(Resting(order_id, price, amount, owned=True, hidden=hidden))
        else:
            current.amount = amount
            current.hidden = hidden
            self.version += 1

    def remove(self, order_id: int) -> None:
        order = self.orders.pop(order_id, None)
        if order is not None:
            self.book[self.is_bid(order.amount)].discard(order)
            self.version += 1

    def reduce(self, order: Resting, remaining: float) -> None:
        """Leave ``remaining`` (> 0, absolute) of an order after a partial fill; it keeps its time priority."""
        order.amount = remaining if order.amount > 0 else -remaining
        self.version += 1

    def levels(self, bid: bool, prec: str) -> List[BookLevel]:
        """Aggregated levels of the public view of one side, best first (bids rounded down, asks rounded up)."""
        cached = self._levels_cache.get((bid, prec))
        if cached is not None and cached[0] == self.version:
            return cached[1]
        digits = PRECISION_DIGITS[prec]
        mode = "floor" if bid else "ceil"
        grouped: Dict[Tuple[float, int], BookLevel] = {}
        for order in self.book[bid].orders():
            if order.hidden:
                continue
            price = self._round_level(order.price, digits, mode)
            key = (price, order.period if self.funding else 0)
            level = grouped.get(key)
            if level is None:
                grouped[key] = BookLevel(price, key[1], 1, order.amount)
            else:
                level.count += 1
                level.amount = round_amount(level.amount + order.amount)
        result = list(grouped.values())
        if self.funding or prec != "P0":
            result.sort(key=lambda lv: ((-lv.price if bid else lv.price), lv.period))
        self._levels_cache[(bid, prec)] = (self.version, result)
        return result

    def _round_level(self, price: float, digits: int, mode: str) -> float:
        """``round_sig`` memoised: the same few hundred prices are aggregated many times a second."""
        key = (price, digits, mode)
        value = self._rounded.get(key)
        if value is None:
            if len(self._rounded) > 100_000:
                self._rounded.clear()
            value = self._rounded[key] = round_sig(price, digits, mode)
        return value

    # --- the book's shape -----------------------------------------------------------------------------------
    def _amount(self, scale: float = 1.0) -> float:
        """A level amount (absolute) drawn from the capture's distribution, never below the minimum."""
        return max(self.minimum, round_amount(self.size * scale * level_amount_factor(self.rng)))

    def _gap(self, index: int, price: float) -> float:
        """The distance from the ``index``-th level to the next one away from the spread."""
        profile = self.profile
        mean = profile.gap_ticks * (1 + index / profile.gap_growth)
        return (1 + round(self.rng.expovariate(1 / mean))) * tick_size(price)

    def _add_level(self, bid: bool, price: float) -> bool:
        """A new level of ``level_count()`` market orders at ``price`` (False when the price cannot take one)."""
        price = round_price(price)
        book = self.book[bid]
        opposite = self.book[not bid]
        if price <= 0 or book.has(price):
            return False
        if opposite and (price >= opposite.price(0) if bid else price <= opposite.price(0)):
            return False
        period = self.rng.choice(_FUNDING_PERIODS) if self.funding else 0
        for amount in split_amount(self.rng, self._amount(), level_count(self.rng), self.minimum):
            signed = amount if bid != self.funding else -amount
            order_id = self._ids.next("offer") if self.funding else self._ids.next("order")
            self.place(Resting(order_id, price, signed, period))
        return True

    def _inner_bound(self, bid: bool) -> float:
        """The best price a new level of a side may take: half the usual spread from the fair price."""
        half = self.profile.spread_ticks * tick_size(self.mid) / 2
        return self.mid - half if bid else self.mid + half

    def _build_book(self) -> None:
        for bid in (True, False):
            price = round_price(self._inner_bound(bid))
            for index in range(BOOK_DEPTH + _DEPTH_SLACK // 2):
                while not self._add_level(bid, price):
                    price = round_price(price - tick_size(price) if bid else price + tick_size(price))
                    if price <= 0:
                        return
                gap = self._gap(index, price)
                price = round_price(price - gap if bid else price + gap)

    def _add_near_top(self, bid: bool, improve: bool = False) -> None:
        """A new level among the best ones: in the gap after a level picked near the top, or (``improve``, and
        one time in seven anyway) between the best and the fair price."""
        book = self.book[bid]
        count = len(book)
        for _ in range(4):
            index = -1 if improve or not count else min(int(self.rng.expovariate(1 / 6)) - 1, count - 1, _TOP)
            inner = book.price(index) if index >= 0 else round_price(self._inner_bound(bid))
            outer = book.price(index + 1) if index + 1 < count else None
            if outer is None:
                outer = inner - self._gap(index + 1, inner) if bid else inner + self._gap(index + 1, inner)
            low, high = min(inner, outer), max(inner, outer)
            ticks = int((high - low) / tick_size(low) + 1e-9)
            if index >= 0 and ticks <= 1:
                continue
            step = self.rng.randint(1, max(1, ticks - 1)) if index >= 0 else self.rng.randint(0, max(0, ticks - 1))
            price = round_price(high - step * tick_size(low) if bid else low + step * tick_size(low))
            if self._add_level(bid, price):
                return

    def _cancel_near_top(self, bid: bool) -> None:
        book = self.book[bid]
        if not book:
            return
        level = book.level(book.price(min(int(self.rng.expovariate(1 / 10)), len(book) - 1, _TOP)))
        flow = [o for o in level if not o.owned]
        if flow:
            self.remove(self.rng.choice(flow).id)

    def _keep_depth(self, bid: bool) -> None:
        book = self.book[bid]
        while len(book) > BOOK_DEPTH + _DEPTH_SLACK:
            worst = book.level(book.price(-1))
            if any(o.owned for o in worst):
                break
            for order in list(worst):
                self.remove(order.id)
        added = 0
        while len(book) < BOOK_DEPTH and added < 3 * BOOK_DEPTH:
            added += 1
            if not book:
                self._add_level(bid, self._inner_bound(bid))
                continue
            last = book.price(-1)
            gap = self._gap(len(book), last)
            self._add_level(bid, last - gap if bid else last + gap)

    def _refill_spread(self, bid: bool) -> None:
        """When the best of a side is more than a few ticks behind where it should be, add levels in between."""
        book = self.book[bid]
        bound = round_price(self._inner_bound(bid))
        slack = (self.profile.spread_ticks + 2) * tick_size(self.mid)
        for _ in range(4):
            best = book.price(0) if len(book) else None
            if best is not None and (bound - best if bid else best - bound) <= slack:
                return
            self._add_near_top(bid, improve=True)

    # --- the seeded past --------------------------------------------------------------------------------------
    def _seed_history(self, start_ms: int) -> None:
        mts = start_ms - 60 * 30_000
        price = self.mid
        for _ in range(60):
            mts += self.rng.randint(1_000, 59_000)
            price = round_price(price * math.exp(self.rng.gauss(0, self.vol * 20)))
            amount = self._amount(0.3) * self.rng.choice((1, -1))
            period = self.rng.choice(_FUNDING_PERIODS) if self.funding else 0
            self.trades.append(Trade(self._ids.next("trade"), min(mts, start_ms - 1), amount, price, period))

    def _anchor_history(self) -> None:
        """Scale the seeded tape so that its last trade is at the middle of the opening book: the first ticker's
        LAST_PRICE then sits between its BID and ASK, as a real market's does. One factor for the whole tape keeps
        its seeded shape and takes no random draw."""
        bid, ask = self.best(True, visible=True), self.best(False, visible=True)
        if not self.trades or bid is None or ask is None:
            return
        target = min(max(round_price((bid.price + ask.price) / 2), bid.price), ask.price)
        factor = target / self.trades[-1].price
        for trade in self.trades:
            trade.price = round_price(trade.price * factor)
        self.trades[-1].price = target

    # --- stepping ---------------------------------------------------------------------------------------------
    def _trade(self, maker: Resting, size: float, taker_buys: bool, mts: int) -> Trade:
        """A taker trades ``size`` of ``maker`` (all of it when less than the minimum would be left)."""
        left = round_amount(abs(maker.amount) - size)
        if left < self.minimum:
            size, left = abs(maker.amount), 0.0
        if left <= 0:
            self.remove(maker.id)
        else:
            self.reduce(maker, left)
        trade = Trade(self._ids.next("trade"), mts, size if taker_buys else -size, maker.price, maker.period,
                      maker.id if maker.owned else None)
        self.trades.append(trade)
        self.last_price = trade.price
        self.high = max(self.high, trade.price)
        self.low = min(self.low, trade.price)
        self.volume = round_amount(self.volume + size)
        return trade

    def step(self, mts: int, dt: float = 0.25) -> List[Trade]:
        """Advance one step of ``dt`` seconds (see the module docstring); returns the public trades made."""
        rng, profile = self.rng, self.profile
        self.mid = self.mid * math.exp(rng.gauss(0, self.vol * math.sqrt(dt)))
        trades: List[Trade] = []
        # trading books: asks are lifted by buyers; funding: offers (asks) are taken by borrowers
        for _ in range(8):
            lowest_ask, highest_bid = self.book[False].best(), self.book[True].best()
            if lowest_ask is not None and lowest_ask.price <= self.mid:
                trades.append(self._trade(lowest_ask, abs(lowest_ask.amount), True, mts))
            elif highest_bid is not None and highest_bid.price >= self.mid:
                trades.append(self._trade(highest_bid, abs(highest_bid.amount), False, mts))
            else:
                break
        if self.book[True] and self.book[False]:
            best_bid, best_ask = self.book[True].price(0), self.book[False].price(0)
            if not best_bid < self.mid < best_ask:
                self.mid = (best_bid + best_ask) / 2
        for _ in range(_poisson(rng, profile.trades_per_second * dt)):
            taker_buys = rng.random() < 0.5
            maker = self.book[not taker_buys].best()
            if maker is not None:
                trades.append(self._trade(maker, self._amount(0.3), taker_buys, mts))
        for _ in range(_poisson(rng, profile.turnover_per_second * dt)):
            bid = rng.random() < 0.5
            self._cancel_near_top(bid)
            self._add_near_top(bid)
        for bid in (True, False):
            self._refill_spread(bid)
            self._keep_depth(bid)
        if len(self.trades) > 2000:
            del self.trades[: len(self.trades) - 2000]
        if self.funding:
            self.frr = round_price(self.frr * math.exp(rng.gauss(0, self.vol * math.sqrt(dt) / 4)))
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
