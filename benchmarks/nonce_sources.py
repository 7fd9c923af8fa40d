"""Cost of a nonce: ``NonceGenerator.next()`` (one process) against ``FileNonce.next()`` (shared through a
file under ``flock``), and of the cross-process hold the REST client takes around each signed request with a
``FileNonce`` (uncontended: open, ``flock``, close). Medians over ``--runs`` runs of ``--calls`` calls each,
in microseconds per call; the file lives in a temporary directory (``--dir`` to put it elsewhere, e.g. on
the file system your processes would share).

    python3 benchmarks/nonce_sources.py [--runs 7] [--calls 20000] [--dir /tmp]
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from bfxapi._utils.nonce import FileNonce, NonceGenerator


def per_call(function: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls * 1e6


async def hold_per_call(source: NonceGenerator, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        async with source.hold():
            pass
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as directory:
        memory = NonceGenerator()
        shared = FileNonce(Path(directory) / "key.nonce")
        rows = {"NonceGenerator.next()": [], "FileNonce.next()": [], "NonceGenerator.hold() enter+exit": [],
                "FileNonce.hold() enter+exit": []}
        for _ in range(args.runs):
            rows["NonceGenerator.next()"].append(per_call(memory.next, args.calls))
            rows["FileNonce.next()"].append(per_call(shared.next, args.calls))
            rows["NonceGenerator.hold() enter+exit"].append(asyncio.run(hold_per_call(memory, args.calls)))
            rows["FileNonce.hold() enter+exit"].append(asyncio.run(hold_per_call(shared, args.calls)))
        shared.close()
    print(f"| source | median µs per call ({args.runs} runs x {args.calls} calls) | min | max |")
    print("|---|---|---|---|")
    for name, values in rows.items():
        print(f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")


if __name__ == "__main__":
    main()
