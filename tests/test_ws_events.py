"""Every public event, for trading and funding symbols, checked against the frames the server sent."""

import asyncio
import dataclasses
import logging
from typing import Any

import pytest

from bfxapi._utils.log_throttle import LogThrottle
from bfxapi import Client
from bfxapi.exceptions import BfxBaseException, InvalidInputError
from bfxapi.websocket import WebSocketOptions
from bfxapi.websocket.exceptions import UnknownEventError

from ws_support import FAST, Recorder, client, open_connections, simulator

# Wire slot of each field, written from protocol.md §3.3/§8 (independently of bfxapi.types).
SLOTS: dict[str, list[int]] = {
    "TradingPairTicker": list(range(10)),
    "FundingCurrencyTicker": list(range(13)) + [15],
    "TradingPairTrade": list(range(4)),
    "FundingCurrencyTrade": list(range(5)),
    "TradingPairBook": list(range(3)),
    "FundingCurrencyBook": list(range(4)),
    "TradingPairRawBook": list(range(3)),
    "FundingCurrencyRawBook": list(range(4)),
    "Candle": list(range(6)),
    "DerivativesStatus": [0, 2, 3, 5, 7, 8, 9, 11, 14, 17, 21, 22],
    "Liquidation": [1, 2, 4, 5, 6, 8, 9, 11],
}

PUBLIC_EVENTS = [
    "t_ticker_update", "f_ticker_update", "t_trades_snapshot", "f_trades_snapshot", "t_trade_execution",
    "t_trade_execution_update", "f_trade_execution", "f_trade_execution_update", "t_book_snapshot",
    "f_book_snapshot", "t_raw_book_snapshot", "f_raw_book_snapshot", "t_book_update", "f_book_update",
    "t_raw_book_update", "f_raw_book_update", "candles_snapshot", "candles_update", "derivatives_status_update",
    "liquidation_feed_update", "checksum",
]  # fmt: skip

SUBSCRIPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "t-ticker": ("ticker", {"symbol": "tBTCUSD"}),
    "f-ticker": ("ticker", {"symbol": "fUSD"}),
    "t-trades": ("trades", {"symbol": "tBTCUSD"}),
    "f-trades": ("trades", {"symbol": "fUSD"}),
    "t-book": ("book", {"symbol": "tBTCUSD", "prec": "P0"}),
    "t-book-p2": ("book", {"symbol": "tETHUSD", "prec": "P2", "len": "100"}),
    "f-book": ("book", {"symbol": "fUSD", "prec": "P0"}),
    "t-raw": ("book", {"symbol": "tETHBTC", "prec": "R0"}),
    "f-raw": ("book", {"symbol": "fBTC", "prec": "R0"}),
    "candles": ("candles", {"key": "trade:1m:tBTCUSD"}),
    "f-candles": ("candles", {"key": "trade:1m:fUSD:p30"}),
    "deriv": ("status", {"key": "deriv:tBTCF0:USTF0"}),
    "liq": ("status", {"key": "liq:global"}),
}

# (sub_id, kind of wire item) -> the event it must become
SNAPSHOT_EVENTS = {
    "t-trades": "t_trades_snapshot", "f-trades": "f_trades_snapshot", "t-book": "t_book_snapshot",
    "t-book-p2": "t_book_snapshot", "f-book": "f_book_snapshot", "t-raw": "t_raw_book_snapshot",
    "f-raw": "f_raw_book_snapshot", "candles": "candles_snapshot", "f-candles": "candles_snapshot",
}  # fmt: skip
UPDATE_EVENTS = {
    "t-ticker": "t_ticker_update", "f-ticker": "f_ticker_update", "t-book": "t_book_update",
    "t-book-p2": "t_book_update", "f-book": "f_book_update", "t-raw": "t_raw_book_update",
    "f-raw": "f_raw_book_update", "candles": "candles_update", "f-candles": "candles_update",
    "deriv": "derivatives_status_update", "liq": "liquidation_feed_update",
}  # fmt: skip
TYPED_EVENTS = {
    "te": "t_trade_execution", "tu": "t_trade_execution_update",
    "fte": "f_trade_execution", "ftu": "f_trade_execution_update",
}  # fmt: skip


def as_wire(item: Any) -> list[Any]:
    """The values of a typed object in field order (compared with the wire slots of its type)."""
    return [getattr(item, field.name) for field in dataclasses.fields(item)]


def expected_events(sub_id: str, frames: list[list[Any]]) -> list[tuple[str, Any]]:
    """What the client must emit for these server frames, in order: (event, wire payload)."""
    out: list[tuple[str, Any]] = []
    first = True
    for frame in frames:
        kind = frame[1]
        if kind == "hb":
            continue
        if kind == "cs":
            out.append(("checksum", frame[2] & 0xFFFFFFFF))
        elif isinstance(kind, str):
            out.append((TYPED_EVENTS[kind], frame[2]))
        elif sub_id == "liq":
            out.extend(("liquidation_feed_update", row) for row in kind)
        elif first and sub_id in SNAPSHOT_EVENTS:
            out.append((SNAPSHOT_EVENTS[sub_id], kind))
        elif kind and isinstance(kind[0], list):  # bulk update
            out.extend((UPDATE_EVENTS[sub_id], row) for row in kind)
        else:
            out.append((UPDATE_EVENTS[sub_id], kind))
        first = False
    return out


def check(event: str, data: Any, payload: Any) -> None:
    if event == "checksum":
        assert data == payload
        return
    if isinstance(data, list):
        assert len(data) == len(payload)
        for item, row in zip(data, payload):
            check(event, item, row)
        return
    slots = SLOTS[type(data).__name__]
    assert as_wire(data) == [payload[i] for i in slots], (event, data, payload)


FLAG_SETS = {
    "seq+checksum": FAST,
    "no flags": dataclasses.replace(FAST, sequence=False, checksums=False),
    "timestamps": dataclasses.replace(FAST, timestamps=True),
    "bulk": dataclasses.replace(FAST, bulk=True),
    "everything": dataclasses.replace(FAST, timestamps=True, bulk=True),
}


@pytest.mark.parametrize("options", FLAG_SETS.values(), ids=list(FLAG_SETS))
async def test_every_public_event_matches_the_wire(options: WebSocketOptions) -> None:
    async with simulator() as sim:
        bfx = client(sim, options)
        events = Recorder(bfx, *PUBLIC_EVENTS)
        await bfx.wss.connect()
        for sub_id, (channel, params) in SUBSCRIPTIONS.items():
            await bfx.wss.subscribe(channel, sub_id=sub_id, **params)
        connection = open_connections(sim)[0]
        assert connection.flags == options.flags
        await sim.advance(12)
        await sim.send_heartbeats()

        chan_of = {sub.request["subId"]: chan_id for chan_id, sub in connection.subscriptions.items()}
        expected = {
            sub_id: expected_events(sub_id, [f for f in connection.sent if isinstance(f, list) and f[0] == chan_of[sub_id]])
            for sub_id in SUBSCRIPTIONS
        }
        total = sum(len(items) for items in expected.values())
        await events.wait(lambda: len(events.records) >= total)
        await asyncio.sleep(0)
        assert len(events.records) == total  # nothing lost, nothing invented

        seen_events = set()
        for sub_id, items in expected.items():
            got = [(name, args[1]) for name, args in events.records if args[0]["sub_id"] == sub_id]
            assert [name for name, _ in got] == [name for name, _ in items], sub_id
            for (name, data), (_, payload) in zip(got, items):
                check(name, data, payload)
                seen_events.add(name)
        # the run exercised every public event (this is what makes the comparison above meaningful)
        expected_seen = set(PUBLIC_EVENTS) - (set() if options.checksums else {"checksum"})
        assert seen_events == expected_seen
        await bfx.close()


async def test_callbacks_receive_the_subscription_dict_of_their_subscription() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        got: list[dict[str, Any]] = []

        @bfx.wss.on("candles_snapshot")
        def on_snapshot(sub: dict[str, Any], candles: list[Any]) -> None:
            got.append(sub)
            assert candles

        await bfx.wss.connect()
        sub_id = await bfx.wss.subscribe("candles", key="trade:5m:tETHUSD", sub_id="c5")
        await Recorder(bfx, "candles_update").wait(lambda: got)
        assert got == [{"channel": "candles", "sub_id": sub_id, "key": "trade:5m:tETHUSD"}]
        assert got[0] is bfx.wss.subscriptions[sub_id]
        await bfx.close()


async def test_on_accepts_several_events_sync_and_async_callbacks_and_once() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        sync_calls: list[str] = []
        async_calls: list[str] = []
        once_calls: list[str] = []

        def sync_cb(sub: dict[str, Any], _data: Any) -> None:
            sync_calls.append(sub["sub_id"])

        async def async_cb(sub: dict[str, Any], _data: Any) -> None:
            await asyncio.sleep(0)
            async_calls.append(sub["sub_id"])
            tickers.poke()

        bfx.wss.on("t_ticker_update", "f_ticker_update", callback=sync_cb)
        assert bfx.wss.on("t_ticker_update", "f_ticker_update")(async_cb) is async_cb
        bfx.wss.once("t_ticker_update", callback=lambda sub, _data: once_calls.append(sub["sub_id"]))
        tickers = Recorder(bfx, "t_ticker_update", "f_ticker_update")
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="t")
        await bfx.wss.subscribe("ticker", symbol="fUSD", sub_id="f")
        await sim.advance(3)
        await tickers.wait(lambda: tickers.count("t_ticker_update") >= 3 and len(async_calls) == len(tickers.records))
        assert {"t", "f"} <= set(sync_calls) and len(sync_calls) == len(tickers.records)
        assert sorted(async_calls) == sorted(sync_calls)
        assert once_calls == ["t"]
        await bfx.close()


async def test_off_removes_a_callback() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        calls: list[Any] = []

        def callback(_sub: Any, data: Any) -> None:
            calls.append(data)

        bfx.wss.on("t_ticker_update", callback=callback)
        bfx.wss.off("t_ticker_update", callback=callback)
        bfx.wss.off("f_ticker_update", callback=callback)  # never registered there: ignored
        events = Recorder(bfx, "t_ticker_update")
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        await sim.advance(2)
        await events.wait_count("t_ticker_update", 2)
        assert calls == []
        await bfx.close()


def test_unknown_events_are_rejected_at_registration() -> None:
    wss = Client().wss
    with pytest.raises(UnknownEventError) as info:
        wss.on("t_book_updates", callback=print)
    assert "t_book_update" in str(info.value)  # it suggests the right name
    with pytest.raises(UnknownEventError):
        wss.once("wallet-update")
    with pytest.raises(UnknownEventError):
        wss.off("nope", callback=print)
    with pytest.raises(ValueError):
        wss.on(callback=print)


async def test_a_failing_callback_is_logged_reported_and_disturbs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        good: list[Any] = []
        try:
            @bfx.wss.on("t_ticker_update")
            def bad(_sub: Any, _data: Any) -> None:
                raise RuntimeError("boom in a sync callback")

            @bfx.wss.on("t_ticker_update")
            async def bad_async(_sub: Any, _data: Any) -> None:
                raise RuntimeError("boom in an async callback")

            bfx.wss.on("t_ticker_update", callback=lambda _sub, data: good.append(data))
            events = Recorder(bfx, "t_ticker_update", "callback_error")
            with caplog.at_level(logging.ERROR, logger="bfxapi"):
                await bfx.wss.connect()
                await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
                await sim.advance(3)
                await events.wait_count("t_ticker_update", 3)
                # Every failure is an event, the async ones included, with the event name and the exception.
                await events.wait_count("callback_error", 2 * events.count("t_ticker_update"))
            assert len(good) == events.count("t_ticker_update")
            reported = [args for name, args in events.records if name == "callback_error"]
            assert {(event, str(error)) for event, error in reported} == {
                ("t_ticker_update", "boom in a sync callback"), ("t_ticker_update", "boom in an async callback")
            }
            # The same failure repeating is logged once per interval (60 s by default), with its traceback.
            sync_records = [r for r in caplog.records if r.exc_info and "boom in a sync callback" in str(r.exc_info[1])]
            async_records = [r for r in caplog.records if r.exc_info and "boom in an async callback" in str(r.exc_info[1])]
            assert len(sync_records) == len(async_records) == 1
            assert all(r.exc_info and r.exc_info[2] is not None for r in sync_records + async_records)
            assert "'t_ticker_update' raised RuntimeError" in sync_records[0].getMessage()
            assert bfx.wss.open
        finally:
            await bfx.close()


async def test_repeated_callback_failures_are_logged_again_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        bfx = client(sim, dataclasses.replace(FAST, repeat_log_interval=0.0))
        try:
            bfx.wss.on("t_ticker_update", lambda _sub, _data: 1 / 0)
            events = Recorder(bfx, "t_ticker_update", "callback_error")
            with caplog.at_level(logging.ERROR, logger="bfxapi"):
                await bfx.wss.connect()
                await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
                await sim.advance(2)
                await events.wait_count("callback_error", 3)
            records = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], ZeroDivisionError)]
            assert len(records) == events.count("callback_error")  # an interval of 0: every one is shown
        finally:
            await bfx.close()


def test_the_log_throttle_counts_what_it_held_back() -> None:
    now = [100.0]
    throttle = LogThrottle(60.0, clock=lambda: now[0])
    assert throttle.allow("a") == 0
    assert throttle.allow("a") is None and throttle.allow("a") is None
    assert throttle.allow("b") == 0  # keys are independent
    now[0] += 59.9
    assert throttle.allow("a") is None
    now[0] += 0.1
    assert throttle.allow("a") == 3  # logged again, with the count held back since the last one shown
    assert throttle.allow("a") is None
    small = LogThrottle(60.0, clock=lambda: now[0], max_keys=4)
    for key in range(10):
        assert small.allow(key) == 0
    assert len(small._seen) <= 4  # pylint: disable=protected-access


def test_every_registration_form_of_both_official_versions_works() -> None:
    wss = Client().wss
    emitter = wss._emitter  # pylint: disable=protected-access
    seen: list[str] = []

    def handler(*_: Any) -> None:
        seen.append("4.0.0")

    assert wss.on("t_ticker_update", handler) is handler  # 4.0.0: positional callback
    assert wss.on("t_trade_execution", "t_trade_execution_update", callback=lambda *_: seen.append("b1")) is not None

    @wss.on("f_ticker_update")
    def decorated(*_: Any) -> None:
        seen.append("decorator")

    wss.once("candles_update", lambda *_: seen.append("once"))
    for event in ("t_ticker_update", "t_trade_execution", "t_trade_execution_update", "f_ticker_update",
                  "candles_update", "candles_update"):
        emitter.emit(event, {}, None)
    assert seen == ["4.0.0", "b1", "b1", "decorator", "once"]
    wss.off("t_ticker_update", handler)  # and off() in the 4.0.0 form
    wss.off("f_ticker_update", callback=decorated)
    emitter.emit("t_ticker_update", {}, None)
    emitter.emit("f_ticker_update", {}, None)
    assert seen == ["4.0.0", "b1", "b1", "decorator", "once"]


@pytest.mark.parametrize("call", [
    lambda wss: wss.on(print),  # the callback first
    lambda wss: wss.on("t_ticker_update", print, "f_ticker_update"),  # an event after the callback
    lambda wss: wss.on("t_ticker_update", 42),  # neither an event nor a callable
    lambda wss: wss.on("t_ticker_update", callback=42),
    lambda wss: wss.once(),
    lambda wss: wss.off("t_ticker_update"),  # which callback?
])
def test_registration_mistakes_are_clear_typed_errors(call: Any) -> None:
    with pytest.raises(InvalidInputError) as caught:
        call(Client().wss)
    assert isinstance(caught.value, BfxBaseException) and isinstance(caught.value, ValueError)
    assert "on('event', handler)" in str(caught.value) or "callable" in str(caught.value) \
        or "off('event', handler)" in str(caught.value) or "once('t_ticker_update', handler)" in str(caught.value)
