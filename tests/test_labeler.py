"""The serializer mechanism (labeler.py) and notifications (notification.py), on small local types."""

import json
from dataclasses import dataclass
from typing import Any, Optional

import pytest

from bfxapi.exceptions import LabelerSerializerException, MalformedPayloadError
from bfxapi.types import Notification
from bfxapi.types.labeler import PLACEHOLDER, RecursiveSerializer, Serializer, flatten
from bfxapi.types.notification import NotificationSerializer


@dataclass
class Point:
    x: int
    y: int


@dataclass
class Info:
    symbol: str
    low: float
    high: float


@dataclass
class Inner:
    a: int
    b: str


@dataclass
class Outer:
    name: str
    inner: Optional[Inner]
    count: int


POINT = Serializer("Point", Point, ["x", PLACEHOLDER, "y"])
INFO = Serializer("Info", Info, [PLACEHOLDER, "symbol", "low", "high"], flat=True)
INNER = Serializer("Inner", Inner, ["a", PLACEHOLDER, "b"])
OUTER = RecursiveSerializer("Outer", Outer, ["name", "inner", PLACEHOLDER, "count"], serializers={"inner": INNER})

# protocol.md §4.7: an `ou-req` notification and the order it carries.
ORDER_NOTIFICATION = json.loads(
    '[1575289447641,"ou-req",null,null,[1185815100,null,1575289350475,"tETHUSD",1575289351944,1575289351948,-3,-3,'
    '"LIMIT",null,null,null,0,"ACTIVE",null,null,240,0,0,0,null,null,null,0,0,null,null,null,"API>BFX",null,null,'
    'null],null,"SUCCESS","Submitting update to limit sell order for 3 ETH."]'
)


@dataclass
class MiniOrder:
    id: int
    symbol: str
    amount: float


# Reads slots 0, 3 and 6 of an order array: ID, SYMBOL, AMOUNT.
MINI_ORDER = Serializer(
    "MiniOrder", MiniOrder, ["id", PLACEHOLDER, PLACEHOLDER, "symbol", PLACEHOLDER, PLACEHOLDER, "amount"]
)


# ---------------------------------------------------------------------------------------------------
# Serializer
# ---------------------------------------------------------------------------------------------------


def test_placeholders_are_skipped() -> None:
    assert POINT.from_wire([3, "ignored", 4]) == Point(x=3, y=4)
    assert POINT.get_labels() == ["x", "y"]
    assert POINT.labels == ("x", PLACEHOLDER, "y")


def test_parse_takes_the_elements_as_arguments() -> None:
    assert POINT.parse(3, None, 4) == Point(3, 4)


def test_extra_trailing_elements_are_ignored() -> None:
    assert POINT.from_wire([3, None, 4, 5, "new field", [6]]) == Point(3, 4)


def test_too_short_raises_naming_the_type() -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        POINT.from_wire([3, None])
    assert caught.value.type_name == "Point"
    assert caught.value.payload == [3, None]
    assert str(caught.value).startswith("Cannot build Point: expected at least 3 elements, got 2")


@pytest.mark.parametrize("payload", [None, (3, None, 4), {"x": 3}, "3,4", 3])
def test_non_list_raises_naming_the_type(payload: Any) -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        POINT.from_wire(payload)
    assert caught.value.type_name == "Point"
    assert "expected an array" in str(caught.value)


def test_the_old_exception_name_is_the_same_class() -> None:
    assert LabelerSerializerException is MalformedPayloadError
    with pytest.raises(LabelerSerializerException):
        POINT.from_wire([])


@dataclass
class Pair:
    first: Any
    second: Any


def test_a_nested_list_stays_a_value_when_not_flat() -> None:
    parsed = Serializer("Pair", Pair, ["first", PLACEHOLDER, "second"]).from_wire([[1, 2], None, [3]])
    assert (parsed.first, parsed.second) == ([1, 2], [3])
    with pytest.raises(MalformedPayloadError):  # where the type says int, a list is refused
        POINT.from_wire([[1, 2], None, [3]])


def test_flat_serializer_flattens_nested_arrays() -> None:
    assert INFO.from_wire(["sym", "tBTCUSD", [1.5, 2.5]]) == Info("tBTCUSD", 1.5, 2.5)
    assert INFO.from_wire([["sym"], ["tBTCUSD", [1.5, [2.5]]]]) == Info("tBTCUSD", 1.5, 2.5)
    assert INFO.from_wire(["sym", "tBTCUSD", [1.5, 2.5, 9.9]]) == Info("tBTCUSD", 1.5, 2.5)


def test_flat_serializer_counts_the_flattened_elements() -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        INFO.from_wire(["sym", "tBTCUSD", [1.5]])
    assert caught.value.type_name == "Info"
    assert "got 3" in str(caught.value)


def test_flatten_is_depth_first() -> None:
    assert flatten(["sym", "tBTCUSD", [1, [2, [3]], 4], 5]) == ["sym", "tBTCUSD", 1, 2, 3, 4, 5]


def test_from_wire_list() -> None:
    assert POINT.from_wire_list([[1, None, 2], [3, None, 4]]) == [Point(1, 2), Point(3, 4)]
    assert not POINT.from_wire_list([])
    with pytest.raises(MalformedPayloadError) as caught:
        POINT.from_wire_list("rows")
    assert caught.value.type_name == "list[Point]"
    with pytest.raises(MalformedPayloadError) as caught:
        POINT.from_wire_list([[1, None, 2], [3]])
    assert caught.value.type_name == "Point"


@pytest.mark.parametrize(
    "labels",
    [
        ["x"],  # a field without a label
        ["x", "y", "z"],  # a label without a field
        ["y", "x"],  # the right names in the wrong order
        ["x", "why"],  # a misspelt name
    ],
)
def test_labels_that_do_not_match_the_dataclass_raise_at_construction(labels: list[str]) -> None:
    with pytest.raises(TypeError, match="Point"):
        Serializer("Point", Point, labels)


def test_placeholders_do_not_count_as_fields() -> None:
    serializer = Serializer("Point", Point, [PLACEHOLDER, "x", PLACEHOLDER, PLACEHOLDER, "y", PLACEHOLDER])
    assert serializer.from_wire([0, 1, 0, 0, 2, 0]) == Point(1, 2)
    with pytest.raises(MalformedPayloadError):
        serializer.from_wire([0, 1, 0, 0, 2])  # a trailing placeholder slot is still required


# ---------------------------------------------------------------------------------------------------
# RecursiveSerializer
# ---------------------------------------------------------------------------------------------------


def test_recursive_serializer_builds_the_nested_type() -> None:
    outer = OUTER.from_wire(["parent", [7, "skip", "seven"], None, 3])
    assert outer == Outer("parent", Inner(7, "seven"), 3)
    assert isinstance(outer.inner, Inner)


def test_recursive_serializer_leaves_a_null_nested_value() -> None:
    assert OUTER.from_wire(["parent", None, None, 3]) == Outer("parent", None, 3)


def test_recursive_serializer_reports_the_nested_type() -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        OUTER.from_wire(["parent", [7], None, 3])
    assert caught.value.type_name == "Inner"
    with pytest.raises(MalformedPayloadError) as caught:
        OUTER.from_wire(["parent", [7, None, "seven"], None])
    assert caught.value.type_name == "Outer"


def test_recursive_serializer_rejects_nested_serializers_for_unknown_fields() -> None:
    with pytest.raises(TypeError, match="unknown fields"):
        RecursiveSerializer("Outer", Outer, ["name", "inner", "count"], serializers={"missing": INNER})


# ---------------------------------------------------------------------------------------------------
# NotificationSerializer
# ---------------------------------------------------------------------------------------------------


def test_notification_with_flat_data_as_on_the_websocket() -> None:
    notification = NotificationSerializer[MiniOrder](MINI_ORDER).from_wire(ORDER_NOTIFICATION)
    assert isinstance(notification, Notification)
    assert notification.mts == 1575289447641
    assert notification.type == "ou-req"
    assert notification.message_id is None
    assert notification.data == MiniOrder(1185815100, "tETHUSD", -3)
    assert notification.code is None
    assert notification.status == "SUCCESS"
    assert notification.text == "Submitting update to limit sell order for 3 ETH."


def test_notification_unwraps_the_rest_style_wrapping() -> None:
    wrapped = [*ORDER_NOTIFICATION]
    wrapped[4] = [ORDER_NOTIFICATION[4]]  # REST submit: [[ORDER]]
    notification = NotificationSerializer[MiniOrder](MINI_ORDER).from_wire(wrapped)
    assert notification.data == MiniOrder(1185815100, "tETHUSD", -3)


def test_iterable_notification_builds_a_list() -> None:
    second = [*ORDER_NOTIFICATION[4]]
    second[0], second[3] = 1185815101, "tBTCUSD"
    payload = [*ORDER_NOTIFICATION]
    payload[4] = [ORDER_NOTIFICATION[4], second]
    notification = NotificationSerializer[list[MiniOrder]](MINI_ORDER, is_iterable=True).from_wire(payload)
    assert notification.data == [MiniOrder(1185815100, "tETHUSD", -3), MiniOrder(1185815101, "tBTCUSD", -3)]


def test_iterable_notification_with_a_single_element_keeps_it_a_list() -> None:
    payload = [*ORDER_NOTIFICATION]
    payload[4] = [ORDER_NOTIFICATION[4]]
    notification = NotificationSerializer[list[MiniOrder]](MINI_ORDER, is_iterable=True).from_wire(payload)
    assert notification.data == [MiniOrder(1185815100, "tETHUSD", -3)]


def test_notification_with_null_data() -> None:
    payload = [1575289447641, "foc-req", None, None, None, 10001, "ERROR", "Offer not found."]
    notification = NotificationSerializer[MiniOrder](MINI_ORDER).from_wire(payload)
    data: Any = notification.data  # Notification.data is typed T, but Bitfinex may send null
    assert data is None
    assert (notification.code, notification.status, notification.text) == (10001, "ERROR", "Offer not found.")
    assert NotificationSerializer[list[MiniOrder]](MINI_ORDER, is_iterable=True).from_wire(payload).data is None


def test_notification_without_serializer_keeps_the_raw_data() -> None:
    info = {"type": "ucm-test", "info": {"a": 1}}
    notification = NotificationSerializer[Any]().from_wire([1, "ucm-test", 42, None, info, None, "INFO", "hi"])
    assert notification.data is info
    assert notification.message_id == 42
    raw = NotificationSerializer[Any]().from_wire(ORDER_NOTIFICATION)
    assert raw.data is ORDER_NOTIFICATION[4]


def test_notification_parse_takes_the_elements_as_arguments() -> None:
    serializer = NotificationSerializer[MiniOrder](MINI_ORDER)
    assert serializer.parse(*ORDER_NOTIFICATION) == serializer.from_wire(ORDER_NOTIFICATION)


def test_notification_ignores_extra_trailing_elements() -> None:
    serializer = NotificationSerializer[MiniOrder](MINI_ORDER)
    assert serializer.from_wire([*ORDER_NOTIFICATION, "new"]) == serializer.from_wire(ORDER_NOTIFICATION)


def test_too_short_notification_raises() -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        NotificationSerializer[MiniOrder](MINI_ORDER).from_wire(ORDER_NOTIFICATION[:7])
    assert caught.value.type_name == "Notification[MiniOrder]"
    assert "Notification[MiniOrder]" in str(caught.value)
    with pytest.raises(MalformedPayloadError) as caught:
        NotificationSerializer[list[MiniOrder]](MINI_ORDER, is_iterable=True).from_wire("n")
    assert caught.value.type_name == "Notification[list[MiniOrder]]"
    with pytest.raises(MalformedPayloadError) as caught:
        NotificationSerializer[Any]().from_wire(None)  # type: ignore[arg-type]
    assert caught.value.type_name == "Notification[Any]"


def test_notification_with_malformed_data_names_the_data_type() -> None:
    payload = [*ORDER_NOTIFICATION]
    payload[4] = [1185815100, None, None]
    with pytest.raises(MalformedPayloadError) as caught:
        NotificationSerializer[MiniOrder](MINI_ORDER).from_wire(payload)
    assert caught.value.type_name == "MiniOrder"
