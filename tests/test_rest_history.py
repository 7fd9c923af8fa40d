"""``bfx.rest.history``: whole histories as async iterators, paged by time with inclusive bounds.

Unit tests drive the pager with an in-memory endpoint that answers like Bitfinex (start/end inclusive, sort, limit);
the simulator tests read every history over 10 pages or more, with rows that share a millisecond split across page
borders, and compare with one big request: no row missing, none repeated, order kept."""

import asyncio
import dataclasses
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Optional, Sequence

import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError
from bfxapi.rest.exceptions import HistoryPagingError
from bfxapi.rest._paging import pages
from bfxapi.testing import Simulator

START = 1_700_000_000_000


@dataclasses.dataclass
class Row:
    id: int
    mts: int


class FakeEndpoint:
    """An endpoint over ``rows`` as Bitfinex serves them: start/end inclusive, sorted by time (ties in id order)."""

    def __init__(self, rows: list[Row], sorts: bool = True) -> None:
        self.rows = rows
        self.sorts = sorts
        self.calls: list[tuple[Optional[int], Optional[int], int, int]] = []

    async def __call__(self, start: Optional[int], end: Optional[int], limit: int, sort: int) -> list[Row]:
        self.calls.append((start, end, limit, sort))
        sort = sort if self.sorts else -1
        chosen = [r for r in self.rows if (start is None or r.mts >= start) and (end is None or r.mts <= end)]
        chosen.sort(key=lambda r: (r.mts, r.id), reverse=sort == -1)
        if sort == 1 and start is None:
            return chosen[-limit:]
        return chosen[:limit]


def tied_rows() -> list[Row]:
    """50 rows over 14 milliseconds, groups of 1 to 6 rows sharing one."""
    rows, mts, ident = [], START, 1
    for group in [1, 3, 6, 2, 5, 1, 4, 6, 3, 2, 5, 4, 6, 2]:
        for _ in range(group):
            rows.append(Row(ident, mts))
            ident += 1
        mts += 7
    return rows


async def collect(endpoint: FakeEndpoint, **kwargs: Any) -> list[Row]:
    options: dict[str, Any] = {"start": None, "end": None, "sort": -1, "limit": 4, "largest": 100,
                               "time_of": lambda r: r.mts, "key_of": lambda r: r.id, "sorts": endpoint.sorts}
    options.update(kwargs)
    return [row async for row in pages(endpoint, **options)]


def expected(rows: list[Row], sort: int, start: Optional[int] = None, end: Optional[int] = None) -> list[Row]:
    chosen = [r for r in rows if (start is None or r.mts >= start) and (end is None or r.mts <= end)]
    return sorted(chosen, key=lambda r: (r.mts, r.id), reverse=sort == -1)


@pytest.mark.parametrize("sort", [1, -1])
@pytest.mark.parametrize("limit", [2, 3, 4, 5, 7, 50, 100])
async def test_every_row_once_in_order_whatever_the_page_size(sort: int, limit: int) -> None:
    rows = tied_rows()
    endpoint = FakeEndpoint(rows)
    assert await collect(endpoint, sort=sort, limit=limit) == expected(rows, sort)


@pytest.mark.parametrize("sort", [1, -1])
async def test_a_window_between_two_times_either_end_optional(sort: int) -> None:
    rows = tied_rows()
    start, end = START + 14, START + 63
    for low, high in [(start, end), (start, None), (None, end)]:
        got = await collect(FakeEndpoint(rows), sort=sort, limit=3, start=low, end=high)
        assert got == expected(rows, sort, low, high)


async def test_oldest_first_always_sends_a_start() -> None:
    # Without one, Bitfinex answers the newest rows oldest first: the oldest would be skipped.
    endpoint = FakeEndpoint(tied_rows())
    await collect(endpoint, sort=1, limit=5)
    assert endpoint.calls[0][0] == 0


async def test_a_millisecond_fuller_than_the_page_widens_the_page() -> None:
    rows = tied_rows()
    endpoint = FakeEndpoint(rows)
    assert await collect(endpoint, sort=-1, limit=2, largest=8) == expected(rows, -1)
    assert max(call[2] for call in endpoint.calls) > 2


async def test_a_millisecond_fuller_than_the_largest_page_cannot_be_paged() -> None:
    rows = [Row(i, START) for i in range(1, 12)]
    with pytest.raises(HistoryPagingError, match="more than 8 rows share the millisecond"):
        await collect(FakeEndpoint(rows), sort=1, limit=4, largest=8)


@pytest.mark.parametrize("limit", [2, 3, 5])
async def test_newest_first_only_endpoints_give_oldest_first_too(limit: int) -> None:
    rows = tied_rows()
    endpoint = FakeEndpoint(rows, sorts=False)
    got = await collect(endpoint, sort=1, limit=limit)
    assert [r.mts for r in got] == sorted(r.mts for r in rows)
    assert sorted(r.id for r in got) == [r.id for r in rows]
    assert all(call[3] == -1 for call in endpoint.calls)


async def test_reading_stops_when_the_loop_breaks() -> None:
    endpoint = FakeEndpoint(tied_rows())
    iterator = pages(endpoint, start=None, end=None, sort=-1, limit=5, largest=100, time_of=lambda r: r.mts,
                     key_of=lambda r: r.id)
    first = []
    async for row in iterator:
        first.append(row)
        if len(first) == 3:
            break
    assert len(first) == 3 and len(endpoint.calls) == 1


async def test_an_empty_history_is_one_request() -> None:
    endpoint = FakeEndpoint([])
    assert await collect(endpoint) == []
    assert len(endpoint.calls) == 1


# --- arguments, checked before any request ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda h: h.candles("tBTCUSD"), InvalidInputError),
        (lambda h: h.candles("trade:2m:tBTCUSD"), InvalidInputError),
        (lambda h: h.candles("trade:1m:BTCUSD"), InvalidInputError),
        (lambda h: h.candles(1), InvalidInputTypeError),
        (lambda h: h.trades("fUSD"), InvalidInputError),
        (lambda h: h.trades("tBTC/USD"), InvalidInputError),
        (lambda h: h.funding_trades("tBTCUSD"), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", start=5, end=4), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", start="5"), InvalidInputTypeError),
        (lambda h: h.trades("tBTCUSD", start=-1), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", end=datetime(2024, 1, 1)), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", sort=0), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", sort=None), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", limit=10001), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", limit=0), InvalidInputError),
        (lambda h: h.trades("tBTCUSD", limit=True), InvalidInputTypeError),
        (lambda h: h.account_trades(limit=2501), InvalidInputError),
        (lambda h: h.account_trades("BTCUSD"), InvalidInputError),
        (lambda h: h.ledgers(limit=2501), InvalidInputError),
        (lambda h: h.ledgers("USD", category="trade"), InvalidInputTypeError),
        (lambda h: h.orders("fUSD"), InvalidInputError),
        (lambda h: h.movements("U/SD"), InvalidInputError),
        (lambda h: h.movements(limit=2501), InvalidInputError),
    ],
)
def test_bad_arguments_raise_at_the_call(call: Callable[[Any], Any], error: type) -> None:
    bfx = Client(rest_host="http://127.0.0.1:9/v2")  # nothing listens: any request would fail differently
    with pytest.raises(error):
        call(bfx.rest.history)


async def test_aware_datetimes_are_milliseconds() -> None:
    async with Simulator(seed=1, auto_market=False, start_time=START, rest_rate_limits=None) as sim:
        await sim.advance(40)
        async with Client(rest_host=sim.rest_host, rest_options={"rate_limits": None}) as bfx:
            t0 = datetime.fromtimestamp((START + 2000) / 1000, timezone.utc)
            t1 = datetime.fromtimestamp((START + 6000) / 1000, timezone.utc)
            got = [t async for t in bfx.rest.history.trades("tBTCUSD", start=t0, end=t1, sort=1, limit=3)]
            assert got and all(START + 2000 <= t.mts <= START + 6000 for t in got)
            assert got == await bfx.rest.public.get_t_trades("tBTCUSD", start=START + 2000, end=START + 6000, sort=1,
                                                             limit=10000)


# --- against the simulator: 10 pages and more, ties split at page borders -------------------------------------------


class PageSpy:
    """Wraps an endpoint method of ``group`` to record the pages it returns."""

    def __init__(self, group: Any, name: str) -> None:
        self.pages: list[Sequence[Any]] = []
        original = getattr(group, name)

        async def spy(*args: Any, **kwargs: Any) -> Any:
            rows = await original(*args, **kwargs)
            self.pages.append(rows)
            return rows

        setattr(group, name, spy)

    def split_borders(self, time_of: Callable[[Any], int], key_of: Callable[[Any], Any]) -> int:
        """How many page borders fell inside a millisecond: the next page held rows of the last row's millisecond
        that the page had not."""
        count = 0
        for page, following in zip(self.pages, self.pages[1:]):
            if not page:
                continue
            boundary = time_of(page[-1])
            had = {key_of(row) for row in page if time_of(row) == boundary}
            if any(time_of(row) == boundary and key_of(row) not in had for row in following):
                count += 1
        return count


def check_history(got: list[Any], reference: Sequence[Any], spy: PageSpy, time_of: Callable[[Any], int],
                  key_of: Callable[[Any], Any]) -> None:
    assert len(spy.pages) >= 10, len(spy.pages)
    assert [key_of(r) for r in got] == [key_of(r) for r in reference]  # none missing, none repeated, same order
    assert got == list(reference)  # the very rows (dataclass equality)
    assert len({key_of(r) for r in got}) == len(got)
    assert spy.split_borders(time_of, key_of) >= 1, "no page border fell inside a millisecond"


def sim_options(**options: Any) -> dict[str, Any]:
    return {"seed": 5, "auto_market": False, "start_time": START, "rest_rate_limits": None, **options}


@pytest.mark.parametrize("sort", [-1, 1])
async def test_public_trades_over_many_pages(sort: int) -> None:
    async with Simulator(**sim_options()) as sim:
        await sim.advance(200)
        async with Client(rest_host=sim.rest_host, rest_options={"rate_limits": None}) as bfx:
            reference = await bfx.rest.public.get_t_trades("tBTCUSD", limit=10000, sort=sort, start=0)
            spy = PageSpy(bfx.rest.public, "get_t_trades")
            got = [t async for t in bfx.rest.history.trades("tBTCUSD", sort=sort, limit=7)]
            check_history(got, reference, spy, lambda t: t.mts, lambda t: t.id)


@pytest.mark.parametrize("sort", [-1, 1])
async def test_candles_over_many_pages(sort: int) -> None:
    async with Simulator(**sim_options()) as sim:
        await sim.advance(20)
        async with Client(rest_host=sim.rest_host, rest_options={"rate_limits": None}) as bfx:
            reference = await bfx.rest.public.get_candles_hist("tBTCUSD", "1m", limit=10000, sort=sort, start=0)
            spy = PageSpy(bfx.rest.public, "get_candles_hist")
            got = [c async for c in bfx.rest.history.candles("trade:1m:tBTCUSD", sort=sort, limit=15)]
            assert len(spy.pages) >= 10 and got == reference
            assert [c.mts for c in got] == sorted((c.mts for c in got), reverse=sort == -1)
            # a window: its two ends are in it
            low, high = reference[30].mts, reference[100].mts
            low, high = min(low, high), max(low, high)
            window = [c async for c in bfx.rest.history.candles("trade:1m:tBTCUSD", start=low, end=high, sort=1,
                                                                limit=9)]
            assert [c.mts for c in window] == sorted(c.mts for c in reference if low <= c.mts <= high)


async def test_the_rate_limiter_paces_the_pages() -> None:
    async with Simulator(**sim_options()) as sim:
        await sim.advance(100)
        options: Any = {"rate_limits": {"trades": 4}, "rate_limit_window": 0.05}
        async with Client(rest_host=sim.rest_host, rest_options=options) as bfx:
            got = [t async for t in bfx.rest.history.trades("tBTCUSD", limit=10)]
            stats = bfx.rest.stats()
            assert stats.requests >= 10 and stats.limiter_wait > 0
            assert len(got) == len({t.id for t in got})




async def make_history(sim: Simulator, account: Any, bfx: Client) -> None:
    bid = (await bfx.rest.public.get_t_ticker("tBTCUSD")).bid
    price = f"{int(bid * 0.5)}"
    resting = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "5", price)
    for index in range(36):  # 36 fills, in groups of 1 to 4 per millisecond
        await sim.fill_order(account, resting.data.id, amount=0.01)
        if index % 4 in (0, 3):
            await sim.advance(1)
    for index in range(30):  # 30 closed orders
        placed = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", price)
        await bfx.rest.auth.cancel_order(id=placed.data.id)
        if index % 3 == 2:
            await sim.advance(1)
    for index in range(30):  # 30 withdrawals
        await bfx.rest.auth.submit_wallet_withdrawal("exchange", "bitcoin", "bc1qexample", "0.001")
        if index % 4 == 1:
            await sim.advance(1)


@pytest.fixture(name="account_history")
async def fixture_account_history() -> Any:
    async with Simulator(**sim_options(seed=9)) as sim:
        await sim.advance(5)
        account = sim.add_account(wallets={"exchange": {"USD": 1_000_000, "BTC": 10}})
        async with Client(account.api_key, account.api_secret, rest_host=sim.rest_host,
                          rest_options={"rate_limits": None}) as bfx:
            await make_history(sim, account, bfx)
            yield sim, bfx


@pytest.mark.parametrize("sort", [-1, 1])
async def test_account_trades_over_many_pages(account_history: Any, sort: int) -> None:
    _, bfx = account_history
    reference = await bfx.rest.auth.get_trades_history(limit=2500, sort=sort, start=0)
    assert len(reference) >= 36
    spy = PageSpy(bfx.rest.auth, "get_trades_history")
    got = [t async for t in bfx.rest.history.account_trades(sort=sort, limit=3)]
    check_history(got, reference, spy, lambda t: t.mts_create, lambda t: t.id)
    only = [t async for t in bfx.rest.history.account_trades("tBTCUSD", sort=sort, limit=5)]
    assert only == [t for t in reference if t.symbol == "tBTCUSD"]


@pytest.mark.parametrize("sort", [-1, 1])
async def test_ledgers_over_many_pages(account_history: Any, sort: int) -> None:
    _, bfx = account_history
    newest_first = await bfx.rest.auth.get_ledgers(limit=2500)
    spy = PageSpy(bfx.rest.auth, "get_ledgers")
    got = [e async for e in bfx.rest.history.ledgers(sort=sort, limit=5)]
    reference = newest_first if sort == -1 else newest_first[::-1]
    check_history(got, reference, spy, lambda e: e.mts, lambda e: e.id)
    usd = [e async for e in bfx.rest.history.ledgers("USD", limit=4)]
    assert usd == [e for e in newest_first if e.currency == "USD"]


@pytest.mark.parametrize("sort", [-1, 1])
async def test_closed_orders_over_many_pages(account_history: Any, sort: int) -> None:
    _, bfx = account_history
    newest_first = await bfx.rest.auth.get_orders_history(limit=2500)
    assert len(newest_first) >= 30
    spy = PageSpy(bfx.rest.auth, "get_orders_history")
    got = [o async for o in bfx.rest.history.orders(sort=sort, limit=2)]
    reference = newest_first if sort == -1 else newest_first[::-1]
    check_history(got, reference, spy, lambda o: o.mts_update, lambda o: o.id)


@pytest.mark.parametrize("sort", [-1, 1])
async def test_movements_over_many_pages(account_history: Any, sort: int) -> None:
    _, bfx = account_history
    newest_first = await bfx.rest.auth.get_movements(limit=2500)
    assert len(newest_first) == 30
    spy = PageSpy(bfx.rest.auth, "get_movements")
    got = [m async for m in bfx.rest.history.movements(sort=sort, limit=2)]
    reference = newest_first if sort == -1 else newest_first[::-1]
    check_history(got, reference, spy, lambda m: m.mts_start, lambda m: m.id)
    assert [m async for m in bfx.rest.history.movements("BTC", limit=3)] == newest_first


def test_history_runs_in_a_fresh_loop() -> None:
    # The iterator is a plain async generator: it needs no running loop until iterated.
    async def main() -> int:
        async with Simulator(**sim_options()) as sim:
            await sim.advance(30)
            async with Client(rest_host=sim.rest_host, rest_options={"rate_limits": None}) as bfx:
                return len([t async for t in bfx.rest.history.trades("tBTCUSD", limit=5)])
    assert asyncio.run(main()) > 0


async def test_decimal_mode_gives_the_rest_methods_decimal_items() -> None:
    async with Simulator(**sim_options()) as sim:
        await sim.advance(60)
        async with Client(rest_host=sim.rest_host, decimal=True, rest_options={"rate_limits": None}) as bfx:
            got = [t async for t in bfx.rest.history.trades("tBTCUSD", limit=4)]
            assert got == await bfx.rest.public.get_t_trades("tBTCUSD", limit=10000)
            assert all(isinstance(t.price, Decimal) and isinstance(t.amount, Decimal) for t in got)
            candles = [c async for c in bfx.rest.history.candles("trade:1m:tBTCUSD", limit=50, sort=1)]
            assert candles and isinstance(candles[0].close, Decimal)
