"""Simulator trading engine, raw clients: STOP, STOP LIMIT and TRAILING STOP lifecycles frame by frame
(exchange and margin), OCO pairs, CLOSE versus REDUCE_ONLY, and the calc limits (protocol.md §2.2, §7.6).

A stop triggers at a market step on the last trade price (sell: last <= stop, buy: last >= stop); the ``ou``
sent then carries the new ORDER_TYPE (MARKET, or LIMIT at PRICE_AUX_LIMIT) and TYPE_PREV = the stop type.
"""

from test_simulator_trading import kinds, login, on, read
from test_simulator_trading_book import PublicView


def last(sim, symbol="tBTCUSD"):
    return sim.market.instruments[symbol].last_price


async def advance_until(sim, predicate, steps=300):
    for _ in range(steps):
        await sim.advance()
        if predicate():
            return
    raise AssertionError("condition not reached")


async def test_exchange_stop_limit_triggers_into_a_limit_that_rests_in_the_book(sim, connect, ws_auth):
    view = await PublicView.open(sim, connect)
    account, client = await login(sim, connect, ws_auth, {"exchange": {"BTC": 1}})
    stop, limit = round(last(sim) * 1.5), round(sim.market.instruments["tBTCUSD"].best(False).price + 3)
    await client.send(on({"type": "EXCHANGE STOP LIMIT", "symbol": "tBTCUSD", "amount": "-0.1", "price": str(stop),
                          "price_aux_limit": str(limit)}))
    notif, new = await read(client, 2)
    order = new[2]
    assert notif[2][6] == "SUCCESS" and notif[2][4] == order
    assert order[8:10] == ["EXCHANGE STOP LIMIT", None] and order[13] == "ACTIVE"
    assert order[16] == stop and order[19] == limit
    assert await view.settle(sim) == []  # a stop is not in the book
    await sim.advance()
    triggered = await client.recv()
    assert triggered[1] == "ou" and triggered[2][0] == order[0]
    assert triggered[2][8:10] == ["EXCHANGE LIMIT", "EXCHANGE STOP LIMIT"]
    assert triggered[2][16] == limit and triggered[2][19] == limit and triggered[2][13] == "ACTIVE"
    assert triggered[2][6:8] == [-0.1, -0.1]
    frames = await view.settle(sim)
    assert [order[0], limit, -0.1] in view.entries(frames, view.r0)  # now a resting limit order: public
    await sim.fill_order(account, order[0])
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "wu", "oc"]
    assert frames[0][2][3:9] == [order[0], -0.1, limit, "EXCHANGE LIMIT", limit, 1]
    assert frames[4][2][8:10] == ["EXCHANGE LIMIT", "EXCHANGE STOP LIMIT"]
    assert frames[4][2][13] == f"EXECUTED @ {limit}(-0.1)"
    assert [order[0], 0, -1] in view.entries(await view.settle(sim), view.r0)


async def test_margin_stop_limit_triggers_and_takes(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    stop = round(last(sim) * 0.5)
    limit = round(sim.market.instruments["tBTCUSD"].best(False).price * 1.01)
    await client.send(on({"type": "STOP LIMIT", "symbol": "tBTCUSD", "amount": "0.1", "price": str(stop),
                          "price_aux_limit": str(limit)}))
    _, new = await read(client, 2)
    assert new[2][8] == "STOP LIMIT" and new[2][16] == stop
    await sim.advance()
    frames = await client.recv_until(lambda f: f[1] == "oc")
    assert frames[0][1] == "ou" and frames[0][2][8:10] == ["LIMIT", "STOP LIMIT"] and frames[0][2][16] == limit
    assert kinds(frames)[1:5] == ["te", "tu", "wu", "pn"]
    executions = [f[2] for f in frames if f[1] == "te"]
    assert all(te[5] <= limit and te[6] == "LIMIT" and te[7] == limit and te[8] == -1 for te in executions)
    assert round(sum(te[4] for te in executions), 8) == 0.1
    assert frames[-1][2][13].startswith("EXECUTED @ ") and frames[-1][2][9] == "STOP LIMIT"
    assert account.positions["tBTCUSD"].amount == 0.1


async def test_margin_stop_triggers_into_a_market_order(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    stop = round(last(sim) * 1.5)
    await client.send(on({"type": "STOP", "symbol": "tBTCUSD", "amount": "-0.01", "price": str(stop)}))
    _, new = await read(client, 2)
    assert new[2][8:10] == ["STOP", None] and new[2][16] == stop
    await sim.advance()
    frames = await client.recv_until(lambda f: f[1] == "oc")
    assert kinds(frames) == ["ou", "te", "tu", "wu", "pn", "oc"]
    assert frames[0][2][8:10] == ["MARKET", "STOP"] and frames[0][2][16] == stop
    assert frames[1][2][6:9] == ["MARKET", 0, -1] and frames[1][2][4] == -0.01  # ORDER_PRICE 0 (§8.4)
    assert frames[4][2][2] == -0.01 and frames[5][2][13] == f"EXECUTED @ {frames[1][2][5]:g}(-0.01)"
    assert account.positions["tBTCUSD"].amount == -0.01


async def test_exchange_trailing_stop_follows_the_price_then_sells(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"BTC": 1}})
    start = last(sim)
    await client.send(on({"type": "EXCHANGE TRAILING STOP", "symbol": "tBTCUSD", "amount": "-0.01",
                          "price_trailing": "3"}))
    _, new = await read(client, 2)
    order = new[2]
    assert order[8] == "EXCHANGE TRAILING STOP" and order[18] == 3 and order[16] == start - 3
    highest = [start]

    def triggered():
        highest.append(last(sim))
        return order[0] not in account.orders
    await advance_until(sim, triggered)
    frames = await client.recv_until(lambda f: f[1] == "oc")
    assert kinds(frames) == ["ou", "te", "tu", "wu", "wu", "oc"]
    ou = frames[0][2]
    assert ou[8:10] == ["EXCHANGE MARKET", "EXCHANGE TRAILING STOP"] and ou[18] == 3
    # the stop level trailed the highest last price seen at the steps (never moved down)
    assert ou[16] == max(highest[:-1]) - 3 and ou[16] >= order[16]
    assert frames[1][2][4] == -0.01 and frames[1][2][6] == "EXCHANGE MARKET" and frames[1][2][8] == -1
    assert frames[5][2][13].startswith("EXECUTED @ ")


async def test_margin_trailing_stop_buy(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    start = last(sim)
    await client.send(on({"type": "TRAILING STOP", "symbol": "tBTCUSD", "amount": "0.01", "price_trailing": "3"}))
    _, new = await read(client, 2)
    assert new[2][8] == "TRAILING STOP" and new[2][16] == start + 3
    await advance_until(sim, lambda: new[2][0] not in account.orders)
    frames = await client.recv_until(lambda f: f[1] == "oc")
    assert kinds(frames) == ["ou", "te", "tu", "wu", "pn", "oc"]
    assert frames[0][2][8:10] == ["MARKET", "TRAILING STOP"] and frames[1][2][4] == 0.01
    assert account.positions["tBTCUSD"].amount == 0.01


async def test_oco_stop_executes_and_cancels_the_limit_which_leaves_the_book(sim, connect, ws_auth):
    view = await PublicView.open(sim, connect)
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    price = sim.market.instruments["tBTCUSD"].levels(True, "P0")[4].price
    stop = round(last(sim) * 0.5)
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": str(price),
                          "flags": 16384, "price_oco_stop": str(stop), "cid": 5, "cid_oco": 6}))
    notif, limit, stop_order = await read(client, 3)
    assert notif[2][4] == limit[2] and limit[2][12] == stop_order[2][12] == 16384
    assert stop_order[2][8] == "EXCHANGE STOP" and stop_order[2][16] == stop and stop_order[2][2] == 6
    assert limit[2][25] == stop_order[2][0] and stop_order[2][25] == limit[2][0]
    frames = await view.settle(sim)
    assert [limit[2][0], price, 0.01] in view.entries(frames, view.r0) and len(view.entries(frames, view.r0)) == 2
    await sim.advance()
    frames = await client.recv_until(lambda f: f[1] == "oc" and f[2][0] == limit[2][0])
    assert kinds(frames) == ["ou", "te", "tu", "wu", "wu", "oc", "oc"]
    assert frames[0][2][0] == stop_order[2][0] and frames[0][2][8:10] == ["EXCHANGE MARKET", "EXCHANGE STOP"]
    assert frames[5][2][0] == stop_order[2][0] and frames[5][2][13].startswith("EXECUTED @ ")
    assert frames[6][2][13] == "CANCELED" and not account.orders
    assert [limit[2][0], 0, 1] in view.entries(await view.settle(sim), view.r0)


async def test_oco_limit_partially_filled_then_cancelled_cancels_the_stop(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "1000",
                          "flags": 16384, "price_oco_stop": "90000"}))
    _, limit, stop_order = await read(client, 3)
    await sim.fill_order(account, limit[2][0], 0.004)
    assert kinds(await read(client, 5)) == ["te", "tu", "wu", "wu", "ou"]
    await client.send([0, "oc", None, {"id": limit[2][0]}])
    frames = await read(client, 3)
    assert kinds(frames) == ["n:oc-req", "oc", "oc"]
    assert frames[1][2][13] == "CANCELED was: PARTIALLY FILLED @ 1000(0.004)"
    assert frames[2][2][0] == stop_order[2][0] and frames[2][2][13] == "CANCELED"


async def open_long(sim, account, client, amount="0.1"):
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": amount, "price": "20000"}))
    _, new = await read(client, 2)
    await sim.fill_order(account, new[2][0])
    await read(client, 5)


async def test_close_closes_the_whole_position_reduce_only_keeps_its_amount(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "-0.03", "price": "90000", "flags": 512}))
    frame = await client.recv()
    assert frame[2][6] == "ERROR" and "RSN_POS_NOTFOUND" in frame[2][7]
    await open_long(sim, account, client)
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "-0.03", "price": "90000", "flags": 1024}))
    _, reduce = await read(client, 2)
    assert reduce[2][6:8] == [-0.03, -0.03] and reduce[2][12] == 1024
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "-5", "price": "90000", "flags": 1024}))
    _, capped = await read(client, 2)
    assert capped[2][6] == -0.1
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "-0.03", "price": "90000", "flags": 512}))
    _, close = await read(client, 2)
    assert close[2][6:8] == [-0.1, -0.1] and close[2][12] == 512
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "0.03", "price": "1000", "flags": 1024}))
    frame = await client.recv()
    assert frame[2][6] == "ERROR" and "RSN_POS_REDUCE_INCR" in frame[2][7]
    await sim.fill_order(account, close[2][0])
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "pc", "oc"] and frames[3][2][1:3] == ["CLOSED", 0]
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-0.03", "price": "90000",
                          "flags": 512}))
    frame = await client.recv()
    assert frame[2][6] == "ERROR" and "margin" in frame[2][7]


async def test_calc_batch_limit_is_30(sim, connect, ws_auth):
    _, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    await client.send([0, "calc", None, [["balance"]] * 31])
    assert await client.recv() == {"event": "error", "msg": "calc: limit", "code": 10020}
    await client.send([0, "calc", None, [["balance"]] * 30])
    frames = await read(client, 30)
    assert kinds(frames) == ["bu"] * 30


async def test_calc_rate_limit_is_8_inputs_per_window(make_sim, connect, ws_auth):
    sim = await make_sim(calc_rate_window=60.0)  # a long window: the test does not depend on timing
    _, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    for _ in range(8):
        await client.send([0, "calc", None, [["margin_base"]]])
        assert (await client.recv())[1] == "miu"
    await client.send([0, "calc", None, [["margin_base"]]])
    assert await client.recv() == {"event": "error", "msg": "ratelimit: error", "code": 11010}
    # the socket stays usable; other inputs are not limited
    await client.send([0, "oc", None, {"id": 1}])
    assert (await client.recv())[2][1] == "oc-req"
    other = await connect(sim)  # the limit is per connection
    await ws_auth(other, sim.accounts[-1])
    await other.send([0, "calc", None, [["balance"]]])
    assert (await other.recv())[1] == "bu"
