"""bfx.rest.merchant (Bitfinex Pay) against the simulator: invoices, stats, conversions, settings, deposits.
Requests are checked by ``SimEnv.call`` (camelCase JSON bodies, signature); results are compared with the
account's merchant store."""

import pytest

from bfxapi.rest.exceptions import RequestParameterError
from bfxapi.testing.server.rest.merchant import merchant_store
from bfxapi.types import CurrencyConversion, InvoicePage, InvoiceStats, InvoiceSubmission, MerchantDeposit
from bfxapi.types import MerchantUnlinkedDeposit

from rest_auth_server import sim_env  # noqa: F401  # pylint: disable=unused-import

CUSTOMER = {"nationality": "CH", "resid_country": "CH", "residCity": "Zurich", "full_name": "Ada Lovelace",
            "email": "ada@example.com", "tos_accepted": True}
CUSTOMER_WIRE = {"nationality": "CH", "residCountry": "CH", "residCity": "Zurich", "fullName": "Ada Lovelace",
                 "email": "ada@example.com", "tosAccepted": True}


def same_invoice(got, held):
    assert isinstance(got, InvoiceSubmission)
    assert (got.id, got.t, got.type, got.duration, got.amount, got.currency, got.order_id, got.pay_currencies,
            got.webhook, got.redirect_url, got.status, got.merchant_name) == (
        held["id"], held["t"], held["type"], held["duration"], held["amount"], held["currency"], held["orderId"],
        held["payCurrencies"], held["webhook"], held["redirectUrl"], held["status"], held["merchantName"])
    info = held["customerInfo"]
    assert (got.customer_info.nationality, got.customer_info.resid_country, got.customer_info.resid_city,
            got.customer_info.full_name, got.customer_info.email, got.customer_info.tos_accepted) == (
        info.get("nationality"), info.get("residCountry"), info.get("residCity"), info.get("fullName"),
        info.get("email"), info.get("tosAccepted"))
    assert [(i.amount, i.currency, i.pay_currency, i.pool_currency, i.address, i.ext) for i in got.invoices] == [
        (i["amount"], i["currency"], i["payCurrency"], i["poolCurrency"], i["address"], i["ext"])
        for i in held["invoices"]]


async def create(env, order_id, amount=10.5, pay=("BTC", "ETH")):
    return await env.merchant.submit_invoice(amount, "USD", order_id, CUSTOMER, list(pay))


async def test_invoice_lifecycle(sim_env):
    env = sim_env
    store = merchant_store(env.account)
    created = await env.call(
        env.merchant.submit_invoice(10.5, "USD", "order-1", CUSTOMER, ["BTC", "ETH"], duration=3600,
                                    webhook="https://shop.example/hook", redirect_url="https://shop.example/done"),
        "auth/w/ext/pay/invoice/create",
        {"amount": "10.5", "currency": "USD", "orderId": "order-1", "customerInfo": CUSTOMER_WIRE,
         "payCurrencies": ["BTC", "ETH"], "duration": 3600, "webhook": "https://shop.example/hook",
         "redirectUrl": "https://shop.example/done"})
    assert len(store.invoices) == 1
    same_invoice(created, store.invoices[0])
    assert (created.status, created.duration, created.payment) == ("CREATED", 3600, None)
    other = await create(env, "order-2", 20)

    listed = await env.call(env.merchant.get_invoices(limit=25), "auth/r/ext/pay/invoices", {"limit": 25})
    assert [i.id for i in listed] == [created.id, other.id]
    one = await env.call(env.merchant.get_invoices(id=other.id), "auth/r/ext/pay/invoices", {"id": other.id})
    same_invoice(one[0], store.invoices[1])
    now = env.sim.exchange.now
    assert len(await env.call(env.merchant.get_invoices(start=now, end=now), "auth/r/ext/pay/invoices",
                              {"start": now, "end": now})) == 2

    completed = await env.call(env.merchant.complete_invoice(created.id, "ETH", ledger_id=77),
                               "auth/w/ext/pay/invoice/complete", {"id": created.id, "payCcy": "ETH", "ledgerId": 77})
    same_invoice(completed, store.invoices[0])
    payment = store.invoices[0]["payment"]
    assert completed.status == "COMPLETED" and completed.payment is not None
    assert (completed.payment.currency, completed.payment.amount, completed.payment.deposit_id,
            completed.payment.ledger_id, completed.payment.force_completed) == (
        "ETH", payment["amount"], payment["depositId"], 77, True)

    expired = await env.call(env.merchant.expire_invoice(other.id), "auth/w/ext/pay/invoice/expire", {"id": other.id})
    same_invoice(expired, store.invoices[1])
    assert expired.status == "EXPIRED"

    # the completed invoice is a linked deposit
    deposits = await env.call(env.merchant.get_deposits(now - 1, now + 1, ccy="ETH", unlinked=False),
                              "auth/r/ext/pay/deposits", {"from": now - 1, "to": now + 1, "ccy": "ETH",
                                                          "unlinked": False})
    held = store.deposits[0]
    assert len(deposits) == 1 and isinstance(deposits[0], MerchantDeposit)
    assert (deposits[0].id, deposits[0].invoice_id, deposits[0].order_id, deposits[0].amount, deposits[0].t,
            deposits[0].currency, deposits[0].pay_method) == (
        held["id"], created.id, "order-1", held["amount"], now, "ETH", held["payMethod"])
    assert await env.call(env.merchant.get_deposits(now + 1, now + 2), "auth/r/ext/pay/deposits",
                          {"from": now + 1, "to": now + 2}) == []

    # errors: an unknown invoice, completing an expired one
    with pytest.raises(RequestParameterError) as unknown:
        await env.merchant.expire_invoice("no-such-invoice")
    with pytest.raises(RequestParameterError, match="already expired") as again:
        await env.merchant.complete_invoice(other.id, "BTC")
    assert unknown.value.code == again.value.code == 10020
    assert env.sim.rest_log[-1].response == ["error", 10020, "invoice: already expired"]


async def test_paginated_invoices_and_stats(sim_env):
    env = sim_env
    invoices = [await create(env, f"order-{i}", 10 + i) for i in range(5)]
    await env.merchant.complete_invoice(invoices[1].id, "BTC")
    await env.merchant.complete_invoice(invoices[3].id, "BTC")

    page = await env.call(env.merchant.get_invoices_paginated(page=2, page_size=2, sort="desc", sort_field="amount"),
                          "auth/r/ext/pay/invoices/paginated",
                          {"page": 2, "pageSize": 2, "sort": "desc", "sortField": "amount"})
    assert isinstance(page, InvoicePage)
    assert (page.page, page.page_size, page.sort, page.sort_field, page.total_pages, page.total_items) == (
        2, 2, "desc", "amount", 3, 5)
    assert [i.order_id for i in page.items] == ["order-2", "order-1"]
    done = await env.call(env.merchant.get_invoices_paginated(status=["COMPLETED"], fiat=["USD"], crypto=["BTC"]),
                          "auth/r/ext/pay/invoices/paginated",
                          {"page": 1, "pageSize": 10, "sort": "asc", "sortField": "t", "status": ["COMPLETED"],
                           "fiat": ["USD"], "crypto": ["BTC"]})
    assert [i.id for i in done.items] == [invoices[1].id, invoices[3].id]
    one = await env.call(env.merchant.get_invoices_paginated(id=invoices[4].id, order_id="order-4"),
                         "auth/r/ext/pay/invoices/paginated",
                         {"page": 1, "pageSize": 10, "sort": "asc", "sortField": "t", "id": invoices[4].id,
                          "orderId": "order-4"})
    assert [i.id for i in one.items] == [invoices[4].id]

    year = "2023"  # the simulator's clock: 2023-11-14
    created = await env.call(env.merchant.get_invoice_count_stats("CREATED", "Y"),
                             "auth/r/ext/pay/invoice/stats/count", {"status": "CREATED", "format": "Y"})
    assert created == [InvoiceStats(year, 3)]
    earned = await env.call(env.merchant.get_invoice_earning_stats("USD", "M"),
                            "auth/r/ext/pay/invoice/stats/earning", {"currency": "USD", "format": "M"})
    assert earned == [InvoiceStats("2023-11", 11 + 13)]


async def test_currency_conversions(sim_env):
    env = sim_env
    store = merchant_store(env.account)
    assert await env.call(env.merchant.add_currency_conversion("BTC", "USD"), "auth/w/ext/pay/settings/convert/create",
                          {"baseCcy": "BTC", "convertCcy": "USD"}) is True
    await env.merchant.add_currency_conversion("ETH", "USD")
    listed = await env.call(env.merchant.get_currency_conversion_list(), "auth/r/ext/pay/settings/convert/list", {})
    assert listed == [CurrencyConversion(c["baseCcy"], c["convertCcy"], c["created"]) for c in store.conversions]
    assert [(c.base_ccy, c.convert_ccy, c.created) for c in listed] == [
        ("BTC", "USD", env.sim.exchange.now), ("ETH", "USD", env.sim.exchange.now)]
    assert await env.call(env.merchant.remove_currency_conversion("BTC", "USD"),
                          "auth/w/ext/pay/settings/convert/remove", {"baseCcy": "BTC", "convertCcy": "USD"}) is True
    assert [(c["baseCcy"], c["convertCcy"]) for c in store.conversions] == [("ETH", "USD")]


async def test_merchant_settings(sim_env):
    env = sim_env
    store = merchant_store(env.account)
    assert await env.call(env.merchant.set_merchant_settings("bfx_pay_preferred_fiat", "EUR"),
                          "auth/w/ext/pay/settings/set", {"key": "bfx_pay_preferred_fiat", "val": "EUR"}) is True
    assert await env.call(env.merchant.set_merchant_settings("bfx_pay_recommend_store", 1),
                          "auth/w/ext/pay/settings/set", {"key": "bfx_pay_recommend_store", "val": 1}) is True
    assert store.settings["bfx_pay_preferred_fiat"] == "EUR"
    assert await env.call(env.merchant.get_merchant_settings("bfx_pay_preferred_fiat"), "auth/r/ext/pay/settings/get",
                          {"key": "bfx_pay_preferred_fiat"}) == "EUR"
    assert await env.call(env.merchant.list_merchant_settings(), "auth/r/ext/pay/settings/list",
                          {"keys": []}) == store.settings
    assert await env.call(env.merchant.list_merchant_settings(["bfx_pay_recommend_store"]),
                          "auth/r/ext/pay/settings/list",
                          {"keys": ["bfx_pay_recommend_store"]}) == {"bfx_pay_recommend_store": 1}


async def test_unlinked_deposits(sim_env):
    env = sim_env
    held = env.sim.add_unlinked_deposit(env.account, "BTC", 0.125)
    env.sim.add_unlinked_deposit(env.account, "ETH", 2)
    deposits = await env.call(env.merchant.get_unlinked_deposits("BTC", start=held["createdAt"]),
                              "auth/r/ext/pay/deposits/unlinked", {"ccy": "BTC", "start": held["createdAt"]})
    assert deposits == [MerchantUnlinkedDeposit(
        held["id"], held["method"], "BTC", held["createdAt"], held["updatedAt"], 0.125, held["fee"], held["txid"],
        held["address"], held["paymentId"], "COMPLETED", held["note"])]
    assert await env.call(env.merchant.get_unlinked_deposits("BTC", end=held["createdAt"] - 1),
                          "auth/r/ext/pay/deposits/unlinked", {"ccy": "BTC", "end": held["createdAt"] - 1}) == []
