"""Simulator trading engine over WS: order lifecycles frame by frame (exchange orders), fees, wallets,
updates, cancels, oc_multi, ox_multi, error notifications."""

import pytest

ORDER_LEN = 32


async def login(sim, connect, ws_auth, wallets, **options):
    account = sim.add_account(wallets=wallets, **options)
    client = await connect(sim)
    await ws_auth(client, account)
    return account, client


async def read(client, count):
    return [await client.recv() for _ in range(count)]


def kinds(frames):
    return [("n:" + f[2][1]) if f[1] == "n" else f[1] for f in frames]


def on(body):
    return [0, "on", None, body]


async def test_limit_order_rests_then_fills_partially_then_fully(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 10000}})
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.5", "price": "20000",
                          "cid": 11, "gid": 3, "meta": {"aff_code": "x"}}))
    notif, new = await read(client, 2)
    mts, type_, msg_id, _, info, code, status, text = notif[2]
    assert (type_, msg_id, code, status, text) == ("on-req", None, None, "SUCCESS",
                                                   "Submitting exchange limit buy order for 0.5 BTC.")
    assert mts == sim.market.now_ms and len(info) == ORDER_LEN
    order_id = info[0]
    assert isinstance(order_id, int) and info[1:4] == [3, 11, "tBTCUSD"] and info[6:9] == [0.5, 0.5, "EXCHANGE LIMIT"]
    assert info[13] == "ACTIVE" and info[16] == 20000 and info[28] == "API>BFX" and info[31] == {"aff_code": "x"}
    assert new == [0, "on", info]
    await sim.fill_order(account, order_id, 0.2)
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "wu", "ou"]
    te, tu = frames[0][2], frames[1][2]
    assert te[:9] == [te[0], "tBTCUSD", te[2], order_id, 0.2, 20000, "EXCHANGE LIMIT", 20000, 1]
    assert te[9:] == [None, None, 11] and tu[:9] == te[:9] and tu[9:] == [-0.0002, "BTC", 11]
    assert frames[2][2][:3] == ["exchange", "BTC", 0.1998] and frames[3][2][:3] == ["exchange", "USD", 6000]
    assert frames[2][2][6]["order_id"] == order_id and frames[2][2][6]["reason"] == "TRADE"
    update = frames[4][2]
    assert update[6:8] == [0.3, 0.5] and update[13] == "PARTIALLY FILLED @ 20000(0.2)" and update[17] == 20000
    await sim.fill_order(account, order_id, price=19999)
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "wu", "oc"]
    assert frames[4][2][13] == "EXECUTED @ 19999(0.3): was PARTIALLY FILLED @ 20000(0.2)"
    assert frames[4][2][6] == 0 and not account.orders and account.order_history[0].id == order_id
    assert account.balance("exchange", "BTC") == pytest.approx(0.4995)
    assert [t.maker for t in account.trades] == [True, True]


async def test_market_order_walks_the_book_as_taker(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    asks = sim.market.instruments["tBTCUSD"].side(bid=False)
    amount = round(abs(asks[0].amount) + abs(asks[1].amount) / 2, 8)
    expected = [(asks[0].price, abs(asks[0].amount)), (asks[1].price, round(amount - abs(asks[0].amount), 8))]
    await client.send(on({"type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": str(amount)}))
    frames = await read(client, 12)
    assert kinds(frames) == ["n:on-req", "on", "te", "tu", "wu", "wu", "ou", "te", "tu", "wu", "wu", "oc"]
    fills = [(f[2][5], f[2][4]) for f in frames if f[1] == "te"]
    assert fills == expected
    assert all(f[2][6:8] == ["EXCHANGE MARKET", 0] for f in frames if f[1] in ("te", "tu"))  # §8.4 sample
    assert frames[3][2][8] == -1 and frames[3][2][9] == -round(expected[0][1] * 0.002, 8)
    assert frames[-1][2][13].startswith(f"EXECUTED @ {expected[1][0]:g}".replace(".0(", "("))
    assert account.balance("exchange", "USD") == pytest.approx(
        100000 - sum(p * a for p, a in expected), abs=1e-6)
    # the taker consumed the public liquidity
    assert asks[0].id not in sim.market.instruments["tBTCUSD"].orders


async def test_sell_fee_is_charged_in_quote_currency(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"BTC": 1}})
    bid = sim.market.instruments["tBTCUSD"].best(bid=True)
    # The seeded market's top bid is above Bitfinex's minimum order size: the sell below always fills there.
    assert abs(bid.amount) >= 0.0002, bid
    size = min(abs(bid.amount), 0.001)
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": str(-size), "price": str(bid.price)}))
    frames = await read(client, 7)
    assert kinds(frames) == ["n:on-req", "on", "te", "tu", "wu", "wu", "oc"]
    assert frames[3][2][10] == "USD" and frames[3][2][9] == -round(size * bid.price * 0.002, 8)


async def test_marketable_limit_fills_then_rests(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 1_000_000}})
    best = sim.market.instruments["tBTCUSD"].best(bid=False)
    amount = round(abs(best.amount) + 1, 8)
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": str(amount),
                          "price": str(best.price)}))
    frames = await client.recv_until(lambda f: f[1] in ("ou", "oc"))
    assert kinds(frames)[:2] == ["n:on-req", "on"] and frames[-1][1] == "ou"
    order = next(iter(account.orders.values()))
    assert order.amount == pytest.approx(amount - sum(f[2][4] for f in frames if f[1] == "te"))


async def test_update_and_cancel(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.1", "price": "1000",
                          "cid": 5}))
    _, new = await read(client, 2)
    order_id = new[2][0]
    await client.send([0, "ou", None, {"id": order_id, "price": "1100", "delta": "0.05"}])
    notif, update = await read(client, 2)
    assert notif[2][1] == "ou-req" and notif[2][6] == "SUCCESS" and notif[2][4][0] == order_id
    assert update[1] == "ou" and update[2][6:8] == [0.15, 0.15] and update[2][16] == 1100
    await client.send([0, "oc", None, {"cid": 5, "cid_date": "2023-11-14"}])
    notif, closed = await read(client, 2)
    assert notif[2][1] == "oc-req" and notif[2][7] == f"Submitted for cancellation; waiting for confirmation (ID: {order_id})."
    assert closed[1] == "oc" and closed[2][13] == "CANCELED" and not account.orders


async def test_errors_are_single_error_notifications(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100}})
    cases = [
        ({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "1", "price": "30000", "cid": 9},
         "Invalid order: not enough exchange balance for 1 BTCUSD at 30000"),
        ({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.00001", "price": "1"},
         "Invalid order: minimum size for BTC/USD is 0.0002"),
        ({"type": "EXCHANGE LIMIT", "symbol": "tNOPE", "amount": "1", "price": "1"}, "Invalid order: unknown symbol tNOPE"),
        ({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.001"}, "Invalid order: price missing or invalid"),
    ]
    for body, text in cases:
        await client.send(on(body))
        frame = await client.recv()
        assert frame[1] == "n" and frame[2][1] == "on-req" and frame[2][6] == "ERROR" and frame[2][7] == text
        info = frame[2][4]
        assert len(info) == ORDER_LEN and info[0] is None and info[3] == body["symbol"]
        assert info[2] == body.get("cid") and info[13] is None
    await client.send([0, "oc", None, {"id": 1}])
    frame = await client.recv()
    assert frame[2][1] == "oc-req" and frame[2][6] == "ERROR" and frame[2][7] == "Order not found."
    assert frame[2][4][0] == 1
    await client.send([0, "ou", None, {"id": 2, "price": "5"}])
    frame = await client.recv()
    assert frame[2][1] == "ou-req" and frame[2][6] == "ERROR"
    assert not account.orders and not account.order_history


async def test_post_only_that_would_take_is_cancelled(sim, connect, ws_auth):
    # POSTONLY CANCELED is an order status (protocol.md §4.6): the order is accepted, then closed untraded
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 1_000_000}})
    ask = sim.market.instruments["tBTCUSD"].best(bid=False)
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": str(ask.price),
                          "flags": 4096}))
    frames = await read(client, 3)
    assert kinds(frames) == ["n:on-req", "on", "oc"] and frames[0][2][6] == "SUCCESS"
    assert frames[2][2][12] == 4096 and frames[2][2][13] == "POSTONLY CANCELED" and frames[2][2][6] == 0.01
    assert not account.orders and not account.trades
    # one that does not cross rests; an update that would make it take cancels it the same way
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "1000",
                          "flags": 4096}))
    _, new = await read(client, 2)
    await client.send([0, "ou", None, {"id": new[2][0], "price": str(ask.price)}])
    frames = await read(client, 3)
    assert kinds(frames) == ["n:ou-req", "ou", "oc"] and frames[2][2][13] == "POSTONLY CANCELED"
    assert not account.orders and not account.trades


async def test_fok_killed_and_ioc_partially_filled(sim, connect, ws_auth):
    _, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 10_000_000}})
    ask = sim.market.instruments["tBTCUSD"].best(bid=False)
    await client.send(on({"type": "EXCHANGE FOK", "symbol": "tBTCUSD", "amount": str(abs(ask.amount) + 1),
                          "price": str(ask.price)}))
    frames = await read(client, 3)
    assert kinds(frames) == ["n:on-req", "on", "oc"] and frames[2][2][13] == "FILLORKILL CANCELED"
    await client.send(on({"type": "EXCHANGE IOC", "symbol": "tBTCUSD", "amount": str(abs(ask.amount) + 1),
                          "price": str(ask.price)}))
    frames = await client.recv_until(lambda f: f[1] == "oc")
    assert kinds(frames)[:3] == ["n:on-req", "on", "te"]
    assert frames[-1][2][13].startswith("IOC CANCELED was: PARTIALLY FILLED @ ")


async def test_oc_multi_by_gid_and_all(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    for gid in (1, 1, 2):
        await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "1000",
                              "gid": gid}))
        await read(client, 2)
    await client.send([0, "oc_multi", None, {"gid": [1]}])
    frames = await read(client, 3)
    assert kinds(frames) == ["n:oc_multi-req", "oc", "oc"]
    assert [row[1] for row in frames[0][2][4]] == [1, 1] and frames[0][2][6] == "SUCCESS"
    await client.send([0, "oc_multi", None, {"all": 1}])
    frames = await read(client, 2)
    assert kinds(frames) == ["n:oc_multi-req", "oc"] and not account.orders


async def test_ox_multi(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "1000"}))
    _, new = await read(client, 2)
    ops = [["on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.02", "price": "1001"}],
           ["ou", {"id": new[2][0], "price": "999"}],
           ["oc", {"id": 12345}],
           ["oc_multi", {"id": [new[2][0]]}]]
    await client.send([0, "ox_multi", None, ops])
    frames = await read(client, 4)
    assert kinds(frames) == ["n:ox_multi-req", "on", "ou", "oc"]
    notes = frames[0][2][4]
    assert [(n[1], n[6]) for n in notes] == [("on-req", "SUCCESS"), ("ou-req", "SUCCESS"), ("oc-req", "ERROR"),
                                             ("oc_multi-req", "SUCCESS")]
    assert len(account.orders) == 1
    await client.send([0, "ox_multi", None, [["oc", {"id": 1}]] * 76])
    frame = await client.recv()
    assert frame[2][1] == "ox_multi-req" and frame[2][6] == "ERROR"


async def test_stop_order_triggers_on_a_market_step(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"BTC": 1}})
    last = sim.market.instruments["tBTCUSD"].last_price
    await client.send(on({"type": "EXCHANGE STOP", "symbol": "tBTCUSD", "amount": "-0.001",
                          "price": str(round(last * 1.5))}))
    await read(client, 2)
    await sim.advance()
    frames = await client.recv_until(lambda f: f[1] == "oc")
    assert frames[0][1] == "ou" and frames[0][2][8] == "EXCHANGE MARKET" and frames[0][2][9] == "EXCHANGE STOP"
    assert "te" in kinds(frames) and frames[-1][2][13].startswith("EXECUTED @ ")
    assert not account.orders


async def test_oco_fill_cancels_the_stop(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "1000",
                          "flags": 16384, "price_oco_stop": "90000", "cid_oco": 77}))
    notif, first, second = await read(client, 3)
    assert first[1] == second[1] == "on" and second[2][8] == "EXCHANGE STOP" and second[2][2] == 77
    assert first[2][25] == second[2][0] and second[2][25] == first[2][0]
    await sim.fill_order(account, first[2][0])
    frames = await read(client, 6)
    assert kinds(frames) == ["te", "tu", "wu", "wu", "oc", "oc"]
    assert frames[5][2][0] == second[2][0] and frames[5][2][13] == "CANCELED"
    assert notif[2][4][0] == first[2][0]


async def test_tif_expiry(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "1000",
                          "tif": "2023-11-14 22:13:20"}))
    _, new = await read(client, 2)
    assert new[2][10] == 1_700_000_000_000
    await sim.advance()
    closed = await client.recv()
    assert closed[1] == "oc" and closed[2][13] == "CANCELED" and not account.orders


async def test_resting_order_fills_when_the_market_trades_through(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"BTC": 10}})
    inst = sim.market.instruments["tBTCUSD"]
    price = inst.best(bid=False).price
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-5", "price": str(price)}))
    await read(client, 2)
    for _ in range(300):
        await sim.advance()
        if account.trades:
            break
    assert account.trades and all(t.maker and t.price == price for t in account.trades)
    frames = await client.recv_until(lambda f: f[1] in ("ou", "oc"))
    assert kinds(frames)[:4] == ["te", "tu", "wu", "wu"] and frames[2][2][:2] == ["exchange", "BTC"]
