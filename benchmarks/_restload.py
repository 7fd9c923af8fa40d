"""Load loops for the REST benchmark: async (floor, ours) and threaded (official), time-bounded.

Standard library only (used by both virtualenvs). Requests started in the first ``warmup`` seconds are not
counted (connections are being opened).
"""

import argparse
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Optional

ENDPOINTS = ("ticker", "book", "candles", "wallets", "candles10k")
API_KEY, API_SECRET = "bench-key", "bench-secret"


def args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--endpoint", choices=ENDPOINTS, required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=1.5)
    parser.add_argument("--warmup", type=float, default=0.3)
    parser.add_argument("--impl", default="")
    parser.add_argument("--limit", type=int, default=0, help="connection pool size (0: the implementation's)")
    parser.add_argument("--profile", default="", help="write a cProfile of the run to this file (async clients)")
    return parser.parse_args()


class Recorder:
    def __init__(self, warmup: float, duration: float) -> None:
        now = time.perf_counter()
        self.start, self.end = now + warmup, now + warmup + duration
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error: Optional[str] = None
        self.lock = threading.Lock()
        #: the process's CPU time at the start and the end of the measured window (set by the runner)
        self.cpu: list[float] = []

    def record(self, began: float, error: Optional[BaseException]) -> None:
        if began < self.start:
            return
        if error is None:
            self.latencies.append(time.perf_counter() - began)
        else:
            with self.lock:
                self.errors += 1
                if self.first_error is None:
                    self.first_error = f"{type(error).__name__}: {str(error)[:160]}"

    def result(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        window = max(self.end - self.start, 1e-9)
        out: dict[str, Any] = {"requests": len(ordered), "errors": self.errors, "req_per_s": len(ordered) / window}
        if ordered:
            out["p50_ms"] = ordered[len(ordered) // 2] * 1000
            out["p99_ms"] = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        if len(self.cpu) == 2 and ordered:
            # This process's CPU time per request over the window: steadier than req/s on a shared machine.
            out["cpu_us_per_req"] = (self.cpu[1] - self.cpu[0]) / len(ordered) * 1e6
        if self.first_error:
            out["first_error"] = self.first_error
        return out

    def sample_cpu(self) -> None:
        self.cpu.append(time.process_time())


async def run_async(call: Callable[[], Awaitable[Any]], concurrency: int, warmup: float,
                    duration: float) -> dict[str, Any]:
    recorder = Recorder(warmup, duration)

    async def worker() -> None:
        clock = time.perf_counter
        while clock() < recorder.end:
            began = clock()
            try:
                await call()
            except Exception as error:  # noqa: BLE001 - counted and reported
                recorder.record(began, error)
            else:
                recorder.record(began, None)

    async def cpu_clock() -> None:
        await asyncio.sleep(max(0.0, recorder.start - time.perf_counter()))
        recorder.sample_cpu()
        await asyncio.sleep(max(0.0, recorder.end - time.perf_counter()))
        recorder.sample_cpu()

    await asyncio.wait_for(asyncio.gather(cpu_clock(), *(worker() for _ in range(concurrency))),
                           warmup + duration + 30)
    return recorder.result()


def run_threads(call: Callable[[], Any], concurrency: int, warmup: float, duration: float) -> dict[str, Any]:
    recorder = Recorder(warmup, duration)

    def worker() -> None:
        clock = time.perf_counter
        while clock() < recorder.end:
            began = clock()
            try:
                call()
            except Exception as error:  # noqa: BLE001 - counted and reported
                recorder.record(began, error)
            else:
                recorder.record(began, None)

    def cpu_clock() -> None:
        time.sleep(max(0.0, recorder.start - time.perf_counter()))
        recorder.sample_cpu()
        time.sleep(max(0.0, recorder.end - time.perf_counter()))
        recorder.sample_cpu()

    with ThreadPoolExecutor(max_workers=concurrency + 1) as pool:
        futures = [pool.submit(cpu_clock), *(pool.submit(worker) for _ in range(concurrency))]
        for future in futures:
            future.result(timeout=warmup + duration + 30)
    return recorder.result()
