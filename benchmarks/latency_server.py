"""The latency benchmark's server: flood_server.py's WebSocket server, paced, stamping every frame.

Per connection it answers ``conf``/``subscribe`` like flood_server.py (its ``FloodServer``, reused as it is). Once
``--expect`` subscriptions are confirmed and ``--pause`` seconds have passed, it sends ``--rate`` te/tu trades per
second for ``--duration`` seconds, round-robin over every connection and every channel of each connection
(consecutive sequence numbers per connection when it asked for SEQ_ALL, as Bitfinex sends them).

Timestamps: each trade's ID is ``time.monotonic_ns() // 1000`` taken when its batch is built, just before the
batch is written to the socket. The client subtracts it from its own ``time.monotonic_ns() // 1000`` in the
callback: Linux's CLOCK_MONOTONIC is one clock for every process of a machine (not adjusted by NTP steps), so
both ends read the same clock. Pacing: every ~0.2 ms the server builds the frames due since the last batch (at
100,000 msg/s, about 20-100 frames) and writes them with one ``write`` per connection; the wait of a frame for its
batch is not counted (it is stamped at the write), building a batch is (a few µs per frame at most).

Standard output: ``{"port": N}`` when listening, then ``{"event": "flood_done", ...}`` when every frame is
written: ``frames``, ``wall_s``, ``sent_rate`` (what the server achieved), ``cpu_s`` and ``max_buffered`` (the
largest number of bytes the server had to keep in user space because the client's socket was full: non-zero
means the client did not keep up).

    python latency_server.py --expect 100 --rate 50000 --duration 2
"""

import asyncio
import sys
import time
from typing import Any

import _wsproto as wp
import flood_server as fs


class LatencyServer(fs.FloodServer):
    """``FloodServer`` whose run after the subscriptions is the paced, stamped one described above."""

    def _start(self) -> None:
        asyncio.get_running_loop().create_task(self.paced())

    async def paced(self) -> None:
        peers = [peer for peer in self.peers if peer.channels]
        rate, total = self.args.rate, int(self.args.rate * self.args.duration)
        n_peers = len(peers)
        header = wp.header
        cpu0, start = time.process_time(), time.monotonic()
        sent = max_buffered = 0
        while sent < total:
            due = min(total, int(rate * (time.monotonic() - start)) + 1) - sent
            if due > 0:
                stamp = time.monotonic_ns() // 1000
                mts = time.time_ns() // 1_000_000
                parts: list[list[bytes]] = [[] for _ in peers]
                for i in range(sent, sent + due):
                    index = i % n_peers
                    peer = peers[index]
                    chan_id = peer.channels[(i // n_peers) % len(peer.channels)][0]
                    kind = "te" if i % 2 == 0 else "tu"
                    if peer.flags & fs.SEQ_ALL:
                        peer.seq += 1
                        text = f'[{chan_id},"{kind}",[{stamp},{mts},0.01,64000.5],{peer.seq}]'
                    else:
                        text = f'[{chan_id},"{kind}",[{stamp},{mts},0.01,64000.5]]'
                    data = text.encode()
                    parts[index] += (header(len(data)), data)
                for peer, chunks in zip(peers, parts):
                    if chunks:
                        peer.writer.write(b"".join(chunks))
                        max_buffered = max(max_buffered, peer.writer.transport.get_write_buffer_size())
                sent += due
            await asyncio.sleep(0.0002)
        wall, cpu = time.monotonic() - start, time.process_time() - cpu0
        self.report(frames=total, bytes=0, build_s=0.0, wall_s=wall, cpu_s=cpu, sent_rate=total / wall,
                    max_buffered=max_buffered)


async def main(args: Any) -> None:
    server = LatencyServer(args)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", args.port, backlog=256)
    print(fs.json.dumps({"port": listener.sockets[0].getsockname()[1]}), flush=True)
    async with listener:
        await asyncio.sleep(args.lifetime)


if __name__ == "__main__":
    try:
        asyncio.run(main(fs.parse_args()))
    except KeyboardInterrupt:
        sys.exit(0)
