"""bfx.rest.merchant (Bitfinex Pay) against the local signed-endpoint server: paths (no leading slash), camelCase
bodies, parsed results (unknown keys ignored, free-form objects untouched)."""

import pytest

from bfxapi.rest import BfxRestInterface
from bfxapi.types import CurrencyConversion, InvoicePage, InvoiceStats, InvoiceSubmission, MerchantDeposit
from bfxapi.types import MerchantUnlinkedDeposit

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


def _invoice(r, status="CREATED"):
    return (isinstance(r, InvoiceSubmission) and r.status == status and r.order_id == "order-1"
            and r.customer_info.resid_city == "Zurich" and r.invoices[0].ext == {"someVendorKey": 1})


CASES = [
    (lambda m: m.submit_invoice(10.5, "USD", "order-1",
                                {"nationality": "CH", "resid_country": "CH", "residCity": "Zurich",
                                 "full_name": "Ada Lovelace", "email": "ada@example.com", "tos_accepted": True},
                                ["BTC", "ETH"], duration=86400, webhook="https://shop.example/hook"),
     "auth/w/ext/pay/invoice/create",
     {"amount": "10.5", "currency": "USD", "orderId": "order-1",
      "customerInfo": {"nationality": "CH", "residCountry": "CH", "residCity": "Zurich", "fullName": "Ada Lovelace",
                       "email": "ada@example.com", "tosAccepted": True},
      "payCurrencies": ["BTC", "ETH"], "duration": 86400, "webhook": "https://shop.example/hook"},
     _invoice),
    (lambda m: m.get_invoices(limit=25), "auth/r/ext/pay/invoices", {"limit": 25}, lambda r: _invoice(r[0])),
    (lambda m: m.get_invoices_paginated(page=2, page_size=60, sort="desc", status=["CREATED"], order_id="o"),
     "auth/r/ext/pay/invoices/paginated",
     {"page": 2, "pageSize": 60, "sort": "desc", "sortField": "t", "status": ["CREATED"], "orderId": "o"},
     lambda r: isinstance(r, InvoicePage) and r.total_items == 1 and _invoice(r.items[0])),
    (lambda m: m.get_invoice_count_stats("CREATED", "Y"), "auth/r/ext/pay/invoice/stats/count",
     {"status": "CREATED", "format": "Y"}, lambda r: r == [InvoiceStats("2024-01", 3)]),
    (lambda m: m.get_invoice_earning_stats("USD", "M"), "auth/r/ext/pay/invoice/stats/earning",
     {"currency": "USD", "format": "M"}, lambda r: r == [InvoiceStats("2024-01", 120.5)]),
    (lambda m: m.complete_invoice("inv", "ETH", deposit_id=1), "auth/w/ext/pay/invoice/complete",
     {"id": "inv", "payCcy": "ETH", "depositId": 1}, lambda r: _invoice(r, "COMPLETED")),
    (lambda m: m.expire_invoice("inv"), "auth/w/ext/pay/invoice/expire", {"id": "inv"},
     lambda r: _invoice(r, "EXPIRED")),
    (lambda m: m.get_currency_conversion_list(), "auth/r/ext/pay/settings/convert/list", {},
     lambda r: r == [CurrencyConversion("BTC", "USD", 1_700_000_000_000)]),
    (lambda m: m.add_currency_conversion("BTC", "USD"), "auth/w/ext/pay/settings/convert/create",
     {"baseCcy": "BTC", "convertCcy": "USD"}, lambda r: r is True),
    (lambda m: m.remove_currency_conversion("BTC", "USD"), "auth/w/ext/pay/settings/convert/remove",
     {"baseCcy": "BTC", "convertCcy": "USD"}, lambda r: r is True),
    (lambda m: m.set_merchant_settings("bfx_pay_recommend_store", 1), "auth/w/ext/pay/settings/set",
     {"key": "bfx_pay_recommend_store", "val": 1}, lambda r: r is True),
    (lambda m: m.get_merchant_settings("bfx_pay_preferred_fiat"), "auth/r/ext/pay/settings/get",
     {"key": "bfx_pay_preferred_fiat"}, lambda r: r == "USD"),
    (lambda m: m.list_merchant_settings(), "auth/r/ext/pay/settings/list", {"keys": []},
     lambda r: r == {"bfx_pay_preferred_fiat": "USD", "bfx_pay_recommend_store": 1}),
    (lambda m: m.list_merchant_settings(["bfx_pay_preferred_fiat"]), "auth/r/ext/pay/settings/list",
     {"keys": ["bfx_pay_preferred_fiat"]}, lambda r: isinstance(r, dict)),
    (lambda m: m.get_deposits(1, 2, ccy="USD", unlinked=True), "auth/r/ext/pay/deposits",
     {"from": 1, "to": 2, "ccy": "USD", "unlinked": True},
     lambda r: isinstance(r[0], MerchantDeposit) and r[0].pay_method == "BITCOIN"),
    (lambda m: m.get_unlinked_deposits("BTC", start=1), "auth/r/ext/pay/deposits/unlinked", {"ccy": "BTC", "start": 1},
     lambda r: isinstance(r[0], MerchantUnlinkedDeposit) and r[0].created_at == 1_700_000_000_000),
]


def test_every_official_merchant_method_is_covered():
    names = {c[0].__code__.co_names[0] for c in CASES}
    assert len(names) == 15


@pytest.mark.parametrize("call,path,body,check", CASES, ids=[f"{i}-{c[1]}" for i, c in enumerate(CASES)])
async def test_merchant_endpoint(server, rest, call, path, body, check):
    result = await call(rest.merchant)
    assert [r.path for r in server.requests] == [path], server.rejected
    assert server.requests[0].body == body
    assert check(result), result
