"""The API key and secret of a client, shared by the REST and WebSocket interfaces."""

from typing import Optional, Sequence

__all__ = ["Credentials"]


class Credentials:
    """An API key, its secret and the optional WebSocket auth ``filters``.

    The secret never appears in ``repr``/``str``; the key shows its first four characters only."""

    __slots__ = ("api_key", "api_secret", "filters")

    def __init__(self, api_key: str, api_secret: str, filters: Optional[Sequence[str]] = None) -> None:
        self.api_key = api_key
        self.api_secret = api_secret
        self.filters = list(filters) if filters is not None else None

    def __repr__(self) -> str:
        key = self.api_key[:4] + "..." if len(self.api_key) > 8 else "***"
        return f"Credentials(api_key={key!r}, api_secret='***', filters={self.filters!r})"

    __str__ = __repr__
