"""WebSocket ingest: messages/s delivered as typed objects, CPU µs per message, peak RSS.

For each scenario (1 book, 1 trades, 25 mixed channels on 1 connection, 100 mixed on 4 connections) and
each client (the floor: websockets + json.loads; the fast floor: picows + orjson.loads; ours with callbacks on
aiohttp (orjson when installed); ours on picows; ours on aiohttp with the standard json module only (a default
install); ours with streams; ours in decimal mode with callbacks; the official 4.0.0 client), a fresh flood server
process and a fresh client process; medians of
``--runs`` runs, the floor measured in the same run. A sink client first measures what the server can hand over.
``--clients floor,ours,ours-decimal`` runs only those (``--no-capacity`` skips the sink).

    python3 benchmarks/ws_ingest.py [--runs 3] [--total 200000] [--scenarios book,trades] [--clients ...]
"""

import argparse
import sys
import time
from typing import Any, Callable, Optional

import _procs
import _report as rp
import _scenarios as sc
from _official_env import official_python

SCENARIOS = ("book", "trades", "mixed25", "mixed100")
#: (label, python, script, extra args); python None means ours
CLIENTS: list[tuple[str, str, list[str]]] = [
    ("floor", "client_floor.py", []),
    ("floor-picows", "client_floor_picows.py", []),
    ("ours", "client_ours.py", ["--api", "callbacks", "--transport", "aiohttp"]),
    ("ours-picows", "client_ours.py", ["--api", "callbacks", "--transport", "picows"]),
    ("ours-json", "client_ours.py", ["--api", "callbacks", "--transport", "aiohttp", "--no-orjson"]),
    ("ours-stream", "client_ours.py", ["--api", "stream", "--transport", "aiohttp"]),
    ("ours-decimal", "client_ours.py", ["--api", "callbacks", "--decimal", "--transport", "aiohttp"]),
    ("official", "client_official.py", []),
]


def run_one(python: str, script: str, scenario: str, total: int, extra: list[str], deadline: float,
            server_extra: Optional[list[str]] = None) -> dict[str, Any]:
    expect = str(len(sc.SCENARIOS[scenario].channels))
    with _procs.Server("flood_server.py", ["--expect", expect, "--total", str(total), *(server_extra or [])]) as server:
        args = ["--port", str(server.port), "--scenario", scenario, "--total", str(total), "--deadline", str(deadline)]
        result = _procs.run_client(python, script, [*args, *extra], deadline + 20)
        report = server.report(3.0)
    if report is not None:
        result["server_wall_s"] = report["wall_s"]
        result["server_cpu_s"] = report["cpu_s"]
        result["server_build_s"] = report["build_s"]
    return result


def server_capacity(total: int, progress: Callable[[str], None]) -> dict[str, list[dict[str, Any]]]:
    """The sink: how fast the server hands each scenario's flood over, with no client work at all."""
    out: dict[str, list[dict[str, Any]]] = {}
    for scenario in SCENARIOS:
        out[scenario] = [
            run_one(_procs.OURS_PYTHON, "client_sink.py", scenario, total, [], 60, ["--close-after-flood"])
            for _ in range(2)
        ]
        progress(f"sink {scenario}: {rp.fmt(rp.pick(out[scenario], 'msg_per_s'))} msg/s")
    return out


def measure(runs: int, total: int, scenarios: tuple[str, ...], progress: Callable[[str], None],
            clients: tuple[str, ...] = tuple(label for label, _, _ in CLIENTS)) -> dict[str, Any]:
    official = official_python() if "official" in clients else ""
    chosen = [client for client in CLIENTS if client[0] in clients]
    results: dict[str, dict[str, list[dict[str, Any]]]] = {s: {label: [] for label, _, _ in chosen} for s in scenarios}
    for run in range(runs):
        for scenario in scenarios:
            for label, script, extra in chosen:
                python = official if label == "official" else _procs.OURS_PYTHON
                result = run_one(python, script, scenario, total, extra, 90)
                results[scenario][label].append(result)
                progress(f"run {run + 1}/{runs} {scenario:9} {label:12} "
                         f"{rp.fmt(result.get('msg_per_s'))} msg/s {result.get('error', '')}")
    return results


def render(results: dict[str, Any], capacity: dict[str, Any], runs: int, total: int) -> str:
    headers = ["scenario", "client", "msg/s", "CPU µs/msg", "peak RSS MiB", "vs floor", "vs floor-picows",
               "ours/official", "decimal/float", "server CPU"]
    rows = []
    for scenario, by_client in results.items():
        floor = rp.pick(by_client.get("floor", []), "msg_per_s")
        fast_floor = rp.pick(by_client.get("floor-picows", []), "msg_per_s")
        official = rp.pick(by_client.get("official", []), "msg_per_s")
        ours = rp.pick(by_client.get("ours", []), "msg_per_s")
        for label, _, _ in CLIENTS:
            if label not in by_client:
                continue
            runs_ = by_client[label]
            rate = rp.pick(runs_, "msg_per_s")
            wall = rp.pick(runs_, "wall_s")
            server = rp.pick(runs_, "server_cpu_s")
            load = f"{server / wall:.0%}" if server is not None and wall else "n/a"
            rows.append([
                sc.SCENARIOS[scenario].description if label == next(iter(by_client)) else "",
                label + rp.errors(runs_),
                rp.fmt(rate),
                rp.fmt(rp.pick(runs_, "cpu_us_per_msg"), 2),
                rp.fmt(rp.pick(runs_, "peak_rss_mib"), 1),
                rp.ratio(rate, floor),
                rp.ratio(rate, fast_floor) if fast_floor else "",
                rp.ratio(rate, official) if label.startswith("ours") else "",
                rp.ratio(rate, ours) if label == "ours-decimal" else "",
                load,
            ])
    cap_rows = [[s, rp.fmt(rp.pick(r, "msg_per_s")), rp.fmt(rp.pick(r, "mib_per_s"), 0)] for s, r in capacity.items()]
    parts = [
        f"WebSocket ingest: {total:,} update messages per run, median of {runs} runs; {rp.machine()}",
        rp.table(headers, rows),
        "server CPU: flood server CPU time / client's measured window (how busy the server was); decimal/float: "
        "ours-decimal against ours in the same run",
    ]
    if capacity:
        parts += ["Server capacity (sink client reading raw bytes, no parsing), median of 2 runs:",
                  rp.table(["scenario", "msg/s handed over", "MiB/s"], cap_rows)]
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--clients", default=",".join(label for label, _, _ in CLIENTS))
    parser.add_argument("--no-capacity", action="store_true", help="skip the sink client's measurement")
    args = parser.parse_args()
    scenarios = tuple(s for s in args.scenarios.split(",") if s)
    clients = tuple(c for c in args.clients.split(",") if c)
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    capacity = {} if args.no_capacity else server_capacity(args.total, progress)
    results = measure(args.runs, args.total, scenarios, progress, clients)
    rp.save("ws_ingest", {"results": results, "capacity": capacity, "machine": rp.machine()})
    print(render(results, capacity, args.runs, args.total))


if __name__ == "__main__":
    main()
