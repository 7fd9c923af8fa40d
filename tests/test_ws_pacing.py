"""Reconnection backoff and the connection-rate governor, on a fake clock."""

import asyncio

import pytest

from bfxapi.websocket import Backoff
from bfxapi.websocket._pacing import ConnectionRateGovernor


def test_backoff_starts_near_three_seconds_and_grows_to_one_minute() -> None:
    backoff = Backoff()
    assert [backoff.delay(n, rng=lambda: 0.5) for n in range(7)] == [3.0, 6.0, 12.0, 24.0, 48.0, 60.0, 60.0]
    low = [backoff.delay(0, rng=lambda: 0.0), backoff.delay(10, rng=lambda: 0.0)]
    high = [backoff.delay(0, rng=lambda: 0.999), backoff.delay(10, rng=lambda: 0.999)]
    assert low == [2.25, 45.0] and high[0] == pytest.approx(3.75, abs=0.01) and high[1] == 60.0  # jitter, capped


@pytest.mark.parametrize("kwargs", [{"initial": 0}, {"initial": 5, "maximum": 1}, {"factor": 0.5}, {"jitter": 1.0}])
def test_backoff_rejects_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)


async def test_governor_lets_limit_attempts_through_per_window() -> None:
    now = [100.0]
    governor = ConnectionRateGovernor(3, 60.0, clock=lambda: now[0])
    entries = [await governor.acquire() for _ in range(3)]
    assert governor.wait_time() == 60.0
    now[0] += 10
    for entry in entries:
        governor.settle(entry)  # handshakes ended 10 s later: the window counts from there
    assert governor.wait_time() == 60.0
    now[0] += 59.5
    assert governor.wait_time() == pytest.approx(0.5)
    now[0] += 0.5
    assert governor.wait_time() == 0.0


async def test_governor_makes_the_extra_attempt_wait() -> None:
    governor = ConnectionRateGovernor(2, 0.2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(3):
        governor.settle(await governor.acquire())
    assert loop.time() - start >= 0.19


async def test_governor_without_limit_never_waits() -> None:
    governor = ConnectionRateGovernor(None, 60.0)
    for _ in range(100):
        governor.settle(await governor.acquire())
    assert governor.wait_time() == 0.0
