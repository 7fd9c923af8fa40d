"""Configuration endpoints (``conf``): lists of pairs and currencies, and currency maps.

Run: python examples/rest/public/conf.py  (BFX_REST_HOST selects another server, e.g. the simulator)
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(rest_host=os.environ.get("BFX_REST_HOST", REST_HOST)) as bfx:
        # Derivatives currencies and the currency they settle in, e.g. ["BTCF0", "BTC"]
        currency_map = await bfx.rest.public.conf("pub:map:currency:sym")
        print("pub:map:currency:sym:", dict(currency_map))

        pairs = await bfx.rest.public.conf("pub:list:pair:exchange")
        print(f"pub:list:pair:exchange: {len(pairs)} pairs, e.g. {', '.join(pairs[:5])}")

        currencies = await bfx.rest.public.conf("pub:list:currency")
        print(f"pub:list:currency: {len(currencies)} currencies, e.g. {', '.join(currencies[:5])}")


if __name__ == "__main__":
    asyncio.run(main())
