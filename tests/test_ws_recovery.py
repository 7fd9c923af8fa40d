"""Recovery: every fault the simulator can inject, and what must hold after it."""

import asyncio
import dataclasses
import logging
from typing import Any

import pytest

from bfxapi.testing import Simulator

from ws_support import FAST, Recorder, client, open_connections, simulator, subscribes

EVENTS = ("t_book_snapshot", "t_book_update", "t_ticker_update", "candles_snapshot", "subscribed", "reconnection")


async def setup_two_connections(sim: Simulator, bfx: Any) -> list[str]:
    """26 subscriptions: 25 on the first connection, one on the second."""
    await bfx.wss.connect(connections=2)
    ids = [await bfx.wss.subscribe("book", symbol="tBTCUSD", sub_id="book-btc")]
    for tf in ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "14D", "1M"]:
        for symbol in ["tETHUSD", "tETHBTC"]:
            ids.append(await bfx.wss.subscribe("candles", key=f"trade:{tf}:{symbol}", sub_id=f"c-{tf}-{symbol}"))
    ids.append(await bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="ticker-btc"))
    assert bfx.wss.connections == 2
    return ids


def restored_on(connection: Any) -> list[str]:
    return [request["subId"] for request in subscribes(connection)]


async def restored(sim: Any, old: Any, sub_ids: list[str]) -> None:
    """Wait until an open connection other than ``old`` has been asked for exactly ``sub_ids`` again. The
    ``reconnection`` event comes with the new handshake; the subscriptions follow it on the new connection, a few
    event-loop turns later (how many depends on the Python version: 3.12 made ``asyncio.wait_for`` take fewer)."""
    await sim.wait_for(lambda: any(
        connection is not old and restored_on(connection) == sub_ids for connection in open_connections(sim)
    ))


def assert_conf_first(connection: Any, flags: int) -> None:
    dicts = [m for m in connection.received if isinstance(m, dict)]
    assert dicts[0] == {"event": "conf", "flags": flags}  # flags before any subscription


async def test_abnormal_close_of_one_connection_reconnects_only_that_one() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        ids = await setup_two_connections(sim, bfx)
        first, second = open_connections(sim)
        views_before = dict(bfx.wss.subscriptions)
        snapshots_before = events.count("t_book_snapshot", "book-btc")

        await sim.drop(first)
        replacement = (await sim.wait_for_connections(3))[2]
        await events.wait_count("reconnection", 1)
        await events.wait(lambda: events.count("t_book_snapshot", "book-btc") == snapshots_before + 1)

        assert second.open and restored_on(second) == ["ticker-btc"]  # untouched
        assert_conf_first(replacement, FAST.flags)
        assert sorted(restored_on(replacement)) == sorted(ids[:-1])  # same sub_ids, each once
        await sim.wait_for(lambda: len(replacement.subscriptions) == 25)
        assert dict(bfx.wss.subscriptions) == views_before
        assert events.of("reconnection")[0][0] == 1
        # callbacks intact: updates keep flowing to them
        updates = events.count("t_book_update", "book-btc")
        await sim.advance(3)
        await events.wait(lambda: events.count("t_book_update", "book-btc") > updates)
        assert sum(len(c.subscriptions) for c in open_connections(sim)) == len(ids)
        await bfx.close()


async def test_every_connection_dropped_at_once() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        ids = await setup_two_connections(sim, bfx)
        await sim.drop()
        await events.wait_count("reconnection", 2)
        await sim.wait_for(lambda: sum(len(c.subscriptions) for c in open_connections(sim)) == len(ids))
        restored = [sub_id for c in open_connections(sim) for sub_id in restored_on(c)]
        assert sorted(restored) == sorted(ids)
        await events.wait(lambda: events.count("t_book_snapshot", "book-btc") == 2)
        await bfx.close()


async def test_info_20051_makes_the_client_reconnect() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        await bfx.wss.subscribe("book", symbol="tBTCUSD", sub_id="book-btc")
        old = open_connections(sim)[0]
        await sim.send_info(20051)
        await events.wait_count("reconnection", 1)
        await sim.wait_for(lambda: old.closed)
        await restored(sim, old, ["book-btc"])
        await events.wait(lambda: events.count("t_book_snapshot", "book-btc") == 2)
        await bfx.close()


async def test_maintenance_pauses_then_resubscribes_everything() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS, "maintenance", "unsubscribed")
        await setup_two_connections(sim, bfx)
        first, second = open_connections(sim)
        await sim.start_maintenance()
        await events.wait_count("maintenance", 1)
        assert events.of("maintenance") == [(True,)]  # once for the client, not once per connection
        assert bfx.wss.maintenance
        await sim.end_maintenance()
        await events.wait(lambda: events.of("maintenance") == [(True,), (False,)])
        assert not bfx.wss.maintenance
        # every channel unsubscribed and subscribed again with the same sub_id, on the same connections
        await events.wait(lambda: events.count("t_book_snapshot", "book-btc") == 2)
        await sim.wait_for(lambda: len(first.subscriptions) == 25 and len(second.subscriptions) == 1)
        assert restored_on(second) == ["ticker-btc", "ticker-btc"]
        assert len([m for m in second.received if isinstance(m, dict) and m.get("event") == "unsubscribe"]) == 1
        assert first.open and second.open and events.count("reconnection") == 0
        assert events.count("unsubscribed") == 0  # the subscriptions never ended for the user
        await bfx.close()


async def test_a_stalled_connection_is_detected_by_the_watchdog_and_replaced() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="ticker-btc")
        stalled = open_connections(sim)[0]
        sim.stall(stalled)  # open, but nothing at all comes out: no data, no heartbeats, no pongs
        await events.wait_count("reconnection", 1, timeout=5)
        await sim.wait_for(lambda: stalled.closed)
        await restored(sim, stalled, ["ticker-btc"])
        await bfx.close()


@pytest.mark.parametrize("status", [429, 503])
async def test_refused_handshakes_are_retried_with_backoff(status: int, caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="ticker-btc")
        sim.refuse_handshakes(3, status=status)
        with caplog.at_level(logging.INFO, logger="bfxapi"):
            await sim.drop()
            await events.wait_count("reconnection", 1)
        assert sim.handshakes_refused == 3
        assert events.of("reconnection")[0][0] == 4  # three refused attempts, then the one that worked
        messages = [r.getMessage() for r in caplog.records]
        assert sum(f"handshake refused with HTTP {status}" in m for m in messages) == 3  # every failure
        assert sum("reconnection attempt" in m for m in messages) == 4  # every attempt
        assert any("reconnected after 4 attempt(s)" in m for m in messages)  # the success
        await restored(sim, None, ["ticker-btc"])
        await bfx.close()


async def test_backoff_grows_between_failed_attempts() -> None:
    async with simulator() as sim:
        options = dataclasses.replace(FAST, backoff=dataclasses.replace(FAST.backoff, initial=0.05, factor=2.0, jitter=0.0))
        bfx = client(sim, options)
        await bfx.wss.connect()
        times: list[float] = []
        loop = asyncio.get_running_loop()
        original = sim.handshake_refusal

        def record(ip: str) -> Any:
            times.append(loop.time())
            return original(ip)

        sim.handshake_refusal = record  # type: ignore[method-assign]
        sim.refuse_handshakes(3, status=503)
        events = Recorder(bfx, "reconnection")
        await sim.drop()
        await events.wait_count("reconnection", 1)
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert len(gaps) == 3
        assert gaps[0] >= 0.09 and gaps[1] >= 0.19 and gaps[2] >= 0.2  # 0.1, 0.2, then capped at 0.2
        await bfx.close()


async def test_the_pool_stays_under_the_connection_rate_limit() -> None:
    async with simulator(connection_limit=3, connection_window=1.0, connection_block=30.0) as sim:
        options = dataclasses.replace(FAST, public_connection_limit=(3, 1.0))
        bfx = client(sim, options)
        await bfx.wss.connect(connections=4)
        candles = [f"trade:{tf}:{s}" for s in ["tBTCUSD", "tETHUSD", "tETHBTC", "tTESTBTC:TESTUSD"] for tf in
                   ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "14D", "1M"]]  # fmt: skip
        books = [
            ("book", {"symbol": s, "prec": p, "len": n})
            for s in ["tBTCUSD", "tETHUSD", "fUSD"]
            for p in ["P0", "P1", "P2", "P3", "P4", "R0"]
            for n in ["25", "100"]
        ]
        channels = [("candles", {"key": key}) for key in candles] + books
        assert len(channels) >= 76
        await asyncio.gather(*(bfx.wss.subscribe(channel, **params) for channel, params in channels[:76]))
        assert bfx.wss.connections == 4
        assert sim.handshakes_refused == 0  # the fourth connection waited instead of being refused
        opened = sorted(c.opened_at for c in sim.connections)
        assert opened[3] - opened[0] >= 0.95
        # a reconnection storm is paced the same way
        await sim.drop()
        await sim.wait_for(lambda: sum(len(c.subscriptions) for c in open_connections(sim)) == 76, timeout=10)
        assert sim.handshakes_refused == 0
        await bfx.close()


async def test_a_subscription_made_while_disconnected_is_delivered_after_reconnecting() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="before")
        sim.refuse_handshakes(3, status=503)
        await sim.drop()
        await sim.wait_for(lambda: sim.handshakes_refused >= 1)
        assert not bfx.wss.open
        sub_id = await asyncio.wait_for(bfx.wss.subscribe("ticker", symbol="tETHUSD", sub_id="during"), 5)
        assert sub_id == "during"
        assert sorted(restored_on(open_connections(sim)[0])) == ["before", "during"]
        await bfx.close()


async def test_a_sequence_gap_resyncs_the_connection() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        await bfx.wss.subscribe("book", symbol="tBTCUSD", sub_id="book-btc")
        old = open_connections(sim)[0]
        sim.skip_sequence(old)
        await sim.advance()
        await events.wait_count("reconnection", 1)
        await restored(sim, old, ["book-btc"])
        await events.wait(lambda: events.count("t_book_snapshot", "book-btc") == 2)
        await bfx.close()


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("[123, [1, 2", "not valid JSON"),
        ([999_999, [1, 2, 3]], "unknown channel id"),
        ("chan", "unexpected"),  # replaced by a frame of the book channel with an unknown type
        ("short", "at least 3 elements"),  # a book update missing its amount
        ('"just a string"', "neither an array nor an object"),
    ],
)
async def test_bad_frames_are_reported_and_the_connection_keeps_running(
    frame: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with simulator() as sim:
        bfx = client(sim, dataclasses.replace(FAST, sequence=False))  # injected frames carry no sequence
        events = Recorder(bfx, *EVENTS, "invalid_message")
        await bfx.wss.connect()
        await bfx.wss.subscribe("book", symbol="tBTCUSD", sub_id="book-btc")
        connection = open_connections(sim)[0]
        chan_id = next(iter(connection.subscriptions))
        if frame == "chan":
            frame = [chan_id, "zz", 1]
        elif frame == "short":
            frame = [chan_id, [7254.5, 3]]
        with caplog.at_level(logging.WARNING, logger="bfxapi"):
            await sim.inject(connection, frame)
            await events.wait_count("invalid_message", 1)
        error = events.of("invalid_message")[0][0]
        assert reason in str(error)
        assert sum("ignored a frame" in r.getMessage() for r in caplog.records) == 1  # logged once
        updates = events.count("t_book_update", "book-btc")
        await sim.advance(3)
        await events.wait(lambda: events.count("t_book_update", "book-btc") > updates)
        assert connection.open and events.count("reconnection") == 0
        await bfx.close()


async def test_an_idle_connection_is_kept_alive_by_pings() -> None:
    async with simulator(idle_timeout=0.6) as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        connection = open_connections(sim)[0]
        pings = await sim.wait_for(
            lambda: [m for m in connection.received if isinstance(m, dict) and m.get("event") == "ping"][3:], timeout=5
        )
        assert pings and connection.open  # more than two idle windows later, still open
        assert [m["cid"] for m in connection.received if isinstance(m, dict) and m.get("event") == "ping"][:4] == [1, 2, 3, 4]
        await bfx.close()


# --- every channel kind delivers again after every fault ----------------------------------------------------------

#: (channel, params, the events its sub_id delivers)
CHANNEL_KINDS = [
    ("ticker", {"symbol": "tBTCUSD"}, ("t_ticker_update",)),
    ("ticker", {"symbol": "fUSD"}, ("f_ticker_update",)),
    ("trades", {"symbol": "tBTCUSD"}, ("t_trades_snapshot", "t_trade_execution")),
    ("trades", {"symbol": "fUSD"}, ("f_trades_snapshot", "f_trade_execution")),
    ("book", {"symbol": "tBTCUSD", "prec": "P0"}, ("t_book_snapshot", "t_book_update")),
    ("book", {"symbol": "tETHUSD", "prec": "R0"}, ("t_raw_book_snapshot", "t_raw_book_update")),
    ("book", {"symbol": "fUSD", "prec": "P0"}, ("f_book_snapshot", "f_book_update")),
    ("book", {"symbol": "fUSD", "prec": "R0"}, ("f_raw_book_snapshot", "f_raw_book_update")),
    ("candles", {"key": "trade:1m:tBTCUSD"}, ("candles_snapshot", "candles_update")),
    ("status", {"key": "deriv:tBTCF0:USTF0"}, ("derivatives_status_update",)),
    ("status", {"key": "liq:global"}, ("liquidation_feed_update",)),
]


async def _fault(sim: Simulator, name: str) -> None:
    connection = open_connections(sim)[0]
    if name == "drop":
        await sim.drop(connection)
    elif name == "info-20051":
        await sim.send_info(20051)
    elif name == "silence":
        sim.stall(connection)
    elif name == "maintenance":
        await sim.start_maintenance()
        await sim.end_maintenance()
    elif name == "sequence-gap":
        sim.skip_sequence(connection, 3)
        await sim.advance(1)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fault", ["drop", "info-20051", "silence", "maintenance", "sequence-gap"])
async def test_every_channel_kind_delivers_again_after_the_fault(fault: str) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        try:
            kinds = {event for _, _, events in CHANNEL_KINDS for event in events}
            events = Recorder(bfx, *kinds, "subscribed")
            await bfx.wss.connect()
            sub_ids = [await bfx.wss.subscribe(channel, **params) for channel, params, _ in CHANNEL_KINDS]

            def delivered() -> dict[str, int]:
                return {sub_id: sum(events.count(e, sub_id) for e in kind[2]) for sub_id, kind in zip(sub_ids, CHANNEL_KINDS)}

            def sent_since(marks: dict[Any, int], waiting: set[str]) -> bool:
                """Whether the server sent, since ``marks``, a frame other than a heartbeat on a subscription of
                ``waiting`` (the client may not have read it yet)."""
                for connection in open_connections(sim):
                    channels = {chan_id for chan_id, subscription in connection.subscriptions.items()
                                if subscription.request.get("subId") in waiting}
                    if any(isinstance(frame, list) and len(frame) > 1 and frame[0] in channels and frame[1] != "hb"
                           for frame in connection.sent[marks.get(connection, 0):]):
                        return True
                return False

            async def until_each_delivers_more_than(before: dict[str, int]) -> None:
                def done() -> bool:
                    return all(delivered()[sub_id] > before[sub_id] for sub_id in sub_ids)

                # Wait (0.1 s at most) for what is in flight: at first, and after a market step that sent something
                # on a subscription still waited for; a step that sent nothing there is followed by the next at once
                in_flight = True
                for _ in range(400):  # market steps: the liquidation feed is sparse
                    if in_flight:
                        try:
                            await events.wait(done, timeout=0.1)
                            return
                        except asyncio.TimeoutError:
                            pass
                    elif done():
                        return
                    waiting = {s for s in sub_ids if delivered()[s] <= before[s]}
                    marks = {connection: len(connection.sent) for connection in open_connections(sim)}
                    await sim.advance(1)
                    in_flight = sent_since(marks, waiting)
                missing = [k[:2] for s, k in zip(sub_ids, CHANNEL_KINDS) if delivered()[s] <= before[s]]
                raise AssertionError(f"after the fault {fault}, nothing more from {missing}")

            await until_each_delivers_more_than({sub_id: 0 for sub_id in sub_ids})
            subscribed = events.count("subscribed")
            await _fault(sim, fault)
            # Every subscription is confirmed again (the same sub_ids) before counting what flows after it.
            await events.wait(lambda: events.count("subscribed") >= subscribed + len(sub_ids), timeout=15)
            assert sorted(info["sub_id"] for (info,) in events.of("subscribed")[subscribed:]) == sorted(sub_ids)
            await until_each_delivers_more_than(delivered())
        finally:
            await bfx.close()
