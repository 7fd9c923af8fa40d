"""The generated fast path of each kind of channel handler (its single-row update with the serializer's build and the
delivery loop inline) behaves exactly as the handler class it specializes, which stays the reference: the same
events with equal objects, in the same order, to callbacks and sinks, and the same errors, on every kind of frame a
channel may send or a hostile server may invent, in both number modes."""

import logging
from decimal import Decimal
from typing import Any, Callable

import pytest

from bfxapi.types.codec import Codec
from bfxapi.websocket._event_emitter.bfx_event_emitter import BfxEventEmitter
from bfxapi.websocket._handlers import public_channels_handler as handlers

INF = float("inf")
NAN = float("nan")

BOOK = [64000.5, 2, 0.5]
RAW_BOOK = [123456789, 64000.5, 0.5]
FUNDING_BOOK = [0.0002, 30, 4, 1000.0]
TRADE = [5, 1_700_000_000_000, 0.5, 64000.0]
FUNDING_TRADE = [5, 1_700_000_000_000, 9.0, 0.0002, 2]
TICKER = [64000.0, 1.5, 64001.0, 2.5, 10.0, 0.001, 64000.5, 1234.5, 65000.0, 63000.0]
CANDLE = [1_700_000_000_000, 1.0, 2.0, 3.0, 0.5, 9.0]
DERIV: list[Any] = [
    1_700_000_000_000, None, 64000.5, 64010.0, None, 1.5e7, None, 1_700_000_028_800, 0.0001, 4, None, 0.0001, None,
    None, 64005.0, None, None, 1234.5, None, None, None, 0.001, 0.002,
]  # fmt: skip


def _broken(row: list[Any]) -> list[list[Any]]:
    """Rows a hostile server could send in place of ``row``: short, longer (appended fields), each number replaced by
    a string, a bool, null, an infinity, a NaN, an array; not an array at all; empty."""
    out: list[Any] = [row[:-1], row + [99, "x"], [], "row", None, 7, {"a": 1}]
    out.append([int(value) if isinstance(value, float) else value for value in row])  # integral numbers: valid
    for index, value in enumerate(row):
        if isinstance(value, (int, float)):
            for bad in ("1", True, None, INF, NAN, [1]):
                out.append(row[:index] + [bad] + row[index + 1 :])
    return out


def _frames(single: list[Any], snapshot: bool, kinds: tuple[str, ...] = ()) -> list[list[Any]]:
    """Every frame tried on one channel, in order: its snapshot first (when it has one), then updates good and bad."""
    frames: list[list[Any]] = [[1, [single, single]]] if snapshot else []
    if kinds:  # trades: typed frames
        for kind in kinds:
            frames.append([1, kind, single])
            frames += [[1, kind, row] for row in _broken(single)]
        frames += [[1, "te"], [1, "fte", single], [1, "tu", single], [1, "ftu", single], [1, [single]], [1, 5]]
    else:
        frames.append([1, single])
        frames += [[1, row] for row in _broken(single) if row != []]
        frames += [[1, [single, single]], [1, [single, single[:-1]]], [1, [[]]], [1, []], [1, "cs", 123]]
        frames += [[1, "cs", "x"], [1, "cs"]]
    frames += [[1, "hb"], [1, "zz"], [1, None], [1, {}], [1]]
    return frames


CHANNELS: dict[str, tuple[dict[str, Any], list[list[Any]]]] = {
    "book": ({"channel": "book", "symbol": "tBTCUSD", "prec": "P0"}, _frames(BOOK, True)),
    "raw book": ({"channel": "book", "symbol": "tBTCUSD", "prec": "R0"}, _frames(RAW_BOOK, True)),
    "funding book": ({"channel": "book", "symbol": "fUSD", "prec": "P0"}, _frames(FUNDING_BOOK, True)),
    "candles": ({"channel": "candles", "key": "trade:1m:tBTCUSD"}, _frames(CANDLE, True)),
    "trades": ({"channel": "trades", "symbol": "tBTCUSD"}, _frames(TRADE, True, ("te", "tu"))),
    "funding trades": ({"channel": "trades", "symbol": "fUSD"}, _frames(FUNDING_TRADE, True, ("fte", "ftu"))),
    "ticker": ({"channel": "ticker", "symbol": "tBTCUSD"}, _frames(TICKER, False)),
    "status": ({"channel": "status", "key": "deriv:tBTCF0:USTF0"}, _frames(DERIV, False)),
}


def _decimal(value: Any) -> Any:
    """``value`` as decimal mode's decoder gives it: fractional numbers as ``Decimal``, in any depth of arrays."""
    if isinstance(value, list):
        return [_decimal(item) for item in value]
    if isinstance(value, float) and value == value and abs(value) != INF:
        return Decimal(repr(value))
    return value


def _run(make: Callable[..., Any], spec: dict[str, Any], frames: list[list[Any]], codec: Codec[Any]) -> list[Any]:
    """What a handler made by ``make`` (``create_handler``'s signature) does with each frame, in order: the events its
    callbacks and its sink receive (as their ``repr``: ``Decimal(5)`` equals ``5``, but is not what an integer in an
    ``int`` field must stay), and the error each frame raises (type and message)."""
    emitter = BfxEventEmitter(logger=logging.getLogger("test.fast_paths"))
    seen: list[Any] = []
    for event in emitter.events:
        emitter.on(event, lambda *args, _event=event: seen.append(("callback", _event, repr(args))))
    sink = lambda event, data: seen.append(("sink", event, repr(data)))  # noqa: E731  # repr: types count
    handler = make(dict(spec), emitter.emit, [sink], None, codec)
    for frame in frames:
        try:
            handler(frame)
        except Exception as error:  # pylint: disable=broad-exception-caught
            seen.append(("raised", type(error).__name__, str(error)))
    return seen


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
@pytest.mark.parametrize("channel", list(CHANNELS))
def test_the_fast_path_does_what_its_class_does(channel: str, decimal: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, frames = CHANNELS[channel]
    codec: Codec[Any] = Codec(decimal=decimal)
    if decimal:
        frames = [_decimal(frame) for frame in frames] + frames  # and floats, which decimal mode refuses
    fast = handlers.create_handler(dict(spec), print, [], None, codec)
    assert type(fast).__name__.endswith("]"), "this channel has no fast path"
    got = _run(handlers.create_handler, spec, frames, codec)
    monkeypatch.setattr(handlers, "_fast_class", lambda klass, serializer: klass)
    expected = _run(handlers.create_handler, spec, frames, codec)
    assert got == expected
    # the frames did exercise every outcome: typed objects delivered, errors raised, heartbeats
    outcomes = {record[0] for record in got}
    assert outcomes == {"callback", "sink", "raised"}
    assert any(record[1] == "heartbeat" for record in got)


def test_each_serializer_and_class_is_specialized_once() -> None:
    codec: Codec[Any] = Codec()
    first = handlers.create_handler({"channel": "book", "symbol": "tBTCUSD", "prec": "P0"}, print, [], None, codec)
    second = handlers.create_handler({"channel": "book", "symbol": "tETHUSD", "prec": "P0"}, print, [], None, codec)
    raw = handlers.create_handler({"channel": "book", "symbol": "tBTCUSD", "prec": "R0"}, print, [], None, codec)
    assert type(first) is type(second) and type(first) is not type(raw)
    assert type(first).__name__ == "_SnapshotHandler[TradingPairBook]"


def test_recovering_trades_and_liquidations_keep_their_own_path() -> None:
    """The handlers without a fast path are their classes themselves."""
    liquidations = handlers.create_handler({"channel": "status", "key": "liq:global"}, print, [])
    assert type(liquidations) is handlers._LiquidationHandler  # pylint: disable=protected-access


def test_a_traceback_through_a_fast_path_names_it_and_shows_its_lines(caplog: pytest.LogCaptureFixture) -> None:
    """A callback that raises is logged with its traceback: the generated frame in it says what it is, with its
    source line, not an anonymous ``<string>``."""
    emitter = BfxEventEmitter(logger=logging.getLogger("test.fast_paths"))

    def broken(_sub: Any, _level: Any) -> None:
        raise RuntimeError("broken callback")

    emitter.on("t_book_update", broken)
    handler: Any = handlers.create_handler({"channel": "book", "symbol": "tBTCUSD", "prec": "P0"}, emitter.emit, [])
    handler.snapshot_pending = False
    with caplog.at_level(logging.ERROR, logger="test.fast_paths"):
        handler([1, BOOK])
    shown = caplog.text
    assert 'File "<bfxapi generated _SnapshotHandler[TradingPairBook].__call__>"' in shown
    assert "result = callback(self.subscription, item)" in shown and "broken callback" in shown
