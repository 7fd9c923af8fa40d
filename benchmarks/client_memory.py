"""Memory client: ``--impl floor`` (bare ``websockets``, frames decoded and dropped, as client_floor.py) or ``ours``
(``bfxapi`` with its defaults, typed events through callbacks), with ``--scenario``'s subscriptions (mem500: 500
channels over 20 connections), served by flood_server.py (snapshots, then nothing).

Baseline: after the imports, with the client created and no connection open. Steady state: every snapshot
received, then 0.5 s and a ``gc.collect()``. Reports the RSS at both points (``/proc/self/status``) and, with
``--trace``, the memory Python allocated in between as tracemalloc counts it (started at the baseline; it does not
see the C libraries' own allocations nor the kernel's socket buffers) with the 10 places (file:line) that hold most
of it. tracemalloc costs memory of its own, so the RSS figures of a run with ``--trace`` are not the ones to read.
"""

import argparse
import asyncio
import gc
import json
import sys
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the checkout this script lives in

import _meter  # noqa: E402
import _scenarios as sc  # noqa: E402

FLAGS = 65536 + 131072


async def open_floor(port: int, scenario: sc.Scenario, snapshots: list[int]) -> list[Any]:
    from websockets.asyncio.client import connect  # pylint: disable=import-outside-toplevel

    url = f"ws://127.0.0.1:{port}/ws/2"
    specs = list(scenario.channels)
    per = -(-len(specs) // scenario.connections)
    loads = json.loads

    async def reader(ws: Any) -> None:
        async for message in ws:
            data = loads(message)
            if data.__class__ is list and data[1].__class__ is list:
                snapshots[0] += 1

    tasks = []
    for i in range(0, len(specs), per):
        ws = await connect(url, max_size=16 * 1024 * 1024, compression=None)
        await ws.recv()  # info
        await ws.send(json.dumps({"event": "conf", "flags": FLAGS}))
        for spec in specs[i : i + per]:
            await ws.send(json.dumps({"event": "subscribe", **spec, "subId": str(uuid.uuid4())}))
        tasks.append(asyncio.ensure_future(reader(ws)))
    return tasks


def _short(where: str) -> str:
    """A traced place, without the directories that say nothing (the checkout, site-packages, the stdlib's)."""
    for marker in ("site-packages/", "/lib/python3."):
        if marker in where:
            where = where.split(marker, 1)[1]
            return where if marker == "site-packages/" else "stdlib " + where.split("/", 1)[1]
    return where.replace(str(Path(__file__).resolve().parent.parent) + "/", "")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--impl", choices=("floor", "ours"), required=True)
    parser.add_argument("--scenario", default="mem500")
    parser.add_argument("--count", type=int, default=0, help="subscribe to the first N channels only (0: all)")
    parser.add_argument("--trace", action="store_true", help="count Python allocations with tracemalloc")
    parser.add_argument("--deadline", type=float, default=60.0)
    args = parser.parse_args()
    scenario = sc.SCENARIOS[args.scenario]
    if args.count:
        # The first N channels, 25 per connection as our pool fills them.
        channels = scenario.channels[: args.count]
        scenario = sc.Scenario(scenario.name, channels, -(-len(channels) // 25), scenario.description)
    expected = sc.snapshot_count(scenario)
    snapshots = [0]
    opened = [scenario.connections]
    keep: list[Any] = []
    if args.impl == "ours":
        from bfxapi import Client  # pylint: disable=import-outside-toplevel

        bfx = Client(wss_host=f"ws://127.0.0.1:{args.port}/ws/2")
        bfx.wss.on("t_book_snapshot", "t_trades_snapshot", "candles_snapshot",
                   callback=lambda *_: snapshots.__setitem__(0, snapshots[0] + 1))
        bfx.wss.on(*sc.UPDATE_EVENTS, callback=lambda *_: None)
        keep.append(bfx)
    else:
        # Imported before the baseline, as ours is by Client().
        import websockets.asyncio.client  # noqa: F401  # pylint: disable=import-outside-toplevel,unused-import
    gc.collect()
    baseline = _meter.rss_kib()
    if args.trace:
        tracemalloc.start(1)
    before = tracemalloc.take_snapshot() if args.trace else None

    async def body() -> None:
        if args.impl == "ours":
            wss = keep[0].wss
            await wss.connect(connections=scenario.connections)
            await asyncio.gather(*(wss.subscribe(**spec) for spec in scenario.channels))
            opened[0] = wss.connections
        else:
            keep.extend(await open_floor(args.port, scenario, snapshots))
            opened[0] = len(keep)
        while snapshots[0] < expected:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        gc.collect()
        result: dict[str, Any] = {"rss_mib": _meter.rss_kib() / 1024, "baseline_mib": baseline / 1024,
                                  "subscriptions": len(scenario.channels), "connections": opened[0]}
        if before is not None:
            after = tracemalloc.take_snapshot()
            diff = after.compare_to(before, "lineno")
            result["traced_kib"] = sum(stat.size_diff for stat in diff) / 1024
            result["top"] = [[_short(str(stat.traceback[0])),
                              round(stat.size_diff / 1024, 1), stat.count_diff] for stat in diff[:10]]
        _meter.emit(result)

    await _meter.run_bounded(body, args.deadline, lambda: {"snapshots": snapshots[0]})


if __name__ == "__main__":
    asyncio.run(main())
