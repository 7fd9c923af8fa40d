"""JSON decoding of what Bitfinex sends.

Frames are decoded once each, on the hot path. ``orjson`` decodes Bitfinex frames about twice as fast as
the standard library (see benchmarks/README.md); it is used when installed (``pip install bfxapi[speedups]``)
and the standard library otherwise. Both give the same Python values (``int`` for integral numbers,
``float`` for the others) and refuse the same texts, with a ``ValueError``:

- ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON (orjson refuses them; the standard library is
  told to). A number too large for a float (``1e400``) is refused by orjson and becomes ``inf`` in the
  standard library: the serializers refuse it in every number field (:mod:`bfxapi.types.labeler`).
- nesting deeper than :data:`MAX_DEPTH` (128) levels. The deepest real payloads (an ``ox_multi-req``
  notification whose inner notifications carry orders and their ``meta`` objects; a merchant invoice page)
  are 6 to 7 levels deep. The standard library would otherwise recurse once per level and raise
  ``RecursionError`` (or exhaust the C stack under a raised recursion limit) on ``[[[[...``; orjson stops at
  1024 levels on its own, deeper than the ``repr`` of an error message can follow (``RecursionError``).

Only a text long enough to nest that deep (258 characters or more) is looked at before decoding: every
update frame is shorter, and pays one length test. A longer one (a snapshot, a REST answer) has its
brackets counted, and its structure read at C speed if they are many.

Decimal mode (``Client(decimal=True)``) decodes with :data:`decimal_loads`: every number with a fraction or an
exponent becomes a ``decimal.Decimal`` built from its text (``0.1`` is ``Decimal("0.1")``, ``1e-8`` is
``Decimal("1E-8")``), never through a ``float``; integers stay ``int``. ``msgspec`` does it about three times as
fast as the standard library on Bitfinex frames (it hands the number's text to ``Decimal``; orjson cannot), so it
is used when installed (the ``speedups`` extra), and the standard library's ``parse_float=Decimal`` otherwise.
Both refuse what the float decoders refuse, except a number too large for a float (``1e400``), which is an exact
``Decimal`` here.
"""

import importlib
import itertools
import json
import json.scanner
import re
from decimal import Decimal
from typing import Any, Callable, NoReturn, Optional

from ..exceptions import InvalidJSONError

__all__ = [
    "loads", "BACKEND", "MAX_DEPTH", "InvalidJSONError", "json_loads", "orjson_loads", "decimal_loads",
    "DECIMAL_BACKEND", "json_decimal_loads", "msgspec_decimal_loads", "short_text_decoder",
]

#: the deepest nesting of arrays and objects a text may have
MAX_DEPTH = 128


# A text shorter than this cannot be valid JSON nested deeper than MAX_DEPTH (each level takes an opening
# and a closing bracket); an invalid one is refused by the backend, after recursing once per character at
# most. With MAX_DEPTH at 128, every update frame (a book level, a trade, a ticker, a candle: 40 to 250
# characters) is decoded at once; a lower limit would have them pay for counting their brackets.
_DEEP_FROM = 2 * (MAX_DEPTH + 1)
# For bytes.translate: both kinds of brackets as one kind, quotes kept, everything else deleted.
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'[]{}"')
_NOT_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_TOO_DEEP = b"[" * (MAX_DEPTH + 1)
# Rounds of taking out the innermost pairs before counting: real payloads are at most 7 levels deep.
_ROUNDS = 8
_STEP = tuple(1 if byte == ord("[") else -1 for byte in range(256))


def _structure(text: str) -> bytes:
    """The brackets of ``text`` that are outside its strings, in order, all written ``[`` and ``]``."""
    kept = text.encode("utf-8", "surrogatepass").translate(_BRACKETS, _NOT_STRUCTURE)
    if "\\" not in text:
        # Without escapes, a string with no bracket in it is left as '""' and goes; a quote that stays
        # means a string holds a bracket.
        kept = kept.replace(b'""', b"")
        if b'"' not in kept:
            return kept
    # Escaped quotes, or brackets in strings: take the strings out by their grammar (slower, and rare).
    return _STRING.sub("", text).encode("utf-8", "surrogatepass").translate(_BRACKETS, _NOT_BRACKET)


def _check_depth(text: str) -> None:
    """Raise unless ``text``'s arrays and objects nest at most MAX_DEPTH deep."""
    structure = _structure(text)
    depth = 0
    # Each round takes out the innermost pairs, one level of nesting, at C speed; what real payloads
    # leave after a few rounds is nothing.
    while structure and depth < _ROUNDS:
        if _TOO_DEEP in structure:
            depth = MAX_DEPTH + 1
            break
        structure = structure.replace(b"[]", b"")
        depth += 1
    else:
        if structure:
            # The nesting of what is left, counted bracket by bracket (also right for brackets that do not
            # match: the backend refuses them, after recursing as deep as they open).
            depth += max(0, max(itertools.accumulate(map(_STEP.__getitem__, structure)), default=0))
    if depth > MAX_DEPTH:
        raise InvalidJSONError(f"nested deeper than {MAX_DEPTH} levels ({len(text)} characters)")


def _refuse_constant(constant: str) -> NoReturn:
    raise InvalidJSONError(f"{constant} is not a JSON number")


_JSON = json.JSONDecoder(parse_constant=_refuse_constant)
_JSON_DECIMAL = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant)
_decode_json = _JSON.decode
_decode_json_decimal = _JSON_DECIMAL.decode
# The decoders' scanners (C code), called directly: ``JSONDecoder.decode`` wraps the same scan in two Python calls and
# two whitespace matches, a third of the time of decoding an update frame. A frame is one value with no whitespace
# around it: what the scanner reads at 0, ending at the frame's end. Anything else (whitespace, extra data, no
# value at 0) goes through ``decode``, which gives the same value or the same error as it always did.


def _scanner(decoder: json.JSONDecoder) -> Callable[[str, int], tuple[Any, int]]:
    """The scanner (``scan_once``) of ``decoder``: the C one when the interpreter has it, as ``decode`` uses."""
    make: Any = json.scanner.make_scanner  # typeshed types it as a class of its own, not as taking a decoder
    scan: Callable[[str, int], tuple[Any, int]] = make(decoder)
    return scan


_scan_json = _scanner(_JSON)
_scan_json_decimal = _scanner(_JSON_DECIMAL)


def json_loads(text: str) -> Any:
    """Decode ``text`` with the standard library (refusing what the module docstring says)."""
    if len(text) >= _DEEP_FROM and (
        text.count("[") > MAX_DEPTH or ("{" in text and text.count("[") + text.count("{") > MAX_DEPTH)
    ):
        _check_depth(text)
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:  # no value at 0: decode() says why (or skips the leading whitespace)
        return _decode_json(text)
    return value if end == len(text) else _decode_json(text)


def json_decimal_loads(text: str) -> Any:
    """Decode ``text`` with the standard library, numbers with a fraction or an exponent as ``Decimal`` (decimal
    mode; refusing what the module docstring says)."""
    if len(text) >= _DEEP_FROM and (
        text.count("[") > MAX_DEPTH or ("{" in text and text.count("[") + text.count("{") > MAX_DEPTH)
    ):
        _check_depth(text)
    try:
        value, end = _scan_json_decimal(text, 0)
    except StopIteration:  # as in json_loads
        return _decode_json_decimal(text)
    return value if end == len(text) else _decode_json_decimal(text)


#: the backends whose refusals on a text shorter than _DEEP_FROM are their decoder's own: that decoder
_SHORT_TEXT: dict[Callable[[str], Any], Callable[[str], Any]] = {}


def short_text_decoder(decoder: Callable[[str], Any]) -> tuple[Callable[[str], Any], int]:
    """``(decode, below)``: a function that decodes a text shorter than ``below`` characters exactly as ``decoder``
    does, one Python call cheaper (the receive loop decodes every frame, and update frames are short); ``below``
    is 0 when there is none, so ``decode`` is never the one called."""
    short = _SHORT_TEXT.get(decoder)
    return (short, _DEEP_FROM) if short is not None else (decoder, 0)


def _orjson_backend() -> Optional[Callable[[str], Any]]:
    try:
        module = importlib.import_module("orjson")
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    decode: Callable[[str], Any] = module.loads

    def loads_with_orjson(text: str) -> Any:
        """Decode ``text`` with orjson (refusing what the module docstring says)."""
        if len(text) >= _DEEP_FROM and (
            text.count("[") > MAX_DEPTH or ("{" in text and text.count("[") + text.count("{") > MAX_DEPTH)
        ):
            _check_depth(text)
        return decode(text)

    _SHORT_TEXT[loads_with_orjson] = decode
    return loads_with_orjson


def _msgspec_decimal_backend() -> Optional[Callable[[str], Any]]:
    try:
        module = importlib.import_module("msgspec")
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    # float_hook receives the number's text: Decimal(text) is exact. msgspec refuses NaN and Infinity itself.
    decode: Callable[[str], Any] = module.json.Decoder(float_hook=Decimal).decode
    error: type[Exception] = module.DecodeError

    def decimal_loads_with_msgspec(text: str) -> Any:
        """Decode ``text`` with msgspec, numbers with a fraction or an exponent as ``Decimal`` (decimal mode;
        refusing what the module docstring says)."""
        if len(text) >= _DEEP_FROM and (
            text.count("[") > MAX_DEPTH or ("{" in text and text.count("[") + text.count("{") > MAX_DEPTH)
        ):
            _check_depth(text)
        try:
            return decode(text)
        except error as failure:  # not a ValueError of its own: the other decoders' callers catch ValueError
            raise ValueError(f"not JSON: {failure}") from None

    return decimal_loads_with_msgspec


#: orjson's decoder, or None when orjson is not installed
orjson_loads = _orjson_backend()
#: the decoder the client uses: orjson's when installed
loads: Callable[[str], Any] = orjson_loads or json_loads
BACKEND = "json" if orjson_loads is None else "orjson"
#: msgspec's decoder in decimal mode, or None when msgspec is not installed
msgspec_decimal_loads = _msgspec_decimal_backend()
#: the decoder of a client in decimal mode: msgspec's when installed
decimal_loads: Callable[[str], Any] = msgspec_decimal_loads or json_decimal_loads
DECIMAL_BACKEND = "json" if msgspec_decimal_loads is None else "msgspec"
