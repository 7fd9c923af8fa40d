"""The authenticated endpoints the official library lacks: path, body and result of each."""

import pytest

from bfxapi.exceptions import InvalidInputError
from bfxapi.rest import BfxRestInterface
from bfxapi.types import Alert, Notification, Setting

import rest_auth_server as canned
from rest_auth_server import KEY, SECRET, AuthServer


@pytest.fixture
async def server():
    srv = await AuthServer().start()
    yield srv
    await srv.stop()


@pytest.fixture
async def rest(server):
    client = BfxRestInterface(server.host, KEY, SECRET, rate_limits=None)
    yield client
    await client.close()


CASES = [
    (lambda a: a.submit_order_multi_op([
        ("on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": 1, "price": 30000.5, "cid": 7}),
        ("oc", {"id": 1}),
        ("oc_multi", {"id": [2, 3]}),
        ("ou", {"id": 4, "price": "31000", "delta": None}),
    ]), "auth/w/order/multi",
     {"ops": [["on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "1", "price": "30000.5", "cid": 7}],
              ["oc", {"id": 1}], ["oc_multi", {"id": [2, 3]}], ["ou", {"id": 4, "price": "31000"}]]},
     lambda r: isinstance(r, Notification) and r.type == "ox_multi-req" and len(r.data) == 2),
    (lambda a: a.get_deposit_addresses("bitcoin", page=1, page_size=100), "auth/r/deposit/address/all",
     {"method": "bitcoin", "page": 1, "pageSize": 100}, lambda r: [row[4] for row in r] == ["bc1qone", "bc1qtwo"]),
    (lambda a: a.get_movement_info(13105603), "auth/r/movements/info", {"id": 13105603},
     lambda r: r[0] == 13105603 and r[9] == "COMPLETED"),
    (lambda a: a.get_alerts(), "auth/r/alerts", {"type": "price"},
     lambda r: r == [Alert("price:tETHUSD:220", "price", "tETHUSD", 220, 100)]),
    (lambda a: a.set_alert("price", "tETHUSD", 220.5), "auth/w/alert/set",
     {"type": "price", "symbol": "tETHUSD", "price": "220.5"}, lambda r: r[0] == "price:tETHUSD:220.5"),
    (lambda a: a.delete_alert("tETHUSD", 220.5), "auth/w/alert/price:tETHUSD:220.5/del", {}, lambda r: r == [True]),
    (lambda a: a.get_settings(["api:bfx-test"]), "auth/r/settings", {"keys": ["api:bfx-test"]},
     lambda r: r == [Setting("api:bfx-test", {"theme": "dark"})]),
    (lambda a: a.set_settings({"api:bfx-test": {"theme": "dark", "fontSize": 12}}), "auth/w/settings/set",
     {"settings": {"api:bfx-test": {"theme": "dark", "fontSize": 12}}}, lambda r: r == [1]),
    (lambda a: a.delete_settings(["api:bfx-test"]), "auth/w/settings/del", {"keys": ["api:bfx-test"]},
     lambda r: r == [1]),
    (lambda a: a.get_key_permissions(), "auth/r/permissions", {}, lambda r: r[1] == ["orders", 1, 1]),
    (lambda a: a.get_account_summary(), "auth/r/summary", {}, lambda r: r[4] == [[0.001, 0.001], [0.002, 0.002]]),
    (lambda a: a.get_wallets_history(currency="BTC", end=5), "auth/r/wallets/hist", {"currency": "BTC", "end": 5},
     lambda r: r[0][:3] == ["exchange", "BTC", 1.5]),
    (lambda a: a.get_funding_auto_renew_status("USD"), "auth/r/funding/auto/status", {"currency": "USD"},
     lambda r: r == canned.AUTO_RENEW),
]


@pytest.mark.parametrize("call,path,body,check", CASES, ids=[c[1] for c in CASES])
async def test_extra_endpoint(server, rest, call, path, body, check):
    result = await call(rest.auth)
    assert [r.path for r in server.requests] == [path], server.rejected
    assert server.requests[0].body == body
    assert check(result), result


async def test_order_multi_op_validates_operations(server, rest):
    with pytest.raises(InvalidInputError, match="unknown order operation"):
        await rest.auth.submit_order_multi_op([("xx", {})])
    with pytest.raises(InvalidInputError, match="between 1 and 75"):
        await rest.auth.submit_order_multi_op([("oc", {"id": i}) for i in range(76)])
    assert not server.requests
