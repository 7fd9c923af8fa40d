"""cProfile of our client's hot path in each WebSocket ingest scenario (callbacks, and streams on the
mixed 100-channel scenario): the top functions by own time, with file:line. cProfile slows everything
down several times; read the ranking, not the absolute numbers.

    python3 benchmarks/ws_profile.py [--total 200000] [--top 12]
"""

import argparse
import io
import pstats
import tempfile
from pathlib import Path

import _procs
import _scenarios as sc
from ws_ingest import run_one

CASES = (("book", "callbacks"), ("trades", "callbacks"), ("mixed25", "callbacks"), ("mixed100", "callbacks"),
         ("mixed100", "stream"))


def top(path: Path, count: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("tottime").print_stats(count)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return "\n".join(line.replace(root, "") for line in lines[start:] if line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=200_000)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for scenario, api in CASES:
            path = Path(folder) / f"{scenario}-{api}.prof"
            result = run_one(_procs.OURS_PYTHON, "client_ours.py", scenario, args.total,
                             ["--api", api, "--profile", str(path)], 120)
            print(f"\n### {sc.SCENARIOS[scenario].description}, {api} "
                  f"({result.get('msg_per_s', 0):,.0f} msg/s under cProfile{result.get('error', '')})\n")
            print("```")
            print(top(path, args.top) if path.exists() else "no profile written")
            print("```")


if __name__ == "__main__":
    main()
