"""Wallets over the authenticated WebSocket, with ``filters=["wallet"]``: the snapshot, then updates.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/websocket/auth/wallets.py
(BFX_WSS_HOST selects another server, e.g. the simulator). Prints the snapshot and one update, or stops after 15 s.
"""

import asyncio
import os
import sys

from bfxapi import WSS_HOST, Client
from bfxapi.types import Wallet


async def main() -> int:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        filters=["wallet"],  # the account channel sends wallet events only
        wss_host=os.environ.get("BFX_WSS_HOST", WSS_HOST),
    ) as bfx:
        snapshot, updated = asyncio.Event(), asyncio.Event()

        @bfx.wss.on("wallet_snapshot")
        def on_wallet_snapshot(wallets: list[Wallet]) -> None:
            for wallet in wallets:
                print(f"{wallet.wallet_type:>8} {wallet.currency:<6} {wallet.balance}")
            snapshot.set()

        @bfx.wss.on("wallet_update")
        def on_wallet_update(wallet: Wallet) -> None:
            print(f"update: {wallet.wallet_type} {wallet.currency} is now {wallet.balance}")
            updated.set()

        async def session() -> None:
            await bfx.wss.connect()
            await snapshot.wait()
            # Ask for a fresh value of one wallet: it arrives as a wallet_update
            await bfx.wss.inputs.calc("wallet_exchange_USD")
            await updated.wait()

        try:  # 15 s in all, connecting included (connect() alone retries for up to 15 min: Client(timeout=...))
            await asyncio.wait_for(session(), timeout=15)
        except asyncio.TimeoutError:
            if not bfx.wss.open:
                print("stopped after 15 s: not connected to the server", file=sys.stderr)
                return 1
            print("no wallet update within 15 s")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
