"""The WebSocket client: ``bfx.wss``."""

from ._client import BfxWebSocketClient
from .account import Account, Reconciliation
from ._connection import Flag, WebSocketOptions
from ._pacing import Backoff
from ._stream import BookItem, CandlesItem, StatusItem, Stream, TickerItem, TradesItem
from .stats import ConnectionStats, WebSocketStats

__all__ = ["BfxWebSocketClient", "Account", "Reconciliation", "WebSocketOptions", "Backoff", "Flag", "Stream",
           "TickerItem", "TradesItem", "BookItem", "CandlesItem", "StatusItem", "WebSocketStats", "ConnectionStats"]
