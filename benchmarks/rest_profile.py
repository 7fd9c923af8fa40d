"""Where a public REST request's client-side cost goes, layer by layer, against rest_server.py in its own process.

Each variant is a loop of requests for the same answer (sequential, or ``--concurrency N`` tasks sharing the
requests), from the bare floor to the full endpoint method; the difference between two neighbours is what the
layer between them costs:

* ``floor``: ``async with session.get(url)`` + ``orjson.loads`` (client_rest.py's ``floor-orjson``);
* ``aiohttp``: aiohttp called as our transport calls it (our session's default headers, timeout, no redirects);
* ``transport``: ``AiohttpTransport.send`` + ``read`` + ``orjson.loads``;
* ``middleware``: ``Middleware.get`` (limiter, counters, timeouts, JSON decoding and error checks);
* ``endpoint``: the public endpoint method (arguments checked, rows parsed into typed objects).

Prints CPU µs per request for each (median of ``--rounds``). For exact instruction counts, unaffected by other load,
run one variant under callgrind, collecting only inside the measured loop (``functools.reduce`` wraps it)::

    PYTHONHASHSEED=0 valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \\
        "$(python3 -c 'import sys; print(sys.executable)')" benchmarks/rest_profile.py --variants middleware \\
        --endpoint book --requests 500 --rounds 1

(the interpreter itself, not a wrapper script such as pyenv's; instructions per request: the total over
``--requests``; the server is not traced). Instructions per request when this was written (issue #20, round 4),
floor / endpoint at concurrency 1 and 32: ticker 335k / 371k and 349k / 385k, book 381k / 572k and 394k / 586k
(about 132k of them the 50 typed rows), candles 592k / 1,127k and 606k / 1,142k (about 448k the 120 rows).

    python3 benchmarks/rest_profile.py [--endpoint book|ticker|candles] [--variants floor,middleware,endpoint]
                                       [--requests 2000] [--rounds 5] [--concurrency 1]

Instructions count what runs in the process, not the kernel's share of the CPU time (sockets, epoll: about a fifth
of it here, the same calls for the floor and ours). At concurrency 32 the floor's CPU time per request falls by a
third (one turn of the event loop reads many answers) while the instructions per request barely move.
"""

import argparse
import asyncio
import functools
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import orjson

# The checkout this script lives in, not whatever bfxapi is installed (an editable install of another tree).
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import _procs  # noqa: E402
from bfxapi.rest import BfxRestInterface  # noqa: E402
from bfxapi.rest._interface.transport import DEFAULT_HEADERS, AiohttpTransport, RestRequest  # noqa: E402

VARIANTS = ("floor", "aiohttp", "transport", "middleware", "endpoint")
#: per endpoint: the path after /v2, the query, the rate-limit group, the endpoint call
ENDPOINTS: dict[str, tuple[str, dict[str, Any], str, Callable[[Any], Awaitable[Any]]]] = {
    "book": ("book/tBTCUSD/P0", {"len": "25"}, "book", lambda rest: rest.public.get_t_book("tBTCUSD", "P0", len=25)),
    "ticker": ("ticker/tBTCUSD", {}, "ticker", lambda rest: rest.public.get_t_ticker("tBTCUSD")),
    "candles": ("candles/trade:1m:tBTCUSD/hist", {}, "candles",
                lambda rest: rest.public.get_candles_hist("tBTCUSD", "1m")),
}


def calls(base: str, endpoint: str, floor_session: aiohttp.ClientSession, our_session: aiohttp.ClientSession,
          rest: "BfxRestInterface[Any]") -> dict[str, Callable[[], Awaitable[Any]]]:
    path, query, group, endpoint_call = ENDPOINTS[endpoint]
    url = f"{base}/{path}" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    middleware = rest._middleware  # pylint: disable=protected-access
    transport = middleware.transport
    assert isinstance(transport, AiohttpTransport)
    timeout = aiohttp.ClientTimeout(total=transport.timeout, connect=10.0)

    async def floor() -> Any:
        async with floor_session.get(url) as response:
            return orjson.loads(await response.read())

    async def as_transport_calls_it() -> Any:
        response = await our_session.request("GET", url, headers={}, allow_redirects=False, timeout=timeout, ssl=True)
        try:
            return orjson.loads(await response.read())
        finally:
            response.release()

    async def through_transport() -> Any:
        request = RestRequest("GET", f"{base}/{path}", path, query, {}, None, transport.timeout)
        reply = await transport.send(request)
        return orjson.loads(await reply.read())

    return {
        "floor": floor,
        "aiohttp": as_transport_calls_it,
        "transport": through_transport,
        "middleware": lambda: middleware.get(path, query, group=group),
        "endpoint": lambda: endpoint_call(rest),
    }


def measure(port: int, args: argparse.Namespace) -> None:
    base = f"http://127.0.0.1:{port}/v2"
    loop = asyncio.new_event_loop()

    async def setup() -> tuple[aiohttp.ClientSession, aiohttp.ClientSession, "BfxRestInterface[Any]"]:
        def connector() -> aiohttp.TCPConnector:
            return aiohttp.TCPConnector(limit=10, limit_per_host=10, keepalive_timeout=30.0)

        return (aiohttp.ClientSession(connector=connector()),
                aiohttp.ClientSession(connector=connector(), headers=DEFAULT_HEADERS),
                BfxRestInterface(base, rate_limits=None))

    async def sequence(call: Callable[[], Awaitable[Any]], count: int) -> None:
        for _ in range(count):
            await call()

    async def run(call: Callable[[], Awaitable[Any]], count: int) -> None:
        if args.concurrency == 1:
            await sequence(call, count)
        else:  # the requests shared out among the tasks: the same total
            share, left = divmod(count, args.concurrency)
            await asyncio.gather(*(sequence(call, share + (1 if task < left else 0))
                                   for task in range(args.concurrency)))

    floor_session, our_session, rest = loop.run_until_complete(setup())
    try:
        table = calls(base, args.endpoint, floor_session, our_session, rest)
        for name in args.variants:
            call = table[name]
            loop.run_until_complete(run(call, 200))  # connections opened, caches warm
            seconds = []
            for _ in range(args.rounds):
                # The garbage collector stays out: where a collection falls is chance, not the code.
                gc.collect()
                gc.disable()
                started = time.process_time()
                # functools.reduce: a C function around the measured loop alone, for callgrind's --toggle-collect
                functools.reduce(lambda _, __: loop.run_until_complete(run(call, args.requests)), [0], None)
                seconds.append(time.process_time() - started)
                gc.enable()
            print(f"{args.endpoint:8} {name:11} c={args.concurrency:<3} "
                  f"{statistics.median(seconds) / args.requests * 1e6:7.1f} µs/req "
                  f"(median of {args.rounds} rounds of {args.requests:,}; fastest "
                  f"{min(seconds) / args.requests * 1e6:.1f})", flush=True)
    finally:
        loop.run_until_complete(floor_session.close())
        loop.run_until_complete(our_session.close())
        loop.run_until_complete(rest.close())
        loop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", choices=tuple(ENDPOINTS), default="book")
    parser.add_argument("--variants", type=lambda text: tuple(v for v in text.split(",") if v), default=VARIANTS)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    unknown = set(args.variants) - set(VARIANTS)
    if args.concurrency < 1 or args.requests < args.concurrency:
        parser.error("--concurrency must be at least 1 and at most --requests")
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))} (known: {', '.join(VARIANTS)})")
    with _procs.Server("rest_server.py", []) as server:
        measure(server.port, args)


if __name__ == "__main__":
    main()
