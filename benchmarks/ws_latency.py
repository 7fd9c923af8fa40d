"""Latency under load: p50/p99/p99.9 from the server's write to the client's callback, at 10,000, 50,000 and
100,000 messages/s spread over 100 trades channels on 4 connections (25 each, as our client's pool spreads
them), for the floor (bare ``websockets`` + ``json.loads``) and ours (typed trades through callbacks).

Server: latency_server.py, in its own process. Each trade's ID is the server's ``time.monotonic_ns() // 1000``
when its batch (~0.2 ms of frames) is written; the client's callback subtracts it from its own
``time.monotonic_ns()``: one machine, one clock (Linux's CLOCK_MONOTONIC is shared by every process). The first
10 % of the messages are warm-up. Every client runs in a fresh process.

Past saturation (the client cannot take the rate: frames queue in the socket buffers and the server's, and the
delay grows for as long as the run lasts), a percentile measures the length of the run, not the client: such a
cell shows the rate the client delivered and ``saturated`` instead. A cell is saturated when the rate the client
delivered differs by more than 5 % from the rate the server sent (below: falling behind; above: draining a backlog built
earlier), or the median delay of the last quarter of the run is above 2 ms and more than 3 times that of the first.

    python3 benchmarks/ws_latency.py [--runs 3] [--rates 10000,50000,100000] [--duration 2]
"""

import argparse
from typing import Any, Optional

import _procs
import _report as rp

CLIENTS = ("floor", "ours")
CHANNELS, CONNECTIONS = 100, 4


def measure(runs: int, rates: list[float], duration: float) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {}
    for _ in range(runs):
        for rate in rates:
            for label in CLIENTS:
                total = int(rate * duration)
                server_args = ["--expect", str(CHANNELS), "--rate", str(rate), "--duration", str(duration)]
                with _procs.Server("latency_server.py", server_args) as server:
                    args = ["--port", str(server.port), "--impl", label, "--channels", str(CHANNELS),
                            "--connections", str(CONNECTIONS), "--total", str(total),
                            "--deadline", str(duration * 10 + 20)]
                    result = _procs.run_client(_procs.OURS_PYTHON, "client_latency.py", args, duration * 10 + 40)
                    report = server.report(5.0) or {}
                result["sent_rate"] = report.get("sent_rate")
                result["max_buffered"] = report.get("max_buffered")
                result["saturated"] = saturated(result)
                results.setdefault(f"{rate:g}|{label}", []).append(result)
    return results


def saturated(result: dict[str, Any]) -> bool:
    if "error" in result:
        return True
    sent, delivered = result.get("sent_rate"), result.get("delivered_rate") or 0.0
    # Below the rate sent: falling behind; above it: draining a backlog built earlier in the run.
    if sent and abs(delivered - sent) > 0.05 * sent:
        return True
    first, last = result.get("p50_first_ms") or 0.0, result.get("p50_last_ms") or 0.0
    return bool(last > 2.0 and last > 3 * first)


def render(results: dict[str, list[dict[str, Any]]], runs: int, rates: list[float], duration: float) -> str:
    headers = ["offered msg/s", "client", "server sent msg/s", "delivered msg/s", "p50 ms", "p99 ms", "p99.9 ms",
               "max ms", "samples", "saturated runs"]
    rows = []
    for rate in rates:
        for label in CLIENTS:
            runs_ = results.get(f"{rate:g}|{label}", [])
            hot = sum(1 for result in runs_ if result["saturated"])
            cool = [result for result in runs_ if not result["saturated"]]

            def cell(key: str, digits: int, runs__: list[dict[str, Any]] = cool) -> str:
                value: Optional[float] = rp.pick(runs__, key)
                return rp.fmt(value, digits) if hot * 2 <= len(runs_) else "saturated"

            rows.append([
                f"{rate:,.0f}", label + rp.errors(runs_), rp.fmt(rp.median(r.get("sent_rate") for r in runs_)),
                rp.fmt(rp.pick(runs_, "delivered_rate")),
                cell("p50_ms", 3), cell("p99_ms", 3), cell("p999_ms", 3), cell("max_ms", 2),
                rp.fmt(rp.pick(runs_, "samples")), f"{hot}/{len(runs_)}",
            ])
    return "\n\n".join([
        f"Latency, server write to callback, {CHANNELS} trades channels on {CONNECTIONS} connections, {duration:g} s "
        f"per run; median of {runs} runs (of the runs that were not saturated); {rp.machine()}",
        rp.table(headers, rows),
        "server sent: what the server achieved (below the offered rate: the server could not keep the pace); "
        "delivered msg/s: counted messages over the time from the first to the last (median of every run); "
        "saturated: the client fell behind the offered rate (see ws_latency.py), percentiles not shown when "
        "most runs were",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rates", default="10000,50000,100000")
    parser.add_argument("--duration", type=float, default=2.0)
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",") if rate]
    results = measure(args.runs, rates, args.duration)
    rp.save("ws_latency", {"results": results, "machine": rp.machine()})
    print(render(results, args.runs, rates, args.duration))


if __name__ == "__main__":
    main()
