"""REST load from our process: ``--impl floor`` (one aiohttp ClientSession, GET/POST + ``json.loads``),
``floor-orjson`` (the same with ``orjson.loads``, the decoder ours uses when orjson is installed),
``floor-pool100`` (``floor`` with aiohttp's default pool of 100 connections, as the floor was until it took
ours' pool), ``ours``
(BfxRestInterface with its defaults, client-side rate limiting off), ``ours-pool32`` (the same with
``connection_limit=32``) or ``ours-decimal`` (``ours`` in decimal mode, ``decimal=True``).

The floors' connection pool is ours' default (10 connections), so that the two sides queue alike at concurrency 32
(aiohttp's own default, 100, would let the floor open 32); ``--limit N`` sets both."""

import asyncio
import cProfile
import hashlib
import hmac
import json
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import orjson

# The checkout this script lives in, not whatever bfxapi is installed (an editable install of another tree).
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import _meter  # noqa: E402
import _restload as rl  # noqa: E402
from bfxapi.rest import BfxRestInterface  # noqa: E402


#: BfxRestInterface's default connection_limit
OUR_DEFAULT_POOL = 10


def floor_calls(session: aiohttp.ClientSession, base: str, loads: Callable[[bytes], Any] = json.loads
                ) -> dict[str, Callable[[], Awaitable[Any]]]:
    lock = asyncio.Lock()
    last = [0]

    async def get(path: str) -> Any:
        async with session.get(base + path) as response:
            return loads(await response.read())

    async def wallets() -> Any:
        # Nonces must arrive in order: sign and send under a lock until the answer's headers are in.
        async with lock:
            nonce = last[0] = max(last[0] + 1, time.time_ns() // 1000)
            body = b"{}"
            message = f"/api/v2/auth/r/wallets{nonce}".encode() + body
            signature = hmac.new(rl.API_SECRET.encode(), message, hashlib.sha384).hexdigest()
            headers = {"bfx-nonce": str(nonce), "bfx-apikey": rl.API_KEY, "bfx-signature": signature,
                       "Content-Type": "application/json"}
            response = await session.post(base + "/auth/r/wallets", data=body, headers=headers)
        async with response:
            data = loads(await response.read())
            if response.status != 200:
                raise RuntimeError(str(data))
            return data

    return {
        "ticker": lambda: get("/ticker/tBTCUSD"),
        "book": lambda: get("/book/tBTCUSD/P0?len=25"),
        "candles": lambda: get("/candles/trade:1m:tBTCUSD/hist"),
        "wallets": wallets,
        "candles10k": lambda: get("/candles/trade:1m:tBTC10K/hist?limit=10000"),
    }


def our_calls(rest: "BfxRestInterface[Any]") -> dict[str, Callable[[], Awaitable[Any]]]:
    return {
        "ticker": lambda: rest.public.get_t_ticker("tBTCUSD"),
        "book": lambda: rest.public.get_t_book("tBTCUSD", "P0", len=25),
        "candles": lambda: rest.public.get_candles_hist("tBTCUSD", "1m"),
        "wallets": rest.auth.get_wallets,
        "candles10k": lambda: rest.public.get_candles_hist("tBTC10K", "1m", limit=10000),
    }


async def main() -> None:
    args = rl.args(__doc__ or "")
    base = f"http://127.0.0.1:{args.port}/v2"
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    if args.impl.startswith("floor"):
        loads = orjson.loads if args.impl == "floor-orjson" else json.loads
        pool = args.limit or (100 if args.impl == "floor-pool100" else OUR_DEFAULT_POOL)
        # ours' pool and keep-alive (30 s), so that only what the client does per request differs
        connector = aiohttp.TCPConnector(limit=pool, limit_per_host=pool, keepalive_timeout=30.0)
        async with aiohttp.ClientSession(connector=connector) as session:
            call = floor_calls(session, base, loads)[args.endpoint]
            result = await rl.run_async(call, args.concurrency, args.warmup, args.duration)
    else:
        limit = args.limit or (32 if args.impl == "ours-pool32" else OUR_DEFAULT_POOL)
        mode: dict[str, Any] = {"decimal": args.impl == "ours-decimal"}
        rest = BfxRestInterface(base, rl.API_KEY, rl.API_SECRET, rate_limits=None, connection_limit=limit, **mode)
        try:
            call = our_calls(rest)[args.endpoint]
            result = await rl.run_async(call, args.concurrency, args.warmup, args.duration)
        finally:
            await rest.close()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    _meter.emit(result)


if __name__ == "__main__":
    asyncio.run(main())
