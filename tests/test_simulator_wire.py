"""The simulator's own wire encoder: JavaScript number formatting and the checksum (protocol.md §3.4, §3.6)."""

import json

import pytest

from bfxapi.testing import checksum, dumps, js_number


@pytest.mark.parametrize("value, text", [
    (1e-6, "0.000001"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (6.8e-7, "6.8e-7"), (1e21, "1e+21"), (100.0, "100"),
    (7254.7, "7254.7"), (-1e-7, "-1e-7"), (0.0, "0"), (2e-8, "2e-8"), (0.00023112, "0.00023112"), (-0.5, "-0.5"),
    (123456789.0, "123456789"), (1e20, "100000000000000000000"), (1.7023900800000002, "1.7023900800000002"),
])
def test_js_number(value, text):
    assert js_number(value) == text


def test_dumps_is_compact_json_with_js_numbers():
    text = dumps({"event": "x", "a": [1, 2.0, None, True, "q\"", 1e-7]})
    assert text == '{"event":"x","a":[1,2,null,true,"q\\"",1e-7]}'
    assert json.loads(text)["a"][5] == 1e-7


def test_checksum_vectors_from_the_protocol_notes():
    assert checksum([(7254.7, 3.3), (7254.5, 0.5)], [(7255.1, -1.25), (7256, -1e-7)]) == 1876039605
    assert checksum([(7254.7, 3.3)], [(7255.1, -1.25)]) == -731786015
    assert checksum([(34753002978, 1.54340371)], [(34753006046, -0.5)]) == -852713933
