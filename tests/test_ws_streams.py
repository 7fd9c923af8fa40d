"""Consuming subscriptions as async iterators."""

import asyncio
import logging
from typing import Any

import pytest

from bfxapi.types import TradingPairBook, TradingPairTrade
from bfxapi.websocket.exceptions import StreamOverflowError

from ws_support import Recorder, client, open_connections, simulator


async def test_a_stream_yields_the_snapshot_then_updates_in_order_and_unsubscribes_on_exit() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "t_book_snapshot", "t_book_update", "checksum", "unsubscribed")
        await bfx.wss.connect()
        got: list[tuple[str, Any]] = []
        async with bfx.wss.stream("book", symbol="tBTCUSD", sub_id="s") as stream:
            assert stream.sub_id == "s" and "s" in bfx.wss.subscriptions
            await sim.advance(3)
            await events.wait(lambda: events.count("checksum") >= 3)
            expected = [(name, args[1]) for name, args in events.records if name != "unsubscribed"]
            async for item in stream:
                got.append(item)
                if len(got) == len(expected):
                    break
        assert got == expected  # same objects, same order as the callbacks saw
        assert got[0][0] == "t_book_snapshot" and all(isinstance(level, TradingPairBook) for level in got[0][1])
        assert {name for name, _ in got[1:]} == {"t_book_update", "checksum"}
        assert "s" not in bfx.wss.subscriptions and events.count("unsubscribed") == 1
        assert not open_connections(sim)[0].subscriptions
        await bfx.close()


async def test_trades_stream_yields_typed_executions() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        async with bfx.wss.stream("trades", symbol="tETHUSD") as stream:
            name, snapshot = await anext(stream)
            assert name == "t_trades_snapshot" and snapshot and isinstance(snapshot[0], TradingPairTrade)
            await sim.advance(5)
            name, trade = await asyncio.wait_for(anext(stream), 5)
            assert name in ("t_trade_execution", "t_trade_execution_update") and isinstance(trade, TradingPairTrade)
        await bfx.close()


async def test_a_slow_consumer_gets_an_overflow_error_not_a_silent_gap(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "t_book_update")
        await bfx.wss.connect()
        with caplog.at_level(logging.WARNING, logger="bfxapi"):
            async with bfx.wss.stream("book", symbol="tBTCUSD", maxsize=5) as stream:
                await sim.advance(5)
                await events.wait(lambda: events.count("t_book_update") >= 10)
                with pytest.raises(StreamOverflowError):
                    async for _ in stream:
                        pass
        assert any("overflowed" in r.getMessage() for r in caplog.records)
        await bfx.close()


async def test_drop_oldest_keeps_the_latest_items_and_counts_the_dropped() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "t_ticker_update")
        await bfx.wss.connect()
        async with bfx.wss.stream("ticker", symbol="tBTCUSD", maxsize=3, overflow="drop_oldest") as stream:
            await sim.advance(8)
            await events.wait(lambda: events.count("t_ticker_update") >= 9)
            latest = [args[1] for args in events.of("t_ticker_update")][-3:]
            got = [await anext(stream) for _ in range(3)]
            assert [ticker for _, ticker in got] == latest
            assert stream.dropped == events.count("t_ticker_update") - 3
            assert stream.buffered == 0
        await bfx.close()


async def test_streams_end_when_the_client_closes() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        stream = bfx.wss.stream("ticker", symbol="tETHUSD")
        await stream.__aenter__()
        consumer = asyncio.ensure_future(_drain(stream))
        await asyncio.sleep(0)
        await bfx.close()
        items = await asyncio.wait_for(consumer, 5)
        assert all(name == "t_ticker_update" for name, _ in items)
        await stream.aclose()  # safe after the client is gone


async def _drain(stream: Any) -> list[tuple[str, Any]]:
    return [item async for item in stream]


def test_stream_options_are_validated() -> None:
    from bfxapi import Client  # pylint: disable=import-outside-toplevel

    wss = Client().wss
    with pytest.raises(ValueError):
        wss.stream("ticker", symbol="tBTCUSD", maxsize=0)
    with pytest.raises(ValueError):
        wss.stream("ticker", symbol="tBTCUSD", overflow="block")  # type: ignore[arg-type]
