"""What the REST layer puts in a query string (every kind of value, ``None`` left out, in the caller's order) and a
history window, and what it makes of an answer: a successful array is returned as decoded, an error array or a rate
limit object raises even with a successful status, and an error status raises whatever the body."""

import enum
from decimal import Decimal

import pytest

from bfxapi.exceptions import InvalidInputTypeError
from bfxapi.rest._interface.params import query_string_params, window
from bfxapi.rest._interface.responses import decode_response
from bfxapi.rest.exceptions import RateLimitError, RequestParameterError, UnexpectedResponseError


class Side(enum.IntEnum):
    BUY = 1


class Name(str, enum.Enum):
    BTC = "tBTCUSD"


def test_query_values_of_every_kind_are_sent_as_bitfinex_text():
    params = {"len": 25, "symbols": "tBTCUSD,fUSD", "none": None, "flag": True, "off": False, "side": Side.BUY,
              "name": Name.BTC, "rate": Decimal("0.0002"), "price": 0.1, "list": [1, "a"], "neg": -1}
    assert query_string_params(params) == {
        "len": "25", "symbols": "tBTCUSD,fUSD", "flag": "1", "off": "0", "side": "1", "name": "tBTCUSD",
        "rate": "0.0002", "price": "0.1", "list": "1,a", "neg": "-1",
    }
    assert list(query_string_params(params)) == [name for name, value in params.items() if value is not None]


def test_a_query_value_of_another_type_is_refused():
    with pytest.raises(InvalidInputTypeError):
        query_string_params({"x": object()})


def test_an_empty_window_and_a_checked_one():
    assert window() == {"limit": None, "start": None, "end": None, "sort": None}
    assert window(start="1700000000000", limit=10, sort=-1) == {
        "limit": 10, "start": "1700000000000", "end": None, "sort": -1}
    with pytest.raises(InvalidInputTypeError):
        window(limit="10")


def _decode(status: int, body: bytes, headers=None):
    return decode_response(status, body, headers or {}, method="GET", path="book/tBTCUSD/P0")


def test_successful_answers_are_returned_as_decoded():
    assert _decode(200, b"[[1,2.5,3]]") == [[1, 2.5, 3]]
    assert _decode(200, b"[]") == []
    assert _decode(200, b'["error"]') == ["error"]  # too short to be an error: data
    assert _decode(200, b'{"a":1}') == {"a": 1}


def test_error_arrays_and_rate_limits_in_a_successful_status_still_raise():
    with pytest.raises(RequestParameterError):
        _decode(200, b'["error",10020,"limit: invalid"]')
    with pytest.raises(RateLimitError):
        _decode(200, b'{"error":"ERR_RATE_LIMIT"}')
    with pytest.raises(UnexpectedResponseError):
        _decode(200, b"<html>not json</html>")


def test_an_array_with_an_error_status_still_raises():
    with pytest.raises(RateLimitError) as raised:
        _decode(429, b"[]", {"Retry-After": "5"})
    assert raised.value.retry_after == 5.0
    with pytest.raises(UnexpectedResponseError):
        _decode(502, b"[1,2]")
