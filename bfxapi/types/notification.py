"""Notifications: ``[MTS, TYPE, MESSAGE_ID, _PLACEHOLDER, NOTIFY_INFO, CODE, STATUS, TEXT]``.

Bitfinex answers writes (orders, offers, transfers, ...) with a notification whose ``NOTIFY_INFO``
slot carries the affected object: flat on the WebSocket, wrapped once more (``[[ORDER]]``) by some
REST endpoints, a list of objects for multi-operations, and sometimes ``null``.

When the write failed (``STATUS`` other than ``SUCCESS``), the object is Bitfinex's echo of the request:
what was asked for (symbol, amount, ``cid``, ...) with ``null`` where nothing was created (``id``, times,
status). Its fields are then either null or what their type says; on success, they are what their type
says (see :mod:`bfxapi.types.labeler`).

In decimal mode (:meth:`NotificationSerializer.variant`) the data is built by the decimal twin of its serializer;
``mts`` stays a ``float``/``int`` in both modes (a timestamp).
"""

from dataclasses import dataclass
from typing import Any, Generic, Optional, Sequence, TypeVar

from ..exceptions import MalformedPayloadError
from .labeler import PLACEHOLDER, Serializer

__all__ = ["Notification", "NotificationSerializer"]

T = TypeVar("T")

_LABELS = ("mts", "type", "message_id", PLACEHOLDER, "data", "code", "status", "text")


@dataclass
class Notification(Generic[T]):
    # Milliseconds, though some submit answers carry seconds with a fraction (protocol.md §4.7); a float (or int) in
    # both number modes.
    mts: float
    type: str
    message_id: Optional[int]
    data: T
    code: Optional[int]
    status: str
    text: Optional[str]


class NotificationSerializer(Generic[T]):
    """Builds ``Notification[T]``; ``data`` is built with ``serializer`` (a list of them when
    ``is_iterable``), or left as received when no serializer is given."""

    __slots__ = ("serializer", "is_iterable", "name", "decimal", "_envelope", "_twin")

    def __init__(
        self, serializer: Optional[Serializer[Any]] = None, *, is_iterable: bool = False, decimal: bool = False
    ) -> None:
        self.serializer = serializer.variant(decimal) if serializer is not None else None
        self.is_iterable = is_iterable
        #: the number mode (see :class:`~bfxapi.types.labeler.Serializer`)
        self.decimal = decimal
        inner = serializer.name if serializer is not None else "Any"
        self.name = f"Notification[list[{inner}]]" if is_iterable else f"Notification[{inner}]"
        self._envelope = Serializer[Notification[Any]](self.name, Notification, _LABELS, decimal=decimal)
        self._twin: Optional[NotificationSerializer[Any]] = None

    def variant(self, decimal: bool) -> "NotificationSerializer[Any]":
        """This serializer in the number mode ``decimal`` (see :meth:`Serializer.variant`)."""
        if decimal == self.decimal:
            return self
        if self._twin is None:
            self._twin = NotificationSerializer(self.serializer, is_iterable=self.is_iterable, decimal=decimal)
            self._twin._twin = self  # pylint: disable=protected-access  # the two know each other
        return self._twin

    def parse(self, *values: Any) -> Notification[T]:
        return self.from_wire(list(values))

    def from_wire(self, values: Sequence[Any]) -> Notification[T]:
        notification = self._envelope.from_wire(values)
        data: Any = notification.data
        if self.serializer is not None and data is not None:
            if notification.status == "SUCCESS":
                build = self.serializer.from_wire
            else:
                build = self.serializer.from_wire_nullable
            if self.is_iterable:
                if data.__class__ is not list:
                    raise MalformedPayloadError(f"list[{self.serializer.name}]", data, "expected a list of arrays")
                data = [build(row) for row in data]
            else:
                if data.__class__ is list and len(data) == 1 and data[0].__class__ is list:
                    data = data[0]
                data = build(data)
            notification.data = data
        return notification
