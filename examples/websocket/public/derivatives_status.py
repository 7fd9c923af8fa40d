"""Status of a perpetual swap (prices, funding, open interest) over the WebSocket: 5 updates, or stops after 15 s.

Run: python examples/websocket/public/derivatives_status.py  (BFX_WSS_HOST selects another server)
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client
from bfxapi.types import DerivativesStatus
from bfxapi.websocket import subscriptions

UPDATES = 5


async def main() -> int:
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

        async def session() -> None:
            await bfx.wss.connect()
            await bfx.wss.subscribe("status", key="deriv:tBTCF0:USTF0")
            await done.wait()

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print(f"stopped after 15 s with {len(received)} update(s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
