"""Funding: offer 200 USD for 2 days at 0.1 % a day, list the active offers, then cancel it.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/auth/submit_funding_offer.py
(BFX_REST_HOST selects another server). Bitfinex's minimum offer is 150 USD or its equivalent.
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
    ) as bfx:
        notification = await bfx.rest.auth.submit_funding_offer("LIMIT", "fUSD", "200", "0.001", 2)
        print(f"offer: {notification.status}: {notification.text}")
        if notification.status != "SUCCESS":
            return
        offer = notification.data

        for active in await bfx.rest.auth.get_funding_offers(symbol="fUSD"):
            print(f"active offer #{active.id}: {active.amount} {active.symbol} at {active.rate} "
                  f"for {active.period} days ({active.offer_status})")

        cancel = await bfx.rest.auth.cancel_funding_offer(offer.id)
        print(f"cancel #{offer.id}: {cancel.status}: {cancel.text}")


if __name__ == "__main__":
    asyncio.run(main())
