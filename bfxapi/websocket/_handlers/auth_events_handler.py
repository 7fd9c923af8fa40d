"""Turn the frames of the account channel (channel 0) into typed events.

``[0, ABBREVIATION, PAYLOAD, ...]``: the abbreviation says what the payload is (``os`` a list of orders,
``on`` one order, ``n`` a notification, ...); a table built once maps each to its event and serializer.
Snapshots are recognised by their abbreviation, never by the shape of the payload.

Notifications answering an input (``on-req``, ``ou-req``, ``oc-req``, ``oc_multi-req``, ``ox_multi-req``,
``fon-req``, ``foc-req``) are typed and emitted as ``<type>-notification``; every other notification
(``ucm-test`` echoes, transfers, ...) is emitted as ``notification`` with its data as received. The
handler also hands each notification to ``on_notification`` so that awaited inputs get their answer, and
each typed event to ``observer`` (the managed account), when there is one, before emitting it: a callback
then sees the account with its event applied.
"""

import logging
from typing import Any, Callable, Optional

from ..._aliases import Emit
from ...types import Notification
from ...types.codec import Codec
from ...types.labeler import Serializer
from ...types.notification import NotificationSerializer
from ..exceptions import InvalidMessageError

__all__ = ["AuthEventsHandler", "NOTIFICATIONS"]

#: sees each typed event before it is emitted; returning False drops it (a trade already delivered)
Observer = Callable[[str, Any], Optional[bool]]

# abbreviation -> (event, name of its serializer in a codec, is a snapshot)
_EVENT_SERIALIZERS: dict[str, tuple[str, str, bool]] = {
    "os": ("order_snapshot", "Order", True),
    "on": ("order_new", "Order", False),
    "ou": ("order_update", "Order", False),
    "oc": ("order_cancel", "Order", False),
    "ps": ("position_snapshot", "Position", True),
    "pn": ("position_new", "Position", False),
    "pu": ("position_update", "Position", False),
    "pc": ("position_close", "Position", False),
    "te": ("trade_execution", "Trade", False),
    "tu": ("trade_execution_update", "Trade", False),
    "fte": ("funding_trade_execution", "FundingTradeExecution", False),
    "ftu": ("funding_trade_execution_update", "FundingTradeExecution", False),
    "fos": ("funding_offer_snapshot", "FundingOffer", True),
    "fon": ("funding_offer_new", "FundingOffer", False),
    "fou": ("funding_offer_update", "FundingOffer", False),
    "foc": ("funding_offer_cancel", "FundingOffer", False),
    "fcs": ("funding_credit_snapshot", "FundingCredit", True),
    "fcn": ("funding_credit_new", "FundingCredit", False),
    "fcu": ("funding_credit_update", "FundingCredit", False),
    "fcc": ("funding_credit_close", "FundingCredit", False),
    "fls": ("funding_loan_snapshot", "FundingLoan", True),
    "fln": ("funding_loan_new", "FundingLoan", False),
    "flu": ("funding_loan_update", "FundingLoan", False),
    "flc": ("funding_loan_close", "FundingLoan", False),
    "ws": ("wallet_snapshot", "Wallet", True),
    "wu": ("wallet_update", "Wallet", False),
    "bu": ("balance_update", "BalanceInfo", False),
    "fiu": ("funding_info_update", "FundingInfo", False),
}

# notification type -> name of its serializer in a codec (None: a list of notifications, for ox_multi)
_NOTIFICATION_SERIALIZERS: dict[str, Optional[str]] = {
    "on-req": "OrderNotification",
    "ou-req": "OrderNotification",
    "oc-req": "OrderNotification",
    "oc_multi-req": "OrderListNotification",
    "fon-req": "FundingOfferNotification",
    "foc-req": "FundingOfferNotification",
    "ox_multi-req": None,
}


def _notifications(codec: Codec[Any]) -> dict[str, Optional[NotificationSerializer[Any]]]:
    """Notification type -> serializer of its data, in ``codec``'s number mode (None: ox_multi)."""
    return {kind: None if name is None else getattr(codec, name) for kind, name in _NOTIFICATION_SERIALIZERS.items()}


#: notification type -> serializer of its data (None: a list of notifications, for ox_multi), float mode
NOTIFICATIONS: dict[str, Optional[NotificationSerializer[Any]]] = _notifications(Codec())

# Abbreviations Bitfinex lists but the client has no use for (history snapshots, alert triggers).
_IGNORED = frozenset(("hos", "mis", "hfos", "hfcs", "hfls", "hfts", "uac"))


def parse_notification(
    payload: list[Any], notifications: Optional[dict[str, Optional[NotificationSerializer[Any]]]] = None
) -> tuple[str, Notification[Any]]:
    """The event name and the typed notification of an ``n`` payload (``notifications``: the table of the client's
    number mode; float mode's by default)."""
    table = NOTIFICATIONS if notifications is None else notifications
    if payload.__class__ is not list or len(payload) < 8:
        raise InvalidMessageError("notification", payload, "expected an array of at least 8 elements")
    kind = payload[1]
    raw = _raw(table)
    if kind not in table:
        return "notification", raw.from_wire(payload)
    serializer = table[kind]
    if serializer is not None:
        return f"{kind}-notification", serializer.from_wire(payload)
    # ox_multi: the data is one notification per operation, each typed by its own type
    notification = raw.from_wire(payload)
    if isinstance(notification.data, list):
        notification.data = [parse_notification(inner, table)[1] if isinstance(inner, list) else inner
                             for inner in notification.data]
    return f"{kind}-notification", notification


def _raw(table: dict[str, Optional[NotificationSerializer[Any]]]) -> NotificationSerializer[Any]:
    """The serializer of notifications without a typed data, in the number mode of ``table``."""
    serializer = table["on-req"]
    return _RAW.variant(serializer.decimal) if serializer is not None else _RAW


_RAW = NotificationSerializer[Any]()


class AuthEventsHandler:
    """Handles the frames of channel 0 (everything but heartbeats)."""

    __slots__ = (
        "emit", "on_notification", "logger", "observer", "_unknown", "_events", "_notifications", "_base_margin",
        "_symbol_margin",
    )  # fmt: skip

    def __init__(
        self,
        emit: Emit,
        on_notification: Callable[[Notification[Any]], None],
        logger: logging.Logger,
        observer: Optional[Observer] = None,
        codec: Optional[Codec[Any]] = None,
    ) -> None:
        self.emit = emit
        self.on_notification = on_notification
        self.logger = logger
        self.observer = observer
        self._unknown: set[str] = set()
        # The serializers of the client's number mode, looked up once (float mode's without a codec).
        codec = codec if codec is not None else Codec()
        self._events: dict[str, tuple[str, Serializer[Any], bool]] = {
            abbreviation: (event, getattr(codec, name), snapshot)
            for abbreviation, (event, name, snapshot) in _EVENT_SERIALIZERS.items()
        }
        self._notifications = _notifications(codec)
        self._base_margin = codec.BaseMarginInfo
        self._symbol_margin = codec.SymbolMarginInfo

    def __call__(self, frame: list[Any]) -> None:
        abbreviation = frame[1]
        entry = self._events.get(abbreviation)
        if entry is not None:
            event, serializer, snapshot = entry
            payload = frame[2]
            data = serializer.from_wire_list(payload) if snapshot else serializer.from_wire(payload)
            if self.observer is not None and self.observer(event, data) is False:
                return
            self.emit(event, data)
        elif abbreviation == "n":
            event, notification = parse_notification(frame[2], self._notifications)
            self.on_notification(notification)
            self.emit(event, notification)
        elif abbreviation == "miu":
            self._margin_info(frame)
        elif abbreviation not in _IGNORED and abbreviation not in self._unknown:
            self._unknown.add(abbreviation)
            self.logger.warning("account channel: ignoring the unknown message type %r: %s", abbreviation, frame)

    def _margin_info(self, frame: list[Any]) -> None:
        payload = frame[2]
        kind = payload[0] if payload.__class__ is list and payload else None
        if kind == "base":
            self.emit("base_margin_info", self._base_margin.from_wire(payload))
        elif kind == "sym":
            self.emit("symbol_margin_info", self._symbol_margin.from_wire(payload))
        else:
            raise InvalidMessageError("margin info", frame, "expected a 'base' or 'sym' payload")
