"""Record and replay (issue #19): a session recorded from the simulator and replayed gives the recorded frames back,
under the replay's own channel ids and sequence numbers, with checksums that verify (checked with bfxapi's own
checksum code); the real 2021 capture replays the same way; the CLI records and serves."""

import asyncio
import gzip
import json
import re
import sys
from pathlib import Path

import pytest
import websockets

from bfxapi import Client
from bfxapi.testing import Replay, read_recording, record
from bfxapi.testing.replay import RecordingError, channel_key, subscribe_request
from bfxapi.websocket._checksum import checksum_string, crc32
from fixtures import WS_CAPTURE, fixture_path
from ws_support import FAST

SEQ_ALL, OB_CHECKSUM = 65536, 131072
CHANNELS = ["ticker:tBTCUSD", "trades:tBTCUSD", "book:tBTCUSD:P0:F0:25", "book:tETHUSD:R0:F0:25",
            "book:fUSD:P0:F0:25", "candles:trade:1m:tBTCUSD", "status:deriv:tBTCF0:USTF0"]


# --- the format ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("request_, key", [
    ({"channel": "ticker", "symbol": "tBTCUSD"}, "ticker:tBTCUSD"),
    ({"channel": "trades", "symbol": "fUSD"}, "trades:fUSD"),
    ({"channel": "book", "symbol": "tTESTBTC:TESTUSD", "prec": "R0", "freq": "F1", "len": "100"},
     "book:tTESTBTC:TESTUSD:R0:F1:100"),
    ({"channel": "book", "symbol": "tBTCUSD"}, "book:tBTCUSD:P0:F0:25"),
    ({"channel": "candles", "key": "trade:1m:fUSD:a30:p2:p30"}, "candles:trade:1m:fUSD:a30:p2:p30"),
    ({"channel": "status", "key": "deriv:tBTCF0:USTF0"}, "status:deriv:tBTCF0:USTF0"),
])
def test_subscription_keys_go_both_ways(request_, key):
    assert channel_key(request_) == key
    assert channel_key(subscribe_request(key)) == key


def test_a_short_book_key_takes_the_defaults_and_a_bad_key_is_refused():
    assert subscribe_request("book:tBTCF0:USTF0") == {"event": "subscribe", "channel": "book",
                                                      "symbol": "tBTCF0:USTF0", "prec": "P0", "freq": "F0", "len": "25"}
    with pytest.raises(RecordingError, match="unknown channel"):
        subscribe_request("nope:tBTCUSD")


def test_a_file_that_is_no_recording_is_refused(tmp_path):
    path = tmp_path / "x.jsonl.gz"
    with gzip.open(path, "wt") as file:
        file.write('{"format": "something else"}\n')
    with pytest.raises(RecordingError, match="not a bfxapi-recording"):
        read_recording(path)
    path.write_text("hello\n")
    with pytest.raises(RecordingError, match="neither"):
        read_recording(path)


# --- record, then replay -------------------------------------------------------------------------------------------
@pytest.fixture(name="recorded")
async def recorded_fixture(make_sim, tmp_path):
    """Two seconds of the running simulator, recorded with the record command's code."""
    sim = await make_sim(auto_market=True, market_interval=0.05, start_time=None, ticker_interval=0.2,
                         status_interval=0.2, trade_update_delay=0.1, heartbeat_interval=0.5)
    path = tmp_path / "session.jsonl.gz"
    summary = await record(path, CHANNELS, host=sim.wss_host, duration=2.0)
    assert set(summary.channels) == set(CHANNELS) and not summary.refused
    assert summary.sequence_gaps == 0 and summary.checksum_mismatches == 0 and summary.checksums_verified >= 10
    return path, summary


def bodies_by_key(recording):
    """The recorded data frames of each channel, in order (acks and events left out)."""
    found = {}
    for _, key, body in recording.frames:
        if key is not None and isinstance(body, list):
            found.setdefault(key, []).append(body)
    return found


class ClientBooks:
    """Books rebuilt from replayed frames, their checksums computed with bfxapi's own code."""

    def __init__(self):
        self.books = {}

    def apply(self, key, body):
        raw, funding = ":R0:" in key, key.split(":")[1].startswith("f")
        book = self.books.setdefault(key, {})
        entries = body[0] if not book and isinstance(body[0][0], list) else [body[0]]
        for entry in entries:
            bid = entry[-1] < 0 if funding else entry[-1] > 0
            ident = entry[0] if raw else (tuple(entry[:-2]), bid)
            if entry[-2] == 0:
                del book[ident]
            else:
                book[ident] = entry

    def checksum(self, key):
        raw, funding = ":R0:" in key, key.split(":")[1].startswith("f")
        entries = list(self.books[key].values())
        bids = [e for e in entries if (e[-1] < 0 if funding else e[-1] > 0)]
        asks = [e for e in entries if e not in bids]
        price = (2 if funding else 1) if raw else 0
        bids.sort(key=lambda e: (-e[price], e[0] if raw else (e[1] if funding else 0)))
        asks.sort(key=lambda e: (e[price], e[0] if raw else (e[1] if funding else 0)))
        unsigned = crc32(checksum_string([(e[0], e[-1]) for e in bids[:25]], [(e[0], e[-1]) for e in asks[:25]]))
        return unsigned - 2**32 if unsigned >= 2**31 else unsigned


async def replay_session(replay, requests, flags, wanted, with_checksums=False):
    """Subscribe (all at once, as a client does at start), read until every channel has ``wanted[key]`` data
    frames (checksum frames counted too with ``with_checksums``: a recording may end on one); returns (acks by
    key, frames by key, every array frame in order)."""
    async with websockets.connect(replay.wss_host, open_timeout=5, ping_interval=None) as ws:
        assert json.loads(await ws.recv())["event"] == "info"
        await ws.send(json.dumps({"event": "conf", "flags": flags}))
        for request in requests:
            await ws.send(json.dumps(request))
        acks, frames, arrays = {}, {}, []
        key_of = {}

        def done():
            return len(acks) == len(requests) and all(
                len([f for f in frames.get(k, []) if with_checksums or f[0] != "cs"]) >= n for k, n in wanted.items())
        while not done():
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if isinstance(message, dict):
                if message["event"] == "subscribed":
                    acks[channel_key(message)] = message
                    key_of[message["chanId"]] = channel_key(message)
                elif message["event"] != "conf":
                    raise AssertionError(message)
                continue
            arrays.append(message)
            if message[1] != "hb":
                frames.setdefault(key_of[message[0]], []).append(message[1:-1])  # without chanId and SEQ
        return acks, frames, arrays


async def test_the_replayed_frames_are_the_recorded_ones(recorded):
    path, summary = recorded
    recording = read_recording(path)
    assert recording.channels == CHANNELS and recording.flags == SEQ_ALL | OB_CHECKSUM
    expected = bodies_by_key(recording)
    events = [body for _, _, body in recording.frames if isinstance(body, dict)]
    assert [e["event"] for e in events] == ["info"] + ["subscribed"] * len(CHANNELS)
    assert set(expected) == set(CHANNELS) and sum(map(len, expected.values())) == summary.frames - len(events)
    async with Replay(path, speed=4, heartbeat_interval=None) as replay:
        wanted = {k: len(v) for k, v in expected.items()}
        acks, frames, arrays = await replay_session(replay, [subscribe_request(k) for k in CHANNELS],
                                                    SEQ_ALL | OB_CHECKSUM, wanted, with_checksums=True)
    # channel ids are the replay's own, the acks' fields the recorded ones
    recorded_acks = recording.acks()
    for key in CHANNELS:
        mine, theirs = acks[key], recorded_acks[key]
        assert mine["chanId"] != theirs["chanId"]
        assert {k: v for k, v in mine.items() if k != "chanId"} == {k: v for k, v in theirs.items() if k != "chanId"}
    # the frames, checksums included (recomputed from the replayed book: the same values)
    assert frames == expected
    # one sequence counter for the connection, from 1, no gap
    assert [a[-1] for a in arrays] == list(range(1, len(arrays) + 1))
    # and the checksums verify with bfxapi's own checksum code
    books, verified = ClientBooks(), 0
    for key in ("book:tBTCUSD:P0:F0:25", "book:tETHUSD:R0:F0:25", "book:fUSD:P0:F0:25"):
        for body in frames[key]:
            if body[0] == "cs":
                assert books.checksum(key) == body[1]
                verified += 1
            else:
                books.apply(key, body)
    assert verified == summary.checksums_verified


async def test_the_replay_runs_at_the_speed_asked(recorded):
    path, _ = recorded
    recording = read_recording(path)
    trades = [offset for offset, key, body in recording.frames
              if key == "trades:tBTCUSD" and isinstance(body, list) and body[0] == "te"]
    assert len(trades) >= 2
    async with Replay(path, speed=2, heartbeat_interval=None) as replay:
        async with websockets.connect(replay.wss_host, ping_interval=None) as ws:
            await ws.recv()
            await ws.send(json.dumps(subscribe_request("trades:tBTCUSD")))
            await ws.recv()
            await ws.recv()  # the snapshot
            loop = asyncio.get_running_loop()
            started = loop.time()
            arrivals = []
            while len(arrivals) < len(trades):
                frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                if frame[1] == "te":
                    arrivals.append(loop.time() - started)
    span_recorded = (trades[-1] - trades[0]) / 1000
    span_replayed = arrivals[-1] - arrivals[0]
    # Never early (frames are held to their scaled time); late by at most a loaded machine's scheduling delay.
    assert span_recorded / 2 - 0.05 <= span_replayed <= span_recorded / 2 + 1.0


async def test_a_late_subscriber_gets_the_recorded_state_as_its_snapshot(recorded):
    path, _ = recorded
    recording = read_recording(path)
    key = "book:tBTCUSD:P0:F0:25"
    async with Replay(path, speed=4, heartbeat_interval=None) as replay:
        async with websockets.connect(replay.wss_host, ping_interval=None) as ws:
            await ws.recv()
            await ws.send(json.dumps(subscribe_request("ticker:tBTCUSD")))  # starts the replay clock
            # the ticker plays for a while (about a second of the recording) before the book is asked for
            await replay.wait_for(lambda: len(replay.connections[0].sent_text) > 6)
            await ws.send(json.dumps(subscribe_request(key)))
            chan, snapshot = None, None
            while snapshot is None:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                if isinstance(frame, dict) and frame.get("channel") == "book":
                    chan = frame["chanId"]
                elif isinstance(frame, list) and frame[0] == chan:
                    snapshot = frame[1]
    # the snapshot is the recorded book at some moment: rebuilt from the recording, one state matches it
    books = ClientBooks()
    states = []
    for body in [b for _, k, b in recording.frames if k == key and isinstance(b, list) and b[0] != "cs"]:
        books.apply(key, body)
        states.append(sorted(map(tuple, books.books[key].values())))
    assert sorted(map(tuple, snapshot)) in states
    assert [e[0] for e in snapshot if e[2] > 0] == sorted((e[0] for e in snapshot if e[2] > 0), reverse=True)


async def test_replay_refuses_what_was_not_recorded_and_duplicates(recorded):
    path, _ = recorded
    async with Replay(path, heartbeat_interval=None) as replay:
        async with websockets.connect(replay.wss_host, ping_interval=None) as ws:
            await ws.recv()
            await ws.send(json.dumps({"event": "subscribe", "channel": "ticker", "symbol": "tETHUSD"}))
            assert json.loads(await ws.recv())["code"] == 10300
            await ws.send(json.dumps(subscribe_request("ticker:tBTCUSD")))
            ack = json.loads(await ws.recv())
            await ws.send(json.dumps(subscribe_request("ticker:tBTCUSD")))
            while True:
                frame = json.loads(await ws.recv())
                if isinstance(frame, dict):
                    break
            assert frame["code"] == 10301 and frame["chanId"] == ack["chanId"]


async def test_one_heartbeat_clock_for_the_replays_channels(recorded):
    path, _ = recorded
    async with Replay(path, speed=0.01, heartbeat_interval=0.2) as replay:  # slowed down: only heartbeats
        async with websockets.connect(replay.wss_host, ping_interval=None) as ws:
            await ws.recv()
            chans = []
            for key in ("ticker:tBTCUSD", "trades:tBTCUSD"):
                await ws.send(json.dumps(subscribe_request(key)))
            beats = []
            while len(beats) < 4:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                if isinstance(frame, dict) and frame.get("event") == "subscribed":
                    chans.append(frame["chanId"])
                elif isinstance(frame, list) and frame[1] == "hb":
                    beats.append(frame[0])
    assert sorted(beats[:2]) == sorted(chans) and sorted(beats[2:]) == sorted(chans)


# --- the real capture ----------------------------------------------------------------------------------------------
async def test_the_real_2021_capture_replays_with_checksums_that_verify():
    capture = fixture_path(WS_CAPTURE)
    recording = read_recording(capture)
    assert recording.flags == SEQ_ALL and len(recording.channels) == 21
    expected = bodies_by_key(recording)
    requests = [json.loads(line.split(": ", 1)[1]) for line in capture.read_text().splitlines()
                if " <- " in line and '"subscribe"' in line]
    assert len(requests) == 21
    async with Replay(capture, speed=20, heartbeat_interval=None) as replay:
        wanted = {k: len(v) for k, v in expected.items()}
        acks, frames, arrays = await replay_session(replay, requests, SEQ_ALL | OB_CHECKSUM, wanted)
    assert len(acks) == 21
    assert {k: [b for b in v if b[0] != "cs"] for k, v in frames.items()} == expected
    assert [a[-1] for a in arrays] == list(range(1, len(arrays) + 1))
    books, verified = ClientBooks(), 0
    for key, bodies in frames.items():
        for body in bodies:
            if body[0] == "cs":
                assert books.checksum(key) == body[1], key
                verified += 1
            elif key.startswith("book:"):
                books.apply(key, body)
    assert verified > 300  # the capture had none (no OB_CHECKSUM): one per group of updates, recomputed


async def test_bfxapi_keeps_the_captured_books_in_sync_through_a_replay():
    async with Replay(fixture_path(WS_CAPTURE), speed=15, heartbeat_interval=1.0) as replay:
        async with Client(wss_host=replay.wss_host, wss_options=FAST) as bfx:
            await bfx.wss.connect()
            book = await bfx.wss.order_book("tIOTETH", prec="P0", len="100")
            await replay.wait_for(lambda: sum(t.count('"cs"') for t in replay.connections[0].sent_text) >= 100,
                                  timeout=10)
            assert book.state == "synced"
            assert bfx.wss.stats().checksum_mismatches == 0


# --- the command line ----------------------------------------------------------------------------------------------
async def test_the_cli_records_and_serves_the_recording(make_sim, tmp_path):
    sim = await make_sim(auto_market=True, market_interval=0.05, start_time=None, ticker_interval=0.2)
    out = tmp_path / "cli.jsonl.gz"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bfxapi.testing", "record", "--host", sim.wss_host, "--channels",
        "ticker:tBTCUSD,book:tBTCUSD", "--duration", "1", "--out", str(out),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert re.search(r"^\d+ frames in .*cli\.jsonl\.gz \(duration\); 2 channel\(s\), 0 refused, 0 sequence gap\(s\), "
                     r"\d+ checksum\(s\) verified, 0 mismatch\(es\)$", stdout.decode(), re.M), stdout.decode()
    assert read_recording(out).channels == ["ticker:tBTCUSD", "book:tBTCUSD:P0:F0:25"]
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bfxapi.testing", "serve", "--replay", str(out), "--port", "0", "--speed", "5",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        first = (await asyncio.wait_for(server.stdout.readline(), 30)).decode()
        host = re.match(r"^WebSocket: (ws://\S+)$", first.strip()).group(1)
        async with websockets.connect(host, ping_interval=None) as ws:
            assert json.loads(await ws.recv())["event"] == "info"
            await ws.send(json.dumps(subscribe_request("book:tBTCUSD")))
            assert json.loads(await ws.recv())["event"] == "subscribed"
            snapshot = json.loads(await ws.recv())
            assert len(snapshot[1]) == 50
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)


def test_the_cli_refuses_a_file_that_is_no_recording(tmp_path):
    import subprocess  # pylint: disable=import-outside-toplevel
    bad = Path(tmp_path) / "bad.txt"
    bad.write_text("nothing\n")
    result = subprocess.run([sys.executable, "-m", "bfxapi.testing", "serve", "--replay", str(bad), "--port", "0"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("python -m bfxapi.testing: error: cannot replay") and len(
        result.stderr.splitlines()) == 1
