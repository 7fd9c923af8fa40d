"""Recording a session: connect to a ``wss://`` host (Bitfinex's public one by default), subscribe to the chosen
channels and write every frame with its arrival time to a recording (:mod:`.format`), for a duration.

The recorder asks for SEQ_ALL and OB_CHECKSUM (``conf`` flags 196608): sequence numbers reveal a lost frame, and
the checksums are verified against the book it rebuilds as it records, so that a recording is known to be whole
(:class:`RecordingSummary`). A plain ``aiohttp`` client: the simulator never imports bfxapi's client.
"""

import asyncio
import json
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

import aiohttp

from ..wire.frames import FLAG_OB_CHECKSUM, FLAG_SEQ_ALL
from .format import RecordingWriter, channel_key, strip_trailers, subscribe_request
from .state import ChannelState

__all__ = ["record", "RecordingSummary", "PUBLIC_HOST", "RECORD_FLAGS"]

#: Bitfinex's public WebSocket host
PUBLIC_HOST = "wss://api-pub.bitfinex.com/ws/2"
RECORD_FLAGS = FLAG_SEQ_ALL | FLAG_OB_CHECKSUM


@dataclass
class RecordingSummary:
    """What a recording holds: ``frames`` written, ``channels`` acknowledged (key -> chanId), ``refused``
    subscriptions (key -> error event), ``sequence_gaps``, ``checksums_verified``/``checksum_mismatches``, and
    ``ended`` (``duration``, ``closed`` by the server, ``stopped``)."""

    path: Path
    frames: int = 0
    channels: Dict[str, int] = field(default_factory=dict)
    refused: Dict[str, Any] = field(default_factory=dict)
    sequence_gaps: int = 0
    checksums_verified: int = 0
    checksum_mismatches: int = 0
    ended: str = "duration"


async def record(out: Union[str, Path], channels: Sequence[str], *, host: str = PUBLIC_HOST,
                 duration: float = 60.0, ssl_context: Optional[Union[ssl.SSLContext, bool]] = None,
                 stop: Optional[asyncio.Event] = None, open_timeout: float = 10.0) -> RecordingSummary:
    """Record ``channels`` (subscription keys, :func:`~.format.channel_key`) from ``host`` for ``duration``
    seconds (or until ``stop`` is set, or the server closes) into the file ``out``."""
    keys = [channel_key(subscribe_request(key)) for key in channels]  # normalised (defaults filled in)
    summary = RecordingSummary(Path(out))
    async with aiohttp.ClientSession() as session:
        ws = await asyncio.wait_for(session.ws_connect(host, ssl=ssl_context if ssl_context is not None else True,
                                                       heartbeat=None, autoping=True,
                                                       max_msg_size=64 * 1024 * 1024), open_timeout)
        start = int(time.time() * 1000)
        try:
            with RecordingWriter(out, host, RECORD_FLAGS, keys, start) as writer:
                await _session(ws, writer, keys, summary, start, duration, stop)
                summary.frames = writer.frames
        finally:
            await ws.close()
    return summary


async def _session(ws: Any, writer: RecordingWriter, keys: List[str],
                   summary: RecordingSummary, start: int, duration: float, stop: Optional[asyncio.Event]) -> None:
    await ws.send_str(json.dumps({"event": "conf", "flags": RECORD_FLAGS}))
    for key in keys:
        await ws.send_str(json.dumps(subscribe_request(key)))
    by_chan: Dict[int, str] = {}
    states: Dict[str, ChannelState] = {}
    last_seq = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration
    stopper = asyncio.ensure_future(stop.wait()) if stop is not None else None
    try:
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            receiver = asyncio.ensure_future(ws.receive())
            waiting = {receiver} | ({stopper} if stopper is not None else set())
            done, _ = await asyncio.wait(waiting, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            if receiver not in done:
                receiver.cancel()
                summary.ended = "stopped" if stopper is not None and stopper in done else "duration"
                break
            message = receiver.result()
            if message.type != aiohttp.WSMsgType.TEXT:
                summary.ended = "closed"
                break
            offset = int(time.time() * 1000) - start
            data = json.loads(message.data)
            if isinstance(data, dict):
                _event(data, offset, writer, by_chan, states, summary)
                continue
            if not isinstance(data, list) or len(data) < 2 or data[0] not in by_chan:
                continue
            seq = data[-1]
            if isinstance(seq, int) and not isinstance(seq, bool):
                summary.sequence_gaps += 1 if last_seq and seq != last_seq + 1 else 0
                last_seq = seq
            body = strip_trailers(data, RECORD_FLAGS)
            if not body or body[0] == "hb":
                continue
            key = by_chan[data[0]]
            state = states[key]
            if body[0] == "cs":
                if state.checksum() == body[1]:
                    summary.checksums_verified += 1
                else:
                    summary.checksum_mismatches += 1
            else:
                state.apply(body)
            writer.write_frame(offset, key, body)
    finally:
        if stopper is not None:
            stopper.cancel()


def _event(data: Dict[str, Any], offset: int, writer: RecordingWriter, by_chan: Dict[int, str],
           states: Dict[str, ChannelState], summary: RecordingSummary) -> None:
    name = data.get("event")
    if name == "subscribed":
        key = channel_key(data)
        by_chan[data["chanId"]] = key
        states[key] = ChannelState(key)
        summary.channels[key] = data["chanId"]
        writer.write_frame(offset, key, data)
    elif name == "error":
        try:
            refused = channel_key(data)
        except ValueError:
            refused = str(data.get("msg"))
        summary.refused[refused] = data
        writer.write_frame(offset, None, data)
    elif name not in ("conf", "pong"):
        writer.write_frame(offset, None, data)
