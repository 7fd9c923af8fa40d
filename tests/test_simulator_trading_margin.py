"""Simulator trading engine: margin and derivatives positions, reduce-only, calc, funding offers and loans."""

import pytest

from test_simulator_trading import kinds, login, on, read

POSITION_LEN = 20
OFFER_LEN = 21


async def test_margin_position_opens_updates_and_closes_with_pl(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "0.1", "price": "20000"}))
    _, new = await read(client, 2)
    order_id = new[2][0]
    await sim.fill_order(account, order_id, 0.05)
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "pn", "ou"]
    assert frames[1][2][9] == -1.0 and frames[1][2][10] == "USD"  # 0.1 % of 1000 USD
    assert frames[2][2][:3] == ["margin", "USD", 9999]
    pos = frames[3][2]
    assert len(pos) == POSITION_LEN and pos[:4] == ["tBTCUSD", "ACTIVE", 0.05, 20000] and pos[15] == 0
    assert pos[6:10] == [None, None, None, None] and pos[19]["order_id"] == order_id
    position_id = pos[11]
    await sim.fill_order(account, order_id, price=22000)
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "pu", "oc"]
    assert frames[3][2][2] == 0.1 and frames[3][2][3] == 21000 and frames[3][2][11] == position_id
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "-0.1", "price": "90000"}))
    _, closing = await read(client, 2)
    await sim.fill_order(account, closing[2][0], price=23000)
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "pc", "oc"]
    assert frames[3][2][1] == "CLOSED" and frames[3][2][2] == 0
    # P/L (23000 - 21000) * 0.1 = 200, fees 1 + 1.1 + 2.3 (maker 0.1 %)
    assert account.balance("margin", "USD") == pytest.approx(10000 + 200 - 1 - 1.1 - 2.3)
    assert not account.positions and account.position_history[0].id == position_id


async def test_margin_insufficient_tradable_balance(sim, connect, ws_auth):
    _, client = await login(sim, connect, ws_auth, {"margin": {"USD": 100}})
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "1", "price": "20000"}))
    frame = await client.recv()
    assert frame[2][6] == "ERROR" and frame[2][7] == "Invalid order: not enough tradable balance for 1 BTCUSD at 20000"


async def test_reduce_only_needs_an_opposite_position(sim, connect, ws_auth):
    _, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}})
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "-0.1", "price": "90000", "flags": 1024}))
    frame = await client.recv()
    assert frame[2][6] == "ERROR" and "RSN_POS_REDUCE_INCR" in frame[2][7]


async def test_derivatives_position_has_type_1_and_collateral(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"margin": {"USTF0": 10000}})
    await client.send(on({"type": "LIMIT", "symbol": "tBTCF0:USTF0", "amount": "0.1", "price": "20000", "lev": 5}))
    _, new = await read(client, 2)
    assert new[2][31] == {"$F33": 5}
    await sim.fill_order(account, new[2][0])
    frames = await read(client, 5)
    pos = frames[3][2]
    assert frames[3][1] == "pn" and pos[15] == 1 and pos[17] == 400 and pos[9] is None
    assert frames[1][2][10] == "USTF0"


async def test_calc_answers_miu_fiu_pu_wu_bu(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"margin": {"USD": 10000}, "exchange": {"USD": 500}})
    await client.send(on({"type": "LIMIT", "symbol": "tBTCUSD", "amount": "0.1", "price": "20000"}))
    _, new = await read(client, 2)
    await sim.fill_order(account, new[2][0])
    await read(client, 5)
    await client.send([0, "calc", None, [["margin_base"], ["margin_sym_tBTCUSD"], ["funding_sym_fUSD"],
                                         ["position_tBTCUSD"], ["wallet_exchange_USD"], ["balance"]]])
    frames = await read(client, 6)
    assert kinds(frames) == ["miu", "miu", "fiu", "pu", "wu", "bu"]
    assert frames[0][2][0] == "base" and len(frames[0][2][1]) == 5
    assert frames[1][2][:2] == ["sym", "tBTCUSD"] and len(frames[1][2][2]) == 4
    assert frames[2][2] == ["sym", "fUSD", [0, 0, 0, 0]]
    pl, pl_perc, liq, lev = frames[3][2][6:10]
    last = sim.market.instruments["tBTCUSD"].last_price
    assert pl == pytest.approx((last - 20000) * 0.1) and liq > 0 and lev > 0 and isinstance(pl_perc, (int, float))
    assert frames[4][2] == ["exchange", "USD", 500, 0, 500, None, None]
    assert len(frames[5][2]) == 2


async def test_funding_offer_taken_on_next_step(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"funding": {"USD": 1000}})
    frr = sim.market.instruments["fUSD"].frr
    await client.send([0, "fon", None, {"type": "LIMIT", "symbol": "fUSD", "amount": "500", "rate": str(frr / 2),
                                        "period": 2}])
    notif, new = await read(client, 2)
    assert notif[2][1] == "fon-req" and notif[2][6] == "SUCCESS" and len(notif[2][4]) == OFFER_LEN
    offer = new[2]
    assert new[1] == "fon" and offer[1] == "fUSD" and offer[4:7] == [500, 500, "LIMIT"] and offer[10] == "ACTIVE"
    assert offer[14] == frr / 2 and offer[15] == 2
    await sim.advance()
    frames = await read(client, 5)
    assert kinds(frames) == ["fte", "ftu", "foc", "fcn", "wu"]
    assert frames[0][2][1:] == ["fUSD", frames[0][2][2], offer[0], 500, frr / 2, 2, None]
    assert frames[1][2][7] == 1
    assert frames[2][2][10].startswith("EXECUTED at ")
    credit = frames[3][2]
    assert len(credit) == 22 and credit[1:3] == ["fUSD", 1] and credit[5] == 500 and credit[7] == "ACTIVE"
    assert not account.offers and len(account.credits) == 1


async def test_funding_bid_becomes_a_loan_and_offers_cancel(sim, connect, ws_auth):
    account, client = await login(sim, connect, ws_auth, {"funding": {"USD": 1000}})
    frr = sim.market.instruments["fUSD"].frr
    await client.send([0, "fon", None, {"type": "LIMIT", "symbol": "fUSD", "amount": "-300", "rate": str(frr * 3),
                                        "period": 7}])
    await read(client, 2)
    await sim.advance()
    frames = await read(client, 5)
    assert kinds(frames) == ["fte", "ftu", "foc", "fln", "wu"] and len(frames[3][2]) == 21 and frames[3][2][2] == -1
    await client.send([0, "fon", None, {"type": "LIMIT", "symbol": "fUSD", "amount": "200", "rate": str(frr * 10),
                                        "period": 30}])
    _, new = await read(client, 2)
    await client.send([0, "foc", None, {"id": new[2][0]}])
    notif, closed = await read(client, 2)
    assert notif[2][1] == "foc-req" and closed[1] == "foc" and closed[2][10] == "CANCELED"
    assert not account.offers


async def test_funding_offer_errors(sim, connect, ws_auth):
    _, client = await login(sim, connect, ws_auth, {"funding": {"USD": 100}})
    for body, text in [
        ({"type": "LIMIT", "symbol": "fUSD", "amount": "50", "rate": "0.001", "period": 2},
         "Invalid offer: incorrect amount, minimum is 150 dollar or equivalent in USD"),
        ({"type": "LIMIT", "symbol": "fUSD", "amount": "500", "rate": "0.001", "period": 2},
         "Invalid offer: not enough funding balance for 500 USD"),
        ({"type": "LIMIT", "symbol": "fUSD", "amount": "500", "rate": "0.001", "period": 200},
         "Invalid offer: period must be between 2 and 120 days"),
    ]:
        await client.send([0, "fon", None, body])
        frame = await client.recv()
        assert frame[2][1] == "fon-req" and frame[2][6] == "ERROR" and frame[2][7] == text
        assert len(frame[2][4]) == OFFER_LEN and frame[2][4][0] is None
