"""Notifications: ``[MTS, TYPE, MESSAGE_ID, _PLACEHOLDER, NOTIFY_INFO, CODE, STATUS, TEXT]``.

Bitfinex answers writes (orders, offers, transfers, ...) with a notification whose ``NOTIFY_INFO``
slot carries the affected object: flat on the WebSocket, wrapped once more (``[[ORDER]]``) by some
REST endpoints, a list of objects for multi-operations, and sometimes ``null``.
"""

from dataclasses import dataclass
from typing import Any, Generic, Optional, Sequence, TypeVar

from ..exceptions import MalformedPayloadError
from .labeler import Serializer

__all__ = ["Notification", "NotificationSerializer"]

T = TypeVar("T")

_LENGTH = 8


@dataclass
class Notification(Generic[T]):
    mts: int
    type: str
    message_id: Optional[int]
    data: T
    code: Optional[int]
    status: str
    text: str


class NotificationSerializer(Generic[T]):
    """Builds ``Notification[T]``; ``data`` is built with ``serializer`` (a list of them when
    ``is_iterable``), or left as received when no serializer is given."""

    __slots__ = ("serializer", "is_iterable", "name")

    def __init__(self, serializer: Optional[Serializer[Any]] = None, *, is_iterable: bool = False) -> None:
        self.serializer = serializer
        self.is_iterable = is_iterable
        inner = serializer.name if serializer is not None else "Any"
        self.name = f"Notification[list[{inner}]]" if is_iterable else f"Notification[{inner}]"

    def parse(self, *values: Any) -> Notification[T]:
        return self.from_wire(list(values))

    def from_wire(self, values: Sequence[Any]) -> Notification[T]:
        if values.__class__ is not list or len(values) < _LENGTH:
            raise MalformedPayloadError(self.name, values, f"expected an array of at least {_LENGTH} elements")
        data: Any = values[4]
        if self.serializer is not None and data is not None:
            if self.is_iterable:
                data = self.serializer.from_wire_list(data)
            else:
                if data.__class__ is list and len(data) == 1 and data[0].__class__ is list:
                    data = data[0]
                data = self.serializer.from_wire(data)
        return Notification(values[0], values[1], values[2], data, values[5], values[6], values[7])
