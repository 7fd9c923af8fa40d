"""One public connection of the pool and the (at most 25) subscriptions it owns.

A subscription outlives the sockets it travels on: when the socket drops, everything the bucket owns goes
back to *pending* and is subscribed again, with the same ``sub_id`` and the same subscription dict, as
soon as the socket is back. A subscription only ends when the user unsubscribes, when the server refuses
it, or when the client closes.
"""

import asyncio
import enum
from typing import Any, Callable, Optional

from .._connection import Connection, ConnectionContext, Flag
from .._handlers import PublicChannelHandler, Sink, create_handler
from .._pacing import ConnectionRateGovernor
from ..exceptions import InvalidMessageError, SubscriptionError, SubscriptionTimeoutError

__all__ = ["BfxWebSocketBucket", "SubscriptionRecord", "State", "sequence_index", "sequence_of"]

MAX_SUBSCRIPTIONS = 25


def sequence_index(frame: list[Any]) -> int:
    """Where the sequence number of a public frame sits (SEQ_ALL): after the payload, ``[CHAN, [..], SEQ]``,
    ``[CHAN, "hb", SEQ]``, ``[CHAN, "te", [..], SEQ]``, ``[CHAN, "cs", N, SEQ]``; a timestamp may follow it.
    A payload of any other shape (``[CHAN, null, SEQ]``) still counts as one: the server numbered the frame
    whatever its content, so even a frame the client cannot read keeps the count right."""
    second = frame[1]
    return 3 if second.__class__ is str and second != "hb" else 2


def sequence_of(frame: list[Any]) -> Any:
    """The sequence number of a public frame (see :func:`sequence_index`)."""
    return frame[sequence_index(frame)]


class State(enum.Enum):
    PENDING = "pending"  # waiting for the socket
    SENT = "sent"  # subscribe sent, waiting for "subscribed"
    ACTIVE = "active"
    UNSUBSCRIBING = "unsubscribing"
    RESUBSCRIBING = "resubscribing"  # unsubscribe sent, will subscribe again on "unsubscribed"


class SubscriptionRecord:
    """A subscription as the client tracks it."""

    __slots__ = (
        "sub_id", "info", "request", "state", "chan_id", "waiter", "unsubscribed", "timer", "sinks", "interrupt_hooks",
        "mts",
    )  # fmt: skip

    def __init__(self, sub_id: str, info: dict[str, Any], request: dict[str, Any]) -> None:
        self.sub_id = sub_id
        #: the dict passed to callbacks; the same object for the whole life of the subscription
        self.info = info
        #: the subscribe frame
        self.request = request
        self.state = State.PENDING
        self.chan_id: Optional[int] = None
        self.waiter: Optional["asyncio.Future[None]"] = None
        self.unsubscribed: Optional["asyncio.Future[None]"] = None
        self.timer: Optional[asyncio.TimerHandle] = None
        #: streams and managed books fed with this subscription's events
        self.sinks: list[Sink] = []
        #: told when the subscription is being restored (its local state, e.g. a book, is stale)
        self.interrupt_hooks: list[Callable[[], None]] = []
        #: the server timestamp of the subscription's last frame (TIMESTAMP flag)
        self.mts: Optional[int] = None

    def interrupt(self) -> None:
        for hook in self.interrupt_hooks:
            hook()

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class BfxWebSocketBucket(Connection):
    """A public connection: subscriptions, routing by channel id, recovery."""

    def __init__(
        self,
        host: str,
        context: ConnectionContext,
        name: str,
        governor: ConnectionRateGovernor,
        release: Callable[[SubscriptionRecord], None],
        limit: int = MAX_SUBSCRIPTIONS,
    ) -> None:
        super().__init__(host, context, name, governor)
        self.limit = limit
        # tells the client that a subscription ended (unsubscribed, refused, timed out)
        self._release = release
        self._owned: dict[str, SubscriptionRecord] = {}
        self._by_chan: dict[int, SubscriptionRecord] = {}
        self._routes: dict[int, PublicChannelHandler] = {}
        # channel ids given up (unsubscribed, refused): their late frames are dropped without a report
        self._retired: set[int] = set()
        # sub_ids unsubscribed before the server confirmed them: their late confirmation is undone
        self._abandoned: set[str] = set()
        self._online = False
        self._sequence = bool(self._flags & Flag.SEQ_ALL)
        self._timestamps = bool(self._flags & Flag.TIMESTAMP)
        # frames since the last checked number whose own number could not be read
        self._unnumbered = 0

    # -- capacity ------------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self._owned)

    @property
    def is_full(self) -> bool:
        return len(self._owned) >= self.limit

    @property
    def is_empty(self) -> bool:
        return not self._owned

    # -- requests from the client -------------------------------------------------------------------

    async def subscribe(self, record: SubscriptionRecord) -> None:
        """Own ``record`` and wait until the server confirms it (raises if it refuses)."""
        record.waiter = asyncio.get_running_loop().create_future()
        record.state = State.PENDING
        self._owned[record.sub_id] = record
        if self._online:
            await self._send_subscribe(record)
        await record.waiter

    async def unsubscribe(self, record: SubscriptionRecord) -> None:
        """Stop ``record`` and wait until the server confirms it."""
        if record.state is State.ACTIVE and self._online:
            record.state = State.UNSUBSCRIBING
            record.unsubscribed = asyncio.get_running_loop().create_future()
            await self._send_unsubscribe(record)
            await record.unsubscribed
            return
        self._forget(record)
        if record.state is State.SENT:
            self._abandoned.add(record.sub_id)
        self._fail_waiter(record, SubscriptionError("unsubscribed before the server confirmed the subscription"))

    async def resubscribe(self, record: SubscriptionRecord) -> None:
        """Unsubscribe and subscribe again with the same ``sub_id`` (a fresh snapshot follows)."""
        record.waiter = asyncio.get_running_loop().create_future()
        if record.state is State.ACTIVE and self._online:
            record.state = State.RESUBSCRIBING
            record.interrupt()
            await self._send_unsubscribe(record)
        await record.waiter

    async def abandon_all(self, error: BaseException) -> None:
        """The client is closing: fail whoever still waits."""
        for record in list(self._owned.values()):
            record.cancel_timer()
            self._fail_waiter(record, error)
            if record.unsubscribed is not None and not record.unsubscribed.done():
                record.unsubscribed.set_result(None)
        self._owned.clear()

    # -- sending ---------------------------------------------------------------------------------

    async def _send_subscribe(self, record: SubscriptionRecord) -> None:
        record.state = State.SENT
        self._arm(record)
        try:
            await self.send(record.request)
        except ConnectionError:
            # The socket is going away (a restart, a drop): the request goes out again once it is back.
            record.cancel_timer()
            record.state = State.PENDING

    async def _send_unsubscribe(self, record: SubscriptionRecord) -> None:
        self._arm(record)
        try:
            await self.send({"event": "unsubscribe", "chanId": record.chan_id})
        except ConnectionError:
            record.cancel_timer()  # the loss of the socket finishes it (see _on_lost)

    def _arm(self, record: SubscriptionRecord) -> None:
        record.cancel_timer()
        timeout = self._context.options.subscribe_timeout
        record.timer = asyncio.get_running_loop().call_later(timeout, self._timed_out, record)

    def _timed_out(self, record: SubscriptionRecord) -> None:
        record.timer = None
        timeout = self._context.options.subscribe_timeout
        if record.state is State.SENT and record.waiter is not None and not record.waiter.done():
            self._forget(record)
            self._abandoned.add(record.sub_id)
            self._fail_waiter(
                record,
                SubscriptionTimeoutError(
                    f"the server did not confirm the subscription {record.sub_id} within {timeout:g} s"
                ),
            )
        elif record.state is State.UNSUBSCRIBING:
            self._logger.warning("%s: no confirmation of unsubscribe %s; dropping it", self.name, record.sub_id)
            self._finish_unsubscribe(record)
        elif self._online:
            # A restore (after a reconnect or maintenance) went unanswered: rebuild the whole connection.
            self._logger.error("%s: %s not confirmed within %g s; reconnecting", self.name, record.sub_id, timeout)
            self.request_restart(f"subscription {record.sub_id} not confirmed")

    # -- connection hooks ----------------------------------------------------------------------------

    async def _on_open(self) -> None:
        self._online = True
        self._retired.clear()
        for record in list(self._owned.values()):
            if record.state is State.PENDING:
                await self._send_subscribe(record)

    def _on_lost(self) -> None:
        self._online = False
        self._unnumbered = 0
        self._routes.clear()
        self._by_chan.clear()
        self._abandoned.clear()
        for record in list(self._owned.values()):
            record.cancel_timer()
            record.chan_id = None
            if record.state is State.UNSUBSCRIBING:
                self._finish_unsubscribe(record)
            else:
                record.state = State.PENDING
                record.interrupt()

    def _on_maintenance_end(self) -> None:
        for record in list(self._owned.values()):
            if record.state is State.ACTIVE:
                record.state = State.RESUBSCRIBING
                record.interrupt()
                asyncio.get_running_loop().create_task(self._send_unsubscribe(record))

    def _on_list(self, data: list[Any]) -> None:
        if self._sequence:
            try:
                sequence = data[sequence_index(data)]
            except IndexError:
                sequence = None
            if sequence != self.last_sequence + 1:
                self._sequence_gap(sequence, data)
            self.last_sequence = sequence
        handler = self._routes.get(data[0])
        if handler is not None:
            if self._timestamps:
                self._stamp(data)
            handler(data)
        elif data[0] not in self._retired:
            raise InvalidMessageError(f"frame on {self.name}", data, f"unknown channel id {data[0]!r}")

    def _stamp(self, data: list[Any]) -> None:
        index = sequence_index(data) + (1 if self._sequence else 0)
        record = self._by_chan.get(data[0])
        if record is not None and index < len(data):
            record.mts = data[index]

    def _sequence_gap(self, sequence: Any, data: list[Any]) -> None:
        if sequence.__class__ is not int:
            # Unreadable, so it cannot be checked; the next readable number tells whether it was the one expected.
            self._unnumbered += 1
            raise InvalidMessageError(f"frame on {self.name}", data, "the sequence number is missing")
        expected = self.last_sequence + 1
        if self._unnumbered and expected < sequence <= expected + self._unnumbered:
            # Frames whose number could not be read took the numbers in between: nothing was lost.
            self._unnumbered = 0
            return
        self._unnumbered = 0
        self._emitter.emit("sequence_gap", self.name, expected, sequence)
        self._logger.warning(
            "%s: sequence gap (expected %d, got %d): frames were lost; resubscribing everything",
            self.name,
            expected,
            sequence,
        )
        self.request_restart(f"sequence gap: expected {expected}, got {sequence}")

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "subscribed":
            self._on_subscribed(event)
        elif kind == "unsubscribed":
            self._on_unsubscribed(event)
        elif kind == "error":
            self._on_error(event)
        else:
            self._logger.debug("%s: unhandled event %s", self.name, event)

    # -- server answers --------------------------------------------------------------------------

    def _on_subscribed(self, event: dict[str, Any]) -> None:
        sub_id = event.get("subId")
        chan_id = event.get("chanId")
        if not isinstance(chan_id, int):
            raise InvalidMessageError("subscribed event", event, "chanId is missing")
        record = self._owned.get(str(sub_id)) if sub_id is not None else None
        if record is None or record.state is not State.SENT:
            if sub_id is not None and str(sub_id) in self._abandoned:
                self._abandoned.discard(str(sub_id))
            else:
                self._logger.warning("%s: confirmation of a subscription nobody asked for: %s", self.name, event)
            self._retired.add(chan_id)
            asyncio.get_running_loop().create_task(self._quiet_unsubscribe(chan_id))
            return
        record.cancel_timer()
        info = record.info
        for key in ("prec", "freq", "len"):
            if key in info and key in event:
                info[key] = str(event[key])
        record.chan_id = chan_id
        record.state = State.ACTIVE
        self._by_chan[chan_id] = record
        self._routes[chan_id] = create_handler(info, self._emitter.emit, record.sinks)
        if record.waiter is not None and not record.waiter.done():
            record.waiter.set_result(None)
        self._emitter.emit("subscribed", info)

    def _on_unsubscribed(self, event: dict[str, Any]) -> None:
        chan_id = event.get("chanId")
        record = self._by_chan.pop(chan_id, None) if isinstance(chan_id, int) else None
        if isinstance(chan_id, int):
            self._routes.pop(chan_id, None)
            self._retired.add(chan_id)
        if record is None:
            return
        record.cancel_timer()
        record.chan_id = None
        if record.state is State.UNSUBSCRIBING:
            self._finish_unsubscribe(record)
        elif self._online:
            if record.state is not State.RESUBSCRIBING:
                self._logger.warning("%s: the server ended %s on its own; subscribing again", self.name, record.sub_id)
            asyncio.get_running_loop().create_task(self._send_subscribe(record))

    def _on_error(self, event: dict[str, Any]) -> None:
        code = event.get("code")
        message = str(event.get("msg", "error"))
        self._emitter.emit("wss-error", code, message)
        sub_id = event.get("subId")
        record = self._owned.get(str(sub_id)) if sub_id is not None else None
        if record is not None and record.state is State.SENT:
            record.cancel_timer()
            self._forget(record)
            error = SubscriptionError(message, code if isinstance(code, int) else None, record.request)
            if record.waiter is not None and not record.waiter.done():
                self._logger.warning("%s: the server refused the subscription %s: %s", self.name, _name(record), error)
                record.waiter.set_exception(error)
            else:
                self._logger.error("%s: the server refused to restore %s: %s", self.name, _name(record), error)
            return
        chan_id = event.get("chanId")
        if code == 10400 and isinstance(chan_id, int) and chan_id in self._by_chan:
            record = self._by_chan.pop(chan_id)
            self._routes.pop(chan_id, None)
            if record.state is State.UNSUBSCRIBING:
                self._finish_unsubscribe(record)
            return
        self._logger.warning("%s: error from the server: %s (code %s)", self.name, message, code)

    # -- bookkeeping -----------------------------------------------------------------------------

    async def _quiet_unsubscribe(self, chan_id: int) -> None:
        try:
            await self.send({"event": "unsubscribe", "chanId": chan_id})
        except ConnectionError:
            pass

    def _finish_unsubscribe(self, record: SubscriptionRecord) -> None:
        record.cancel_timer()
        if record.chan_id is not None:
            self._by_chan.pop(record.chan_id, None)
            self._routes.pop(record.chan_id, None)
            self._retired.add(record.chan_id)
            record.chan_id = None
        self._forget(record)
        if record.unsubscribed is not None and not record.unsubscribed.done():
            record.unsubscribed.set_result(None)
        self._emitter.emit("unsubscribed", record.info)

    def _forget(self, record: SubscriptionRecord) -> None:
        record.cancel_timer()
        if self._owned.get(record.sub_id) is record:
            del self._owned[record.sub_id]
        self._release(record)

    @staticmethod
    def _fail_waiter(record: SubscriptionRecord, error: BaseException) -> None:
        if record.waiter is not None and not record.waiter.done():
            record.waiter.set_exception(error)
            # Nobody may be awaiting any more (the caller went away): do not warn about it.
            record.waiter.exception()


def _name(record: SubscriptionRecord) -> str:
    """A subscription as a person reads it: ``ticker tBTCUSD (sub_id ...)``."""
    info = record.info
    subject = info.get("symbol", info.get("key", ""))
    return f"{info.get('channel')} {subject} (sub_id {record.sub_id})"
