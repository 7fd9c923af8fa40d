"""Positional wire arrays -> dataclasses.

Bitfinex sends every payload as a positional JSON array and appends new fields at the end without
notice. A :class:`Serializer` knows the labels of one payload kind (``"_PLACEHOLDER"`` marks a slot
that is skipped), builds its dataclass from the array, ignores trailing elements it does not know and
raises :class:`~bfxapi.exceptions.MalformedPayloadError` naming the type when the array is too short or
not an array at all.

Everything that does not depend on the frame (which slots to read, how many are needed) is computed
once, when the serializer is created, so parsing a frame is a length check, one C-level item getter
and the dataclass constructor.
"""

import dataclasses
from operator import itemgetter
from typing import Any, Callable, Generic, Mapping, Optional, Sequence, TypeVar

from ..exceptions import MalformedPayloadError

__all__ = ["PLACEHOLDER", "Serializer", "RecursiveSerializer", "flatten"]

PLACEHOLDER = "_PLACEHOLDER"

T = TypeVar("T")


def flatten(values: Sequence[Any]) -> list[Any]:
    """Flatten nested lists, depth first (``["sym", "tBTCUSD", [1, 2]]`` -> ``["sym", "tBTCUSD", 1, 2]``)."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(flatten(value))
        else:
            out.append(value)
    return out


def _tuple_getter(indices: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    if len(indices) == 1:
        index = indices[0]
        return lambda values: (values[index],)
    return itemgetter(*indices)


class Serializer(Generic[T]):
    """Builds ``klass`` from a wire array laid out as ``labels``."""

    __slots__ = ("name", "klass", "labels", "flat", "_fields", "_length", "_getter")

    def __init__(self, name: str, klass: type[T], labels: Sequence[str], *, flat: bool = False) -> None:
        self.name = name
        self.klass = klass
        self.labels = tuple(labels)
        self.flat = flat
        self._fields = tuple(label for label in self.labels if label != PLACEHOLDER)
        self._length = len(self.labels)
        self._getter = _tuple_getter([i for i, label in enumerate(self.labels) if label != PLACEHOLDER])
        if dataclasses.is_dataclass(klass):
            declared = tuple(field.name for field in dataclasses.fields(klass))
            if declared != self._fields:
                raise TypeError(
                    f"{name}: labels {self._fields} do not match the fields of {klass.__name__}: {declared}"
                )

    def get_labels(self) -> list[str]:
        """The field names, in wire order, without placeholders."""
        return list(self._fields)

    def parse(self, *values: Any) -> T:
        """Build the type from the elements of a wire array given as arguments."""
        return self.from_wire(list(values))

    def from_wire(self, values: Sequence[Any]) -> T:
        """Build the type from one wire array (a JSON array decoded as a ``list``)."""
        if values.__class__ is list:
            if self.flat:
                values = flatten(values)
            if len(values) >= self._length:
                return self.klass(*self._getter(values))
        raise self._malformed(values)

    def from_wire_list(self, rows: Sequence[Sequence[Any]]) -> list[T]:
        """Build one object per row of a list of wire arrays (a snapshot, a REST list)."""
        if not isinstance(rows, list):
            raise MalformedPayloadError(f"list[{self.name}]", rows, "expected a list of arrays")
        return [self.from_wire(row) for row in rows]

    def _malformed(self, values: Any) -> MalformedPayloadError:
        if not isinstance(values, list):
            return MalformedPayloadError(self.name, values, f"expected an array, got {type(values).__name__}")
        return MalformedPayloadError(
            self.name, values, f"expected at least {self._length} elements, got {len(values)}"
        )

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
    ) -> None:
        super().__init__(name, klass, labels, flat=flat)
        unknown = set(serializers) - set(self._fields)
        if unknown:
            raise TypeError(f"{name}: nested serializers for unknown fields {sorted(unknown)}")
        self.serializers = dict(serializers)

    def from_wire(self, values: Sequence[Any]) -> T:
        instance = super().from_wire(values)
        for field, serializer in self.serializers.items():
            nested: Optional[Any] = getattr(instance, field)
            if nested is not None:
                setattr(instance, field, serializer.from_wire(nested))
        return instance
