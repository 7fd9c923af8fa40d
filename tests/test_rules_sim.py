"""The order rules against the simulator: what the check refuses, the simulator refuses too (code 10001 and
Bitfinex's text); what the check rounds, the simulator takes, with the rounded values. REST and WebSocket alike."""

from decimal import Decimal
from typing import Any, Awaitable, Callable

import pytest

from bfxapi import Client
from bfxapi.exceptions import OrderRuleError
from bfxapi.rest.exceptions import GenericError
from bfxapi.rules import PairLimits, round_price

from ws_support import FAST, simulator

D = Decimal


def new_client(sim: Any, account: Any, **options: Any) -> Client:
    bfx = Client(account.api_key, account.api_secret, rest_host=sim.rest_host, wss_host=sim.wss_host,
                 wss_options=FAST, rest_options={"rate_limits": None}, **options)
    sim.clients.append(bfx)
    return bfx


def funded(sim: Any) -> Any:
    return sim.add_account(wallets={"exchange": {"USD": 10_000_000, "BTC": 10_000}})


async def low_price(bfx: Client) -> int:
    """A buy price far below the market: the order rests (5 significant digits)."""
    return int((await bfx.rest.public.get_t_ticker("tBTCUSD")).bid * 0.5) // 10 * 10


REFUSED = [
    # (type, amount, symbol, rule, allowed, what the simulator says)
    ("EXCHANGE LIMIT", "0.0001", "tBTCUSD", "min_size", D("0.0002"), "minimum size for BTC/USD is 0.0002"),
    ("EXCHANGE LIMIT", "-0.000199994", "tBTCUSD", "min_size", D("0.0002"), "minimum size for BTC/USD is 0.0002"),
    ("EXCHANGE LIMIT", "-2000.00000001", "tBTCUSD", "max_size", D("2000"), "maximum size for BTC/USD is 2000"),
    ("LIMIT", "100.5", "tBTCF0:USTF0", "max_size", D("100"), "maximum size for BTCF0/USTF0 is 100"),
    ("EXCHANGE LIMIT", "1", "tFOOBAR", "unknown_pair", None, "unknown symbol"),
]


@pytest.mark.parametrize("kind, amount, symbol, rule, allowed, text", REFUSED)
async def test_rest_what_the_check_refuses_the_simulator_refuses(
    kind: str, amount: str, symbol: str, rule: str, allowed: Any, text: str
) -> None:
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account, check_order_rules=True)
        price = await low_price(bfx)
        with pytest.raises(OrderRuleError) as caught:
            await bfx.rest.auth.submit_order(kind, symbol, amount, price)
        assert (caught.value.rule, caught.value.allowed) == (rule, allowed)
        assert not sim.rest_requests_to("auth/w/order/submit")  # nothing went on the wire
        bfx.rules.mode = None  # the same order, unchecked: the simulator refuses it
        with pytest.raises(GenericError) as refused:
            await bfx.rest.auth.submit_order(kind, symbol, amount, price)
        assert refused.value.code == 10001 and text in refused.value.message


async def test_rest_what_the_check_rounds_the_simulator_takes() -> None:
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account, check_order_rules="round")
        price = await low_price(bfx) + D("1.2345678")  # 7+ significant digits
        placed = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.123456789", price)
        assert placed.status == "SUCCESS"
        sent = sim.rest_requests_to("auth/w/order/submit")[-1].body
        assert sent["amount"] == "0.12345679" and D(sent["price"]) == _five(price)
        assert placed.data.amount == 0.12345679 and D(repr(placed.data.price)) == _five(price)
        updated = await bfx.rest.auth.update_order(placed.data.id, amount="0.300000001", price=price + 3)
        assert updated.status == "SUCCESS" and updated.data.amount == 0.3
        assert D(repr(updated.data.price)) == _five(price + 3)
        with pytest.raises(OrderRuleError, match="minimum order size"):
            await bfx.rest.auth.update_order(placed.data.id, amount="0.0001")
        assert len(sim.rest_requests_to("auth/w/order/update")) == 1
        assert len(sim.rest_requests_to("auth/r/orders")) == 1  # the order's pair, looked up once
        bfx.rules.mode = None
        with pytest.raises(GenericError, match="minimum size for BTC/USD is 0.0002"):
            await bfx.rest.auth.update_order(placed.data.id, amount="0.0001")
        # the pair table was read once (spot and futures) for all of it
        assert len(sim.rest_requests_to("conf/pub:info:pair")) == 1
        assert len(sim.rest_requests_to("conf/pub:info:pair:futures")) == 1


def _five(value: Any) -> Decimal:
    return round_price(D(str(value)))


async def test_the_simulator_rounds_amounts_and_refuses_sizes_above_the_maximum() -> None:
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account)
        placed = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.123456789", await low_price(bfx))
        assert placed.data.amount == 0.12345679
        with pytest.raises(GenericError, match="maximum size for BTC/USD is 2000"):
            await bfx.rest.auth.update_order(placed.data.id, amount="2000.1")


async def test_rest_strict_mode_refuses_what_round_mode_would_round() -> None:
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account, check_order_rules="strict")
        price = await low_price(bfx)
        with pytest.raises(OrderRuleError) as caught:
            await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.123456789", price)
        assert caught.value.rule == "amount_precision" and caught.value.allowed == D("0.12345679")
        with pytest.raises(OrderRuleError) as caught:
            await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", D(price) + D("0.123"))
        assert caught.value.rule == "price_precision" and caught.value.allowed == _five(D(price) + D("0.123"))
        assert not sim.rest_requests_to("auth/w/order/submit")
        placed = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.12345679", price)
        assert placed.status == "SUCCESS"


async def test_rest_multi_operations_are_checked() -> None:
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account, check_order_rules=True)
        price = await low_price(bfx)
        with pytest.raises(OrderRuleError, match="minimum order size"):
            await bfx.rest.auth.submit_order_multi_op([("on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD",
                                                               "amount": "0.00001", "price": price})])
        assert not sim.rest_requests_to("auth/w/order/multi")


async def test_the_limits_are_the_simulators_pair_info() -> None:
    async with simulator() as sim:
        bfx = new_client(sim, funded(sim))
        assert await bfx.rules.limits("tBTCUSD") == PairLimits("BTCUSD", D("0.0002"), D("2000.0"))
        futures = await bfx.rules.limits("tBTCF0:USTF0")
        assert futures is not None and futures.max_order_size == D("100.0")
        assert await bfx.rules.limits("tFOOBAR") is None


async def test_websocket_inputs_go_through_the_same_check() -> None:
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account, check_order_rules=True)
        price = await low_price(bfx)
        await bfx.wss.connect()
        with pytest.raises(OrderRuleError) as caught:
            await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.00001", price)
        assert caught.value.allowed == D("0.0002")
        placed = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", 0.123456789, price + 0.123)
        assert placed.status == "SUCCESS" and placed.data.amount == 0.12345679
        assert D(repr(placed.data.price)) == _five(price + 0.123)
        frames = [m for c in sim.connections for m in c.received if isinstance(m, list) and m[1:2] == ["on"]]
        assert len(frames) == 1 and frames[0][3]["amount"] == "0.12345679"  # the refused one never left
        with pytest.raises(OrderRuleError, match="minimum order size"):
            await bfx.wss.inputs.update_order(placed.data.id, amount="-0.0001")
        updated = await bfx.wss.inputs.update_order(placed.data.id, amount="0.2000000001")
        assert updated.status == "SUCCESS" and updated.data.amount == 0.2
        bfx.rules.mode = None
        refused = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.00001", price)
        assert refused.status == "ERROR" and "minimum size for BTC/USD is 0.0002" in (refused.text or "")


async def test_the_check_needs_no_credentials_to_refuse() -> None:
    async with simulator() as sim:
        bfx = Client(rest_host=sim.rest_host, check_order_rules=True, rest_options={"rate_limits": None})
        sim.clients.append(bfx)
        with pytest.raises(OrderRuleError):
            await bfx.rules.check_order("tBTCUSD", "0.00001")
        checked: Callable[[], Awaitable[Any]] = lambda: bfx.rules.check_order("tBTCUSD", 1.000000001, 12345.67)
        assert await checked() == (D("1"), D("12346"))


async def test_decimal_mode_orders_are_rounded_exactly() -> None:
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account, check_order_rules=True, decimal=True)
        bid = (await bfx.rest.public.get_t_ticker("tBTCUSD")).bid
        assert isinstance(bid, Decimal)
        price = bid * D("0.91234567")
        placed = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", D("0.123456785"), price)
        assert placed.data.amount == D("0.12345679") and placed.data.price == round_price(price)


@pytest.mark.parametrize("given", ["12345.5", "12344.5", "12345.67"])
async def test_unchecked_prices_are_kept_by_the_simulator_as_the_helper_rounds_them(given: str) -> None:
    # Sent without the check, a price of 6 or more significant digits is quantised by the platform (protocol.md:
    # 5 significant digits); the helper must give the same value, ties included.
    async with simulator() as sim:
        account = funded(sim)
        bfx = new_client(sim, account)
        note = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", given)
        assert note.status == "SUCCESS"
        held = account.orders[note.data.id]
        assert held.price == float(round_price(D(given))) != float(given)
