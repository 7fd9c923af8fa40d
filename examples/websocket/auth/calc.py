"""Ask Bitfinex for fresh margin and funding figures (``calc``) and print them as they arrive.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/websocket/auth/calc.py
(BFX_WSS_HOST selects another server, e.g. the simulator). Stops once the three answers are in (or 15 s).
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client
from bfxapi.types import BaseMarginInfo, FundingInfo, SymbolMarginInfo


async def main() -> int:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST),
    ) as bfx:
        answers: set[str] = set()
        done = asyncio.Event()

        def answered(name: str) -> None:
            answers.add(name)
            if len(answers) == 3:
                done.set()

        @bfx.wss.on("base_margin_info")
        def on_base_margin_info(data: BaseMarginInfo) -> None:
            print(f"base margin: balance {data.margin_balance}, net {data.margin_net}, P/L {data.user_pl}")
            answered("base")

        @bfx.wss.on("symbol_margin_info")
        def on_symbol_margin_info(data: SymbolMarginInfo) -> None:
            print(f"{data.symbol} margin: tradable {data.tradable_balance}, buy {data.buy}, sell {data.sell}")
            answered("symbol")

        @bfx.wss.on("funding_info_update")
        def on_funding_info_update(data: FundingInfo) -> None:
            print(f"{data.symbol} funding: lending yield {data.yield_lend}, loan yield {data.yield_loan}")
            answered("funding")

        async def session() -> None:
            await bfx.wss.connect()  # authenticates, since the client has keys
            await bfx.wss.inputs.calc("margin_base", "margin_sym_tBTCUSD", "funding_sym_fUSD")
            await done.wait()

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print(f"stopped after 15 s with {len(answers)} of 3 answers")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
