"""``bfxapi.sync.Client().rest.history``: the async histories as plain iterators, page by page on the client's loop.

The simulator serves from a thread of its own (``tests/sync_support.py``), with a market advanced by hand; the
client is called from the test's plain thread, as a script would."""

import asyncio
import inspect
import typing
from typing import Any, AsyncIterator, Iterator

import pytest

from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError
from bfxapi.rest.history import History
from bfxapi.sync import Client, SyncHistory

from sync_support import ThreadedSimulator, threaded_simulator

START = 1_700_000_000_000


@pytest.fixture(name="served", scope="module")
def served_fixture() -> Iterator[ThreadedSimulator]:
    with threaded_simulator(seed=5, auto_market=False, start_time=START, rest_rate_limits=None) as served:
        served.run(served.sim.advance(200))
        yield served


def _requests(served: ThreadedSimulator, path: str) -> int:
    return served.call(lambda: sum(1 for record in served.sim.rest_log if record.path == f"/v2/{path}"))


@pytest.mark.parametrize("sort", [-1, 1])
def test_trades_over_many_pages_in_order_none_repeated(served: ThreadedSimulator, sort: int) -> None:
    with Client(rest_host=served.sim.rest_host, rest_options={"rate_limits": None}) as bfx:
        reference = bfx.rest.public.get_t_trades("tBTCUSD", limit=10000, sort=sort, start=0)
        before = _requests(served, "trades/tBTCUSD/hist")
        rows = bfx.rest.history.trades("tBTCUSD", sort=sort, limit=7)
        assert isinstance(rows, Iterator) and not isinstance(rows, list)
        got = list(rows)
        pages = _requests(served, "trades/tBTCUSD/hist") - before
    assert len(reference) > 70 and pages >= 10
    assert [trade.id for trade in got] == [trade.id for trade in reference]  # same order, none lost
    assert len({trade.id for trade in got}) == len(got)  # none repeated
    assert got == reference  # the very rows, typed as the REST method's


def test_candles_oldest_first_in_decimal_mode(served: ThreadedSimulator) -> None:
    with Client(rest_host=served.sim.rest_host, rest_options={"rate_limits": None}, decimal=True) as bfx:
        reference = bfx.rest.public.get_candles_hist("tBTCUSD", "1m", limit=10000, sort=1, start=0)
        got = list(bfx.rest.history.candles("trade:1m:tBTCUSD", sort=1, limit=15))
    assert len(reference) > 45 and got == reference
    assert [candle.mts for candle in got] == sorted({candle.mts for candle in got})
    assert got[0].close.__class__.__name__ == "Decimal"


@pytest.mark.parametrize(("call", "error"), [
    (lambda h: h.candles("trade:2m:tBTCUSD"), InvalidInputError),
    (lambda h: h.trades("fUSD"), InvalidInputError),
    (lambda h: h.trades("tBTCUSD", start=5, end=4), InvalidInputError),
    (lambda h: h.funding_trades("tBTCUSD"), InvalidInputError),
    (lambda h: h.account_trades(limit=2501), InvalidInputError),
    (lambda h: h.ledgers("USD", category="trade"), InvalidInputTypeError),
    (lambda h: h.orders(sort=0), InvalidInputError),
    (lambda h: h.movements(start="yesterday"), InvalidInputTypeError),
])
def test_arguments_are_checked_at_the_call_before_any_request(served: ThreadedSimulator, call: Any,
                                                               error: type) -> None:
    with Client(rest_host=served.sim.rest_host) as bfx:
        before = served.call(lambda: len(served.sim.rest_log))
        with pytest.raises(error):
            call(bfx.rest.history)  # raised by the call itself, not by the first next()
        assert served.call(lambda: len(served.sim.rest_log)) == before


def test_breaking_out_early_leaves_nothing_running(served: ThreadedSimulator) -> None:
    with Client(rest_host=served.sim.rest_host, rest_options={"rate_limits": None}) as bfx:
        made: list[Any] = []
        trades = bfx.rest._rest.history.trades  # pylint: disable=protected-access

        def keep(*args: Any, **kwargs: Any) -> Any:
            made.append(trades(*args, **kwargs))
            return made[-1]

        bfx.rest._rest.history.trades = keep  # type: ignore[method-assign]  # pylint: disable=protected-access
        before = _requests(served, "trades/tBTCUSD/hist")
        for index, _ in enumerate(bfx.rest.history.trades("tBTCUSD", limit=5)):
            if index == 6:
                break
        # the dropped iterator closed the async one on the loop, at once: two pages read, none more
        assert made and made[0].ag_frame is None and not made[0].ag_running
        assert _requests(served, "trades/tBTCUSD/hist") - before == 2

        async def others() -> int:
            return len(asyncio.all_tasks()) - 1  # without this one

        assert bfx._runner.run(others()) == 0  # pylint: disable=protected-access

        # an iterator dropped unfinished (never looped to its end) closes too
        rows = bfx.rest.history.trades("tBTCUSD", limit=5)
        assert next(rows) is not None
        rows.close()
        assert made[1].ag_frame is None
    assert _requests(served, "trades/tBTCUSD/hist") - before == 3


def test_the_blocking_history_has_the_async_methods_and_parameters() -> None:
    names = {name for name, _ in inspect.getmembers(History, inspect.isfunction) if not name.startswith("_")}
    assert names == {name for name, _ in inspect.getmembers(SyncHistory, inspect.isfunction)
                     if not name.startswith("_")}
    for name in names:
        asynchronous, blocking = getattr(History, name), getattr(SyncHistory, name)
        assert inspect.signature(asynchronous).parameters == inspect.signature(blocking).parameters, name
        async_return = typing.get_type_hints(asynchronous)["return"]
        sync_return = typing.get_type_hints(blocking)["return"]
        assert typing.get_origin(async_return) is AsyncIterator.__origin__  # type: ignore[attr-defined]
        assert typing.get_origin(sync_return) is Iterator.__origin__  # type: ignore[attr-defined]
        assert typing.get_args(async_return) == typing.get_args(sync_return), name
