"""The simulator's frames have the shapes of real Bitfinex traffic (tests/data/bitfinex-ws-capture-2021-04-17.txt,
a SEQ_ALL session with ticker, trades and book P0 len 100 subscriptions)."""

import json
import re
from pathlib import Path

import pytest

from fixtures import WS_CAPTURE, fixture_path


@pytest.fixture(name="capture")
def capture_fixture() -> Path:
    return fixture_path(WS_CAPTURE)


def sig(value):
    """Structural signature: numbers -> num, strings kept literally, arrays of arrays collapsed."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return "num"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{sig(v) if k not in ('serverId', 'chanId', 'symbol', 'pair') else '*'}"
                              for k, v in sorted(value.items())) + "}"
    if value and all(isinstance(v, list) for v in value):
        inner = {sig(v) for v in value}
        assert len(inner) == 1, inner
        return "[" + inner.pop() + "...]"
    return "[" + ",".join(sig(v) for v in value) + "]"


def capture_frames(capture: Path):
    sent, received = [], []
    for line in capture.read_text().splitlines():
        if " <- " in line:
            sent.append(json.loads(line.split(": ", 1)[1]))
        elif re.match(r"^[0-9.]+: ", line):
            received.append(json.loads(line.split(": ", 1)[1]))
    return sent, received


def classify(frames):
    """Group frame signatures by kind, using the acks to know each channel's type."""
    kinds = {}
    channel_of = {}
    first_seen = set()
    for frame in frames:
        if isinstance(frame, dict):
            kind = frame["event"] if frame["event"] != "subscribed" else "subscribed:" + frame["channel"]
            if frame["event"] == "subscribed":
                channel_of[frame["chanId"]] = frame["channel"]
            kinds.setdefault(kind, set()).add(sig(frame))
            continue
        assert isinstance(frame[0], int) and isinstance(frame[-1], int)  # chanId first, seq last
        if frame[0] not in channel_of:  # the capture holds a few frames of channels whose ack it lacks
            continue
        channel = channel_of[frame[0]]
        if frame[1] == "hb":
            kind = "hb"
        elif isinstance(frame[1], str):
            kind = f"{channel}:{frame[1]}"
        elif frame[0] not in first_seen and channel != "ticker":
            kind = f"{channel}:snapshot"
        else:
            kind = f"{channel}:update"
        first_seen.add(frame[0])
        kinds.setdefault(kind, set()).add(sig(frame))
    return kinds


async def test_simulator_frames_have_the_captured_shapes(make_sim, connect, capture):
    sent, received = capture_frames(capture)
    real = classify(received)
    sim = await make_sim(heartbeat_interval=None)
    client = await connect(sim, read_info=False)
    conf = sent[0]
    assert conf == {"event": "conf", "flags": 65536}
    await client.send(conf)
    for request in sent[1:]:
        if request.get("symbol") == "tTESTBTC:TESTUSD":
            await client.send(request)
    conn = (await sim.wait_for_connections(1))[0]
    await sim.wait_for(lambda: len(conn.subscriptions) == 3)
    await sim.advance(60)  # tTESTBTC:TESTUSD moves as little as the captured one: a few updates in 15 s
    await sim.send_heartbeats()
    await client.catch_up(conn)
    ours = classify([json.loads(t) for t in client.texts])
    for kind in ("info", "conf", "subscribed:ticker", "subscribed:trades", "subscribed:book", "ticker:update",
                 "trades:snapshot", "book:snapshot", "book:update", "hb"):
        assert kind in real and kind in ours, kind
        assert ours[kind] <= real[kind], (kind, ours[kind], real[kind])
    # types inside rows: ids/mts/counts are integers like in the capture
    snapshot = [json.loads(t) for t in client.texts if t.startswith("[")]
    for frame in snapshot:
        assert isinstance(frame[-1], int)


async def test_seq_numbers_start_at_1_and_have_no_gaps_like_the_capture(make_sim, connect, capture):
    _, received = capture_frames(capture)
    seqs = [f[-1] for f in received if isinstance(f, list)]
    assert seqs[0] == 1 and seqs == list(range(1, len(seqs) + 1))
    sim = await make_sim()
    client = await connect(sim)
    await client.send({"event": "conf", "flags": 65536})
    await client.recv()
    await client.subscribe(channel="book", symbol="tTESTBTC:TESTUSD", prec="P0", freq="F0", len="100")
    await sim.advance(5)
    await sim.send_heartbeats()
    ours = [json.loads(t)[-1] for t in await client.catch_up(sim.connections[0])]
    assert ours == list(range(2, 2 + len(ours)))

