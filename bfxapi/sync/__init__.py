"""The synchronous REST client, for scripts and for code moving from the official library.

``from bfxapi.sync import Client``: ``Client(api_key, api_secret).rest.public.get_t_ticker("tBTCUSD")`` returns
the ticker, no ``await``, no asyncio; ``with Client(...) as bfx:`` closes it. The same groups, methods,
parameters, types and errors as ``bfxapi.Client().rest`` (they run it), without the WebSocket client, which is
event-driven: use ``bfxapi.Client`` and ``bfx.wss.run()`` for streams.
"""

from ._client import Client
from ._history import SyncHistory
from ._rest import SyncRestInterface

__all__ = ["Client", "SyncHistory", "SyncRestInterface"]
