"""The official ``bitfinex-api-py==4.0.0``, run with the interpreter of benchmarks/.venv-official.

Its client opens a main socket, then one bucket socket per 25 subscriptions; ``subscribe`` returns once
the request is sent, so the ``subscribed`` events are counted. It sends ``conf`` with OB_CHECKSUM only, so
its frames carry no sequence numbers. Callbacks get ``(subscription, data)``.
"""

import asyncio
import cProfile
import gc
from typing import Any

from bfxapi import Client  # the official package: this file runs in .venv-official

import _meter
import _scenarios as sc


async def main() -> None:
    args = _meter.client_args(__doc__ or "")
    scenario = sc.SCENARIOS[args.scenario]
    baseline = _meter.rss_kib()
    meter = _meter.Meter(args.total)
    latencies = _meter.Latencies(args.total, args.total // 10)
    bfx = Client(wss_host=f"ws://127.0.0.1:{args.port}/ws/2")
    wss = bfx.wss
    opened: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()
    counts = {"subscribed": 0, "snapshots": 0}

    def count(name: str) -> Any:
        def counter(*_: Any) -> None:
            counts[name] += 1

        return counter

    wss.on("open", lambda: opened.done() or opened.set_result(None))
    wss.on("subscribed", count("subscribed"))
    for event in ("t_book_snapshot", "t_trades_snapshot", "candles_snapshot"):
        wss.on(event, count("snapshots"))
    if args.mode == "latency":
        for event in ("t_trade_execution", "t_trade_execution_update"):
            wss.on(event, lambda _s, trade: latencies.stamp(trade.id))
    else:
        for event in sc.UPDATE_EVENTS:
            wss.on(event, meter.hit)
    profiler = cProfile.Profile() if args.profile else None

    def finish(result: dict[str, Any]) -> None:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        _meter.emit(result)

    async def body() -> None:
        runner = asyncio.ensure_future(wss.start())
        await asyncio.wait([opened, runner], return_when=asyncio.FIRST_COMPLETED)
        if runner.done():
            raise RuntimeError(f"the official client stopped: {runner.exception()!r}")
        for spec in scenario.channels:
            spec = dict(spec)
            await wss.subscribe(spec.pop("channel"), **spec)
        while counts["subscribed"] < len(scenario.channels):
            await asyncio.sleep(0.01)
        if profiler is not None:
            profiler.enable()
        if args.mode == "memory":
            while counts["snapshots"] < sc.snapshot_count(scenario):
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            gc.collect()
            finish({"rss_mib": _meter.rss_kib() / 1024, "baseline_mib": baseline / 1024})
        if args.mode == "latency":
            await latencies.done
            finish(latencies.result())
        await meter.done
        finish(meter.result())

    await _meter.run_bounded(body, args.deadline, lambda: {"count": meter.count, **counts})


if __name__ == "__main__":
    asyncio.run(main())
