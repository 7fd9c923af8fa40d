"""Memory: RSS of the client process with 500 subscriptions over 20 connections, in steady state (every
snapshot received, then 0.5 s and a gc.collect()). The flood server confirms every subscription, sends
the snapshots (books 50 rows, trades 30, candles 240) and then nothing else. Median of ``--runs`` runs.

    python3 benchmarks/ws_memory.py [--runs 3]
"""

import argparse
from typing import Any

import _procs
import _report as rp
from _official_env import official_python

CLIENTS = (("floor", "client_floor.py"), ("ours", "client_ours.py"), ("official", "client_official.py"))


def measure(runs: int) -> dict[str, list[dict[str, Any]]]:
    official = official_python()
    results: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in CLIENTS}
    for _ in range(runs):
        for label, script in CLIENTS:
            python = official if label == "official" else _procs.OURS_PYTHON
            with _procs.Server("flood_server.py", ["--expect", str(10**9)]) as server:
                args = ["--port", str(server.port), "--scenario", "mem500", "--mode", "memory", "--deadline", "60"]
                results[label].append(_procs.run_client(python, script, args, 80))
    return results


def render(results: dict[str, list[dict[str, Any]]], runs: int) -> str:
    rows = []
    for label, runs_ in results.items():
        rss, base = rp.pick(runs_, "rss_mib"), rp.pick(runs_, "baseline_mib")
        rows.append([label + rp.errors(runs_), rp.fmt(rss, 1), rp.fmt(base, 1),
                     rp.fmt(rss - base if rss is not None and base is not None else None, 1)])
    return "\n\n".join([
        f"Memory: 500 subscriptions (160 books, 140 trades, 100 tickers, 100 candles) "
        f"over 20 connections, steady state; median of {runs} runs; {rp.machine()}",
        rp.table(["client", "RSS MiB", "RSS after imports MiB", "growth MiB"], rows),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = measure(args.runs)
    rp.save("ws_memory", {"results": results, "machine": rp.machine()})
    print(render(results, args.runs))


if __name__ == "__main__":
    main()
