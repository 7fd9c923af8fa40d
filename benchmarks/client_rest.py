"""REST load from our process: ``--impl floor`` (one aiohttp ClientSession, GET/POST + json decode),
``ours`` (BfxRestInterface with its defaults, client-side rate limiting off), ``ours-pool32``
(the same with ``connection_limit=32``) or ``ours-decimal`` (``ours`` in decimal mode, ``decimal=True``)."""

import asyncio
import hashlib
import hmac
import json
import time
from typing import Any, Awaitable, Callable

import aiohttp

import _meter
import _restload as rl
from bfxapi.rest import BfxRestInterface


def floor_calls(session: aiohttp.ClientSession, base: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    lock = asyncio.Lock()
    last = [0]

    async def get(path: str) -> Any:
        async with session.get(base + path) as response:
            return json.loads(await response.read())

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
            data = json.loads(await response.read())
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
    if args.impl == "floor":
        async with aiohttp.ClientSession() as session:
            call = floor_calls(session, base)[args.endpoint]
            result = await rl.run_async(call, args.concurrency, args.warmup, args.duration)
    else:
        limit = 32 if args.impl == "ours-pool32" else 10
        mode: dict[str, Any] = {"decimal": args.impl == "ours-decimal"}
        rest = BfxRestInterface(base, rl.API_KEY, rl.API_SECRET, rate_limits=None, connection_limit=limit, **mode)
        try:
            call = our_calls(rest)[args.endpoint]
            result = await rl.run_async(call, args.concurrency, args.warmup, args.duration)
        finally:
            await rest.close()
    _meter.emit(result)


if __name__ == "__main__":
    asyncio.run(main())
