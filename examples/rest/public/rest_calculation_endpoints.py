"""Calculation endpoints: the average price of a market order, the average rate of taking funding, an FX rate.

Run: python examples/rest/public/rest_calculation_endpoints.py  (BFX_REST_HOST selects another server)
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(rest_host=os.environ.get("BFX_REST_HOST", REST_HOST)) as bfx:
        # Buying 1.5 BTC at market: the average price it would pay, and how much the book holds
        trading = await bfx.rest.public.get_trading_market_average_price("tBTCUSD", "1.5", price_limit="1000000")
        print(f"buying 1.5 BTC: average price {trading.price_avg} for {trading.amount} BTC")

        # Taking 10 000 USD of funding offers for 2 days: the average daily rate
        funding = await bfx.rest.public.get_funding_market_average_price("fUSD", "10000", 2, rate_limit="0.01")
        print(f"taking 10000 USD for 2 days: average daily rate {funding.rate_avg} for {funding.amount} USD")

        fx_rate = await bfx.rest.public.get_fx_rate("BTC", "USD")
        print(f"1 BTC = {fx_rate.current_rate} USD")


if __name__ == "__main__":
    asyncio.run(main())
