"""A reconnection storm against Bitfinex's real handshake limit: how long recovery takes, and how many handshakes
the server refuses (HTTP 429) while every connection of a client is dropped again and again.

The simulator runs with Bitfinex's limit (20 handshakes per IP per 60 s, then 429 for 60 s); the client (3 public
connections carrying 60 subscriptions, and the authenticated connection) runs with its default options: the
governor shared by the public and authenticated connections, the default backoff. Every connection is dropped
every ``--interval`` seconds during ``--storm`` seconds; then the script measures the time until every
subscription is confirmed again and the account is authenticated.

    python3 benchmarks/reconnect_storm.py [--runs 3] [--storm 20] [--interval 2]

Prints a Markdown table: per run, drops, handshakes made and refused, and recovery time; then the medians.
"""

import argparse
import asyncio
import statistics
import time

from bfxapi import Client
from bfxapi.testing import Simulator

CANDLES = [f"trade:{tf}:{s}" for s in ("tBTCUSD", "tETHUSD", "tETHBTC", "tTESTBTC:TESTUSD", "tBTCF0:USTF0")
           for tf in ("1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "14D", "1M")]  # fmt: skip


async def one_run(storm: float, interval: float) -> dict[str, float]:
    async with Simulator(seed=1, market_interval=0.25) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        async with Client(account.api_key, account.api_secret, **sim.client_kwargs(), log_level="ERROR") as bfx:
            await bfx.wss.connect(connections=3)
            for key in CANDLES[:60]:
                await bfx.wss.subscribe("candles", key=key)
            drops = 0
            ends = time.monotonic() + storm
            while time.monotonic() < ends:
                await sim.drop()
                drops += 1
                await asyncio.sleep(interval)  # the storm's own pace, not a wait for a condition

            started = time.monotonic()

            def recovered() -> bool:
                restored = sum(len(c.subscriptions) for c in sim.connections if c.open)
                return restored == 60 and bfx.wss.authentication

            await sim.wait_for(recovered, timeout=600)
            return {
                "drops": drops,
                "handshakes": len(sim.connections),
                "refused": sim.handshakes_refused,
                "recovery": time.monotonic() - started,
            }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--storm", type=float, default=20.0, help="seconds of drops")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between drops")
    args = parser.parse_args()
    results = [await one_run(args.storm, args.interval) for _ in range(args.runs)]
    print("| run | drops | handshakes | refused (429) | recovery after the last drop |")
    print("|---|---|---|---|---|")
    for number, result in enumerate(results, 1):
        print(f"| {number} | {result['drops']:.0f} | {result['handshakes']:.0f} | {result['refused']:.0f} | "
              f"{result['recovery']:.1f} s |")
    print(f"| median | | | {statistics.median(r['refused'] for r in results):.0f} | "
          f"{statistics.median(r['recovery'] for r in results):.1f} s |")


if __name__ == "__main__":
    asyncio.run(main())
