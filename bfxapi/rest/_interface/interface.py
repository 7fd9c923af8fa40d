"""The base of the endpoint groups: each one talks through the interface's shared :class:`Middleware` and builds
its answers with the interface's :class:`~bfxapi.types.codec.Codec` (its number mode)."""

from typing import Generic

from ...types.codec import Codec
from ...types.number import N
from .middleware import Middleware

__all__ = ["Interface"]


class Interface(Generic[N]):
    """An endpoint group (``public``, ``auth``, ``merchant``) over a shared middleware; generic in the client's
    number type (``RestPublicEndpoints[Decimal]`` in decimal mode)."""

    def __init__(self, middleware: Middleware, codec: Codec[N]) -> None:
        self._m = middleware
        #: the serializers of the client's number mode: ``self._s.Order.from_wire(row)``
        self._s: Codec[N] = codec

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self._m.host!r})"
