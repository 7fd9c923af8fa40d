"""Funding loans: list the active fUSD loans and stop keeping them open (``keep funding`` off).

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/auth/toggle_keep_funding.py
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
        loans = await bfx.rest.auth.get_funding_loans(symbol="fUSD")
        print(f"{len(loans)} active fUSD loan(s)")
        for loan in loans:
            print(f"  loan #{loan.id}: {loan.amount} USD at {loan.rate} for {loan.period} days")
        if not loans:
            return

        # changes: 1 keeps a loan open when its period ends, 2 lets it close
        notification = await bfx.rest.auth.toggle_keep_funding(
            "loan", ids=[loan.id for loan in loans], changes={loan.id: 2 for loan in loans}
        )
        print(f"keep funding: {notification.status}: {notification.text}")


if __name__ == "__main__":
    asyncio.run(main())
