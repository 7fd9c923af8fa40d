"""Only the caller stops the client: hostile frames at every moment of a connection's life, storms, and honest
numbers about them. A relay in front of the simulator (``hostile_server.HostileRelay``) lies from the very first
frame; the simulator's own faults do the rest."""

import asyncio
import dataclasses
import json
import logging
import time
from typing import Any

import pytest
from aiohttp import web

from bfxapi import Client
from bfxapi.websocket._pacing import Backoff
from bfxapi.websocket.exceptions import VersionMismatchError

from hostile_server import HostileRelay, Plan
from ws_support import FAST, Recorder, client, open_connections, simulator

GREETING = json.dumps({"event": "info", "version": 2, "serverId": "hostile", "platform": {"status": 1}})


# --- the first frame -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(["this is not JSON"], id="not-json"),
        pytest.param(["[" * 100_000], id="deeply-nested"),
        pytest.param([json.dumps({"event": "info", "code": 20051, "msg": "Stopping. Please try again later"})],
                     id="info-20051-instead-of-greeting"),
        pytest.param([json.dumps([0, "hb"])], id="a-data-frame-first"),
        pytest.param([json.dumps("text")], id="a-string-first"),
    ],
)
async def test_a_bad_first_frame_is_retried_not_fatal(first: list[str]) -> None:
    async with simulator() as sim, HostileRelay(sim.wss_host) as relay:
        relay.plans = [Plan(before=first, drop_greeting=True), Plan(before=first, drop_greeting=True)]
        bfx = client(sim, wss_host=relay.url)
        try:
            events = Recorder(bfx, "t_ticker_update")
            await asyncio.wait_for(bfx.wss.connect(), 10)  # the third connection is a faithful one
            assert relay.connections == 3
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            await sim.advance(1)
            await events.wait_count("t_ticker_update", 1)
        finally:
            await bfx.close()


async def test_info_20051_right_after_the_greeting_is_a_restart_not_a_stop() -> None:
    restart = json.dumps({"event": "info", "code": 20051, "msg": "Stopping. Please try again later"})
    async with simulator() as sim, HostileRelay(sim.wss_host) as relay:
        relay.plans = [Plan(before=[GREETING, restart], drop_greeting=True) for _ in range(3)]
        bfx = client(sim, wss_host=relay.url)
        try:
            events = Recorder(bfx, "t_ticker_update", "reconnection")
            await asyncio.wait_for(bfx.wss.connect(), 10)
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            await sim.advance(1)
            await events.wait_count("t_ticker_update", 1)
            assert relay.connections >= 2 and bfx.wss.open
        finally:
            await bfx.close()


async def test_another_protocol_version_is_fatal_every_time_and_wait_closed_returns() -> None:
    version_3 = json.dumps({"event": "info", "version": 3})
    async with simulator() as sim, HostileRelay(sim.wss_host) as relay:
        relay.plans = [Plan(before=[version_3], close_after=True) for _ in range(2)]
        bfx = client(sim, wss_host=relay.url)
        try:
            for _ in range(2):  # a restarted client behaves like a new one
                with pytest.raises(VersionMismatchError):
                    await asyncio.wait_for(bfx.wss.connect(), 5)
                with pytest.raises(VersionMismatchError):
                    await asyncio.wait_for(bfx.wss.wait_closed(), 5)
        finally:
            await bfx.close()


async def test_a_second_fatal_error_after_a_restart_still_ends_wait_closed() -> None:
    version_3 = json.dumps({"event": "info", "version": 3})
    async with simulator() as sim, HostileRelay(sim.wss_host) as relay:
        bfx = client(sim, wss_host=relay.url)
        try:
            for _ in range(2):
                await asyncio.wait_for(bfx.wss.connect(), 5)
                # The server changes its protocol mid-session: fatal, and wait_closed() must say so.
                await sim.inject(open_connections(sim)[0], version_3)
                with pytest.raises(VersionMismatchError):
                    await asyncio.wait_for(bfx.wss.wait_closed(), 5)
                await sim.wait_for(lambda: not open_connections(sim))
        finally:
            await bfx.close()


# --- storms ----------------------------------------------------------------------------------------------------


async def test_five_thousand_bad_frames_give_one_log_line_and_five_thousand_events(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        try:
            events = Recorder(bfx, "invalid_message", "t_ticker_update")
            await bfx.wss.connect()
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            connection = open_connections(sim)[0]
            with caplog.at_level(logging.WARNING, logger="bfxapi"):
                for _ in range(5000):
                    await sim.inject(connection, "{not json")
                await events.wait_count("invalid_message", 5000, timeout=30)
                await sim.advance(1)
                await events.wait_count("t_ticker_update", 1)  # the loop kept running
            lines = [r for r in caplog.records if "ignored a frame" in r.getMessage()]
            assert len(lines) == 1 and "not valid JSON" in lines[0].getMessage()
            assert bfx.wss.open and len(sim.connections) == 1
        finally:
            await bfx.close()


async def test_a_book_that_never_matches_is_resubscribed_with_backoff_and_reported_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backoff = Backoff(initial=0.2, maximum=0.4, jitter=0.0)
    async with simulator(auto_market=True, market_interval=0.02) as sim:
        bfx = client(sim, dataclasses.replace(FAST, backoff=backoff))
        try:
            events = Recorder(bfx, "subscribed", "order_book_out_of_sync", "checksum_mismatch")
            synced_at: list[float] = []

            def corrupt(_book: Any, state: str) -> None:
                if state == "synced":
                    synced_at.append(time.monotonic())
                    sim.corrupt_next_checksum()  # every snapshot's next checksum is wrong: never in sync

            bfx.wss.on("order_book_state", corrupt)
            await bfx.wss.connect()
            with caplog.at_level(logging.WARNING, logger="bfxapi"):
                await bfx.wss.order_book("tBTCUSD")
                await events.wait_count("order_book_out_of_sync", 1, timeout=15)
                await events.wait_count("subscribed", 7, timeout=15)  # and it keeps trying afterwards
            book, streak = events.of("order_book_out_of_sync")[0]
            assert streak == 5 and book.symbol == "tBTCUSD" and book.mismatch_streak >= 5
            # The first resync is immediate, the next ones wait for the backoff: 0.2 s, then 0.4 s (its maximum).
            gaps = [later - earlier for earlier, later in zip(synced_at, synced_at[1:])]
            assert all(gap >= wait for gap, wait in zip(gaps[1:], [0.2, 0.4, 0.4, 0.4]))
            assert events.count("order_book_out_of_sync") == 1
            messages = [r.getMessage() for r in caplog.records]
            assert sum("checksum mismatch (" in m for m in messages) == 1  # the first of the streak
            assert sum("cannot be kept in sync" in m for m in messages) == 1
        finally:
            await bfx.close()


# --- sequence numbers ------------------------------------------------------------------------------------------


async def test_frames_the_client_cannot_read_still_use_up_their_sequence_numbers() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        try:
            events = Recorder(bfx, "t_ticker_update", "sequence_gap", "invalid_message", "reconnection")
            await bfx.wss.connect()
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            # The subscription's first ticker, which may come before or after subscribe() returns: the frames
            # below must come after it, and the update awaited after them must be a later one.
            await events.wait_count("t_ticker_update", 1)
            connection = open_connections(sim)[0]
            (chan_id,) = connection.subscriptions
            # A payload the client cannot parse, numbered by the server: [CHAN, null, SEQ].
            connection.seq += 1
            await sim.inject(connection, [chan_id, None, connection.seq])
            # A frame too short to hold its number: the server numbered it all the same.
            connection.seq += 1
            await sim.inject(connection, [chan_id])
            await sim.advance(1)
            await events.wait_count("t_ticker_update", 2)
            assert events.count("invalid_message") == 2
            assert events.count("sequence_gap") == 0 and events.count("reconnection") == 0
            assert len(sim.connections) == 1  # not rebuilt
            # A real gap is still a gap.
            sim.skip_sequence(connection, 2)
            await sim.advance(1)
            await events.wait_count("sequence_gap", 1)
        finally:
            await bfx.close()


# --- downtime --------------------------------------------------------------------------------------------------


async def test_the_downtime_of_a_silent_link_counts_from_its_last_frame() -> None:
    async with simulator() as sim:
        bfx = client(sim)  # FAST: silence_limit 1 s, heartbeats every 0.2 s
        try:
            events = Recorder(bfx, "reconnection")
            await bfx.wss.connect()
            connection = open_connections(sim)[0]
            sim.stall(connection)
            stalled = time.monotonic()
            await events.wait_count("reconnection", 1, timeout=10)
            measured = time.monotonic() - stalled
            (_attempts, downtime), = events.of("reconnection")
            # From the last frame (at most one heartbeat interval before the stall) to the reconnection.
            assert FAST.silence_limit <= downtime.total_seconds() <= measured + 0.3
        finally:
            await bfx.close()


# --- the connection-rate governor ------------------------------------------------------------------------------


async def test_public_and_authenticated_handshakes_share_one_allowance() -> None:
    async with simulator(connection_limit=4, connection_window=2.0, connection_block=30.0) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        options = dataclasses.replace(FAST, public_connection_limit=(4, 2.0), auth_connection_limit=(4, 2.0))
        bfx = client(sim, options, api_key=account.api_key, api_secret=account.api_secret)
        try:
            await bfx.wss.connect(connections=3)
            await asyncio.gather(*(bfx.wss.subscribe("candles", key=f"trade:{tf}:tBTCUSD")
                                   for tf in ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "14D",
                                              "1M"] * 1))  # fmt: skip
            for _ in range(2):  # drop everything twice: public and authenticated reconnect together
                await sim.drop()
                await sim.wait_for(lambda: len(open_connections(sim)) >= 2 and bfx.wss.authentication, timeout=20)
            assert sim.handshakes_refused == 0
        finally:
            await bfx.close()


# --- redirects --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_a_redirected_handshake_is_never_followed(status: int) -> None:
    reached: list[str] = []
    refusals: list[str] = []
    seen = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "redirected the handshake" in record.getMessage():
                refusals.append(record.getMessage())
                seen.set()

    async def target(request: web.Request) -> web.StreamResponse:
        reached.append(request.path)
        return web.Response(status=404)

    runners: list[web.AppRunner] = []
    ports: list[int] = []

    async def redirect(_: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": f"http://127.0.0.1:{ports[1]}/ws/2"})

    for handler in (redirect, target):
        app = web.Application()
        app.router.add_get("/ws/2", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]  # pylint: disable=protected-access
    watch = Watch()
    logging.getLogger("bfxapi").addHandler(watch)
    bfx = Client(api_key="key", api_secret="secret", wss_host=f"ws://127.0.0.1:{ports[0]}/ws/2", wss_options=FAST)
    connecting = asyncio.ensure_future(bfx.wss.connect())
    try:
        while len(refusals) < 4:  # the public and the authenticated connections, each retried
            seen.clear()
            await asyncio.wait_for(seen.wait(), 10)
        assert reached == []  # nothing ever reached the other host, the authentication above all
        assert f"(HTTP {status}) to http://127.0.0.1:{ports[1]}/ws/2" in refusals[0]
        assert not connecting.done()  # still retrying: a redirect is not the end of the client
    finally:
        logging.getLogger("bfxapi").removeHandler(watch)
        await bfx.close()
        await asyncio.gather(connecting, return_exceptions=True)
        for runner in runners:
            await runner.cleanup()


async def test_the_first_wait_of_an_outage_is_the_shortest(caplog: pytest.LogCaptureFixture) -> None:
    import socket  # pylint: disable=import-outside-toplevel

    with socket.socket() as probe:  # a loopback port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[str] = []
    seen = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "reconnection attempt" in record.getMessage():
                waits.append(record.getMessage().rsplit(" in ", 1)[1])
                seen.set()

    watch = Watch()
    logging.getLogger("bfxapi").addHandler(watch)
    caplog.set_level(logging.INFO, logger="bfxapi")  # the waits are logged at INFO
    options = dataclasses.replace(FAST, backoff=Backoff(initial=0.1, maximum=10.0, factor=10.0, jitter=0.0))
    bfx = Client(wss_host=f"ws://127.0.0.1:{port}/ws/2", wss_options=options)
    connecting = asyncio.ensure_future(bfx.wss.connect())
    try:
        while len(waits) < 2:
            seen.clear()
            await asyncio.wait_for(seen.wait(), 10)
        assert waits[:2] == ["0.10 s", "1.00 s"]  # the backoff's initial wait first, then growing
    finally:
        logging.getLogger("bfxapi").removeHandler(watch)
        await bfx.close()
        await asyncio.gather(connecting, return_exceptions=True)
