"""One public connection of the pool and the (at most 25) subscriptions it owns.

A subscription outlives the sockets it travels on: when the socket drops, everything the bucket owns goes
back to *pending* and is subscribed again, with the same ``sub_id`` and the same subscription dict, as
soon as the socket is back. A subscription only ends when the user unsubscribes, when the server refuses
it, or when the client closes.
"""

import asyncio
from typing import Any, Callable, Optional

from .._connection import Connection, ConnectionContext, Routing
from .._protocol import (
    Action, Arm, Confirm, Disarm, Emit, ExpectUnsubscribed, Fail, Flag, Interrupt, Log, PublicSequence, Release,
    Restart, Route, Send, Subscription, SubscriptionState, SubscriptionTable, Unroute, Unsubscribed, sequence_index,
)  # fmt: skip
from .._handlers import Sink, create_handler
from .._pacing import ConnectionRateGovernor
from .._trades_recovery import TradesRecovery
from ..exceptions import InvalidMessageError

__all__ = ["BfxWebSocketBucket", "SubscriptionRecord", "State", "sequence_of"]

MAX_SUBSCRIPTIONS = 25

#: the states of a subscription (decided by :class:`.._protocol.SubscriptionTable`)
State = SubscriptionState


def sequence_of(frame: list[Any]) -> Any:
    """The sequence number of a public frame (see :func:`.._protocol.sequence_index`)."""
    return frame[sequence_index(frame)]


class SubscriptionRecord(Subscription):
    """A subscription as the client tracks it: what the protocol decides on, plus its futures, timer and sinks."""

    __slots__ = ("waiter", "unsubscribed", "timer", "sinks", "interrupt_hooks", "mts", "recovery")

    def __init__(self, sub_id: str, info: dict[str, Any], request: dict[str, Any]) -> None:
        super().__init__(sub_id, info, request)
        self.waiter: Optional["asyncio.Future[None]"] = None
        self.unsubscribed: Optional["asyncio.Future[None]"] = None
        self.timer: Optional[asyncio.TimerHandle] = None
        #: streams and managed books fed with this subscription's events
        self.sinks: list[Sink] = []
        #: told when the subscription is being restored (its local state, e.g. a book, is stale)
        self.interrupt_hooks: list[Callable[[], None]] = []
        #: the server timestamp of the subscription's last frame (TIMESTAMP flag)
        self.mts: Optional[int] = None
        #: a trades subscription's delivery state across restores (``recover_trades``)
        self.recovery: Optional[TradesRecovery] = None

    def awaited(self) -> bool:
        return self.waiter is not None and not self.waiter.done()

    def interrupt(self) -> None:
        for hook in self.interrupt_hooks:
            hook()

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


_Actions = list[Action[SubscriptionRecord]]


class BfxWebSocketBucket(Connection):
    """A public connection: subscriptions (decided by a :class:`SubscriptionTable`), routing by channel id,
    recovery."""

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
        self._table: SubscriptionTable[SubscriptionRecord] = SubscriptionTable(
            name, context.options.subscribe_timeout
        )
        # the hot path: channel id -> the handler's bound ``__call__``, installed and removed by the table's
        # Route/Unroute only. The bound method, not the handler: CPython calls an instance through its type's
        # ``__call__`` slot, which looks the method up and binds it on every frame.
        self._routes: dict[int, Callable[[list[Any]], None]] = {}
        # tasks sending what a synchronous decision asked for (kept: the loop only holds weak references)
        self._sending: set["asyncio.Task[None]"] = set()
        self._sequence = bool(self._flags & Flag.SEQ_ALL)
        self._timestamps = bool(self._flags & Flag.TIMESTAMP)
        self._audit = PublicSequence()

    # -- capacity ------------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self._table.owned)

    @property
    def is_full(self) -> bool:
        return len(self._table.owned) >= self.limit

    @property
    def is_empty(self) -> bool:
        return not self._table.owned

    def _stats_subscriptions(self) -> tuple[str, ...]:
        return tuple(self._table.owned)

    # -- requests from the client -------------------------------------------------------------------

    async def subscribe(self, record: SubscriptionRecord) -> None:
        """Own ``record`` and wait until the server confirms it (raises if it refuses)."""
        record.waiter = asyncio.get_running_loop().create_future()
        await self._perform(self._table.subscribe(record))
        await record.waiter

    async def unsubscribe(self, record: SubscriptionRecord) -> None:
        """Stop ``record`` and wait until the server confirms it."""
        actions = self._table.unsubscribe(record)
        await self._perform(actions)
        # Only a subscription the server holds waits for its confirmation; any other is let go at once.
        if record.state is State.UNSUBSCRIBING and record.unsubscribed is not None:
            await asyncio.shield(record.unsubscribed)

    async def resubscribe(self, record: SubscriptionRecord) -> None:
        """Unsubscribe and subscribe again with the same ``sub_id`` (a fresh snapshot follows)."""
        record.waiter = asyncio.get_running_loop().create_future()
        await self._perform(self._table.resubscribe(record))
        await record.waiter

    async def abandon_all(self, error: BaseException) -> None:
        """The client is closing: fail whoever still waits."""
        self._apply(self._table.abandon(error))

    # -- carrying out the table's decisions -------------------------------------------------------------

    async def _perform(self, actions: _Actions) -> None:
        await self._send_all(self._apply(actions))

    def _perform_soon(self, actions: _Actions) -> None:
        """From synchronous code (a frame, a timer): what cannot wait is done now, the sending in a task."""
        sends = self._apply(actions)
        if sends:
            task = asyncio.get_running_loop().create_task(self._send_all(sends))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send_all(self, sends: list[Send[SubscriptionRecord]]) -> None:
        for send in sends:
            try:
                await self.send(send.message)
            except ConnectionError:
                self._apply(self._table.unsent(send))

    def _apply(self, actions: _Actions) -> list[Send[SubscriptionRecord]]:
        """Carry out every action but sending, in order; the messages to send are returned."""
        sends: list[Send[SubscriptionRecord]] = []
        for action in actions:
            match action:
                case Send():
                    sends.append(action)
                case Emit(name, args):
                    self._emitter.emit(name, *args)
                case Log(level, message, args):
                    self._logger.log(level, message, *args)
                case Restart(reason):
                    self.request_restart(reason)
                case Route(chan_id, record):
                    self._routes[chan_id] = create_handler(
                        record.info, self._emitter.emit, record.sinks, record.recovery, self._context.codec
                    ).__call__
                case Unroute(chan_id):
                    self._routes.pop(chan_id, None)
                case _:
                    self._apply_to_record(action)
        return sends

    def _apply_to_record(self, action: Action[SubscriptionRecord]) -> None:
        match action:
            case Arm(record):
                record.cancel_timer()
                record.timer = asyncio.get_running_loop().call_later(self._table.timeout, self._timed_out, record)
            case Disarm(record):
                record.cancel_timer()
            case Interrupt(record):
                record.interrupt()
            case Release(record):
                self._release(record)
            case Confirm(record):
                if record.waiter is not None and not record.waiter.done():
                    record.waiter.set_result(None)
            case Fail(record, error):
                if record.waiter is not None and not record.waiter.done():
                    record.waiter.set_exception(error)
                    # Nobody may be awaiting any more (the caller went away): do not warn about it.
                    record.waiter.exception()
            case ExpectUnsubscribed(record):
                record.unsubscribed = asyncio.get_running_loop().create_future()
            case Unsubscribed(record):
                if record.unsubscribed is not None and not record.unsubscribed.done():
                    record.unsubscribed.set_result(None)

    def _timed_out(self, record: SubscriptionRecord) -> None:
        record.timer = None
        self._perform_soon(self._table.timed_out(record))

    # -- connection hooks ----------------------------------------------------------------------------

    async def _on_open(self) -> None:
        await self._perform(self._table.opened())

    @property
    def last_sequence(self) -> int:
        """The last sequence number seen (SEQ_ALL), 0 on a new socket."""
        return self._audit.last

    def _on_new_socket(self) -> None:
        self._audit.reset()

    def _on_lost(self) -> None:
        self._perform_soon(self._table.lost())

    def _on_maintenance_end(self) -> None:
        self._perform_soon(self._table.maintenance_ended())

    def _routing(self) -> Routing:
        return Routing(
            self._routes, self._audit if self._sequence else None, self._stamp if self._timestamps else None,
            self._on_list,
        )  # fmt: skip

    def _on_list(self, data: list[Any]) -> None:
        # no route: a channel unsubscribed a moment ago may still have frames on the way
        if data[0] not in self._table.retired:
            raise InvalidMessageError(f"frame on {self.name}", data, f"unknown channel id {data[0]!r}")

    def _stamp(self, data: list[Any]) -> None:
        index = sequence_index(data) + (1 if self._sequence else 0)
        record = self._table.by_chan.get(data[0])
        if record is not None and index < len(data):
            record.mts = data[index]

    def _on_event(self, event: dict[str, Any]) -> None:
        self._perform_soon(self._table.event(event))
