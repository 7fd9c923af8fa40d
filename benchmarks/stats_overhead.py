"""What the counters behind ``bfx.wss.stats()`` cost on WebSocket ingest: our client with them, and the same
client with them taken out of the receive loop (the loop rebuilt from its source without the counter lines, see
``client_ours.py``), measured in the same run, two ways.

1. In one process (``--in-process-rounds``), the client's whole per-frame path (the receive loop, one JSON
   decode, the sequence audit, routing, the channel handler, the typed object, the emit, a callback) fed from
   memory by a fake socket: rounds of ``--in-process-frames`` frames alternate with and without the counters
   (ABBA), and the medians of the rounds are compared. No server, no other process: the precise figure. A real
   socket only adds the same time to both sides, so the cost on the real ingest is at most this one.
2. End to end (``--runs``): the ``ws_ingest.py`` setup (a flood server process, a fresh client process per run),
   the two sides alternating in ABBA pairs; the median of the per-pair ratios. On a shared machine single runs
   vary by ±10-30 %, far more than the cost looked for: this one confirms the order of magnitude only.

    python3 benchmarks/stats_overhead.py [--runs 9] [--total 200000] [--scenarios book,trades,mixed25]
                                         [--in-process-rounds 30] [--in-process-frames 50000]
"""

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from typing import Any, Callable, Optional

import _procs
import _report as rp
import _scenarios as sc
from ws_ingest import run_one

SIDES = ("on", "off")


def run_side(side: str, scenario: str, total: int) -> dict[str, Any]:
    if side == "off":
        os.environ["BFX_BENCH_STATS"] = "off"
    try:
        return run_one(_procs.OURS_PYTHON, "client_ours.py", scenario, total, ["--api", "callbacks"], 90)
    finally:
        os.environ.pop("BFX_BENCH_STATS", None)


def measure(runs: int, total: int, scenarios: tuple[str, ...], progress: Callable[[str], None]) -> dict[str, Any]:
    results: dict[str, dict[str, list[dict[str, Any]]]] = {s: {side: [] for side in SIDES} for s in scenarios}
    for run in range(runs):
        order = SIDES if run % 2 == 0 else SIDES[::-1]
        for scenario in scenarios:
            for side in order:
                result = run_side(side, scenario, total)
                results[scenario][side].append(result)
                progress(f"run {run + 1}/{runs} {scenario:9} stats {side:3} "
                         f"{rp.fmt(result.get('msg_per_s'))} msg/s {rp.fmt(result.get('cpu_us_per_msg'), 3)} µs/msg "
                         f"{result.get('error', '')}")
    return results


def paired(on: list[dict[str, Any]], off: list[dict[str, Any]], key: str) -> Any:
    """Median over the pairs of run n of ``on``/``off`` (both sides succeeded)."""
    ratios = [a[key] / b[key] for a, b in zip(on, off) if "error" not in a and "error" not in b and b.get(key)]
    return rp.median(ratios)


def render(results: dict[str, Any], runs: int, total: int) -> str:
    headers = ["scenario", "msg/s with counters", "msg/s without", "throughput cost (paired median)",
               "CPU µs/msg with", "CPU µs/msg without", "CPU cost (paired median)"]
    rows = []
    for scenario, sides in results.items():
        on, off = sides["on"], sides["off"]
        rate = paired(on, off, "msg_per_s")
        cpu = paired(on, off, "cpu_us_per_msg")
        rows.append([
            sc.SCENARIOS[scenario].description + rp.errors(on + off),
            rp.fmt(rp.pick(on, "msg_per_s")),
            rp.fmt(rp.pick(off, "msg_per_s")),
            f"{(1 - rate) * 100:+.1f} %" if rate is not None else "n/a",
            rp.fmt(rp.pick(on, "cpu_us_per_msg"), 3),
            rp.fmt(rp.pick(off, "cpu_us_per_msg"), 3),
            f"{(cpu - 1) * 100:+.1f} %" if cpu is not None else "n/a",
        ])
    return "\n\n".join([
        f"Stats counters on WebSocket ingest: {total:,} update messages per run, {runs} ABBA pairs, medians; "
        f"{rp.machine()}",
        rp.table(headers, rows),
        "cost: how much slower (throughput) or how much more CPU per message the client is with the counters; "
        "a negative figure means the side with the counters happened to be faster (noise)",
    ])


# -- 1. in one process -----------------------------------------------------------------------------------


def frames_of(scenario: str, count: int) -> list[str]:
    """The scenario's update frames as the flood server writes them: ``[CHAN, BODY, SEQ]``, numbered from 1."""
    channels = [(index + 1, spec["channel"]) for index, spec in enumerate(sc.SCENARIOS[scenario].channels)]
    pools = {kind: sc.BodyPool(kind, seed) for seed, kind in enumerate(("book", "trades", "ticker", "candles"))}
    order = sc.schedule(channels, 1)
    frames = []
    for seq in range(1, count + 1):
        chan, kind = channels[order[seq % len(order)]]
        frames.append(f"[{chan},{pools[kind].bodies[seq % sc.BodyPool.SIZE]},{seq}]")
    return frames


def subscribed_bucket(scenario: str, loads: Optional[Callable[[str], Any]] = None) -> tuple[Any, list[int]]:
    """A public connection of the client (no socket) with the scenario's channels routed as if just subscribed
    (their snapshots already gone by) and a callback counting the update events: ``(bucket, [delivered])``.
    ``loads``: the JSON decoder, if not the client's own."""
    # pylint: disable=import-outside-toplevel,protected-access
    from bfxapi.websocket._client.bfx_websocket_bucket import BfxWebSocketBucket
    from bfxapi.websocket._client.bfx_websocket_client import BfxWebSocketClient
    from bfxapi.websocket._handlers import create_handler
    from bfxapi.websocket._pacing import ConnectionRateGovernor

    wss = BfxWebSocketClient("ws://127.0.0.1:9/ws/2")
    context = wss._context()
    if loads is not None:
        context.loads = loads
    bucket = BfxWebSocketBucket(wss._host, context, "public-1", ConnectionRateGovernor(None, 0.0),
                                lambda record: None)
    for chan, spec in enumerate(sc.SCENARIOS[scenario].channels, 1):
        handler = create_handler({**spec, "sub_id": str(chan)}, wss._emitter.emit, [])
        if hasattr(handler, "snapshot_pending"):
            handler.snapshot_pending = False  # the flood is updates only, as in ws_ingest.py
        bucket._routes[chan] = handler.__call__  # what the bucket routes to: the bound method
    delivered = [0]

    def hit(*_: Any) -> None:
        delivered[0] += 1

    wss.on(*sc.UPDATE_EVENTS, callback=hit)
    return bucket, delivered


async def in_process(scenario: str, rounds: int, count: int, progress: Callable[[str], None]) -> dict[str, Any]:
    """CPU seconds per round of ``count`` frames through the client's real path, with and without the counters."""
    # pylint: disable=import-outside-toplevel,protected-access
    from aiohttp import WSMessage, WSMsgType

    import client_ours
    from bfxapi.websocket import _connection

    original = _connection.Connection._receive
    with_counters = client_ours.compile_receive(without_stats=os.environ.get("BFX_BENCH_A_A") == "1")
    without_counters = client_ours.compile_receive(without_stats=True)
    bucket, delivered = subscribed_bucket(scenario)
    messages = [WSMessage(WSMsgType.TEXT, text, None) for text in frames_of(scenario, count)]
    closed = WSMessage(WSMsgType.CLOSED, None, None)

    class Socket:  # what _receive uses of aiohttp's socket: receive()
        def __init__(self) -> None:
            self._next = iter(messages).__next__

        async def receive(self) -> Any:
            try:
                return self._next()
            except StopIteration:
                return closed

    seconds: dict[str, list[float]] = {"on": [], "off": []}
    for round_ in range(rounds + 2):  # the first two warm up (and are dropped)
        order = SIDES if round_ % 2 == 0 else SIDES[::-1]
        for side in order:
            _connection.Connection._receive = with_counters if side == "on" else without_counters
            bucket._audit.reset()
            frames_before, delivered[0] = bucket.frames_received, 0
            # CPU time of this process: what the client spends, whatever else the machine runs meanwhile; the cyclic
            # garbage collector is kept out of the rounds (where a full collection falls is chance, not the code)
            gc.collect()
            gc.disable()
            started = time.process_time()
            await bucket._receive(Socket())  # type: ignore[arg-type]
            took = time.process_time() - started
            gc.enable()
            counted = bucket.frames_received - frames_before
            if delivered[0] != count or (side == "off" and counted != 0):
                raise SystemExit(f"{side}: {delivered[0]} delivered, {counted} counted, of {count}")
            if round_ >= 2:
                seconds[side].append(took)
    _connection.Connection._receive = original
    on, off = statistics.median(seconds["on"]), statistics.median(seconds["off"])
    progress(f"in process {scenario:9} with {count / on:,.0f} msg per CPU s, without {count / off:,.0f}")
    return {"on_s": seconds["on"], "off_s": seconds["off"], "frames": count}


def render_in_process(results: dict[str, Any], rounds: int, count: int) -> str:
    headers = ["scenario", "msg per CPU s, with counters", "without", "cost (medians)", "cost (fastest rounds)",
               "cost (min/max of 5 blocks)"]
    rows = []
    for scenario, result in results.items():
        on, off = result["on_s"], result["off_s"]
        cost = statistics.median(on) / statistics.median(off) - 1
        # The rounds in 5 consecutive blocks: how much the figure moves with the machine's load.
        size = max(1, len(on) // 5)
        blocks = [statistics.median(on[i:i + size]) / statistics.median(off[i:i + size]) - 1
                  for i in range(0, len(on) - size + 1, size)]
        rows.append([
            sc.SCENARIOS[scenario].description,
            rp.fmt(count / statistics.median(on)),
            rp.fmt(count / statistics.median(off)),
            f"{cost * 100:+.1f} %",
            f"{(min(on) / min(off) - 1) * 100:+.1f} %",
            f"{min(blocks) * 100:+.1f} % / {max(blocks) * 100:+.1f} %",
        ])
    return "\n\n".join([
        f"Stats counters, in one process: the client's per-frame path fed from memory, {rounds} ABBA rounds of "
        f"{count:,} frames per side, medians; {rp.machine()}",
        rp.table(headers, rows),
        "cost: how much more CPU time a round takes with the counters (the throughput lost by a client that is "
        "CPU-bound, as it is under a flood), from the medians of the rounds and from the fastest round of each side "
        "(the one least disturbed by the rest of the machine)",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--scenarios", default="book,trades,mixed25")
    parser.add_argument("--in-process-rounds", type=int, default=30, help="0: skip the in-process measurement")
    parser.add_argument("--in-process-frames", type=int, default=50_000)
    args = parser.parse_args()
    scenarios = tuple(s for s in args.scenarios.split(",") if s)
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    if args.in_process_rounds:
        local = {scenario: asyncio.run(in_process(scenario, args.in_process_rounds, args.in_process_frames, progress))
                 for scenario in scenarios}
        rp.save("stats_overhead_in_process", {"results": local, "machine": rp.machine()})
        print(render_in_process(local, args.in_process_rounds, args.in_process_frames), flush=True)
    if args.runs:
        results = measure(args.runs, args.total, scenarios, progress)
        rp.save("stats_overhead", {"results": results, "machine": rp.machine()})
        print(render(results, args.runs, args.total))


if __name__ == "__main__":
    main()
