"""The base of the endpoint groups: each one talks through the interface's shared :class:`Middleware`."""

from .middleware import Middleware

__all__ = ["Interface"]


class Interface:
    """An endpoint group (``public``, ``auth``, ``merchant``) over a shared middleware."""

    def __init__(self, middleware: Middleware) -> None:
        self._m = middleware

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host={self._m.host!r})"
