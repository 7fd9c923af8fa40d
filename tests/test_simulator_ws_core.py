"""Simulator WebSocket core: info, ping, conf flags (seq, timestamp, bulk), subscribe errors, heartbeats, idle."""

import asyncio
import json
import time

import pytest
import websockets

TIMESTAMP, SEQ_ALL, OB_CHECKSUM, BULK = 32768, 65536, 131072, 536870912


async def test_info_on_open(sim, connect):
    client = await connect(sim, read_info=False)
    info = await client.recv()
    assert info == {"event": "info", "version": 2, "serverId": sim.server_id, "platform": {"status": 1}}
    assert client.texts[0].startswith('{"event":"info","version":2,"serverId":"')


async def test_ping_pong_echoes_cid_and_server_time(sim, connect):
    client = await connect(sim)
    before = int(time.time() * 1000)
    await client.send({"event": "ping", "cid": 1234})
    pong = await client.recv()
    assert pong["event"] == "pong" and pong["cid"] == 1234
    assert before - 1000 <= pong["ts"] <= int(time.time() * 1000) + 1000


async def test_conf_ack_and_flags_replace_the_set(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL | TIMESTAMP})
    assert await client.recv() == {"event": "conf", "status": "OK", "flags": SEQ_ALL | TIMESTAMP}
    await client.send({"event": "conf", "flags": OB_CHECKSUM})
    assert await client.recv() == {"event": "conf", "status": "OK", "flags": OB_CHECKSUM}
    conn = (await sim.wait_for_connections(1))[0]
    assert conn.flags == OB_CHECKSUM


async def test_no_flags_frames_have_no_trailing_numbers(sim, connect):
    client = await connect(sim)
    ack, snapshot = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    assert len(snapshot) == 2 and snapshot[0] == ack["chanId"] and isinstance(snapshot[1], list)


async def test_seq_all_counts_every_array_frame_including_hb_and_cs(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL | OB_CHECKSUM})
    await client.recv()
    ack, snapshot = await client.subscribe(channel="book", symbol="tBTCUSD", prec="P0", len="25")
    assert snapshot[-1] == 1
    conn = sim.connections[0]
    await sim.advance(2)
    await sim.send_heartbeats()
    frames = [json.loads(t) for t in await client.catch_up(conn)]
    kinds = {f[1] if isinstance(f[1], str) else "data" for f in frames}
    assert {"hb", "cs", "data"} <= kinds
    seqs = [f[-1] for f in frames]
    assert seqs == list(range(2, 2 + len(frames)))
    hb = [f for f in frames if f[1] == "hb"][0]
    assert len(hb) == 3 and hb[0] == ack["chanId"]
    cs = [f for f in frames if f[1] == "cs"][0]
    assert len(cs) == 4 and isinstance(cs[2], int)


async def test_one_sequence_counter_per_socket_across_channels(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL})
    await client.recv()
    first = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    second = await client.subscribe(channel="trades", symbol="tETHUSD")
    assert first[1][-1] == 1 and second[1][-1] == 2
    await sim.advance(5)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert [f[-1] for f in frames] == list(range(3, 3 + len(frames)))
    assert {f[0] for f in frames} == {first[0]["chanId"], second[0]["chanId"]}


async def test_timestamp_is_last_and_after_seq(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL | TIMESTAMP})
    await client.recv()
    now = int(time.time() * 1000)
    _, snapshot = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    assert snapshot[2] == 1 and abs(snapshot[3] - now) < 5000 and len(snapshot) == 4
    await sim.send_heartbeats()
    hb = await client.recv()
    assert hb[1:3] == ["hb", 2] and abs(hb[3] - now) < 5000


async def test_timestamp_alone_is_appended(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": TIMESTAMP})
    await client.recv()
    _, snapshot = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    assert len(snapshot) == 3 and snapshot[2] > 1_600_000_000_000


async def test_bulk_sends_book_updates_as_one_array(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": BULK})
    await client.recv()
    ack, snapshot = await client.subscribe(channel="book", symbol="tBTCUSD", prec="P0", len="100")
    assert all(isinstance(e, list) and len(e) == 3 for e in snapshot[1])
    await sim.advance(3)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert frames and len(frames) <= 3
    for frame in frames:
        assert frame[0] == ack["chanId"] and len(frame) == 2
        assert all(isinstance(e, list) and len(e) == 3 for e in frame[1])


async def test_without_bulk_one_entry_per_frame(sim, connect):
    client = await connect(sim)
    await client.subscribe(channel="book", symbol="tBTCUSD", prec="P0", len="100")
    await sim.advance(3)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert len(frames) > 3
    assert all(len(f) == 2 and len(f[1]) == 3 and not isinstance(f[1][0], list) for f in frames)


@pytest.mark.parametrize("request_fields, msg", [
    ({"channel": "ticker", "symbol": "tNOPE"}, "symbol: invalid"),
    ({"channel": "book", "symbol": "tBTCUSD", "len": "7"}, "length: invalid"),
    ({"channel": "book", "symbol": "tBTCUSD", "prec": "P9"}, "precision: invalid"),
    ({"channel": "nope", "symbol": "tBTCUSD"}, "channel: unknown"),
    ({"channel": "candles", "key": "trade:2m:tBTCUSD"}, "key: invalid"),
])
async def test_subscribe_errors_10300_echo_the_request(sim, connect, request_fields, msg):
    client = await connect(sim)
    await client.send({"event": "subscribe", **request_fields})
    error = await client.recv()
    assert error["event"] == "error" and error["code"] == 10300 and error["msg"] == msg
    for key, value in request_fields.items():
        assert error[key] == value


async def test_unknown_event_10000(sim, connect):
    client = await connect(sim)
    await client.send({"event": "nope"})
    error = await client.recv()
    assert error["event"] == "error" and error["code"] == 10000


async def test_duplicate_subscription_10301_with_existing_chan_id(sim, connect):
    client = await connect(sim)
    ack, _ = await client.subscribe(channel="trades", symbol="tBTCUSD")
    await client.send({"event": "subscribe", "channel": "trades", "symbol": "tBTCUSD"})
    error = await client.recv()
    assert error["code"] == 10301 and error["msg"] == "subscribe: dup" and error["chanId"] == ack["chanId"]


async def test_subscription_limit_10305(make_sim, connect):
    sim = await make_sim(subscription_limit=2)
    client = await connect(sim)
    await client.subscribe(channel="ticker", symbol="tBTCUSD")
    await client.subscribe(channel="ticker", symbol="tETHUSD")
    await client.send({"event": "subscribe", "channel": "ticker", "symbol": "tETHBTC"})
    error = await client.recv()
    assert error["code"] == 10305 and error["msg"] == "subscribe: limit"


async def test_default_subscription_limit_is_25(sim, connect):
    client = await connect(sim)
    for length in ("1", "25", "100", "250"):
        for prec in ("P0", "P1", "P2", "P3", "P4", "R0"):
            if len(sim.connections[0].subscriptions) < 25:
                await client.subscribe(channel="book", symbol="tBTCUSD", prec=prec, len=length)
    await client.subscribe(channel="ticker", symbol="tBTCUSD") if len(sim.connections[0].subscriptions) < 25 else None
    assert len(sim.connections[0].subscriptions) == 25
    await client.send({"event": "subscribe", "channel": "ticker", "symbol": "fUSD"})
    assert (await client.recv())["code"] == 10305


async def test_unsubscribe_and_unknown_chan_id_10400(sim, connect):
    client = await connect(sim)
    ack, _ = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    await client.send({"event": "unsubscribe", "chanId": ack["chanId"]})
    assert await client.recv() == {"event": "unsubscribed", "status": "OK", "chanId": ack["chanId"]}
    await client.send({"event": "unsubscribe", "chanId": ack["chanId"]})
    error = await client.recv()
    assert error["code"] == 10400 and error["msg"] == "unsubscribe: invalid"
    await sim.advance(1)
    assert not any(isinstance(f, list) and f[0] == ack["chanId"] for f in sim.connections[0].sent[3:])


async def test_sub_id_is_echoed_and_acks_carry_pair_or_currency(sim, connect):
    client = await connect(sim)
    ack, _ = await client.subscribe(channel="book", symbol="fUSD", prec="P1", freq="F0", len="100", subId="b1")
    assert ack == {"event": "subscribed", "channel": "book", "chanId": ack["chanId"], "symbol": "fUSD",
                   "prec": "P1", "freq": "F0", "len": "100", "subId": "b1", "currency": "USD"}
    ack, _ = await client.subscribe(channel="trades", symbol="tBTCF0:USTF0", subId=42)
    assert ack["pair"] == "BTCF0:USTF0" and ack["subId"] == 42
    ack, _ = await client.subscribe(channel="book", symbol="BTCUSD")
    assert ack["symbol"] == "tBTCUSD" and ack["len"] == "25" and ack["prec"] == "P0" and ack["freq"] == "F0"


async def test_non_json_gets_no_reply_and_socket_stays_open(sim, connect):
    client = await connect(sim)
    await client.send("this is not json")
    await client.send({"event": "ping", "cid": 5})
    assert (await client.recv())["event"] == "pong"
    assert sim.connections[0].received[0] == "this is not json"


async def test_unknown_deriv_key_gets_no_reply(sim, connect):
    client = await connect(sim)
    await client.send({"event": "subscribe", "channel": "status", "key": "deriv:tNOPEF0:USTF0"})
    await client.send({"event": "ping", "cid": 9})
    assert (await client.recv())["event"] == "pong"


async def test_heartbeats_per_channel_on_a_timer(make_sim, connect):
    sim = await make_sim(heartbeat_interval=0.1)
    client = await connect(sim)
    first, _ = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    second, _ = await client.subscribe(channel="trades", symbol="tBTCUSD")
    seen = set()
    while seen != {first["chanId"], second["chanId"]}:
        frame = await client.recv(timeout=3)
        assert frame[1] == "hb" and len(frame) == 2
        seen.add(frame[0])


async def test_idle_socket_is_closed_abnormally(make_sim, connect):
    sim = await make_sim(idle_timeout=0.3)
    client = await connect(sim)
    with pytest.raises(websockets.ConnectionClosedError) as caught:
        await client.recv(timeout=5)
    assert caught.value.rcvd is None  # no close frame: the client sees 1006
    assert sim.connections[0].closed


async def test_socket_with_a_subscription_is_not_idle_closed(make_sim, connect):
    sim = await make_sim(idle_timeout=0.2, heartbeat_interval=0.1)
    client = await connect(sim)
    await client.subscribe(channel="ticker", symbol="tBTCUSD")
    for _ in range(6):  # 6 heartbeats = 0.6 s, three idle timeouts
        assert (await client.recv(timeout=3))[1] == "hb"
    assert sim.connections[0].open


async def test_invalid_conf_flags_error(sim, connect):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": "x"})
    error = await client.recv()
    assert error["event"] == "error" and error["code"] == 10050


async def test_exit_closes_connections_with_1001(make_sim, connect):
    sim = await make_sim()
    client = await connect(sim)
    await sim.stop()
    with pytest.raises(websockets.ConnectionClosed):
        await client.recv(timeout=5)
    assert client.ws.close_code == 1001
    await asyncio.sleep(0)
