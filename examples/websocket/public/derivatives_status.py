"""Status of a perpetual swap (prices, funding, open interest) over the WebSocket: prints 5 updates.

Run: python examples/websocket/public/derivatives_status.py  (BFX_WSS_HOST selects another server)
"""

import asyncio
import os

from bfxapi import WSS_HOST, Client
from bfxapi.types import DerivativesStatus
from bfxapi.websocket import subscriptions

UPDATES = 5


async def main() -> None:
    async with Client(wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST)) as bfx:
        received: list[DerivativesStatus] = []
        done = asyncio.Event()

        @bfx.wss.on("derivatives_status_update")
        def on_derivatives_status_update(subscription: subscriptions.Status, status: DerivativesStatus) -> None:
            print(f"{subscription['key']}: price {status.deriv_price}, spot {status.spot_price}, "
                  f"mark {status.mark_price}, funding {status.current_funding}, open interest {status.open_interest}")
            received.append(status)
            if len(received) == UPDATES:
                done.set()

        await bfx.wss.connect()
        await bfx.wss.subscribe("status", key="deriv:tBTCF0:USTF0")
        try:
            await asyncio.wait_for(done.wait(), timeout=15)
        except asyncio.TimeoutError:
            print(f"stopped after 15 s with {len(received)} update(s)")


if __name__ == "__main__":
    asyncio.run(main())
