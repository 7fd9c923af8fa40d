"""``bfxapi.sync.Client``: the async REST interface, blocking, for scripts and for code moving from the official
library. The simulator serves from a thread of its own (``tests/sync_support.py``); the tests call the client from
plain threads, as a script would."""

import asyncio
import inspect
import threading
import warnings
from decimal import Decimal
from typing import Any, Iterator

import pytest

from bfxapi.exceptions import BfxBaseException, ClientClosedError, InvalidInputError, SyncInEventLoopError
from bfxapi.rest import _generate_sync
from bfxapi.rest.exceptions import RestConnectionError
from bfxapi.sync import Client
from bfxapi.sync import _endpoints
from bfxapi.types import TradingPairTicker

from sync_support import ThreadedSimulator, threaded_simulator

WALLETS = {"exchange": {"USD": 100_000.0, "BTC": 2.0}}


@pytest.fixture(name="served")
def served_fixture() -> Iterator[ThreadedSimulator]:
    with threaded_simulator() as served:
        yield served


def _account(served: ThreadedSimulator) -> Any:
    return served.call(lambda: served.sim.add_account(wallets=WALLETS))


def _loop_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "bfxapi-sync"]


# --- one source of truth: the facade is generated from the async groups ---------------------------------------

def test_the_generated_facade_is_up_to_date() -> None:
    committed = _generate_sync.TARGET.read_text(encoding="utf-8")
    assert committed == _generate_sync.render(), (
        "bfxapi/sync/_endpoints.py differs from what the async endpoint groups generate: run "
        "python -m bfxapi.rest._generate_sync"
    )


@pytest.mark.parametrize("attribute, module, name", _generate_sync.GROUPS)
def test_every_async_endpoint_has_a_blocking_twin_with_its_signature(attribute: str, module: str, name: str) -> None:
    group = getattr(__import__(module, fromlist=[name]), name)
    twin = getattr(_endpoints, name)
    endpoints = {n for n, _ in inspect.getmembers(group, inspect.iscoroutinefunction) if not n.startswith("_")}
    methods = {n for n, f in inspect.getmembers(twin, inspect.isfunction) if not n.startswith("_")}
    assert endpoints and methods == endpoints, attribute
    for method in endpoints:
        expected, actual = inspect.signature(getattr(group, method)), inspect.signature(getattr(twin, method))
        assert actual == expected, f"rest.{attribute}.{method}: {actual} != {expected}"
        assert not inspect.iscoroutinefunction(getattr(twin, method))
        assert getattr(twin, method).__doc__ == getattr(group, method).__doc__


# --- behaviour --------------------------------------------------------------------------------------------------

def test_public_and_auth_calls_return_the_async_types(served: ThreadedSimulator) -> None:
    account = _account(served)
    with Client(account.api_key, account.api_secret, rest_host=served.sim.rest_host) as bfx:
        ticker = bfx.rest.public.get_t_ticker("tBTCUSD")
        assert isinstance(ticker, TradingPairTicker) and isinstance(ticker.bid, (int, float))
        assert {(w.wallet_type, w.currency) for w in bfx.rest.auth.get_wallets()} == {("exchange", "USD"),
                                                                                     ("exchange", "BTC")}
        placed = bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", round(ticker.bid / 2))
        assert placed.status == "SUCCESS", placed.text
        cancelled = bfx.rest.auth.cancel_order(id=placed.data.id)
        assert cancelled.status == "SUCCESS", cancelled.text
        assert bfx.rest.stats().requests >= 4
        assert "api_secret" not in repr(bfx) and account.api_secret not in repr(bfx)


def test_errors_are_the_async_ones(served: ThreadedSimulator) -> None:
    with Client(rest_host=served.sim.rest_host) as bfx:
        with pytest.raises(InvalidInputError):
            bfx.rest.public.get_t_ticker("fUSD")  # checked before anything is sent, as in async code
    with Client(rest_host="http://127.0.0.1:9/v2") as bfx:  # the discard port: refused
        with pytest.raises(RestConnectionError):
            bfx.rest.public.get_platform_status()


def test_decimal_mode(served: ThreadedSimulator) -> None:
    with Client(rest_host=served.sim.rest_host, decimal=True) as bfx:
        assert bfx.decimal
        assert isinstance(bfx.rest.public.get_t_ticker("tBTCUSD").last_price, Decimal)


def test_the_timeout_block_of_the_caller_applies(served: ThreadedSimulator) -> None:
    with Client(rest_host=served.sim.rest_host) as bfx:
        with bfx.rest.timeout(5):
            assert bfx.rest.public.get_platform_status().status in (0, 1)


def test_several_threads_call_at_once(served: ThreadedSimulator) -> None:
    account = _account(served)
    results: dict[int, Any] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)
    with Client(account.api_key, account.api_secret, rest_host=served.sim.rest_host) as bfx:

        def work(index: int) -> None:
            try:
                start.wait(10)
                # signed calls from every thread: one nonce source and one session serve them all
                results[index] = (bfx.rest.public.get_t_ticker("tBTCUSD"), bfx.rest.auth.get_wallets())
            except BaseException as error:  # pylint: disable=broad-exception-caught
                errors.append(error)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors, errors
        assert len(results) == 8
        assert len(_loop_threads()) >= 1
    assert not any(thread.is_alive() for thread in threads)


def test_a_call_inside_a_running_event_loop_is_refused_not_deadlocked(served: ThreadedSimulator) -> None:
    async def inside() -> None:
        with Client(rest_host=served.sim.rest_host) as bfx:
            with pytest.raises(SyncInEventLoopError) as refused:
                bfx.rest.public.get_t_ticker("tBTCUSD")
            assert isinstance(refused.value, BfxBaseException) and isinstance(refused.value, RuntimeError)
            assert "bfxapi.Client" in str(refused.value)
            # from a worker thread it is fine
            ticker = await asyncio.to_thread(bfx.rest.public.get_t_ticker, "tBTCUSD")
            assert ticker.last_price > 0
            with pytest.raises(SyncInEventLoopError):
                bfx.close()
            await asyncio.to_thread(bfx.close)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "coroutine was never awaited"
        asyncio.run(inside())


def test_close_stops_the_thread_and_a_closed_client_says_so(served: ThreadedSimulator) -> None:
    before = len(_loop_threads())
    bfx = Client(rest_host=served.sim.rest_host)
    assert len(_loop_threads()) == before  # the loop starts with the first call
    bfx.rest.public.get_platform_status()
    assert len(_loop_threads()) == before + 1
    bfx.close()
    bfx.close()  # idempotent
    assert len(_loop_threads()) == before
    with pytest.raises(ClientClosedError):
        bfx.rest.public.get_platform_status()
    Client(rest_host=served.sim.rest_host).close()  # never used: nothing to stop


def test_the_client_has_no_websocket() -> None:
    bfx = Client()
    assert not hasattr(bfx, "wss")
    bfx.close()
