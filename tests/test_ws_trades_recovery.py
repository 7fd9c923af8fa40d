"""``recover_trades``: the public trades executed while a trades subscription was down reach the user once each,
in execution order, before the live ones; without the option (or when REST fails) the hole is there (reported)."""

import asyncio
import dataclasses
import logging
import socket
from typing import Any

import pytest

from bfxapi.testing import Simulator
from bfxapi.websocket import BfxWebSocketClient, WebSocketOptions
from bfxapi.exceptions import InvalidInputTypeError

from ws_support import FAST, Recorder, client, open_connections, simulator

RECOVER = dataclasses.replace(FAST, recover_trades=True)
SYMBOL = "tBTCUSD"
EVENTS = ("t_trades_snapshot", "t_trade_execution", "reconnection", "trades_gap")
#: market steps while the client is down: about 1.3 trades a step, well over the 30 of a snapshot
OUTAGE_STEPS = 80


def executed(sim: Simulator) -> list[Any]:
    """The simulator's own record of the symbol's trades, in execution order."""
    return sorted(sim.market.instruments[SYMBOL].trades, key=lambda t: (t.mts, t.id))


def delivered(events: Recorder) -> list[tuple[str, int]]:
    """What the callbacks got, in order: ("snapshot", id) for each trade of a snapshot (oldest first), then
    ("execution", id) for each execution."""
    out: list[tuple[str, int]] = []
    for name, args in events.records:
        if name == "t_trades_snapshot":
            out += [("snapshot", t.id) for t in sorted(args[1], key=lambda t: (t.mts, t.id))]
        elif name == "t_trade_execution":
            out.append(("execution", args[1].id))
    return out


async def outage(sim: Simulator, bfx: Any, events: Recorder) -> list[Any]:
    """Drop the connection, run the market while the client cannot get back in, and wait until the trades
    channel is restored; returns the trades executed during the outage."""
    before = {t.id for t in executed(sim)}
    snapshots = events.count("t_trades_snapshot")
    sim.refuse_handshakes(3)  # a few backoff delays: far longer than the steps below take
    await sim.drop(open_connections(sim)[0])
    await sim.advance(OUTAGE_STEPS)
    assert events.count("reconnection") == 0 and not bfx.wss.open, "the client came back before the steps ran"
    missed = [t for t in executed(sim) if t.id not in before]
    assert len(missed) > 40  # the point of the test: more than a snapshot can carry
    await events.wait_count("reconnection", 1)
    await events.wait(lambda: events.count("t_trades_snapshot") == snapshots + 1)
    return missed


def refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_trades_missed_during_an_outage_are_delivered_once_in_order() -> None:
    async with simulator() as sim:
        bfx = client(sim, RECOVER)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        async with bfx.wss.stream("trades", symbol=SYMBOL, sub_id="trades") as stream:
            await events.wait_count("t_trades_snapshot", 1)
            first_oldest = min(t.id for t in events.of("t_trades_snapshot")[0][1])
            await sim.advance(10)
            await events.wait(lambda: events.count("t_trade_execution") > 0)
            await events.wait(lambda: delivered(events)[-1][1] == executed(sim)[-1].id)
            before_outage = len(delivered(events))

            missed = await outage(sim, bfx, events)
            await sim.advance(10)  # live trades after the restore
            await events.wait(lambda: delivered(events)[-1][1] == executed(sim)[-1].id)

            got = delivered(events)
            ids = [trade_id for _, trade_id in got]
            tape = [t.id for t in executed(sim) if t.id >= first_oldest]
            assert ids == tape  # every trade, each once, in execution order across the outage
            after = got[before_outage:]
            second = [i for i, (kind, _) in enumerate(after) if kind == "snapshot"]
            recovered = [trade_id for kind, trade_id in after[: second[0]]]
            assert len(second) == 30 and second == list(range(second[0], second[0] + 30))
            assert recovered and recovered == [t.id for t in missed[:-30]]
            assert events.count("trades_gap") == 0

            # the stream of the subscription got the same, in the same order (it also gets the tu updates)
            kinds = ("t_trades_snapshot", "t_trade_execution")
            expected = [(name, args[1]) for name, args in events.records if name in kinds]
            streamed: list[tuple[str, Any]] = []
            while len(streamed) < len(expected):
                name, data = await asyncio.wait_for(anext(stream), 5)
                if name in kinds:
                    streamed.append((name, data))
            assert streamed == expected
        await bfx.close()


async def test_without_the_option_the_trades_beyond_the_snapshot_are_lost() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        await bfx.wss.subscribe("trades", symbol=SYMBOL)
        await events.wait_count("t_trades_snapshot", 1)
        missed = await outage(sim, bfx, events)
        await sim.advance(10)
        await events.wait(lambda: delivered(events)[-1][1] == executed(sim)[-1].id)
        ids = {trade_id for _, trade_id in delivered(events)}
        lost = [t.id for t in missed if t.id not in ids]
        assert len(lost) == len(missed) - 30  # the hole the option fills
        await bfx.close()


async def test_a_failed_fetch_reports_the_gap_and_live_trades_go_on(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        bfx = client(sim, RECOVER, rest_host=f"http://127.0.0.1:{refused_port()}/v2")
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        await bfx.wss.subscribe("trades", symbol=SYMBOL, sub_id="trades")
        await events.wait_count("t_trades_snapshot", 1)
        last_before = max((t.mts, t.id) for t in events.of("t_trades_snapshot")[0][1])
        with caplog.at_level(logging.WARNING, logger="bfxapi"):
            missed = await outage(sim, bfx, events)
            await events.wait_count("trades_gap", 1)
        subscription, from_mts, to_mts = events.of("trades_gap", "trades")[0]
        second = events.of("t_trades_snapshot")[1][1]
        assert subscription["symbol"] == SYMBOL
        assert (from_mts, to_mts) == (last_before[0], min(t.mts for t in second))
        assert from_mts <= missed[0].mts and to_mts >= missed[-31].mts
        assert sum("could not fetch the trades" in r.getMessage() for r in caplog.records) == 1
        await sim.advance(10)
        await events.wait(lambda: delivered(events)[-1][1] == executed(sim)[-1].id)
        assert events.count("t_trade_execution") > 0
        await bfx.close()


async def test_a_bare_websocket_client_says_it_cannot_recover(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        wss = BfxWebSocketClient(sim.wss_host, options=RECOVER)
        gaps: list[tuple[Any, ...]] = []
        restored = asyncio.Event()
        snapshots: list[Any] = []
        wss.on("trades_gap", callback=lambda *args: gaps.append(args))
        wss.on("t_trades_snapshot", callback=lambda sub, trades: (snapshots.append(trades), restored.set()))
        try:
            await wss.connect()
            await wss.subscribe("trades", symbol=SYMBOL)
            await asyncio.wait_for(restored.wait(), 5)
            restored.clear()
            with caplog.at_level(logging.WARNING, logger="bfxapi"):
                sim.refuse_handshakes(3)
                await sim.drop(open_connections(sim)[0])
                await sim.advance(OUTAGE_STEPS)
                await asyncio.wait_for(restored.wait(), 5)
            assert len(snapshots) == 2 and len(gaps) == 1
            assert sum("no REST client" in r.getMessage() for r in caplog.records) == 1
        finally:
            await wss.close()


def test_the_option_is_a_bool() -> None:
    assert WebSocketOptions().recover_trades is False
    with pytest.raises(InvalidInputTypeError):
        WebSocketOptions(recover_trades=1)  # type: ignore[arg-type]
