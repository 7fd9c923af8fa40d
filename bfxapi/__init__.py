"""bfxapi: the async-first Python client for the Bitfinex API v2."""

from ._client import PUB_REST_HOST, PUB_WSS_HOST, REST_HOST, WSS_HOST, Client
from ._utils.nonce import FileNonce
from ._version import __version__

__all__ = ["Client", "FileNonce", "REST_HOST", "PUB_REST_HOST", "WSS_HOST", "PUB_WSS_HOST", "__version__"]
