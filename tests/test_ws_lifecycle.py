"""Starting, running and closing the WebSocket client."""

import asyncio
import gc
import warnings

import pytest
from aiohttp import web

from bfxapi import Client
from bfxapi.websocket import Backoff, WebSocketOptions
from bfxapi.websocket.exceptions import ConnectionNotOpen, ReconnectionTimeoutError, VersionMismatchError

from ws_support import FAST, Recorder, client, open_connections, simulator


async def test_connect_opens_one_connection_sends_flags_and_emits_open_once() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "open")
        await bfx.wss.connect(connections=3)
        assert bfx.wss.open
        assert events.count("open") == 1
        assert bfx.wss.connections == 1  # the others open only when subscriptions need them
        connection = (await sim.wait_for_connections(1))[0]
        conf = await sim.wait_for_received(lambda m: isinstance(m, dict) and m.get("event") == "conf", connection)
        assert conf["flags"] == FAST.flags == 131072 + 65536
        await bfx.close()
        assert not bfx.wss.open
        assert events.count("open") == 1


async def test_close_leaves_no_task_and_emits_disconnected() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "disconnected")
        started: list[str] = []
        finished: list[str] = []

        @bfx.wss.on("t_ticker_update")
        async def slow(_sub: object, _ticker: object) -> None:
            started.append("started")
            tickers.poke()
            try:
                await asyncio.sleep(30)
            finally:
                finished.append("cancelled")

        tickers = Recorder(bfx, "t_ticker_update")
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        await sim.advance()
        # the subscription's first frame and the step's: both callbacks are running
        await tickers.wait(lambda: len(started) == tickers.count("t_ticker_update") == 2)
        before = asyncio.all_tasks()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            await bfx.wss.close(code=1001, reason="Going Away")
            gc.collect()
        assert events.of("disconnected") == [(1001, "Going Away")]
        # every callback still running after the grace period was cancelled
        assert finished == ["cancelled", "cancelled"]
        assert bfx.wss._emitter.pending_tasks() == 0  # pylint: disable=protected-access
        leftover = [t for t in asyncio.all_tasks() - before if not t.done()]
        ours = [t for t in asyncio.all_tasks() if t.get_name().startswith("bfxapi:")]
        assert not leftover and not ours
        assert not [w for w in caught if "bfxapi" in str(w.filename) or "Unclosed" in str(w.message)]
        assert await sim.wait_for(lambda: not open_connections(sim))


async def test_close_is_idempotent_and_subscribing_afterwards_fails() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        await bfx.wss.close()
        await bfx.wss.close()
        with pytest.raises(ConnectionNotOpen):
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")


async def test_subscribing_before_start_raises_connection_not_open() -> None:
    bfx = Client(wss_options=FAST)
    with pytest.raises(ConnectionNotOpen):
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")


async def test_start_runs_until_closed() -> None:
    async with simulator() as sim:
        bfx = client(sim)

        @bfx.wss.on("open")
        async def on_open() -> None:
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            await bfx.wss.close()

        await asyncio.wait_for(bfx.wss.start(connections=1), 10)
        assert any(m.get("event") == "subscribe" for m in sim.connections[0].received if isinstance(m, dict))


async def test_run_owns_its_event_loop() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        seen: list[str] = []

        @bfx.wss.on("open")
        async def on_open() -> None:
            seen.append(await bfx.wss.subscribe("ticker", symbol="tETHUSD", sub_id="from-run"))
            await bfx.wss.close()

        await asyncio.wait_for(asyncio.to_thread(bfx.wss.run, 2), 10)
        assert seen == ["from-run"]


async def test_client_context_manager_closes_the_websocket() -> None:
    async with simulator() as sim:
        async with client(sim) as bfx:
            await bfx.wss.connect()
            assert bfx.wss.open
        assert not bfx.wss.open
        assert await sim.wait_for(lambda: not open_connections(sim))


async def test_version_mismatch_stops_the_client() -> None:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"event": "info", "version": 3, "platform": {"status": 1}})
        await ws.receive()
        return ws

    app = web.Application()
    app.router.add_get("/ws/2", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr] # pylint: disable=protected-access
    try:
        bfx = Client(wss_host=f"ws://127.0.0.1:{port}/ws/2", wss_options=FAST)
        with pytest.raises(VersionMismatchError):
            await asyncio.wait_for(bfx.wss.connect(), 5)
        assert not bfx.wss.open
    finally:
        await runner.cleanup()


async def test_giving_up_after_the_reconnection_timeout() -> None:
    async with simulator() as sim:
        options = WebSocketOptions(
            backoff=Backoff(initial=0.05, maximum=0.1, jitter=0.0),
            ping_interval=0.3,
            silence_limit=1.0,
            public_connection_limit=(None, 0.0),
        )
        bfx = Client(wss_host=sim.wss_host, wss_options=options, timeout=0.5)
        events = Recorder(bfx, "disconnected")
        await bfx.wss.connect()
        sim.refuse_handshakes(1000, status=503)
        await sim.drop()
        with pytest.raises(ReconnectionTimeoutError):
            await asyncio.wait_for(bfx.wss.wait_closed(), 10)
        assert events.count("disconnected") == 1
        assert not bfx.wss.open
        assert sim.handshakes_refused >= 3  # it kept trying until the timeout


@pytest.mark.parametrize("attempt", range(5))
async def test_close_while_a_reconnection_handshake_completes(attempt: int) -> None:
    # Regression: close() landing while the reconnection handshake completed used to be lost (wait_for swallows
    # that cancellation on Python 3.10/3.11) and the client went on with a connection nobody would close.
    async with simulator(seed=attempt) as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        await bfx.wss.subscribe("trades", symbol="tBTCUSD")
        await sim.drop()
        await sim.wait_for(lambda: len(sim.connections) == 2)  # the server saw the new handshake
        await asyncio.wait_for(bfx.close(), 5)
        assert not bfx.wss.open
        assert await sim.wait_for(lambda: not open_connections(sim))
        assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("bfxapi:")]
