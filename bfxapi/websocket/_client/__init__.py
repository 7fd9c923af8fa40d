from .bfx_websocket_bucket import BfxWebSocketBucket
from .bfx_websocket_client import BfxWebSocketClient

__all__ = ["BfxWebSocketClient", "BfxWebSocketBucket"]
