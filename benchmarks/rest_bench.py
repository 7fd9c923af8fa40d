"""REST: requests/s and p50/p99 latency for ticker, book, candles (public), wallets (signed) and a 10,000-candle
history (candles10k), at concurrency 1 and 32, for the floor (bare aiohttp), ours, ours in decimal mode, and the
official 4.0.0 client (requests, in a pool of 32 threads at concurrency 32; not on candles10k). Server:
rest_server.py, a raw asyncio HTTP server with canned rows, in its own process; its CPU use during each
measurement is reported. Then the decoding alone of the 10,000-candle history, in one process (rest_decode.py):
float and decimal mode against json.loads and orjson.loads, measured in the same run.

    python3 benchmarks/rest_bench.py [--runs 3] [--duration 1.5] [--endpoints candles10k] [--impls floor,ours]
                                     [--concurrency 1] [--decode-rounds 30] [--no-load]
"""

import argparse
import json
import sys
import time
import urllib.request
from typing import Any, Callable

import _procs
import _report as rp
from _official_env import official_python

ENDPOINTS = ("ticker", "book", "candles", "wallets", "candles10k")
CONCURRENCY = (1, 32)
IMPLS = ("floor", "floor-pool100", "floor-orjson", "ours", "ours-pool32", "ours-decimal", "official")
#: implementations only run at concurrency 32 (at concurrency 1 a pool's size makes no difference)
_POOL_VARIANTS = ("floor-pool100", "ours-pool32")
#: endpoints the official client is not run on (it has no limit parameter for a 10,000-row page)
_NOT_OFFICIAL = ("candles10k",)


def _server_cpu(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=5) as answer:
        stats: dict[str, float] = json.loads(answer.read())
    return stats["cpu_s"]


def run_one(server: _procs.Server, official: str, impl: str, endpoint: str, concurrency: int,
            duration: float) -> dict[str, Any]:
    args = ["--port", str(server.port), "--endpoint", endpoint, "--concurrency", str(concurrency),
            "--duration", str(duration)]
    before = _server_cpu(server.port)
    if impl == "official":
        result = _procs.run_client(official, "client_rest_official.py", args, duration + 60)
    else:
        result = _procs.run_client(_procs.OURS_PYTHON, "client_rest.py", [*args, "--impl", impl], duration + 60)
    result["server_cpu_util"] = (_server_cpu(server.port) - before) / (duration + 0.3)
    return result


def measure(runs: int, duration: float, progress: Callable[[str], None], endpoints: tuple[str, ...] = ENDPOINTS,
            impls: tuple[str, ...] = IMPLS, concurrencies: tuple[int, ...] = CONCURRENCY
            ) -> dict[str, list[dict[str, Any]]]:
    official = official_python() if "official" in impls else ""
    results: dict[str, list[dict[str, Any]]] = {}
    for run in range(runs):
        with _procs.Server("rest_server.py", []) as server:
            for endpoint in endpoints:
                for concurrency in concurrencies:
                    for impl in impls:
                        if impl in _POOL_VARIANTS and concurrency == 1:
                            continue
                        if impl == "official" and endpoint in _NOT_OFFICIAL:
                            continue
                        result = run_one(server, official, impl, endpoint, concurrency, duration)
                        results.setdefault(f"{endpoint}|{concurrency}|{impl}", []).append(result)
                        progress(f"run {run + 1}/{runs} {endpoint:8} c={concurrency:<3} {impl:12} "
                                 f"{rp.fmt(result.get('req_per_s'))} req/s {result.get('error', '')}")
    return results


def render(results: dict[str, list[dict[str, Any]]], runs: int, duration: float) -> str:
    headers = ["endpoint", "conc.", "client", "req/s", "p50 ms", "p99 ms", "errors", "CPU µs/req", "vs floor",
               "vs floor-orjson", "ours/official", "decimal/float", "server CPU"]
    rows = []
    for endpoint in ENDPOINTS:
        for concurrency in CONCURRENCY:
            def get(impl: str, key: str) -> Any:
                return rp.pick(results.get(f"{endpoint}|{concurrency}|{impl}", []), key)

            floor, official, ours = get("floor", "req_per_s"), get("official", "req_per_s"), get("ours", "req_per_s")
            floor_orjson = get("floor-orjson", "req_per_s")
            first = True
            for impl in IMPLS:
                runs_ = results.get(f"{endpoint}|{concurrency}|{impl}")
                if not runs_:
                    continue
                rate = get(impl, "req_per_s")
                cpu = get(impl, "server_cpu_util")
                rows.append([
                    endpoint if first else "",
                    str(concurrency) if first else "",
                    impl + rp.errors(runs_),
                    rp.fmt(rate),
                    rp.fmt(get(impl, "p50_ms"), 2),
                    rp.fmt(get(impl, "p99_ms"), 2),
                    rp.fmt(get(impl, "errors")),
                    rp.fmt(get(impl, "cpu_us_per_req")),
                    rp.ratio(rate, floor),
                    rp.ratio(rate, floor_orjson) if floor_orjson else "",
                    rp.ratio(rate, official) if impl.startswith("ours") else "",
                    rp.ratio(rate, ours) if impl == "ours-decimal" else "",
                    f"{cpu:.0%}" if cpu is not None else "n/a",
                ])
                first = False
    return "\n\n".join([
        f"REST: {duration:g} s of load per cell after 0.3 s warm-up, median of {runs} runs; {rp.machine()}",
        rp.table(headers, rows),
        "errors: failed requests per run (official at concurrency 32 on wallets: nonces out of order, 10114); "
        "CPU µs/req: the client process's CPU time (user + system) per request over the window, steadier than req/s "
        "on a shared machine; floors: aiohttp with ours' pool (10 connections) and keep-alive, json.loads or "
        "orjson.loads; decimal/float: ours-decimal against ours in the same run",
    ])


def measure_decode(runs: int, rounds: int, progress: Callable[[str], None]) -> list[dict[str, Any]]:
    """rest_decode.py in ``runs`` fresh processes."""
    out = []
    for run in range(runs):
        result = _procs.run_client(_procs.OURS_PYTHON, "rest_decode.py", ["--rounds", str(rounds)], 300)
        out.append(result)
        progress(f"decode run {run + 1}/{runs}: {result.get('error', 'done')}")
    return out


def render_decode(results: list[dict[str, Any]], rounds: int) -> str:
    good = [result for result in results if "error" not in result]
    if not good:
        return f"REST decoding: every run failed ({results[0].get('error') if results else 'no run'})"
    names = list(good[0]["variants"])

    def median_ms(name: str) -> Any:
        return rp.median(result["variants"][name]["median_ms"] for result in good)

    floor, ours = median_ms("floor-json"), median_ms("ours")
    rows = []
    for name in names:
        ms = median_ms(name)
        rows.append([name, rp.fmt(ms, 2), rp.fmt(10_000 / ms * 1000 if ms else None), rp.ratio(floor, ms),
                     rp.ratio(ours, ms) if name.startswith("ours-decimal") else ""])
    return "\n\n".join([
        f"REST decoding of a 10,000-candle history ({good[0]['bytes']:,} bytes), in one process: median of "
        f"{len(good)} processes x {rounds} alternating rounds; float mode's JSON: {good[0]['json']}, decimal "
        f"mode's: {good[0]['decimal_json']}; {rp.machine()}",
        rp.table(["variant", "ms per history", "candles/s", "speed vs json.loads", "decimal/float"], rows),
        "speed vs json.loads: the floor's decoding time / the variant's (higher is faster)",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=1.5)
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--impls", default=",".join(IMPLS))
    parser.add_argument("--concurrency", default=",".join(map(str, CONCURRENCY)))
    parser.add_argument("--decode-rounds", type=int, default=30)
    parser.add_argument("--no-load", action="store_true", help="only the in-process decoding")
    parser.add_argument("--no-decode", action="store_true", help="only the load, not the in-process decoding")
    args = parser.parse_args()
    endpoints = tuple(e for e in args.endpoints.split(",") if e)
    impls = tuple(i for i in args.impls.split(",") if i)
    concurrencies = tuple(int(c) for c in args.concurrency.split(",") if c)
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    sections = []
    results: dict[str, list[dict[str, Any]]] = {}
    if not args.no_load:
        results = measure(args.runs, args.duration, progress, endpoints, impls, concurrencies)
        sections.append(render(results, args.runs, args.duration))
    decode: list[dict[str, Any]] = []
    if not args.no_decode:
        decode = measure_decode(args.runs, args.decode_rounds, progress)
        sections.append(render_decode(decode, args.decode_rounds))
    rp.save("rest", {"results": results, "decode": decode, "machine": rp.machine()})
    print("\n\n".join(sections))


if __name__ == "__main__":
    main()
