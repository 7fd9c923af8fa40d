"""Authenticated REST against the simulator: signing, credential and nonce errors, the resend of a nonce
overtaken by another user of the key, 200 concurrent authenticated calls through one client, requests
refused before sending, and the coverage of every ``auth`` and ``merchant`` method by the sim tests."""

import asyncio
import hashlib
import hmac
import re
import time
from pathlib import Path

import pytest

from bfxapi import Client
from bfxapi._utils.nonce import NonceGenerator
from bfxapi.exceptions import CredentialError, InvalidCredentialError, InvalidInputError, ServerError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest._interfaces import RestAuthEndpoints, RestMerchantEndpoints
from bfxapi.rest.exceptions import CredentialsRequiredError, NonceTooSmallError, ResourceNotFoundError

from rest_auth_server import sim_env  # noqa: F401  # pylint: disable=unused-import


def test_signature_matches_the_protocol_test_vectors():
    """protocol.md §5.2, computed with hmac/hashlib (the simulator and the client each have their own code)."""
    vectors = [
        ("/api/v2/auth/r/wallets1700000000000001{}",
         "c1ffc97b576d3470213c0bd61cd91a710bef9a46b20308f0eb45f0f06998ec4d153a3fa18da7c0f0ed78b15ef642ef37"),
        ('/api/v2/auth/w/order/submit1700000000000002{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1",'
         '"price":"10000"}',
         "88569c7031a2ab1c54b838fb27a78160781844b15fd811de4ffd9d70bce517413b0d572df3262b27b67744ff7dda4c9c"),
    ]
    from bfxapi._utils.signatures import rest_auth_headers  # pylint: disable=import-outside-toplevel

    for message, expected in vectors:
        assert hmac.new(b"test-secret", message.encode(), hashlib.sha384).hexdigest() == expected
        path, rest = message[len("/api/v2/"):].split("1700000000000", 1)
        nonce, body = int("1700000000000" + rest[:3]), rest[3:]
        assert rest_auth_headers("k", "test-secret", path, nonce, body)["bfx-signature"] == expected


async def test_an_empty_body_is_sent_and_signed_as_braces(sim_env):
    env = sim_env
    await env.call(env.auth.get_wallets(), "auth/r/wallets", {})
    assert env.sim.rest_log[-1].raw_body == b"{}"


async def test_unknown_key_and_wrong_secret(sim_env):
    env = sim_env
    secret = "wrong-secret-value"
    for key, wanted in ((env.account.api_key, "apikey: digest invalid"), ("unknown-key", "apikey: invalid")):
        async with Client(key, secret, rest_host=env.sim.rest_host) as bad:
            before = len(env.sim.rest_log)
            with pytest.raises(InvalidCredentialError) as caught:
                await bad.rest.auth.get_wallets()
            with pytest.raises(InvalidCredentialError):
                await bad.rest.merchant.get_invoices()
        records = env.sim.rest_log[before:]
        assert [r.path for r in records] == ["/v2/auth/r/wallets", "/v2/auth/r/ext/pay/invoices"]
        assert all(r.response == ["error", 10100, wanted] and r.api_key is None for r in records)
        assert caught.value.code == 10100 and caught.value.message == f"POST auth/r/wallets: {wanted}"
        assert secret not in str(caught.value) and secret not in repr(bad)
    assert env.account.last_nonce == 0  # nothing was accepted


async def test_nonce_pushed_ahead_by_another_client_of_the_key(sim_env):
    """Another client of the same key used a nonce far ahead (a clock an hour fast): our nonces are refused
    with 10114. The client resends three times with fresh nonces (it cannot tell a key pushed ahead from a
    race with another process, which a resend cures), then raises NonceTooSmallError: a ServerError that is
    not a credential error, whose message names the cause and the cure."""
    env = sim_env
    ahead = NonceGenerator(clock=lambda: time.time_ns() + 3_600 * 10**9)
    async with BfxRestInterface(env.sim.rest_host, env.account.api_key, env.account.api_secret, nonce=ahead) as other:
        await other.auth.get_wallets()
    pushed = env.account.last_nonce
    before = len(env.sim.rest_log)
    with pytest.raises(NonceTooSmallError) as caught:
        await env.auth.get_orders()
    records = env.sim.rest_log[before:]
    assert [(r.path, r.status) for r in records] == [("/v2/auth/r/orders", 500)] * 4  # the request and 3 resends
    sent = [int(r.headers["bfx-nonce"]) for r in records]
    assert sent == sorted(set(sent)) and sent[-1] < pushed == env.account.last_nonce  # fresh nonces, all too small
    for record in records:
        assert record.response == ["error", 10114, "nonce: small"]
        env.check_signed(record, "auth/r/orders", accepted=False)  # well signed: refused for its nonce only
    error = caught.value
    assert error.code == 10114 and isinstance(error, ServerError)
    assert not isinstance(error, (CredentialError, InvalidCredentialError))
    assert "another process or client is using the same key" in str(error) and "FileNonce" in str(error)
    assert error.message == "POST auth/r/orders: nonce: small"  # the server's text stays apart from the hint


class Overtaken(NonceGenerator):
    """A nonce source shared with a WebSocket client whose authentication, with a later nonce of the same
    source, reaches the server before each of the next ``times`` REST requests (the server consumes it)."""

    def __init__(self, account, times):
        super().__init__()
        self.account = account
        self.times = times

    def next(self):
        nonce = super().next()
        if self.times > 0:
            self.times -= 1
            self.account.last_nonce = super().next()  # what the WebSocket auth does on the server
        return nonce


@pytest.mark.parametrize("overtaken,succeeds", [(1, True), (3, True), (4, False)])
async def test_nonce_overtaken_by_the_shared_generator_is_resent_three_times_at_most(sim_env, overtaken, succeeds):
    env = sim_env
    nonces = Overtaken(env.account, overtaken)
    async with BfxRestInterface(env.sim.rest_host, env.account.api_key, env.account.api_secret,
                                nonce=nonces) as rest:
        before = len(env.sim.rest_log)
        if succeeds:
            wallets = await rest.auth.get_wallets()
            assert len(wallets) == len(env.account.wallets)
        else:
            with pytest.raises(NonceTooSmallError):
                await rest.auth.get_wallets()
    records = env.sim.rest_log[before:]
    refused = min(overtaken, 4)
    assert [r.status for r in records] == [500] * refused + ([200] if succeeds else [])
    assert all(r.response == ["error", 10114, "nonce: small"] for r in records[:refused])
    sent = [int(r.headers["bfx-nonce"]) for r in records]
    assert sent == sorted(sent) and len(set(sent)) == len(sent)  # each resend signed with a fresh nonce
    for record in records:
        env.check_signed(record, "auth/r/wallets", accepted=record.status == 200)


async def test_a_write_refused_for_its_nonce_is_resent_and_executed_once(sim_env):
    """A request refused with 10114 did nothing, so even a write is resent: the order is placed once."""
    env = sim_env
    async with BfxRestInterface(env.sim.rest_host, env.account.api_key, env.account.api_secret,
                                nonce=Overtaken(env.account, 2)) as rest:
        before = len(env.sim.rest_log)
        placed = await rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", 0.001, 10_000, cid=77)
    records = env.sim.rest_log[before:]
    assert [(r.path, r.status) for r in records] == [("/v2/auth/w/order/submit", 500)] * 2 + [
        ("/v2/auth/w/order/submit", 200)]
    assert [r.raw_body for r in records] == [records[0].raw_body] * 3  # the same body, signed anew each time
    assert [o.cid for o in env.account.orders.values()] == [77] and placed.data.cid == 77


@pytest.mark.timeout(30)
async def test_200_concurrent_authenticated_calls_through_one_client(sim_env):
    env = sim_env
    auth = env.auth
    calls = []
    for i in range(40):
        calls += [auth.get_wallets(), auth.get_orders(ids=[i + 1]), auth.get_positions(), auth.get_funding_offers(),
                  auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", 0.001, 10_000 + i, cid=i)]
    before = len(env.sim.rest_log)
    started = time.perf_counter()
    results = await asyncio.gather(*calls, return_exceptions=True)
    elapsed = time.perf_counter() - started
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures[:3]
    records = env.sim.rest_log[before:]
    assert len(records) == 200 and all(r.status == 200 for r in records)
    arrived = [int(r.headers["bfx-nonce"]) for r in records]
    assert arrived == sorted(arrived) and len(set(arrived)) == 200  # strictly increasing in arrival order
    assert sorted(o.cid for o in env.account.orders.values()) == list(range(40))
    print(f"\n200 concurrent authenticated calls against the simulator: {elapsed:.3f} s")


async def test_public_calls_are_not_held_by_a_pending_authenticated_call(sim_env):
    """While an authenticated request waits inside the simulator (its account lock held by the test), a
    public call of the same client still completes."""
    env = sim_env
    async with env.sim.market_lock:
        pending = asyncio.ensure_future(env.auth.get_wallets())
        status = await asyncio.wait_for(env.bfx.rest.public.get_platform_status(), 5)
        assert status.status == 1 and not pending.done()
    assert len(await asyncio.wait_for(pending, 5)) == len(env.account.wallets)


async def test_refused_before_sending(sim_env):
    env = sim_env
    before = len(env.sim.rest_log)
    async with Client(rest_host=env.sim.rest_host) as public_only:
        with pytest.raises(CredentialsRequiredError, match="auth/r/wallets"):
            await public_only.rest.auth.get_wallets()
        with pytest.raises(CredentialsRequiredError):
            await public_only.rest.merchant.get_invoices()
    with pytest.raises(InvalidInputError, match="amount"):
        await env.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "lots", 1)
    with pytest.raises(InvalidInputError, match="price"):
        await env.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", 1, float("inf"))
    with pytest.raises(InvalidInputError, match="'xx'"):
        await env.auth.submit_order_multi_op([("xx", {})])
    with pytest.raises(InvalidInputError, match="between 1 and 75"):
        await env.auth.submit_order_multi_op([("oc", {"id": i}) for i in range(76)])
    with pytest.raises(InvalidInputError, match="symbol"):
        await env.auth.get_orders(symbol="tBTC/USD")
    assert len(env.sim.rest_log) == before


async def test_wrong_version_root_is_a_clear_404(sim_env):
    env = sim_env
    host = env.sim.rest_host.replace("/v2", "/v3")
    async with BfxRestInterface(host, env.account.api_key, env.account.api_secret) as rest:
        with pytest.raises(ResourceNotFoundError) as caught:
            await rest.auth.get_wallets()
    assert caught.value.path == "auth/r/wallets" and "404" in str(caught.value)


OFFICIAL_AUTH = {
    "get_user_info", "get_login_history", "get_balance_available_for_orders_or_offers", "get_wallets", "get_orders",
    "submit_order", "update_order", "cancel_order", "cancel_order_multi", "get_orders_history", "get_order_trades",
    "get_trades_history", "get_ledgers", "get_base_margin_info", "get_symbol_margin_info",
    "get_all_symbols_margin_info", "get_positions", "claim_position", "increase_position",
    "get_increase_position_info", "get_positions_history", "get_positions_snapshot", "get_positions_audit",
    "set_derivative_position_collateral", "get_derivative_position_collateral_limits", "get_funding_offers",
    "submit_funding_offer", "cancel_funding_offer", "cancel_all_funding_offers", "submit_funding_close",
    "toggle_auto_renew", "toggle_keep_funding", "get_funding_offers_history", "get_funding_loans",
    "get_funding_loans_history", "get_funding_credits", "get_funding_credits_history", "get_funding_trades_history",
    "get_funding_info", "transfer_between_wallets", "submit_wallet_withdrawal", "get_deposit_address",
    "generate_deposit_invoice", "get_movements",
}


def test_every_auth_and_merchant_method_is_called_by_the_sim_tests():
    """The 44 official ``auth`` methods exist; they, the 33 extra ones and the 15 ``merchant`` ones each
    appear as a call in the ``test_rest_sim_*`` modules."""
    text = "\n".join(p.read_text() for p in Path(__file__).parent.glob("test_rest_sim_*.py"))
    called = set(re.findall(r"\.(?:auth|merchant)\.(\w+)\(", text))
    auth = {n for n in vars(RestAuthEndpoints) if not n.startswith("_")}
    merchant = {n for n in vars(RestMerchantEndpoints) if not n.startswith("_")}
    assert len(OFFICIAL_AUTH) == 44 and OFFICIAL_AUTH <= auth
    assert (len(auth), len(merchant)) == (77, 15)
    assert auth - called == set() and merchant - called == set()
