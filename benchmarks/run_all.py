"""Run every benchmark (WebSocket ingest, REST, memory, latency), print their tables, and write them to
benchmarks/results/latest.md. About 7-8 minutes on 2 cores with the defaults; every step is bounded.

    python3 benchmarks/run_all.py [--runs 3] [--total 200000]
"""

import argparse
import sys
import time

import _report as rp
import rest_bench
import ws_ingest
import ws_latency
import ws_memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--total", type=int, default=200_000)
    args = parser.parse_args()
    started = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    sections = [f"Machine: {rp.machine()}"]
    capacity = ws_ingest.server_capacity(args.total, progress)
    ingest = ws_ingest.measure(args.runs, args.total, ws_ingest.SCENARIOS, progress)
    rp.save("ws_ingest", {"results": ingest, "capacity": capacity, "machine": rp.machine()})
    sections.append(ws_ingest.render(ingest, capacity, args.runs, args.total))
    print(sections[-1], flush=True)
    rest = rest_bench.measure(args.runs, 1.5, progress)
    decode = rest_bench.measure_decode(args.runs, 30, progress)
    rp.save("rest", {"results": rest, "decode": decode, "machine": rp.machine()})
    sections.append(rest_bench.render(rest, args.runs, 1.5))
    sections.append(rest_bench.render_decode(decode, 30))
    print(sections[-2], sections[-1], sep="\n\n", flush=True)
    progress("memory")
    memory = ws_memory.measure(args.runs)
    rp.save("ws_memory", {"results": memory, "machine": rp.machine()})
    sections.append(ws_memory.render(memory, args.runs))
    print(sections[-1], flush=True)
    progress("latency")
    latency = ws_latency.measure(args.runs, 10_000.0, 3.0)
    rp.save("ws_latency", {"results": latency, "machine": rp.machine()})
    sections.append(ws_latency.render(latency, args.runs, 10_000.0))
    print(sections[-1], flush=True)
    sections.append(f"Total time: {time.monotonic() - started:.0f} s")
    (rp.HERE / "results").mkdir(exist_ok=True)
    (rp.HERE / "results" / "latest.md").write_text("\n\n".join(sections) + "\n")
    print(sections[-1])


if __name__ == "__main__":
    main()
