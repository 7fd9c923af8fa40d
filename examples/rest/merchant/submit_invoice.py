"""Bitfinex Pay invoices: create one, mark it paid, then list invoices (all of them, and one page).

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/merchant/submit_invoice.py
(BFX_REST_HOST selects another server, e.g. the simulator). The key needs the Bitfinex Pay permission.
"""

import asyncio
import os

from bfxapi import REST_HOST, Client

CUSTOMER = {
    "nationality": "DE", "resid_country": "DE", "resid_city": "Berlin", "resid_zip_code": "10115",
    "resid_street": "Example Street 1", "full_name": "Jane Doe", "email": "jane.doe@example.com",
}


async def main() -> None:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
    ) as bfx:
        invoice = await bfx.rest.merchant.submit_invoice(
            1.0, "USD", "order-0001", CUSTOMER, ["ETH"], duration=86400
        )
        print(f"invoice {invoice.id}: {invoice.amount} {invoice.currency}, {invoice.status}")
        for line in invoice.invoices or []:
            print(f"  pay {line.amount} {line.pay_currency} to {line.address}")

        assert invoice.id is not None
        completed = await bfx.rest.merchant.complete_invoice(invoice.id, "ETH")
        print(f"after complete_invoice: {completed.status}")

        invoices = await bfx.rest.merchant.get_invoices(limit=25)
        print(f"{len(invoices)} invoice(s), e.g. {invoices[0].order_id}: {invoices[0].status}")

        page = await bfx.rest.merchant.get_invoices_paginated(page=1, page_size=60, sort="asc", sort_field="t")
        print(f"page {page.page} of {page.total_pages}: {len(page.items or [])} of {page.total_items} invoice(s)")


if __name__ == "__main__":
    asyncio.run(main())
