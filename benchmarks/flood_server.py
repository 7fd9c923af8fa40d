"""A raw asyncio WebSocket server speaking enough of the Bitfinex v2 protocol to flood a client.

It does the WebSocket handshake itself and writes pre-built frame bytes in big chunks, so that the
server costs far less CPU than any client it feeds. Per connection it sends ``info`` on open, answers
``conf`` (remembering the flags), ``subscribe`` (``subscribed`` ack echoing the request with its ``subId``
and a ``chanId``, then the snapshot), ``unsubscribe`` and ``ping``. Once ``--expect`` subscriptions are
confirmed (over all connections) and ``--pause`` seconds have passed, it floods ``--total`` update frames
spread over every subscribed channel, with consecutive per-connection sequence numbers when the
connection asked for SEQ_ALL (65536). ``--mode latency`` instead sends te/tu trades at ``--rate`` frames
per second for ``--duration`` seconds, each trade ID being the send time in microseconds (time.time_ns).

Standard output: one JSON line ``{"port": N}`` when listening, one ``{"event": "flood_done", ...}`` line
(frames, bytes, build/write wall time, server CPU time) when the flood is written.

    python flood_server.py --expect 25 --total 200000
"""

import argparse
import asyncio
import json
import sys
import time
from typing import Any, Optional

import _scenarios as sc
import _wsproto as wp

SEQ_ALL = 65536
CHUNK = 1 << 20
INFO = b'{"event":"info","version":2,"serverId":"5b7f4b1a-8e2c-4c39-9f0e-benchmark0001","platform":{"status":1}}'


class Peer:
    """One client connection."""

    def __init__(self, server: "FloodServer", writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.writer = writer
        self.flags = 0
        self.seq = 0
        self.channels: list[tuple[int, str]] = []

    def send_text(self, text: str) -> None:
        self.writer.write(wp.frame(text.encode()))

    def send_list(self, middle: str) -> None:
        """A data frame ``[CHAN,...]`` given without its closing bracket's trailing sequence number."""
        if self.flags & SEQ_ALL:
            self.seq += 1
            self.send_text(f"{middle},{self.seq}]")
        else:
            self.send_text(f"{middle}]")

    def handle(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        event = message.get("event")
        if event == "conf":
            self.flags = int(message.get("flags", 0))
            self.send_text(json.dumps({"event": "conf", "status": "OK", "flags": self.flags}))
        elif event == "subscribe":
            self.subscribe(message)
        elif event == "unsubscribe":
            self.send_text(json.dumps({"event": "unsubscribed", "status": "OK", "chanId": message.get("chanId")}))
        elif event == "ping":
            self.send_text(json.dumps({"event": "pong", "ts": int(time.time() * 1000), "cid": message.get("cid")}))

    def subscribe(self, message: dict[str, Any]) -> None:
        kind = str(message.get("channel"))
        chan_id = self.server.next_chan_id()
        ack: dict[str, Any] = {"event": "subscribed", **{k: v for k, v in message.items() if k != "event"}}
        ack["chanId"] = chan_id
        if "symbol" in message:
            ack["pair"] = str(message["symbol"])[1:]
        self.send_text(json.dumps(ack))
        snapshot = self.server.snapshots.get(kind, "")
        if snapshot:
            self.send_list(f"[{chan_id},{snapshot}")
        self.channels.append((chan_id, kind))
        self.server.subscribed()

    def build_flood(self, count: int, pools: dict[str, sc.BodyPool], seed: int) -> bytes:
        """``count`` update frames over this connection's channels, as one buffer."""
        if not self.channels or count <= 0:
            return b""
        order = sc.schedule(self.channels, seed)
        prefixes = [f"[{chan_id}," for chan_id, _ in self.channels]
        kinds = [kind for _, kind in self.channels]
        bodies = {kind: pool.bodies for kind, pool in pools.items()}
        positions = {kind: seed % sc.BodyPool.SIZE for kind in pools}
        size = sc.BodyPool.SIZE
        header = wp.header
        parts: list[bytes] = []
        append = parts.append
        sequenced = bool(self.flags & SEQ_ALL)
        seq = self.seq
        n_order = len(order)
        for i in range(count):
            index = order[i % n_order]
            kind = kinds[index]
            pos = positions[kind]
            positions[kind] = pos + 1 if pos + 1 < size else 0
            if sequenced:
                seq += 1
                text = f"{prefixes[index]}{bodies[kind][pos]},{seq}]"
            else:
                text = f"{prefixes[index]}{bodies[kind][pos]}]"
            data = text.encode()
            append(header(len(data)))
            append(data)
        self.seq = seq
        return b"".join(parts)

    async def write_all(self, buffer: bytes) -> None:
        view = memoryview(buffer)
        for offset in range(0, len(view), CHUNK):
            self.writer.write(view[offset : offset + CHUNK])
            await self.writer.drain()
        # Until every byte is in the kernel: the time the server needed to hand the whole flood over.
        transport = self.writer.transport
        while transport.get_write_buffer_size() and not transport.is_closing():
            await asyncio.sleep(0.0005)


class FloodServer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.peers: list[Peer] = []
        self._chan_ids = iter(range(17_001, 10_000_000, 7))
        self._acks = 0
        self._started = False
        self.snapshots = {kind: sc.snapshot_body(kind, seed) for seed, kind in enumerate(sc.SNAPSHOT_CHANNELS)}

    def next_chan_id(self) -> int:
        return next(self._chan_ids)

    def subscribed(self) -> None:
        self._acks += 1
        if self._acks >= self.args.expect and not self._started:
            self._started = True
            asyncio.get_running_loop().call_later(self.args.pause, self._start)

    def _start(self) -> None:
        runner = self.latency if self.args.mode == "latency" else self.flood
        asyncio.get_running_loop().create_task(runner())

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer: Optional[Peer] = None
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            writer.write(wp.handshake_response(request))
            writer.transport.set_write_buffer_limits(high=4 * CHUNK)
            peer = Peer(self, writer)
            self.peers.append(peer)
            writer.write(wp.frame(INFO))
            parser = wp.FrameParser()
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for opcode, payload in parser.feed(data):
                    if opcode == wp.OP_TEXT:
                        peer.handle(json.loads(payload))
                    elif opcode == wp.OP_PING:
                        writer.write(wp.frame(payload, wp.OP_PONG))
                    elif opcode == wp.OP_CLOSE:
                        writer.write(wp.frame(payload[:2], wp.OP_CLOSE))
                        await writer.drain()
                        return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
            pass
        finally:
            writer.close()

    def _shares(self) -> list[tuple[Peer, int]]:
        peers = [peer for peer in self.peers if peer.channels]
        channels = sum(len(peer.channels) for peer in peers)
        shares, left = [], self.args.total
        for i, peer in enumerate(peers):
            share = left if i == len(peers) - 1 else self.args.total * len(peer.channels) // channels
            shares.append((peer, share))
            left -= share
        return shares

    async def flood(self) -> None:
        pools = {kind: sc.BodyPool(kind, seed) for seed, kind in enumerate(sc.WEIGHTS)}
        build_start = time.perf_counter()
        buffers = [(peer, peer.build_flood(share, pools, i * 977)) for i, (peer, share) in enumerate(self._shares())]
        build = time.perf_counter() - build_start
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(peer.write_all(buffer) for peer, buffer in buffers), return_exceptions=True)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        if self.args.close_after_flood:
            for peer, _ in buffers:
                peer.writer.close()
        self.report(frames=self.args.total, bytes=sum(len(b) for _, b in buffers), build_s=build, wall_s=wall, cpu_s=cpu)

    async def latency(self) -> None:
        """Paced te/tu trades whose ID is the send time in microseconds."""
        peers = [peer for peer in self.peers if peer.channels]
        rate, total = self.args.rate, int(self.args.rate * self.args.duration)
        cpu0, start = time.process_time(), time.perf_counter()
        sent = 0
        while sent < total:
            due = min(total, int(rate * (time.perf_counter() - start)) + 1) - sent
            for _ in range(due):
                peer = peers[sent % len(peers)]
                chan_id = peer.channels[sent % len(peer.channels)][0]
                kind = "te" if sent % 2 == 0 else "tu"
                peer.send_list(f'[{chan_id},"{kind}",[{time.time_ns() // 1000},{int(time.time() * 1000)},0.01,64000.5]')
                sent += 1
            await asyncio.sleep(0.0005)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
        self.report(frames=total, bytes=0, build_s=0.0, wall_s=wall, cpu_s=cpu)

    @staticmethod
    def report(**fields: Any) -> None:
        print(json.dumps({"event": "flood_done", **fields}), flush=True)


async def main(args: argparse.Namespace) -> None:
    server = FloodServer(args)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", args.port, backlog=256)
    port = listener.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    async with listener:
        await asyncio.sleep(args.lifetime)


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--expect", type=int, required=True, help="subscriptions to confirm before the flood")
    parser.add_argument("--total", type=int, default=200_000, help="update frames to flood")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between the last ack and the flood")
    parser.add_argument("--mode", choices=("flood", "latency"), default="flood")
    parser.add_argument("--rate", type=float, default=10_000.0, help="latency mode: frames per second")
    parser.add_argument("--duration", type=float, default=3.0, help="latency mode: seconds")
    parser.add_argument("--close-after-flood", action="store_true", help="close every connection after the flood")
    parser.add_argument("--lifetime", type=float, default=300.0, help="exit after this many seconds anyway")
    return parser.parse_args(argv)


if __name__ == "__main__":
    try:
        asyncio.run(main(parse_args()))
    except KeyboardInterrupt:
        sys.exit(0)
