"""Error mapping of the REST interface: Bitfinex codes, HTTP statuses, non-JSON bodies, network failures."""

import asyncio
import logging
import pickle

import pytest
from aiohttp import web

from bfxapi.exceptions import BfxBaseException, InvalidCredentialError, ServerError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest.exceptions import (
    GenericError,
    MaintenanceError,
    RateLimitError,
    RequestParameterError,
    ResourceNotFoundError,
    RestConnectionError,
    RestTimeoutError,
    UnexpectedResponseError,
)

from rest_auth_server import KEY, SECRET, start_app


async def test_parameter_error_from_the_simulator(make_sim):
    sim = await make_sim(rest_rate_limits=None)
    async with BfxRestInterface(sim.rest_host, rate_limits=None) as rest:
        with pytest.raises(RequestParameterError) as caught:
            await rest.public.get_t_ticker("tNOPE")
        with pytest.raises(RequestParameterError, match="limit: invalid"):
            await rest.public.get_t_trades("tBTCUSD", limit=20000)
    assert caught.value.code == 10020 and "symbol: invalid" in str(caught.value)
    assert "ticker/tNOPE" in str(caught.value)
    assert isinstance(caught.value, ServerError)


async def test_unknown_path_is_a_404_naming_it(make_sim):
    sim = await make_sim(rest_rate_limits=None)
    async with BfxRestInterface(f"http://127.0.0.1:{sim.port}/v3", rate_limits=None) as rest:
        with pytest.raises(ResourceNotFoundError) as caught:
            await rest.public.get_platform_status()
    assert caught.value.path == "platform/status" and "platform/status" in str(caught.value)
    assert "404" in str(caught.value)


async def test_maintenance(make_sim):
    sim = await make_sim(rest_rate_limits=None)
    async with BfxRestInterface(sim.rest_host, rate_limits=None) as rest:
        await sim.start_maintenance()
        assert (await rest.public.get_platform_status()).status == 0
        with pytest.raises(MaintenanceError) as caught:
            await rest.public.get_t_book("tBTCUSD", "P0")
        await sim.end_maintenance()
        assert await rest.public.get_t_book("tBTCUSD", "P0", len=1)
    assert caught.value.code == 20060


async def test_server_rate_limit_429(make_sim):
    sim = await make_sim(rest_rate_limits={"liquidations": 1})
    async with BfxRestInterface(sim.rest_host, rate_limits=None, rate_limit_penalty=42.0) as rest:
        await rest.public.get_liquidations(limit=1)
        with pytest.raises(RateLimitError) as caught:
            await rest.public.get_liquidations(limit=1)
    assert caught.value.code == 11010 and caught.value.retry_after == 42.0
    assert sim.rest_rate_limited == 1


@pytest.fixture
async def odd_server():
    """Answers Bitfinex never should, or only rarely does."""
    hang = asyncio.Event()

    async def html(_request):
        return web.Response(status=502, text="<html><body><h1>502 Bad Gateway</h1>cloudflare</body></html>",
                            content_type="text/html")

    async def html_ok(_request):
        return web.Response(status=200, text="<!DOCTYPE html><p>Maintenance page</p>", content_type="text/html")

    async def legacy_limit(_request):
        return web.json_response({"error": "ERR_RATE_LIMIT"}, status=429, headers={"Retry-After": "7"})

    async def message_limit(_request):
        return web.json_response({"message": "Ratelimit"})

    async def generic(_request):
        return web.json_response(["error", 10001, "Invalid order: not enough exchange balance"], status=500)

    async def auth_fail(_request):
        return web.json_response(["error", 10100, "apikey: invalid"], status=500)

    async def empty(_request):
        return web.Response(status=200, body=b"")

    async def slow(_request):
        await hang.wait()
        return web.json_response([1])

    app = web.Application()
    app.router.add_get("/v2/platform/status", html)
    app.router.add_get("/v2/ticker/tBTCUSD", html_ok)
    app.router.add_get("/v2/tickers", legacy_limit)
    app.router.add_get("/v2/liquidations/hist", message_limit)
    app.router.add_post("/v2/auth/w/order/submit", generic)
    app.router.add_post("/v2/auth/r/wallets", auth_fail)
    app.router.add_post("/v2/auth/r/positions", html)
    app.router.add_get("/v2/conf/pub:list:currency", empty)
    app.router.add_get("/v2/pulse/hist", slow)
    runner, base = await start_app(app)
    yield f"{base}/v2"
    hang.set()
    await runner.cleanup()


async def test_html_error_page(odd_server):
    async with BfxRestInterface(odd_server, rate_limits=None) as rest:
        with pytest.raises(UnexpectedResponseError) as caught:
            await rest.public.get_platform_status()
        with pytest.raises(UnexpectedResponseError) as caught_ok:
            await rest.public.get_t_ticker("tBTCUSD")
        with pytest.raises(UnexpectedResponseError, match="empty body"):
            await rest.public.conf("pub:list:currency")
    assert caught.value.status == 502 and "502 Bad Gateway" in str(caught.value)
    assert caught_ok.value.status == 200 and "Maintenance page" in str(caught_ok.value)
    assert isinstance(caught.value, ServerError) and not isinstance(caught.value, RuntimeError)


async def test_legacy_rate_limit_bodies(odd_server):
    async with BfxRestInterface(odd_server, rate_limits=None) as rest:
        with pytest.raises(RateLimitError) as legacy:
            await rest.public.get_tickers("ALL")
        with pytest.raises(RateLimitError) as message:
            await rest.public.get_liquidations()
    assert legacy.value.retry_after == 7.0 and message.value.retry_after == 60.0


async def test_generic_and_credential_errors_without_secrets(odd_server, caplog):
    caplog.set_level(logging.DEBUG, logger="bfxapi")
    async with BfxRestInterface(odd_server, KEY, SECRET, rate_limits=None) as rest:
        with pytest.raises(GenericError) as generic:
            await rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", 1, 1)
        with pytest.raises(InvalidCredentialError) as credential:
            await rest.auth.get_wallets()
        with pytest.raises(UnexpectedResponseError) as html:
            await rest.auth.get_positions()
        shown = " ".join([str(generic.value), str(credential.value), str(html.value), repr(rest),
                          repr(rest.auth), repr(rest._middleware), caplog.text])  # pylint: disable=protected-access
    assert generic.value.code == 10001 and "not enough exchange balance" in str(generic.value)
    assert credential.value.code == 10100
    assert SECRET not in shown and KEY not in shown
    assert "auth/r/positions" in caplog.text  # requests are logged, without headers


async def test_timeout(odd_server):
    async with BfxRestInterface(odd_server, rate_limits=None, timeout=0.2) as rest:
        with pytest.raises(RestTimeoutError, match="pulse/hist"):
            await rest.public.get_pulse_message_history()


async def test_connection_refused():
    runner, base = await start_app(web.Application())
    await runner.cleanup()  # the port is now closed
    async with BfxRestInterface(f"{base}/v2", rate_limits=None) as rest:
        with pytest.raises(RestConnectionError) as caught:
            await rest.public.get_platform_status()
    assert isinstance(caught.value, BfxBaseException) and isinstance(caught.value, ConnectionError)


def test_errors_pickle_with_their_attributes():
    for error in (RateLimitError("m", 11010, 3.0), ResourceNotFoundError("m", None, "p"),
                  UnexpectedResponseError("m", None, 502), RequestParameterError("m", 10020)):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and vars(copy) == vars(error)
