"""Opt-in retries: idempotent reads are retried on 429, 5xx pages, maintenance and connection errors; writes
and Bitfinex application errors never are."""

import asyncio

import pytest
from aiohttp import web

from bfxapi.rest import BfxRestInterface, RetryPolicy
from bfxapi.rest.exceptions import (
    RateLimitError,
    RequestParameterError,
    RestConnectionError,
    UnexpectedResponseError,
)

from rest_auth_server import KEY, SECRET, AuthServer, start_app

FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.02, jitter=0.0)


class Scripted:
    """Answers a path with the next scripted reply (the last one repeats); counts the requests."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.count = 0

    async def handle(self, request):
        self.count += 1
        reply = self.replies[min(self.count, len(self.replies)) - 1]
        if reply == "drop":
            request.transport.close()  # the client sees the connection die without an answer
            return web.json_response([1])
        return reply()


def _html_502():
    return web.Response(status=502, text="<html>Bad Gateway</html>", content_type="text/html")


def _limited():
    return web.json_response(["error", 11010, "ratelimit: error"], status=429, headers={"Retry-After": "0.05"})


def _ok():
    return web.json_response([1])


async def _serve(routes):
    app = web.Application()
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
    runner, base = await start_app(app)
    return runner, f"{base}/v2"


async def test_rate_limit_then_success_waits_retry_after():
    script = Scripted(_limited, _limited, _ok)
    runner, host = await _serve([("GET", "/v2/platform/status", script.handle)])
    loop = asyncio.get_running_loop()
    try:
        async with BfxRestInterface(host, rate_limits=None, retry=FAST) as rest:
            started = loop.time()
            assert (await rest.public.get_platform_status()).status == 1
            elapsed = loop.time() - started
    finally:
        await runner.cleanup()
    assert script.count == 3 and elapsed >= 0.1  # two waits of Retry-After (0.05 s), not the 0.01 s backoff


async def test_5xx_page_maintenance_and_dropped_connection_are_retried():
    maintenance = Scripted(lambda: web.json_response(["error", 20060, "maintenance"], status=500), _ok)
    page = Scripted(_html_502, _ok)
    dropped = Scripted("drop", _ok)
    runner, host = await _serve([("GET", "/v2/platform/status", maintenance.handle), ("GET", "/v2/tickers", page.handle),
                                 ("GET", "/v2/pulse/hist", dropped.handle)])
    try:
        async with BfxRestInterface(host, rate_limits=None, retry=FAST) as rest:
            assert (await rest.public.get_platform_status()).status == 1
            page.replies[-1] = lambda: web.json_response([["tBTCUSD", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
            assert list(await rest.public.get_tickers("ALL")) == ["tBTCUSD"]
            dropped.replies[-1] = lambda: web.json_response([])
            assert await rest.public.get_pulse_message_history() == []
    finally:
        await runner.cleanup()
    assert (maintenance.count, page.count, dropped.count) == (2, 2, 2)


async def test_retries_give_up_after_the_attempts_with_the_simulators_429(make_sim):
    sim = await make_sim(rest_rate_limits={"liquidations": 1})
    async with BfxRestInterface(sim.rest_host, rate_limits=None, retry=FAST, rate_limit_penalty=0.01) as rest:
        await rest.public.get_liquidations(limit=1)
        with pytest.raises(RateLimitError):
            await rest.public.get_liquidations(limit=1)
    assert sim.rest_rate_limited == 3  # one try and two retries


async def test_no_retry_without_a_policy_nor_for_application_errors(make_sim):
    page = Scripted(_html_502, _ok)
    runner, host = await _serve([("GET", "/v2/platform/status", page.handle)])
    sim = await make_sim(rest_rate_limits=None)
    try:
        async with BfxRestInterface(host, rate_limits=None) as rest:
            with pytest.raises(UnexpectedResponseError):
                await rest.public.get_platform_status()
        async with BfxRestInterface(sim.rest_host, rate_limits=None, retry=FAST) as rest:
            with pytest.raises(RequestParameterError):
                await rest.public.get_t_ticker("tNOPE")
    finally:
        await runner.cleanup()
    assert page.count == 1 and sim.rest_requests == 1


async def test_writes_are_never_retried_but_auth_reads_are_with_a_fresh_nonce():
    server = await AuthServer().start()
    submit = Scripted(_html_502, lambda: web.json_response(["ok"]))
    wallets = Scripted(_html_502, lambda: web.json_response([["exchange", "BTC", 1, 0, 1, None, None]]))
    server.answers["auth/w/order/submit"] = lambda _body: submit.handle(None)
    server.answers["auth/r/wallets"] = lambda _body: wallets.handle(None)
    try:
        async with BfxRestInterface(server.host, KEY, SECRET, rate_limits=None, retry=FAST) as rest:
            with pytest.raises(UnexpectedResponseError):
                await rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", 1, 1)
            assert len(await rest.auth.get_wallets()) == 1
    finally:
        await server.stop()
    assert submit.count == 1 and wallets.count == 2
    assert [r.path for r in server.requests] == ["auth/w/order/submit", "auth/r/wallets", "auth/r/wallets"]
    assert server.requests[2].nonce > server.requests[1].nonce


async def test_connection_refused_is_retried_then_raised():
    runner, base = await start_app(web.Application())
    await runner.cleanup()
    async with BfxRestInterface(f"{base}/v2", rate_limits=None, retry=FAST) as rest:
        with pytest.raises(RestConnectionError):
            await rest.public.get_platform_status()


def test_policy_delays():
    policy = RetryPolicy(attempts=5, backoff=0.5, max_backoff=3.0, jitter=0.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert policy.delay(1, RateLimitError("x", 11010, 60.0)) == 60.0
    assert RetryPolicy(respect_retry_after=False, jitter=0).delay(1, RateLimitError("x", 11010, 60.0)) == 0.5
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)
