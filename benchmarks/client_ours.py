"""Our client (``bfxapi``): typed events through callbacks (``bfx.wss.on``) or streams (``bfx.wss.stream``).

Default options, as a user gets them: SEQ_ALL + OB_CHECKSUM, orjson when installed. Also reports the
``reconnection`` and ``invalid_message`` events seen (a sequence gap makes our client reconnect). ``--decimal``:
decimal mode (``Client(decimal=True)``: numbers decoded as ``Decimal`` from their text, msgspec when installed).

``--transport aiohttp|picows|auto`` picks the WebSocket transport (``WebSocketOptions.transport``; aiohttp unless
asked, so that *ours* means the same in every script and in earlier results; *ours-picows* in ws_ingest.py); ``--no-orjson`` hides orjson (and msgspec) from bfxapi,
as a default install without the ``speedups`` extra has them (*ours-json*). The ``bfxapi`` measured is the one of
the clone this script is in, not whichever one is installed.

With ``BFX_BENCH_STATS=off`` in the environment (``stats_overhead.py`` sets it), the receive loop runs without
the counters behind ``bfx.wss.stats()``: the same loop, rebuilt from its source minus the counter lines, so the
comparison always measures the real loop with and without them.
"""

import argparse
import asyncio
import cProfile
import gc
import inspect
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

# The clone's own bfxapi (before any installed one), and the options only this client has, taken out of argv first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_OWN = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
_OWN.add_argument("--transport", choices=("auto", "aiohttp", "picows"), default="aiohttp")
_OWN.add_argument("--no-orjson", action="store_true")
OWN, ARGV = _OWN.parse_known_args()
if OWN.no_orjson:
    sys.modules["orjson"] = None  # type: ignore[assignment]  # import orjson now raises ImportError
    sys.modules["msgspec"] = None  # type: ignore[assignment]

# pylint: disable=wrong-import-position
from bfxapi import Client
from bfxapi._utils.json_decoder import BACKEND, DECIMAL_BACKEND
from bfxapi.websocket import WebSocketOptions

import _meter  # noqa: E402
import _scenarios as sc  # noqa: E402

#: the statements of the frame function that keep stats() counters, removed when BFX_BENCH_STATS=off
STATS_LINES = ("self.frames_received += 1", "self.bytes_received += size")


def compile_frame_handler(without_stats: bool) -> Any:
    """``Connection._frame_handler`` (what builds the function every frame goes through) compiled again from its
    source, without ``STATS_LINES`` if asked (both sides of a comparison are compiled the same way, so that only
    those lines differ)."""
    from bfxapi.websocket import _connection  # pylint: disable=import-outside-toplevel

    source = textwrap.dedent(inspect.getsource(_connection.Connection._frame_handler))
    lines = source.splitlines()
    kept = [line for line in lines if not (without_stats and line.strip() in STATS_LINES)]
    if without_stats and len(lines) - len(kept) != len(STATS_LINES):
        raise SystemExit(f"the frame function no longer has the counter lines {STATS_LINES}: update client_ours.py")
    namespace = dict(vars(_connection))
    exec("\n".join(kept), namespace)  # pylint: disable=exec-used
    return namespace["_frame_handler"]


def compile_receive(without_stats: bool) -> Any:
    """A ``Connection._receive`` whose frame function is :func:`compile_frame_handler`'s; it takes a transport, or
    anything with aiohttp's ``receive()`` (stats_overhead.py's in-memory socket)."""
    from bfxapi.websocket._transport_aiohttp import AiohttpTransport  # pylint: disable=import-outside-toplevel

    frame_handler = compile_frame_handler(without_stats)

    async def _receive(self: Any, ws: Any) -> None:
        transport = ws if hasattr(ws, "pump") else AiohttpTransport(ws)
        await transport.pump(frame_handler(self), self._invalid)  # pylint: disable=protected-access

    return _receive


def receive_without_stats() -> None:
    """Replace ``Connection._frame_handler`` with the same code without ``STATS_LINES``."""
    from bfxapi.websocket import _connection  # pylint: disable=import-outside-toplevel

    _connection.Connection._frame_handler = compile_frame_handler(without_stats=True)


async def main() -> None:
    args = _meter.client_args(__doc__ or "", ARGV)
    if os.environ.get("BFX_BENCH_STATS") == "off":
        receive_without_stats()
    scenario = sc.SCENARIOS[args.scenario]
    baseline = _meter.rss_kib()
    meter = _meter.Meter(args.total)
    latencies = _meter.Latencies(args.total, args.total // 10)
    problems: dict[str, int] = {"reconnection": 0, "invalid_message": 0, "wss-error": 0}
    bfx = Client(wss_host=f"ws://127.0.0.1:{args.port}/ws/2", decimal=args.decimal,
                 wss_options=WebSocketOptions(transport=OWN.transport))
    wss = bfx.wss
    snapshots = [0]

    def problem(name: str) -> Any:
        def count(*_: Any) -> None:
            problems[name] += 1

        return count

    for name in problems:
        wss.on(name, callback=problem(name))
    wss.on("t_book_snapshot", "t_trades_snapshot", "candles_snapshot",
           callback=lambda *_: snapshots.__setitem__(0, snapshots[0] + 1))
    profiler = cProfile.Profile() if args.profile else None

    def finish(result: dict[str, Any]) -> None:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        # frames the stats counters saw: 0 when they were taken out (BFX_BENCH_STATS=off)
        _meter.emit({**result, **problems, "json": DECIMAL_BACKEND if args.decimal else BACKEND,
                     "decimal": args.decimal, "frames_counted": wss.stats().frames_received,
                     "transport": wss._transport})  # pylint: disable=protected-access

    async def consume(spec: dict[str, Any]) -> None:
        updates = frozenset(sc.UPDATE_EVENTS)
        hit = meter.hit
        async with wss.stream(**spec) as stream:
            async for event, _data in stream:
                if event in updates:
                    hit()

    async def body() -> None:
        await wss.connect(connections=scenario.connections)
        if args.mode == "latency":
            wss.on("t_trade_execution", "t_trade_execution_update", callback=lambda _s, t: latencies.stamp(t.id))
        elif args.api == "callbacks":
            wss.on(*sc.UPDATE_EVENTS, callback=meter.hit)
        if profiler is not None:
            profiler.enable()
        if args.api == "stream":
            tasks = [asyncio.ensure_future(consume(spec)) for spec in scenario.channels]
            done, _ = await asyncio.wait([meter.done, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task is not meter.done and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        else:
            await asyncio.gather(*(wss.subscribe(**spec) for spec in scenario.channels))
        if args.mode == "memory":
            while snapshots[0] < sc.snapshot_count(scenario):
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            gc.collect()
            finish({"rss_mib": _meter.rss_kib() / 1024, "baseline_mib": baseline / 1024})
        if args.mode == "latency":
            await latencies.done
            finish(latencies.result())
        await meter.done
        finish(meter.result())

    await _meter.run_bounded(body, args.deadline, lambda: {"count": meter.count, **problems})


if __name__ == "__main__":
    asyncio.run(main())
