"""Many concurrent authenticated calls through one client must all pass a server that enforces strictly
increasing nonces per key in arrival order."""

import asyncio
import hashlib
import hmac
import time

import aiohttp
import pytest

from bfxapi._utils.nonce import NonceGenerator
from bfxapi.rest import BfxRestInterface

from rest_auth_server import KEY, SECRET, AuthServer


@pytest.fixture
async def server():
    srv = await AuthServer().start()
    yield srv
    await srv.stop()


async def test_the_server_refuses_nonces_arriving_out_of_order(server):
    """Control: the test server really enforces arrival order (so the next test means something)."""

    async def send(session, nonce):
        signature = hmac.new(SECRET.encode(), f"/api/v2/auth/r/wallets{nonce}{{}}".encode(), hashlib.sha384)
        headers = {"bfx-apikey": KEY, "bfx-nonce": str(nonce), "bfx-signature": signature.hexdigest(),
                   "Content-Type": "application/json"}
        async with session.post(f"{server.host}/auth/r/wallets", data=b"{}", headers=headers) as response:
            return response.status, await response.json()

    async with aiohttp.ClientSession() as session:
        assert (await send(session, 1_000_002))[0] == 200
        assert await send(session, 1_000_001) == (500, ["error", 10114, "nonce: small"])


@pytest.mark.timeout(30)
async def test_200_concurrent_authenticated_calls_all_succeed(server):
    nonces = NonceGenerator()
    async with BfxRestInterface(server.host, KEY, SECRET, nonce=nonces, rate_limits=None,
                                connection_limit=10) as rest:
        calls = []
        for i in range(200):
            calls.append(rest.auth.get_wallets() if i % 2 else rest.auth.get_orders(ids=[i]))
        started = time.perf_counter()
        results = await asyncio.gather(*calls, return_exceptions=True)
        elapsed = time.perf_counter() - started
        # Public calls are not serialised: they still run concurrently over the pool meanwhile.
        await asyncio.gather(*(rest.auth.get_positions() for _ in range(3)), rest.auth.get_user_info())
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[:3]
    assert not server.rejected
    assert len(server.requests) == 204
    arrived = [r.nonce for r in server.requests]
    assert arrived == sorted(arrived) and len(set(arrived)) == len(arrived)
    print(f"200 concurrent authenticated calls: {elapsed:.3f} s")


async def test_public_calls_do_not_wait_for_the_authenticated_lock(server):
    """A slow authenticated call holds the key's lock; public calls of the same client are not delayed."""
    release = asyncio.Event()
    entered = asyncio.Event()

    async def slow(_body):
        entered.set()
        await release.wait()
        return [[1]]

    server.answers["auth/w/deriv/collateral/set"] = slow
    async with BfxRestInterface(server.host, KEY, SECRET, rate_limits=None) as rest:
        pending = asyncio.ensure_future(rest.auth.set_derivative_position_collateral("tBTCF0:USTF0", 1))
        await asyncio.wait_for(entered.wait(), 5)
        status = await asyncio.wait_for(rest.public.get_platform_status(), 5)
        assert status.status == 1 and not pending.done()
        release.set()
        assert (await asyncio.wait_for(pending, 5)).status == 1
