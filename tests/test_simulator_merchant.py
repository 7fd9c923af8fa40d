"""Simulator merchant (Bitfinex Pay) endpoints: JSON objects with camelCase keys over an invoice store."""


async def create_invoice(sim, rest, account, order_id="o-1", amount=100):
    body = {"amount": amount, "currency": "USD", "orderId": order_id, "payCurrencies": ["BTC", "ETH"],
            "customerInfo": {"nationality": "DE", "residCountry": "DE", "fullName": "A B", "email": "a@b.c",
                             "tosAccepted": True},
            "duration": 3600, "webhook": "https://shop.example/hook", "redirectUrl": "https://shop.example/ok"}
    status, invoice = await rest(sim, account, "auth/w/ext/pay/invoice/create", body)
    assert status == 200
    return invoice


async def test_invoice_lifecycle(sim, rest):
    account = sim.add_account()
    invoice = await create_invoice(sim, rest, account)
    assert set(invoice) >= {"id", "t", "type", "duration", "amount", "currency", "orderId", "payCurrencies",
                            "webhook", "redirectUrl", "status", "customerInfo", "invoices", "merchantName"}
    assert invoice["status"] == "CREATED" and invoice["duration"] == 3600 and invoice["type"] == "ECOMMERCE"
    assert [i["payCurrency"] for i in invoice["invoices"]] == ["BTC", "ETH"]
    assert set(invoice["invoices"][0]) == {"amount", "currency", "payCurrency", "poolCurrency", "address", "ext"}
    _, listed = await rest(sim, account, "auth/r/ext/pay/invoices", {"id": invoice["id"]})
    assert [i["id"] for i in listed] == [invoice["id"]]
    _, done = await rest(sim, account, "auth/w/ext/pay/invoice/complete", {"id": invoice["id"], "payCcy": "BTC"})
    assert done["status"] == "COMPLETED" and done["payment"]["currency"] == "BTC"
    assert set(done["payment"]) == {"txid", "amount", "currency", "method", "status", "confirmations", "createdAt",
                                    "updatedAt", "depositId", "ledgerId", "forceCompleted", "amountDiff"}
    status, error = await rest(sim, account, "auth/w/ext/pay/invoice/expire", {"id": invoice["id"]})
    assert status == 500 and error[0] == "error"
    other = await create_invoice(sim, rest, account, "o-2", 50)
    _, expired = await rest(sim, account, "auth/w/ext/pay/invoice/expire", {"id": other["id"]})
    assert expired["status"] == "EXPIRED"
    _, page = await rest(sim, account, "auth/r/ext/pay/invoices/paginated",
                         {"page": 1, "pageSize": 1, "sort": "desc", "sortField": "amount"})
    assert page["totalItems"] == 2 and page["totalPages"] == 2 and page["items"][0]["amount"] == 100
    _, page = await rest(sim, account, "auth/r/ext/pay/invoices/paginated", {"status": ["EXPIRED"]})
    assert [i["id"] for i in page["items"]] == [other["id"]]
    _, counts = await rest(sim, account, "auth/r/ext/pay/invoice/stats/count", {"status": "COMPLETED", "format": "Y"})
    assert counts == [{"time": "2023", "count": 1}]
    _, earnings = await rest(sim, account, "auth/r/ext/pay/invoice/stats/earning", {"currency": "USD", "format": "Y"})
    assert earnings == [{"time": "2023", "count": 100}]
    _, deposits = await rest(sim, account, "auth/r/ext/pay/deposits", {"from": 0, "to": 2_000_000_000_000})
    assert len(deposits) == 1 and deposits[0]["invoiceId"] == invoice["id"] and deposits[0]["type"] == "deposit"


async def test_conversions_settings_and_unlinked_deposits(sim, rest):
    account = sim.add_account()
    assert (await rest(sim, account, "auth/w/ext/pay/settings/convert/create",
                       {"baseCcy": "BTC", "convertCcy": "USD"}))[1] is True
    _, conversions = await rest(sim, account, "auth/r/ext/pay/settings/convert/list")
    assert conversions == [{"baseCcy": "BTC", "convertCcy": "USD", "created": sim.market.now_ms}]
    assert (await rest(sim, account, "auth/w/ext/pay/settings/convert/remove",
                       {"baseCcy": "BTC", "convertCcy": "USD"}))[1] is True
    assert (await rest(sim, account, "auth/r/ext/pay/settings/convert/list"))[1] == []
    assert (await rest(sim, account, "auth/w/ext/pay/settings/set",
                       {"key": "bfx_pay_merchant_name", "val": "Shop"}))[1] is True
    assert (await rest(sim, account, "auth/r/ext/pay/settings/get", {"key": "bfx_pay_merchant_name"}))[1] == "Shop"
    _, listed = await rest(sim, account, "auth/r/ext/pay/settings/list", {"keys": ["bfx_pay_merchant_name"]})
    assert listed == {"bfx_pay_merchant_name": "Shop"}
    sim.add_unlinked_deposit(account, "BTC", 0.01)
    _, unlinked = await rest(sim, account, "/auth/r/ext/pay/deposits/unlinked", {"ccy": "BTC"})
    assert len(unlinked) == 1 and set(unlinked[0]) == {"id", "method", "currency", "createdAt", "updatedAt",
                                                      "amount", "fee", "txid", "address", "paymentId", "status",
                                                      "note"}
    _, same = await rest(sim, account, "auth/r/ext/pay/deposits/unlinked", {"ccy": "BTC"})
    assert same == unlinked
