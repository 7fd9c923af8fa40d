"""``bfxapi.rules``: the rounding helpers, the rules on request bodies, the pair limits cache (unit tests)."""

import asyncio
import pickle
import random
from decimal import Decimal
from typing import Any, Optional

import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError, OrderRuleError
from bfxapi.rules import AMOUNT_DECIMALS, PairLimits, PairLimitsCache, round_amount, round_price
from bfxapi.rules.checker import OrderRules, apply_rules, rules_mode
from bfxapi.types import PairInfo

D = Decimal


@pytest.mark.parametrize(
    "given, rounded",
    [
        (D("10234.56"), D("10235")),
        (D("123456"), D("123460")),
        (D("99999.5"), D("100000")),
        (D("0.000123456"), D("0.00012346")),
        (D("0.000012345678"), D("0.000012346")),
        (D("1.23445"), D("1.2345")),  # a tie goes away from zero
        (D("-1.23445"), D("-1.2345")),
        (D("1.2344499999999"), D("1.2344")),  # exact: no binary step pushes it up
        (D("1.5000"), D("1.5")),
        (D("100"), D("100")),
        (D("0"), D("0")),
        (D("7254.7"), D("7254.7")),
    ],
)
def test_round_price_is_exact_on_decimals(given: Decimal, rounded: Decimal) -> None:
    result = round_price(given)
    assert isinstance(result, Decimal) and result == rounded and str(result) == str(rounded)


@pytest.mark.parametrize(
    "given, rounded",
    [
        (D("0.123456789"), D("0.12345679")),
        (D("-0.123456785"), D("-0.12345679")),  # the sign is kept, a tie goes away from zero
        (D("1.000000004999"), D("1")),
        (D("2000"), D("2000")),
        (D("0.00000001"), D("0.00000001")),
        (D("0.000000004"), D("0")),
    ],
)
def test_round_amount_is_exact_on_decimals(given: Decimal, rounded: Decimal) -> None:
    result = round_amount(given)
    assert isinstance(result, Decimal) and result == rounded


def test_each_helper_returns_the_kind_it_is_given() -> None:
    assert round_price(0.1 + 0.2) == 0.3 and isinstance(round_price(0.1 + 0.2), float)
    assert round_price(10234.56) == 10235.0 and isinstance(round_price(10234.56), float)
    assert round_price(123456) == 123460 and type(round_price(123456)) is int
    assert round_price("12345.678") == D("12346") and isinstance(round_price("12345.678"), Decimal)
    assert round_amount(0.123456789) == 0.12345679 and isinstance(round_amount(0.123456789), float)
    assert round_amount(3) == 3 and type(round_amount(3)) is int
    assert round_amount("1e-9") == D("0")
    # a float is rounded on its shortest text, as it is sent: 1.000000005 is a tie there (not below it in binary)
    assert round_amount(1.000000005) == 1.00000001


def test_floats_land_on_the_nearest_float_of_the_exact_result() -> None:
    rng = random.Random(17)
    for _ in range(2000):
        value = rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-9, 0)
        price, amount = round_price(value), round_amount(value)
        assert price == float(round_price(D(repr(value))))
        assert amount == float(round_amount(D(repr(value))))
        assert len(D(repr(price)).normalize().as_tuple().digits) <= 5 or D(repr(price)) == D(repr(price)).to_integral()
        assert abs(D(repr(amount)) - D(repr(value))) <= D("0.000000005") + D(repr(value)).copy_abs() * D("1e-16")


def test_random_decimals_stay_within_half_a_step() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        value = D(rng.randint(-10**12, 10**12)).scaleb(-rng.randint(0, 14))
        price = round_price(value)
        if value:
            step = D(1).scaleb(value.adjusted() - 4)
            assert abs(price - value) <= step / 2
            assert len(price.normalize().as_tuple().digits) <= 5
        amount = round_amount(value)
        assert abs(amount - value) <= D("0.000000005") and -amount.as_tuple().exponent <= AMOUNT_DECIMALS


@pytest.mark.parametrize("bad, error", [
    (True, InvalidInputTypeError), (None, InvalidInputTypeError), ([1], InvalidInputTypeError),
    ("abc", InvalidInputError), ("nan", InvalidInputError), (float("inf"), InvalidInputError),
    (D("1e100"), InvalidInputError),
])
def test_what_is_not_a_finite_number_is_refused(bad: Any, error: type) -> None:
    with pytest.raises(error):
        round_amount(bad)
    if not isinstance(bad, Decimal):
        with pytest.raises(error):
            round_price(bad)


# --- the rules on bodies --------------------------------------------------------------------------------------------

BTC = PairLimits("BTCUSD", D("0.0002"), D("2000"))


def test_round_mode_puts_prices_and_amounts_on_the_grid() -> None:
    body = {"type": "EXCHANGE STOP LIMIT", "symbol": "tBTCUSD", "amount": "-0.123456789", "price": "12345.678",
            "price_aux_limit": "12300.049", "price_oco_stop": "0.000123456", "price_trailing": "10.123456", "cid": 1}
    checked = apply_rules(body, BTC, "tBTCUSD", strict=False)
    assert checked == {**body, "amount": "-0.12345679", "price": "12346", "price_aux_limit": "12300",
                       "price_oco_stop": "0.00012346"}
    assert body["amount"] == "-0.123456789"  # the caller's body is left as it was


@pytest.mark.parametrize("field, value, allowed, rule", [
    ("price", "12345.678", D("12346"), "price_precision"),
    ("price_aux_limit", "0.0000123456", D("0.000012346"), "price_precision"),
    ("amount", "0.123456789", D("0.12345679"), "amount_precision"),
])
def test_strict_mode_refuses_values_off_the_grid(field: str, value: str, allowed: Decimal, rule: str) -> None:
    body = {"symbol": "tBTCUSD", "amount": "1", "price": "100", field: value}
    with pytest.raises(OrderRuleError) as caught:
        apply_rules(body, BTC, "tBTCUSD", strict=True)
    error = caught.value
    assert (error.rule, error.field, error.value, error.allowed, error.symbol) == (rule, field, value, allowed,
                                                                                  "tBTCUSD")
    assert f"{allowed:f}" in str(error)
    assert isinstance(error, InvalidInputError) and isinstance(error, ValueError)


@pytest.mark.parametrize("amount, rule, allowed", [
    ("0.0001", "min_size", D("0.0002")), ("-0.00019999", "min_size", D("0.0002")),
    ("2000.00000001", "max_size", D("2000")), ("-5000", "max_size", D("2000")),
    ("0.000000001", "amount_precision", D("0.00000001")),
])
def test_sizes_out_of_the_pairs_limits_are_refused(amount: str, rule: str, allowed: Decimal) -> None:
    with pytest.raises(OrderRuleError) as caught:
        apply_rules({"symbol": "tBTCUSD", "amount": amount}, BTC, "tBTCUSD", strict=False)
    assert caught.value.rule == rule and caught.value.allowed == allowed and f"{allowed:f}" in str(caught.value)


def test_sizes_at_the_limits_are_taken() -> None:
    for amount in ("0.0002", "-0.0002", "2000", "-2000", "0.000199996"):  # the last rounds up to the minimum
        apply_rules({"symbol": "tBTCUSD", "amount": amount}, BTC, "tBTCUSD", strict=False)


def test_an_unknown_pair_is_refused_and_an_update_of_an_unknown_order_only_rounded() -> None:
    with pytest.raises(OrderRuleError) as caught:
        apply_rules({"symbol": "tFOOBAR", "amount": "1"}, None, "tFOOBAR", strict=False)
    assert caught.value.rule == "unknown_pair" and caught.value.allowed is None
    update = apply_rules({"id": 5, "amount": "0.0000001", "delta": "0.123456789"}, None, None, strict=False)
    assert update == {"id": 5, "amount": "0.0000001", "delta": "0.12345679"}


def test_the_error_survives_pickling() -> None:
    error = OrderRuleError("m", rule="min_size", field="amount", value="0.1", allowed=D("0.2"), symbol="tBTCUSD")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.rule, copy.field, copy.value, copy.allowed, copy.symbol) == (
        "m", "min_size", "amount", "0.1", D("0.2"), "tBTCUSD")


@pytest.mark.parametrize("given, mode", [(False, None), (None, None), (True, "round"), ("round", "round"),
                                         ("strict", "strict")])
def test_modes(given: Any, mode: Optional[str]) -> None:
    assert rules_mode(given) == mode
    assert Client(rest_host="http://127.0.0.1:9/v2", check_order_rules=given).rules.mode == mode


def test_a_bad_mode_is_refused_when_the_client_is_made() -> None:
    with pytest.raises(InvalidInputError):
        Client(check_order_rules="lenient")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputTypeError):
        Client(check_order_rules=1)  # type: ignore[arg-type]


def test_rest_and_websocket_share_one_rules_object() -> None:
    bfx = Client(rest_host="http://127.0.0.1:9/v2", check_order_rules=True)
    assert bfx.rules is bfx.rest.rules is bfx.rest.auth._rules is bfx.wss.inputs.rules


# --- the pair limits cache ------------------------------------------------------------------------------------------


class Source:
    def __init__(self) -> None:
        self.calls: list[bool] = []
        self.spot = [PairInfo("BTCUSD", "0.0002", "2000.0", 0.2, 0.1)]
        self.futures = [PairInfo("BTCF0:USTF0", "0.0002", "100.0", 0.01, 0.005)]

    async def __call__(self, *, futures: bool = False) -> list[PairInfo]:
        self.calls.append(futures)
        await asyncio.sleep(0)  # let concurrent callers meet at the lock
        return self.futures if futures else self.spot


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_table_is_read_once_then_again_after_its_ttl() -> None:
    source, clock = Source(), Clock()
    cache = PairLimitsCache(source, ttl=3600, miss_interval=60, clock=clock)
    results = await asyncio.gather(*(cache.get("tBTCUSD") for _ in range(10)))
    assert all(r == PairLimits("BTCUSD", D("0.0002"), D("2000.0")) for r in results)
    assert await cache.get("tBTCF0:USTF0") == PairLimits("BTCF0:USTF0", D("0.0002"), D("100.0"))
    assert cache.refreshes == 1 and source.calls == [False, True]
    clock.now += 3599
    await cache.get("tBTCUSD")
    assert cache.refreshes == 1
    clock.now += 1
    source.spot = [PairInfo("BTCUSD", "0.0004", "1000", None, None)]
    assert await cache.get("tBTCUSD") == PairLimits("BTCUSD", D("0.0004"), D("1000"))
    assert cache.refreshes == 2


async def test_a_miss_reads_the_table_again_but_not_more_than_once_a_minute() -> None:
    source, clock = Source(), Clock()
    cache = PairLimitsCache(source, ttl=3600, miss_interval=60, clock=clock)
    assert await cache.get("tETHUSD") is None
    assert await cache.get("tETHUSD") is None
    assert cache.refreshes == 1
    clock.now += 60
    source.spot = [*source.spot, PairInfo("ETHUSD", "0.004", "", None, None)]  # listed since: found on the miss
    assert await cache.get("tETHUSD") == PairLimits("ETHUSD", D("0.004"), None)
    assert cache.refreshes == 2


async def test_check_order_by_hand() -> None:
    rules = OrderRules(Source())
    assert await rules.check_order("tBTCUSD", 0.123456789, "12345.678") == (D("0.12345679"), D("12346"))
    assert await rules.check_order("tBTCUSD", D("-1")) == (D("-1"), None)
    with pytest.raises(OrderRuleError, match="at least 0.0002"):
        await rules.check_order("tBTCUSD", "0.0001", 10000)
    with pytest.raises(OrderRuleError) as caught:
        await rules.check_order("tBTCUSD", "0.1", "12345.678", strict=True)
    assert caught.value.allowed == D("12346")
    with pytest.raises(OrderRuleError, match="tETHUSD is not a pair"):
        await rules.check_order("tETHUSD", "1", 1000)
    assert await rules.limits("tBTCUSD") == BTC
    assert repr(rules) == "OrderRules(mode=None, pairs=2)"


async def test_bodies_pass_untouched_when_the_check_is_off() -> None:
    source = Source()
    rules = OrderRules(source)
    body = {"type": "LIMIT", "symbol": "tBTCUSD", "amount": "0.0000001", "price": "1.234567"}
    assert await rules.checked_new_order(body) is body
    assert await rules.checked_update({"id": 1, "amount": "0.1"}) == {"id": 1, "amount": "0.1"}
    assert await rules.checked_operations([["on", body]]) == [["on", body]]
    assert source.calls == []  # nothing read either


async def test_an_update_looks_its_order_up_once() -> None:
    looked_up: list[int] = []

    async def order_symbol(order_id: int) -> Optional[str]:
        looked_up.append(order_id)
        return "tBTCUSD" if order_id == 7 else None

    rules = OrderRules(Source(), order_symbol=order_symbol, mode="round")
    assert await rules.checked_update({"id": 7, "amount": "0.123456789"}) == {"id": 7, "amount": "0.12345679"}
    with pytest.raises(OrderRuleError, match="minimum order size for tBTCUSD"):
        await rules.checked_update({"id": 7, "amount": "0.0001"})
    assert await rules.checked_update({"id": 7, "price": "1.234567"}) == {"id": 7, "price": "1.2346"}
    assert await rules.checked_update({"id": 8, "amount": "0.0001"}) == {"id": 8, "amount": "0.0001"}
    assert looked_up == [7, 8]
    ops = await rules.checked_operations([["on", {"symbol": "tBTCUSD", "amount": "0.30000000004"}],
                                          ["oc", {"id": 3}], ["ou", {"id": 7, "price": "99999.9"}]])
    assert ops == [["on", {"symbol": "tBTCUSD", "amount": "0.3"}], ["oc", {"id": 3}],
                   ["ou", {"id": 7, "price": "100000"}]]
