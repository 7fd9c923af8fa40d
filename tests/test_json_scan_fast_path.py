"""The standard library decoder's fast path (the scanner called directly) gives what ``JSONDecoder.decode`` gives:
the same values, the same errors, for texts the fast path takes and texts it hands over."""

import json

import pytest

from bfxapi._utils import json_decoder
from bfxapi.exceptions import InvalidJSONError

TEXTS = [
    '[1,[64000.5,3,0.12345678],123]',
    '[1,"te",[1600000000,1760000000000,-0.5,64000.5],123]',
    '{"event":"info","version":2,"platform":{"status":1}}',
    '"text"',
    "0",
    "-1.5e-8",
    "null",
    "true",
    "[]",
    ' [1, 2] ',  # whitespace before and after: handed to decode()
    "[1,2]\n",
    "\t{}",
    '["\\u00e9\\"]"]',
]
BAD = [
    "",
    " ",
    "[1,2",
    "[1,2]x",  # extra data after a value the scanner reads
    "[1] [2]",
    "x",
    "[NaN]",
    "[Infinity]",
    "-Infinity",
    '"unterminated',
    "[1,]",
    "{'a': 1}",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(
    "fast, reference",
    [
        (json_decoder.json_loads, json.JSONDecoder().decode),
        (json_decoder.json_decimal_loads, json.JSONDecoder(parse_float=json_decoder.Decimal).decode),
    ],
)
def test_same_value_as_decode(text, fast, reference):
    value = fast(text)
    assert value == reference(text)
    assert type(value) is type(reference(text))


@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize("fast", [json_decoder.json_loads, json_decoder.json_decimal_loads])
def test_same_refusal_as_decode(text, fast):
    # the constants are refused with InvalidJSONError, every other bad text with the standard library's error
    expected = InvalidJSONError if ("NaN" in text or "Infinity" in text) else json.JSONDecodeError
    with pytest.raises(expected) as refused:
        fast(text)
    assert isinstance(refused.value, ValueError)
    if expected is json.JSONDecodeError:
        with pytest.raises(json.JSONDecodeError) as reference:
            json.loads(text)
        assert (refused.value.msg, refused.value.pos) == (reference.value.msg, reference.value.pos)


def test_too_deep_refused_before_scanning():
    with pytest.raises(InvalidJSONError):
        json_decoder.json_loads("[" * (json_decoder.MAX_DEPTH + 1) + "]" * (json_decoder.MAX_DEPTH + 1))


def test_the_receive_loops_short_text_decoder_decodes_as_the_backend_and_only_below_its_limit() -> None:
    from bfxapi._utils.json_decoder import MAX_DEPTH, InvalidJSONError, json_loads, orjson_loads, short_text_decoder

    # the standard library's wrapper does more than its decoder (the end of the value): it has no shortcut
    assert short_text_decoder(json_loads) == (json_loads, 0)
    if orjson_loads is None:
        return
    decode, below = short_text_decoder(orjson_loads)
    assert below == 2 * (MAX_DEPTH + 1)
    frames = ['[17,[30000,1,0.5],5]', '[17,"te",[1,1700000000000,-0.1,30001.5],6]', '{"event":"info","version":2}',
              '[17,"hb",7]', '[' * MAX_DEPTH + ']' * MAX_DEPTH]
    for frame in frames:
        assert len(frame) < below and decode(frame) == orjson_loads(frame)
    for bad in ("[1,", "[NaN]", "[1] x"):  # refused alike
        with pytest.raises(ValueError):
            orjson_loads(bad)
        with pytest.raises(ValueError):
            decode(bad)
    # a text at the limit or longer goes through the backend's depth check, which the bare decoder lacks
    too_deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert len(too_deep) >= below
    with pytest.raises(InvalidJSONError):
        orjson_loads(too_deep)
