"""The receive loop audits public sequence numbers with its own inline copy of ``PublicSequence.check``'s common
case: fed the same frames, it finds the same gaps, refuses the same frames and ends on the same number as
``check`` itself, through runs of good numbers, gaps, frames whose number cannot be read, and numbers of the wrong
type."""

import json
import random
from typing import Any

import pytest

from bfxapi.websocket._client.bfx_websocket_bucket import BfxWebSocketBucket
from bfxapi.websocket._client.bfx_websocket_client import BfxWebSocketClient
from bfxapi.websocket._pacing import ConnectionRateGovernor
from bfxapi.websocket._protocol import Gap, PublicSequence


def _frames(seed: int) -> list[list[Any]]:
    """A run of frames on channel 9: mostly in order, with gaps, repeats, unreadable numbers and short frames."""
    rng = random.Random(seed)
    frames: list[list[Any]] = []
    number = 0
    for _ in range(300):
        roll = rng.random()
        if roll < 0.7:
            number += 1
        elif roll < 0.8:
            number += rng.randint(2, 4)  # a gap
        elif roll < 0.85:
            number -= rng.randint(0, 2)  # a repeat, or backwards
        else:
            frames.append(rng.choice([[9], [9, [1]], [9, "te", [1]], [9, [1], None], [9, [1], "3"], [9, [1], True],
                                      [9, [1], float(number + 1)], [9, None, number + 1]]))  # fmt: skip
            if frames[-1] == [9, None, number + 1]:
                number += 1  # unreadable payload, readable number
            continue
        shape = rng.choice(["update", "te", "hb", "cs"])
        frames.append({"update": [9, [1.0, 1, 1.0], number], "te": [9, "te", [1, 2, 3.0, 4.0], number],
                       "hb": [9, "hb", number], "cs": [9, "cs", 123, number]}[shape])  # fmt: skip
    return frames


@pytest.mark.parametrize("seed", range(8))
async def test_the_inline_audit_agrees_with_check(seed: int) -> None:
    frames = _frames(seed)
    reference, expected = PublicSequence(), []
    for frame in frames:
        try:
            expected.append(reference.check(frame))
        except ValueError as error:
            expected.append(str(error))

    wss = BfxWebSocketClient("ws://127.0.0.1:9/ws/2")
    bucket = BfxWebSocketBucket(wss._host, wss._context(), "public-1", ConnectionRateGovernor(None, 0.0),
                                lambda record: None)  # fmt: skip
    assert bucket._sequence  # SEQ_ALL is on by default
    routed: list[Any] = []
    bucket._routes[9] = routed.append
    seen: list[Any] = []
    bucket._sequence_gap = seen.append  # type: ignore[method-assign]  # no restart: record the gap
    wss.on("invalid_message", lambda error: seen.append(error.reason))
    on_text = bucket._frame_handler()
    got = []
    for frame in frames:
        before = len(seen)
        on_text(json.dumps(frame))
        got.append(seen[before] if len(seen) > before else None)
    assert got == expected
    assert bucket.last_sequence == reference.last
    assert any(isinstance(outcome, Gap) for outcome in got) and any(isinstance(outcome, str) for outcome in got)
    assert len(routed) == sum(1 for outcome in got if not isinstance(outcome, str))  # refused frames go nowhere
