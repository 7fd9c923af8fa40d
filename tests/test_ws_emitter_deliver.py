"""The channel handlers deliver their events themselves, reading the emitter's table of callbacks, and behave as
``BfxEventEmitter.emit`` does: the same callbacks in the same order, ``once`` honoured, a listener removed or added
during delivery treated the same, a failing callback reported and the others still called, coroutine callbacks
scheduled and tracked: both copies of the loop (the single-row update each kind of channel inlines, and ``_deliver``
for the rest). Each scenario runs through each of them and through ``emit``, the records are compared, and checked
against what is expected."""

import asyncio
import logging
from typing import Any, Callable

import pytest

from bfxapi.websocket._event_emitter.bfx_event_emitter import BfxEventEmitter
from bfxapi.types.dataclasses import TradingPairBook
from bfxapi.websocket._handlers.public_channels_handler import create_handler

EVENT = "t_book_update"
# a derivatives status row in Bitfinex's layout: times, one count, prices, nulls where nothing is documented
DERIV: list[Any] = [
    1_700_000_000_000, None, 64000.5, 64010.0, None, 1.5e7, None, 1_700_000_028_800, 0.0001, 4, None, 0.0001, None,
    None, 64005.0, None, None, 1234.5, None, None, None, 0.001, 0.002,
]  # fmt: skip
SUB = {"channel": "book", "symbol": "tBTCUSD", "prec": "P0"}


def _row(data: Any) -> TradingPairBook:
    """What a book handler builds from the level ``[data, 1, 1.0]``."""
    return TradingPairBook(price=data, count=1, amount=1.0)


def _emit(emitter: BfxEventEmitter, data: Any) -> None:
    emitter.emit(EVENT, SUB, _row(data))


def _through_handler(frame: Callable[[Any], list[Any]]) -> Callable[[BfxEventEmitter, Any], None]:
    """A sender that hands ``frame(data)`` to a book handler: the handler's own delivery loop (its fast path's copy,
    or ``_deliver``) is what delivers ``_row(data)``."""

    def send(emitter: BfxEventEmitter, data: Any) -> None:
        handler: Any = create_handler(SUB, emitter.emit, [])
        handler.snapshot_pending = False
        handler(frame(data))

    send.__name__ = f"_handler_{frame.__name__}"
    return send


def _single_update(data: Any) -> list[Any]:  # the fast path's copy (_SnapshotHandler[TradingPairBook].__call__)
    return [1, [data, 1, 1.0]]


def _bulk_update(data: Any) -> list[Any]:  # PublicChannelHandler._deliver
    return [1, [[data, 1, 1.0]]]


_DELIVER = _through_handler(_single_update)
SENDERS = [_emit, _DELIVER, _through_handler(_bulk_update)]


def _emitter() -> BfxEventEmitter:
    return BfxEventEmitter(logger=logging.getLogger("test.deliver"))


def _order_and_once(send: Callable[[BfxEventEmitter, Any], None]) -> list[Any]:
    emitter, seen = _emitter(), []
    emitter.on(EVENT, lambda sub, data: seen.append(("a", sub is SUB, data)))
    emitter.once(EVENT, lambda sub, data: seen.append(("once", sub is SUB, data)))
    emitter.on(EVENT, lambda sub, data: seen.append(("b", sub is SUB, data)))
    for data in (1, 2):
        send(emitter, data)
    return seen


def _removal_during(send: Callable[[BfxEventEmitter, Any], None]) -> list[Any]:
    emitter, seen = _emitter(), []

    def second(_sub: Any, data: Any) -> None:
        seen.append(("second", data))

    def first(_sub: Any, data: Any) -> None:
        seen.append(("first", data))
        emitter.remove_listener(EVENT, second)  # takes effect from the next delivery
        emitter.on(EVENT, lambda _s, d: seen.append(("added", d)))

    emitter.on(EVENT, first)
    emitter.on(EVENT, second)
    for data in (1, 2):
        send(emitter, data)
    return seen


def _failure(send: Callable[[BfxEventEmitter, Any], None]) -> list[Any]:
    emitter, seen = _emitter(), []

    def broken(_sub: Any, data: Any) -> None:
        raise RuntimeError(f"broken {data}")

    emitter.on(EVENT, broken)
    emitter.on(EVENT, lambda _s, d: seen.append(("after", d)))
    emitter.on("callback_error", lambda event, error: seen.append(("error", event, str(error))))
    send(emitter, 7)
    return seen


@pytest.mark.parametrize("send", SENDERS[1:], ids=lambda send: send.__name__)
@pytest.mark.parametrize("scenario", [_order_and_once, _removal_during, _failure])
def test_deliver_behaves_as_emit(
    scenario: Callable[[Callable[..., None]], list[Any]], send: Callable[[BfxEventEmitter, Any], None]
) -> None:
    assert scenario(send) == scenario(_emit)


def test_the_expected_order_and_once() -> None:
    assert _order_and_once(_DELIVER) == [
        ("a", True, _row(1)), ("once", True, _row(1)), ("b", True, _row(1)), ("a", True, _row(2)), ("b", True, _row(2)),
    ]  # fmt: skip


def test_removal_and_addition_during_delivery_count_from_the_next_one() -> None:
    assert _removal_during(_DELIVER) == [("first", _row(1)), ("second", _row(1)), ("first", _row(2)), ("added", _row(2))]


def test_a_failing_callback_is_reported_and_the_next_still_called() -> None:
    assert _failure(_DELIVER) == [("error", EVENT, f"broken {_row(7)}"), ("after", _row(7))]


def test_no_listener_is_fine() -> None:
    _DELIVER(_emitter(), 1)


async def test_coroutine_callbacks_are_scheduled_and_their_failures_reported() -> None:
    emitter, seen = _emitter(), []
    done = asyncio.Event()

    async def coroutine(_sub: Any, data: Any) -> None:
        seen.append(("coroutine", data))
        done.set()

    async def failing(_sub: Any, data: Any) -> None:
        raise ValueError(f"failing {data.price}")

    emitter.on(EVENT, coroutine)
    emitter.on(EVENT, failing)
    # a plain callable returning a coroutine is run too
    emitter.on(EVENT, lambda sub, data: coroutine(sub, _row(data.price + 1)))
    errors: list[str] = []
    emitter.on("callback_error", lambda _event, error: errors.append(str(error)))
    _DELIVER(emitter, 3)
    assert emitter.pending_tasks() == 3
    await asyncio.wait_for(done.wait(), 5)
    await asyncio.wait_for(emitter.finish_pending(5), 10)
    assert sorted(seen, key=lambda record: record[1].price) == [("coroutine", _row(3)), ("coroutine", _row(4))]
    assert errors == ["failing 3"]
    assert emitter.pending_tasks() == 0


async def test_finish_pending_reports_a_failure_that_ended_just_before_it() -> None:
    """A coroutine callback that has just failed is done, but its failure is reported by a done-callback the loop
    has not run yet: finish_pending (what close() calls) must not return before that report."""
    emitter, errors = _emitter(), []

    async def failing(_sub: Any, data: Any) -> None:
        raise ValueError(f"failing {data.price}")

    emitter.on(EVENT, failing)
    emitter.on("callback_error", lambda _event, error: errors.append(str(error)))
    _DELIVER(emitter, 5)
    await asyncio.sleep(0)  # the callback's task runs and fails; its report is queued behind this resumption
    assert emitter.pending_tasks() == 1 and errors == []
    # Awaited directly: asyncio.wait_for would wrap it in a task on Python 3.10/3.11, whose start takes a turn of
    # the loop and would hide the bug (its own grace bounds it; pytest.ini bounds every test).
    await emitter.finish_pending(5)
    assert errors == ["failing 5"] and emitter.pending_tasks() == 0


def test_a_handler_delivers_through_the_emitter_and_calls_any_other_emit_as_it_is() -> None:
    emitter, seen = _emitter(), []
    emitter.on(EVENT, lambda sub, data: seen.append((sub["symbol"], data.price)))
    handler = create_handler({**SUB, "prec": "P0"}, emitter.emit, [])
    assert handler.callbacks is emitter.callbacks_by_event
    handler([1, [[100.0, 1, 2.0]]])  # the snapshot
    handler([1, [101.0, 2, -1.0]])
    assert seen == [("tBTCUSD", 101.0)]

    recorded: list[Any] = []

    def recorder(*args: Any) -> bool:
        recorded.append(args)
        return True

    other = create_handler({**SUB, "prec": "P0"}, recorder, [])
    other([1, [[100.0, 1, 2.0]]])
    other([1, [101.0, 2, -1.0]])
    assert [args[0] for args in recorded] == ["t_book_snapshot", "t_book_update"]


def test_a_subclass_overriding_emit_keeps_receiving_the_events() -> None:
    seen: list[Any] = []

    class Recording(BfxEventEmitter):
        def emit(self, event: str, *args: Any, **kwargs: Any) -> bool:
            seen.append(event)
            return super().emit(event, *args, **kwargs)

    emitter = Recording()
    handler = create_handler({**SUB, "prec": "P0"}, emitter.emit, [])
    handler([1, [[100.0, 1, 2.0]]])
    handler([1, [101.0, 2, -1.0]])
    assert seen == ["t_book_snapshot", "t_book_update"]
    assert seen == ["t_book_snapshot", "t_book_update"]


@pytest.mark.parametrize(
    "spec, event, frame",
    [
        ({"channel": "ticker", "symbol": "tBTCUSD"}, "t_ticker_update", [1, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]]),
        ({"channel": "trades", "symbol": "tBTCUSD"}, "t_trade_execution", [1, "te", [5, 1_700_000_000_000, 0.5, 64000.0]]),
        ({"channel": "trades", "symbol": "fUSD"}, "f_trade_execution_update", [1, "ftu", [5, 1_700_000_000_000, 9.0, 0.0002, 2]]),
        ({"channel": "book", "symbol": "tBTCUSD", "prec": "P0"}, "t_book_update", [1, [64000.0, 2, 0.5]]),
        ({"channel": "candles", "key": "trade:1m:tBTCUSD"}, "candles_update", [1, [1_700_000_000_000, 1.0, 2.0, 3.0, 0.5, 9.0]]),
        ({"channel": "status", "key": "deriv:tBTCF0:USTF0"}, "derivatives_status_update", [1, DERIV]),
    ],
)  # fmt: skip
async def test_each_fast_path_isolates_callbacks_and_runs_coroutines(
    spec: dict[str, Any], event: str, frame: list[Any]
) -> None:
    """The fast path of each kind of channel (its single-row update, with the delivery loop inline): a failing callback
    is reported and the next one still called, in order, a coroutine returned is run, the sinks come after."""
    emitter, seen = _emitter(), []
    ran = asyncio.Event()

    async def later(data: Any) -> None:
        seen.append(("coroutine", data))
        ran.set()

    def broken(_sub: Any, data: Any) -> None:
        raise RuntimeError(f"broken {type(data).__name__}")

    emitter.on(event, lambda sub, data: seen.append(("first", sub is spec, data)))
    emitter.on(event, broken)
    emitter.on(event, lambda _sub, data: later(data))
    emitter.on("callback_error", lambda name, error: seen.append(("error", name, str(error))))
    handler: Any = create_handler(spec, emitter.emit, [lambda name, data: seen.append(("sink", name, data))])
    assert type(handler).__call__ is not type(handler).__mro__[1].__call__, "no fast path"
    if hasattr(handler, "snapshot_pending"):
        handler.snapshot_pending = False
    handler(frame)
    await asyncio.wait_for(ran.wait(), 5)
    item = seen[0][2]
    assert type(item).__name__ != "list" and seen == [
        ("first", True, item), ("error", event, f"broken {type(item).__name__}"), ("sink", event, item),
        ("coroutine", item),
    ]  # fmt: skip
    await asyncio.wait_for(emitter.finish_pending(5), 10)
