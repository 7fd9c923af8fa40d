"""REST: requests/s and p50/p99 latency for ticker, book, candles (public) and wallets (signed), at
concurrency 1 and 32, for the floor (bare aiohttp), ours, and the official 4.0.0 client (requests, in a
pool of 32 threads at concurrency 32). Server: rest_server.py, a raw asyncio HTTP server with canned
rows, in its own process; its CPU use during each measurement is reported.

    python3 benchmarks/rest_bench.py [--runs 3] [--duration 1.5]
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

ENDPOINTS = ("ticker", "book", "candles", "wallets")
CONCURRENCY = (1, 32)
IMPLS = ("floor", "ours", "ours-pool32", "official")


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


def measure(runs: int, duration: float, progress: Callable[[str], None]) -> dict[str, list[dict[str, Any]]]:
    official = official_python()
    results: dict[str, list[dict[str, Any]]] = {}
    for run in range(runs):
        with _procs.Server("rest_server.py", []) as server:
            for endpoint in ENDPOINTS:
                for concurrency in CONCURRENCY:
                    for impl in IMPLS:
                        if impl == "ours-pool32" and concurrency == 1:
                            continue
                        result = run_one(server, official, impl, endpoint, concurrency, duration)
                        results.setdefault(f"{endpoint}|{concurrency}|{impl}", []).append(result)
                        progress(f"run {run + 1}/{runs} {endpoint:8} c={concurrency:<3} {impl:12} "
                                 f"{rp.fmt(result.get('req_per_s'))} req/s {result.get('error', '')}")
    return results


def render(results: dict[str, list[dict[str, Any]]], runs: int, duration: float) -> str:
    headers = ["endpoint", "conc.", "client", "req/s", "p50 ms", "p99 ms", "errors", "vs floor", "ours/official",
               "server CPU"]
    rows = []
    for endpoint in ENDPOINTS:
        for concurrency in CONCURRENCY:
            def get(impl: str, key: str) -> Any:
                return rp.pick(results.get(f"{endpoint}|{concurrency}|{impl}", []), key)

            floor, official = get("floor", "req_per_s"), get("official", "req_per_s")
            for impl in IMPLS:
                runs_ = results.get(f"{endpoint}|{concurrency}|{impl}")
                if not runs_:
                    continue
                rate = get(impl, "req_per_s")
                cpu = get(impl, "server_cpu_util")
                rows.append([
                    endpoint if impl == "floor" else "",
                    str(concurrency) if impl == "floor" else "",
                    impl + rp.errors(runs_),
                    rp.fmt(rate),
                    rp.fmt(get(impl, "p50_ms"), 2),
                    rp.fmt(get(impl, "p99_ms"), 2),
                    rp.fmt(get(impl, "errors")),
                    rp.ratio(rate, floor),
                    rp.ratio(rate, official) if impl.startswith("ours") else "",
                    f"{cpu:.0%}" if cpu is not None else "n/a",
                ])
    return "\n\n".join([
        f"REST: {duration:g} s of load per cell after 0.3 s warm-up, median of {runs} runs; {rp.machine()}",
        rp.table(headers, rows),
        "errors: failed requests per run (official at concurrency 32 on wallets: nonces out of order, 10114)",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=1.5)
    args = parser.parse_args()
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    results = measure(args.runs, args.duration, progress)
    rp.save("rest", {"results": results, "machine": rp.machine()})
    print(render(results, args.runs, args.duration))


if __name__ == "__main__":
    main()
