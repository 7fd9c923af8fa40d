"""A sink: raw socket, no WebSocket parsing, reads and discards bytes until the server closes.

It measures how fast the flood server can hand a flood over (run with ``--close-after-flood``), i.e. the
ceiling the server puts on any client. Same conf flags and subscriptions as our client.
"""

import json
import socket
import time
import uuid

import _meter
import _scenarios as sc
import _wsproto as wp

FLAGS = 65536 + 131072


def run(port: int, scenario: sc.Scenario) -> dict[str, float]:
    specs = list(scenario.channels)
    per = -(-len(specs) // scenario.connections)
    sockets = []
    for i in range(0, len(specs), per):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(wp.handshake_request("127.0.0.1", port))
        sock.sendall(wp.masked_frame(json.dumps({"event": "conf", "flags": FLAGS}).encode()))
        for spec in specs[i : i + per]:
            sub = {"event": "subscribe", **spec, "subId": str(uuid.uuid4())}
            sock.sendall(wp.masked_frame(json.dumps(sub).encode()))
        sockets.append(sock)
    received, first, last = 0, 0.0, 0.0
    for sock in sockets:  # sequentially: the server writes into every socket at once, the kernel buffers
        previous = time.perf_counter()
        while True:
            data = sock.recv(1 << 20)
            now = time.perf_counter()
            if not data:
                break
            if not first and now - previous > 0.2:  # the flood starts after the server's pause
                first = now
            if first:
                received += len(data)
            previous = last = now
        sock.close()
    wall = last - first
    return {"bytes": received, "wall_s": wall, "mib_per_s": received / wall / 2**20 if wall else 0.0}


def main() -> None:
    args = _meter.client_args(__doc__ or "")
    result = run(args.port, sc.SCENARIOS[args.scenario])
    result["msg_per_s"] = args.total / result["wall_s"] if result["wall_s"] else 0.0
    _meter.emit(result)


if __name__ == "__main__":
    main()
