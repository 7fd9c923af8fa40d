"""The WebSocket client: ``bfx.wss``."""

from ._client import BfxWebSocketClient
from .account import Account
from ._connection import Flag, WebSocketOptions
from ._pacing import Backoff
from ._stream import Stream

__all__ = ["BfxWebSocketClient", "Account", "WebSocketOptions", "Backoff", "Flag", "Stream"]
