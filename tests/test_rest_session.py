"""One pooled aiohttp session per interface: lazy creation in the running loop, keep-alive, connection limit,
idempotent close, and the constructor call the Client will make."""

import asyncio

import pytest

from bfxapi import Client
from bfxapi.exceptions import IncompleteCredentialError
from bfxapi.rest import BfxRestInterface

from rest_auth_server import start_recording_simulator


@pytest.fixture
async def rec(make_sim):
    sim = await make_sim(rest_rate_limits=None)
    runner, host, received = await start_recording_simulator(sim)
    yield host, received
    await runner.cleanup()


def test_constructed_outside_any_event_loop():
    rest = BfxRestInterface("http://127.0.0.1:1/v2")
    assert rest._middleware.session is None  # pylint: disable=protected-access
    assert repr(rest) == "BfxRestInterface(host='http://127.0.0.1:1/v2', authenticated=False)"


async def test_sequential_requests_reuse_one_kept_alive_connection(rec):
    host, received = rec
    async with BfxRestInterface(host, rate_limits=None) as rest:
        await rest.public.get_platform_status()
        session = rest._middleware.session  # pylint: disable=protected-access
        for _ in range(9):
            await rest.public.get_t_ticker("tBTCUSD")
        assert rest._middleware.session is session  # pylint: disable=protected-access
    assert len(received) == 10
    assert len({r.port for r in received}) == 1  # one TCP connection, kept alive


async def test_concurrent_requests_respect_the_connection_limit(rec):
    host, received = rec
    async with BfxRestInterface(host, rate_limits=None, connection_limit=3) as rest:
        await asyncio.gather(*(rest.public.get_t_ticker("tBTCUSD") for _ in range(30)))
    assert len(received) == 30
    assert 1 <= len({r.port for r in received}) <= 3


async def test_close_is_idempotent_and_a_later_request_reopens(rec):
    host, received = rec
    rest = BfxRestInterface(host, rate_limits=None)
    await rest.close()  # nothing opened yet
    await rest.public.get_platform_status()
    first = rest._middleware.session  # pylint: disable=protected-access
    await rest.close()
    await rest.close()
    assert first is not None and first.closed and rest._middleware.session is None  # pylint: disable=protected-access
    await rest.public.get_platform_status()
    assert rest._middleware.session is not first  # pylint: disable=protected-access
    await rest.close()
    assert len({r.port for r in received}) == 2


def test_usable_from_successive_event_loops(make_sim):
    """``asyncio.run`` twice (a script, then another): each run gets a session of its own loop."""
    del make_sim  # the simulator must live in each loop: started inside the runs below

    async def run(rest):
        from bfxapi.testing import Simulator  # pylint: disable=import-outside-toplevel

        async with Simulator(seed=1, auto_market=False, heartbeat_interval=None, rest_rate_limits=None) as sim:
            rest._middleware.host = sim.rest_host  # pylint: disable=protected-access
            status = await rest.public.get_platform_status()
            await rest.close()
            return status.status

    rest = BfxRestInterface("http://127.0.0.1:1/v2", rate_limits=None)
    assert asyncio.run(run(rest)) == 1
    assert asyncio.run(run(rest)) == 1


def test_credentials_must_come_in_pairs():
    with pytest.raises(IncompleteCredentialError):
        BfxRestInterface("http://127.0.0.1:1/v2", api_key="k")
    with pytest.raises(IncompleteCredentialError):
        BfxRestInterface("http://127.0.0.1:1/v2", api_secret="s")
    rest = BfxRestInterface("http://127.0.0.1:1/v2", "key-1234", "secret-5678")
    assert rest.authenticated and "secret-5678" not in repr(rest) and "key-1234" not in repr(rest)


async def test_the_client_wiring_call_shares_the_clients_nonce_generator(rec):
    host, _ = rec
    client = Client()
    rest = BfxRestInterface(host, None, None, nonce=client._nonce)  # pylint: disable=protected-access
    assert rest._middleware.nonce is client._nonce  # pylint: disable=protected-access
    assert (await rest.public.get_platform_status()).status == 1
    await rest.close()
    await client.close()


def test_one_credentials_class_for_rest_and_client():
    from bfxapi._client import Credentials as FromClient  # pylint: disable=import-outside-toplevel
    from bfxapi._utils.credentials import Credentials  # pylint: disable=import-outside-toplevel
    from bfxapi.rest._interface import Credentials as FromRest  # pylint: disable=import-outside-toplevel

    assert FromClient is Credentials is FromRest
    rest = BfxRestInterface("http://127.0.0.1:1/v2", "key-123456789", "secret-5678")
    credentials = rest._middleware._credentials  # pylint: disable=protected-access
    assert isinstance(credentials, Credentials) and credentials.filters is None
    shown = repr(credentials) + str(credentials) + repr(Credentials("k", "secret-5678", ["wallet"]))
    assert "secret-5678" not in shown and "key-123456789" not in shown and "['wallet']" in shown
