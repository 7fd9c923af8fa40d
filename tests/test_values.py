"""Values are what their types say (issue #14, item 4).

A number field holds a finite ``int`` or ``float`` and nothing else (not NaN, not an infinity, not a string,
not a ``bool``, not an array); the serializers refuse a payload that breaks this with
``MalformedPayloadError``, the WebSocket client reports the frame (``invalid_message``) without delivering
it, REST raises. The decoder refuses ``NaN``/``Infinity`` literals and nesting deeper than ``MAX_DEPTH``
with a ``ValueError``, in both JSON backends, quickly and without ``RecursionError``.

The expectations are written from the annotations of the payload types and from the JSON grammar, never
read back from the serializers' checks.
"""

import dataclasses
import json
import math
import random
import time
import types as pytypes
import typing
from typing import Any, Callable

import pytest
from aiohttp import web

from bfxapi import types
from bfxapi._utils import json_decoder
from bfxapi._utils.json_decoder import MAX_DEPTH, InvalidJSONError
from bfxapi.exceptions import BfxBaseException, MalformedPayloadError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest._interface import responses
from bfxapi.rest._interface.retry import RetryPolicy
from bfxapi.types import serializers
from bfxapi.types.labeler import Serializer
from bfxapi.types.number import is_number
from bfxapi.websocket import BfxWebSocketClient

from fixtures import WS_CAPTURE, fixture_path
from ws_support import FAST, Recorder, open_connections, simulator

Loads = Callable[[str], Any]

BACKENDS = [
    pytest.param(json_decoder.json_loads, id="json"),
    pytest.param(
        json_decoder.orjson_loads,
        id="orjson",
        marks=pytest.mark.skipif(json_decoder.orjson_loads is None, reason="orjson is not installed"),
    ),
]

# ---------------------------------------------------------------------------------------------------
# Realistic wire arrays (protocol.md §8 and the official examples)
# ---------------------------------------------------------------------------------------------------

ORDER = json.loads(
    '[34930659963,null,1574955083558,"tETHUSD",1574955083558,1574955083573,0.201104,0.201104,"EXCHANGE LIMIT",'
    'null,null,null,0,"ACTIVE",null,null,120,0,0,0,null,null,null,0,0,null,null,null,"BFX",null,null,null]'
)

WIRES: dict[str, list[Any]] = {
    "TradingPairTicker": [7616.5, 31.89055171, 7617.5, 43.35811863, -550.8, -0.0674, 7617.1, 8314.71200815, 8257.8, 7500],
    "FundingCurrencyTicker": [
        0.0003193369863013699, 0.0002401, 30, 3939629.6177260396, 0.00019012, 2, 307776.1592138799, -0.00005823,
        -0.2344, 0.00019016, 122156333.45260866, 0.00027397, 6.8e-7, None, None, 3441851.73330503,
    ],
    "TradingPairTrade": [401597395, 1574694478808, 0.005, 7245.3],
    "FundingCurrencyTrade": [133323543, 1574694605000, -59.84, 0.00023647, 2],
    "TradingPairBook": [7254.7, 3, 3.3],
    "FundingCurrencyBook": [0.00023112, 30, 1, -15190.7005375],
    "TradingPairRawBook": [34753002978, 7294.7, 1.54340371],
    "FundingCurrencyRawBook": [658282397, 30, 0.000233, -530],
    "Candle": [1574698200000, 7399.9, 7379.7, 7399.9, 7371.8, 41.63633658],
    "DerivativesStatus": json.loads(
        "[1596124822000,null,0.896,0.771995,null,1396531.67460709,null,1596153600000,0.0001056,6,null,"
        "-0.01381344,null,null,0.7664,null,null,246502.09001551,null,null,null,null,0.3]"
    ),
    "Wallet": json.loads(
        '["exchange","BTC",1.61169184,0,null,"Exchange 0.01 BTC for USD @ 7804.6",{"reason":"TRADE",'
        '"order_id":34988418651,"order_id_oppo":34990541044,"trade_price":"7804.6","trade_amount":"0.01"}]'
    ),
    "Order": ORDER,
    "Position": json.loads(
        '["tETHUST","ACTIVE",0.2,153.71,0,0,-0.0794,-0.0586,67.53,1.409,null,142420429,null,null,null,0,null,0,0,'
        '{"reason":"TRADE","order_id":34934099168}]'
    ),
    "Trade": [402088407, "tETHUST", 1574963975602, 34938060782, -0.2, 153.57, "MARKET", 0, -1, None, None, 0],
    "Ledger": [2531822314, "USD", "margin", 1573521810000, None, 0.01644445, 0, None, "Settlement @ 185.79"],
    "FundingOffer": json.loads(
        '[41238747,"fUST",1575026670000,1575026670000,5000,5000,"LIMIT",null,null,0,"ACTIVE",null,null,null,'
        "0.006,30,0,0,null,0,null]"
    ),
    "FundingInfo": ["sym", "fUSD", [0.0008, 0.0004, 1.6, 2.1]],
}

NAN, INF = math.nan, math.inf
#: what no number field may hold
NOT_NUMBERS: list[Any] = [NAN, INF, -INF, "g", "1.5", "", True, False, [1], {"a": 1}]


def serializer_of(name: str) -> Serializer[Any]:
    serializer: Serializer[Any] = getattr(serializers, name)
    return serializer


def float_mode(annotation: Any) -> Any:
    """``annotation`` in float mode: the number type ``N`` (or ``Optional[N]``) is ``float`` (``Optional[float]``)."""
    if is_number(annotation):
        return float
    if typing.get_origin(annotation) in (typing.Union, pytypes.UnionType):
        args = typing.get_args(annotation)
        if any(is_number(arg) for arg in args):
            return typing.Optional[float] if type(None) in args else float
    return annotation


def type_hints(klass: Any) -> dict[str, Any]:
    """``typing.get_type_hints(klass)`` as float mode's serializers read them."""
    return {key: float_mode(value) for key, value in typing.get_type_hints(klass).items()}


def hints(name: str) -> dict[str, Any]:
    """The annotations of the fields of ``name`` (class variables such as ``Trade.recovered`` are not fields)."""
    klass = getattr(types, name)
    return {key: value for key, value in type_hints(klass).items()
            if key in {field.name for field in dataclasses.fields(klass)}}


def base_and_optional(annotation: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``Optional[X]``, ``(annotation, False)`` otherwise."""
    if typing.get_origin(annotation) in (typing.Union, pytypes.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def number_fields(name: str) -> list[tuple[str, Any, bool]]:
    """``(field, int or float, nullable)`` for every number field of the type."""
    out = []
    for field, annotation in hints(name).items():
        base, nullable = base_and_optional(annotation)
        if base in (int, float):
            out.append((field, base, nullable))
    return out


def with_value(name: str, field: str, value: Any) -> list[Any]:
    """The realistic wire array of ``name`` with ``field``'s slot set to ``value``."""
    wire = json.loads(json.dumps(WIRES[name]))
    serializer = serializer_of(name)
    if serializer.flat:  # FundingInfo: ["sym", SYMBOL, [YIELD_LOAN, YIELD_LEND, DURATION_LOAN, DURATION_LEND]]
        wire[2][serializer.labels.index(field) - 2] = value
    else:
        wire[serializer.labels.index(field)] = value
    return wire


def valid_value(annotation: Any) -> Any:
    """A value a field of type ``annotation`` may hold (``None`` where anything goes)."""
    base, _ = base_and_optional(annotation)
    origin = typing.get_origin(base) or base
    return {float: 1.5, int: 7, str: "s", dict: {}, list: []}.get(origin)


def valid_wire(name: str) -> list[Any]:
    """A wire array of ``name`` whose every field holds a value its type allows."""
    serializer = serializer_of(name)
    wire: list[Any] = ["placeholder"] * len(serializer.labels)
    for field, annotation in hints(name).items():
        wire[serializer.labels.index(field)] = valid_value(annotation)
    return wire


# ---------------------------------------------------------------------------------------------------
# Serializers
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(WIRES))
def test_the_realistic_arrays_parse(name: str) -> None:
    obj = serializer_of(name).from_wire(WIRES[name])
    assert type(obj) is getattr(types, name)


@pytest.mark.parametrize("name", sorted(WIRES))
def test_a_number_field_holding_anything_but_a_finite_number_is_refused(name: str) -> None:
    fields = number_fields(name)
    assert fields, name
    # A flat layout is defined on the flattened array: [1] there is the number 1 in its slot.
    values = [value for value in NOT_NUMBERS if not (serializer_of(name).flat and isinstance(value, list))]
    accepted = []
    for field, _, nullable in fields:
        for value in [*values, *([] if nullable else [None])]:
            try:
                serializer_of(name).from_wire(with_value(name, field, value))
            except MalformedPayloadError as error:
                assert error.type_name == name
                assert field in str(error)
                assert isinstance(error, BfxBaseException) and isinstance(error, ValueError)
            else:
                accepted.append((field, value))
    assert not accepted


@pytest.mark.parametrize("name", sorted(WIRES))
def test_float_fields_take_ints_and_int_fields_refuse_floats(name: str) -> None:
    serializer = serializer_of(name)
    for field, kind, _ in number_fields(name):
        if kind is float:
            for value in (0, -3, 10**30, 1e308, -1e-300, -0.0, 2.5):
                obj = serializer.from_wire(with_value(name, field, value))
                assert getattr(obj, field) == value and type(getattr(obj, field)) is type(value)
        else:
            assert getattr(serializer.from_wire(with_value(name, field, 10**18)), field) == 10**18
            for value in (1.0, 1.5):
                with pytest.raises(MalformedPayloadError, match=field):
                    serializer.from_wire(with_value(name, field, value))


@pytest.mark.parametrize("name", sorted(WIRES))
def test_optional_number_fields_take_null(name: str) -> None:
    for field, _, nullable in number_fields(name):
        if nullable:
            assert getattr(serializer_of(name).from_wire(with_value(name, field, None)), field) is None


def test_other_fields_are_what_their_types_say_too() -> None:
    with pytest.raises(MalformedPayloadError, match="symbol"):
        serializers.Order.from_wire(with_value("Order", "symbol", 5))
    with pytest.raises(MalformedPayloadError, match="currency"):
        serializers.Wallet.from_wire(with_value("Wallet", "currency", None))
    with pytest.raises(MalformedPayloadError, match="meta"):
        serializers.Order.from_wire(with_value("Order", "meta", "not an object"))
    user = valid_wire("UserInfo")
    user[serializers.UserInfo.labels.index("two_factors_authentication_modes")] = ["otp", 2]
    with pytest.raises(MalformedPayloadError, match="two_factors_authentication_modes"):
        serializers.UserInfo.from_wire(user)


def test_the_error_names_the_field_its_slot_and_the_value() -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        serializers.TradingPairTicker.from_wire(with_value("TradingPairTicker", "last_price", "g"))
    assert caught.value.type_name == "TradingPairTicker"
    assert "last_price (slot 6) must be a finite number, got 'g'" in str(caught.value)


def test_parse_and_lists_check_the_same_way() -> None:
    with pytest.raises(MalformedPayloadError, match="balance"):
        serializers.Wallet.parse(*with_value("Wallet", "balance", "lots"))
    book = [WIRES["TradingPairBook"], [7254.6, 1, NAN]]
    with pytest.raises(MalformedPayloadError, match="amount"):
        serializers.TradingPairBook.from_wire_list(book)


def test_nested_and_flat_payloads_are_checked() -> None:
    with pytest.raises(MalformedPayloadError, match="yield_lend"):
        serializers.FundingInfo.from_wire(["sym", "fUSD", [0.0008, "x", 1.6, 2.1]])
    profile = [
        "a8b5e8d4", 1618677000000, None, "CryptoBob", None, None, None, None, None, None, None, "many", 87, None, None,
        None, 1,
    ]
    message = [
        "b2c3d4e5", 1618677543000, None, "a8b5e8d4", None, "title", "content", None, None, 0, 1, 0, [], [], [], 42,
        None, None, [profile], 7, None, None,
    ]
    with pytest.raises(MalformedPayloadError) as caught:
        serializers.PulseMessage.from_wire(message)
    assert caught.value.type_name == "PulseProfile" and "followers" in str(caught.value)


def test_arrays_longer_than_known_are_checked_as_well() -> None:
    # An exact-length array and a longer one (a field Bitfinex appended) take different paths.
    assert serializers.TradingPairBook.from_wire([7254.7, 3, 3.3, None, "new"]) == types.TradingPairBook(7254.7, 3, 3.3)
    with pytest.raises(MalformedPayloadError, match="price"):
        serializers.TradingPairBook.from_wire([NAN, 3, 3.3, None, "new"])


def _accepts(annotation: Any, value: Any) -> bool:
    """The rule, written from the annotation: what a field of that type may hold."""
    base, nullable = base_and_optional(annotation)
    if value is None:
        return nullable or base is Any
    if base is float:
        return type(value) is int or (type(value) is float and math.isfinite(value))
    if base is int:
        return type(value) is int
    if base is str:
        return type(value) is str
    origin = typing.get_origin(base) or base
    if origin is dict:
        return type(value) is dict
    return True


POOL: list[Any] = [0, 1, -7, 2**63, 10**400, 0.5, -1e-9, 1e308, -0.0, NAN, INF, -INF, True, False, None, "x", "1",
                   [], [1.5], {}, {"k": 1}]


@pytest.mark.parametrize("name", ["TradingPairTicker", "Order", "Trade", "FundingOffer", "DerivativesStatus"])
def test_random_arrays_are_accepted_exactly_when_every_field_may_hold_its_value(name: str) -> None:
    rng = random.Random(f"values-{name}")
    serializer = serializer_of(name)
    annotations = hints(name)
    fields = list(annotations)
    slots = [serializer.labels.index(field) for field in fields]
    for round_ in range(3000):
        # Mostly good values with a few bad ones, so both outcomes are common.
        wire = list(WIRES[name]) + ([None, "appended"] if round_ % 2 else [])
        for slot in rng.sample(range(len(serializer.labels)), k=rng.randint(1, 3)):
            wire[slot] = rng.choice(POOL)
        expected = all(_accepts(annotations[field], wire[slot]) for field, slot in zip(fields, slots))
        try:
            obj = serializer.from_wire(wire)
        except MalformedPayloadError:
            assert not expected, wire
        else:
            assert expected, wire
            for field, slot in zip(fields, slots):
                assert getattr(obj, field) is wire[slot]


# ---------------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------------


def notification(status: str, order: Any, mts: Any = 1575289447641, code: Any = None) -> list[Any]:
    return [mts, "on-req", None, None, order, code, status, "Submitting 1 orders."]


def refused_order(**changes: Any) -> list[Any]:
    """What Bitfinex echoes of an order it refused: what was asked, null for what was never created."""
    labels = serializers.Order.labels
    wire: list[Any] = [None] * len(labels)
    for field, value in {"cid": 42, "symbol": "tBTCUSD", "amount": 1, "amount_orig": 1, "order_type": "EXCHANGE LIMIT",
                         "price": 20000, **changes}.items():
        wire[labels.index(field)] = value
    return wire


def test_a_failed_write_echoes_an_object_whose_fields_may_be_null() -> None:
    answer = serializers.OrderNotification.from_wire(notification("ERROR", refused_order()))
    assert answer.status == "ERROR" and answer.data.id is None and answer.data.cid == 42
    with pytest.raises(MalformedPayloadError, match="amount"):
        serializers.OrderNotification.from_wire(notification("ERROR", refused_order(amount=NAN)))
    listed = serializers.OrderListNotification.from_wire(notification("ERROR", [refused_order(), refused_order(cid=43)]))
    assert [order.cid for order in listed.data] == [42, 43]


def test_a_successful_write_carries_a_whole_object() -> None:
    assert serializers.OrderNotification.from_wire(notification("SUCCESS", ORDER)).data.id == ORDER[0]
    with pytest.raises(MalformedPayloadError, match="id"):
        serializers.OrderNotification.from_wire(notification("SUCCESS", refused_order()))


def test_the_notification_itself_is_checked() -> None:
    # Some submit answers carry seconds with a fraction (protocol.md §4.7).
    assert serializers.OrderNotification.from_wire(notification("SUCCESS", ORDER, mts=1575287438.515)).mts == 1575287438.515
    for mts in (NAN, "1575287438", None, True):
        with pytest.raises(MalformedPayloadError, match="mts"):
            serializers.OrderNotification.from_wire(notification("SUCCESS", ORDER, mts=mts))
    with pytest.raises(MalformedPayloadError, match="code"):
        serializers.OrderNotification.from_wire(notification("ERROR", refused_order(), code="10001"))


# ---------------------------------------------------------------------------------------------------
# The decoder, in both backends
# ---------------------------------------------------------------------------------------------------


def nested(depth: int, kinds: str = "[") -> str:
    """Valid JSON nesting arrays (``[``) and objects (``{``) ``depth`` levels deep, kinds in turn."""
    opening = "".join("[" if kinds[i % len(kinds)] == "[" else '{"k":' for i in range(depth))
    closing = "".join("]" if kinds[i % len(kinds)] == "[" else "}" for i in reversed(range(depth)))
    return opening + "1" + closing


@pytest.mark.parametrize("loads", BACKENDS)
@pytest.mark.parametrize(
    "text", ["[NaN]", "[1,Infinity]", "[-Infinity,2]", '{"a":NaN}', "[232949,[0.06,NaN,0.07]]", "NaN"]
)
def test_nan_and_infinity_literals_are_not_json(loads: Loads, text: str) -> None:
    with pytest.raises(ValueError):
        loads(text)


def test_the_standard_library_backend_says_why() -> None:
    with pytest.raises(InvalidJSONError, match="NaN is not a JSON number") as caught:
        json_decoder.json_loads("[1,NaN]")
    assert isinstance(caught.value, BfxBaseException)


@pytest.mark.parametrize("loads", BACKENDS)
def test_a_number_too_large_for_a_float_never_becomes_a_value(loads: Loads) -> None:
    # orjson refuses 1e400; the standard library makes it inf, which no number field takes.
    text = "[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,1e400,8314.7,8257.8,7500]"
    with pytest.raises(ValueError):
        serializers.TradingPairTicker.from_wire(loads(text))


@pytest.mark.parametrize("loads", BACKENDS)
@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        "[[]" * 50_000 + "]" * 50_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[1," + nested(2000, "[{") + "]",
    ],
    ids=["unclosed", "balanced", "stairs", "objects", "alternating"],
)
def test_deep_nesting_is_refused_quickly_without_recursion_error(loads: Loads, text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ValueError):
        loads(text)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("loads", BACKENDS)
@pytest.mark.parametrize("kinds", ["[", "{", "[{", "{[["])
def test_the_depth_limit_is_exact(loads: Loads, kinds: str) -> None:
    assert loads(nested(MAX_DEPTH, kinds)) == json.loads(nested(MAX_DEPTH, kinds))
    with pytest.raises(ValueError, match="nested deeper"):
        loads(nested(MAX_DEPTH + 1, kinds))


@pytest.mark.parametrize("loads", BACKENDS)
def test_brackets_inside_strings_are_not_nesting(loads: Loads) -> None:
    texts = [
        "[" + ",".join(['"[[[[[[[[[[{{{{{{{{{{"'] * 100) + "]",
        '["' + "[" * 500 + '",2]',
        '["\\"' + "[" * 500 + '\\"",{"k":"\\u00e9]]]]"}]',
        '["ünï€😀' + "{" * 300 + '"]',
    ]
    for text in texts:
        assert loads(text) == json.loads(text)


@pytest.mark.parametrize("loads", BACKENDS)
def test_strings_cannot_hide_nesting(loads: Loads) -> None:
    # 160 levels deep; counting the brackets inside the strings as well would say 110.
    plain = "[" * 100 + '"' + "]" * 50 + '",' + "[" * 60 + "1" + "]" * 160
    escaped = "[" * 100 + '"\\"' + "]" * 50 + '\\"",' + "[" * 60 + "1" + "]" * 160
    for text in (plain, escaped):
        with pytest.raises(ValueError, match="nested deeper"):
            loads(text)


@pytest.mark.parametrize("loads", BACKENDS)
def test_every_frame_of_the_real_capture_decodes_as_the_standard_library_does(loads: Loads) -> None:
    frames = [line.split(": ", 1)[1] for line in fixture_path(WS_CAPTURE).read_text(encoding="utf-8").splitlines()
              if ": " in line and not line.startswith("wss://")]
    assert len(frames) > 100
    snapshots = [text for text in frames if len(text) > 2 * (MAX_DEPTH + 1)]
    assert snapshots  # the long frames go through the depth check
    for text in frames:
        assert loads(text) == json.loads(text)


def test_the_default_backend_is_one_of_the_two() -> None:
    assert json_decoder.loads in (json_decoder.json_loads, json_decoder.orjson_loads)
    assert json_decoder.BACKEND == ("orjson" if json_decoder.loads is json_decoder.orjson_loads else "json")


# ---------------------------------------------------------------------------------------------------
# REST: the same decoder and the same serializers
# ---------------------------------------------------------------------------------------------------

TICKER_TEXTS = {
    "good": "[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,7617.1,8314.7,8257.8,7500]",
    "nan": "[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,NaN,8314.7,8257.8,7500]",
    "string": '[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,"g",8314.7,8257.8,7500]',
    "bool": "[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,true,8314.7,8257.8,7500]",
    "huge": "[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,1e400,8314.7,8257.8,7500]",
    "deep": "[" * 5000 + "]" * 5000,
}


@pytest.mark.parametrize("loads", BACKENDS)
async def test_rest_answers_with_bad_values_raise(loads: Loads, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(responses, "loads", loads)

    async def ticker(request: web.Request) -> web.Response:
        return web.Response(text=TICKER_TEXTS[request.match_info["symbol"][1:]], content_type="application/json")

    app = web.Application()
    app.router.add_get("/v2/ticker/{symbol}", ticker)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    rest = BfxRestInterface(f"http://127.0.0.1:{port}/v2", rate_limits=None, retry=RetryPolicy(attempts=1))
    try:
        good = await rest.public.get_t_ticker("tgood")
        assert good.last_price == 7617.1
        for case in ("nan", "string", "bool", "huge", "deep"):
            with pytest.raises(BfxBaseException) as caught:
                await rest.public.get_t_ticker(f"t{case}")
            if case in ("string", "bool"):
                assert isinstance(caught.value, MalformedPayloadError) and "last_price" in str(caught.value)
    finally:
        await rest.close()
        await runner.cleanup()


# ---------------------------------------------------------------------------------------------------
# The WebSocket client against the simulator
# ---------------------------------------------------------------------------------------------------

WS_EVENTS = ("t_ticker_update", "t_book_snapshot", "t_book_update", "invalid_message", "checksum_mismatch",
             "reconnection", "order_book_state")


def finite_numbers(obj: Any) -> bool:
    """Whether every number field of a payload object holds a finite int or float."""
    for field, annotation in type_hints(type(obj)).items():
        value = getattr(obj, field)
        base, nullable = base_and_optional(annotation)
        if base in (int, float) and not (value is None and nullable) and not _accepts(annotation, value):
            return False
    return True


@pytest.mark.parametrize("loads", BACKENDS)
async def test_bad_frames_are_reported_not_delivered_and_the_client_goes_on(loads: Loads) -> None:
    async with simulator() as sim:
        # Frames injected below carry no sequence number: the client must not ask for them.
        wss = BfxWebSocketClient(sim.wss_host, options=dataclasses.replace(FAST, sequence=False), loads=loads)
        events = Recorder(pytypes.SimpleNamespace(wss=wss), *WS_EVENTS)  # type: ignore[arg-type]
        try:
            await wss.connect()
            await wss.subscribe("ticker", symbol="tBTCUSD", sub_id="ticker")
            book = await wss.order_book("tBTCUSD", prec="P0", len=25)
            assert book.state == "synced"
            connection = open_connections(sim)[0]
            chan = {sub.request["subId"]: chan_id for chan_id, sub in connection.subscriptions.items()}
            ticker, levels = chan["ticker"], chan[book.sub_id]
            await sim.advance(2)
            await sim.wait_for(lambda: events.count("t_ticker_update", "ticker") and book.checksums_verified)
            verified = book.checksums_verified
            bad = [
                f"[{ticker},[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,NaN,8314.7,8257.8,7500]]",
                f'[{ticker},[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,"g",8314.7,8257.8,7500]]',
                f"[{ticker},[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,1e400,8314.7,8257.8,7500]]",
                f"[{ticker},[7616.5,31.8,7617.5,43.3,-550.8,-0.0674,false,8314.7,8257.8,7500]]",
                f"[{levels},[NaN,1,1]]",
                f"[{levels},[-Infinity,1,-1]]",
                f'[{levels},["x",1,1]]',
                f"[{levels},[7254.5,true,1]]",
                f"[{levels},[7254.5,1,[1]]]",
                f"[{levels},[[7254.6,1,1e400],[7254.5,1,1]]]",  # a bulk update (see the test below)
                # Deeper than MAX_DEPTH (the decoder's own tests go 100,000 deep; the simulator decodes
                # what it injects with the standard library, which recurses).
                "[" * 300,
                f"[{levels}," + "[" * 300 + "]" * 300 + "]",
            ]
            delivered = {event: events.count(event) for event in ("t_ticker_update", "t_book_update")}
            for count, frame in enumerate(bad, start=1):
                await sim.inject(connection, frame)
                await events.wait_count("invalid_message", count)
            assert events.count("invalid_message") == len(bad)
            assert all(isinstance(args[0], BfxBaseException) for args in events.of("invalid_message"))
            # Nothing of them was delivered, to callbacks or to the managed book.
            assert {event: events.count(event) for event in delivered} == delivered
            entries = [*book.bids, *book.asks]
            assert entries and all(finite_numbers(entry) for entry in entries)
            # The client goes on: later frames are delivered, the book stays in sync with the server.
            await sim.advance(3)
            await sim.wait_for(lambda: events.count("t_ticker_update", "ticker") > delivered["t_ticker_update"]
                               and book.checksums_verified > verified)
            assert all(finite_numbers(args[1]) for args in events.of("t_ticker_update"))
            assert all(finite_numbers(args[1]) for args in events.of("t_book_update"))
            assert book.state == "synced" and events.count("checksum_mismatch") == 0
            assert connection.open and events.count("reconnection") == 0
        finally:
            await wss.close()


@pytest.mark.parametrize("name", serializers.__serializers__)
def test_every_serializer_checks_every_number_field(name: str) -> None:
    # The list of types is the serializers module's own: a new type is covered without being listed here.
    serializer = serializer_of(name)
    wire = valid_wire(name)
    assert type(serializer.from_wire(wire)) is getattr(types, name)
    for field, _, _ in number_fields(name):
        for value in (NAN, INF, "1", True):
            bad = list(wire)
            bad[serializer.labels.index(field)] = value
            with pytest.raises(MalformedPayloadError, match=field):
                serializer.from_wire(bad)


async def test_a_bulk_update_with_a_bad_row_is_not_delivered_at_all() -> None:
    async with simulator() as sim:
        wss = BfxWebSocketClient(sim.wss_host, options=dataclasses.replace(FAST, sequence=False))
        events = Recorder(pytypes.SimpleNamespace(wss=wss), *WS_EVENTS)  # type: ignore[arg-type]
        try:
            await wss.connect()
            book = await wss.order_book("tBTCUSD", prec="P0", len=25)
            connection = open_connections(sim)[0]
            (levels,) = connection.subscriptions
            updates = events.count("t_book_update")
            await sim.inject(connection, f'[{levels},[[7254.5,1,1],[7254.6,1,"x"]]]')
            await events.wait_count("invalid_message", 1)
            assert events.count("t_book_update") == updates
            assert all(entry.price != 7254.5 for entry in book.bids)
        finally:
            await wss.close()
