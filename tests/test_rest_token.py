"""``bfx-token`` authentication against the simulator: a token generated with key authentication is used by a second
client (reads work; writes only with ``writePermission``), then deleted or left to expire, after which the calls
fail with the typed credentials error. The simulator's side (protocol.md §5.2) is checked with raw requests too."""

from typing import Any, Awaitable, Callable

import aiohttp
import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidCredentialError
from bfxapi.types import AuthToken

from rest_auth_server import SIM_WALLETS


@pytest.fixture
async def env(make_sim: Callable[..., Awaitable[Any]]) -> Any:
    sim = await make_sim(market_interval=1.0)  # a virtual clock: each step moves it one second
    account = sim.add_account(wallets=SIM_WALLETS)
    async with Client(account.api_key, account.api_secret, rest_host=sim.rest_host) as keyed:
        yield sim, account, keyed


async def test_a_read_only_token_reads_but_cannot_write_then_is_deleted(env: Any) -> None:
    sim, account, keyed = env
    token = await keyed.rest.auth.generate_token("api", ttl=600, write_permission=False)
    assert isinstance(token, AuthToken)
    nonce = account.last_nonce
    async with Client(token=token.token, rest_host=sim.rest_host) as bfx:
        assert bfx.authenticated
        wallets = await bfx.rest.auth.get_wallets()
        assert sorted((w.wallet_type, w.currency, w.balance) for w in wallets) == sorted(
            (w.type, w.currency, w.balance) for w in account.wallets.values())
        assert (await bfx.rest.auth.get_user_info()).id == account.user_id
        with pytest.raises(InvalidCredentialError, match="permission: invalid") as refused:
            await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "1000")
        assert refused.value.code == 10100 and not account.orders
        assert account.last_nonce == nonce  # token requests carry no nonce: the key's counter did not move

        assert await keyed.rest.auth.delete_token(token.token) is True
        with pytest.raises(InvalidCredentialError, match="token: invalid"):
            await bfx.rest.auth.get_wallets()
    assert await keyed.rest.auth.delete_token(token.token) is False


async def test_a_write_token_writes_as_its_account(env: Any) -> None:
    sim, account, keyed = env
    token = (await keyed.rest.auth.generate_token("api", ttl=600, write_permission=True)).token
    async with Client(token=token, rest_host=sim.rest_host) as bfx:
        placed = await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "1000")
        assert placed.status == "SUCCESS" and placed.data.id in account.orders
        assert [o.id for o in await keyed.rest.auth.get_orders()] == [placed.data.id]
        assert await bfx.rest.auth.delete_token(token) is True  # a token may revoke itself
        with pytest.raises(InvalidCredentialError):
            await bfx.rest.auth.get_orders()


async def test_a_token_expires_with_its_ttl(env: Any) -> None:
    sim, _, keyed = env
    token = (await keyed.rest.auth.generate_token("api", ttl=2)).token
    async with Client(token=token, rest_host=sim.rest_host) as bfx:
        await sim.advance(1)  # one second of the simulator's clock: still valid
        assert await bfx.rest.auth.get_wallets()
        await sim.advance(1)
        with pytest.raises(InvalidCredentialError, match="token: expired"):
            await bfx.rest.auth.get_wallets()


async def test_tokens_are_bound_to_their_account(env: Any) -> None:
    sim, account, keyed = env
    other = sim.add_account(wallets={"exchange": {"USD": 5.0}})
    token = (await keyed.rest.auth.generate_token("api")).token
    async with Client(other.api_key, other.api_secret, rest_host=sim.rest_host) as stranger:
        assert await stranger.rest.auth.delete_token(token) is False  # not its token
    async with Client(token=token, rest_host=sim.rest_host) as bfx:
        assert (await bfx.rest.auth.get_user_info()).id == account.user_id


async def test_the_simulator_checks_tokens_on_the_wire(env: Any) -> None:
    sim, _, keyed = env
    token = (await keyed.rest.auth.generate_token("api", write_permission=True)).token
    async with aiohttp.ClientSession() as session:
        async def post(path: str, headers: dict[str, str], body: str = "{}") -> Any:
            async with session.post(f"{sim.rest_host}/{path}", data=body, headers=headers) as answer:
                return answer.status, await answer.json()

        assert (await post("auth/r/wallets", {"bfx-token": token}))[0] == 200
        # The token wins over key headers, which are then not checked (no nonce, no signature).
        assert (await post("auth/r/wallets", {"bfx-token": token, "bfx-apikey": "nobody"}))[0] == 200
        assert await post("auth/r/wallets", {"bfx-token": "not-a-token"}) == (500, ["error", 10100, "token: invalid"])
        assert await post("auth/w/token", {"bfx-token": token}, '{"scope": 5}') == (500, ["error", 10020,
                                                                                           "scope: invalid"])
        assert await post("auth/w/token", {"bfx-token": token}, '{"scope": "api", "ttl": 0}') == (
            500, ["error", 10020, "ttl: invalid"])
