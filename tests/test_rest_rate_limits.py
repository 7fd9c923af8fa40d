"""Client-side rate limiting: sliding windows per endpoint group that wait instead of failing."""

import asyncio

import pytest

from bfxapi.rest import DEFAULT_RATE_LIMITS, BfxRestInterface
from bfxapi.rest._interface import RateLimiter



class FakeTime:
    """A clock that only moves when the limiter sleeps: waits are measured exactly, without real time."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    async def sleep(self, delay):
        self.sleeps.append(round(delay, 6))
        self.now += delay


async def test_sliding_window_waits_for_the_oldest_call_to_leave():
    fake = FakeTime()
    limiter = RateLimiter({"book": 2}, window=60.0, clock=fake.clock, sleep=fake.sleep)
    assert await limiter.acquire("book") == 0.0
    fake.now += 10
    assert await limiter.acquire("book") == 0.0
    fake.now += 5
    assert await limiter.acquire("book") == 45.0  # the first call leaves the window at 1060
    assert fake.sleeps == [45.0] and fake.now == 1060.0
    assert await limiter.acquire("book") == 10.0  # then the second, at 1070
    assert limiter.pending("book") == 2


async def test_a_burst_is_served_in_order_one_window_at_a_time():
    fake = FakeTime()
    limiter = RateLimiter({"trades": 3}, window=60.0, clock=fake.clock, sleep=fake.sleep)
    done = []

    async def call(i):
        await limiter.acquire("trades")
        done.append((i, fake.now))

    await asyncio.gather(*(call(i) for i in range(7)))
    assert [i for i, _ in done] == list(range(7))
    assert [t for _, t in done] == [1000.0] * 3 + [1060.0] * 3 + [1120.0]


async def test_groups_and_families_are_independent():
    fake = FakeTime()
    limiter = RateLimiter({"auth": 1, "auth/r/alerts": 2, "book": None}, clock=fake.clock, sleep=fake.sleep)
    await limiter.acquire("auth/r/wallets", "auth")
    await limiter.acquire("auth/r/positions", "auth")  # its own window, with the family's limit
    await limiter.acquire("auth/r/alerts", "auth")
    await limiter.acquire("auth/r/alerts", "auth")
    for _ in range(100):
        await limiter.acquire("book")  # not limited
    await limiter.acquire("unknown")  # no limit known: not limited
    assert fake.sleeps == []
    await limiter.acquire("auth/r/wallets", "auth")
    assert fake.sleeps == [60.0]


def test_defaults_overrides_and_disabling():
    rest = BfxRestInterface("http://127.0.0.1:1/v2")
    limiter = rest.rate_limiter
    assert limiter.limit_of("liquidations") == 3 and limiter.limit_of("book") == 240
    assert limiter.limit_of("auth/r/wallets", "auth") == 90 and limiter.limit_of("auth/r/alerts", "auth") == 45
    assert limiter.limit_of("auth/w/deposit/address", "auth") == 10
    assert limiter.limit_of("auth/w/ext/pay/invoice/create", "merchant") is None
    tuned = BfxRestInterface("http://127.0.0.1:1/v2", rate_limits={"book": 5, "candles": None}).rate_limiter
    assert tuned.limit_of("book") == 5 and tuned.limit_of("candles") is None and tuned.limit_of("trades") == 15
    assert BfxRestInterface("http://127.0.0.1:1/v2", rate_limits=None).rate_limiter.limit_of("trades") is None
    assert DEFAULT_RATE_LIMITS["tickers"] == 30
    with pytest.raises(TypeError):
        DEFAULT_RATE_LIMITS["tickers"] = 1  # type: ignore[index]


async def test_requests_wait_for_the_first_to_leave_the_window(make_sim):
    sim = await make_sim(rest_rate_limits=None)
    fake = FakeTime()
    received_when_waiting = []

    async def sleep(delay):
        received_when_waiting.append(sim.rest_requests)
        await fake.sleep(delay)

    async with BfxRestInterface(sim.rest_host, rate_limits={"platform/status": 2}) as rest:
        # The interface's own limiter, on a clock that moves only when the test or the limiter moves it: the
        # waits below are exact whatever the speed of the machine.
        limiter = RateLimiter(rest.rate_limiter.limits, window=60.0, clock=fake.clock, sleep=sleep)
        rest._middleware.rate_limiter = limiter  # pylint: disable=protected-access
        await rest.public.get_platform_status()  # at 1000
        fake.now += 10
        await rest.public.get_platform_status()  # at 1010: the window holds two calls
        await rest.public.get_platform_status()
    # The third call waited, without sending, until the first left the window (1000 + 60), not a moment more.
    assert fake.sleeps == [50.0] and fake.now == 1060.0
    assert received_when_waiting == [2]
    assert sim.rest_requests == 3 and sim.rest_rate_limited == 0
    assert limiter.pending("platform/status") == 2


async def test_auth_endpoints_count_in_their_own_windows(make_sim):
    sim = await make_sim()
    account = sim.add_account()
    async with BfxRestInterface(sim.rest_host, account.api_key, account.api_secret) as rest:
        await rest.auth.get_wallets()
        await rest.auth.get_orders(symbol="tETHUSD")
        await rest.auth.get_orders()
        await rest.auth.get_alerts()
        limiter = rest.rate_limiter
        assert limiter.pending("auth/r/wallets") == 1
        assert limiter.pending("auth/r/orders") == 2  # symbol variants share the endpoint's window
        assert limiter.pending("auth/r/alerts") == 1
    assert [r.status for r in sim.rest_log] == [200] * 4
