"""The Bitfinex WebSocket protocol's decisions, without sockets.

Everything here is synchronous and does no I/O: it takes frames (already decoded) and says what they mean
for the connection: whether a greeting is acceptable, what an ``info`` code asks for, where a frame keeps its
sequence number and timestamp, whether the numbers show that frames were lost, and what the subscriptions of a
public connection become on each event (:class:`SubscriptionTable`, which answers with actions as plain data).
The connection classes (:mod:`._connection`, :mod:`._client.bfx_websocket_bucket`,
:mod:`._client.bfx_websocket_auth_connection`) keep the sockets, timers and futures and act on these answers;
tests feed hostile frames to this module directly, in every state, without a server.

Bitfinex's numbers have names here: :class:`Flag` (the ``conf`` flags), :class:`InfoCode` and
:class:`ErrorCode` (protocol.md, "info codes" and "error codes").
"""

import enum
import logging
from dataclasses import dataclass
from typing import Any, Generic, Optional, TypeVar, Union

from .exceptions import (
    BfxWebSocketException,
    ErrorCode,
    InfoCode,
    InvalidMessageError,
    SubscriptionError,
    SubscriptionTimeoutError,
    VersionMismatchError,
    error_code,
)

__all__ = [
    "Flag",
    "InfoCode",
    "ErrorCode",
    "UnusableConnectionError",
    "check_greeting",
    "InfoAction",
    "info_action",
    "sequence_index",
    "Gap",
    "PublicSequence",
    "AccountSequence",
    "SubscriptionState",
    "Subscription",
    "SubscriptionTable",
    "Action",
    "Send",
    "Emit",
    "Log",
    "Restart",
    "Arm",
    "Disarm",
    "Route",
    "Unroute",
    "Interrupt",
    "Release",
    "Confirm",
    "Fail",
    "ExpectUnsubscribed",
    "Unsubscribed",
]


class Flag(enum.IntFlag):
    """``conf`` flags (they replace the connection's whole set: libraries always send the full mask)."""

    TIMESTAMP = 32_768
    SEQ_ALL = 65_536
    OB_CHECKSUM = 131_072
    BULK_UPDATES = 536_870_912


class UnusableConnectionError(BfxWebSocketException, ConnectionError):
    """Internal: the server's first frame was not the greeting a Bitfinex server sends: this socket is useless, a new
    one may be fine. Never leaves the connection (it is retried with backoff)."""


def check_greeting(frame: Any, text: str = "") -> bool:
    """Check the first frame of a connection (decoded): Bitfinex's ``info`` with version 2.

    Returns whether the platform is in maintenance. Raises :class:`UnusableConnectionError` for anything else
    but another protocol version (an info code instead of the greeting, a data frame, any other JSON), and
    :class:`VersionMismatchError`, the one fatal answer, for another version.
    """
    shown = (text or repr(frame))[:120]
    if frame.__class__ is not dict or frame.get("event") != "info":
        raise UnusableConnectionError(f"expected an info frame first, got {shown!r}")
    if "version" not in frame:
        # An info code instead of the greeting (20051 restart, 20060 maintenance...): try again later.
        raise UnusableConnectionError(f"the server sent info {frame.get('code')!r} instead of its greeting")
    if frame["version"] != 2:
        raise VersionMismatchError(
            f"The server speaks version {frame['version']!r} of the WebSocket API; this client speaks version 2."
        )
    platform = frame.get("platform")
    return platform.__class__ is dict and platform.get("status") == 0


class InfoAction(enum.Enum):
    """What an ``info`` event received during a session asks for."""

    RESTART = "restart"
    MAINTENANCE_START = "maintenance start"
    MAINTENANCE_END = "maintenance end"
    VERSION_CHANGED = "version changed"
    NOTHING = "nothing"


_INFO_ACTIONS: dict[int, InfoAction] = {
    InfoCode.RESTART: InfoAction.RESTART,
    InfoCode.MAINTENANCE_START: InfoAction.MAINTENANCE_START,
    InfoCode.MAINTENANCE_END: InfoAction.MAINTENANCE_END,
}


def info_action(event: dict[str, Any]) -> InfoAction:
    """The action an ``info`` event asks for (anything unknown asks for nothing: it is only logged)."""
    code = event.get("code")
    if code.__class__ is int and code in _INFO_ACTIONS:
        return _INFO_ACTIONS[code]
    if "version" in event and event.get("version") != 2:
        return InfoAction.VERSION_CHANGED
    return InfoAction.NOTHING


def sequence_index(frame: list[Any]) -> int:
    """Where the sequence number of a public frame sits (SEQ_ALL): after the payload, ``[CHAN, [..], SEQ]``,
    ``[CHAN, "hb", SEQ]``, ``[CHAN, "te", [..], SEQ]``, ``[CHAN, "cs", N, SEQ]``; the timestamp (TIMESTAMP)
    follows it. A payload of any other shape (``[CHAN, null, SEQ]``) still counts as one: the server numbered the
    frame whatever its content, so even a frame the client cannot read keeps the count right."""
    second = frame[1]
    return 3 if second.__class__ is str and second != "hb" else 2


@dataclass(frozen=True)
class Gap:
    """Frames were lost: ``expected`` was the next number, ``received`` came instead."""

    counter: str
    expected: int
    received: int


class PublicSequence:
    """The audit of a public connection's sequence numbers (SEQ_ALL): each frame carries the next number.

    :meth:`check` returns ``None`` for a frame in order and a :class:`Gap` when frames were lost; it raises
    ``ValueError`` for a frame whose number cannot be read, which the next readable number allows for (the
    server numbered that frame too). :meth:`reset` starts again at 1 (a new socket).

    The receive loop runs :meth:`check`'s common case itself (a frame whose number is :attr:`expected`: it sets
    ``expected`` to the next one) and calls :meth:`check` for every other frame; ``expected`` is None while frames
    whose number could not be read are unaccounted for, so that the next number is not taken for the common case.
    """

    __slots__ = ("expected", "_last", "_unnumbered")

    def __init__(self) -> None:
        #: the number the next frame must carry (None: see the class docstring)
        self.expected: Optional[int] = 1
        self._last = 0
        self._unnumbered = 0

    def reset(self) -> None:
        self.expected = 1
        self._last = 0
        self._unnumbered = 0

    @property
    def last(self) -> int:
        """The last number read (0 on a new socket)."""
        return self.expected - 1 if self.expected is not None else self._last

    def check(self, frame: list[Any]) -> Optional[Gap]:
        """Audit one data frame (at least ``[CHAN]``)."""
        try:
            received = frame[sequence_index(frame)]
        except IndexError:
            received = None
        if received == self.expected and received.__class__ is int:
            self.expected = received + 1
            return None
        return self._out_of_order(received)

    def _out_of_order(self, received: Any) -> Optional[Gap]:
        """A frame whose number (``received``, None when it has none) is not :attr:`expected`."""
        last = self.last
        if received.__class__ is not int:
            self._unnumbered += 1
            self._last, self.expected = last, None
            raise ValueError("the sequence number is missing")
        expected = last + 1
        unnumbered, self._unnumbered = self._unnumbered, 0
        self.expected = received + 1
        if received == expected or unnumbered and expected < received <= expected + unnumbered:
            return None  # in order after all, or the frames whose number could not be read took those in between
        return Gap("public", expected, received)


class AccountSequence:
    """The audit of the authenticated connection's channel 0 (protocol §2.5): ``[0, TYPE, PAYLOAD, PUBLIC_SEQ,
    ACCOUNT_SEQ]``; heartbeats carry only the public number, ``*-req`` notifications only the account number,
    which notifications never advance. ``audit_account=False`` checks the public counter alone."""

    __slots__ = ("public", "account", "audit_account")

    def __init__(self, audit_account: bool = True) -> None:
        self.public = 0
        self.account = 0
        self.audit_account = audit_account

    def reset(self) -> None:
        self.public = 0
        self.account = 0

    def check(self, frame: list[Any]) -> Optional[Gap]:
        """Audit one channel-0 frame; raises ``ValueError`` when a number it must carry is missing."""
        kind = frame[1]
        if kind == "hb":
            public, account, carries = _at(frame, 2), None, (True, False)
        elif kind == "n" and _is_request(_at(frame, 2)):
            public, account, carries = None, _at(frame, 3), (False, True)
        else:
            public, account, carries = _at(frame, 3), _at(frame, 4), (True, True)
        gap = None
        if carries[0]:
            if public.__class__ is not int:
                raise ValueError("the public sequence number is missing")
            if public != self.public + 1:
                gap = Gap("public", self.public + 1, public)
            self.public = public
        if carries[1] and self.audit_account:
            if account.__class__ is not int:
                raise ValueError("the account sequence number is missing")
            expected = self.account if kind == "n" else self.account + 1
            # 0 while the snapshots are sent, before any account message
            if account != expected and not (account == 0 and self.account == 0):
                gap = gap or Gap("account", expected, account)
            self.account = account
        return gap


def _at(frame: list[Any], index: int) -> Any:
    return frame[index] if index < len(frame) else None


def _is_request(payload: Any) -> bool:
    return payload.__class__ is list and len(payload) > 1 and str(payload[1]).endswith("-req")


# --- the subscriptions of a public connection ------------------------------------------------------------------------


class SubscriptionState(enum.Enum):
    PENDING = "pending"  # waiting for the socket
    SENT = "sent"  # subscribe sent, waiting for "subscribed"
    ACTIVE = "active"
    UNSUBSCRIBING = "unsubscribing"
    RESUBSCRIBING = "resubscribing"  # unsubscribe sent, will subscribe again on "unsubscribed"


class Subscription:
    """What :class:`SubscriptionTable` decides on; the connection's subclass adds the futures, the timer and the
    sinks. Only the table changes ``state``, ``chan_id`` and ``armed``."""

    __slots__ = ("sub_id", "info", "request", "state", "chan_id", "armed")

    def __init__(self, sub_id: str, info: dict[str, Any], request: dict[str, Any]) -> None:
        self.sub_id = sub_id
        #: the dict passed to callbacks; the same object for the whole life of the subscription
        self.info = info
        #: the subscribe frame
        self.request = request
        self.state = SubscriptionState.PENDING
        self.chan_id: Optional[int] = None
        #: whether a confirmation timer runs for it (see :class:`Arm`)
        self.armed = False

    def awaited(self) -> bool:
        """Whether a caller still waits for the server to confirm it (the connection keeps the futures: a caller
        that went away no longer waits)."""
        return False


R = TypeVar("R", bound=Subscription)


@dataclass(frozen=True)
class Send(Generic[R]):
    """Send ``message`` for ``record`` (``None``: a channel nobody wants is being closed). When the socket refuses
    it, :meth:`SubscriptionTable.unsent` says what that changes."""

    message: dict[str, Any]
    record: Optional[R] = None


@dataclass(frozen=True)
class Emit:
    """Emit the event ``name`` with ``args``."""

    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Log:
    """Log ``message % args`` at ``level``."""

    level: int
    message: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Restart:
    """Drop the socket and reconnect: the connection's state can no longer be trusted."""

    reason: str


@dataclass(frozen=True)
class Arm(Generic[R]):
    """(Re)start ``record``'s confirmation timer; when it fires, call :meth:`SubscriptionTable.timed_out`."""

    record: R


@dataclass(frozen=True)
class Disarm(Generic[R]):
    """Cancel ``record``'s confirmation timer."""

    record: R


@dataclass(frozen=True)
class Route(Generic[R]):
    """Send the data frames of ``chan_id`` to a handler of ``record`` from now on."""

    chan_id: int
    record: R


@dataclass(frozen=True)
class Unroute:
    """Stop routing the data frames of ``chan_id``."""

    chan_id: int


@dataclass(frozen=True)
class Interrupt(Generic[R]):
    """Tell ``record``'s consumers that their local state (a book) is stale: the subscription is being restored."""

    record: R


@dataclass(frozen=True)
class Release(Generic[R]):
    """``record`` is no longer the connection's (unsubscribed, refused, abandoned): tell its owner."""

    record: R


@dataclass(frozen=True)
class Confirm(Generic[R]):
    """The caller waiting for ``record``'s confirmation returns."""

    record: R


@dataclass(frozen=True)
class Fail(Generic[R]):
    """The caller waiting for ``record``'s confirmation gets ``error``."""

    record: R
    error: BaseException


@dataclass(frozen=True)
class ExpectUnsubscribed(Generic[R]):
    """The caller of an unsubscribe waits until :class:`Unsubscribed` (create what it waits on)."""

    record: R


@dataclass(frozen=True)
class Unsubscribed(Generic[R]):
    """The caller waiting since :class:`ExpectUnsubscribed` returns."""

    record: R


Action = Union[
    Send[R], Emit, Log, Restart, Arm[R], Disarm[R], Route[R], Unroute, Interrupt[R], Release[R], Confirm[R], Fail[R],
    ExpectUnsubscribed[R], Unsubscribed[R],
]  # fmt: skip


class SubscriptionTable(Generic[R]):
    """The subscriptions of one public connection and their states, keyed by ``sub_id`` and by channel id.

    A subscription outlives the sockets it travels on: the calls of the connection's life (:meth:`opened`,
    :meth:`lost`, :meth:`maintenance_ended`), of its owner (:meth:`subscribe`, :meth:`unsubscribe`,
    :meth:`resubscribe`, :meth:`abandon`), of its timers (:meth:`timed_out`) and the server's events
    (:meth:`event`) change the states and return, in order, the :data:`Action` s the connection carries out.
    Sending is the one action that may wait: the connection sends after carrying out the others, and tells
    :meth:`unsent` about a message the socket refused. A malformed event raises :class:`InvalidMessageError`
    before anything changed.
    """

    def __init__(self, name: str, timeout: float) -> None:
        #: the connection's name, first argument of every log message
        self.name = name
        #: seconds the server has to confirm a request once sent (what :class:`Arm` waits)
        self.timeout = timeout
        self.owned: dict[str, R] = {}
        self.by_chan: dict[int, R] = {}
        # channel ids given up (unsubscribed, refused): their late frames are dropped without a report
        self.retired: set[int] = set()
        # sub_ids unsubscribed before the server confirmed them: their late confirmation is undone
        self.abandoned: set[str] = set()
        self.online = False

    # -- the owner's requests ----------------------------------------------------------------------------------------

    def subscribe(self, record: R) -> list[Action[R]]:
        """Own ``record`` (its caller waits for the confirmation) and ask for it if the socket is up."""
        record.state = SubscriptionState.PENDING
        self.owned[record.sub_id] = record
        return self._request(record) if self.online else []

    def unsubscribe(self, record: R) -> list[Action[R]]:
        """Stop ``record``: ask the server if it is active, otherwise let it go at once."""
        if record.state is SubscriptionState.ACTIVE and self.online:
            record.state = SubscriptionState.UNSUBSCRIBING
            return [ExpectUnsubscribed(record), *self._request_unsubscribe(record)]
        if record.state is SubscriptionState.RESUBSCRIBING:
            # Its unsubscribe is already on the way: end there instead of subscribing again once it is confirmed.
            record.state = SubscriptionState.UNSUBSCRIBING
            actions: list[Action[R]] = [ExpectUnsubscribed(record)]
            if record.awaited():
                actions.append(Fail(record, SubscriptionError("unsubscribed before the resubscription was confirmed")))
            return actions
        if record.state is SubscriptionState.UNSUBSCRIBING:
            return []  # asked twice: the first request's confirmation ends it
        actions = self._forget(record)
        if record.state is SubscriptionState.SENT:
            self.abandoned.add(record.sub_id)
        if record.awaited():
            actions.append(Fail(record, SubscriptionError("unsubscribed before the server confirmed the subscription")))
        return actions

    def resubscribe(self, record: R) -> list[Action[R]]:
        """Unsubscribe and subscribe again with the same ``sub_id`` (its caller waits for the new confirmation);
        a subscription that is not active gets there anyway, with a fresh snapshot."""
        if record.state is SubscriptionState.ACTIVE and self.online:
            record.state = SubscriptionState.RESUBSCRIBING
            return [Interrupt(record), *self._request_unsubscribe(record)]
        return []

    def abandon(self, error: BaseException) -> list[Action[R]]:
        """The client is closing: whoever still waits gets ``error`` (or its unsubscribe is over)."""
        actions: list[Action[R]] = []
        for record in self.owned.values():
            actions += self._disarm(record)
            if record.awaited():
                actions.append(Fail(record, error))
            if record.state is SubscriptionState.UNSUBSCRIBING:
                actions.append(Unsubscribed(record))
        self.owned.clear()
        return actions

    # -- the connection's life -------------------------------------------------------------------------------------

    def opened(self) -> list[Action[R]]:
        """A socket is up (``conf`` sent): ask for everything that waits for it, with the same ``sub_id``."""
        self.online = True
        self.retired.clear()  # channel ids are per socket
        actions: list[Action[R]] = []
        for record in list(self.owned.values()):
            if record.state is SubscriptionState.PENDING:
                actions += self._request(record)
        return actions

    def lost(self) -> list[Action[R]]:
        """The socket is gone: every channel with it; what was asked for waits for the next socket, and an
        unsubscribe is over (the server forgot the channel)."""
        self.online = False
        actions: list[Action[R]] = [Unroute(chan_id) for chan_id in self.by_chan]
        self.by_chan.clear()
        self.abandoned.clear()
        for record in list(self.owned.values()):
            actions += self._disarm(record)
            record.chan_id = None
            if record.state is SubscriptionState.UNSUBSCRIBING:
                actions += self._finish_unsubscribe(record)
            else:
                record.state = SubscriptionState.PENDING
                actions.append(Interrupt(record))
        return actions

    def maintenance_ended(self) -> list[Action[R]]:
        """Info 20061: the channels may have missed updates during maintenance; subscribe every active one again."""
        actions: list[Action[R]] = []
        for record in list(self.owned.values()):
            if record.state is SubscriptionState.ACTIVE:
                record.state = SubscriptionState.RESUBSCRIBING
                actions += [Interrupt(record), *self._request_unsubscribe(record)]
        return actions

    def timed_out(self, record: R) -> list[Action[R]]:
        """``record``'s timer fired: the server did not answer in time."""
        record.armed = False
        if record.state is SubscriptionState.SENT and record.awaited():
            actions = self._forget(record)
            self.abandoned.add(record.sub_id)
            error = SubscriptionTimeoutError(
                f"the server did not confirm the subscription {record.sub_id} within {self.timeout:g} s"
            )
            return [*actions, Fail(record, error)]
        if record.state is SubscriptionState.UNSUBSCRIBING:
            warning = "%s: no confirmation of unsubscribe %s; dropping it"
            return [Log(logging.WARNING, warning, (self.name, record.sub_id)), *self._finish_unsubscribe(record)]
        if self.online:
            # A restore (after a reconnect or maintenance) went unanswered: rebuild the whole connection.
            failure = "%s: %s not confirmed within %g s; reconnecting"
            return [
                Log(logging.ERROR, failure, (self.name, record.sub_id, self.timeout)),
                Restart(f"subscription {record.sub_id} not confirmed"),
            ]
        return []

    def unsent(self, send: Send[R]) -> list[Action[R]]:
        """The socket refused ``send`` (it is going away): a subscribe goes out again once the socket is back; the
        loss of the socket finishes an unsubscribe."""
        record = send.record
        if record is None:
            return []
        actions = self._disarm(record)
        if send.message is record.request:  # the subscribe, not an unsubscribe
            record.state = SubscriptionState.PENDING
        return actions

    # -- the server's events ----------------------------------------------------------------------------------------

    def event(self, event: dict[str, Any]) -> list[Action[R]]:
        """A control event the connection did not consume (``subscribed``, ``unsubscribed``, ``error``...)."""
        kind = event.get("event")
        if kind == "subscribed":
            return self._subscribed(event)
        if kind == "unsubscribed":
            return self._unsubscribed(event)
        if kind == "error":
            return self._error(event)
        return [Log(logging.DEBUG, "%s: unhandled event %s", (self.name, event))]

    def _subscribed(self, event: dict[str, Any]) -> list[Action[R]]:
        sub_id = event.get("subId")
        chan_id = event.get("chanId")
        if not isinstance(chan_id, int):
            raise InvalidMessageError("subscribed event", event, "chanId is missing")
        record = self.owned.get(str(sub_id)) if sub_id is not None else None
        if record is None or record.state is not SubscriptionState.SENT:
            return self._close_stray(sub_id, chan_id, event)
        actions = self._disarm(record)
        info = record.info
        for key in ("prec", "freq", "len"):
            if key in info and key in event:
                info[key] = str(event[key])  # what the server chose (callbacks see the real book layout)
        record.chan_id = chan_id
        record.state = SubscriptionState.ACTIVE
        self.by_chan[chan_id] = record
        actions.append(Route(chan_id, record))
        if record.awaited():
            actions.append(Confirm(record))
        actions.append(Emit("subscribed", (info,)))
        return actions

    def _close_stray(self, sub_id: Any, chan_id: int, event: dict[str, Any]) -> list[Action[R]]:
        """A channel opened for nobody (unknown or already active sub_id, or one unsubscribed before it was
        confirmed, which is expected and not worth a warning): unsubscribe it and ignore its frames."""
        actions: list[Action[R]] = []
        if sub_id is not None and str(sub_id) in self.abandoned:
            self.abandoned.discard(str(sub_id))
        else:
            actions.append(Log(logging.WARNING, "%s: confirmation of a subscription nobody asked for: %s",
                               (self.name, event)))  # fmt: skip
        self.retired.add(chan_id)
        actions.append(Send({"event": "unsubscribe", "chanId": chan_id}))
        return actions

    def _unsubscribed(self, event: dict[str, Any]) -> list[Action[R]]:
        chan_id = event.get("chanId")
        if not isinstance(chan_id, int):
            return []
        record = self.by_chan.get(chan_id)
        actions = self._drop_channel(chan_id)
        if record is None:
            return actions
        actions += self._disarm(record)
        record.chan_id = None
        if record.state is SubscriptionState.UNSUBSCRIBING:
            actions += self._finish_unsubscribe(record)
        elif self.online:
            if record.state is not SubscriptionState.RESUBSCRIBING:
                actions.append(Log(logging.WARNING, "%s: the server ended %s on its own; subscribing again",
                                   (self.name, record.sub_id)))  # fmt: skip
            actions += self._request(record)
        return actions

    def _error(self, event: dict[str, Any]) -> list[Action[R]]:
        code = event.get("code")
        message = str(event.get("msg", "error"))
        actions: list[Action[R]] = [Emit("wss-error", (code, message))]
        sub_id = event.get("subId")
        record = self.owned.get(str(sub_id)) if sub_id is not None else None
        if record is not None and record.state is SubscriptionState.SENT:
            return actions + self._refused(record, message, code)
        chan_id = event.get("chanId")
        if code == ErrorCode.UNSUBSCRIPTION_FAILED and isinstance(chan_id, int) and chan_id in self.by_chan:
            # The server does not know the channel: there is nothing left to unsubscribe.
            record = self.by_chan.pop(chan_id)
            actions.append(Unroute(chan_id))
            if record.state is SubscriptionState.UNSUBSCRIBING:
                actions += self._finish_unsubscribe(record)
            return actions
        actions.append(Log(logging.WARNING, "%s: error from the server: %s (code %s)", (self.name, message, code)))
        return actions

    def _refused(self, record: R, message: str, code: Any) -> list[Action[R]]:
        actions = self._forget(record)
        error = SubscriptionError(message, error_code(code), record.request)
        if record.awaited():
            actions.append(Log(logging.WARNING, "%s: the server refused the subscription %s: %s",
                               (self.name, _describe(record), error)))  # fmt: skip
            actions.append(Fail(record, error))
        else:
            actions.append(Log(logging.ERROR, "%s: the server refused to restore %s: %s",
                               (self.name, _describe(record), error)))  # fmt: skip
        return actions

    # -- bookkeeping ------------------------------------------------------------------------------------------------

    def _request(self, record: R) -> list[Action[R]]:
        record.state = SubscriptionState.SENT
        return [*self._arm(record), Send(record.request, record)]

    def _request_unsubscribe(self, record: R) -> list[Action[R]]:
        return [*self._arm(record), Send({"event": "unsubscribe", "chanId": record.chan_id}, record)]

    @staticmethod
    def _arm(record: R) -> list[Action[R]]:
        record.armed = True
        return [Arm(record)]

    @staticmethod
    def _disarm(record: R) -> list[Action[R]]:
        if not record.armed:
            return []
        record.armed = False
        return [Disarm(record)]

    def _drop_channel(self, chan_id: int) -> list[Action[R]]:
        """Give ``chan_id`` up: its late frames are dropped without a report."""
        self.retired.add(chan_id)
        return [Unroute(chan_id)] if self.by_chan.pop(chan_id, None) is not None else []

    def _finish_unsubscribe(self, record: R) -> list[Action[R]]:
        actions = self._disarm(record)
        if record.chan_id is not None:
            actions += self._drop_channel(record.chan_id)
            record.chan_id = None
        actions += self._forget(record)
        actions += [Unsubscribed(record), Emit("unsubscribed", (record.info,))]
        return actions

    def _forget(self, record: R) -> list[Action[R]]:
        actions = self._disarm(record)
        if self.owned.get(record.sub_id) is record:
            del self.owned[record.sub_id]
        actions.append(Release(record))
        return actions


def _describe(record: Subscription) -> str:
    """A subscription as a person reads it: ``ticker tBTCUSD (sub_id ...)``."""
    info = record.info
    subject = info.get("symbol", info.get("key", ""))
    return f"{info.get('channel')} {subject} (sub_id {record.sub_id})"
