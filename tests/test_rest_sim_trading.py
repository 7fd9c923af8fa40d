"""bfx.rest.auth against the simulator: orders, fills, trades, margin positions, margin info, derivatives
collateral. Each call's request (path, exact JSON body, signature) is checked by ``SimEnv.call``; each typed
result is compared with what the simulator's account holds."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from bfxapi.rest.exceptions import GenericError, RequestParameterError
from bfxapi.testing.engine.operations import base_margin, position_pl, symbol_margin
from bfxapi.types import (
    BaseMarginInfo,
    DerivativePositionCollateral,
    DerivativePositionCollateralLimits,
    Notification,
    Order,
    OrderTrade,
    Position,
    PositionAudit,
    PositionClaim,
    PositionHistory,
    PositionIncrease,
    PositionIncreaseInfo,
    PositionSnapshot,
    SymbolMarginInfo,
    Trade,
    Wallet,
)

from rest_auth_server import sim_env  # noqa: F401  # pylint: disable=unused-import

CID_DATE = "2023-11-14"  # the UTC day of the simulator's clock (1_700_000_000_000 ms)


def same_order(got, held):
    """A parsed ``Order`` carries the values of the simulator's order, field by field."""
    assert isinstance(got, Order)
    assert (got.id, got.gid, got.cid, got.symbol, got.mts_create, got.mts_update, got.amount, got.amount_orig,
            got.order_type, got.type_prev, got.mts_tif, got.flags, got.order_status, got.price, got.price_avg,
            got.price_trailing, got.price_aux_limit, got.hidden, got.placed_id, got.routing, got.meta) == (
        held.id, held.gid, held.cid, held.symbol, held.mts_create, held.mts_update, held.amount, held.amount_orig,
        held.type, held.type_prev, held.mts_tif, held.flags, held.status, held.price, held.price_avg,
        held.price_trailing, held.price_aux_limit, 1 if held.hidden else 0, held.placed_id, held.routing, held.meta)


def same_trade(got, held, *, with_type=True):
    assert (got.id, got.symbol, got.mts_create, got.order_id, got.exec_amount, got.exec_price, got.maker, got.fee,
            got.fee_currency, got.cid) == (held.id, held.symbol, held.mts, held.order_id, held.amount, held.price,
                                           1 if held.maker else 0, held.fee, held.fee_currency, held.cid)
    if with_type:
        assert (got.order_type, got.order_price) == (held.order_type, held.order_price)


def same_position(got, held):
    assert (got.symbol, got.status, got.amount, got.base_price, got.margin_funding, got.margin_funding_type,
            got.position_id, got.mts_create, got.mts_update, got.type, got.collateral, got.collateral_min,
            got.meta) == (held.symbol, held.status, held.amount, held.base_price, held.margin_funding,
                          held.margin_funding_type, held.id, held.mts_create, held.mts_update, held.type,
                          held.collateral, held.collateral_min, held.meta)


async def submit(env, *args, **kwargs):
    """Place an order (request checks done by the callers that care) and return the simulator's order."""
    notification = await env.auth.submit_order(*args, **kwargs)
    return env.account.order(notification.data.id)


# --- orders -----------------------------------------------------------------------------------------------------

async def test_submit_limit_order_with_every_option(sim_env):
    env = sim_env
    tif = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    result = await env.call(
        env.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", Decimal("0.01"), 20000.5, gid=7, cid=42, flags=64,
                              tif=tif, meta={"aff_code": "AFF", "make_visible": 1}),
        "auth/w/order/submit",
        {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "20000.5", "gid": 7, "cid": 42,
         "flags": 64, "tif": "2030-01-02 03:04:05", "meta": {"aff_code": "AFF", "make_visible": 1}})
    assert isinstance(result, Notification) and (result.type, result.status) == ("on-req", "SUCCESS")
    assert result.mts == env.sim.exchange.now and result.text == "Submitting 1 orders."
    held = env.account.orders[result.data.id]
    same_order(result.data, held)
    # the platform keeps prices to 5 significant digits, a tie away from zero: the body is sent as given
    assert (held.amount, held.price, held.mts_tif, held.hidden) == (0.01, 20001, int(tif.timestamp() * 1000), True)

    # the order holds 200.005 USD of the exchange wallet
    wallets = await env.call(env.auth.get_wallets(), "auth/r/wallets", {})
    usd = next(w for w in wallets if (w.wallet_type, w.currency) == ("exchange", "USD"))
    assert isinstance(usd, Wallet)
    # 0.01 reserved at 20001
    assert (usd.balance, usd.available_balance) == (env.account.balance("exchange", "USD"), 9799.99)


async def test_market_order_has_no_price_and_executes(sim_env):
    env = sim_env
    price = env.sim.exchange.price_of("tBTCUSD")
    result = await env.call(env.auth.submit_order("EXCHANGE MARKET", "tBTCUSD", -0.01, None), "auth/w/order/submit",
                            {"type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": "-0.01"})
    held = env.account.order(result.data.id)
    same_order(result.data, held)
    assert not env.account.orders and held.status.startswith("EXECUTED @ ")
    assert abs(held.price_avg - price) / price < 0.01
    # sold 0.01 BTC, received USD less the taker fee (0.2 %)
    assert env.account.balance("exchange", "BTC") == 0.99
    received = round(0.01 * held.price_avg * (1 - env.account.taker_fee), 8)
    assert env.account.balance("exchange", "USD") == pytest.approx(10_000 + received, abs=1e-8)


async def test_stop_limit_trailing_stop_and_derivative_orders(sim_env):
    env = sim_env
    stop_limit = await env.call(
        env.auth.submit_order("EXCHANGE STOP LIMIT", "tBTCUSD", Decimal("-0.00100000"), 25000, price_aux_limit=24900.5),
        "auth/w/order/submit",
        {"type": "EXCHANGE STOP LIMIT", "symbol": "tBTCUSD", "amount": "-0.00100000", "price": "25000",
         "price_aux_limit": "24900.5"})
    same_order(stop_limit.data, env.account.orders[stop_limit.data.id])
    # the platform keeps prices to 5 significant digits, a tie away from zero: the body is sent as given
    assert (stop_limit.data.price, stop_limit.data.price_aux_limit) == (25000, 24901)
    trailing = await env.call(
        env.auth.submit_order("TRAILING STOP", "tBTCUSD", -0.01, None, price_trailing="150"),
        "auth/w/order/submit",
        {"type": "TRAILING STOP", "symbol": "tBTCUSD", "amount": "-0.01", "price_trailing": "150"})
    same_order(trailing.data, env.account.orders[trailing.data.id])
    assert trailing.data.price_trailing == 150
    derivative = await env.call(
        env.auth.submit_order("LIMIT", "tBTCF0:USTF0", 0.01, 20000, lev=25), "auth/w/order/submit",
        {"type": "LIMIT", "symbol": "tBTCF0:USTF0", "amount": "0.01", "price": "20000", "lev": 25})
    held = env.account.orders[derivative.data.id]
    same_order(derivative.data, held)
    assert derivative.data.meta == {"$F33": 25} and held.lev == 25


async def test_get_orders_all_by_symbol_and_by_ids(sim_env):
    env = sim_env
    btc = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20000)
    eth = await submit(env, "EXCHANGE LIMIT", "tETHUSD", -1, 5000)
    every = await env.call(env.auth.get_orders(), "auth/r/orders", {})
    assert sorted(o.id for o in every) == sorted(env.account.orders) == sorted([btc.id, eth.id])
    for order in every:
        same_order(order, env.account.orders[order.id])
    by_symbol = await env.call(env.auth.get_orders(symbol="tETHUSD"), "auth/r/orders/tETHUSD", {})
    assert [o.id for o in by_symbol] == [eth.id]
    by_ids = await env.call(env.auth.get_orders(ids=[btc.id, 999]), "auth/r/orders", {"id": [btc.id, 999]})
    assert [o.id for o in by_ids] == [btc.id]
    assert await env.call(env.auth.get_orders(symbol="tBTCUSD", ids=[eth.id]), "auth/r/orders/tBTCUSD",
                          {"id": [eth.id]}) == []


async def test_update_order(sim_env):
    env = sim_env
    held = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20000, cid=5)
    result = await env.call(
        env.auth.update_order(held.id, amount="0.02", price=Decimal("21000.5"), delta=0.005, gid=3, flags=0, cid=5,
                              cid_date=CID_DATE, tif="2030-01-01 00:00:00"),
        "auth/w/order/update",
        {"id": held.id, "amount": "0.02", "price": "21000.5", "cid": 5, "cid_date": CID_DATE, "gid": 3, "flags": 0,
         "delta": "0.005", "tif": "2030-01-01 00:00:00"})
    assert (result.type, result.status) == ("ou-req", "SUCCESS")
    same_order(result.data, env.account.orders[held.id])
    # the platform keeps prices to 5 significant digits, a tie away from zero: the body is sent as given
    assert (held.amount, held.amount_orig, held.price, held.gid, held.mts_tif) == (0.025, 0.025, 21001, 3,
                                                                                     1_893_456_000_000)


async def test_cancel_order_by_id_and_by_cid(sim_env):
    env = sim_env
    first = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20000)
    second = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20001, cid=77)
    result = await env.call(env.auth.cancel_order(id=first.id), "auth/w/order/cancel", {"id": first.id})
    assert (result.type, result.data.id) == ("oc-req", first.id)
    assert first.id not in env.account.orders and first.status == "CANCELED"
    result = await env.call(env.auth.cancel_order(cid=77, cid_date=CID_DATE), "auth/w/order/cancel",
                            {"cid": 77, "cid_date": CID_DATE})
    assert (result.data.id, result.data.cid) == (second.id, 77)
    assert not env.account.orders and env.account.order(second.id).status == "CANCELED"


async def test_cancel_order_multi_by_ids_cids_gids_then_all(sim_env):
    env = sim_env
    by_id = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20000)
    by_cid = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20001, cid=8)
    by_gid = await submit(env, "EXCHANGE LIMIT", "tETHUSD", 0.1, 1000, gid=9)
    kept = [await submit(env, "EXCHANGE LIMIT", "tETHUSD", 0.1, 1001 + i) for i in range(2)]
    result = await env.call(env.auth.cancel_order_multi(id=[by_id.id], cid=[(8, CID_DATE)], gid=[9]),
                            "auth/w/order/cancel/multi", {"id": [by_id.id], "cid": [[8, CID_DATE]], "gid": [9]})
    assert (result.type, result.status) == ("oc_multi-req", "SUCCESS")
    assert sorted(o.id for o in result.data) == sorted([by_id.id, by_cid.id, by_gid.id])
    assert all(isinstance(o, Order) for o in result.data)
    assert sorted(env.account.orders) == sorted(o.id for o in kept)
    result = await env.call(env.auth.cancel_order_multi(all=True), "auth/w/order/cancel/multi", {"all": 1})
    assert sorted(o.id for o in result.data) == sorted(o.id for o in kept) and not env.account.orders


async def test_oco_order_submission_parses(sim_env):
    """An OCO order is answered with [[ORDER], [STOP]]: the notification's data is the order itself, its
    placed_id the stop sibling (it raised MalformedPayloadError before)."""
    env = sim_env
    result = await env.call(
        env.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", -0.01, 40000, flags=16384, price_oco_stop=20000),
        "auth/w/order/submit",
        {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-0.01", "price": "40000", "flags": 16384,
         "price_oco_stop": "20000"})
    assert len(env.sim.rest_log[-1].response[4]) == 2  # the simulator did answer with both orders
    held = env.account.orders[result.data.id]
    same_order(result.data, held)
    sibling = env.account.orders[result.data.placed_id]
    assert (sibling.type, sibling.price, sibling.placed_id) == ("EXCHANGE STOP", 20000, held.id)


async def test_fills_order_history_order_trades_and_trades_history(sim_env):
    env = sim_env
    buy = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.02, 25000, cid=11)
    other = await submit(env, "EXCHANGE LIMIT", "tETHUSD", -1, 2500)
    await env.sim.fill_order(env.account, buy.id, amount=0.005)
    await env.sim.fill_order(env.account, buy.id)
    await env.sim.fill_order(env.account, other.id)
    assert not env.account.orders and buy.status.startswith("EXECUTED @ 25000(0.015): was PARTIALLY FILLED")

    history = await env.call(env.auth.get_orders_history(), "auth/r/orders/hist", {})
    assert sorted(o.id for o in history) == sorted([buy.id, other.id])
    for order in history:
        same_order(order, env.account.order(order.id))
    now = env.sim.exchange.now
    window = await env.call(env.auth.get_orders_history(symbol="tBTCUSD", ids=[buy.id], start=now - 1, end=now,
                                                        limit=10),
                            "auth/r/orders/tBTCUSD/hist", {"id": [buy.id], "start": now - 1, "end": now, "limit": 10})
    assert [o.id for o in window] == [buy.id]

    order_trades = await env.call(env.auth.get_order_trades("tBTCUSD", buy.id),
                                  f"auth/r/order/tBTCUSD:{buy.id}/trades", {})
    own = [t for t in env.account.trades if t.order_id == buy.id]
    assert len(own) == 2 and all(isinstance(t, OrderTrade) for t in order_trades)
    for got, held in zip(order_trades, reversed(own)):
        same_trade(got, held, with_type=False)
    assert sum(t.exec_amount for t in order_trades) == pytest.approx(0.02)
    assert order_trades[0].fee == -round(0.015 * env.account.maker_fee, 8) and order_trades[0].fee_currency == "BTC"

    trades = await env.call(env.auth.get_trades_history(), "auth/r/trades/hist", {})
    assert len(trades) == 3 and all(isinstance(t, Trade) for t in trades)
    assert [t.mts_create for t in trades] == sorted((t.mts_create for t in trades), reverse=True)
    for got in trades:
        same_trade(got, next(t for t in env.account.trades if t.id == got.id))
    eth = await env.call(env.auth.get_trades_history(symbol="tETHUSD", sort=1, limit=5), "auth/r/trades/tETHUSD/hist",
                         {"sort": 1, "limit": 5})
    assert [(t.symbol, t.order_id, t.exec_amount, t.exec_price) for t in eth] == [("tETHUSD", other.id, -1, 2500)]

    # the wallets moved by the fills, fees included
    assert env.account.balance("exchange", "BTC") == round(1 + 0.02 * (1 - env.account.maker_fee), 8)
    assert env.account.balance("exchange", "ETH") == 9


async def test_order_multi_op(sim_env):
    env = sim_env
    update = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20000)
    cancel = await submit(env, "EXCHANGE LIMIT", "tBTCUSD", 0.01, 20001)
    multi = await submit(env, "EXCHANGE LIMIT", "tETHUSD", 0.1, 1000)
    result = await env.call(
        env.auth.submit_order_multi_op([
            ("on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": 0.01, "price": 19000.5, "cid": 7}),
            ("oc", {"id": cancel.id}),
            ("oc_multi", {"id": [multi.id]}),
            ("ou", {"id": update.id, "price": Decimal("20500"), "delta": None}),
        ]),
        "auth/w/order/multi",
        {"ops": [["on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "19000.5",
                         "cid": 7}],
                 ["oc", {"id": cancel.id}], ["oc_multi", {"id": [multi.id]}],
                 ["ou", {"id": update.id, "price": "20500"}]]})
    assert (result.type, result.status) == ("ox_multi-req", "SUCCESS")
    assert [n.type for n in result.data] == ["on-req", "oc-req", "oc_multi-req", "ou-req"]
    assert all(n.status == "SUCCESS" for n in result.data)
    placed, cancelled, cancelled_multi, updated = (n.data for n in result.data)
    assert isinstance(placed, Order) and (placed.cid, placed.symbol) == (7, "tBTCUSD")
    assert isinstance(cancelled, Order) and cancelled.id == cancel.id
    assert isinstance(cancelled_multi, list) and [o.id for o in cancelled_multi] == [multi.id]
    assert isinstance(updated, Order) and updated.id == update.id
    created = next(o for o in env.account.orders.values() if o.cid == 7)
    assert sorted(env.account.orders) == sorted([update.id, created.id])
    # the platform keeps prices to 5 significant digits, a tie away from zero: the body is sent as given
    assert (update.price, created.price) == (20500, 19001)


# --- margin, positions ------------------------------------------------------------------------------------------

async def test_margin_order_opens_a_position_and_the_position_endpoints(sim_env):
    env = sim_env
    await env.call(env.auth.submit_order("MARKET", "tBTCUSD", 0.02, None), "auth/w/order/submit",
                   {"type": "MARKET", "symbol": "tBTCUSD", "amount": "0.02"})
    held = env.account.positions["tBTCUSD"]
    positions = await env.call(env.auth.get_positions(), "auth/r/positions", {})
    assert len(positions) == 1 and isinstance(positions[0], Position)
    same_position(positions[0], held)
    assert [positions[0].pl, positions[0].pl_perc, positions[0].price_liq, positions[0].leverage] == position_pl(
        env.sim.exchange, held)

    info = await env.call(env.auth.get_increase_position_info("tBTCUSD", 0.01), "auth/r/position/increase/info",
                          {"symbol": "tBTCUSD", "amount": "0.01"})
    assert isinstance(info, PositionIncreaseInfo)
    assert (info.current_pos, info.base_currency_balance, info.funding_avail) == (
        0.02, env.account.balance("margin", "USD"), env.account.balance("funding", "USD"))

    increased = await env.call(env.auth.increase_position("tBTCUSD", Decimal("0.01")), "auth/w/position/increase",
                               {"symbol": "tBTCUSD", "amount": "0.01"})
    assert increased.type == "pos_inc" and isinstance(increased.data, PositionIncrease)
    assert (increased.data.symbol, increased.data.amount, increased.data.base_price) == (
        "tBTCUSD", held.amount, held.base_price)
    assert held.amount == 0.03

    claimed = await env.call(env.auth.claim_position(held.id, amount=0.01), "auth/w/position/claim",
                             {"id": held.id, "amount": "0.01"})
    assert claimed.type == "pos_claim" and isinstance(claimed.data, PositionClaim)
    assert (claimed.data.position_id, claimed.data.amount, claimed.data.position_status) == (held.id, 0.02, "ACTIVE")

    snapshot = await env.call(env.auth.get_positions_snapshot(), "auth/r/positions/snap", {})
    assert [(s.position_id, s.amount, s.status) for s in snapshot] == [(held.id, 0.02, "ACTIVE")]
    assert isinstance(snapshot[0], PositionSnapshot)

    closed = await env.call(env.auth.claim_position(held.id), "auth/w/position/claim", {"id": held.id})
    assert (closed.data.amount, closed.data.position_status) == (0, "CLOSED")
    assert "tBTCUSD" not in env.account.positions and env.account.position_history == [held]
    assert await env.call(env.auth.get_positions(), "auth/r/positions", {}) == []

    now = env.sim.exchange.now
    history = await env.call(env.auth.get_positions_history(start=now, end=now, limit=50), "auth/r/positions/hist",
                             {"start": now, "end": now, "limit": 50})
    assert len(history) == 1 and isinstance(history[0], PositionHistory)
    assert (history[0].position_id, history[0].status, history[0].amount, history[0].base_price) == (
        held.id, "CLOSED", 0, held.base_price)
    audit = await env.call(env.auth.get_positions_audit(ids=[held.id], limit=5), "auth/r/positions/audit",
                           {"id": [held.id], "limit": 5})
    assert len(audit) == 1 and isinstance(audit[0], PositionAudit)
    assert (audit[0].position_id, audit[0].status, audit[0].type, audit[0].meta) == (held.id, "CLOSED", 0, held.meta)


async def test_margin_info(sim_env):
    env = sim_env
    await env.auth.submit_order("MARKET", "tETHUSD", -0.5, None)
    base = await env.call(env.auth.get_base_margin_info(), "auth/r/info/margin/base", {})
    assert isinstance(base, BaseMarginInfo)
    assert [base.user_pl, base.user_swaps, base.margin_balance, base.margin_net, base.margin_min] == base_margin(
        env.sim.exchange, env.account)
    # the USD and USTF0 margin wallets in USD (the taker fee of the order already paid from the USD one)
    margin_wallets = env.account.balance("margin", "USD") + env.account.balance("margin", "USTF0")
    assert base.margin_balance == round(margin_wallets, 8) and margin_wallets < 7_000
    one = await env.call(env.auth.get_symbol_margin_info("tETHUSD"), "auth/r/info/margin/tETHUSD", {})
    assert isinstance(one, SymbolMarginInfo) and one.symbol == "tETHUSD"
    assert [one.tradable_balance, one.gross_balance, one.buy, one.sell] == symbol_margin(
        env.sim.exchange, env.account, "tETHUSD")
    every = await env.call(env.auth.get_all_symbols_margin_info(), "auth/r/info/margin/sym_all", {})
    assert [m.symbol for m in every] == list(env.sim.market.symbols(False))
    assert next(m for m in every if m.symbol == "tETHUSD") == one


async def test_derivative_position_collateral(sim_env):
    env = sim_env
    await env.auth.submit_order("MARKET", "tBTCF0:USTF0", 0.01, None, lev=10)
    held = env.account.positions["tBTCF0:USTF0"]
    assert held.type == 1
    limits = await env.call(env.auth.get_derivative_position_collateral_limits("tBTCF0:USTF0"),
                            "auth/calc/deriv/collateral/limit", {"symbol": "tBTCF0:USTF0"})
    assert isinstance(limits, DerivativePositionCollateralLimits)
    assert (limits.min_collateral, limits.max_collateral) == (
        held.collateral_min, round(env.account.balance("margin", "USTF0") + held.collateral, 8))
    wanted = Decimal(str(held.collateral_min)) + Decimal("10.5")
    result = await env.call(env.auth.set_derivative_position_collateral("tBTCF0:USTF0", wanted),
                            "auth/w/deriv/collateral/set", {"symbol": "tBTCF0:USTF0", "collateral": str(wanted)})
    assert result == DerivativePositionCollateral(1)
    assert held.collateral == float(wanted)
    positions = await env.auth.get_positions()
    assert positions[0].collateral == float(wanted) and positions[0].type == 1


# --- errors ---------------------------------------------------------------------------------------------------

async def test_insufficient_balance_is_a_generic_error_with_bitfinex_code_and_text(sim_env):
    env = sim_env
    before = len(env.sim.rest_log)
    with pytest.raises(GenericError) as caught:
        await env.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", 1, 30000)
    record = env.refused(before, "auth/w/order/submit")
    text = "Invalid order: not enough exchange balance for 1 BTCUSD at 30000"
    assert record.response == ["error", 10001, text]
    assert caught.value.code == 10001 and caught.value.message == f"POST auth/w/order/submit: {text}"
    env.check_signed(record, "auth/w/order/submit")  # accepted as signed; refused for the balance
    assert not env.account.orders and env.account.balance("exchange", "USD") == 10_000


async def test_unknown_order_id(sim_env):
    env = sim_env
    for call, path in ((env.auth.cancel_order(id=123), "auth/w/order/cancel"),
                       (env.auth.update_order(123, price=1), "auth/w/order/update")):
        before = len(env.sim.rest_log)
        with pytest.raises(GenericError) as caught:
            await call
        assert env.refused(before, path).response == ["error", 10001, "Order not found."]
        assert caught.value.code == 10001 and caught.value.message.endswith(": Order not found.")


async def test_parameter_errors(sim_env):
    env = sim_env
    before = len(env.sim.rest_log)
    with pytest.raises(RequestParameterError) as caught:
        await env.auth.get_symbol_margin_info("tNOPE")
    assert env.refused(before, "auth/r/info/margin/tNOPE").response == ["error", 10020, "symbol: invalid"]
    assert caught.value.code == 10020
    with pytest.raises(GenericError, match="minimum size") as small:
        await env.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", Decimal("0.00001"), 20000)
    assert small.value.code == 10001
    with pytest.raises(GenericError, match="below the minimum"):
        await env.auth.set_derivative_position_collateral("tBTCF0:USTF0", 1)
