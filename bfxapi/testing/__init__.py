"""``bfxapi.testing``: a local Bitfinex (public and authenticated WebSocket and REST) for offline tests.

Independent of the rest of ``bfxapi`` on purpose: it builds every wire array from its own market and account
models and checks signatures with its own HMAC code.

``Simulator(tls=True)`` serves ``wss://`` and ``https://`` with a throw-away certificate (``trustme``, the
``simulator-tls`` extra) whose CA ``client_kwargs()``/``environ()`` hand to clients; ``tls_certfile``/``tls_keyfile``
serve a given certificate instead (see :mod:`bfxapi.testing.tls`).
"""

from .engine.credentials import signature
from .model.accounts import Account, FundingContract, FundingOffer, LedgerEntry, Order, OwnTrade, Position, Wallet
from .model.market import DEFAULT_SYMBOLS, TIMEFRAMES
from .server.channels import Subscription
from .server.connection import Connection
from .server.rest.app import DEFAULT_REST_RATE_LIMITS
from .server.rest.record import RestRecord
from .replay import Recording, RecordingError, Replay, read_recording, record
from .simulator import Simulator
from .tls import SimulatorTls, SimulatorTlsError
from .wire.checksum import checksum
from .wire.encoding import dumps, js_number
from .wire.frames import FLAG_BULK, FLAG_OB_CHECKSUM, FLAG_SEQ_ALL, FLAG_TIMESTAMP

__all__ = [
    "Simulator", "Connection", "Subscription", "DEFAULT_SYMBOLS", "DEFAULT_REST_RATE_LIMITS", "TIMEFRAMES",
    "FLAG_TIMESTAMP", "FLAG_SEQ_ALL", "FLAG_OB_CHECKSUM", "FLAG_BULK", "js_number", "dumps", "checksum",
    "Account", "Wallet", "Order", "Position", "FundingOffer", "FundingContract", "OwnTrade", "LedgerEntry",
    "RestRecord", "signature", "SimulatorTls", "SimulatorTlsError", "Replay", "Recording", "RecordingError",
    "read_recording", "record",
]
