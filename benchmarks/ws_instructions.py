"""WebSocket ingest in CPU instructions per message: the same floods and clients as ``ws_ingest.py``, each client run
under valgrind's callgrind, which counts the instructions the client process executes.

Why a second measure: on a shared machine the messages per second of ``ws_ingest.py`` move by 10-15 % between run
sets, more than most single changes to the hot path. An instruction count does not depend on the load, the clock
speed or the neighbours: the same code and the same flood give the same count, to a fraction of a percent (hash
seeds are fixed). Instructions are not time (a cache miss costs many, a memcpy few), so the two measures go together:
``ws_ingest.py`` says what a user gets, this script says whether a change to the code made it cheaper.

Each client runs twice, on a flood of ``--total`` and of twice as many update frames, and the count per message is
the difference over the extra frames: start-up, imports, subscribing and the snapshots cancel out, and what is left
is the cost of one update frame in the whole process (the transport, the event loop, the decoder, our code and the
callback). Under callgrind a client runs about 50 times slower, so the server's frames queue in the socket and every
read is a full buffer, as in a flood.

    python3 benchmarks/ws_instructions.py [--scenarios book,trades] [--clients floor,floor-picows,ours-picows]
                                          [--total 20000]

Needs valgrind (``apt install valgrind``). About a minute per client and scenario.
"""

import argparse
import re
import shutil
import subprocess
import sys
from typing import Optional

import _procs
import _report as rp
import _scenarios as sc
from ws_ingest import CLIENTS, SCENARIOS

#: the clients measured by default: the floors and ours with each transport and decoder (the official client runs
#: in its own virtualenv and is not measured here; streams and decimal mode can be asked for)
DEFAULT_CLIENTS = ("floor", "floor-picows", "ours-json", "ours", "ours-picows")
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def count(script: str, extra: list[str], scenario: str, total: int, deadline: float) -> Optional[int]:
    """The instructions one client process executes on a flood of ``total`` update frames (None if it failed)."""
    expect = str(len(sc.SCENARIOS[scenario].channels))
    with _procs.Server("flood_server.py", ["--expect", expect, "--total", str(total), "--lifetime", str(deadline)]
                       ) as server:
        args = ["--port", str(server.port), "--scenario", scenario, "--total", str(total), "--deadline", str(deadline)]
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", _procs.OURS_PYTHON,
                   str(_procs.HERE / script), *args, *extra]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=deadline + 30, cwd=_procs.HERE,
                                  env=_procs.client_env(_procs.OURS_PYTHON), check=False)
        except subprocess.TimeoutExpired:
            return None
    found = _COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found or '"messages"' not in done.stdout:
        return None
    return int(found[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--clients", default=",".join(DEFAULT_CLIENTS))
    parser.add_argument("--total", type=int, default=20_000, help="update frames of the shorter flood")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds a client may take under valgrind")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    known = {label: (script, extra) for label, script, extra in CLIENTS if label != "official"}
    clients = [name for name in args.clients.split(",") if name]
    unknown = [name for name in clients if name not in known]
    if unknown:
        raise SystemExit(f"unknown clients {unknown}; known: {sorted(known)}")
    headers = ["scenario", "client", "instructions/msg", "vs floor", "vs floor-picows"]
    rows = []
    for scenario in args.scenarios.split(","):
        per: dict[str, Optional[float]] = {}
        for name in clients:
            script, extra = known[name]
            short = count(script, extra, scenario, args.total, args.deadline)
            long = count(script, extra, scenario, 2 * args.total, args.deadline)
            per[name] = (long - short) / args.total if short is not None and long is not None else None
            print(f"{scenario:8} {name:12} {rp.fmt(per[name])} instructions per message", file=sys.stderr, flush=True)
        for index, name in enumerate(clients):
            value = per[name]
            # fewer instructions is faster: a ratio above 1 means cheaper than the reference, as in ws_ingest.py
            rows.append([scenario if index == 0 else "", name, rp.fmt(value),
                         rp.ratio(per.get("floor"), value) if value else "",
                         rp.ratio(per.get("floor-picows"), value) if value else ""])
    print(f"WebSocket ingest, CPU instructions per update frame in the client process (callgrind; the difference "
          f"between floods of {args.total:,} and {2 * args.total:,} frames); {rp.machine()}\n")
    print(rp.table(headers, rows))
    print("\nvs floor / vs floor-picows: the reference's instructions per message over the client's (above 1: "
          "cheaper than the reference)")


if __name__ == "__main__":
    main()
