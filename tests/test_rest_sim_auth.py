"""bfx.rest.auth against the simulator: account, wallets, transfers, deposits, withdrawals, movements,
ledgers, alerts, settings, permissions, summary. Requests are checked by ``SimEnv.call`` (path, exact JSON body,
signature); results are compared with the simulator's account."""

from decimal import Decimal

import pytest

from bfxapi.rest.exceptions import GenericError
from bfxapi.types import (
    AccountSummary,
    Alert,
    BalanceAvailable,
    DepositAddress,
    KeyPermission,
    Ledger,
    LightningNetworkInvoice,
    LoginHistory,
    Movement,
    Setting,
    Transfer,
    UserInfo,
    Wallet,
    Withdrawal,
)

from rest_auth_server import SIM_WALLETS, sim_env  # noqa: F401  # pylint: disable=unused-import


def held_wallets(env):
    trading = env.sim.exchange.trading
    return [(w.type, w.currency, w.balance, w.unsettled_interest, trading.available(env.account, w.type, w.currency),
             w.description, w.meta) for w in env.account.wallets.values()]


async def test_user_info(sim_env):
    env = sim_env
    info = await env.call(env.auth.get_user_info(), "auth/r/info/user", {})
    assert isinstance(info, UserInfo)
    assert (info.id, info.email, info.username, info.mts_account_create, info.time_last_login) == (
        env.account.user_id, env.account.email, env.account.username, env.account.created_mts, None)


async def test_login_history_lists_websocket_logins(sim_env, connect, ws_auth):
    env = sim_env
    client = await connect(env.sim)
    assert (await ws_auth(client, env.account))[0]["status"] == "OK"  # a login, recorded by the simulator
    logins = await env.call(env.auth.get_login_history(), "auth/r/logins/hist", {})
    assert len(logins) == 1 and isinstance(logins[0], LoginHistory)
    row = env.account.logins[0]
    assert (logins[0].id, logins[0].time, logins[0].ip, logins[0].extra_info) == (row[0], row[2], "127.0.0.1", row[7])
    info = await env.auth.get_user_info()
    assert info.time_last_login == row[2]


async def test_wallets(sim_env):
    env = sim_env
    await env.auth.submit_order("EXCHANGE LIMIT", "tETHUSD", -2, 5000)  # holds 2 ETH
    wallets = await env.call(env.auth.get_wallets(), "auth/r/wallets", {})
    assert all(isinstance(w, Wallet) for w in wallets)
    got = [(w.wallet_type, w.currency, w.balance, w.unsettled_interest, w.available_balance, w.last_change,
            w.trade_details) for w in wallets]
    assert got == held_wallets(env)
    assert {(w[0], w[1]): w[2] for w in got} == {(t, c): v for t, ccys in SIM_WALLETS.items() for c, v in ccys.items()}
    eth = next(w for w in wallets if (w.wallet_type, w.currency) == ("exchange", "ETH"))
    assert (eth.balance, eth.available_balance) == (env.account.balance("exchange", "ETH"), 8)


async def test_wallets_history_of_one_currency(sim_env):
    """``currency`` selects the rows (the simulator returned every wallet before)."""
    env = sim_env
    rows = await env.call(env.auth.get_wallets_history(currency="USD"), "auth/r/wallets/hist", {"currency": "USD"})
    assert sorted((r.wallet_type, r.currency, r.balance) for r in rows) == [("exchange", "USD", 10_000), ("funding", "USD", 5_000),
                                                        ("margin", "USD", 5_000)]
    every = await env.call(env.auth.get_wallets_history(end=env.sim.exchange.now), "auth/r/wallets/hist",
                           {"end": env.sim.exchange.now})
    assert len(every) == len(env.account.wallets)


async def test_balance_available_for_orders_and_offers(sim_env):
    env = sim_env
    buy = await env.call(env.auth.get_balance_available_for_orders_or_offers("tBTCUSD", "EXCHANGE", dir=1,
                                                                             rate="25000"),
                         "auth/calc/order/avail", {"symbol": "tBTCUSD", "type": "EXCHANGE", "dir": 1, "rate": "25000"})
    assert buy == BalanceAvailable(0.4)  # 10 000 USD at 25 000
    sell = await env.call(env.auth.get_balance_available_for_orders_or_offers("tBTCUSD", "EXCHANGE", dir=-1),
                          "auth/calc/order/avail", {"symbol": "tBTCUSD", "type": "EXCHANGE", "dir": -1})
    assert sell == BalanceAvailable(-1)  # the 1 BTC of the exchange wallet
    margin = await env.call(
        env.auth.get_balance_available_for_orders_or_offers("tBTCUSD", "MARGIN", dir=-1, rate=Decimal("20000"), lev=2),
        "auth/calc/order/avail", {"symbol": "tBTCUSD", "type": "MARGIN", "dir": -1, "rate": "20000", "lev": "2"})
    assert margin == BalanceAvailable(-0.5)  # 5 000 USD x 2 at 20 000
    await env.auth.submit_funding_offer("LIMIT", "fUSD", 1_000, 0.01, 2)
    funding = await env.call(env.auth.get_balance_available_for_orders_or_offers("fUSD", "FUNDING"),
                             "auth/calc/order/avail", {"symbol": "fUSD", "type": "FUNDING"})
    assert funding == BalanceAvailable(4_000)


async def test_transfer_between_wallets(sim_env):
    env = sim_env
    result = await env.call(env.auth.transfer_between_wallets("exchange", "margin", "USD", "USD", Decimal("1250.25")),
                            "auth/w/transfer",
                            {"from": "exchange", "to": "margin", "currency": "USD", "currency_to": "USD",
                             "amount": "1250.25"})
    assert (result.type, result.status) == ("acc_tf", "SUCCESS")
    assert result.data == Transfer(env.sim.exchange.now, "exchange", "margin", "USD", None, 1250.25)
    assert (env.account.balance("exchange", "USD"), env.account.balance("margin", "USD")) == (8_749.75, 6_250.25)
    ledgers = await env.call(env.auth.get_ledgers("USD", limit=2), "auth/r/ledgers/USD/hist", {"limit": 2})
    assert all(isinstance(l, Ledger) for l in ledgers)
    assert sorted((l.amount, l.balance) for l in ledgers) == [(-1250.25, 8_749.75), (1250.25, 6_250.25)]
    assert sorted(l.id for l in ledgers) == [e.id for e in env.account.ledgers[-2:]]
    every = await env.call(env.auth.get_ledgers(), "auth/r/ledgers/hist", {})
    assert len(every) == len(env.account.ledgers) == 2

    before = len(env.sim.rest_log)
    with pytest.raises(GenericError) as caught:
        await env.auth.transfer_between_wallets("funding", "exchange", "BTC", "BTC", 1)
    assert env.refused(before, "auth/w/transfer").response[1] == 10001
    assert caught.value.code == 10001 and "not enough funding balance" in caught.value.message
    assert env.account.balance("funding", "BTC") == 0.5


async def test_deposit_addresses_and_lightning_invoice(sim_env):
    env = sim_env
    first = await env.call(env.auth.get_deposit_address("exchange", "bitcoin"), "auth/w/deposit/address",
                           {"wallet": "exchange", "method": "bitcoin", "op_renew": 0})
    assert (first.type, first.status) == ("acc_dep", "SUCCESS") and isinstance(first.data, DepositAddress)
    held = env.account.deposit_addresses[("exchange", "bitcoin")]
    assert (first.data.method, first.data.currency_code, first.data.address) == ("BITCOIN", "BTC", held)
    again = await env.auth.get_deposit_address("exchange", "bitcoin")
    assert again.data.address == held
    renewed = await env.call(env.auth.get_deposit_address("exchange", "bitcoin", op_renew=True),
                             "auth/w/deposit/address", {"wallet": "exchange", "method": "bitcoin", "op_renew": 1})
    assert renewed.data.address != held
    assert renewed.data.address == env.account.deposit_addresses[("exchange", "bitcoin")]
    await env.auth.get_deposit_address("margin", "ethereum")

    rows = await env.call(env.auth.get_deposit_addresses("bitcoin", page=1, page_size=100),
                          "auth/r/deposit/address/all", {"method": "bitcoin", "page": 1, "pageSize": 100})
    assert [(row.method, row.currency_code, row.address) for row in rows] == [
        ("BITCOIN", "BTC", renewed.data.address)]

    invoice = await env.call(env.auth.generate_deposit_invoice("exchange", "LNX", "0.001"), "auth/w/deposit/invoice",
                             {"wallet": "exchange", "currency": "LNX", "amount": "0.001"})
    assert isinstance(invoice, LightningNetworkInvoice)
    assert invoice.invoice.startswith("lnbc") and invoice.amount == "0.001" and len(invoice.invoice_hash) == 64


async def test_withdrawal_and_movements(sim_env):
    env = sim_env
    result = await env.call(env.auth.submit_wallet_withdrawal("exchange", "bitcoin", "bc1qdestination", 0.25),
                            "auth/w/withdraw",
                            {"wallet": "exchange", "method": "bitcoin", "address": "bc1qdestination", "amount": "0.25"})
    assert (result.type, result.status) == ("acc_wd-req", "SUCCESS") and isinstance(result.data, Withdrawal)
    movement = env.account.movements[-1]
    assert (result.data.withdrawal_id, result.data.method, result.data.wallet, result.data.amount,
            result.data.withdrawal_fee) == (movement[0], "bitcoin", "exchange", 0.25, -movement[13])
    assert env.account.balance("exchange", "BTC") == 0.75
    await env.auth.submit_wallet_withdrawal("exchange", "ethereum", "0xdestination", 1)

    movements = await env.call(env.auth.get_movements(), "auth/r/movements/hist", {})
    assert len(movements) == 2 and all(isinstance(m, Movement) for m in movements)
    btc = await env.call(env.auth.get_movements(currency="BTC", limit=1), "auth/r/movements/BTC/hist", {"limit": 1})
    assert [(m.id, m.currency, m.status, m.amount, m.fees, m.destination_address) for m in btc] == [
        (movement[0], "BTC", "PROCESSING", -0.25, movement[13], "bc1qdestination")]
    info = await env.call(env.auth.get_movement_info(movement[0]), "auth/r/movements/info", {"id": movement[0]})
    assert isinstance(info, Movement)
    assert (info.id, info.currency, info.status, info.amount, info.fees, info.destination_address) == (
        movement[0], "BTC", "PROCESSING", -0.25, movement[13], "bc1qdestination")

    before = len(env.sim.rest_log)
    with pytest.raises(GenericError) as caught:
        await env.auth.submit_wallet_withdrawal("exchange", "bitcoin", "bc1qdestination", 5)
    assert env.refused(before, "auth/w/withdraw").response == [
        "error", 10001, "Invalid withdrawal: not enough balance in exchange wallet"]
    assert caught.value.code == 10001 and env.account.balance("exchange", "BTC") == 0.75


async def test_price_alerts(sim_env):
    env = sim_env
    answer = await env.call(env.auth.set_alert("price", "tBTCUSD", 35000.5), "auth/w/alert/set",
                            {"type": "price", "symbol": "tBTCUSD", "price": "35000.5"})
    assert answer == Alert("price:tBTCUSD:35000.5", "price", "tBTCUSD", 35000.5, 100)
    await env.call(env.auth.set_alert("price", "tETHUSD", 220.0), "auth/w/alert/set",
                   {"type": "price", "symbol": "tETHUSD", "price": "220.0"})
    alerts = await env.call(env.auth.get_alerts(), "auth/r/alerts", {"type": "price"})
    assert alerts == [Alert("price:tBTCUSD:35000.5", "price", "tBTCUSD", 35000.5, 100),
                      Alert("price:tETHUSD:220", "price", "tETHUSD", 220, 100)]
    assert sorted(env.account.alerts) == ["price:tBTCUSD:35000.5", "price:tETHUSD:220"]

    assert await env.call(env.auth.delete_alert("tBTCUSD", 35000.5), "auth/w/alert/price:tBTCUSD:35000.5/del",
                          {}) is True
    # the key is written as Bitfinex wrote it: 220.0 and Decimal("220.00") are the alert "price:tETHUSD:220"
    assert await env.call(env.auth.delete_alert("tETHUSD", Decimal("220.00")), "auth/w/alert/price:tETHUSD:220/del",
                          {}) is True
    assert env.account.alerts == {}
    assert await env.auth.delete_alert("tETHUSD", 220.0) is False  # already gone


async def test_settings(sim_env):
    env = sim_env
    value = {"theme": "dark", "fontSize": 12, "nested": {"camelCase": [1, 2]}}
    assert await env.call(env.auth.set_settings({"api:bfx-test": value, "api:bfx-other": 1}), "auth/w/settings/set",
                          {"settings": {"api:bfx-test": value, "api:bfx-other": 1}}) is True
    assert env.account.settings == {"api:bfx-test": value, "api:bfx-other": 1}
    got = await env.call(env.auth.get_settings(["api:bfx-test", "api:bfx-missing"]), "auth/r/settings",
                         {"keys": ["api:bfx-test", "api:bfx-missing"]})
    assert got == [Setting("api:bfx-test", value)]
    assert await env.call(env.auth.delete_settings(["api:bfx-test"]), "auth/w/settings/del",
                          {"keys": ["api:bfx-test"]}) is True
    assert env.account.settings == {"api:bfx-other": 1}


async def test_key_permissions_and_account_summary(sim_env):
    env = sim_env
    env.account.caps["withdraw"] = {"read": 1, "write": 0}
    permissions = await env.call(env.auth.get_key_permissions(), "auth/r/permissions", {})
    assert permissions == [KeyPermission(scope, caps["read"], caps["write"]) for scope, caps in env.account.caps.items()]
    assert KeyPermission("withdraw", 1, 0) in permissions
    summary = await env.call(env.auth.get_account_summary(), "auth/r/summary", {})
    maker, taker = env.account.maker_fee, env.account.taker_fee
    assert isinstance(summary, AccountSummary)
    assert (summary.maker_fee, summary.taker_fee_to_crypto, summary.derivative_rebate, summary.leo_info) == (
        maker, taker, -0.0002, {"leo_lev": 0, "leo_amount_avg": 0})

    # the key may no longer withdraw: the simulator refuses it with 10100
    from bfxapi.exceptions import InvalidCredentialError  # pylint: disable=import-outside-toplevel
    with pytest.raises(InvalidCredentialError) as caught:
        await env.auth.submit_wallet_withdrawal("exchange", "bitcoin", "bc1q", 0.1)
    assert caught.value.code == 10100 and caught.value.message.endswith("permission: invalid")
