"""Simulator authenticated REST: signing and errors, the recorded requests, rate limits, and the shape of every
endpoint (row lengths and field types per protocol.md §8), over the same state as the WebSocket."""

import pytest

from test_simulator_trading import kinds, read


@pytest.fixture
async def funded(sim):
    return sim.add_account(wallets={"exchange": {"USD": 100000, "BTC": 1}, "margin": {"USD": 10000},
                                    "funding": {"USD": 5000}})


async def test_signature_nonce_and_key_errors(sim, rest, funded):
    assert await rest(sim, funded, "auth/r/wallets", key="nope") == (500, ["error", 10100, "apikey: invalid"])
    assert await rest(sim, funded, "auth/r/wallets", secret="wrong") == (500, ["error", 10100,
                                                                           "apikey: digest invalid"])
    assert (await rest(sim, funded, "auth/r/wallets", value=10))[0] == 200
    assert await rest(sim, funded, "auth/r/wallets", value=10) == (500, ["error", 10114, "nonce: small"])


async def test_signature_covers_the_raw_body_bytes(sim, rest, funded):
    raw = '{ "type" : "EXCHANGE LIMIT", "symbol":"tBTCUSD","amount":"0.01","price":"1000" }'
    status, answer = await rest(sim, funded, "auth/w/order/submit", raw=raw)
    assert status == 200 and answer[1] == "on-req"
    record = sim.rest_requests_to("auth/w/order/submit")[-1]
    assert record.raw_body == raw.encode() and record.body["price"] == "1000" and record.method == "POST"
    assert record.headers["bfx-apikey"] == funded.api_key and record.status == 200 and record.response == answer
    assert record.api_key == funded.api_key and record.path == "/v2/auth/w/order/submit"


async def test_wallets_and_user_info(sim, rest, funded):
    status, wallets = await rest(sim, funded, "auth/r/wallets")
    assert status == 200 and len(wallets) == 4
    assert ["exchange", "USD", 100000, 0, 100000, None, None] in wallets
    _, info = await rest(sim, funded, "auth/r/info/user")
    assert len(info) == 55 and info[0] == funded.user_id and isinstance(info[1], str) and isinstance(info[3], int)


async def test_rest_order_is_the_ws_order(sim, rest, funded, connect, ws_auth):
    client = await connect(sim)
    await ws_auth(client, funded)
    status, answer = await rest(sim, funded, "auth/w/order/submit", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD",
                                                                     "amount": "0.1", "price": "20000", "cid": 4})
    assert status == 200 and len(answer) == 8 and answer[1] == "on-req" and answer[6] == "SUCCESS"
    rows = answer[4]
    assert len(rows) == 1 and len(rows[0]) == 32 and rows[0][13] == "ACTIVE"
    order_id = rows[0][0]
    frames = await read(client, 2)
    assert kinds(frames) == ["n:on-req", "on"] and frames[1][2][0] == order_id
    _, active = await rest(sim, funded, "auth/r/orders")
    assert [r[0] for r in active] == [order_id]
    _, by_symbol = await rest(sim, funded, "auth/r/orders/tETHUSD")
    assert by_symbol == []
    await sim.fill_order(funded, order_id)
    frames = await read(client, 5)
    assert kinds(frames) == ["te", "tu", "wu", "wu", "oc"]
    _, hist = await rest(sim, funded, "auth/r/orders/hist")
    assert hist[0][0] == order_id and hist[0][13].startswith("EXECUTED @ 20000(0.1)")
    _, trades = await rest(sim, funded, "auth/r/trades/hist")
    assert len(trades) == 1 and len(trades[0]) == 12 and trades[0][3] == order_id and trades[0][8] == 1
    _, order_trades = await rest(sim, funded, f"auth/r/order/tBTCUSD:{order_id}/trades")
    assert order_trades == trades
    _, sym_trades = await rest(sim, funded, "auth/r/trades/tBTCUSD/hist")
    assert sym_trades == trades
    _, ledgers = await rest(sim, funded, "auth/r/ledgers/BTC/hist")
    assert ledgers and all(len(r) == 9 and r[1] == "BTC" for r in ledgers)
    _, all_ledgers = await rest(sim, funded, "auth/r/ledgers/hist")
    assert len(all_ledgers) > len(ledgers)


async def test_order_write_errors_are_http_500(sim, rest, funded):
    status, answer = await rest(sim, funded, "auth/w/order/submit", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD",
                                                                     "amount": "10", "price": "30000"})
    assert (status, answer) == (500, ["error", 10001,
                                      "Invalid order: not enough exchange balance for 10 BTCUSD at 30000"])
    assert await rest(sim, funded, "auth/w/order/cancel", {"id": 5}) == (500, ["error", 10001, "Order not found."])


async def test_update_cancel_multi_and_order_multi(sim, rest, funded):
    ids = []
    for gid in (1, 2):
        _, answer = await rest(sim, funded, "auth/w/order/submit", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD",
                                                                    "amount": "0.01", "price": "1000", "gid": gid})
        ids.append(answer[4][0][0])
    _, answer = await rest(sim, funded, "auth/w/order/update", {"id": ids[0], "price": "1200"})
    assert answer[1] == "ou-req" and len(answer[4]) == 32 and answer[4][16] == 1200
    _, answer = await rest(sim, funded, "auth/w/order/cancel", {"id": ids[0]})
    assert answer[1] == "oc-req" and answer[4][0] == ids[0]
    _, answer = await rest(sim, funded, "auth/w/order/multi", {"ops": [
        ["on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "1001"}],
        ["oc", {"id": ids[1]}]]})
    assert answer[1] == "ox_multi-req" and [n[1] for n in answer[4]] == ["on-req", "oc-req"]
    _, answer = await rest(sim, funded, "auth/w/order/cancel/multi", {"all": 1})
    assert answer[1] == "oc_multi-req" and len(answer[4]) == 1 and len(answer[4][0]) == 32
    assert not funded.orders


async def test_positions_endpoints(sim, rest, funded):
    _, answer = await rest(sim, funded, "auth/w/order/submit", {"type": "LIMIT", "symbol": "tBTCUSD",
                                                                "amount": "0.1", "price": "20000"})
    await sim.fill_order(funded, answer[4][0][0])
    _, positions = await rest(sim, funded, "auth/r/positions")
    assert len(positions) == 1 and len(positions[0]) == 20 and positions[0][0] == "tBTCUSD"
    assert isinstance(positions[0][6], (int, float)) and positions[0][9] == 3.3
    position_id = positions[0][11]
    _, snap = await rest(sim, funded, "auth/r/positions/snap")
    assert len(snap[0]) == 14
    _, audit = await rest(sim, funded, "auth/r/positions/audit", {"id": [position_id]})
    assert len(audit) == 1 and len(audit[0]) == 20
    _, info = await rest(sim, funded, "auth/r/position/increase/info", {"symbol": "tBTCUSD", "amount": "0.1"})
    assert sum(len(part) for part in info) == 18
    _, claim = await rest(sim, funded, "auth/w/position/claim", {"id": position_id})
    assert claim[1] == "pos_claim" and len(claim[4]) == 20 and claim[4][1] == "CLOSED"
    _, hist = await rest(sim, funded, "auth/r/positions/hist")
    assert len(hist) == 1 and len(hist[0]) == 14 and hist[0][11] == position_id
    _, limits = await rest(sim, funded, "auth/calc/deriv/collateral/limit", {"symbol": "tBTCF0:USTF0"})
    assert len(limits) == 2
    status, answer = await rest(sim, funded, "auth/w/position/increase", {"symbol": "tBTCUSD", "amount": "0.001"})
    assert status == 200 and answer[1] == "pos_inc" and len(answer[4]) == 4


async def test_derivative_collateral_set(sim, rest):
    account = sim.add_account(wallets={"margin": {"USTF0": 10000}})
    _, answer = await rest(sim, account, "auth/w/order/submit", {"type": "LIMIT", "symbol": "tBTCF0:USTF0",
                                                                 "amount": "0.1", "price": "20000"})
    await sim.fill_order(account, answer[4][0][0])
    assert await rest(sim, account, "auth/w/deriv/collateral/set", {"symbol": "tBTCF0:USTF0",
                                                                    "collateral": "500"}) == (200, [[1]])
    assert account.positions["tBTCF0:USTF0"].collateral == 500


async def test_margin_info_and_balance_available(sim, rest, funded):
    _, base = await rest(sim, funded, "auth/r/info/margin/base")
    assert base[0] == "base" and len(base[1]) == 5
    _, sym = await rest(sim, funded, "auth/r/info/margin/tBTCUSD")
    assert sym[:2] == ["sym", "tBTCUSD"] and len(sym[2]) == 4
    _, every = await rest(sim, funded, "auth/r/info/margin/sym_all")
    assert all(r[0] == "sym" and len(r[2]) == 4 for r in every)
    _, avail = await rest(sim, funded, "auth/calc/order/avail", {"symbol": "tBTCUSD", "type": "EXCHANGE", "dir": -1})
    assert avail == [-1]


async def test_funding_endpoints(sim, rest, funded):
    frr = sim.market.instruments["fUSD"].frr
    status, answer = await rest(sim, funded, "auth/w/funding/offer/submit", {
        "type": "LIMIT", "symbol": "fUSD", "amount": "1000", "rate": str(frr * 5), "period": 2})
    assert status == 200 and answer[1] == "fon-req" and len(answer[4]) == 21
    offer_id = answer[4][0]
    _, offers = await rest(sim, funded, "auth/r/funding/offers/fUSD")
    assert [o[0] for o in offers] == [offer_id]
    _, answer = await rest(sim, funded, "auth/w/funding/offer/cancel", {"id": offer_id})
    assert answer[1] == "foc-req" and answer[4][10] == "CANCELED"
    _, hist = await rest(sim, funded, "auth/r/funding/offers/hist")
    assert hist[0][0] == offer_id and len(hist[0]) == 21
    await rest(sim, funded, "auth/w/funding/offer/submit", {"type": "LIMIT", "symbol": "fUSD", "amount": "1000",
                                                            "rate": str(frr / 2), "period": 2})
    await sim.advance()
    _, credits = await rest(sim, funded, "auth/r/funding/credits")
    assert len(credits) == 1 and len(credits[0]) == 22
    _, trades = await rest(sim, funded, "auth/r/funding/trades/hist")
    assert len(trades) == 1 and len(trades[0]) == 8
    _, info = await rest(sim, funded, "auth/r/info/funding/fUSD")
    assert info[:2] == ["sym", "fUSD"] and info[2][1] == pytest.approx(frr / 2, abs=1e-8)  # rates: 8 decimals
    _, answer = await rest(sim, funded, "auth/w/funding/close", {"id": credits[0][0]})
    assert answer[1] == "fcl-req"
    _, credits_hist = await rest(sim, funded, "auth/r/funding/credits/hist")
    assert credits_hist[0][7] == "CLOSED"
    assert (await rest(sim, funded, "auth/r/funding/loans"))[1] == []
    assert (await rest(sim, funded, "auth/r/funding/loans/fUSD/hist"))[1] == []
    _, answer = await rest(sim, funded, "auth/w/funding/auto", {"status": 1, "currency": "USD", "period": 2,
                                                                "rate": "0.0002", "amount": "100"})
    assert answer[1] == "fa-req" and answer[4] == ["USD", 2, 0.0002, 100]
    _, answer = await rest(sim, funded, "auth/w/funding/keep", {"type": "credit", "id": [1], "changes": {"1": 1}})
    assert answer[1] == "fkeep-req"
    _, answer = await rest(sim, funded, "auth/w/funding/offer/cancel/all", {"currency": "USD"})
    assert answer[1] == "foc_all-req"


async def test_transfer_deposit_withdraw_movements(sim, rest, funded, connect, ws_auth):
    client = await connect(sim)
    await ws_auth(client, funded)
    _, answer = await rest(sim, funded, "auth/w/transfer", {"from": "exchange", "to": "margin", "currency": "USD",
                                                            "currency_to": "USD", "amount": "50"})
    assert answer[1] == "acc_tf" and len(answer[4]) == 8 and answer[4][1:3] == ["exchange", "margin"]
    assert answer[4][7] == 50 and answer[7] == "50 US Dollar transferred from Exchange to Margin"
    frames = await read(client, 2)
    assert [f[2][:3] for f in frames] == [["exchange", "USD", 99950], ["margin", "USD", 10050]]
    _, answer = await rest(sim, funded, "auth/w/deposit/address", {"wallet": "exchange", "method": "bitcoin",
                                                                   "op_renew": 0})
    assert answer[1] == "acc_dep" and len(answer[4]) == 6 and answer[4][2] == "BTC"
    _, addresses = await rest(sim, funded, "auth/r/deposit/address/all", {"method": "bitcoin"})
    assert addresses[0][4] == answer[4][4]
    _, invoice = await rest(sim, funded, "auth/w/deposit/invoice", {"wallet": "exchange", "currency": "LNX",
                                                                    "amount": "0.001"})
    assert len(invoice) == 5 and invoice[4] == "0.001"
    _, answer = await rest(sim, funded, "auth/w/withdraw", {"wallet": "exchange", "method": "bitcoin",
                                                            "amount": "0.1", "address": "bc1qxyz"})
    assert answer[1] == "acc_wd-req" and len(answer[4]) == 9 and answer[4][5] == 0.1
    _, movements = await rest(sim, funded, "auth/r/movements/BTC/hist")
    assert len(movements) == 1 and len(movements[0]) == 22 and movements[0][16] == "bc1qxyz"
    _, info = await rest(sim, funded, "auth/r/movements/info", {"id": movements[0][0]})
    assert info == movements[0]


async def test_alerts_settings_logins_summary_permissions(sim, rest, funded):
    _, alert = await rest(sim, funded, "auth/w/alert/set", {"type": "price", "symbol": "tBTCUSD", "price": 40000})
    assert alert == ["price:tBTCUSD:40000", "price", "tBTCUSD", 40000, 100]
    assert (await rest(sim, funded, "auth/r/alerts", {"type": "price"}))[1] == [alert]
    assert (await rest(sim, funded, "auth/w/alert/price:tBTCUSD:40000/del"))[1] == [True]
    assert (await rest(sim, funded, "auth/w/settings/set", {"settings": {"api:theme": "dark"}}))[1] == [1]
    assert (await rest(sim, funded, "auth/r/settings", {"keys": ["api:theme"]}))[1] == [["api:theme", "dark"]]
    assert (await rest(sim, funded, "auth/w/settings/del", {"keys": ["api:theme"]}))[1] == [1]
    _, summary = await rest(sim, funded, "auth/r/summary")
    assert summary[4][0][0] == 0.001 and summary[4][1][0] == 0.002
    _, permissions = await rest(sim, funded, "auth/r/permissions")
    assert ["orders", 1, 1] in permissions
    assert (await rest(sim, funded, "auth/r/logins/hist"))[0] == 200


async def test_permissions_are_enforced(sim, rest):
    account = sim.add_account(wallets={"exchange": {"USD": 1000}}, caps={"orders": {"write": 0}})
    status, answer = await rest(sim, account, "auth/w/order/submit", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD",
                                                                      "amount": "0.01", "price": "1000"})
    assert status == 500 and answer[1] == 10100


async def test_auth_rate_limits(make_sim, rest):
    sim = await make_sim(rest_rate_limits={"auth": 3})
    account = sim.add_account()
    statuses = [(await rest(sim, account, "auth/r/wallets"))[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert (await rest(sim, account, "auth/r/positions"))[0] == 200  # per endpoint
