"""Memory per subscription: 500 subscriptions (160 books, 140 trades, 100 tickers, 100 candles) over 20 connections
(25 each, as our pool fills them), in steady state (every snapshot received, then 0.5 s and a ``gc.collect()``),
for the floor (bare ``websockets`` + ``json.loads``) and ours (``bfxapi`` with its defaults). Served by
flood_server.py (acks and snapshots: books 50 rows, trades 30, candles 240; then nothing).

Per client and run, fresh processes (client_memory.py): with 500 subscriptions and with the first 100 (4
connections), each measured twice, once for the RSS (``/proc/self/status``) and once under tracemalloc (Python's
own allocations; tracemalloc's bookkeeping would inflate the RSS of that process). Baseline: the same process after
its imports, the client created, before any connection (subtracted). Per subscription: the growth / 500 (connections
included: 20 of them); marginal: (500 subscriptions - 100) / 400 (16 connections more). Medians of ``--runs`` runs.
Then the places (file:line) that hold most of our client's traced memory at 500 subscriptions.

    python3 benchmarks/ws_memory.py [--runs 3]
"""

import argparse
from typing import Any, Optional

import _procs
import _report as rp

CLIENTS = ("floor", "ours")
COUNTS = (100, 500)


def measure(runs: int) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {}
    for _ in range(runs):
        for label in CLIENTS:
            for count in COUNTS:
                for trace in (False, True):
                    with _procs.Server("flood_server.py", ["--expect", str(10**9)]) as server:
                        args = ["--port", str(server.port), "--impl", label, "--scenario", "mem500",
                                "--count", str(count), "--deadline", "60", *(["--trace"] if trace else [])]
                        result = _procs.run_client(_procs.OURS_PYTHON, "client_memory.py", args, 80)
                    results.setdefault(f"{label}|{count}|{'trace' if trace else 'rss'}", []).append(result)
    return results


def _per_sub(results: dict[str, list[dict[str, Any]]], label: str) -> dict[str, Optional[float]]:
    def growth(count: int) -> list[Optional[float]]:
        return [(r["rss_mib"] - r["baseline_mib"]) * 1024 if "error" not in r else None
                for r in results.get(f"{label}|{count}|rss", [])]

    def traced(count: int) -> list[Optional[float]]:
        return [r.get("traced_kib") if "error" not in r else None for r in results.get(f"{label}|{count}|trace", [])]

    def marginal(big: list[Optional[float]], small: list[Optional[float]]) -> Optional[float]:
        pairs = [(b - s) / (COUNTS[1] - COUNTS[0]) for b, s in zip(big, small) if b is not None and s is not None]
        return rp.median(pairs)

    rss500, rss100, tr500, tr100 = growth(500), growth(100), traced(500), traced(100)
    return {
        "rss_mib": rp.pick(results.get(f"{label}|500|rss", []), "rss_mib"),
        "baseline_mib": rp.pick(results.get(f"{label}|500|rss", []), "baseline_mib"),
        "rss_growth_kib": rp.median(rss500),
        "rss_per_sub": rp.median(g / 500 for g in rss500 if g is not None),
        "rss_marginal": marginal(rss500, rss100),
        "traced_per_sub": rp.median(t / 500 for t in tr500 if t is not None),
        "traced_marginal": marginal(tr500, tr100),
    }


def render(results: dict[str, list[dict[str, Any]]], runs: int) -> str:
    headers = ["client", "RSS MiB", "RSS after imports MiB", "growth MiB", "RSS KiB/sub", "RSS KiB/sub marginal",
               "traced KiB/sub", "traced KiB/sub marginal"]
    rows = []
    for label in CLIENTS:
        failed = [r for key, rs in results.items() if key.startswith(label + "|") for r in rs]
        m = _per_sub(results, label)
        growth = m["rss_growth_kib"]
        rows.append([label + rp.errors(failed), rp.fmt(m["rss_mib"], 1), rp.fmt(m["baseline_mib"], 1),
                     rp.fmt(growth / 1024 if growth is not None else None, 1), rp.fmt(m["rss_per_sub"], 2),
                     rp.fmt(m["rss_marginal"], 2), rp.fmt(m["traced_per_sub"], 2), rp.fmt(m["traced_marginal"], 2)])
    sections = [
        f"Memory: 500 subscriptions (160 books, 140 trades, 100 tickers, 100 candles) over 20 connections, steady "
        f"state, baseline (after imports) subtracted; median of {runs} runs; {rp.machine()}",
        rp.table(headers, rows),
        "KiB/sub: growth over the baseline / 500 (the 20 connections included); marginal: (500 subscriptions - "
        "100) / 400; traced: Python's allocations (tracemalloc), RSS: the whole process",
    ]
    top = next((r["top"] for r in results.get("ours|500|trace", []) if "top" in r), None)
    if top:
        sections.append(rp.table(["ours, 500 subscriptions: where the traced memory is (file:line)", "KiB", "blocks"],
                                 [[where, rp.fmt(kib, 1), rp.fmt(blocks)] for where, kib, blocks in top]))
    return "\n\n".join(sections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = measure(args.runs)
    rp.save("ws_memory", {"results": results, "machine": rp.machine()})
    print(render(results, args.runs))


if __name__ == "__main__":
    main()
