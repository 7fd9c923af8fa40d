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
from typing import Any, Callable, ClassVar, Mapping, Optional, Sequence, TypeVar, Union, cast

from ..._aliases import Emit
from ...types.codec import Codec
from ...types.labeler import Serializer
from .._event_emitter.bfx_event_emitter import BfxEventEmitter
from .._trades_recovery import TradesRecovery
from ._generated import DELIVER, compile_function, fill
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
    the callbacks of the event from the emitter's live table and calls each in a ``try``, then feeds the sinks
    (:data:`._generated.DELIVER`, the one source of that loop). ``tests/test_ws_emitter_deliver.py`` holds it to
    the emitter's behaviour.

    A subclass that names a :attr:`FAST_PATH` gets, for each serializer it is created with, a generated subclass
    whose ``__call__`` handles the frame a channel sends nearly all the time (its single-row update) with the
    serializer's build and the delivery loop inline, no call into either, and hands every other frame to the
    class's own ``__call__``, the reference: see :func:`_fast_class`."""

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

    #: the source of the fast path's ``__call__`` (None: none), with ``{parse}`` where the serializer's build goes
    #: (it sets ``item`` from the variable ``values``) and ``{deliver}`` where the delivery loop goes (of ``item``, as
    #: the event ``event``); ``_list``, ``_str`` and ``_reference`` (the class's own ``__call__``) are known names
    FAST_PATH: ClassVar[Optional[str]] = None

    #: ``_deliver(event, item)``: the function generated from :data:`._generated.DELIVER` (below the class)
    _deliver: ClassVar[Callable[["PublicChannelHandler", str, Any], None]]

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

    FAST_PATH: ClassVar[Optional[str]] = """
def __call__(self, frame):
    values = frame[1]
    if values.__class__ is _list:
        {parse}
        event = self.event
        {deliver}
    _reference(self, frame)
"""

    def __call__(self, frame: list[Any]) -> None:
        payload = frame[1]
        if payload.__class__ is list:
            self._deliver(self.event, self.parse(payload))
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

    FAST_PATH: ClassVar[Optional[str]] = """
def __call__(self, frame):
    values = frame[1]
    if values.__class__ is _list and values and values[0].__class__ is not _list and not self.snapshot_pending:
        {parse}
        event = self.update_event
        {deliver}
    _reference(self, frame)
"""

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
                self._deliver(self.update_event, self.parse(payload))
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

    FAST_PATH: ClassVar[Optional[str]] = """
def __call__(self, frame):
    kind = frame[1]
    if kind.__class__ is _str:
        event = self.typed.get(kind, "")
        if event:
            values = frame[2]
            {parse}
            {deliver}
    _reference(self, frame)
"""

    def __init__(
        self, subscription: dict[str, Any], emit: Emit, sinks: Sequence[Sink], funding: bool,
        serializer: Serializer[Any],
    ) -> None:  # fmt: skip
        super().__init__(subscription, emit, sinks)
        prefix = "f" if funding else "t"
        self.snapshot_event = sys.intern(f"{prefix}_trades_snapshot")
        self.parse = serializer.from_wire
        self.snapshot_pending = True
        self.typed = _FUNDING_TRADES if funding else _TRADING_TRADES

    def __call__(self, frame: list[Any]) -> None:
        kind = frame[1]
        if kind.__class__ is str:
            event = self.typed.get(kind, "")  # one lookup: "" for a type the channel does not send, None for "hb"
            if event:
                self._deliver(event, self.parse(frame[2]))
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

    FAST_PATH = None

    def __init__(
        self,
        subscription: dict[str, Any],
        emit: Emit,
        sinks: Sequence[Sink],
        funding: bool,
        serializer: Serializer[Any],
        recovery: TradesRecovery,
    ) -> None:
        super().__init__(subscription, emit, sinks, funding, serializer)
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


PublicChannelHandler._deliver = compile_function(  # pylint: disable=protected-access
    fill("def _deliver(self, event, item):\n    {deliver}", deliver=DELIVER), {}, "PublicChannelHandler._deliver"
)

# (handler class, serializer) -> the class with that serializer's fast path. Serializers live as long as the codec
# they belong to (one per number mode, for the life of the process): a few dozen entries at most.
_FAST_CLASSES: dict[tuple[type[PublicChannelHandler], Serializer[Any]], type[Any]] = {}

_Handler = TypeVar("_Handler", bound=PublicChannelHandler)


def _fast_class(klass: type[_Handler], serializer: Serializer[Any]) -> type[_Handler]:
    """``klass`` with the fast path of its :attr:`~PublicChannelHandler.FAST_PATH` for ``serializer`` (built once,
    kept), or ``klass`` itself when it has none or the serializer cannot be inlined. Its instances behave as
    ``klass``'s do (``tests/test_ws_handler_fast_paths.py`` compares the two on every kind of frame)."""
    key = (klass, serializer)
    fast = _FAST_CLASSES.get(key)
    if fast is None:
        inline = serializer.inline_source("values", "item", "_parse") if klass.FAST_PATH else None
        if klass.FAST_PATH is None or inline is None:
            fast = klass
        else:
            lines, names = inline
            source = fill(klass.FAST_PATH, parse="\n".join(lines), deliver=DELIVER)
            names = {**names, "_list": list, "_str": str, "_parse": serializer.from_wire, "_reference": klass.__call__}
            name = f"{klass.__name__}[{serializer.name}]"
            call = compile_function(source, names, f"{name}.__call__")
            fast = type(name, (klass,), {"__slots__": (), "__call__": call, "__module__": __name__})
        _FAST_CLASSES[key] = fast
    return cast(type[_Handler], fast)


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
            event = f"{prefix}_ticker_update"
            return _fast_class(_RowHandler, serializer)(subscription, emit, sinks, event, serializer)
        if channel == "trades":
            trade = serializers.FundingCurrencyTrade if funding else serializers.TradingPairTrade
            if recovery is not None:
                return _RecoveringTradesHandler(subscription, emit, sinks, funding, trade, recovery)
            return _fast_class(_TradesHandler, trade)(subscription, emit, sinks, funding, trade)
        raw = subscription.get("prec") == "R0"
        kind = f"{prefix}_raw_book" if raw else f"{prefix}_book"
        book_serializers: dict[tuple[bool, bool], Serializer[Any]] = {
            (False, False): serializers.TradingPairBook,
            (True, False): serializers.FundingCurrencyBook,
            (False, True): serializers.TradingPairRawBook,
            (True, True): serializers.FundingCurrencyRawBook,
        }
        book = book_serializers[funding, raw]
        return _fast_class(_SnapshotHandler, book)(
            subscription, emit, sinks, f"{kind}_snapshot", f"{kind}_update", book, True
        )
    if channel == "candles":
        return _fast_class(_SnapshotHandler, serializers.Candle)(
            subscription, emit, sinks, "candles_snapshot", "candles_update", serializers.Candle, False
        )
    if channel == "status":
        key = str(subscription["key"])
        if key.startswith("liq:"):
            return _LiquidationHandler(subscription, emit, sinks, serializers)
        status = serializers.DerivativesStatus
        return _fast_class(_RowHandler, status)(subscription, emit, sinks, "derivatives_status_update", status)
    raise ValueError(f"no handler for channel {channel!r}")
