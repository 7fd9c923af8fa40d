"""Latency client: ``--impl floor`` (bare ``websockets`` + ``json.loads``, as client_floor.py) or ``ours``
(``bfxapi``, typed trades through ``bfx.wss.on`` callbacks), subscribed to ``--channels`` trades channels over
``--connections`` connections, served by latency_server.py.

Each te/tu trade's ID is the server's ``time.monotonic_ns() // 1000`` at its write; the callback subtracts it
from its own (same machine, same clock). The first ``--warmup`` share of the messages is not counted. Prints one
JSON line: ``samples``, ``p50_ms``/``p99_ms``/``p999_ms``/``max_ms``, ``delivered_rate`` (counted messages over
the time from the first to the last counted one), ``p50_first_ms``/``p50_last_ms`` (the median of the first and
last quarter of the counted messages: a backlog that grows makes the second much larger).
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the checkout this script lives in

import _meter  # noqa: E402

FLAGS = 65536 + 131072


class Samples:
    def __init__(self, total: int, warmup: int) -> None:
        self.total, self.warmup = total, warmup
        self.seen = 0
        self.delays: list[int] = []
        self.first = self.last = 0
        self.done: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()

    def stamp(self, sent_us: int) -> None:
        now = time.monotonic_ns() // 1000
        seen = self.seen = self.seen + 1
        if seen > self.warmup:
            self.delays.append(now - sent_us)
            if seen == self.warmup + 1:
                self.first = now
            self.last = now
            if seen >= self.total and not self.done.done():
                self.done.set_result(None)

    def result(self) -> dict[str, Any]:
        delays = self.delays
        if not delays:
            return {"error": "no samples"}
        ordered = sorted(delays)

        def pct(values: list[int], p: float) -> float:
            return values[min(len(values) - 1, int(p * len(values)))] / 1000.0

        quarter = max(1, len(delays) // 4)
        span = (self.last - self.first) / 1e6
        return {
            "samples": len(delays), "p50_ms": pct(ordered, 0.5), "p99_ms": pct(ordered, 0.99),
            "p999_ms": pct(ordered, 0.999), "max_ms": ordered[-1] / 1000.0,
            "delivered_rate": (len(delays) - 1) / span if span > 0 else 0.0,
            "p50_first_ms": pct(sorted(delays[:quarter]), 0.5), "p50_last_ms": pct(sorted(delays[-quarter:]), 0.5),
        }


def specs(channels: int) -> list[dict[str, Any]]:
    return [{"channel": "trades", "symbol": f"tS{i:03d}USD"} for i in range(channels)]


async def run_floor(port: int, args: argparse.Namespace, samples: Samples) -> None:
    from websockets.asyncio.client import connect  # pylint: disable=import-outside-toplevel

    url = f"ws://127.0.0.1:{port}/ws/2"
    channels = specs(args.channels)
    per = -(-len(channels) // args.connections)
    loads = json.loads
    stamp = samples.stamp

    async def reader(ws: Any) -> None:
        async for message in ws:
            data = loads(message)
            if data.__class__ is list and data[1].__class__ is str and data[1] != "hb":
                stamp(data[2][0])

    sockets = []
    for i in range(0, len(channels), per):
        ws = await connect(url, max_size=16 * 1024 * 1024, compression=None)
        await ws.recv()  # info
        await ws.send(json.dumps({"event": "conf", "flags": FLAGS}))
        for spec in channels[i : i + per]:
            await ws.send(json.dumps({"event": "subscribe", **spec, "subId": str(uuid.uuid4())}))
        sockets.append(ws)
    tasks = [asyncio.ensure_future(reader(ws)) for ws in sockets]
    await samples.done
    _meter.emit({**samples.result(), "connections": len(tasks)})


async def run_ours(port: int, args: argparse.Namespace, samples: Samples) -> None:
    from bfxapi import Client  # pylint: disable=import-outside-toplevel

    bfx = Client(wss_host=f"ws://127.0.0.1:{port}/ws/2")
    wss = bfx.wss
    stamp = samples.stamp
    wss.on("t_trade_execution", "t_trade_execution_update", callback=lambda _sub, trade: stamp(trade.id))
    await wss.connect(connections=args.connections)
    await asyncio.gather(*(wss.subscribe(**spec) for spec in specs(args.channels)))
    await samples.done
    _meter.emit({**samples.result(), "connections": wss.connections})


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--impl", choices=("floor", "ours"), required=True)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--total", type=int, required=True, help="messages the server sends")
    parser.add_argument("--warmup", type=float, default=0.1, help="share of the messages not counted")
    parser.add_argument("--deadline", type=float, default=60.0)
    args = parser.parse_args()
    samples = Samples(args.total, int(args.total * args.warmup))
    runner = run_floor if args.impl == "floor" else run_ours
    await _meter.run_bounded(lambda: runner(args.port, args, samples),
                             args.deadline, lambda: {"count": samples.seen, **samples.result()})


if __name__ == "__main__":
    asyncio.run(main())
