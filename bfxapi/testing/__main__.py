"""``python -m bfxapi.testing``: serve the simulator until interrupted."""

import argparse
import asyncio
from typing import List, Optional

from .market import DEFAULT_SYMBOLS
from .simulator import Simulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bfxapi.testing",
                                     description="A local Bitfinex (WebSocket and REST, public and authenticated) "
                                                 "for offline tests.")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765, 0 = ephemeral)")
    parser.add_argument("--seed", default="0", help="market seed (default 0)")
    parser.add_argument("--symbols", default=",".join(DEFAULT_SYMBOLS), help="comma-separated symbols")
    parser.add_argument("--market-interval", type=float, default=0.25, help="seconds between market steps")
    parser.add_argument("--heartbeat-interval", type=float, default=15.0, help="seconds between heartbeats")
    parser.add_argument("--no-rate-limits", action="store_true",
                        help="disable the connection-rate and REST rate limits")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    sim = Simulator(seed=args.seed, symbols=[s for s in args.symbols.split(",") if s], host=args.host,
                    port=args.port, market_interval=args.market_interval,
                    heartbeat_interval=args.heartbeat_interval,
                    connection_limit=None if args.no_rate_limits else 20,
                    rest_rate_limits=None if args.no_rate_limits else {})
    async with sim:
        print(f"WebSocket: {sim.wss_host}", flush=True)
        print(f"REST:      {sim.rest_host}", flush=True)
        demo = sim.demo_account
        if demo is not None:
            print(f"Demo account (user id {demo.user_id}):", flush=True)
            print(f"  API key:    {demo.api_key}", flush=True)
            print(f"  API secret: {demo.api_secret}", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        await asyncio.Event().wait()


def main(argv: Optional[List[str]] = None) -> None:
    """Entry point of the CLI."""
    args = _parser().parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
