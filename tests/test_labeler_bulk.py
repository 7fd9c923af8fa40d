"""``from_wire_list``, the generated bulk parser (one loop over the rows, the per-row build inlined): for every
serializer, in both number modes, it gives what building each row with ``from_wire`` gives (types, values,
equality, repr, pickling) and fails the same way on a malformed row."""

import copy
import dataclasses
import json
import pickle
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

import pytest
from test_types import CASES, FLAT, NAMES, pulse_message_wire

from bfxapi.exceptions import MalformedPayloadError
from bfxapi.types import serializers
from bfxapi.types.codec import Codec
from bfxapi.types.labeler import PLACEHOLDER, Serializer

CODECS = {False: Codec(False), True: Codec(True)}


def in_mode(wire: list[Any], decimal: bool) -> list[Any]:
    """The wire array as the mode's decoder gives it (decimal mode: every fractional number a ``Decimal``)."""
    return json.loads(json.dumps(wire), parse_float=Decimal) if decimal else copy.deepcopy(wire)


def serializer(name: str, decimal: bool) -> Serializer[Any]:
    return getattr(CODECS[decimal], name)  # type: ignore[no-any-return]


def one_by_one(parse: Serializer[Any], rows: list[Any]) -> list[Any]:
    return [parse.from_wire(row) for row in rows]


def failure(call: Callable[[], Any]) -> MalformedPayloadError:
    with pytest.raises(MalformedPayloadError) as caught:
        call()
    return caught.value


def same_failure(first: MalformedPayloadError, second: MalformedPayloadError) -> None:
    assert type(first) is type(second)
    assert (first.type_name, first.payload, first.reason, str(first)) == (
        second.type_name, second.payload, second.reason, str(second)
    )  # fmt: skip


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
@pytest.mark.parametrize("name", NAMES)
def test_a_list_builds_what_each_row_builds(name: str, decimal: bool) -> None:
    wire, _ = CASES[name]
    exact = in_mode(wire, decimal)
    longer = [*in_mode(wire, decimal), 12345, "a field Bitfinex added later"]
    rows = [exact, longer, in_mode(wire, decimal)]
    parse = serializer(name, decimal)
    built = parse.from_wire_list(rows)
    expected = one_by_one(parse, rows)
    assert type(built) is list and len(built) == 3
    for got, want in zip(built, expected):
        assert type(got) is type(want)
        assert got == want
        assert repr(got) == repr(want)
        assert [type(value) for value in dataclasses.astuple(got)] == [
            type(value) for value in dataclasses.astuple(want)
        ]
        assert pickle.loads(pickle.dumps(got)) == want
    assert built[0] is not built[2]  # one object per row, never shared


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
@pytest.mark.parametrize("name", NAMES)
def test_a_short_row_fails_as_it_does_alone(name: str, decimal: bool) -> None:
    wire, _ = CASES[name]
    good = in_mode(wire, decimal)
    short = in_mode(wire, decimal)[:-1] if name not in FLAT else [*in_mode(wire, decimal)[:-1], []]
    parse = serializer(name, decimal)
    same_failure(failure(lambda: parse.from_wire_list([good, short])), failure(lambda: parse.from_wire(short)))


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
@pytest.mark.parametrize("name", ["TradingPairBook", "Candle", "TradingPairTrade", "Wallet", "Order", "Ledger"])
@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), True, "1.5", None, [1]], ids=["nan", "inf", "bool", "text", "null", "array"]
)
def test_a_row_with_a_bad_number_fails_as_it_does_alone(name: str, decimal: bool, bad: Any) -> None:
    wire, _ = CASES[name]
    parse = serializer(name, decimal)
    rows = [in_mode(wire, decimal) for _ in range(3)]
    # the first number slot that does not take the bad value (some slots are Optional, some Any)
    for slot in range(len(wire)):
        rows[1] = in_mode(wire, decimal)
        rows[1][slot] = bad
        try:
            parse.from_wire(rows[1])
        except MalformedPayloadError as alone:
            same_failure(failure(lambda: parse.from_wire_list(rows)), alone)
            return
    pytest.fail(f"no slot of {name} refuses {bad!r}")


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
def test_decimal_mode_refuses_a_float_in_a_list(decimal: bool) -> None:
    parse = serializer("TradingPairBook", decimal)
    rows = [[Decimal("64000.5"), 2, Decimal("0.25")], [64000.5, 2, Decimal("0.25")]]
    if decimal:
        same_failure(failure(lambda: parse.from_wire_list(rows)), failure(lambda: parse.from_wire(rows[1])))
    else:  # float mode takes neither Decimal
        same_failure(failure(lambda: parse.from_wire_list(rows)), failure(lambda: parse.from_wire(rows[0])))


def test_decimal_mode_turns_integers_into_decimals_in_a_list() -> None:
    (level,) = serializer("TradingPairBook", True).from_wire_list([[64000, 2, Decimal("-0.5")]])
    assert type(level.price) is Decimal and level.price == Decimal(64000)
    assert type(level.count) is int


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
@pytest.mark.parametrize("rows", [None, {"rows": []}, "rows", 42, ([1.0, 1, 1.0],)], ids=repr)
def test_what_is_not_a_list_fails_naming_the_list(rows: Any, decimal: bool) -> None:
    caught = failure(lambda: serializer("TradingPairBook", decimal).from_wire_list(rows))
    assert caught.type_name == "list[TradingPairBook]"
    assert caught.payload is rows


def test_a_tuple_row_in_a_list_is_refused() -> None:
    row = (64000.5, 2, 0.25)
    parse = serializers.TradingPairBook
    same_failure(failure(lambda: parse.from_wire_list([row])), failure(lambda: parse.from_wire(row)))


def test_a_list_subclass_and_an_empty_list_are_accepted() -> None:
    class Rows(list):  # type: ignore[type-arg]
        pass

    parse = serializers.TradingPairBook
    assert parse.from_wire_list(Rows([[64000.5, 2, 0.25]])) == [parse.from_wire([64000.5, 2, 0.25])]
    assert parse.from_wire_list([]) == []


def test_nested_serializers_still_build_their_fields_in_a_list() -> None:
    # PulseMessage's profile has a serializer of its own, which unwraps [[...]]: the per-row path of the subclass.
    rows = [pulse_message_wire(CASES["PulseProfile"][0]), pulse_message_wire([CASES["PulseProfile"][0]])]
    built = serializers.PulseMessage.from_wire_list(rows)
    assert built == one_by_one(serializers.PulseMessage, rows)
    assert all(type(message.profile).__name__ == "PulseProfile" for message in built)


@dataclass(frozen=True)
class Frozen:
    a: int
    b: float


@dataclass
class Checked:
    a: int
    b: float

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("a must not be negative")


@dataclass
class Flat:
    a: int
    b: float


@pytest.mark.parametrize(
    "parse",
    [
        Serializer("Frozen", Frozen, ["a", PLACEHOLDER, "b"]),
        Serializer("Checked", Checked, ["a", PLACEHOLDER, "b"]),
        Serializer("Flat", Flat, ["a", PLACEHOLDER, "b"], flat=True),
    ],
    ids=lambda parse: parse.name,
)
def test_classes_built_by_calling_them_and_flat_layouts(parse: Serializer[Any]) -> None:
    rows: list[list[Any]] = [[1, None, 2.5], [3, "x", 4, "more"]]
    if parse.flat:
        rows.append([5, [None, 6.5]])
    assert parse.from_wire_list(rows) == one_by_one(parse, rows)
    bad: list[list[Any]] = [[1, None, 2.5], [1, None, "2.5"]]
    same_failure(failure(lambda: parse.from_wire_list(bad)), failure(lambda: parse.from_wire(bad[1])))


def test_the_post_init_of_a_class_still_runs_for_each_row() -> None:
    parse = Serializer("Checked", Checked, ["a", PLACEHOLDER, "b"])
    with pytest.raises(ValueError, match="negative"):
        parse.from_wire_list([[1, None, 2.5], [-1, None, 2.5]])


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
@pytest.mark.parametrize("name", ["TradingPairBook", "Candle", "Wallet"])
def test_a_list_parser_is_generated_for_plain_serializers(name: str, decimal: bool) -> None:
    # The serializers of the big REST lists get the one-loop parser (not the per-row method), named for profiles.
    parse = serializer(name, decimal)
    assert parse.from_wire_list.__qualname__ == f"Serializer({name}).from_wire_list"
