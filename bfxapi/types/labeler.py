"""Positional wire arrays -> dataclasses, with every value checked against its field's annotation.

Bitfinex sends every payload as a positional JSON array and appends new fields at the end without
notice. A :class:`Serializer` knows the labels of one payload kind (``"_PLACEHOLDER"`` marks a slot
that is skipped), builds its dataclass from the array and ignores trailing elements it does not know.
It raises :class:`~bfxapi.exceptions.MalformedPayloadError` naming the type when the array is too short,
is not an array at all, or holds a value its field's annotation does not allow:

- ``float``: an ``int`` or a finite ``float`` (never NaN, an infinity, a ``bool`` or a numeric string);
- ``int``: an ``int`` (not a ``bool``); ``str``, ``bool``: exactly that; ``dict[...]``: an object;
  ``list[X]``: an array whose elements are ``X``; ``Optional[X]``: ``None`` or ``X``;
- ``Any``, and a dataclass built by a nested serializer (which checks it): anything;
- the number type ``N`` (:mod:`bfxapi.types.number`): depends on the serializer's number mode. In float mode, as
  ``float``. In decimal mode (``decimal=True``, for JSON decoded with its fractional numbers as ``Decimal``), a
  finite ``Decimal``, kept as it is, or an ``int``, which becomes ``Decimal(int)`` (``20000`` in a price slot);
  never a ``float``, which would mean the exact text was lost on the way. A ``float`` field (the fractional
  timestamps) takes a ``Decimal`` too in decimal mode and converts it to ``float``.

A serializer is of one mode; :meth:`Serializer.variant` gives its twin of the other mode (built once, kept), with
its own generated code: neither mode pays a test for the other.

Everything that does not depend on the frame is done once, when the serializer is created: it generates
the source of one function per payload kind, which reads each slot, checks it with an inline expression
(a class identity test, plus two comparisons for a float) and sets the fields of a new instance as the
dataclass's ``__init__`` would. A frame costs no loop, no ``isinstance``, no lookup of what to check and
no call of ``__init__`` (the call saved is worth a few checks). Only a payload that fails goes through the
slower path that finds the field at fault for the error message. A list of payloads (a REST list, a snapshot) has a
generated function of its own, ``from_wire_list``: one loop with the same code inlined, no call per row.
"""

import dataclasses
import math
import reprlib
import types
from decimal import Decimal
from typing import (
    Any,
    Callable,
    Generic,
    Mapping,
    Optional,
    Sequence,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from ..exceptions import MalformedPayloadError
from .number import is_number

__all__ = ["PLACEHOLDER", "Serializer", "RecursiveSerializer", "flatten"]

PLACEHOLDER = "_PLACEHOLDER"

T = TypeVar("T")

#: A check: a Python expression over the value ``{v}``, the words an error message uses for it, and the expression
#: that gives the field's value from a value that passed (None: the value itself).
_Check = tuple[str, str, Optional[str]]

# ``math.isfinite`` is false for NaN and both infinities (one call of a C function: fewer instructions than the
# two comparisons of ``_NINF < v < _INF``); an ``int`` is always finite.
_NUMBER: _Check = ("({v}.__class__ is _float and _isfinite({v}) or {v}.__class__ is _int)", "a finite number", None)
# Decimal mode. The conversions are the identity for every class but the one they convert, so that they also serve
# ``Optional[N]`` (None passes through) at the cost of one class test for the common case (a Decimal).
_DECIMAL: _Check = (
    "({v}.__class__ is _Decimal and {v}.is_finite() or {v}.__class__ is _int)",
    "a finite Decimal or an integer",
    "({v} if {v}.__class__ is not _int else _Decimal({v}))",
)
_DECIMAL_FLOAT: _Check = (
    "({v}.__class__ is _int or {v}.__class__ is _Decimal and {v}.is_finite()"
    " or {v}.__class__ is _float and _isfinite({v}))",
    "a finite number",
    "({v} if {v}.__class__ is not _Decimal else _float({v}))",
)
_EXACT: dict[Any, _Check] = {
    float: _NUMBER,
    int: ("{v}.__class__ is _int", "an integer", None),
    str: ("{v}.__class__ is _str", "a string", None),
    bool: ("{v}.__class__ is _bool", "a boolean", None),
    dict: ("{v}.__class__ is _dict", "an object", None),
    list: ("{v}.__class__ is _list", "an array", None),
    type(None): ("{v} is None", "null", None),
}
# What the generated code refers to; names start with ``_`` so that no field name can shadow them.
_NAMESPACE: dict[str, Any] = {
    "_float": float,
    "_int": int,
    "_Decimal": Decimal,
    "_str": str,
    "_bool": bool,
    "_dict": dict,
    "_list": list,
    "_all": all,
    "_isinstance": isinstance,
    "_enumerate": enumerate,
    "_isfinite": math.isfinite,
}

_shown = reprlib.Repr()
_shown.maxlevel = 3
_shown.maxstring = 60
_shown.maxother = 60


def flatten(values: Sequence[Any]) -> list[Any]:
    """Flatten nested lists, depth first (``["sym", "tBTCUSD", [1, 2]]`` -> ``["sym", "tBTCUSD", 1, 2]``)."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(flatten(value))
        else:
            out.append(value)
    return out


def _check_of(annotation: Any, classes: dict[str, type], decimal: bool = False) -> Optional[_Check]:
    """The check of one annotation (module docstring), or ``None`` when any value is allowed. ``classes``
    receives the classes an ``isinstance`` check refers to; ``decimal``: the serializer's number mode."""
    if is_number(annotation):
        return _DECIMAL if decimal else _NUMBER
    if annotation is Any or isinstance(annotation, (str, TypeVar)):
        return None  # Any, or an annotation that could not be resolved: nothing to hold the value to
    if annotation is float and decimal:
        return _DECIMAL_FLOAT
    if annotation in _EXACT:
        return _EXACT[annotation]
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        checks = [_check_of(arg, classes, decimal) for arg in get_args(annotation)]
        if any(check is None for check in checks):
            return None
        conversions = [check[2] for check in checks if check and check[2]]
        if len(conversions) > 1:
            raise TypeError(f"the annotation {annotation!r} would need two conversions of its value")
        return (
            "(" + " or ".join(check[0] for check in checks if check) + ")",
            " or ".join(check[1] for check in checks if check),
            conversions[0] if conversions else None,
        )
    if origin is dict:
        return _EXACT[dict]
    if origin is list:
        args = get_args(annotation)
        element = _check_of(args[0], classes, decimal) if args else None
        if element is None:
            return _EXACT[list]
        if element[2] is not None:
            raise TypeError(f"no conversion of the elements of a list is known ({annotation!r})")
        expression = element[0].format(v="_e")
        description = f"an array, each element {element[1]}"
        return f"({{v}}.__class__ is _list and _all({expression} for _e in {{v}}))", description, None
    if dataclasses.is_dataclass(annotation):
        return None  # built from its own wire array by a nested serializer, which checks it
    klass = origin if isinstance(origin, type) else annotation
    if isinstance(klass, type):
        name = f"_class{len(classes)}"
        classes[name] = klass
        return f"_isinstance({{v}}, {name})", f"a {klass.__name__}", None
    raise TypeError(f"no check is known for the annotation {annotation!r}")


def _annotations(klass: type[Any]) -> dict[str, Any]:
    try:
        return get_type_hints(klass)
    except (NameError, TypeError):  # a forward reference that cannot be resolved: check what is resolved
        return {field.name: field.type for field in dataclasses.fields(klass)}


def _plain_dataclass(klass: type[Any]) -> bool:
    """Whether building ``klass`` is only setting its fields: a mutable dataclass whose ``__init__`` is the
    one ``dataclasses`` generated (source compiled from a string, parameters named after the fields), with
    no ``__post_init__`` and no ``__new__`` of its own. Anything else is built by calling it."""
    if not dataclasses.is_dataclass(klass) or hasattr(klass, "__post_init__") or klass.__new__ is not object.__new__:
        return False
    params = getattr(klass, "__dataclass_params__", None)
    code = getattr(klass.__init__, "__code__", None)
    if params is None or not params.init or params.frozen or code is None:
        return False
    names = tuple(field.name for field in dataclasses.fields(klass))
    return bool(
        code.co_filename == "<string>"
        and code.co_argcount == len(names) + 1
        and code.co_varnames[1 : len(names) + 1] == names
    )


class Serializer(Generic[T]):
    """Builds ``klass`` from a wire array laid out as ``labels``, checking each value against ``klass``'s
    annotations (module docstring)."""

    __slots__ = (
        "name", "klass", "labels", "flat", "decimal", "_fields", "_length", "_slots", "_checks", "_converts",
        "_build", "_build_list", "_twin", "_inline", "__dict__",
    )  # fmt: skip

    def __init__(
        self, name: str, klass: type[T], labels: Sequence[str], *, flat: bool = False, decimal: bool = False
    ) -> None:
        self.name = name
        self.klass = klass
        self.labels = tuple(labels)
        self.flat = flat
        #: the number mode: ``N`` fields are ``Decimal`` (True) or ``float`` (False); see the module docstring
        self.decimal = decimal
        self._twin: Optional[Serializer[Any]] = None
        #: what inline_source() is made of: the unpacking targets, the checks, the build lines, the names they use
        self._inline: Optional[tuple[str, list[str], list[str], dict[str, Any]]] = None
        self._fields = tuple(label for label in self.labels if label != PLACEHOLDER)
        self._length = len(self.labels)
        self._slots = tuple(i for i, label in enumerate(self.labels) if label != PLACEHOLDER)
        annotations: dict[str, Any] = {}
        if dataclasses.is_dataclass(klass):
            declared = tuple(field.name for field in dataclasses.fields(klass))
            if declared != self._fields:
                raise TypeError(
                    f"{name}: labels {self._fields} do not match the fields of {klass.__name__}: {declared}"
                )
            annotations = _annotations(klass)
        classes: dict[str, type] = {}
        checks = tuple(_check_of(annotations.get(field, Any), classes, decimal) for field in self._fields)
        self._build, self._build_list, tests, converts = self._generate(checks, classes)
        self._checks = tuple(
            (field, slot, test, check[1])
            for field, slot, test, check in zip(self._fields, self._slots, tests, checks)
            if test is not None and check is not None
        )
        self._converts = tuple(converts)
        if type(self).from_wire is Serializer.from_wire:
            # Callers keep ``serializer.from_wire`` (a channel handler does, once per subscription): they get
            # the generated function itself, not a method that calls it, which saves a call per payload.
            self.__dict__["from_wire"] = self._build
            if type(self).from_wire_list is Serializer.from_wire_list:
                self.__dict__["from_wire_list"] = self._build_list

    def _generate(
        self, checks: Sequence[Optional[_Check]], classes: Mapping[str, type]
    ) -> tuple[
        Callable[[Any], T],
        Callable[[Any], list[T]],
        list[Optional[Callable[[Any], bool]]],
        list[Optional[Callable[[Any], Any]]],
    ]:
        """The function that builds ``klass`` from a wire array, the one that builds a list of them from a list of
        wire arrays, and one test and one conversion per field (for ``_exact``), generated from the same check
        expressions."""
        values = [f"v{n}" for n in range(len(self._fields))]
        conditions = [check[0].format(v=value) for value, check in zip(values, checks) if check is not None]
        # each field's value: the wire value itself, or its conversion (decimal mode: an int to a Decimal)
        results = [
            check[2].format(v=value) if check is not None and check[2] is not None else value
            for value, check in zip(values, checks)
        ]
        if _plain_dataclass(self.klass):
            # What the dataclass's own __init__ would do, without the call into it: the call saved is worth
            # a few checks.
            build = ["instance = _new(_klass)"]
            build += [f"instance.{field} = {result}" for field, result in zip(self._fields, results)]
        else:
            build = [f"instance = _klass({', '.join(results)})"]
        # An array of exactly the known length is unpacked in one instruction; a longer one (fields that
        # Bitfinex appended) is read slot by slot.
        unpacked = iter(values)
        targets = "".join(("_" if label == PLACEHOLDER else next(unpacked)) + ", " for label in self.labels)
        body = ["def from_wire(values):", "    if values.__class__ is _list:"]
        if self.flat:
            body.append("        values = _flatten(values)")
        body.append("        length = len(values)")
        if self.labels:
            body.append(f"        if length == {self._length}:")
            body.append(f"            {targets}= values")
        body.append(f"        {'elif' if self.labels else 'if'} length >= {self._length}:")
        body.extend(f"            {value} = values[{slot}]" for value, slot in zip(values, self._slots))
        body.append("            pass")
        body.append("        else:")
        body.append("            return _exact(values)")
        if conditions:
            body.append(f"        if {' and '.join(conditions)}:")
            body.extend(f"            {line}" for line in build + ["return instance"])
        else:
            body.extend(f"        {line}" for line in build + ["return instance"])
        body.append("    return _exact(values)")
        body.extend(self._generate_list(targets, conditions, build))
        tests = ", ".join("None" if check is None else f"lambda v: {check[0].format(v='v')}" for check in checks)
        converts = ", ".join(
            "None" if check is None or check[2] is None else f"lambda v: {check[2].format(v='v')}" for check in checks
        )
        body.append(f"return from_wire, from_wire_list, [{tests}], [{converts}]")
        names: dict[str, Any] = {
            **_NAMESPACE,
            **classes,
            "_flatten": flatten,
            "_klass": self.klass,
            "_new": object.__new__,
            "_exact": self._exact,
            "_not_a_list": self._not_a_list,
        }
        # Generated source, as ``dataclasses`` and ``namedtuple`` do: the checks of a payload kind become
        # straight-line code, which no loop over a table of checks can match on the hot path. What it
        # refers to comes in as the arguments of an enclosing function: closure cells read faster than
        # globals.
        source = f"def make({', '.join(names)}):\n" + "\n".join(f"    {line}" for line in body)
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # pylint: disable=exec-used
        if not self.flat and self.labels:
            self._inline = (targets, conditions, build, names)
        function, function_list, tests_, converts_ = namespace["make"](**names)
        function.__qualname__ = f"Serializer({self.name}).from_wire"
        function.__doc__ = Serializer.from_wire.__doc__
        function_list.__qualname__ = f"Serializer({self.name}).from_wire_list"
        function_list.__doc__ = Serializer.from_wire_list.__doc__
        return function, function_list, tests_, converts_

    def _generate_list(self, targets: str, conditions: Sequence[str], build: Sequence[str]) -> list[str]:
        """The source of ``from_wire_list``: one loop over the rows with ``from_wire``'s common case (a row of
        exactly the known length whose values all pass) inlined, which saves a call per row (a third of the
        cost of a small row). Any other row goes through ``from_wire`` itself: the same object, or the same
        error."""
        body = [
            "def from_wire_list(rows):",
            "    if rows.__class__ is not _list and not _isinstance(rows, _list):",
            "        _not_a_list(rows)",
        ]
        if self.flat or not self.labels:  # rare shapes: one call per row
            return body + ["    return [from_wire(values) for values in rows]"]
        # Stored by index into a list of the final size: no call of ``append`` per row.
        body += [
            "    out = [None] * len(rows)",
            "    for index, values in _enumerate(rows):",
            f"        if values.__class__ is _list and len(values) == {self._length}:",
            f"            {targets}= values",
        ]
        indent = "            "
        if conditions:
            body.append(f"{indent}if {' and '.join(conditions)}:")
            indent += "    "
        body.extend(f"{indent}{line}" for line in [*build, "out[index] = instance", "continue"])
        body += ["        out[index] = from_wire(values)", "    return out"]
        return body

    def inline_source(self, values: str, target: str, fallback: str) -> Optional[tuple[list[str], dict[str, Any]]]:
        """For code generated elsewhere that builds this type on its own hot path (a channel handler's single-row
        update), without the call into :meth:`from_wire`: the source lines (not indented) that set the variable
        ``target`` to what ``from_wire(values)`` gives, ``values`` being the name of a variable, and the names those
        lines refer to (pass them in as closure variables, as this module does). The common case, an array of exactly
        the known length whose values all pass, is inline; anything else calls ``fallback`` (a name, given in the
        caller's own names), which must be ``from_wire`` itself: the same object, or the same error. The local names
        the lines use start with ``v`` and a digit.

        None when ``from_wire`` does more than the generated function (a subclass's, a ``flat`` serializer's, one
        without labels): callers call it."""
        if self._inline is None or type(self).from_wire is not Serializer.from_wire:
            return None
        targets, conditions, build, names = self._inline
        built = [target + line[len("instance"):] for line in build]  # each line starts with "instance"
        lines = [f"if {values}.__class__ is _list and len({values}) == {self._length}:", f"    {targets}= {values}"]
        if conditions:
            lines.append(f"    if {' and '.join(conditions)}:")
            lines += [f"        {line}" for line in built]
            lines += ["    else:", f"        {target} = {fallback}({values})"]
        else:
            lines += [f"    {line}" for line in built]
        lines += ["else:", f"    {target} = {fallback}({values})"]
        return lines, {name: value for name, value in names.items() if name not in ("_exact", "_not_a_list")}

    def variant(self, decimal: bool) -> "Serializer[Any]":
        """This serializer in the number mode ``decimal`` (itself when it is of that mode): the twin is built on
        first use and kept. Its type parameter is the same class with the other number type, which the type
        system cannot say here: :class:`~bfxapi.types.codec.Codec` gives each twin its precise type."""
        if decimal == self.decimal:
            return self
        if self._twin is None:
            self._twin = self._twin_of()
            self._twin._twin = self  # pylint: disable=protected-access  # the two know each other
        return self._twin

    def _twin_of(self) -> "Serializer[Any]":
        return type(self)(self.name, self.klass, self.labels, flat=self.flat, decimal=not self.decimal)

    def get_labels(self) -> list[str]:
        """The field names, in wire order, without placeholders."""
        return list(self._fields)

    def parse(self, *values: Any) -> T:
        """Build the type from the elements of a wire array given as arguments."""
        return self.from_wire(list(values))

    def from_wire(self, values: Sequence[Any]) -> T:
        """Build the type from one wire array (a JSON array decoded as a ``list``)."""
        return self._build(values)

    def from_wire_nullable(self, values: Sequence[Any]) -> T:
        """Like :meth:`from_wire`, but every field may also be null: for the object a failed write's
        notification echoes back (an order that was refused has no id, no times, no status)."""
        if self.flat and values.__class__ is list:
            values = flatten(values)
        return self._exact(values, nullable=True)

    def from_wire_list(self, rows: Sequence[Sequence[Any]]) -> list[T]:
        """Build one object per row of a list of wire arrays (a snapshot, a REST list)."""
        if not isinstance(rows, list):
            self._not_a_list(rows)
        from_wire = self.from_wire
        return [from_wire(row) for row in rows]

    def _not_a_list(self, rows: Any) -> None:
        raise MalformedPayloadError(f"list[{self.name}]", rows, "expected a list of arrays")

    def _exact(self, values: Any, nullable: bool = False) -> T:
        """The type built from ``values`` (flattened already when ``flat``) after checking every field on its
        own (``nullable``: and letting any of them be null), or the error that names the first field at
        fault."""
        if not isinstance(values, list):
            raise MalformedPayloadError(self.name, values, f"expected an array, got {type(values).__name__}")
        if len(values) < self._length:
            raise MalformedPayloadError(
                self.name, values, f"expected at least {self._length} elements, got {len(values)}"
            )
        for field, slot, test, description in self._checks:
            value = values[slot]
            if not test(value) and not (nullable and value is None):
                reason = f"{field} (slot {slot}) must be {description}, got {_shown.repr(value)}"
                raise MalformedPayloadError(self.name, values, reason)
        return self.klass(*[
            values[slot] if convert is None else convert(values[slot])
            for slot, convert in zip(self._slots, self._converts)
        ])

    def __repr__(self) -> str:
        return f"Serializer({self.name})"


class RecursiveSerializer(Serializer[T]):
    """A serializer some of whose fields hold nested payloads with serializers of their own."""

    __slots__ = ("serializers",)

    def __init__(
        self,
        name: str,
        klass: type[T],
        labels: Sequence[str],
        *,
        serializers: Mapping[str, Serializer[Any]],
        flat: bool = False,
        decimal: bool = False,
    ) -> None:
        super().__init__(name, klass, labels, flat=flat, decimal=decimal)
        unknown = set(serializers) - set(self._fields)
        if unknown:
            raise TypeError(f"{name}: nested serializers for unknown fields {sorted(unknown)}")
        self.serializers = {field: serializer.variant(decimal) for field, serializer in serializers.items()}

    def _twin_of(self) -> "Serializer[Any]":
        return RecursiveSerializer(
            self.name, self.klass, self.labels, serializers=self.serializers, flat=self.flat, decimal=not self.decimal
        )

    def from_wire(self, values: Sequence[Any]) -> T:
        instance = super().from_wire(values)
        for field, serializer in self.serializers.items():
            nested: Optional[Any] = getattr(instance, field)
            if nested is not None:
                setattr(instance, field, serializer.from_wire(nested))
        return instance

    def from_wire_nullable(self, values: Sequence[Any]) -> T:
        instance = super().from_wire_nullable(values)
        for field, serializer in self.serializers.items():
            nested: Optional[Any] = getattr(instance, field)
            if nested is not None:
                setattr(instance, field, serializer.from_wire_nullable(nested))
        return instance
