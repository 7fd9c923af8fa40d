"""Channel handlers share one table of typed frames per kind of channel (``hb``, ``cs``, ``te``/``tu``...): each
handler still sends exactly its own channel's events, creating handlers of other kinds changes nobody's table, and
a frame type a channel does not send is still refused."""

from typing import Any

import pytest

from bfxapi.websocket._handlers.public_channels_handler import create_handler
from bfxapi.websocket.exceptions import InvalidMessageError

SPECS: dict[str, dict[str, Any]] = {
    "trading trades": {"channel": "trades", "symbol": "tBTCUSD"},
    "funding trades": {"channel": "trades", "symbol": "fUSD"},
    "book": {"channel": "book", "symbol": "tBTCUSD", "prec": "P0"},
    "candles": {"channel": "candles", "key": "trade:1m:tBTCUSD"},
    "ticker": {"channel": "ticker", "symbol": "tBTCUSD"},
}


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def __call__(self, event: str, *args: Any) -> bool:
        self.events.append((event, args[-1] if len(args) > 1 else None))
        return True


def handlers() -> dict[str, tuple[Any, Recorder]]:
    made = {}
    for name, spec in SPECS.items():
        recorder = Recorder()
        made[name] = (create_handler(dict(spec), recorder, []), recorder)
    return made


def test_each_handler_sends_only_its_own_typed_events() -> None:
    made = handlers()
    trading, trading_seen = made["trading trades"]
    funding, funding_seen = made["funding trades"]
    book, book_seen = made["book"]
    candles, candles_seen = made["candles"]
    trading([1, "te", [1, 1_700_000_000_000, 0.5, 64000.0]])
    trading([1, "tu", [1, 1_700_000_000_000, 0.5, 64000.0]])
    trading([1, "hb"])
    funding([2, "fte", [2, 1_700_000_000_000, 100.0, 0.0002, 2]])
    funding([2, "ftu", [2, 1_700_000_000_000, 100.0, 0.0002, 2]])
    book([3, "cs", 12345])
    book([3, "hb"])
    candles([4, "hb"])
    assert [event for event, _ in trading_seen.events] == [
        "t_trade_execution", "t_trade_execution_update", "heartbeat"
    ]  # fmt: skip
    assert [event for event, _ in funding_seen.events] == ["f_trade_execution", "f_trade_execution_update"]
    assert book_seen.events == [("checksum", 12345), ("heartbeat", None)]
    assert candles_seen.events == [("heartbeat", None)]


@pytest.mark.parametrize(
    "name, frame",
    [
        ("trading trades", [1, "fte", [2, 1_700_000_000_000, 100.0, 0.0002, 2]]),  # the funding channel's type
        ("funding trades", [2, "te", [1, 1_700_000_000_000, 0.5, 64000.0]]),  # the trading channel's type
        ("candles", [4, "cs", 12345]),  # no checksum on candles, though books have one
        ("ticker", [5, "cs", 12345]),
        ("book", [3, "te", [1, 1_700_000_000_000, 0.5, 64000.0]]),
    ],
)
def test_a_type_of_another_kind_of_channel_is_refused(name: str, frame: list[Any]) -> None:
    made = handlers()  # every kind created: none may have widened another's table
    handler, seen = made[name]
    with pytest.raises(InvalidMessageError):
        handler(frame)
    assert not seen.events


def test_handlers_of_one_kind_share_one_table_that_creating_others_does_not_change() -> None:
    first, second = handlers(), handlers()
    tables = {name: dict(handler.typed) for name, (handler, _) in first.items()}
    for name, (handler, _) in second.items():
        assert handler.typed is first[name][0].typed  # shared, not one per subscription
        assert handler.typed == tables[name]  # unchanged by the handlers created since
    assert first["trading trades"][0].typed is not first["funding trades"][0].typed
    assert first["book"][0].typed is not first["candles"][0].typed
