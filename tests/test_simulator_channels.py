"""Simulator public channels: snapshot/update shapes (trading and funding), book maintenance and checksums
recomputed from the wire text, candles, status, determinism."""

import json
import re
import zlib

import aiohttp
import pytest

SEQ_ALL, OB_CHECKSUM, BULK = 65536, 131072, 536870912


def is_num(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def lossless(text):
    return json.loads(text, parse_float=str, parse_int=str)


class WireBook:
    """A client-side book rebuilt from the wire text (numbers kept as their exact text)."""

    def __init__(self, prec, funding):
        self.raw = prec == "R0"
        self.funding = funding
        self.bids = {}
        self.asks = {}

    def apply(self, entry):
        if self.raw:
            key, marker = entry[0], entry[-2]  # R0: PRICE / RATE == 0 means delete
            deleted = marker == "0"
        else:
            key = (entry[0], entry[1]) if self.funding else entry[0]
            deleted = entry[-2] == "0"  # COUNT == 0
        amount = float(entry[-1])
        is_bid = amount < 0 if self.funding else amount > 0
        side = self.bids if is_bid else self.asks
        if deleted:
            assert abs(amount) == 1
            assert key in side, f"delete of unknown level {entry}"
            del side[key]
        else:
            (self.asks if is_bid else self.bids).pop(key, None)
            side[key] = entry

    def sorted_side(self, bid):
        side = self.bids if bid else self.asks
        if self.raw:
            price_index = 2 if self.funding else 1
            order = sorted(side.values(), key=lambda e: (float(e[price_index]), int(e[0])))
            if bid:
                order = sorted(side.values(), key=lambda e: (-float(e[price_index]), int(e[0])))
        else:
            if self.funding:
                order = sorted(side.values(), key=lambda e: ((-1 if bid else 1) * float(e[0]), int(e[1])))
            else:
                order = sorted(side.values(), key=lambda e: (-1 if bid else 1) * float(e[0]))
        return order

    def checksum(self):
        bids, asks = self.sorted_side(True)[:25], self.sorted_side(False)[:25]
        parts = []
        for i in range(25):
            for side in (bids, asks):
                if i < len(side):
                    parts += [side[i][0], side[i][-1]]
        crc = zlib.crc32(":".join(parts).encode())
        return crc - 2**32 if crc >= 2**31 else crc


async def book_session(sim, client, symbol, prec, length, steps=12, flags=SEQ_ALL | OB_CHECKSUM):
    await client.send({"event": "conf", "flags": flags})
    await client.recv()
    await client.send({"event": "subscribe", "channel": "book", "symbol": symbol, "prec": prec, "len": length})
    ack = await client.recv()
    book = WireBook(prec, symbol.startswith("f"))
    snapshot = lossless(await client.recv_text())
    for entry in snapshot[1]:
        book.apply(entry)
    checks = 0
    await sim.advance(steps)
    for text in await client.catch_up(sim.connections[-1]):
        frame = lossless(text)
        assert frame[0] == str(ack["chanId"])
        if frame[1] == "cs":
            assert int(frame[2]) == book.checksum()
            checks += 1
        elif isinstance(frame[1][0], list):
            for entry in frame[1]:
                book.apply(entry)
        else:
            book.apply(frame[1])
        assert len(book.bids) <= int(length) and len(book.asks) <= int(length)
    return book, checks


@pytest.mark.parametrize("symbol, prec, length", [
    ("tBTCUSD", "P0", "25"), ("tBTCUSD", "P1", "100"), ("tETHBTC", "P2", "25"), ("tETHUSD", "P3", "25"),
    ("tBTCUSD", "P4", "250"), ("tBTCUSD", "R0", "25"), ("tETHBTC", "R0", "250"), ("tBTCUSD", "P0", "1"),
    ("fUSD", "P0", "25"), ("fBTC", "P1", "100"), ("fUSD", "R0", "25"), ("fBTC", "R0", "100"),
    ("tBTCF0:USTF0", "P0", "100"), ("tTESTBTC:TESTUSD", "P0", "25"),
])
async def test_book_updates_and_checksums_match_a_book_rebuilt_from_the_wire(sim, connect, symbol, prec, length):
    client = await connect(sim)
    # a quiet book (tTESTBTC:TESTUSD moves as little as the real one) needs more steps to change three times
    book, checks = await book_session(sim, client, symbol, prec, length, steps=60 if "TEST" in symbol else 12)
    assert checks >= 3
    # the rebuilt book is the server's book: REST answers the same entries
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{sim.rest_host}/book/{symbol}/{prec}?len={length}") as response:
            rest = lossless(await response.text())
    assert rest == book.sorted_side(True) + book.sorted_side(False)


async def test_checksum_also_matches_with_bulk(sim, connect):
    client = await connect(sim)
    _, checks = await book_session(sim, client, "tBTCUSD", "P0", "25", flags=SEQ_ALL | OB_CHECKSUM | BULK)
    assert checks >= 3


async def test_no_checksum_frames_without_the_flag(sim, connect):
    client = await connect(sim)
    await client.subscribe(channel="book", symbol="tBTCUSD")
    await sim.advance(3)
    assert not any(json.loads(t)[1] == "cs" for t in await client.catch_up(sim.connections[0]))


async def test_trading_book_snapshot_shape_and_order(sim, connect):
    client = await connect(sim)
    _, snapshot = await client.subscribe(channel="book", symbol="tBTCUSD", prec="P0", len="25")
    entries = snapshot[1]
    bids = [e for e in entries if e[2] > 0]
    asks = [e for e in entries if e[2] < 0]
    assert entries == bids + asks and len(bids) == 25 and len(asks) == 25
    assert all(len(e) == 3 and is_num(e[0]) and isinstance(e[1], int) and e[1] > 0 for e in entries)
    assert [e[0] for e in bids] == sorted((e[0] for e in bids), reverse=True)
    assert [e[0] for e in asks] == sorted(e[0] for e in asks)
    assert bids[0][0] < asks[0][0]


async def test_funding_book_sign_convention(sim, connect):
    client = await connect(sim)
    _, snapshot = await client.subscribe(channel="book", symbol="fUSD", prec="P0", len="25")
    entries = snapshot[1]
    assert all(len(e) == 4 and isinstance(e[1], int) and 2 <= e[1] <= 120 and e[2] > 0 for e in entries)
    bids = [e for e in entries if e[3] < 0]
    asks = [e for e in entries if e[3] > 0]
    assert entries == bids + asks and bids and asks
    assert max(e[0] for e in bids) <= min(e[0] for e in asks)


async def test_raw_book_shapes_and_deletes(sim, connect):
    client = await connect(sim)
    _, trading = await client.subscribe(channel="book", symbol="tBTCUSD", prec="R0", len="25")
    assert all(len(e) == 3 and isinstance(e[0], int) and e[0] > 10**9 for e in trading[1])
    _, funding = await client.subscribe(channel="book", symbol="fUSD", prec="R0", len="25")
    assert all(len(e) == 4 and isinstance(e[0], int) and isinstance(e[1], int) for e in funding[1])
    await sim.advance(10)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    deletes = [f[1] for f in frames if f[0] == trading[0] and f[1][1] == 0]
    fdeletes = [f[1] for f in frames if f[0] == funding[0] and f[1][2] == 0]
    assert deletes and all(e[2] in (1, -1) for e in deletes)
    assert fdeletes and all(e[3] in (1, -1) for e in fdeletes)


async def test_level_leaving_the_window_is_deleted(sim, connect):
    client = await connect(sim)
    book, _ = await book_session(sim, client, "tBTCUSD", "P0", "1", steps=20)
    assert len(book.bids) == 1 and len(book.asks) == 1
    deletes = [json.loads(t) for t in client.texts if t.startswith("[") and ",0,1]" in t or ",0,-1]" in t]
    assert deletes


async def test_trading_trades_snapshot_then_te_then_tu(sim, connect):
    client = await connect(sim)
    ack, snapshot = await client.subscribe(channel="trades", symbol="tBTCUSD")
    rows = snapshot[1]
    assert len(rows) == 30 and all(len(r) == 4 and isinstance(r[0], int) and isinstance(r[1], int) for r in rows)
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    await sim.advance(6)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert frames and all(f[0] == ack["chanId"] and f[1] in ("te", "tu") and len(f[2]) == 4 for f in frames)
    executed = [f[2] for f in frames if f[1] == "te"]
    updated = [f[2] for f in frames if f[1] == "tu"]
    assert executed == updated
    for row in executed:  # te comes before its tu
        assert frames.index([ack["chanId"], "te", row]) < frames.index([ack["chanId"], "tu", row])


async def test_funding_trades_fte_ftu(sim, connect):
    client = await connect(sim)
    ack, snapshot = await client.subscribe(channel="trades", symbol="fUSD")
    assert ack["currency"] == "USD"
    assert all(len(r) == 5 and isinstance(r[4], int) for r in snapshot[1])
    await sim.advance(8)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert {f[1] for f in frames} == {"fte", "ftu"} and all(len(f[2]) == 5 for f in frames)


async def test_ticker_shapes(sim, connect):
    client = await connect(sim)
    _, trading = await client.subscribe(channel="ticker", symbol="tBTCUSD")
    row = trading[1]
    assert len(row) == 10 and all(is_num(v) for v in row)
    assert row[0] < row[2] and row[1] > 0 and row[3] > 0 and row[8] >= row[9]
    _, funding = await client.subscribe(channel="ticker", symbol="fUSD")
    row = funding[1]
    assert len(row) == 16 and row[13] is None and row[14] is None
    assert isinstance(row[2], int) and isinstance(row[5], int) and all(is_num(row[i]) for i in (0, 1, 3, 4, 6, 9))
    await sim.advance(1)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert sorted(len(f[1]) for f in frames) == [10, 16]


@pytest.mark.parametrize("seed", [0, 7, 2024, "demo"])
async def test_first_ticker_last_price_lies_within_its_own_spread(make_sim, connect, seed):
    # Before any market step, LAST_PRICE must be a price the opening book could have traded at.
    sim = await make_sim(seed=seed)
    client = await connect(sim)
    for symbol in sim.symbols:
        _, (_, row) = await client.subscribe(channel="ticker", symbol=symbol)
        bid, ask, last = (row[0], row[2], row[6]) if symbol.startswith("t") else (row[1], row[4], row[9])
        assert bid <= last <= ask, (symbol, bid, last, ask)


@pytest.mark.parametrize("key", ["trade:1m:tBTCUSD", "trade:1D:tETHUSD", "trade:1M:tBTCUSD", "trade:7D:tETHBTC",
                                 "trade:1W:tETHBTC", "trade:14D:tBTCUSD", "trade:1m:fUSD:p30",
                                 "trade:1m:fUSD:a30:p2:p30"])
async def test_candles_snapshot_and_updates(sim, connect, key):
    client = await connect(sim)
    ack, snapshot = await client.subscribe(channel="candles", key=key)
    assert ack["key"] == key
    rows = snapshot[1]
    assert len(rows) == 240 and all(len(r) == 6 for r in rows)
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    assert all(r[3] >= max(r[1], r[2]) and r[4] <= min(r[1], r[2]) for r in rows)
    frames: list = []
    for _ in range(40):  # a candle changes with a trade of its symbol (and period): a quiet one needs more steps
        await sim.advance(10)
        frames += [json.loads(t) for t in await client.catch_up(sim.connections[0])]
        if frames:
            break
    assert frames and all(len(f[1]) == 6 and f[1][0] >= rows[0][0] for f in frames)


async def test_all_timeframes_accepted(sim, connect):
    client = await connect(sim)
    for tf in ("1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "1W", "14D", "1M", "7D"):
        ack, _ = await client.subscribe(channel="candles", key=f"trade:{tf}:tBTCUSD")
        assert ack["key"] == f"trade:{tf}:tBTCUSD"


async def test_deriv_status_rows(sim, connect):
    client = await connect(sim)
    ack, snapshot = await client.subscribe(channel="status", key="deriv:tBTCF0:USTF0")
    assert ack["key"] == "deriv:tBTCF0:USTF0"
    row = snapshot[1]
    assert len(row) == 23 and isinstance(row[0], int) and row[1] is None
    assert all(is_num(row[i]) for i in (2, 3, 5, 7, 8, 9, 11, 14, 17, 21, 22))
    await sim.advance(2)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    # a stepped market sends the row with every step; its content changes every 3 s of market time (12 steps)
    assert len(frames) == 2 and all(len(f[1]) == 23 for f in frames) and frames[1][1] == row
    await sim.advance(10)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert len(frames) == 10 and frames[-1][1][0] == row[0] + 3000


async def test_liquidations_double_nesting(sim, connect):
    client = await connect(sim)
    ack, snapshot = await client.subscribe(channel="status", key="liq:global")
    assert snapshot[1] and all(r[0] == "pos" and len(r) == 12 for r in snapshot[1])
    await sim.advance(60)
    frames = [json.loads(t) for t in await client.catch_up(sim.connections[0])]
    assert frames
    for frame in frames:
        assert frame[0] == ack["chanId"] and isinstance(frame[1][0], list) and frame[1][0][0] == "pos"
        assert isinstance(frame[1][0][4], str) and is_num(frame[1][0][5])


async def test_f1_book_delivers_every_two_seconds_of_market_time(sim, connect):
    client = await connect(sim)
    await client.subscribe(channel="book", symbol="tBTCUSD", freq="F1")
    conn = sim.connections[0]
    await sim.advance(7)  # 7 x 0.25 s < 2 s
    assert len(conn.sent) == 3
    await sim.advance(1)
    assert len(conn.sent) > 3


async def test_numbers_printed_the_javascript_way(sim, connect):
    client = await connect(sim)
    for symbol in ("fBTC", "tETHBTC"):
        await client.subscribe(channel="book", symbol=symbol, prec="R0", len="250")
        await client.subscribe(channel="trades", symbol=symbol)
    await sim.advance(20)
    texts = client.texts + await client.catch_up(sim.connections[0])
    joined = "\n".join(t for t in texts if t.startswith("["))
    assert re.search(r"[0-9]e-7", joined)  # fBTC rates below 1e-6 use exponent form
    assert not re.search(r"e-0[0-9]|E|\d\.0(?=[,\]])|e\+0", joined)


async def test_same_seed_same_frames_different_seed_different_frames(make_sim, connect):
    async def session(seed):
        sim = await make_sim(seed=seed)
        client = await connect(sim)
        await client.send({"event": "conf", "flags": SEQ_ALL | OB_CHECKSUM})
        await client.recv()
        for fields in ({"channel": "book", "symbol": "tBTCUSD", "prec": "R0"}, {"channel": "trades", "symbol": "fUSD"},
                       {"channel": "candles", "key": "trade:1m:tETHUSD"}, {"channel": "ticker", "symbol": "fBTC"},
                       {"channel": "status", "key": "liq:global"}):
            await client.subscribe(**fields)
        await sim.advance(15)
        await client.catch_up(sim.connections[0])
        return client.texts

    first, second, other = await session(11), await session(11), await session(12)
    assert first == second
    assert first[1:] != other[1:]
