"""``bfx.rest.stats()``: requests, errors by type, 429s, time waited for the client-side rate limiter, and latency
percentiles over a bounded window; against the simulator on loopback, and the percentile rule on its own."""

import time

import pytest

from bfxapi.rest import BfxRestInterface, RestStats, RetryPolicy
from bfxapi.rest.exceptions import RateLimitError, ResourceNotFoundError
from bfxapi.rest.stats import RestCounters

from ws_support import simulator

pytestmark = pytest.mark.timeout(30)


def test_percentiles_are_nearest_rank_over_the_recent_window_only() -> None:
    counters = RestCounters(window=100)
    assert counters.snapshot().latency_p50 is None and counters.snapshot().latency_samples == 0
    for value in range(1000, 0, -1):  # the oldest 900 (1000 down to 101) leave the window
        counters.answered(float(value), 200)
    stats = counters.snapshot()
    assert stats.latency_samples == 100
    assert (stats.latency_p50, stats.latency_p90, stats.latency_p99) == (50.0, 90.0, 99.0)
    counters.answered(0.5, 429)
    counters.failed(RateLimitError("limited", 11010, 60.0))
    counters.failed(RateLimitError("limited", 11010, 60.0))
    counters.failed(KeyError("x"))
    stats = counters.snapshot()
    assert stats.rate_limited == 1 and dict(stats.errors) == {"RateLimitError": 2, "KeyError": 1}
    assert stats.error_count == 3 and stats.latency_samples == 100
    counters.failed(KeyError("y"))
    assert dict(stats.errors) == {"RateLimitError": 2, "KeyError": 1}  # a snapshot never changes afterwards


async def test_requests_errors_and_latencies_against_the_simulator() -> None:
    async with simulator(rest_rate_limits={"ticker": 3}) as sim:
        async with BfxRestInterface(sim.rest_host, rate_limits=None) as rest:
            assert rest.stats() == RestStats(0, {}, 0, 0.0, None, None, None, 0)
            for _ in range(3):
                await rest.public.get_t_ticker("tBTCUSD")
            with pytest.raises(RateLimitError):  # the simulator's 4th ticker call in a minute: HTTP 429
                await rest.public.get_t_ticker("tBTCUSD")
            with pytest.raises(ResourceNotFoundError):
                await rest._middleware.get("no/such/path", group="conf")  # pylint: disable=protected-access
            await rest.public.get_platform_status()
            stats = rest.stats()
        assert stats.requests == 6 and stats.rate_limited == 1
        assert dict(stats.errors) == {"RateLimitError": 1, "ResourceNotFoundError": 1}
        assert stats.latency_samples == 6  # every answered request, errors included
        assert stats.latency_p50 is not None and stats.latency_p90 is not None and stats.latency_p99 is not None
        assert 0 < stats.latency_p50 <= stats.latency_p90 <= stats.latency_p99 < 5
        # The server's own count, which leaves out paths it has no route for
        assert (sim.rest_requests, sim.rest_rate_limited) == (5, 1)


async def test_retries_count_as_requests_and_their_errors_each_time() -> None:
    async with simulator(rest_rate_limits={"ticker": 1}) as sim:
        retry = RetryPolicy(attempts=3, backoff=0.01, respect_retry_after=False)
        async with BfxRestInterface(sim.rest_host, rate_limits=None, retry=retry) as rest:
            await rest.public.get_t_ticker("tBTCUSD")
            with pytest.raises(RateLimitError):
                await rest.public.get_t_ticker("tBTCUSD")  # refused 3 times: blocked longer than the retries
            stats = rest.stats()
        assert stats.requests == 4 and stats.rate_limited == 3 and dict(stats.errors) == {"RateLimitError": 3}


async def test_time_waited_for_the_client_side_rate_limiter_is_counted() -> None:
    async with simulator() as sim:
        async with BfxRestInterface(sim.rest_host, rate_limits={"ticker": 2}, rate_limit_window=1.0) as rest:
            started = time.monotonic()
            await rest.public.get_t_ticker("tBTCUSD")
            await rest.public.get_t_ticker("tBTCUSD")
            free = rest.stats().limiter_wait
            third = time.monotonic()
            await rest.public.get_t_ticker("tBTCUSD")  # the window is full: waits until the first call leaves it
            stats = rest.stats()
        assert free < 0.1 and stats.requests == 3 and not stats.errors
        # The first call entered the window after `started`: the third one waited at least until a second later.
        assert 1.0 - (third - started) <= stats.limiter_wait - free < 3
