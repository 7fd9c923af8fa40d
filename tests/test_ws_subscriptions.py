"""Subscribing, unsubscribing, resubscribing, and the connection pool."""

import asyncio
import itertools
import logging
import uuid

import pytest

from bfxapi.websocket.exceptions import (
    SubIdError,
    SubscriptionError,
    TooManySubscriptionsError,
    UnknownChannelError,
    UnknownSubscriptionError,
)

from bfxapi.websocket._client.bfx_websocket_bucket import State

from ws_support import Recorder, client, open_connections, simulator, subscribes

TRADING = ["tBTCUSD", "tETHUSD", "tETHBTC", "tTESTBTC:TESTUSD", "tBTCF0:USTF0"]
TIMEFRAMES = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "14D", "1M"]


def distinct_channels() -> list[tuple[str, dict[str, str]]]:
    """More distinct public channels than 6 full connections hold."""
    books = [
        ("book", {"symbol": symbol, "prec": prec, "len": length})
        for symbol, prec, length in itertools.product(
            TRADING + ["fUSD", "fBTC"], ["P0", "P1", "P2", "P3", "P4"], ["1", "25", "100", "250"]
        )
    ]
    candles = [("candles", {"key": f"trade:{tf}:{symbol}"}) for symbol in TRADING for tf in TIMEFRAMES]
    return books + candles


async def test_subscribe_returns_the_sub_id_once_the_server_confirmed() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "subscribed", "t_ticker_update")
        await bfx.wss.connect()
        sub_id = await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        uuid.UUID(sub_id)  # random unless given
        assert events.of("subscribed") == [({"channel": "ticker", "sub_id": sub_id, "symbol": "tBTCUSD"},)]
        connection = open_connections(sim)[0]
        assert [s.symbol for s in connection.subscriptions.values()] == ["tBTCUSD"]
        assert subscribes(connection) == [{"event": "subscribe", "channel": "ticker", "symbol": "tBTCUSD", "subId": sub_id}]
        assert dict(bfx.wss.subscriptions) == {sub_id: {"channel": "ticker", "sub_id": sub_id, "symbol": "tBTCUSD"}}
        await bfx.close()


async def test_a_custom_sub_id_is_used_and_duplicates_are_rejected() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        assert await bfx.wss.subscribe("candles", key="trade:1m:tBTCUSD", sub_id="507f1f77bcf86cd799439011") == (
            "507f1f77bcf86cd799439011"
        )
        assert subscribes(open_connections(sim)[0])[0]["subId"] == "507f1f77bcf86cd799439011"
        with pytest.raises(SubIdError):
            await bfx.wss.subscribe("ticker", symbol="tETHUSD", sub_id="507f1f77bcf86cd799439011")
        assert len(bfx.wss.subscriptions) == 1
        await bfx.close()


async def test_book_subscription_dict_has_the_server_defaults() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        sub_id = await bfx.wss.subscribe("book", symbol="tETHUSD", len=100)
        assert bfx.wss.subscriptions[sub_id] == {
            "channel": "book",
            "sub_id": sub_id,
            "symbol": "tETHUSD",
            "prec": "P0",
            "freq": "F0",
            "len": "100",
        }
        request = subscribes(open_connections(sim)[0])[0]
        assert request["len"] == "100" and request["prec"] == "P0"
        await bfx.close()


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"channel": "ticker", "symbol": "tNOPE"}, 10300),
        ({"channel": "book", "symbol": "tBTCUSD", "prec": "P9"}, 10300),
        ({"channel": "book", "symbol": "tBTCUSD", "len": "7"}, 10300),
        ({"channel": "candles", "key": "trade:2m:tBTCUSD"}, 10300),
    ],
)
async def test_a_server_rejection_raises_a_typed_error_with_the_code(params: dict[str, str], code: int) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        errors = Recorder(bfx, "wss-error")
        await bfx.wss.connect()
        channel = params.pop("channel")
        with pytest.raises(SubscriptionError) as info:
            await bfx.wss.subscribe(channel, **params)
        assert info.value.code == code
        assert info.value.request["channel"] == channel
        assert not bfx.wss.subscriptions  # the slot is freed
        assert errors.of("wss-error")[0][0] == code
        # the connection is still usable
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        await bfx.close()


async def test_same_channel_twice_on_one_connection_is_refused_with_10301() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        await bfx.wss.subscribe("trades", symbol="tBTCUSD")
        with pytest.raises(SubscriptionError) as info:
            await bfx.wss.subscribe("trades", symbol="tBTCUSD")
        assert info.value.code == 10301
        assert len(bfx.wss.subscriptions) == 1
        await bfx.close()


async def test_the_server_limit_10305_is_reported() -> None:
    async with simulator(subscription_limit=2) as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        await bfx.wss.subscribe("ticker", symbol="tETHUSD")
        with pytest.raises(SubscriptionError) as info:
            await bfx.wss.subscribe("ticker", symbol="tETHBTC")
        assert info.value.code == 10305
        await bfx.close()


async def test_client_side_validation() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        with pytest.raises(UnknownChannelError):
            await bfx.wss.subscribe("orderbook", symbol="tBTCUSD")
        with pytest.raises(ValueError):
            await bfx.wss.subscribe("candles", symbol="tBTCUSD")  # candles need key=...
        with pytest.raises(UnknownSubscriptionError):
            await bfx.wss.unsubscribe("nope")
        with pytest.raises(UnknownSubscriptionError):
            await bfx.wss.resubscribe("nope")
        with pytest.raises(TypeError):
            bfx.wss.subscriptions["x"] = {}  # type: ignore[index]
        assert not subscribes(open_connections(sim)[0])
        await bfx.close()


async def test_unsubscribe_waits_for_the_server_and_emits_unsubscribed() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "unsubscribed", "t_trade_execution")
        await bfx.wss.connect()
        sub_id = await bfx.wss.subscribe("trades", symbol="tBTCUSD")
        connection = open_connections(sim)[0]
        chan_id = next(iter(connection.subscriptions))
        await bfx.wss.unsubscribe(sub_id)
        assert {"event": "unsubscribe", "chanId": chan_id} in connection.received
        assert not connection.subscriptions
        assert events.of("unsubscribed") == [({"channel": "trades", "sub_id": sub_id, "symbol": "tBTCUSD"},)]
        assert sub_id not in bfx.wss.subscriptions
        before = events.count("t_trade_execution")
        await sim.advance(3)
        await sim.send_heartbeats()
        await sim.wait_for(lambda: connection.received[-1] is not None)
        assert events.count("t_trade_execution") == before
        await bfx.close()


async def test_resubscribe_keeps_the_sub_id_and_brings_a_fresh_snapshot() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "t_book_snapshot", "subscribed", "unsubscribed")
        await bfx.wss.connect()
        sub_id = await bfx.wss.subscribe("book", symbol="tBTCUSD", sub_id="my-book")
        await events.wait_count("t_book_snapshot", 1)
        await sim.advance(2)
        await bfx.wss.resubscribe(sub_id)
        await events.wait_count("t_book_snapshot", 2)
        connection = open_connections(sim)[0]
        assert [r["subId"] for r in subscribes(connection)] == ["my-book", "my-book"]
        assert len(connection.subscriptions) == 1
        assert events.count("subscribed") == 2 and events.count("unsubscribed") == 0
        assert list(bfx.wss.subscriptions) == ["my-book"]
        await bfx.close()


async def test_the_pool_opens_a_second_connection_after_25_subscriptions() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect(connections=2)
        channels = distinct_channels()[:30]
        await asyncio.gather(*(bfx.wss.subscribe(channel, **params) for channel, params in channels))
        assert bfx.wss.connections == 2
        counts = sorted(len(c.subscriptions) for c in open_connections(sim))
        assert counts == [5, 25]
        await bfx.close()


async def test_more_than_the_pool_allows_raises_a_clear_error() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect(connections=5)
        channels = distinct_channels()
        await asyncio.gather(*(bfx.wss.subscribe(channel, **params) for channel, params in channels[:125]))
        assert bfx.wss.connections == 5
        assert [len(c.subscriptions) for c in open_connections(sim)] == [25] * 5
        with pytest.raises(TooManySubscriptionsError):
            await bfx.wss.subscribe(*channels[125][:1], **channels[125][1])
        assert len(bfx.wss.subscriptions) == 125
        await bfx.close()


@pytest.mark.timeout(90)
async def test_beyond_125_with_more_connections() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        snapshots = Recorder(bfx, "t_book_snapshot", "f_book_snapshot", "candles_snapshot")
        await bfx.wss.connect(connections=7)
        channels = distinct_channels()[:160]
        ids = await asyncio.gather(*(bfx.wss.subscribe(channel, **params) for channel, params in channels))
        assert bfx.wss.connections == 7
        assert sum(len(c.subscriptions) for c in open_connections(sim)) == 160
        # every subscription, on every connection, delivers its typed snapshot
        await snapshots.wait(lambda: {args[0]["sub_id"] for _, args in snapshots.records} == set(ids))
        await bfx.close()


async def test_unsubscribing_the_last_channel_of_an_extra_connection_closes_it() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect(connections=2)
        channels = distinct_channels()[:26]
        ids = [await bfx.wss.subscribe(channel, **params) for channel, params in channels]
        assert bfx.wss.connections == 2
        await bfx.wss.unsubscribe(ids[-1])
        assert bfx.wss.connections == 1
        assert await sim.wait_for(lambda: len(open_connections(sim)) == 1)
        await bfx.close()


async def test_concurrent_subscribe_and_unsubscribe_before_confirmation() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        connection = open_connections(sim)[0]
        sim.stall(connection)  # the server holds its answers back
        task = asyncio.ensure_future(bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="quick"))
        await sim.wait_for_received(lambda m: isinstance(m, dict) and m.get("subId") == "quick")
        await bfx.wss.unsubscribe("quick")
        with pytest.raises(SubscriptionError):
            await task
        await sim.unstall(connection)  # now the confirmation arrives, after the client gave up on it
        # the late confirmation is undone: the server ends with no subscription
        assert await sim.wait_for(lambda: not connection.subscriptions and any(
            isinstance(m, dict) and m.get("event") == "unsubscribe" for m in connection.received
        ))
        assert not bfx.wss.subscriptions
        await bfx.close()


async def test_unsubscribing_during_a_resubscription_ends_it_for_good(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "subscribed", "unsubscribed")
        await bfx.wss.connect()
        sub_id = await bfx.wss.subscribe("trades", symbol="tBTCUSD")
        connection = open_connections(sim)[0]
        sim.stall(connection)  # the server's answers wait: the client stays in the middle of its resubscription
        resubscribing = asyncio.ensure_future(bfx.wss.resubscribe(sub_id))
        await sim.wait_for(lambda: any(isinstance(m, dict) and m.get("event") == "unsubscribe" for m in connection.received))
        with caplog.at_level(logging.WARNING, logger="bfxapi"):
            # Twice at once: the second waits for the same confirmation.
            record = bfx.wss._records[sub_id][0]  # pylint: disable=protected-access
            both = asyncio.gather(bfx.wss.unsubscribe(sub_id), bfx.wss.unsubscribe(sub_id))
            while record.state is not State.UNSUBSCRIBING:  # both calls run up to their wait (a yield, no time)
                await asyncio.sleep(0)
            await sim.unstall(connection)
            await asyncio.wait_for(both, 5)
            with pytest.raises(SubscriptionError):
                await asyncio.wait_for(resubscribing, 5)  # the resubscription's caller learns it was cancelled
        assert sub_id not in bfx.wss.subscriptions and events.count("unsubscribed") == 1
        assert not connection.subscriptions  # nothing subscribed again behind the user's back
        assert events.count("subscribed") == 1
        assert not [r for r in caplog.records if "nobody asked for" in r.getMessage()]
        await bfx.close()
