"""The time of a connection's last frame (what silence detection and ``stats().since_last_frame`` count from) is read
at the first frame of each turn of the event loop that brings frames, and again when that turn ends: never older than
the turn's first frame, never counted from the start of a turn that a slow callback made long."""

import asyncio
from typing import Any

import pytest

from bfxapi.websocket import _connection
from bfxapi.websocket._client.bfx_websocket_bucket import BfxWebSocketBucket
from bfxapi.websocket._client.bfx_websocket_client import BfxWebSocketClient
from bfxapi.websocket._pacing import ConnectionRateGovernor


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


async def test_the_clock_is_read_once_per_turn_and_when_the_turn_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(_connection.time, "monotonic", clock)
    wss = BfxWebSocketClient("ws://127.0.0.1:9/ws/2")
    bucket = BfxWebSocketBucket(wss._host, wss._context(), "public-1", ConnectionRateGovernor(None, 0.0),
                                lambda record: None)  # fmt: skip
    on_text = bucket._frame_handler()
    frame = '[0,"hb"]'  # channel 0 is no subscription of a public connection: a frame reported, still a frame
    invalid: list[Any] = []
    wss.on("invalid_message", invalid.append)

    reads = clock.reads
    on_text(frame)
    assert bucket._last_frame == 100.0 and clock.reads == reads + 1
    clock.now = 105.0  # a slow callback, or many frames, later in the same turn
    for _ in range(50):
        on_text(frame)
    assert bucket._last_frame == 100.0 and clock.reads == reads + 1  # not read again in this turn
    assert bucket.frames_received == 51

    await asyncio.sleep(0)  # the turn ends: the time is read again
    assert bucket._last_frame == 105.0
    clock.now = 110.0
    await asyncio.sleep(0)  # a turn without frames reads nothing
    assert bucket._last_frame == 105.0

    on_text(frame)  # the next turn's first frame
    assert bucket._last_frame == 110.0
    assert len(invalid) == 52
