"""The floor: a bare ``websockets`` receive loop doing ``json.loads`` on each frame and nothing else.

It sends the same ``conf`` flags as our client (SEQ_ALL + OB_CHECKSUM), so it receives byte for byte the
same flood, and the same subscribe requests. Run by ws_ingest.py / ws_memory.py / ws_latency.py.
"""

import asyncio
import gc
import json
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

import _meter
import _scenarios as sc

FLAGS = 65536 + 131072


async def open_connection(url: str, specs: list[dict[str, Any]]) -> ClientConnection:
    ws = await connect(url, max_size=16 * 1024 * 1024, compression=None)
    info = json.loads(await ws.recv())
    assert info.get("event") == "info", info
    await ws.send(json.dumps({"event": "conf", "flags": FLAGS}))
    for spec in specs:
        await ws.send(json.dumps({"event": "subscribe", **spec, "subId": str(uuid.uuid4())}))
    return ws


async def main() -> None:
    args = _meter.client_args(__doc__ or "")
    scenario = sc.SCENARIOS[args.scenario]
    url = f"ws://127.0.0.1:{args.port}/ws/2"
    specs = list(scenario.channels)
    per = -(-len(specs) // scenario.connections)
    baseline = _meter.rss_kib()
    meter = _meter.Meter(args.total)
    latencies = _meter.Latencies(args.total, args.total // 10)
    snapshots = sc.snapshot_count(scenario)
    skip = [snapshots]
    loads = json.loads

    async def ingest(ws: ClientConnection) -> None:
        hit = meter.hit
        async for message in ws:
            data = loads(message)
            if data.__class__ is list:
                if skip[0]:
                    skip[0] -= 1
                else:
                    hit()

    async def latency(ws: ClientConnection) -> None:
        async for message in ws:
            data = loads(message)
            if data.__class__ is list and data[1].__class__ is str and data[1] != "hb":
                latencies.stamp(data[2][0])

    async def body() -> None:
        sockets = [await open_connection(url, specs[i : i + per]) for i in range(0, len(specs), per)]
        if args.mode == "memory":
            reader = [asyncio.ensure_future(ingest(ws)) for ws in sockets]
            while skip[0]:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            gc.collect()
            _meter.emit({"rss_mib": _meter.rss_kib() / 1024, "baseline_mib": baseline / 1024, "readers": len(reader)})
        if args.mode == "latency":
            readers = [asyncio.ensure_future(latency(ws)) for ws in sockets]
            await latencies.done
            _meter.emit({**latencies.result(), "tasks": len(readers)})
        readers = [asyncio.ensure_future(ingest(ws)) for ws in sockets]
        await meter.done
        _meter.emit({**meter.result(), "tasks": len(readers)})

    await _meter.run_bounded(body, args.deadline, lambda: {"count": meter.count})


if __name__ == "__main__":
    asyncio.run(main())
