"""Bitfinex Pay (merchant) settings: set one, read one, read several at once.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/merchant/settings.py
(BFX_REST_HOST selects another server, e.g. the simulator). The key needs the Bitfinex Pay permission.
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
    ) as bfx:
        if await bfx.rest.merchant.set_merchant_settings("bfx_pay_recommend_store", 1):
            print("bfx_pay_recommend_store set to 1")

        fiat = await bfx.rest.merchant.get_merchant_settings("bfx_pay_preferred_fiat")
        print(f"bfx_pay_preferred_fiat: {fiat}")

        settings = await bfx.rest.merchant.list_merchant_settings(
            ["bfx_pay_dust_balance_ui", "bfx_pay_merchant_customer_support_url", "bfx_pay_recommend_store"]
        )
        for key, value in settings.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    asyncio.run(main())
