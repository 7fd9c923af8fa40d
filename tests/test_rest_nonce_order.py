"""Why the REST nonce lock exists, and that REST and WebSocket take their nonces from one source (issue #14,
item 11): each test here fails if the guarantee it names is broken.

* The lock: over loopback, requests never overtake each other, so a server that is merely correct shows
  nothing. Here the server holds every other signed request a little before checking its nonce (the
  network, or a busy front end): concurrent requests sent without the lock would arrive reordered, and the
  later nonce would be accepted first. With the lock (held until the answer's headers are in) nothing can be
  reordered: 0 requests refused and nonces accepted strictly increasing.
* The shared source: the simulator keeps one counter per key for REST and WebSocket, checked in arrival
  order. The clock is frozen for the client's generators, so every nonce is ``last + 1`` (as when requests
  outrun the microsecond clock, or the clock steps back): two generators would hand out the same numbers and
  the second transport would be refused with 10114, while one shared source never repeats.
"""

import asyncio
import json
import time
from typing import Any

import pytest

from bfxapi import Client
from bfxapi._utils.nonce import NonceGenerator
from bfxapi.rest import BfxRestInterface

from rest_auth_server import KEY, SECRET, AuthServer
from ws_support import FAST, Recorder, auth_connection, simulator

WALLETS = [["exchange", "USD", 1000, 0, 1000, None, None]]


@pytest.fixture
async def reordering_server():
    # Every even arrival waits 30 ms, the odd ones none: without the lock, request 2k+1 overtakes request 2k.
    server = await AuthServer(delay=lambda index: 0.03 if index % 2 == 0 else 0.0).start()
    server.answers["auth/r/wallets"] = WALLETS
    server.answers["auth/r/orders"] = []
    yield server
    await server.stop()


async def test_concurrent_signed_requests_are_not_reordered_by_a_server_that_delays_some(reordering_server):
    server = reordering_server
    async with BfxRestInterface(server.host, KEY, SECRET, rate_limits=None) as rest:
        results = await asyncio.wait_for(asyncio.gather(
            *(rest.auth.get_wallets() for _ in range(6)),
            *(rest.auth.get_orders() for _ in range(4)),
        ), 20)
    assert len(results) == 10
    assert server.rejected == []  # not one "nonce: small": no request overtook an earlier one
    accepted = [r.nonce for r in server.requests]
    assert len(accepted) == 10 and server.arrivals == 10  # one request per call: nothing needed a resend
    assert accepted == sorted(accepted) and len(set(accepted)) == 10  # strictly increasing in arrival order
    assert {r.path for r in server.requests} == {"auth/r/wallets", "auth/r/orders"}


async def test_public_requests_are_not_serialised_by_the_nonce_lock(reordering_server):
    """The lock is for signed requests only: a public call is answered while signed ones wait in the server."""
    server = reordering_server
    async with BfxRestInterface(server.host, KEY, SECRET, rate_limits=None) as rest:
        signed = asyncio.ensure_future(asyncio.gather(*(rest.auth.get_wallets() for _ in range(4))))
        status = await asyncio.wait_for(rest.public.get_platform_status(), 5)
        assert status.status == 1 and not signed.done()
        assert len(await asyncio.wait_for(signed, 10)) == 4
    assert server.rejected == []


def _ws_auths(sim, account):
    """(nonce sent, answer) of every WebSocket ``auth`` of ``account``, in the order the simulator got them."""
    auths = []
    for conn in sim.connections:
        answers = [json.loads(t) for t in conn.sent_text if '"event":"auth"' in t.replace(" ", "")]
        sent = [m for m in conn.received if isinstance(m, dict) and m.get("event") == "auth"
                and m.get("apiKey") == account.api_key]
        auths += [(int(m["authNonce"]), answer) for m, answer in zip(sent, answers)]
    return auths


async def test_rest_and_websocket_of_a_client_share_one_nonce_source(monkeypatch):
    frozen = time.time_ns()
    monkeypatch.setattr(NonceGenerator.__init__, "__defaults__", (lambda: frozen,))
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000.0}})
        bfx = Client(account.api_key, account.api_secret, wss_host=sim.wss_host, rest_host=sim.rest_host,
                     wss_options=FAST)
        events = Recorder(bfx, "authenticated")
        try:
            phases = []
            await asyncio.wait_for(bfx.wss.connect(), 5)  # WebSocket auth 1
            for round_ in range(2):
                before = len(sim.rest_log)
                await asyncio.wait_for(asyncio.gather(*(bfx.rest.auth.get_wallets() for _ in range(5))), 10)
                # (the managed account's own requests, its newest trade and its reconciliation, are left out)
                phases.append([int(r.headers["bfx-nonce"]) for r in sim.rest_log[before:] if _wallets(r)])
                if round_ == 0:
                    await sim.drop(auth_connection(sim))  # WebSocket auth 2, between the two REST rounds
                    await sim.wait_for(lambda: len(_ws_auths(sim, account)) == 2)
                    auths = _ws_auths(sim, account)
                    assert [answer.get("status") for _, answer in auths] == ["OK", "OK"], auths  # no 10114
                    await events.wait_count("authenticated", 2)
            rest = [r for r in sim.rest_log if r.path.startswith("/v2/auth/")]
            assert all(r.status == 200 for r in rest)  # the account's requests too: no 10114 anywhere
            rest = [r for r in rest if _wallets(r)]
            auths = _ws_auths(sim, account)
        finally:
            await bfx.close()
    # No 10114 anywhere: every REST request answered 200 at its first try, every auth accepted.
    assert [r.status for r in rest] == [200] * 10, [r.response for r in rest if r.status != 200]
    assert [answer.get("status") for _, answer in auths] == ["OK", "OK"], auths
    # In the order the simulator saw them: auth 1 < REST round 1 < auth 2 < REST round 2, strictly increasing.
    seen = [auths[0][0], *phases[0], auths[1][0], *phases[1]]
    assert seen == sorted(seen) and len(set(seen)) == len(seen) == 12
    assert account.last_nonce >= seen[-1]


def _wallets(record: Any) -> bool:
    return str(record.path).endswith("/auth/r/wallets")
