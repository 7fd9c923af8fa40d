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

from ...types import Notification, serializers
from ...types.labeler import Serializer
from ...types.notification import NotificationSerializer
from ..exceptions import InvalidMessageError

__all__ = ["AuthEventsHandler", "NOTIFICATIONS"]

Emit = Callable[..., bool]
#: sees each typed event before it is emitted; returning False drops it (a trade already delivered)
Observer = Callable[[str, Any], Optional[bool]]

# abbreviation -> (event, serializer, is a snapshot)
_EVENTS: dict[str, tuple[str, Serializer[Any], bool]] = {
    "os": ("order_snapshot", serializers.Order, True),
    "on": ("order_new", serializers.Order, False),
    "ou": ("order_update", serializers.Order, False),
    "oc": ("order_cancel", serializers.Order, False),
    "ps": ("position_snapshot", serializers.Position, True),
    "pn": ("position_new", serializers.Position, False),
    "pu": ("position_update", serializers.Position, False),
    "pc": ("position_close", serializers.Position, False),
    "te": ("trade_execution", serializers.Trade, False),
    "tu": ("trade_execution_update", serializers.Trade, False),
    "fte": ("funding_trade_execution", serializers.FundingTradeExecution, False),
    "ftu": ("funding_trade_execution_update", serializers.FundingTradeExecution, False),
    "fos": ("funding_offer_snapshot", serializers.FundingOffer, True),
    "fon": ("funding_offer_new", serializers.FundingOffer, False),
    "fou": ("funding_offer_update", serializers.FundingOffer, False),
    "foc": ("funding_offer_cancel", serializers.FundingOffer, False),
    "fcs": ("funding_credit_snapshot", serializers.FundingCredit, True),
    "fcn": ("funding_credit_new", serializers.FundingCredit, False),
    "fcu": ("funding_credit_update", serializers.FundingCredit, False),
    "fcc": ("funding_credit_close", serializers.FundingCredit, False),
    "fls": ("funding_loan_snapshot", serializers.FundingLoan, True),
    "fln": ("funding_loan_new", serializers.FundingLoan, False),
    "flu": ("funding_loan_update", serializers.FundingLoan, False),
    "flc": ("funding_loan_close", serializers.FundingLoan, False),
    "ws": ("wallet_snapshot", serializers.Wallet, True),
    "wu": ("wallet_update", serializers.Wallet, False),
    "bu": ("balance_update", serializers.BalanceInfo, False),
    "fiu": ("funding_info_update", serializers.FundingInfo, False),
}

#: notification type -> serializer of its data (None: a list of notifications, for ox_multi)
NOTIFICATIONS: dict[str, Optional[NotificationSerializer[Any]]] = {
    "on-req": serializers.OrderNotification,
    "ou-req": serializers.OrderNotification,
    "oc-req": serializers.OrderNotification,
    "oc_multi-req": serializers.OrderListNotification,
    "fon-req": serializers.FundingOfferNotification,
    "foc-req": serializers.FundingOfferNotification,
    "ox_multi-req": None,
}

_RAW = NotificationSerializer[Any]()

# Abbreviations Bitfinex lists but the client has no use for (history snapshots, alert triggers).
_IGNORED = frozenset(("hos", "mis", "hfos", "hfcs", "hfls", "hfts", "uac"))


def parse_notification(payload: list[Any]) -> tuple[str, Notification[Any]]:
    """The event name and the typed notification of an ``n`` payload."""
    if payload.__class__ is not list or len(payload) < 8:
        raise InvalidMessageError("notification", payload, "expected an array of at least 8 elements")
    kind = payload[1]
    if kind not in NOTIFICATIONS:
        return "notification", _RAW.from_wire(payload)
    serializer = NOTIFICATIONS[kind]
    if serializer is not None:
        return f"{kind}-notification", serializer.from_wire(payload)
    # ox_multi: the data is one notification per operation, each typed by its own type
    notification = _RAW.from_wire(payload)
    if isinstance(notification.data, list):
        notification.data = [parse_notification(inner)[1] if isinstance(inner, list) else inner
                             for inner in notification.data]
    return f"{kind}-notification", notification


class AuthEventsHandler:
    """Handles the frames of channel 0 (everything but heartbeats)."""

    __slots__ = ("emit", "on_notification", "logger", "observer", "_unknown")

    def __init__(
        self,
        emit: Emit,
        on_notification: Callable[[Notification[Any]], None],
        logger: logging.Logger,
        observer: Optional[Observer] = None,
    ) -> None:
        self.emit = emit
        self.on_notification = on_notification
        self.logger = logger
        self.observer = observer
        self._unknown: set[str] = set()

    def __call__(self, frame: list[Any]) -> None:
        abbreviation = frame[1]
        entry = _EVENTS.get(abbreviation)
        if entry is not None:
            event, serializer, snapshot = entry
            payload = frame[2]
            data = serializer.from_wire_list(payload) if snapshot else serializer.from_wire(payload)
            if self.observer is not None and self.observer(event, data) is False:
                return
            self.emit(event, data)
        elif abbreviation == "n":
            event, notification = parse_notification(frame[2])
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
            self.emit("base_margin_info", serializers.BaseMarginInfo.from_wire(payload))
        elif kind == "sym":
            self.emit("symbol_margin_info", serializers.SymbolMarginInfo.from_wire(payload))
        else:
            raise InvalidMessageError("margin info", frame, "expected a 'base' or 'sym' payload")
