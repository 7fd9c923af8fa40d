"""Simulator authentication: WS auth event, signatures, nonces shared with REST, snapshots, seq numbers,
heartbeats, filters, inputs before auth, the dead-man switch, custom notifications."""

import json

import pytest

from conftest import hmac384

SEQ_ALL, TIMESTAMP = 65536, 32768


def test_signature_test_vectors():
    from bfxapi.testing import signature  # pylint: disable=import-outside-toplevel
    assert signature("test-secret", b"AUTH1700000000000000") == (
        "e2d52d5c363e7bd45570eac8e3c1e661c1113216e2a0e2699cf42e1d3df0e77b5f06f5bc283b66bf7f1e4e8967b6bec9")
    assert hmac384("test-secret", "/api/v2/auth/r/wallets1700000000000001{}") == (
        "c1ffc97b576d3470213c0bd61cd91a710bef9a46b20308f0eb45f0f06998ec4d153a3fa18da7c0f0ed78b15ef642ef37")


async def test_auth_ok_event_then_six_snapshots_even_empty(sim, connect, ws_auth):
    account = sim.add_account(user_id=4242)
    client = await connect(sim)
    frames = await ws_auth(client, account)
    event = frames[0]
    assert event["event"] == "auth" and event["status"] == "OK" and event["chanId"] == 0
    assert event["userId"] == 4242 and len(event["auth_id"]) == 36
    assert event["caps"]["orders"] == {"read": 1, "write": 1}
    assert frames[1:] == [[0, "ps", []], [0, "ws", []], [0, "os", []], [0, "fos", []], [0, "fcs", []],
                          [0, "fls", []]]
    assert client.texts[2] == '[0,"ps",[]]'


async def test_snapshots_carry_state(sim, connect, ws_auth):
    account = sim.add_account(wallets={"exchange": {"USD": 1000, "BTC": 0.5}, "funding": {"USD": 300}})
    client = await connect(sim)
    frames = await ws_auth(client, account)
    wallets = frames[2][2]
    assert ["exchange", "USD", 1000, 0, None, None, None] in wallets
    assert ["funding", "USD", 300, 0, None, None, None] in wallets and len(wallets) == 3


@pytest.mark.parametrize("as_string", [False, True])
async def test_nonce_number_or_string(sim, connect, as_string):
    account = sim.add_account()
    client = await connect(sim)
    nonce = 1_700_000_000_000_123
    payload = f"AUTH{nonce}"
    await client.send({"event": "auth", "apiKey": account.api_key, "authSig": hmac384(account.api_secret, payload),
                       "authNonce": str(nonce) if as_string else nonce, "authPayload": payload})
    assert (await client.recv())["status"] == "OK"
    assert account.last_nonce == nonce


async def test_payload_is_what_is_signed_node_style(sim, connect):
    account = sim.add_account()
    client = await connect(sim)
    payload = "AUTH1700000000000005" + "1700000000000005"
    await client.send({"event": "auth", "apiKey": account.api_key, "authSig": hmac384(account.api_secret, payload),
                       "authNonce": 1700000000000005, "authPayload": payload})
    assert (await client.recv())["status"] == "OK"


@pytest.mark.parametrize("change, code, msg", [
    ({"apiKey": "nope"}, 10100, "apikey: invalid"),
    ({"authSig": "00" * 48}, 10100, "apikey: digest invalid"),
    ({"authPayload": "HELLO1700000000000001"}, 10111, "authPayload: invalid"),
])
async def test_auth_failures(sim, connect, change, code, msg):
    account = sim.add_account()
    client = await connect(sim)
    payload = "AUTH1700000000000001"
    request = {"event": "auth", "apiKey": account.api_key, "authSig": hmac384(account.api_secret, payload),
               "authNonce": 1700000000000001, "authPayload": payload, **change}
    await client.send(request)
    assert await client.recv() == {"event": "auth", "status": "FAILED", "chanId": 0, "code": code, "msg": msg}
    assert account.last_nonce == 0 and not account.sessions


async def test_nonce_small_and_auth_dup(sim, connect, ws_auth):
    account = sim.add_account()
    first = await connect(sim)
    await ws_auth(first, account, authNonce=1_700_000_000_000_500)
    await first.send({"event": "auth", "apiKey": account.api_key, "authSig": "x", "authNonce": 1,
                      "authPayload": "AUTH1"})
    assert await first.recv() == {"event": "error", "msg": "auth: dup", "code": 10100}
    second = await connect(sim)
    frames = await ws_auth(second, account, authNonce=1_700_000_000_000_500)
    assert frames == [{"event": "auth", "status": "FAILED", "chanId": 0, "code": 10114, "msg": "nonce: small"}]


async def test_nonce_shared_rest_then_ws(sim, connect, ws_auth, rest):
    account = sim.add_account()
    assert (await rest(sim, account, "auth/r/wallets", value=1_800_000_000_000_000))[0] == 200
    client = await connect(sim)
    frames = await ws_auth(client, account, authNonce=1_799_999_999_999_999)
    assert frames[0]["code"] == 10114 and frames[0]["status"] == "FAILED"
    frames = await ws_auth(client, account, authNonce=1_800_000_000_000_001)
    assert frames[0]["status"] == "OK"


async def test_nonce_shared_ws_then_rest(sim, connect, ws_auth, rest):
    account = sim.add_account()
    client = await connect(sim)
    await ws_auth(client, account, authNonce=1_900_000_000_000_000)
    assert await rest(sim, account, "auth/r/wallets", value=1_899_999_999_999_999) == (
        500, ["error", 10114, "nonce: small"])
    assert (await rest(sim, account, "auth/r/wallets", value=1_900_000_000_000_001))[0] == 200


async def test_nonces_are_per_key(sim, rest):
    first, second = sim.add_account(), sim.add_account()
    assert (await rest(sim, first, "auth/r/wallets", value=5_000))[0] == 200
    assert (await rest(sim, second, "auth/r/wallets", value=5_000))[0] == 200


async def test_inputs_before_auth_are_rejected(sim, connect):
    client = await connect(sim)
    await client.send([0, "on", None, {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "1", "price": "1"}])
    assert await client.recv() == {"event": "error", "msg": "auth: required", "code": 10100}
    assert not any(a.orders for a in sim.accounts)


async def test_unknown_input_type(sim, connect, ws_auth):
    client = await connect(sim)
    await ws_auth(client, sim.add_account())
    await client.send([0, "nope", None, {}])
    assert await client.recv() == {"event": "error", "msg": "input: invalid", "code": 10020}


async def test_channel0_seq_numbers(sim, connect, ws_auth):
    account = sim.add_account(wallets={"exchange": {"USD": 100000}})
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL})
    await client.recv()
    frames = await ws_auth(client, account)
    # snapshots: public counter 1..6, auth counter 0 (syncing)
    assert [f[-2:] for f in frames[1:]] == [[i, 0] for i in range(1, 7)]
    await client.send([0, "on", None, {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.1",
                                       "price": "1000", "cid": 1}])
    notif = await client.recv()
    assert notif[1] == "n" and notif[2][1] == "on-req" and len(notif) == 4 and notif[3] == 0
    on = await client.recv()
    assert on[1] == "on" and on[-2:] == [7, 1]
    await sim.send_heartbeats()
    assert await client.recv() == [0, "hb", 8]
    await client.send([0, "n", 5, {"type": "ucm-test", "info": {"x": 1}}])
    echo = await client.recv()
    assert echo[1] == "n" and echo[-2:] == [9, 1]
    await client.send([0, "oc", None, {"id": on[2][0]}])
    req, closed = await client.recv(), await client.recv()
    assert req[-1] == 1 and len(req) == 4
    assert closed[1] == "oc" and closed[-2:] == [10, 2]


async def test_timestamp_flag_on_channel0(sim, connect, ws_auth):
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL | TIMESTAMP})
    await client.recv()
    frames = await ws_auth(client, sim.add_account())
    assert len(frames[1]) == 6 and frames[1][3:5] == [1, 0] and frames[1][5] > 1_600_000_000_000


async def test_heartbeats_on_channel0(make_sim, connect, ws_auth):
    sim = await make_sim(heartbeat_interval=0.2)
    client = await connect(sim)
    await ws_auth(client, sim.add_account())
    frame = await client.recv(timeout=3)
    assert frame == [0, "hb"]


async def test_ucm_test_notification_echo(sim, connect, ws_auth):
    client = await connect(sim)
    await ws_auth(client, sim.add_account())
    await client.send([0, "n", 77, {"type": "ucm-test", "info": {"hello": "world"}, "message": "hi"}])
    frame = await client.recv()
    assert frame[:2] == [0, "n"]
    mts, type_, msg_id, placeholder, info, code, status, text = frame[2]
    assert (type_, msg_id, placeholder, info, code, status, text) == (
        "ucm-test", 77, None, {"hello": "world"}, None, "SUCCESS", "hi")
    assert mts == sim.market.now_ms


async def test_filters(sim, connect, ws_auth):
    account = sim.add_account(wallets={"exchange": {"USD": 100000, "BTC": 1}, "margin": {"USD": 5}})
    client = await connect(sim)
    frames = await ws_auth(client, account, snapshots=3, filter=["wallet-exchange-BTC", "trading-tETHUSD"])
    assert frames[1:] == [[0, "ps", []], [0, "ws", [["exchange", "BTC", 1, 0, None, None, None]]], [0, "os", []]]
    other = await connect(sim)
    await ws_auth(other, account, snapshots=6)
    await other.send([0, "on", None, {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01",
                                      "price": "1000"}])
    await other.send([0, "on", None, {"type": "EXCHANGE LIMIT", "symbol": "tETHUSD", "amount": "0.01",
                                      "price": "100"}])
    conn = sim.connections[0]
    await sim.wait_for(lambda: len(sim.connections[1].sent) >= 1 + 7 + 4)
    await client.send({"event": "ping"})
    frames = [json.loads(t) for t in await client.catch_up(conn)]
    arrays = [f for f in frames if isinstance(f, list)]
    assert [(f[1], f[2][3]) for f in arrays] == [("on", "tETHUSD")]


async def test_dead_man_switch_cancels_orders_and_tells_other_sessions(sim, connect, ws_auth):
    account = sim.add_account(wallets={"exchange": {"USD": 100000}})
    dms = await connect(sim)
    await ws_auth(dms, account, dms=4)
    watcher = await connect(sim)
    await ws_auth(watcher, account)
    for price in ("1000", "1001"):
        await dms.send([0, "on", None, {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01",
                                        "price": price}])
    await sim.wait_for(lambda: len(account.orders) == 2)
    await sim.wait_for(lambda: sum(1 for f in sim.connections[1].sent if isinstance(f, list) and f[1:2] == ["on"])
                       == 2)
    await sim.drop(sim.connections[0])
    assert not account.orders and len(account.order_history) == 2
    frames = await sim.wait_for(lambda: [f for f in sim.connections[1].sent if isinstance(f, list)
                                         and f[1:2] == ["oc"]])
    assert [f[2][13] for f in frames] == ["CANCELED", "CANCELED"]


async def test_without_dms_orders_survive_a_close(sim, connect, ws_auth):
    account = sim.add_account(wallets={"exchange": {"USD": 100000}})
    client = await connect(sim)
    await ws_auth(client, account)
    await client.send([0, "on", None, {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01",
                                       "price": "1000"}])
    await sim.wait_for(lambda: account.orders)
    await sim.drop(sim.connections[0])
    assert len(account.orders) == 1 and not account.sessions


async def test_demo_account_exists(sim):
    demo = sim.demo_account
    assert demo is sim.accounts[0] and demo.balance("exchange", "USD") > 0
    assert len(demo.api_key) == 43 and len(demo.api_secret) == 43


def test_cli_prints_the_demo_credentials():
    import re  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel
    with subprocess.Popen([sys.executable, "-m", "bfxapi.testing", "--port", "0", "--seed", "3"],
                          stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline().strip() for _ in range(5)]
            assert lines[2].startswith("Demo account (user id ")
            assert re.match(r"^API key: +[0-9a-f]{43}$", lines[3]) and re.match(r"^API secret: +[0-9a-f]{43}$",
                                                                                 lines[4])
        finally:
            process.terminate()
            process.wait(timeout=10)
