"""Simulator faults and observability: drops, info codes, maintenance, stalls, checksum corruption, sequence
gaps, raw frames, refused handshakes, the connection-rate limit, recorded traffic and wait helpers."""

import json

import aiohttp
import pytest
import websockets

SEQ_ALL, OB_CHECKSUM = 65536, 131072


async def test_drop_one_connection_is_abnormal_1006(sim, connect):
    first = await connect(sim)
    second = await connect(sim)
    await sim.drop(1)
    with pytest.raises(websockets.ConnectionClosedError) as caught:
        await first.recv()
    assert caught.value.rcvd is None and first.ws.close_code == 1006
    assert sim.connections[0].closed and sim.connections[1].open
    await second.send({"event": "ping"})
    assert (await second.recv())["event"] == "pong"


async def test_drop_all_connections(sim, connect):
    clients = [await connect(sim) for _ in range(3)]
    await sim.drop()
    for client in clients:
        with pytest.raises(websockets.ConnectionClosedError):
            await client.recv()
    assert all(c.closed for c in sim.connections)


async def test_info_20051_to_one_or_all(sim, connect):
    first, second = await connect(sim), await connect(sim)
    await sim.send_info(20051, connection=2)
    stop = await second.recv()
    assert stop == {"event": "info", "code": 20051, "msg": "Stopping. Please try to reconnect"}
    await sim.send_info(20051)
    assert (await first.recv())["code"] == 20051 and (await second.recv())["code"] == 20051


async def test_maintenance_window(sim, connect):
    client = await connect(sim)
    await sim.start_maintenance()
    assert (await client.recv())["code"] == 20060
    late = await connect(sim, read_info=False)
    assert (await late.recv())["platform"] == {"status": 0}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{sim.rest_host}/platform/status") as response:
            assert await response.json() == [0]
        async with session.get(f"{sim.rest_host}/book/tBTCUSD/P0") as response:
            assert response.status == 500 and await response.json() == ["error", 20060, "maintenance"]
        await sim.end_maintenance()
        assert (await client.recv())["code"] == 20061 and (await late.recv())["code"] == 20061
        async with session.get(f"{sim.rest_host}/platform/status") as response:
            assert await response.json() == [1]


async def test_stall_sends_nothing_then_unstall_flushes(make_sim, connect):
    sim = await make_sim(heartbeat_interval=0.05)
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL})
    await client.recv()
    await client.subscribe(channel="ticker", symbol="tBTCUSD")
    conn = sim.connections[0]
    sim.stall(conn)
    sent_before = len(conn.sent)
    await client.send({"event": "ping", "cid": 1})
    await sim.advance(2)
    await sim.wait_for(lambda: conn.received[-1] == {"event": "ping", "cid": 1})
    assert len(conn.sent) == sent_before and conn.open
    await sim.unstall(conn)
    frames = await client.recv_until(lambda f: isinstance(f, dict) and f.get("event") == "pong")
    assert len(frames) >= 3  # the held updates and heartbeats, then the pong, in order
    seqs = [f[-1] for f in frames if isinstance(f, list)]
    assert seqs == list(range(2, 2 + len(seqs)))


async def test_unstall_without_flush_leaves_a_sequence_gap(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL})
    await client.recv()
    await client.subscribe(channel="ticker", symbol="tBTCUSD")
    sim.stall(1)
    await sim.advance(2)
    await sim.unstall(1, flush=False)
    await sim.advance(1)
    assert (await client.recv())[-1] == 4


async def test_corrupt_next_checksum_of_one_channel(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": OB_CHECKSUM})
    await client.recv()
    ack, _ = await client.subscribe(channel="book", symbol="tBTCUSD")
    sim.corrupt_next_checksum(1, ack["chanId"])
    sub = sim.connections[0].subscriptions[ack["chanId"]]
    await sim.advance(1)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert frames[-1][1] == "cs" and frames[-1][2] != sub.book_checksum(sim.market)
    await sim.advance(1)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert frames[-1][1] == "cs" and frames[-1][2] == sub.book_checksum(sim.market)


async def test_corrupt_next_checksum_of_every_book(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": OB_CHECKSUM})
    await client.recv()
    first, _ = await client.subscribe(channel="book", symbol="tBTCUSD")
    second, _ = await client.subscribe(channel="book", symbol="fUSD", prec="R0")
    sim.corrupt_next_checksum()
    await sim.advance(1)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    for ack in (first, second):
        sub = sim.connections[0].subscriptions[ack["chanId"]]
        cs = [f[2] for f in frames if f[0] == ack["chanId"] and f[1] == "cs"]
        assert cs and cs[0] != sub.book_checksum(sim.market)


async def test_skip_sequence(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL})
    await client.recv()
    _, snapshot = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    sim.skip_sequence(1)
    await sim.advance(1)
    assert snapshot[-1] == 1 and (await client.recv())[-1] == 3


async def test_inject_raw_frames(sim, connect):
    client = await connect(sim)
    await sim.inject(1, "{not json")
    assert await client.recv_text() == "{not json"
    await sim.inject(1, [424242, [1, 2, 3]])
    assert await client.recv() == [424242, [1, 2, 3]]
    assert sim.connections[0].sent[-2:] == ["{not json", [424242, [1, 2, 3]]]


@pytest.mark.parametrize("status", [429, 503])
async def test_refuse_next_handshakes(sim, connect, status):
    sim.refuse_handshakes(2, status=status)
    for _ in range(2):
        with pytest.raises(websockets.InvalidStatus) as caught:
            await connect(sim)
        assert caught.value.response.status_code == status
    await connect(sim)
    assert sim.handshakes_attempted == 3 and sim.handshakes_refused == 2 and len(sim.connections) == 1


async def test_connection_rate_limit_429_and_block(make_sim, connect):
    sim = await make_sim(connection_limit=3, connection_window=60.0, connection_block=0.3)
    for _ in range(3):
        await connect(sim)
    with pytest.raises(websockets.InvalidStatus) as caught:
        await connect(sim)
    assert caught.value.response.status_code == 429
    with pytest.raises(websockets.InvalidStatus):  # blocked: even after the window would allow it
        await connect(sim)
    assert sim.handshakes_refused == 2 and len(sim.connections) == 3


async def test_default_connection_limit_is_20_per_minute(sim, connect):
    for _ in range(20):
        await connect(sim)
    with pytest.raises(websockets.InvalidStatus) as caught:
        await connect(sim)
    assert caught.value.response.status_code == 429
    assert sim.handshakes_attempted == 21 and sim.handshakes_refused == 1


async def test_observability_records_both_directions(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL})
    await client.recv()
    await client.send("garbage")
    await client.subscribe(channel="trades", symbol="tETHUSD")
    conn = (await sim.wait_for_connections(1))[0]
    assert conn.id == 1 and conn.remote[0] == "127.0.0.1" and conn.open
    assert conn.received[:2] == [{"event": "conf", "flags": SEQ_ALL}, "garbage"]
    assert conn.received_text[1] == "garbage"
    assert conn.flags == SEQ_ALL
    assert conn.sent[0]["event"] == "info" and conn.sent_text == client.texts
    (chan_id, sub), = conn.subscriptions.items()
    assert sub.channel == "trades" and sub.symbol == "tETHUSD" and sub.ack["chanId"] == chan_id
    message = await sim.wait_for_received(lambda m: isinstance(m, dict) and m.get("event") == "subscribe")
    assert message["symbol"] == "tETHUSD"
    await client.ws.close()
    await sim.wait_for(lambda: conn.closed)
    assert conn.close_code == 1000


async def test_wait_for_times_out(sim):
    with pytest.raises(TimeoutError):
        await sim.wait_for(lambda: False, timeout=0.05)


async def test_auto_market_streams_without_advance(make_sim, connect):
    sim = await make_sim(auto_market=True, market_interval=0.02, ticker_interval=0.04)
    client = await connect(sim)
    await client.subscribe(channel="ticker", symbol="tBTCUSD")
    updates = [await client.recv() for _ in range(3)]
    assert all(len(u[1]) == 10 for u in updates)
