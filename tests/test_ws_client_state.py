"""The WebSocket client's lifecycle: one state, moved in one place along the allowed transitions."""

import itertools
from typing import Any

import pytest

from bfxapi import Client
from bfxapi.websocket._lifecycle import TRANSITIONS, ClientState, transition

S = ClientState
ALLOWED = {(S.IDLE, S.RUNNING), (S.RUNNING, S.CLOSING), (S.CLOSING, S.CLOSED), (S.CLOSED, S.RUNNING)}


@pytest.mark.parametrize("current, target", list(itertools.product(S, S)))
def test_only_the_lifecycle_moves_are_allowed(current: ClientState, target: ClientState) -> None:
    if (current, target) in ALLOWED:
        assert transition(current, target) is target
    else:
        with pytest.raises(RuntimeError, match=f"from {current.value} to {target.value}"):
            transition(current, target)


def test_every_state_has_its_transitions_and_the_derived_flags() -> None:
    assert set(TRANSITIONS) == set(S)
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == ALLOWED
    assert [state.running for state in S] == [False, True, True, False]
    assert [state.closing for state in S] == [False, False, True, True]


def _state(bfx: Client[Any]) -> ClientState:
    return bfx.wss._state  # pylint: disable=protected-access


def _open(bfx: Client[Any]) -> bool:
    return bfx.wss.open  # a call: a type checker keeps no narrowing of it from one assert to the next


async def test_the_client_walks_its_lifecycle(sim: Any) -> None:
    bfx = Client(wss_host=sim.wss_host)
    assert _state(bfx) is S.IDLE and not _open(bfx)
    await bfx.wss.close()  # closing a client never started changes nothing
    assert _state(bfx) is S.IDLE
    seen: list[ClientState] = []
    bfx.wss.on("disconnected", lambda *_: seen.append(_state(bfx)))
    await bfx.wss.connect(1)
    assert _state(bfx) is S.RUNNING and _open(bfx)
    await bfx.wss.close()
    assert _state(bfx) is S.CLOSED and seen == [S.CLOSED] and not _open(bfx)
    await bfx.wss.close()  # a second close changes nothing
    assert _state(bfx) is S.CLOSED
    await bfx.wss.connect(1)  # a closed client may start again
    assert _state(bfx) is S.RUNNING
    await bfx.wss.close()
    assert _state(bfx) is S.CLOSED
    await bfx.close()
