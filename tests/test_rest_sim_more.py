"""The REST endpoints of issue #18 point 3 against the simulator: VASPs, audit trail, core settings, tokens,
performance, Pulse writes and history, OTC order history, position funding type. Requests are checked by
``SimEnv.call`` (path, exact JSON body, signature); results are typed."""

from decimal import Decimal

import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError
from bfxapi.rest.exceptions import RequestParameterError
from bfxapi.types import AuditEntry, AuthToken, PulseMessage, Setting, Statistic, Vasp

from rest_auth_server import sim_env  # noqa: F401  # pylint: disable=unused-import


async def test_vasps(sim_env):
    env = sim_env
    vasps = await env.bfx.rest.public.get_vasps()
    assert vasps and all(isinstance(v, Vasp) for v in vasps)
    assert ("bitfinex", "Bitfinex") in [(v.id, v.name) for v in vasps]
    assert [(r.method, r.path) for r in env.sim.rest_log[-1:]] == [("GET", "/v2/ext/vasps")]


async def test_audit_history(sim_env):
    env = sim_env
    rows = await env.call(env.auth.get_audit_history(limit=10), "auth/r/audit/hist", {"limit": 10})
    assert rows and all(isinstance(r, AuditEntry) for r in rows)
    assert rows[-1].action == "account:create" and rows[-1].mts == env.account.created_mts


async def test_core_settings(sim_env):
    env = sim_env
    settings = await env.call(env.auth.get_core_settings(), "auth/r/settings/core", {})
    assert all(isinstance(s, Setting) for s in settings)
    assert ("core:lang", "en") in [(s.key, s.value) for s in settings]


async def test_token_create_and_delete(sim_env):
    env = sim_env
    body = {"scope": "api", "ttl": 120, "writePermission": False, "caps": ["a", "o"]}
    token = await env.call(env.auth.generate_token("api", ttl=120, write_permission=False, caps=["a", "o"]),
                           "auth/w/token", body)
    assert isinstance(token, AuthToken) and len(token.token) == 36
    assert await env.call(env.auth.delete_token(token.token), "auth/w/token/del", {"token": token.token}) is True
    assert await env.auth.delete_token(token.token) is False


async def test_performance_history_in_both_number_modes(sim_env):
    env = sim_env
    rows = await env.call(env.auth.get_performance_history(), "auth/r/stats/perf:1D/hist", {})
    assert len(rows) == 7 and all(isinstance(r, Statistic) for r in rows)
    assert rows[0].mts > rows[1].mts
    async with Client(env.account.api_key, env.account.api_secret, rest_host=env.sim.rest_host,
                      decimal=True) as exact:
        exact_rows = await exact.rest.auth.get_performance_history()
    assert isinstance(exact_rows[0].value, Decimal) and exact_rows[0].value == Decimal(str(rows[0].value))


async def test_pulse_add_history_delete(sim_env):
    env = sim_env
    body = {"title": "Hello", "content": "First pulse", "isPin": 0, "isPublic": 1}
    message = await env.call(env.auth.submit_pulse("Hello", "First pulse", is_pin=False, is_public=True),
                             "auth/w/pulse/add", body)
    assert isinstance(message, PulseMessage)
    assert (message.title, message.content, message.is_public, message.profile) == ("Hello", "First pulse", 1, None)
    history = await env.call(env.auth.get_pulse_history(), "auth/r/pulse/hist", {})
    assert [m.pid for m in history] == [message.pid]
    assert await env.call(env.auth.delete_pulse(message.pid), "auth/w/pulse/del", {"pid": message.pid}) is True
    assert await env.auth.get_pulse_history() == []


async def test_otc_orders_history(sim_env):
    env = sim_env
    assert await env.call(env.auth.get_otc_orders_history("tBTCUSD", limit=5),
                          "auth/r/orders/otc/tBTCUSD/hist", {"limit": 5}) == []
    with pytest.raises(RequestParameterError):
        await env.auth.get_otc_orders_history("tNOPE")


async def test_position_funding_type(sim_env):
    env = sim_env
    assert await env.call(env.auth.update_position_funding_type("tBTCUSD", 1),
                          "auth/w/position/update/funding/type", {"symbol": "tBTCUSD", "type": 1}) is True
    with pytest.raises(InvalidInputError):
        await env.auth.update_position_funding_type("tBTCUSD", 2)  # type: ignore[arg-type]


def _rest_methods():
    # pylint: disable=import-outside-toplevel
    import inspect
    import re

    from bfxapi.rest._interfaces import RestAuthEndpoints, RestMerchantEndpoints, RestPublicEndpoints

    for group, cls in (("public", RestPublicEndpoints), ("auth", RestAuthEndpoints),
                       ("merchant", RestMerchantEndpoints)):
        for name, function in vars(cls).items():
            if not name.startswith("_") and inspect.iscoroutinefunction(function):
                request = re.search(r"(GET|POST) ``([^`]+)``", " ".join((function.__doc__ or "").split()))
                assert request is not None, f"{group}.{name}: its docstring names no request"
                yield group, name, f"{request.group(1)} `{request.group(2)}`"


def test_readme_endpoint_table_lists_every_rest_method():
    from pathlib import Path  # pylint: disable=import-outside-toplevel

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## REST endpoints", 1)[1].split("\n## ", 1)[0]
    rows = {line for line in table.splitlines() if line.startswith("| `")}
    methods = list(_rest_methods())
    assert len(methods) > 100
    missing = [f"| `{group}.{name}` | {request} |" for group, name, request in methods
               if f"| `{group}.{name}` | {request} |" not in rows]
    assert not missing, "README's REST endpoint table lacks:\n" + "\n".join(missing)
