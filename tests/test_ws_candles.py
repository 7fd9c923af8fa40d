"""Managed candles (``bfx.wss.candles``): each candle is told once, when the next one starts, also across reconnects.

Against the simulator on loopback, with a virtual market clock (20 s per step, so a 1-minute candle closes every
three steps); what was told is compared with the simulator's own candle history over REST. No sleeping: the tests
wait on events, with timeouts.
"""

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from bfxapi.types import Candle
from bfxapi.websocket.candles import ManagedCandles
from ws_support import Recorder, client, open_connections, simulator

START = 1_700_000_000_000 - 1_700_000_000_000 % 60_000  # on a minute boundary
KEY = "trade:1m:tBTCUSD"


def market() -> Any:
    return simulator(start_time=START, market_interval=20.0)


async def caught_up(bfx: Any, recorder: Recorder, candles: ManagedCandles[Any]) -> None:
    """Wait until the managed candles hold the simulator's latest candle (as REST gives it)."""
    latest = (await bfx.rest.public.get_candles_hist("tBTCUSD", "1m", sort=-1, limit=1))[0]
    await recorder.wait(lambda: candles.current == latest, timeout=5.0)


async def history(bfx: Any, since: int) -> list[Any]:
    rows = await bfx.rest.public.get_candles_hist("tBTCUSD", "1m", sort=1, start=since, limit=1000)
    return sorted(rows, key=lambda candle: candle.mts)


@pytest.mark.timeout(30)
async def test_each_closed_candle_is_told_once_in_order_across_reconnects() -> None:
    async with market() as sim:
        bfx = client(sim)
        recorder = Recorder(bfx, "candles_snapshot", "candles_update", "candle_closed", "subscribed")
        await bfx.wss.connect(1)
        told: list[Candle] = []
        candles = await bfx.wss.candles(KEY, on_close=told.append)
        await caught_up(bfx, recorder, candles)
        assert candles.current is not None
        first = candles.current.mts
        assert told == [] and candles.last_closed is None  # the snapshot's history is not news

        await sim.advance(10)
        await caught_up(bfx, recorder, candles)
        assert len(told) >= 2

        # A reconnect: the market moves while the client is away, and the new snapshot repeats old candles.
        await sim.drop(open_connections(sim)[0])
        await sim.advance(7)
        await recorder.wait_count("subscribed", 2)
        await caught_up(bfx, recorder, candles)
        await sim.advance(7)
        await caught_up(bfx, recorder, candles)

        assert candles.current is not None
        expected = [candle for candle in await history(bfx, first) if candle.mts < candles.current.mts]
        assert [candle.mts for candle in told] == [candle.mts for candle in expected]  # each once, in order
        assert told == expected  # with its final values
        assert [args[1] for args in recorder.of("candle_closed")] == told  # the event and on_close agree
        assert all(args[0] is candles.subscription for args in recorder.of("candle_closed"))
        assert candles.last_closed == told[-1]
        await candles.close()
        assert bfx.wss.subscriptions == {}


@pytest.mark.timeout(30)
async def test_decimal_client_tells_decimal_candles_to_an_async_callback() -> None:
    async with market() as sim:
        bfx = client(sim, decimal=True)
        recorder = Recorder(bfx, "candles_snapshot", "candles_update", "candle_closed")
        await bfx.wss.connect(1)
        done = asyncio.Event()
        told: list[Candle[Decimal]] = []

        async def on_close(candle: Candle[Decimal]) -> None:
            told.append(candle)
            done.set()

        candles = await bfx.wss.candles(KEY, on_close=on_close)
        await caught_up(bfx, recorder, candles)
        await sim.advance(4)
        await asyncio.wait_for(done.wait(), 5.0)
        assert isinstance(told[0].close, Decimal)
        await candles.close()


def _candle(mts: int, close: float) -> Candle:
    return Candle(mts, 1.0, close, 2.0, 0.5, 3.0)


def test_late_updates_and_repeated_snapshots_are_never_told_twice() -> None:
    emitted: list[tuple[str, Any, Candle]] = []
    candles: ManagedCandles[float] = ManagedCandles(KEY, lambda *args: emitted.append(args) is None, _no_close)
    candles.subscription = {"channel": "candles", "sub_id": "s", "key": KEY}
    candles.feed("candles_snapshot", [_candle(180, 1), _candle(120, 1), _candle(60, 1)])  # newest first
    candles.feed("candles_update", _candle(180, 2))
    candles.feed("candles_update", _candle(240, 3))  # 180 closed
    candles.feed("candles_update", _candle(180, 9))  # late update of a told candle: ignored
    candles.feed("candles_update", _candle(240, 4))
    # reconnect: 240 closed meanwhile with other values, 300 closed, 360 is current; 120..180 are repeats
    candles.feed("candles_snapshot", [_candle(360, 7), _candle(300, 6), _candle(240, 5), _candle(180, 2),
                                      _candle(120, 1)])
    candles.feed("candles_snapshot", [_candle(360, 8), _candle(300, 6)])  # again: nothing new closed
    assert [(candle.mts, candle.close) for _, _, candle in emitted] == [(180, 2), (240, 5), (300, 6)]
    assert candles.current == _candle(360, 8)


async def _no_close(_: Any) -> None:
    return None
