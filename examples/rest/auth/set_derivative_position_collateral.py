"""Derivatives: open a position on a perpetual swap, then set the collateral it holds within its limits.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/auth/set_derivative_position_collateral.py
(BFX_REST_HOST selects another server). It buys 0.015 BTCF0 at market (a real trade on a real account).
"""

import asyncio
import os

from bfxapi import REST_HOST, Client

SYMBOL = "tBTCF0:USTF0"


async def main() -> None:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
    ) as bfx:
        # Derivatives orders are margin orders (no "EXCHANGE" prefix); lev sets the leverage
        notification = await bfx.rest.auth.submit_order("MARKET", SYMBOL, "0.015", None, lev=10)
        print(f"order: {notification.status}: {notification.text}")
        for position in await bfx.rest.auth.get_positions():
            if position.symbol == SYMBOL:
                print(f"position: {position.amount} at {position.base_price}, collateral {position.collateral}")

        limits = await bfx.rest.auth.get_derivative_position_collateral_limits(SYMBOL)
        print(f"collateral limits: min {limits.min_collateral}, max {limits.max_collateral}")

        collateral = round(limits.min_collateral * 1.5, 2)
        result = await bfx.rest.auth.set_derivative_position_collateral(SYMBOL, collateral)
        print(f"set collateral to {collateral}: status {result.status} (1 = done)")


if __name__ == "__main__":
    asyncio.run(main())
