"""Whole-request deadlines (bfxapi/rest/_interface/deadlines.py): one timer for every request in flight.

The unit tests drive :class:`Deadlines` with futures the test completes itself; the end-to-end ones run the
transport against a server (started here) that answers with headers and then never sends the body, or never
answers at all. Every wait is bounded by ``asyncio.wait_for``."""

import asyncio
import random
import socket
import sys

import pytest
from aiohttp import web

from bfxapi.rest import BfxRestInterface
from bfxapi.rest._interface.deadlines import Deadlines
from bfxapi.rest.exceptions import RestTimeoutError

from rest_auth_server import start_app

pytestmark = pytest.mark.timeout(30)

COUNTS_CANCELLATIONS = sys.version_info >= (3, 11)


async def scoped(deadlines: Deadlines, seconds: float, awaitable):
    """``await awaitable`` in one scope ending ``seconds`` from now, as the transport does."""
    loop = asyncio.get_running_loop()
    task, cancelling = deadlines.enter(loop.time() + seconds)
    try:
        result = await awaitable
    except BaseException as error:
        deadlines.leave(task, cancelling, cancelled=isinstance(error, asyncio.CancelledError))
        raise
    deadlines.leave(task, cancelling)
    return result


def count_timers(loop: asyncio.AbstractEventLoop, deadlines: Deadlines) -> list[float]:
    """Record the time of every timer ``deadlines`` sets from now on."""
    armed: list[float] = []
    call_at = loop.call_at

    def counting(when, callback, *args, **kwargs):
        if callback == deadlines._fire:  # pylint: disable=protected-access
            armed.append(when)
        return call_at(when, callback, *args, **kwargs)

    loop.call_at = counting  # type: ignore[method-assign]
    return armed


async def test_a_scope_that_waits_past_its_deadline_times_out_at_it():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)
    started = loop.time()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(scoped(deadlines, 0.2, loop.create_future()), 5)
    assert 0.2 <= loop.time() - started < 2
    assert deadlines.inside == 0


async def test_a_timed_out_task_is_not_left_cancelled():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)

    async def request_then_more():
        with pytest.raises(asyncio.TimeoutError):
            await scoped(deadlines, 0.05, loop.create_future())
        await asyncio.sleep(0.1)  # a cancellation left pending would end this sleep
        return asyncio.current_task().cancelling() if COUNTS_CANCELLATIONS else 0

    assert await asyncio.wait_for(request_then_more(), 5) == 0


async def test_a_scope_that_ended_in_time_is_never_cancelled_later():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)
    armed = count_timers(loop, deadlines)

    async def quick_request_then_a_long_wait():
        answer = loop.create_future()
        loop.call_later(0.01, answer.set_result, "ok")
        assert await scoped(deadlines, 0.1, answer) == "ok"
        await asyncio.sleep(0.3)  # the timer set for the request fires meanwhile, and must find no one
        return "done"

    assert await asyncio.wait_for(quick_request_then_a_long_wait(), 5) == "done"
    assert len(armed) == 1


async def test_requests_of_one_timeout_share_one_timer():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)
    armed = count_timers(loop, deadlines)

    async def answered_soon():
        answer = loop.create_future()
        loop.call_soon(answer.set_result, None)
        await scoped(deadlines, 30.0, answer)

    for _ in range(500):
        await answered_soon()
    await asyncio.wait_for(asyncio.gather(*(answered_soon() for _ in range(200))), 5)
    # Sequential and concurrent requests with one timeout: the first set the timer; every later deadline is later.
    assert len(armed) == 1
    assert deadlines.inside == 0


async def test_an_earlier_deadline_sets_the_timer_earlier():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)
    long = asyncio.ensure_future(scoped(deadlines, 30.0, loop.create_future()))
    await asyncio.sleep(0)
    started = loop.time()
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(scoped(deadlines, 0.1, loop.create_future()), 5)
    assert loop.time() - started < 2
    assert not long.done()  # the long one is not touched
    long.cancel()
    with pytest.raises(asyncio.CancelledError):
        await long


async def test_mixed_deadlines_each_hold_exactly():
    """Random timeouts, answers before or after them: an answer in time is returned, a late one is a timeout,
    and no timeout comes before its deadline."""
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)
    chance = random.Random(20)

    async def one(timeout: float, answer_after: float):
        answer = loop.create_future()
        loop.call_later(answer_after, lambda: answer.done() or answer.set_result("answer"))
        started = loop.time()
        try:
            return await scoped(deadlines, timeout, answer), loop.time() - started
        except asyncio.TimeoutError:
            return "timeout", loop.time() - started

    cases = [(chance.uniform(0.05, 0.4), chance.uniform(0.0, 0.5)) for _ in range(60)]
    cases = [(timeout, answer) for timeout, answer in cases if abs(timeout - answer) > 0.03]  # no photo finish
    results = await asyncio.wait_for(asyncio.gather(*(one(t, a) for t, a in cases)), 10)
    for (timeout, answer_after), (outcome, elapsed) in zip(cases, results):
        if answer_after < timeout:
            assert outcome == "answer", (timeout, answer_after, elapsed)
        else:
            assert outcome == "timeout" and elapsed >= timeout, (timeout, answer_after, elapsed)
    assert deadlines.inside == 0


async def test_a_cancellation_by_the_caller_stays_a_cancellation():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)
    request = asyncio.ensure_future(scoped(deadlines, 30.0, loop.create_future()))
    await asyncio.sleep(0.01)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(request, 5)
    assert deadlines.inside == 0


@pytest.mark.skipif(not COUNTS_CANCELLATIONS, reason="Python 3.10 does not count cancellations")
async def test_a_cancellation_by_the_caller_at_the_deadline_stays_a_cancellation():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)
    request = asyncio.ensure_future(scoped(deadlines, 0.05, loop.create_future()))
    await asyncio.sleep(0.01)
    fired = asyncio.Event()
    # Cancel the task in the same turn as the deadline fires, just after it.
    loop.call_at(deadlines._timer_when, lambda: (request.cancel(), fired.set()))  # pylint: disable=protected-access
    await asyncio.wait_for(fired.wait(), 5)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(request, 5)


async def test_a_scope_entered_after_its_deadline_times_out_at_its_first_wait():
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(loop)

    async def late():
        task, cancelling = deadlines.enter(loop.time() - 1)
        try:
            await loop.create_future()
        except asyncio.CancelledError:
            deadlines.leave(task, cancelling, cancelled=True)
            raise

    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(late(), 5)


async def test_entered_outside_a_task_is_a_clear_error():
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(RuntimeError, match="inside an asyncio task"):
            Deadlines(loop).enter(0.0)
    finally:
        loop.close()


# --- end to end: the transport against servers that do not answer in time ------------------------------------------


async def test_an_answer_whose_body_never_comes_times_out():
    started_body = asyncio.Event()
    release = asyncio.Event()

    async def headers_then_silence(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        response.content_length = 100
        await response.prepare(request)
        await response.write(b"[[")
        started_body.set()
        await release.wait()
        return response

    app = web.Application()
    app.router.add_get("/v2/platform/status", headers_then_silence)
    runner, base = await start_app(app)
    try:
        async with BfxRestInterface(f"{base}/v2", rate_limits=None, timeout=0.3) as rest:
            loop = asyncio.get_running_loop()
            began = loop.time()
            with pytest.raises(RestTimeoutError, match="platform/status"):
                await asyncio.wait_for(rest.public.get_platform_status(), 10)
            assert started_body.is_set() and 0.3 <= loop.time() - began < 3
            # The client goes on: the next call gets a fresh connection and a deadline of its own.
            began = loop.time()
            with pytest.raises(RestTimeoutError):
                await asyncio.wait_for(rest.public.get_platform_status(), 10)
            assert 0.3 <= loop.time() - began < 3
    finally:
        release.set()
        await runner.cleanup()


async def test_one_calls_short_timeout_leaves_the_others_alone():
    gate = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await asyncio.wait_for(gate.wait(), 10)
        return web.json_response([1])

    app = web.Application()
    app.router.add_get("/v2/platform/status", slow)
    runner, base = await start_app(app)
    try:
        async with BfxRestInterface(f"{base}/v2", rate_limits=None, timeout=30.0) as rest:
            patient = [asyncio.ensure_future(rest.public.get_platform_status()) for _ in range(5)]
            await asyncio.sleep(0.05)
            with rest.timeout(0.2):
                with pytest.raises(RestTimeoutError):
                    await asyncio.wait_for(rest.public.get_platform_status(), 10)
            assert not any(task.done() for task in patient)
            gate.set()
            statuses = await asyncio.wait_for(asyncio.gather(*patient), 10)
            assert [status.status for status in statuses] == [1] * 5
    finally:
        gate.set()
        await runner.cleanup()


def test_deadlines_hold_in_a_second_event_loop():
    """A client used by two ``asyncio.run`` in turn: the second loop gets deadlines of its own (the first one's
    timer belonged to a closed loop)."""
    with socket.socket() as listener:  # listening, never accepting: connections complete, nothing answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        rest = BfxRestInterface(f"http://127.0.0.1:{listener.getsockname()[1]}/v2", rate_limits=None, timeout=0.2)

        async def times_out() -> float:
            loop = asyncio.get_running_loop()
            began = loop.time()
            try:
                with pytest.raises(RestTimeoutError):
                    await asyncio.wait_for(rest.public.get_platform_status(), 5)
            finally:
                await rest.close()
            return loop.time() - began

        assert all(0.2 <= asyncio.run(times_out()) < 3 for _ in range(2))
