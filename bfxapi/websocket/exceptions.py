"""Errors of the WebSocket client, and the names of Bitfinex's WebSocket codes.

The ``code`` of an error Bitfinex reported on the WebSocket (:class:`SubscriptionError`, and the
:class:`~bfxapi.exceptions.InvalidCredentialError` or :class:`~bfxapi.exceptions.NonceError` of a refused
authentication) is an :class:`ErrorCode` when Bitfinex documents it (``error.code == ErrorCode.SUBSCRIPTION_LIMIT``;
it is an ``int`` all the same), a plain ``int`` otherwise, ``None`` when the server gave none. :class:`InfoCode` names
the ``info`` codes the client acts on.
"""

import enum
from typing import Any, Optional

from ..exceptions import BfxBaseException, InvalidInputError, MalformedPayloadError, ServerError

__all__ = [
    "ErrorCode",
    "InfoCode",
    "BfxWebSocketException",
    "ConnectionNotOpen",
    "EventLoopRunningError",
    "ActionRequiresAuthentication",
    "ReconnectionTimeoutError",
    "VersionMismatchError",
    "SubIdError",
    "UnknownChannelError",
    "UnknownEventError",
    "UnknownSubscriptionError",
    "TooManySubscriptionsError",
    "SubscriptionError",
    "SubscriptionTimeoutError",
    "InvalidMessageError",
    "StreamOverflowError",
    "InputTimeoutError",
    "InputInterruptedError",
    "InputNotExecutedError",
    "OrderNotPlacedError",
    "MaintenanceInProgressError",
    "TradesPagingError",
]


class InfoCode(enum.IntEnum):
    """``info`` events that ask something of the client."""

    #: the server is stopping or restarting: reconnect
    RESTART = 20051
    #: maintenance starts: pause inputs until it ends
    MAINTENANCE_START = 20060
    #: maintenance is over: subscribe every channel again
    MAINTENANCE_END = 20061


class ErrorCode(enum.IntEnum):
    """Codes of ``error`` and ``auth`` events."""

    UNKNOWN = 10000
    GENERIC = 10001
    CONCURRENCY = 10008
    BOOK_PRECISION = 10011
    BOOK_LENGTH = 10012
    PARAMS = 10020
    CONF_FAILED = 10050
    AUTH_FAILED = 10100
    AUTH_PAYLOAD = 10111
    AUTH_SIGNATURE = 10112
    AUTH_HMAC = 10113
    AUTH_NONCE = 10114
    UNAUTH_FAILED = 10200
    SUBSCRIPTION_FAILED = 10300
    ALREADY_SUBSCRIBED = 10301
    UNKNOWN_CHANNEL = 10302
    SUBSCRIPTION_LIMIT = 10305
    UNSUBSCRIPTION_FAILED = 10400
    NOT_SUBSCRIBED = 10401


def error_code(code: Any) -> Optional[int]:
    """The ``code`` of an error event as an exception keeps it: its :class:`ErrorCode` when Bitfinex documents it,
    the number itself otherwise, ``None`` for anything that is not an integer."""
    if not isinstance(code, int):
        return None
    try:
        return ErrorCode(code)
    except ValueError:
        return code


class BfxWebSocketException(BfxBaseException):
    """Base class of the WebSocket client's errors."""


class ConnectionNotOpen(BfxWebSocketException, ConnectionError):
    """The client is not running: call ``start()``/``connect()`` first (or it was closed)."""


class EventLoopRunningError(BfxWebSocketException, RuntimeError):
    """``run()`` was called where an event loop already runs: inside asyncio code, ``await bfx.wss.start()``."""


class ActionRequiresAuthentication(BfxWebSocketException):
    """The action needs an authenticated connection: create the Client with an API key and secret."""


class ReconnectionTimeoutError(BfxWebSocketException):
    """A connection stayed down for longer than the client's ``timeout`` and the client gave up."""


class VersionMismatchError(BfxWebSocketException):
    """The server speaks another version of the WebSocket API than 2."""


class SubIdError(BfxWebSocketException, InvalidInputError):
    """A subscription with this ``sub_id`` already exists."""


class UnknownChannelError(BfxWebSocketException, InvalidInputError):
    """The channel is not one of ``ticker``, ``trades``, ``book``, ``candles``, ``status``."""


class UnknownEventError(BfxWebSocketException, InvalidInputError):
    """No event of that name exists (see README, "Events")."""


class UnknownSubscriptionError(BfxWebSocketException, InvalidInputError, KeyError):  # pylint: disable=too-many-ancestors
    """No subscription has this ``sub_id``."""


class TooManySubscriptionsError(BfxWebSocketException):
    """Every connection of the pool is full (25 subscriptions each): start with more connections."""


class SubscriptionError(ServerError, BfxWebSocketException):
    """Bitfinex refused a subscription; ``code`` is the Bitfinex code, an :class:`ErrorCode` when Bitfinex documents
    it (``SUBSCRIPTION_FAILED`` 10300, ``ALREADY_SUBSCRIBED`` 10301, ``SUBSCRIPTION_LIMIT`` 10305, ...)."""

    def __init__(self, message: str, code: Optional[int] = None, request: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message, code)
        self.request = dict(request or {})

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.request))


class SubscriptionTimeoutError(BfxWebSocketException, TimeoutError):
    """The server did not confirm a subscription (or an unsubscription) in time."""


class InvalidMessageError(MalformedPayloadError, BfxWebSocketException):
    """A frame from the server could not be understood (bad JSON, unknown channel, unexpected shape).

    It is logged, reported through the ``invalid_message`` event, and the connection keeps running.
    """


class StreamOverflowError(BfxWebSocketException):
    """A stream's buffer filled up because its consumer was slower than the feed (``overflow="error"``)."""


class InputTimeoutError(BfxWebSocketException, TimeoutError):
    """Bitfinex did not answer an input in time; it may or may not have been executed."""


class InputInterruptedError(BfxWebSocketException, ConnectionError):
    """The authenticated connection dropped before Bitfinex answered an input, and the outcome could not be
    recovered (the message says why: the server cannot tell, or could not be asked).

    Orders, updates, cancels and offer cancels are looked up after the reconnection instead (see README,
    "Inputs interrupted by a drop"): the caller gets the real answer, or :class:`InputNotExecutedError`."""


class InputNotExecutedError(InputInterruptedError):
    """An input's answer was lost to a drop, and the account seen after the reconnection shows that Bitfinex did
    not execute it (the order to cancel is still open, the update's values are not there...): it may be sent
    again. The message says what was looked at."""


class OrderNotPlacedError(InputNotExecutedError):  # pylint: disable=too-many-ancestors
    """A new order's answer was lost to a drop and Bitfinex holds no order with its ``cid`` and date, open or
    closed: it was not placed and may be sent again."""


class MaintenanceInProgressError(BfxWebSocketException):
    """Bitfinex is in maintenance (info 20060): inputs are refused until it ends (info 20061)."""


class TradesPagingError(BfxWebSocketException):
    """The REST history of a trades channel cannot be paged past one millisecond: more trades share it than a page
    holds. The trades recovery catches it and reports the hole as a ``trades_gap`` event."""
