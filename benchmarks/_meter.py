"""Measurement helpers for benchmark client processes (standard library only: used by both virtualenvs)."""

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from typing import Any, Optional


def rss_kib() -> int:
    """Current resident set size of this process, KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Meter:
    """Counts delivered messages; times the window from the first to the ``target``-th one."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.count = 0
        self.t0 = self.cpu0 = self.t1 = self.cpu1 = 0.0
        self.done: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()

    def hit(self, *_: Any) -> None:
        """A callback: one message delivered."""
        count = self.count = self.count + 1
        if count == 1:
            self.t0, self.cpu0 = time.perf_counter(), time.process_time()
        elif count == self.target:
            self.t1, self.cpu1 = time.perf_counter(), time.process_time()
            if not self.done.done():
                self.done.set_result(None)

    def result(self) -> dict[str, Any]:
        messages = self.target - 1
        wall = self.t1 - self.t0
        cpu = self.cpu1 - self.cpu0
        return {
            "messages": self.target,
            "wall_s": wall,
            "msg_per_s": messages / wall if wall > 0 else 0.0,
            "cpu_us_per_msg": cpu / messages * 1e6 if messages else 0.0,
            "cpu_util": cpu / wall if wall > 0 else 0.0,
            "peak_rss_mib": peak_rss_kib() / 1024,
        }


def client_args(description: str, argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--mode", choices=("ingest", "memory", "latency"), default="ingest")
    parser.add_argument("--api", choices=("callbacks", "stream"), default="callbacks")
    parser.add_argument("--decimal", action="store_true", help="our client in decimal mode (Client(decimal=True))")
    parser.add_argument("--deadline", type=float, default=90.0, help="give up after this many seconds")
    parser.add_argument("--profile", default="", help="write a cProfile of the run to this file")
    return parser.parse_args(argv)


def emit(result: dict[str, Any]) -> None:
    """Print the result line and leave at once (no teardown to wait for: the driver owns the server)."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)


class Latencies:
    """Send-to-callback delays from trade IDs stamped with the server's time.time_ns() // 1000."""

    def __init__(self, target: int, warmup: int) -> None:
        self.samples: list[int] = []
        self.target, self.warmup = target, warmup
        self.seen = 0
        self.done: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()

    def stamp(self, sent_us: int) -> None:
        now = time.time_ns() // 1000
        self.seen += 1
        if self.seen > self.warmup:
            self.samples.append(now - sent_us)
        if self.seen >= self.target and not self.done.done():
            self.done.set_result(None)

    def result(self) -> dict[str, Any]:
        ordered = sorted(self.samples)
        if not ordered:
            return {"error": "no samples"}

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] / 1000.0

        return {"samples": len(ordered), "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": ordered[-1] / 1000.0}


async def run_bounded(main: Any, deadline: float, progress: Optional[Any] = None) -> None:
    """Run ``main()`` for at most ``deadline`` seconds; on a timeout or an error, report it (with
    ``progress()``, a dict, when given) instead of a result."""
    def extra() -> dict[str, Any]:
        return dict(progress()) if progress is not None else {}

    try:
        await asyncio.wait_for(main(), deadline)
    except asyncio.TimeoutError:
        emit({"error": f"timed out after {deadline:g} s", **extra()})
    except Exception as error:  # noqa: BLE001 - reported to the driver
        emit({"error": f"{type(error).__name__}: {error}", **extra()})
