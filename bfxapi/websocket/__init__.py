"""The WebSocket client: ``bfx.wss``."""

from ._client import BfxWebSocketClient
from .account import Account, Reconciliation
from ._connection import Flag, WebSocketOptions
from ._pacing import Backoff
from ._stream import Stream
from .stats import ConnectionStats, WebSocketStats

__all__ = ["BfxWebSocketClient", "Account", "Reconciliation", "WebSocketOptions", "Backoff", "Flag", "Stream",
           "WebSocketStats", "ConnectionStats"]
