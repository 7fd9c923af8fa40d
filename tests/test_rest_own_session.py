"""Bring your own session: a ``Client`` uses an aiohttp ``ClientSession`` the application owns, for REST and
every WebSocket connection, and never closes it; with it, a redirected handshake still never gets the
authentication. Per-call REST timeouts (``with bfx.rest.timeout(s):``), scoped to the task and the interface."""

import asyncio
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest.exceptions import RestConnectionError, RestTimeoutError
from bfxapi.websocket.exceptions import BfxWebSocketException

from ws_support import FAST, simulator

pytestmark = pytest.mark.timeout(60)


def counting_session(**options: Any) -> tuple[aiohttp.ClientSession, list[str]]:
    """A session of the application's, with a trace of every request it starts (method and URL)."""
    seen: list[str] = []

    async def on_start(_: aiohttp.ClientSession, __: Any, params: aiohttp.TraceRequestStartParams) -> None:
        seen.append(f"{params.method} {params.url}")

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_start)
    return aiohttp.ClientSession(trace_configs=[trace], **options), seen


async def test_rest_and_websocket_use_the_applications_session_and_leave_it_open() -> None:
    async with simulator() as sim:
        session, seen = counting_session(headers={"User-Agent": "my-bot/1.0"})
        try:
            bfx = Client(**sim.client_kwargs(sim.demo_account), session=session, wss_options=FAST)
            sim.clients.append(bfx)
            assert (await bfx.rest.public.get_platform_status()).status == 1
            assert await bfx.rest.auth.get_wallets()
            await bfx.wss.connect()
            assert bfx.wss.authentication
            await bfx.close()
            assert not session.closed  # not the client's to close
            assert f"GET {sim.rest_host}/platform/status" in seen
            assert f"POST {sim.rest_host}/auth/r/wallets" in seen
            assert seen.count(f"GET {sim.wss_host}") == 2  # the public and the authenticated connection
            # The application's own headers stay; ours fill in what it did not set.
            status = next(r for r in sim.rest_log if r.path.endswith("platform/status"))
            assert status.headers["User-Agent"] == "my-bot/1.0"
            assert status.headers["Accept"] == "application/json"
            async with session.get(f"{sim.rest_host}/platform/status") as response:  # still the app's to use
                assert await response.json() == [1]
        finally:
            await session.close()


async def test_a_session_closed_by_its_owner_is_a_clear_error() -> None:
    async with simulator() as sim:
        session, _ = counting_session()
        bfx = Client(**sim.client_kwargs(), session=session, wss_options=FAST)
        sim.clients.append(bfx)
        await session.close()
        with pytest.raises(RestConnectionError, match="closed by its owner"):
            await bfx.rest.public.get_platform_status()
        with pytest.raises(BfxWebSocketException, match="closed by its owner"):  # it stops: retrying cannot help
            await bfx.wss.connect()
        await bfx.close()
        assert sim.rest_requests == 0 and sim.connections == []


async def test_the_session_option_is_checked_when_the_client_is_made() -> None:
    with pytest.raises(InvalidInputTypeError, match="aiohttp.ClientSession"):
        Client(session="session")  # type: ignore[arg-type]
    session = aiohttp.ClientSession()
    try:
        with pytest.raises(InvalidInputError, match="SOCKS proxy lives in the session's connector"):
            Client(session=session, proxy="socks5://127.0.0.1:1080")
    finally:
        await session.close()
    with pytest.raises(InvalidInputError, match="session is closed"):
        Client(session=session)


async def test_with_the_applications_session_a_redirected_handshake_gets_nothing() -> None:
    """The application's session follows redirects (the client cannot add its refusal to it): the handshake reaches
    the target, and the client closes that socket before it reads or sends anything, the authentication above
    all, then retries with backoff."""
    received: list[Any] = []
    upgraded = asyncio.Event()
    ports: list[int] = []

    async def redirect(_: web.Request) -> web.StreamResponse:
        return web.Response(status=307, headers={"Location": f"http://127.0.0.1:{ports[1]}/ws/2"})

    async def target(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str('{"event":"info","version":2,"platform":{"status":1}}')
        upgraded.set()
        async for message in ws:
            received.append(message.data)
        return ws

    runners = []
    for handler in (redirect, target):
        app = web.Application()
        app.router.add_get("/ws/2", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        ports.append(runner.addresses[0][1])
    session = aiohttp.ClientSession()
    bfx = Client("key", "secret", wss_host=f"ws://127.0.0.1:{ports[0]}/ws/2", session=session, wss_options=FAST)
    connecting = asyncio.ensure_future(bfx.wss.connect())
    try:
        for _ in range(2):  # redirected, refused, retried, redirected again
            upgraded.clear()
            await asyncio.wait_for(upgraded.wait(), 10)
        assert not connecting.done()
    finally:
        await bfx.close()
        await asyncio.gather(connecting, return_exceptions=True)
        await session.close()
        for runner in runners:
            await runner.cleanup()
    assert received == []  # no auth, no conf, nothing


async def test_a_timeout_given_for_one_call_applies_to_that_call_only() -> None:
    release = asyncio.Event()
    arrived: list[str] = []

    async def slow(request: web.Request) -> web.StreamResponse:
        arrived.append(request.path)
        await release.wait()  # answered only when the test says so
        return web.json_response([1])

    app = web.Application()
    app.router.add_get("/v2/platform/status", slow)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host = f"http://127.0.0.1:{runner.addresses[0][1]}/v2"
    other = BfxRestInterface(host, timeout=30.0)
    async with Client(rest_host=host, rest_options={"timeout": 30.0}) as bfx:
        try:
            # A call in another task, outside the block: it keeps the interface's 30 s.
            patient = asyncio.ensure_future(bfx.rest.public.get_platform_status())
            others = asyncio.ensure_future(other.public.get_platform_status())  # another interface: untouched
            loop = asyncio.get_running_loop()
            started = loop.time()
            with bfx.rest.timeout(0.3):
                with pytest.raises(RestTimeoutError, match="within 0.3 s"):
                    await bfx.rest.public.get_platform_status()
            elapsed = loop.time() - started
            assert 0.25 <= elapsed < 5.0, elapsed
            assert not patient.done() and not others.done()
            release.set()
            assert (await patient).status == 1 and (await others).status == 1
            with bfx.rest.timeout(None):  # no limit at all, for this block
                assert (await bfx.rest.public.get_platform_status()).status == 1
            assert len(arrived) == 4
            with pytest.raises(InvalidInputError):
                bfx.rest.timeout(-1)
        finally:
            release.set()
            await other.close()
            await runner.cleanup()
