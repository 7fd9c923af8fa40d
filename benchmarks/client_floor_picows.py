"""The fast floor: a bare ``picows`` receive loop doing ``orjson.loads`` on each text frame and nothing else.

What the fastest WebSocket stack in Python can do with the flood before any typing: a picows listener (frames handed
over in a callback, no queue, no task switch) decoding each frame with orjson, counting the data frames. Same
``conf`` flags and subscribe requests as ``client_floor.py``, so the same bytes. Run by ws_ingest.py.
"""

import asyncio
import gc
import json
import uuid
from typing import Any

import orjson
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

import _meter
import _scenarios as sc
from client_floor import FLAGS

TEXT = WSMsgType.TEXT


class Reader(WSListener):
    """Counts the data frames of one connection once its snapshots have gone by; the first frame (``info``) opens
    it: ``greeted`` is set then."""

    def __init__(self, meter: _meter.Meter, skip: list[int]) -> None:
        super().__init__()
        self.hit = meter.hit
        self.skip = skip
        self.greeted = asyncio.get_running_loop().create_future()
        self.reading = False

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type is not TEXT:
            return
        data = orjson.loads(frame.get_payload_as_bytes())  # pylint: disable=no-member
        if not self.reading:
            self.reading = True
            self.greeted.set_result(data)
        elif data.__class__ is list:
            if self.skip[0]:
                self.skip[0] -= 1
            else:
                self.hit()


async def main() -> None:
    args = _meter.client_args(__doc__ or "")
    if args.mode == "latency":
        raise SystemExit("client_floor_picows.py measures ingest and memory only")
    scenario = sc.SCENARIOS[args.scenario]
    url = f"ws://127.0.0.1:{args.port}/ws/2"
    specs = list(scenario.channels)
    per = -(-len(specs) // scenario.connections)
    baseline = _meter.rss_kib()
    meter = _meter.Meter(args.total)
    skip = [sc.snapshot_count(scenario)]

    async def open_connection(chunk: list[dict[str, Any]]) -> WSTransport:
        transport, reader = await ws_connect(lambda: Reader(meter, skip), url, max_frame_size=16 * 1024 * 1024)
        info = await reader.greeted
        assert info.get("event") == "info", info
        transport.send(TEXT, json.dumps({"event": "conf", "flags": FLAGS}))
        for spec in chunk:
            transport.send(TEXT, json.dumps({"event": "subscribe", **spec, "subId": str(uuid.uuid4())}))
        return transport

    async def body() -> None:
        sockets = [await open_connection(specs[i : i + per]) for i in range(0, len(specs), per)]
        if args.mode == "memory":
            while skip[0]:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            gc.collect()
            _meter.emit({"rss_mib": _meter.rss_kib() / 1024, "baseline_mib": baseline / 1024,
                         "readers": len(sockets)})
        await meter.done
        _meter.emit({**meter.result(), "tasks": len(sockets)})

    await _meter.run_bounded(body, args.deadline, lambda: {"count": meter.count})


if __name__ == "__main__":
    asyncio.run(main())
