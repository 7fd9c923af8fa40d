"""``bfxapi.testing``: a local Bitfinex (public and authenticated WebSocket and REST) for offline tests.

Independent of the rest of ``bfxapi`` on purpose: it builds every wire array from its own market and account
models and checks signatures with its own HMAC code.

``Simulator(tls=True)`` serves ``wss://`` and ``https://`` with a throw-away certificate (``trustme``, the
``simulator-tls`` extra) whose CA ``client_kwargs()``/``environ()`` hand to clients; ``tls_certfile``/``tls_keyfile``
serve a given certificate instead (see :mod:`bfxapi.testing.tls`).
"""

from ._wire import checksum, dumps, js_number
from .accounts import Account, FundingContract, FundingOffer, LedgerEntry, Order, OwnTrade, Position, Wallet
from .auth import signature
from .channels import FLAG_BULK, FLAG_OB_CHECKSUM, FLAG_SEQ_ALL, FLAG_TIMESTAMP, Subscription
from .connection import Connection
from .market import DEFAULT_SYMBOLS, TIMEFRAMES
from .rest_server import DEFAULT_REST_RATE_LIMITS, RestRecord
from .simulator import Simulator
from .tls import SimulatorTls, SimulatorTlsError

__all__ = [
    "Simulator", "Connection", "Subscription", "DEFAULT_SYMBOLS", "DEFAULT_REST_RATE_LIMITS", "TIMEFRAMES",
    "FLAG_TIMESTAMP", "FLAG_SEQ_ALL", "FLAG_OB_CHECKSUM", "FLAG_BULK", "js_number", "dumps", "checksum",
    "Account", "Wallet", "Order", "Position", "FundingOffer", "FundingContract", "OwnTrade", "LedgerEntry",
    "RestRecord", "signature", "SimulatorTls", "SimulatorTlsError",
]
