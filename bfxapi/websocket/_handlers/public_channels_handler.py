"""Turn the frames of one public subscription into typed events.

A handler is built once, when the server confirms a subscription; it already knows its events, its
serializer and where the payload sits, so handling a frame is a type check, a parse and an emit. The
trailing sequence number and timestamp that ``conf`` flags append never matter here: the payload is
always at index 1 (``[CHAN, PAYLOAD, ...]``) or 2 (``[CHAN, "te", PAYLOAD, ...]``).

What is a snapshot: the first data frame after ``subscribed``; never judged by shape alone, because with
BULK_UPDATES an update looks like a snapshot.

A heartbeat (``[CHAN, "hb"]``) is emitted as ``heartbeat(subscription)``, to callbacks only (streams and managed
books carry data); it is tested for only where a frame is not data, so data frames pay nothing for it.

The serializers come from the client's codec (its number mode), picked once per subscription: a decimal client's
handler holds the decimal serializers, and a frame pays nothing for the choice.
"""

import functools
import sys
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from ..._aliases import Emit
from ...types.codec import Codec
from ...types.labeler import Serializer
from .._event_emitter.bfx_event_emitter import BfxEventEmitter
from .._trades_recovery import TradesRecovery
from ..exceptions import InvalidMessageError

__all__ = ["PublicChannelHandler", "Sink", "create_handler"]

#: something that also receives a subscription's events (a stream, a managed book)
Sink = Callable[[str, Any], None]

# Typed frames ([CHAN, "te", PAYLOAD]) -> event name; None for heartbeats (no payload: see _heartbeat). One table
# per kind of channel, shared by all its handlers (never changed after import): a dict per subscription would
# cost about 0.2 KiB each, for the same few entries.
_HEARTBEAT: dict[str, Optional[str]] = {"hb": None}
_HEARTBEAT_CHECKSUM: dict[str, Optional[str]] = {"hb": None, "cs": "checksum"}
_TRADING_TRADES: dict[str, Optional[str]] = {"hb": None, "te": "t_trade_execution", "tu": "t_trade_execution_update"}
_FUNDING_TRADES: dict[str, Optional[str]] = {
    "hb": None, "fte": "f_trade_execution", "ftu": "f_trade_execution_update"
}  # fmt: skip


class _PlainEmit:
    """What a handler delivers through when it was given a plain ``emit`` function rather than a
    :class:`BfxEventEmitter`'s own (a test's recorder, a subclass that overrides ``emit``): each event's one
    "callback" is that function, called as ``emit(event, subscription, data)``, and what it raises goes on up."""

    __slots__ = ("callbacks_by_event",)

    def __init__(self, emit: Emit) -> None:
        self.callbacks_by_event = _EmitCalls(emit)

    def callback_failed(self, event: str, error: BaseException) -> None:  # pylint: disable=unused-argument
        raise error

    def callback_returned(self, event: str, result: Any) -> None:
        """The result of a plain ``emit`` is its own business."""


class _EmitCalls(dict[str, tuple[Callable[..., Any]]]):
    def __init__(self, emit: Emit) -> None:
        super().__init__()
        self.emit = emit

    def __missing__(self, event: str) -> tuple[Callable[..., Any]]:
        calls = self[event] = (functools.partial(self.emit, event),)
        return calls


def _delivery_of(emit: Emit) -> Union[BfxEventEmitter, _PlainEmit]:
    owner = getattr(emit, "__self__", None)
    if isinstance(owner, BfxEventEmitter) and getattr(emit, "__func__", None) is BfxEventEmitter.emit:
        return owner
    return _PlainEmit(emit)


class PublicChannelHandler:
    """Base class: holds what every channel needs, and reports heartbeats and unexpected frames.

    A data event is delivered as :meth:`BfxEventEmitter.emit` would deliver it, but by the handler itself, without
    packing the arguments into a tuple and a dict of keywords and unpacking them again for each callback: it reads
    the callbacks of the event from the emitter's live table and calls each in a ``try``, then feeds the sinks. The
    single-row update of each kind of channel (what a channel sends nearly all the time) does it inline rather than
    through :meth:`_deliver`: a call less per frame. ``tests/test_ws_emitter_deliver.py`` holds every copy to the
    emitter's behaviour."""

    __slots__ = ("subscription", "emit", "callbacks", "failed", "returned", "sinks", "typed")

    def __init__(self, subscription: dict[str, Any], emit: Emit, sinks: Sequence[Sink]) -> None:
        self.subscription = subscription
        self.emit = emit
        delivery = _delivery_of(emit)
        #: event -> its callbacks (the emitter's live table); a callback's exception, and a result other than None
        self.callbacks: Mapping[str, tuple[Callable[..., Any], ...]] = delivery.callbacks_by_event
        self.failed: Callable[[str, BaseException], None] = delivery.callback_failed
        self.returned: Callable[[str, Any], None] = delivery.callback_returned
        self.sinks = sinks
        #: typed frames -> event name (None: heartbeat), the table of the channel's kind (shared: never change it)
        self.typed: dict[str, Optional[str]] = _HEARTBEAT

    def __call__(self, frame: list[Any]) -> None:
        raise NotImplementedError

    def _deliver(self, event: str, data: Any) -> None:
        for callback in self.callbacks[event]:
            try:
                result = callback(self.subscription, data)
            except Exception as error:  # pylint: disable=broad-exception-caught
                self.failed(event, error)
            else:
                if result is not None:
                    self.returned(event, result)
        for sink in self.sinks:
            sink(event, data)

    def _heartbeat(self) -> None:
        self.emit("heartbeat", self.subscription)

    def _unexpected(self, frame: list[Any], reason: str) -> InvalidMessageError:
        return InvalidMessageError(f"{self.subscription['channel']} frame", frame, reason)


class _RowHandler(PublicChannelHandler):
    """Channels whose every frame is one full row: ticker and derivatives status."""

    __slots__ = ("event", "parse")

    def __init__(
        self, subscription: dict[str, Any], emit: Emit, sinks: Sequence[Sink], event: str, serializer: Serializer[Any]
    ) -> None:
        super().__init__(subscription, emit, sinks)
        self.event = sys.intern(event)  # one string per event name, not one per subscription
        self.parse = serializer.from_wire

    def __call__(self, frame: list[Any]) -> None:
        payload = frame[1]
        if payload.__class__ is list:
            item = self.parse(payload)
            event = self.event
            for callback in self.callbacks[event]:  # _deliver, inlined (class docstring)
                try:
                    result = callback(self.subscription, item)
                except Exception as error:  # pylint: disable=broad-exception-caught
                    self.failed(event, error)
                else:
                    if result is not None:
                        self.returned(event, result)
            for sink in self.sinks:
                sink(event, item)
        elif payload == "hb":
            self._heartbeat()
        else:
            raise self._unexpected(frame, f"unexpected {payload!r} frame")


class _SnapshotHandler(PublicChannelHandler):
    """Channels with a snapshot then single-entry updates: books, raw books, candles.

    An update may also be a bulk of entries (BULK_UPDATES): each entry is delivered in order, and a
    ``checksum`` frame always comes after the whole bulk.
    """

    __slots__ = ("snapshot_event", "update_event", "parse", "snapshot_pending")

    def __init__(
        self,
        subscription: dict[str, Any],
        emit: Emit,
        sinks: Sequence[Sink],
        snapshot_event: str,
        update_event: str,
        serializer: Serializer[Any],
        checksum: bool,
    ) -> None:
        super().__init__(subscription, emit, sinks)
        self.snapshot_event = sys.intern(snapshot_event)  # one string per event name, not one per subscription
        self.update_event = sys.intern(update_event)
        self.parse = serializer.from_wire
        self.snapshot_pending = True
        if checksum:
            self.typed = _HEARTBEAT_CHECKSUM

    def __call__(self, frame: list[Any]) -> None:
        payload = frame[1]
        if payload.__class__ is list:
            if self.snapshot_pending:
                self.snapshot_pending = False
                if payload and payload[0].__class__ is not list:
                    # A first frame holding one row: no history to snapshot, it is an update.
                    self._deliver(self.update_event, self.parse(payload))
                else:
                    self._deliver(self.snapshot_event, [self.parse(row) for row in payload])
            elif payload and payload[0].__class__ is list:
                # Every row is parsed before any is delivered: a bad row rejects the whole frame, never half of it.
                for item in [self.parse(row) for row in payload]:
                    self._deliver(self.update_event, item)
            else:
                item = self.parse(payload)
                event = self.update_event
                for callback in self.callbacks[event]:  # _deliver, inlined (class docstring)
                    try:
                        result = callback(self.subscription, item)
                    except Exception as error:  # pylint: disable=broad-exception-caught
                        self.failed(event, error)
                    else:
                        if result is not None:
                            self.returned(event, result)
                for sink in self.sinks:
                    sink(event, item)
            return
        if payload in self.typed:
            if self.typed[payload] is not None:  # "cs"
                value = frame[2]
                if value.__class__ is not int:
                    raise self._unexpected(frame, "checksum is not an integer")
                self._deliver("checksum", value & 0xFFFFFFFF)
            else:
                self._heartbeat()
            return
        raise self._unexpected(frame, f"unexpected {payload!r} frame")


class _TradesHandler(PublicChannelHandler):
    """Trades: a snapshot, then ``te``/``tu`` (trading) or ``fte``/``ftu`` (funding) frames."""

    __slots__ = ("snapshot_event", "parse", "snapshot_pending")

    def __init__(
        self, subscription: dict[str, Any], emit: Emit, sinks: Sequence[Sink], funding: bool, codec: Codec[Any]
    ) -> None:
        super().__init__(subscription, emit, sinks)
        prefix = "f" if funding else "t"
        self.snapshot_event = sys.intern(f"{prefix}_trades_snapshot")
        self.parse = (codec.FundingCurrencyTrade if funding else codec.TradingPairTrade).from_wire
        self.snapshot_pending = True
        self.typed = _FUNDING_TRADES if funding else _TRADING_TRADES

    def __call__(self, frame: list[Any]) -> None:
        kind = frame[1]
        if kind.__class__ is str:
            event = self.typed.get(kind, "")  # one lookup: "" for a type the channel does not send, None for "hb"
            if event:
                item = self.parse(frame[2])
                for callback in self.callbacks[event]:  # _deliver, inlined (class docstring)
                    try:
                        result = callback(self.subscription, item)
                    except Exception as error:  # pylint: disable=broad-exception-caught
                        self.failed(event, error)
                    else:
                        if result is not None:
                            self.returned(event, result)
                for sink in self.sinks:
                    sink(event, item)
            elif event is None:
                self._heartbeat()
            else:
                raise self._unexpected(frame, f"unexpected {kind!r} frame")
            return
        if kind.__class__ is list and self.snapshot_pending:
            self.snapshot_pending = False
            self._deliver(self.snapshot_event, [self.parse(row) for row in kind])
            return
        raise self._unexpected(frame, "a trades frame that is neither the snapshot nor a te/tu update")


class _RecoveringTradesHandler(_TradesHandler):
    """Trades with ``recover_trades``: what the channel delivers goes through the subscription's
    :class:`TradesRecovery`, which may hold it while it fetches the trades missed during an outage (a separate
    class, so that the plain handler's path stays as it is when the option is off)."""

    __slots__ = ("recovery",)

    def __init__(
        self,
        subscription: dict[str, Any],
        emit: Emit,
        sinks: Sequence[Sink],
        funding: bool,
        codec: Codec[Any],
        recovery: TradesRecovery,
    ) -> None:
        super().__init__(subscription, emit, sinks, funding, codec)
        self.recovery = recovery

    def __call__(self, frame: list[Any]) -> None:
        kind = frame[1]
        if kind.__class__ is str:
            if kind not in self.typed:
                raise self._unexpected(frame, f"unexpected {kind!r} frame")
            event = self.typed[kind]
            if event is not None:
                self.recovery.live(self._deliver, event, self.parse(frame[2]))
            else:
                self._heartbeat()
            return
        if kind.__class__ is list and self.snapshot_pending:
            self.snapshot_pending = False
            self.recovery.snapshot(self._deliver, self.snapshot_event, [self.parse(row) for row in kind])
            return
        raise self._unexpected(frame, "a trades frame that is neither the snapshot nor a te/tu update")


class _LiquidationHandler(PublicChannelHandler):
    """``liq:global``: each frame holds a list of liquidation rows; one event per row."""

    __slots__ = ("parse",)

    def __init__(self, subscription: dict[str, Any], emit: Emit, sinks: Sequence[Sink], codec: Codec[Any]) -> None:
        super().__init__(subscription, emit, sinks)
        self.parse = codec.Liquidation.from_wire

    def __call__(self, frame: list[Any]) -> None:
        payload = frame[1]
        if payload.__class__ is list:
            parse = self.parse
            rows = payload if payload and payload[0].__class__ is list else [payload]
            for item in [parse(row) for row in rows]:  # all or nothing, as for bulk book updates
                self._deliver("liquidation_feed_update", item)
        elif payload == "hb":
            self._heartbeat()
        else:
            raise self._unexpected(frame, f"unexpected {payload!r} frame")


def create_handler(
    subscription: dict[str, Any],
    emit: Emit,
    sinks: Sequence[Sink],
    recovery: Optional[TradesRecovery] = None,
    codec: Optional[Codec[Any]] = None,
) -> PublicChannelHandler:
    """The handler of one confirmed subscription (``subscription`` is the dict callbacks receive); ``recovery``
    is the trades subscription's, when ``recover_trades`` is on; ``codec`` the client's (float mode's if None)."""
    serializers = codec if codec is not None else Codec()
    channel = subscription["channel"]
    if channel in ("ticker", "trades", "book"):
        funding = str(subscription["symbol"]).startswith("f")
        prefix = "f" if funding else "t"
        if channel == "ticker":
            serializer = serializers.FundingCurrencyTicker if funding else serializers.TradingPairTicker
            return _RowHandler(subscription, emit, sinks, f"{prefix}_ticker_update", serializer)
        if channel == "trades":
            if recovery is not None:
                return _RecoveringTradesHandler(subscription, emit, sinks, funding, serializers, recovery)
            return _TradesHandler(subscription, emit, sinks, funding, serializers)
        raw = subscription.get("prec") == "R0"
        kind = f"{prefix}_raw_book" if raw else f"{prefix}_book"
        book_serializers: dict[tuple[bool, bool], Serializer[Any]] = {
            (False, False): serializers.TradingPairBook,
            (True, False): serializers.FundingCurrencyBook,
            (False, True): serializers.TradingPairRawBook,
            (True, True): serializers.FundingCurrencyRawBook,
        }
        return _SnapshotHandler(
            subscription, emit, sinks, f"{kind}_snapshot", f"{kind}_update", book_serializers[funding, raw], True
        )
    if channel == "candles":
        return _SnapshotHandler(
            subscription, emit, sinks, "candles_snapshot", "candles_update", serializers.Candle, False
        )
    if channel == "status":
        key = str(subscription["key"])
        if key.startswith("liq:"):
            return _LiquidationHandler(subscription, emit, sinks, serializers)
        return _RowHandler(subscription, emit, sinks, "derivatives_status_update", serializers.DerivativesStatus)
    raise ValueError(f"no handler for channel {channel!r}")
