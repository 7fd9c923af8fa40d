"""Claim every active margin position (turn it into wallet funds), after listing it.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/auth/claim_position.py
(BFX_REST_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
    ) as bfx:
        positions = await bfx.rest.auth.get_positions()
        print(f"{len(positions)} active position(s)")
        for position in positions:
            print(f"position #{position.position_id}: {position.amount} {position.symbol} at {position.base_price}")
            notification = await bfx.rest.auth.claim_position(position.position_id)
            claim = notification.data
            print(f"  claim: {notification.status} ({notification.text}); {claim.symbol} is {claim.position_status}")


if __name__ == "__main__":
    asyncio.run(main())
