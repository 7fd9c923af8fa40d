"""No redirect is ever followed (issue #14): a 3xx answer becomes a RedirectError naming the target, for signed
and public requests alike, with or without a retry policy, and the target server never hears from the client.

Two aiohttp servers on loopback: ``origin`` answers every request with the redirect under test, pointing at
``elsewhere``, which counts every request it receives (any method, any path)."""

import logging
import pickle

import pytest
from aiohttp import web

from bfxapi.exceptions import BfxBaseException
from bfxapi.rest import BfxRestInterface, RetryPolicy
from bfxapi.rest.exceptions import RedirectError, RestError

from rest_auth_server import KEY, SECRET, start_app

STATUSES = (301, 302, 303, 307, 308)
FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.02, jitter=0.0)


class Servers:
    """``origin`` redirects with ``status`` to ``elsewhere`` (same path, or ``location`` when set)."""

    def __init__(self) -> None:
        self.status = 307
        self.location = ""
        self.origin_requests: list = []
        self.elsewhere_requests: list = []
        self.origin = ""
        self.elsewhere = ""
        self._runners: list = []

    async def start(self) -> "Servers":
        elsewhere = web.Application()
        elsewhere.router.add_route("*", "/{tail:.*}", self._elsewhere)
        runner, self.elsewhere = await start_app(elsewhere)
        self._runners.append(runner)
        origin = web.Application()
        origin.router.add_route("*", "/{tail:.*}", self._origin)
        runner, self.origin = await start_app(origin)
        self._runners.append(runner)
        return self

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()

    async def _origin(self, request: web.Request) -> web.Response:
        self.origin_requests.append((request.method, request.path, dict(request.headers)))
        location = self.location or f"{self.elsewhere}{request.path_qs}"
        return web.Response(status=self.status, headers={"Location": location})

    async def _elsewhere(self, request: web.Request) -> web.Response:
        # Answers like Bitfinex would, so that a followed redirect would look like a success.
        self.elsewhere_requests.append((request.method, request.path, dict(request.headers)))
        if request.path.endswith("/auth/r/wallets"):
            return web.json_response([["exchange", "USD", 1_000_000, 0, 1_000_000, None, None]])
        return web.json_response([1])


@pytest.fixture
async def servers():
    started = await Servers().start()
    yield started
    await started.stop()


@pytest.mark.parametrize("status", STATUSES)
async def test_a_signed_request_is_never_sent_to_the_redirect_target(servers, status, caplog):
    servers.status = status
    caplog.set_level(logging.DEBUG, logger="bfxapi")
    async with BfxRestInterface(f"{servers.origin}/v2", KEY, SECRET, rate_limits=None) as rest:
        with pytest.raises(RedirectError) as read:
            await rest.auth.get_wallets()
        with pytest.raises(RedirectError) as write:
            await rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "10000")
    assert servers.elsewhere_requests == []
    assert [(m, p) for m, p, _ in servers.origin_requests] == [("POST", "/v2/auth/r/wallets"),
                                                              ("POST", "/v2/auth/w/order/submit")]
    signatures = [headers["bfx-signature"] for _, _, headers in servers.origin_requests]
    assert read.value.status == status and read.value.location == f"{servers.elsewhere}/v2/auth/r/wallets"
    assert write.value.location == f"{servers.elsewhere}/v2/auth/w/order/submit"
    for error in (read.value, write.value):
        shown = f"{error} {error!r} {caplog.text}"
        assert error.location in str(error) and f"HTTP {status}" in str(error)
        assert isinstance(error, RestError) and isinstance(error, BfxBaseException)
        assert KEY not in shown and SECRET not in shown and not any(s in shown for s in signatures)
        assert "bfx-" not in str(error)  # no header at all, not even its name


@pytest.mark.parametrize("status", STATUSES)
async def test_a_public_request_is_not_followed_either(servers, status):
    servers.status = status
    async with BfxRestInterface(f"{servers.origin}/v2", rate_limits=None) as rest:
        with pytest.raises(RedirectError) as get:
            await rest.public.get_platform_status()
        with pytest.raises(RedirectError) as post:
            await rest.public.get_fx_rate("USD", "EUR")  # a public POST: 301-303 would turn it into a GET
    assert servers.elsewhere_requests == []
    assert [(m, p) for m, p, _ in servers.origin_requests] == [("GET", "/v2/platform/status"),
                                                              ("POST", "/v2/calc/fx")]
    assert get.value.location == f"{servers.elsewhere}/v2/platform/status" and get.value.status == status
    assert post.value.location == f"{servers.elsewhere}/v2/calc/fx"


async def test_a_same_origin_redirect_is_not_followed_and_its_target_is_absolute(servers):
    servers.status, servers.location = 301, "/v2/platform/status/"  # a relative Location, same origin
    async with BfxRestInterface(f"{servers.origin}/v2", rate_limits=None) as rest:
        with pytest.raises(RedirectError) as caught:
            await rest.public.get_platform_status()
    assert len(servers.origin_requests) == 1 and servers.elsewhere_requests == []
    assert caught.value.location == f"{servers.origin}/v2/platform/status/"


async def test_a_redirect_without_location_is_still_an_error(servers):
    servers.status = 302

    async def no_location(request: web.Request) -> web.Response:
        servers.origin_requests.append((request.method, request.path, dict(request.headers)))
        return web.Response(status=302)

    app = web.Application()
    app.router.add_get("/v2/platform/status", no_location)
    runner, base = await start_app(app)
    try:
        async with BfxRestInterface(f"{base}/v2", rate_limits=None) as rest:
            with pytest.raises(RedirectError, match="no Location header") as caught:
                await rest.public.get_platform_status()
    finally:
        await runner.cleanup()
    assert caught.value.location == "<no Location header>" and len(servers.origin_requests) == 1


@pytest.mark.parametrize("status", (302, 307))
async def test_a_retry_policy_does_not_retry_a_redirect(servers, status):
    servers.status = status
    async with BfxRestInterface(f"{servers.origin}/v2", KEY, SECRET, rate_limits=None, retry=FAST) as rest:
        with pytest.raises(RedirectError):
            await rest.public.get_platform_status()  # a public read: retried on 5xx pages, not on redirects
        with pytest.raises(RedirectError):
            await rest.auth.get_wallets()  # an auth/r/ read: the same
    assert [(m, p) for m, p, _ in servers.origin_requests] == [("GET", "/v2/platform/status"),
                                                              ("POST", "/v2/auth/r/wallets")]
    assert servers.elsewhere_requests == []


def test_the_error_pickles_with_its_target():
    error = RedirectError("GET x: redirected", status=308, location="http://127.0.0.1:1/v2/x")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.status, copy.location) == (RedirectError, str(error), 308, error.location)
