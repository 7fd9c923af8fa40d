"""Latency: p50/p99 from the server's send to the client's callback at a paced 10,000 messages/s.

The flood server stamps each te/tu trade's ID with ``time.time_ns() // 1000`` just before writing it
(batches of a few frames each half millisecond); the client subtracts it from its own ``time.time_ns()``
in the callback (same machine, same clock). The first 10 % of the messages are warm-up.

    python3 benchmarks/ws_latency.py [--runs 3] [--rate 10000] [--duration 3]
"""

import argparse
from typing import Any

import _procs
import _report as rp
from _official_env import official_python

CLIENTS = (("floor", "client_floor.py"), ("ours", "client_ours.py"), ("official", "client_official.py"))


def measure(runs: int, rate: float, duration: float) -> dict[str, list[dict[str, Any]]]:
    official = official_python()
    total = int(rate * duration)
    results: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in CLIENTS}
    for _ in range(runs):
        for label, script in CLIENTS:
            python = official if label == "official" else _procs.OURS_PYTHON
            server_args = ["--expect", "1", "--mode", "latency", "--rate", str(rate), "--duration", str(duration)]
            with _procs.Server("flood_server.py", server_args) as server:
                args = ["--port", str(server.port), "--scenario", "latency", "--mode", "latency",
                        "--total", str(total), "--deadline", str(duration + 30)]
                results[label].append(_procs.run_client(python, script, args, duration + 45))
    return results


def render(results: dict[str, list[dict[str, Any]]], runs: int, rate: float) -> str:
    rows = [[label + rp.errors(r), rp.fmt(rp.pick(r, "p50_ms"), 3), rp.fmt(rp.pick(r, "p99_ms"), 3),
             rp.fmt(rp.pick(r, "max_ms"), 2), rp.fmt(rp.pick(r, "samples"))] for label, r in results.items()]
    return "\n\n".join([
        f"Latency, server send to callback, 1 trades channel at {rate:,.0f} msg/s; median of {runs} runs; "
        f"{rp.machine()}",
        rp.table(["client", "p50 ms", "p99 ms", "max ms", "samples"], rows),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=10_000.0)
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()
    results = measure(args.runs, args.rate, args.duration)
    rp.save("ws_latency", {"results": results, "machine": rp.machine()})
    print(render(results, args.runs, args.rate))


if __name__ == "__main__":
    main()
