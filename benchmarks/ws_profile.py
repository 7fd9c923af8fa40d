"""Where our client's WebSocket hot path spends its time, two ways.

1. End to end (the default): cProfile of a client process in each ``ws_ingest.py`` scenario (callbacks, and
   streams on the mixed 100-channel scenario), the top functions by own time, with file:line. cProfile slows
   everything down several times; read the ranking, not the absolute numbers.
2. In one process (``--in-process``): the client's per-frame path above the socket (the receive loop, one JSON
   decode, the sequence audit, routing, the channel handler, the typed object, the emit, a callback) fed from
   memory with each scenario's update frames, as ``stats_overhead.py`` does: CPU µs per frame (median of
   ``--rounds`` rounds, no profiler), then the cProfile ranking of one more round. No socket and no other process:
   repeatable on a busy machine, and small enough to run under callgrind (instruction counts)::

       valgrind --tool=callgrind --trace-children=yes python3 benchmarks/ws_profile.py --in-process \\
           --scenarios trades --rounds 1 --no-cprofile

   (``--trace-children``: ``python3`` may be a wrapper script, as pyenv's is; the instructions of the frames are
   the difference between two runs with different ``--rounds``, the imports and setup being the same)

Both ways profile the bfxapi of the repository this script lives in (client processes get it on their
``PYTHONPATH``), so a work tree measures its own code. ``--json json`` runs the client with the standard library's
decoder instead of orjson (what a default install without extras uses).

    python3 benchmarks/ws_profile.py [--total 200000] [--top 12]
    python3 benchmarks/ws_profile.py --in-process [--scenarios book,trades,mixed25] [--frames 50000] [--rounds 7]
"""

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _procs
import _scenarios as sc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(1, str(ROOT))  # this repository's bfxapi, before an installed one

CASES = (("book", "callbacks"), ("trades", "callbacks"), ("mixed25", "callbacks"), ("mixed100", "callbacks"),
         ("mixed100", "stream"))


def top(source: Any, count: int) -> str:
    """The ``count`` functions with the most own time of a profile (a file or a ``cProfile.Profile``)."""
    out = io.StringIO()
    stats = pstats.Stats(source if isinstance(source, cProfile.Profile) else str(source), stream=out)
    stats.sort_stats("tottime").print_stats(count)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    return "\n".join(line.replace(str(ROOT) + "/", "") for line in lines[start:] if line.strip())


def end_to_end(args: argparse.Namespace) -> None:
    from ws_ingest import run_one  # pylint: disable=import-outside-toplevel

    clean_env = _procs.client_env

    def env(python: str) -> dict[str, str]:
        # the client processes import this repository's bfxapi (and no orjson with --json json)
        variables = clean_env(python)
        variables["PYTHONPATH"] = os.pathsep.join([*([_no_orjson()] if args.json == "json" else []), str(ROOT)])
        return variables

    _procs.client_env = env
    with tempfile.TemporaryDirectory() as folder:
        for scenario, api in CASES:
            if args.scenarios and scenario not in args.scenarios:
                continue
            path = Path(folder) / f"{scenario}-{api}.prof"
            result = run_one(_procs.OURS_PYTHON, "client_ours.py", scenario, args.total,
                             ["--api", api, "--profile", str(path)], 120)
            print(f"\n### {sc.SCENARIOS[scenario].description}, {api} "
                  f"({result.get('msg_per_s', 0):,.0f} msg/s under cProfile, {result.get('json')}"
                  f"{result.get('error', '')})\n")
            print("```")
            print(top(path, args.top) if path.exists() else "no profile written")
            print("```")


def _no_orjson() -> str:
    """A folder whose ``orjson`` module fails to import: put first on the path, the client falls back to json."""
    folder = Path(tempfile.gettempdir()) / "bfxapi-bench-no-orjson"
    folder.mkdir(exist_ok=True)
    (folder / "orjson.py").write_text('raise ImportError("orjson hidden by ws_profile.py --json json")\n')
    return str(folder)


async def in_process(args: argparse.Namespace) -> None:
    """The per-frame path above the socket, fed from memory (see the module docstring)."""
    # pylint: disable=import-outside-toplevel,protected-access
    from aiohttp import WSMessage, WSMsgType

    from bfxapi._utils import json_decoder
    from stats_overhead import frames_of, subscribed_bucket

    loads = json_decoder.json_loads if args.json == "json" else json_decoder.loads
    print(f"bfxapi from {Path(json_decoder.__file__).parents[2]}, JSON: "
          f"{'json' if loads is json_decoder.json_loads else 'orjson'}")
    for scenario in args.scenarios or ("book", "trades", "mixed25"):
        bucket, delivered = subscribed_bucket(scenario, loads)
        messages = [WSMessage(WSMsgType.TEXT, text, None) for text in frames_of(scenario, args.frames)]

        class Socket:  # what _receive uses of a transport: pump(on_text, on_other), as the aiohttp one runs it
            async def pump(self, on_text: Any, on_other: Any) -> None:
                for message in messages:
                    if message.type is not WSMsgType.TEXT:
                        on_other(message.data, "unexpected frame")
                    elif on_text(message.data):
                        return

        async def round_(profiler: Any = None) -> float:
            bucket._audit.reset()
            delivered[0] = 0
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            await bucket._receive(Socket())  # type: ignore[arg-type]
            if profiler is not None:
                profiler.disable()
            took = time.process_time() - started
            if delivered[0] != args.frames:
                raise SystemExit(f"{scenario}: {delivered[0]} delivered of {args.frames}")
            return took

        await round_()  # warm up
        # The cyclic garbage collector stays out of the rounds: where a full collection falls is chance, not the
        # code, and under callgrind one collection costs as many instructions as thousands of frames. The path
        # makes no cycles: what a round allocates is freed by reference counting.
        gc.collect()
        gc.disable()
        seconds = [await round_() for _ in range(args.rounds)]
        gc.enable()
        best = statistics.median(seconds)
        print(f"\n### {sc.SCENARIOS[scenario].description}: {best / args.frames * 1e6:.3f} µs per frame "
              f"(median of {args.rounds} rounds of {args.frames:,}; fastest {min(seconds) / args.frames * 1e6:.3f})")
        if not args.no_cprofile:
            profiler = cProfile.Profile()
            await round_(profiler)
            print("\n```")
            print(top(profiler, args.top))
            print("```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--scenarios", type=lambda text: tuple(s for s in text.split(",") if s), default=())
    parser.add_argument("--json", choices=("default", "json"), default="default",
                        help="json: the standard library's decoder instead of orjson")
    parser.add_argument("--in-process", action="store_true", help="the per-frame path fed from memory")
    parser.add_argument("--frames", type=int, default=50_000, help="--in-process: frames per round")
    parser.add_argument("--rounds", type=int, default=7, help="--in-process: timed rounds")
    parser.add_argument("--no-cprofile", action="store_true", help="--in-process: timings only (for callgrind)")
    args = parser.parse_args()
    if args.in_process:
        asyncio.run(in_process(args))
    else:
        end_to_end(args)


if __name__ == "__main__":
    main()
