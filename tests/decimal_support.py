"""Test support for decimal mode: compare what the client built with the exact text the server sent.

The server's text is decoded here with every number kept as the text it was written as (:class:`Num`), with the
standard library and nothing of bfxapi's decoding. An object the client built matches a wire array (or, for the
merchant types, a JSON object) when each of its fields equals the array's slot for that field:

- a number field holding a ``Decimal`` must be the same decimal as the text, digit for digit (``Decimal(text)``'s
  sign, digits and exponent: ``0.10`` is not ``0.1``, ``1e-8`` is ``Decimal("1E-8")``, ``20000`` is
  ``Decimal(20000)``);
- an ``int`` must be an integer text of the same value; a ``float`` (only the fractional timestamps are) the float
  of the text;
- anything else equal, of the same type, recursively for lists and objects (``meta``).

Which slot holds which field is read from the float mode's serializer labels: these tests are about numbers, the
field order is checked elsewhere (test_types.py, test_ws_events.py) from protocol.md.
"""

import dataclasses
import json
import typing
from decimal import Decimal
from typing import Any, Iterator, Optional

from bfxapi.types import Notification, serializers
from bfxapi.types.labeler import PLACEHOLDER, Serializer, flatten
from bfxapi.types.number import is_number

#: the only fields typed ``float`` in both modes (timestamps Bitfinex sends with a fraction)
FLOAT_FIELDS = {("Liquidation", "mts"), ("Notification", "mts")}
_NOTIFICATION_LABELS = ("mts", "type", "message_id", PLACEHOLDER, "data", "code", "status", "text")


class Num(str):
    """A JSON number, as the text the server wrote."""


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def texts(body: str) -> Any:
    """``body`` decoded with every number left as its text (:class:`Num`)."""
    return json.loads(body, parse_float=Num, parse_int=Num, parse_constant=_refuse)


def same_number(value: Any, text: Num) -> bool:
    if value.__class__ is Decimal:
        return bool(value.as_tuple() == Decimal(text).as_tuple())
    if value.__class__ is int:
        return text.lstrip("-").isdigit() and value == int(text)
    if value.__class__ is float:
        return value == float(text)
    return False


def same(value: Any, raw: Any) -> bool:
    """Whether ``value`` (the client's) is what ``raw`` (the server's, numbers as text) says (module docs)."""
    if isinstance(raw, Num):
        return same_number(value, raw)
    if isinstance(raw, list):
        return isinstance(value, list) and len(value) == len(raw) and all(map(same, value, raw))
    if isinstance(raw, dict):
        return (isinstance(value, dict) and value.keys() == raw.keys()
                and all(same(value[key], raw[key]) for key in raw))
    return type(value) is type(raw) and value == raw


def _serializers() -> dict[type, Serializer[Any]]:
    out: dict[type, Serializer[Any]] = {}
    for name in serializers.__serializers__:
        serializer: Serializer[Any] = getattr(serializers, name)
        out[serializer.klass] = serializer
    return out


SERIALIZERS = _serializers()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _is_built(value: Any) -> bool:
    """A value the client built on its own (a nested object, or a list of them): matched separately."""
    if dataclasses.is_dataclass(value):
        return True
    return isinstance(value, list) and bool(value) and all(dataclasses.is_dataclass(item) for item in value)


class Wire:
    """Every array and object of some server texts, to find the one an object was built from."""

    def __init__(self) -> None:
        self.arrays: list[list[Any]] = []
        self.objects: list[dict[str, Any]] = []

    def add(self, body: str) -> Any:
        decoded = texts(body)
        self._collect(decoded)
        return decoded

    def _collect(self, raw: Any) -> None:
        if isinstance(raw, list):
            self.arrays.append(raw)
            if raw and isinstance(raw[0], str) and not isinstance(raw[0], Num):
                self.arrays.append(raw[1:])  # [SYMBOL, ...values] rows (tickers, derivatives status)
            if any(isinstance(item, list) for item in raw):
                self.arrays.append(flatten(raw))  # the flat layouts (margin info, funding info, pair info)
            for item in raw:
                self._collect(item)
        elif isinstance(raw, dict):
            self.objects.append(raw)
            for item in raw.values():
                self._collect(item)

    def source_of(self, obj: Any) -> Optional[Any]:
        """The array (or object) ``obj`` was built from, or None."""
        klass = type(obj)
        if klass is Notification:
            labels: tuple[str, ...] = _NOTIFICATION_LABELS
        elif klass in SERIALIZERS:
            labels = SERIALIZERS[klass].labels
        elif klass.__mro__[1] in SERIALIZERS:  # RecoveredTrade, RecoveredFundingTrade
            labels = SERIALIZERS[klass.__mro__[1]].labels
        else:
            return self._object_of(obj)
        wanted = [(slot, getattr(obj, label)) for slot, label in enumerate(labels) if label != PLACEHOLDER]
        wanted = [(slot, value) for slot, value in wanted if not _is_built(value)]
        for row in self.arrays:
            if len(row) >= len(labels) and all(same(value, row[slot]) for slot, value in wanted):
                return row
        return None

    def _object_of(self, obj: Any) -> Optional[dict[str, Any]]:
        fields = [(field.name, getattr(obj, field.name)) for field in dataclasses.fields(obj)]
        for candidate in self.objects:
            if all(_is_built(value) or same(value, candidate.get(_camel(name), candidate.get(name)))
                   for name, value in fields):
                return candidate
        return None


def objects_in(value: Any) -> Iterator[Any]:
    """Every dataclass instance in a result (lists, dicts, fields of dataclasses), depth first."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for field in dataclasses.fields(value):
            yield from objects_in(getattr(value, field.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from objects_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from objects_in(item)


def floats_in(value: Any, where: str = "") -> Iterator[str]:
    """Where a result holds a ``float``, except in the fields typed float in both modes."""
    if isinstance(value, float):
        yield where
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if (type(value).__name__, field.name) not in FLOAT_FIELDS:
                yield from floats_in(getattr(value, field.name), f"{type(value).__qualname__}.{field.name}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from floats_in(item, where)
    elif isinstance(value, dict):
        for item in value.values():
            yield from floats_in(item, where)


def number_fields(obj: Any) -> list[str]:
    """The fields of ``obj`` typed with the number type ``N`` (or ``Optional[N]``)."""
    hints = typing.get_type_hints(type(obj))
    return [field.name for field in dataclasses.fields(obj)
            if is_number(hints[field.name]) or any(is_number(arg) for arg in typing.get_args(hints[field.name]))]


def check_exact(result: Any, wire: Wire) -> int:
    """Assert that every object in ``result`` was built from one of ``wire``'s arrays or objects with exactly the
    server's numbers, that its number fields hold ``Decimal`` (or None), and that nothing but the fractional
    timestamps is a float; return how many ``Decimal`` values were checked."""
    assert list(floats_in(result)) == [], list(floats_in(result))[:5]
    checked = 0
    for obj in objects_in(result):
        assert wire.source_of(obj) is not None, f"no server array or object gives {obj!r}"
        for name in number_fields(obj):
            value = getattr(obj, name)
            assert value is None or value.__class__ is Decimal, (type(obj).__qualname__, name, value)
            checked += value is not None
    return checked
