"""The simulator behaves like the real market (issue #19): each figure measured on the simulator's frames beside the
same figure measured on the real session ``tests/data/bitfinex-ws-capture-2021-04-17.txt`` (where the capture can
tell), or on protocol.md's value: book amounts and counts, sub-minimum amounts, depth per ``len``, ticker, status
and heartbeat cadences, a clock on the wall time, ``tu`` after ``te``."""

import collections
import json
import statistics
import time
import zlib

import aiohttp
import pytest

from capture import ks_distance, quantile, read_capture, relative_log_amounts

SEQ_ALL, OB_CHECKSUM = 65536, 131072
TRADING = ("tBTCUSD", "tETHUSD", "tETHBTC", "tTESTBTC:TESTUSD", "tBTCF0:USTF0")
#: the minimum order size (conf pub:info:pair) and the amounts the report was about: 1e-8 to 9e-8
MINIMUM = 0.0002


@pytest.fixture(scope="module", name="capture")
def capture_fixture():
    return read_capture()


def checksum(bids, asks):
    """An independent checksum (protocol.md §3.4) over entries kept as their wire text."""
    parts = []
    for i in range(25):
        for side in (bids, asks):
            if i < len(side):
                parts += [side[i][0], side[i][-1]]
    crc = zlib.crc32(":".join(parts).encode())
    return crc - 2**32 if crc >= 2**31 else crc


class Books:
    """P0 books rebuilt from the wire text, per channel; ``top25`` of a channel for checksums and amounts."""

    def __init__(self):
        self.levels = collections.defaultdict(dict)

    def apply(self, chan, entry):
        book = self.levels[chan]
        bid = float(entry[2]) > 0
        if entry[1] == "0":
            del book[(entry[0], bid)]
        else:
            book.pop((entry[0], not bid), None)
            book[(entry[0], bid)] = entry

    def top25(self, chan):
        book = self.levels[chan]
        bids = sorted((e for (_, bid), e in book.items() if bid), key=lambda e: -float(e[0]))[:25]
        asks = sorted((e for (_, bid), e in book.items() if not bid), key=lambda e: float(e[0]))[:25]
        return bids, asks


async def book_session(make_sim, connect, steps, length="100", seed=7):
    """Subscribe to the P0 books of the trading pairs (as the capture did: len 100), step the market; returns
    (snapshots by symbol, update entries, checksum frames checked, checksum frames with a sub-minimum level)."""
    sim = await make_sim(seed=seed)
    client = await connect(sim)
    await client.send({"event": "conf", "flags": SEQ_ALL | OB_CHECKSUM})
    await client.recv()
    symbol_of = {}
    snapshots = {}
    for symbol in TRADING:
        await client.send({"event": "subscribe", "channel": "book", "symbol": symbol, "prec": "P0", "len": length})
        ack = await client.recv()
        symbol_of[ack["chanId"]] = symbol
        snapshots[symbol] = json.loads(await client.recv_text(), parse_float=str, parse_int=str)[1]
    books = Books()
    for chan, symbol in symbol_of.items():
        for entry in snapshots[symbol]:
            books.apply(str(chan), entry)
    await sim.advance(steps)
    updates, checked, with_dust = [], 0, 0
    for text in await client.catch_up(sim.connections[-1]):
        frame = json.loads(text, parse_float=str, parse_int=str)
        if frame[1] == "cs":
            bids, asks = books.top25(frame[0])
            assert checksum(bids, asks) == int(frame[2])
            checked += 1
            with_dust += any(abs(float(e[2])) < MINIMUM for e in bids + asks)
        elif frame[1] != "hb":
            updates.append(frame[1])
            books.apply(frame[0], frame[1])
    parsed = {s: [[float(e[0]), int(e[1]), float(e[2])] for e in entries] for s, entries in snapshots.items()}
    return sim, parsed, updates, checked, with_dust


# --- the book's shape ----------------------------------------------------------------------------------------------
async def test_level_amounts_are_distributed_like_the_captured_books(make_sim, connect, capture):
    real = relative_log_amounts(list(capture.book_snapshots().values()))
    _, snapshots, _, _, _ = await book_session(make_sim, connect, steps=200)
    ours = relative_log_amounts(list(snapshots.values()))
    assert len(real) == 1333 and len(ours) == 1000
    # each level against its book's median level: the same spread over four decades, the same skew
    for p in (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95):
        assert abs(quantile(ours, p) - quantile(real, p)) <= 0.25, (p, quantile(ours, p), quantile(real, p))
    assert ks_distance(real, ours) < 0.15


async def test_level_counts_are_mostly_one_order_like_the_captured_books(make_sim, connect, capture):
    real = collections.Counter(e[1] for entries in capture.book_snapshots().values() for e in entries)
    _, snapshots, _, _, _ = await book_session(make_sim, connect, steps=200)
    ours = collections.Counter(e[1] for entries in snapshots.values() for e in entries)

    def share(counter, test):
        return sum(v for k, v in counter.items() if test(k)) / sum(counter.values())
    assert share(real, lambda c: c == 1) == pytest.approx(0.912, abs=0.001)
    assert abs(share(ours, lambda c: c == 1) - share(real, lambda c: c == 1)) < 0.05
    assert abs(share(ours, lambda c: c >= 3) - share(real, lambda c: c >= 3)) < 0.03


async def test_no_sub_minimum_amount_in_the_book_frames_like_the_capture(make_sim, connect, capture):
    real = [e for e in capture.book_entries() if e[1] != 0]
    assert len(real) == 2204 and not [e for e in real if abs(e[2]) < MINIMUM]  # none below 1e-7, none below 0.0002
    _, snapshots, updates, checked, with_dust = await book_session(make_sim, connect, steps=400)
    entries = [e for s in snapshots.values() for e in s] + [[float(u[0]), int(u[1]), float(u[2])] for u in updates]
    live = [e for e in entries if e[1] != 0]
    assert len(live) > 2000 and checked > 300
    assert [e for e in live if abs(e[2]) < MINIMUM] == [] and with_dust == 0


async def test_a_sub_minimum_amount_only_comes_from_an_accounts_partial_fill(make_sim, connect, ws_auth):
    sim = await make_sim(seed=7)
    account = sim.add_account(wallets={"exchange": {"USD": 1_000_000}})
    inst = sim.market.instruments["tBTCUSD"]
    ask = inst.best(False)
    client = await connect(sim)
    await ws_auth(client, account)
    # take all but 1e-8 of the best ask: the remainder stays in the book, as on Bitfinex
    amount = f"{abs(ask.amount) - 1e-8:.8f}"
    await client.send([0, "on", None, {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": amount,
                                       "price": str(ask.price)}])
    await sim.wait_for(lambda: abs(inst.orders[ask.id].amount) < MINIMUM if ask.id in inst.orders else False)
    assert inst.orders[ask.id].amount == -1e-8


async def test_every_length_gets_its_levels_on_both_sides(make_sim, connect, capture):
    # the capture's len=100 books: 100 levels a side where the market has them (4 of 7 books in full)
    sizes = sorted(len(entries) for entries in capture.book_snapshots().values())
    assert sizes == [138, 196, 199, 200, 200, 200, 200]
    sim = await make_sim(seed=7)
    client = await connect(sim)
    for symbol in (*TRADING, "fUSD", "fBTC"):
        for prec in ("P0", "R0"):
            for length in ("1", "25", "100", "250"):
                _, snapshot = await client.subscribe(channel="book", symbol=symbol, prec=prec, len=length)
                entries = snapshot[1]
                funding = symbol.startswith("f")
                bids = [e for e in entries if (e[-1] < 0) == funding]
                assert (len(bids), len(entries) - len(bids)) == (int(length), int(length)), (symbol, prec, length)
                await client.send({"event": "unsubscribe", "chanId": snapshot[0]})
                await client.recv()
        await sim.advance(5)  # and after the market moved
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sim.rest_host}/book/tBTCUSD/P0?len=250") as response:
            assert len(await response.json()) == 500


# --- cadences ------------------------------------------------------------------------------------------------------
def capture_ticker_intervals(capture):
    intervals = []
    for frames in capture.data_frames("ticker").values():
        times = [t for t, _ in frames][1:]  # after the snapshot
        intervals += [b - a for a, b in zip(times, times[1:])]
    return intervals


async def test_tickers_every_10_seconds_of_market_time_like_the_capture(make_sim, connect, capture):
    real = capture_ticker_intervals(capture)
    assert len(real) == 8 and statistics.median(real) == pytest.approx(10.0, abs=0.2)
    # a stepped market with Bitfinex's cadence: 250 ms steps, 400 steps = 100 s of market time
    sim = await make_sim(seed=7, ticker_interval=10.0)
    client = await connect(sim)
    for symbol in ("tBTCUSD", "tETHUSD"):
        await client.subscribe(channel="ticker", symbol=symbol)
    sent_at = collections.defaultdict(list)
    for step in range(400):
        await sim.advance()
        for text in await client.catch_up(sim.connections[0]):
            sent_at[json.loads(text)[0]].append(step * 0.25)
    ours = [b - a for times in sent_at.values() for a, b in zip(times, times[1:])]
    assert len(ours) >= 16 and statistics.median(ours) == pytest.approx(10.0, abs=0.3)
    assert min(ours) >= 9.9  # never faster than the cadence (a ticker that did not change is not sent)


async def test_the_running_market_uses_bitfinex_cadences_by_default(make_sim, connect):
    sim = await make_sim(auto_market=True, market_interval=0.02, start_time=None, heartbeat_interval=15.0)
    assert (sim.ticker_interval, sim.status_interval, sim.trade_update_delay) == (10.0, 1.0, 1.5)
    client = await connect(sim)
    await client.subscribe(channel="ticker", symbol="tBTCUSD")
    start = sim.market.steps
    await sim.wait_for(lambda: sim.market.steps >= start + 100, timeout=10)  # 2 s of a market stepping 50 times a s
    # info, ack, snapshot, and at most the one ticker due in these 2 s (instead of one per step: 100)
    assert len(sim.connections[0].sent_text) <= 4


async def test_status_rows_every_second_content_every_3_seconds(make_sim, connect):
    sim = await make_sim(seed=7, status_interval=1.0)
    client = await connect(sim)
    _, snapshot = await client.subscribe(channel="status", key="deriv:tBTCF0:USTF0")
    await sim.advance(120)  # 30 s of market time
    rows = [json.loads(t)[1] for t in await client.catch_up(sim.connections[0])]
    assert len(rows) in (29, 30)  # re-sent every second (protocol.md §3.3), from a phase of its own
    stamps = sorted({r[0] for r in rows} | {snapshot[1][0]})
    assert len(stamps) >= 10 and {b - a for a, b in zip(stamps, stamps[1:])} == {3000}  # new content every 3 s


async def test_one_heartbeat_clock_for_all_channels_of_a_connection_like_the_capture(make_sim, connect, capture):
    rounds = collections.defaultdict(set)
    for chan, times in capture.heartbeat_times().items():
        for t in times:
            rounds[round(t - capture.opened)].add(chan)
    real = sorted(rounds)
    assert len(real) == 2 and real[1] - real[0] == 15 and all(len(c) == 21 for c in rounds.values())
    interval = 0.3
    sim = await make_sim(heartbeat_interval=interval)
    client = await connect(sim)
    chans = [(await client.subscribe(channel="ticker", symbol="tBTCUSD"))[0]["chanId"]]
    # a second and a third channel subscribed later, once the first has had a heartbeat
    await client.recv_until(lambda f: f == [chans[0], "hb"])
    chans.append((await client.subscribe(channel="trades", symbol="tETHUSD"))[0]["chanId"])
    chans.append((await client.subscribe(channel="book", symbol="tETHBTC"))[0]["chanId"])
    arrivals = []
    while len(arrivals) < 9:
        frame = await client.recv(timeout=5)
        if frame[1] == "hb":
            arrivals.append((time.monotonic(), frame[0]))
    groups = [arrivals[i:i + 3] for i in range(0, 9, 3)]
    assert all(sorted(c for _, c in g) == sorted(chans) for g in groups)  # every channel at each beat
    assert all(g[-1][0] - g[0][0] < 0.05 for g in groups)  # at once
    gaps = [b[0][0] - a[0][0] for a, b in zip(groups, groups[1:])]
    assert all(abs(gap - interval) < 0.15 for gap in gaps)


# --- time ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("auto", [False, True])
async def test_the_market_clock_is_the_wall_clock(make_sim, auto):
    sim = await make_sim(start_time=None, auto_market=auto, market_interval=0.02)
    if auto:
        await sim.wait_for(lambda: sim.market.steps >= 5)
    else:
        await sim.advance(5)
    now = time.time() * 1000
    assert abs(sim.market.now_ms - now) < 1000
    trades = [t for inst in sim.market.instruments.values() for t in inst.trades[-3:]]
    assert max(t.mts for t in trades) <= now + 1000
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sim.rest_host}/candles/trade:1m:tBTCUSD/last") as response:
            candle = await response.json()
        async with http.get(f"{sim.rest_host}/trades/tBTCUSD/hist?start={int(now) - 60_000}") as response:
            fresh = await response.json()
    assert candle[0] == int(now) // 60_000 * 60_000 or candle[0] == int(now) // 60_000 * 60_000 - 60_000
    assert fresh and all(abs(row[1] - now) < 61_000 for row in fresh)


async def test_a_given_start_time_is_a_virtual_clock_for_deterministic_tests(make_sim):
    sim = await make_sim(start_time=1_700_000_000_000, market_interval=0.25)
    await sim.advance(4)
    assert sim.market.now_ms == 1_700_000_001_000


# --- te, then tu ---------------------------------------------------------------------------------------------------
async def test_tu_follows_te_after_the_delay_on_the_public_trades_channel(make_sim, connect):
    delay = 0.4
    sim = await make_sim(trade_update_delay=delay)
    client = await connect(sim)
    ack, _ = await client.subscribe(channel="trades", symbol="tBTCUSD")
    seen = {}
    for _ in range(40):
        await sim.advance()
        if sim.market.instruments["tBTCUSD"].trades[-1].mts == sim.market.now_ms:
            break
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(len(v) == 2 for v in seen.values()):
        frame = await client.recv(timeout=5)
        if frame[1] in ("te", "tu"):
            seen.setdefault(frame[2][0], {})[frame[1]] = time.monotonic()
    done = [v for v in seen.values() if len(v) == 2]
    assert done and all(delay - 0.05 <= v["tu"] - v["te"] <= delay + 0.5 for v in done)
    assert ack["chanId"]


async def test_an_accounts_fill_gets_its_tu_after_the_delay_with_the_fee(make_sim, connect, ws_auth):
    delay = 0.4
    sim = await make_sim(trade_update_delay=delay)
    account = sim.add_account(wallets={"exchange": {"USD": 100_000}})
    client = await connect(sim)
    await ws_auth(client, account)
    await client.send([0, "on", None, {"type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": "0.01"}])
    arrivals = []
    while not any(f[1] == "tu" for _, f in arrivals):
        frame = await client.recv(timeout=5)
        if isinstance(frame, list) and frame[1] != "hb":
            arrivals.append((time.monotonic(), frame))
    kinds = [f[1] for _, f in arrivals]
    te_at = next(t for t, f in arrivals if f[1] == "te")
    tu_at, tu = next((t, f) for t, f in arrivals if f[1] == "tu")
    # the rest of the fill (wallets, the order's close) at once, the fee when the trade is persisted
    assert kinds[-1] == "tu" and {"te", "wu", "oc"} <= set(kinds[:-1])
    assert delay - 0.05 <= tu_at - te_at <= delay + 0.5
    te = next(f for _, f in arrivals if f[1] == "te")
    assert te[2][0] == tu[2][0] and te[2][9] is None and tu[2][9] < 0


async def test_a_tu_due_after_the_connection_closed_is_not_sent_anywhere(make_sim, connect, ws_auth):
    sim = await make_sim(trade_update_delay=0.2)
    account = sim.add_account(wallets={"exchange": {"USD": 100_000}})
    client = await connect(sim)
    await ws_auth(client, account)
    await client.send([0, "on", None, {"type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": "0.01"}])
    await client.recv_until(lambda f: isinstance(f, list) and f[1] == "te")
    conn = sim.authenticated_connection(account)
    await sim.drop(conn)
    later = await connect(sim)
    await ws_auth(later, account)
    await sim.wait_for(lambda: not sim._later, timeout=5)  # pylint: disable=protected-access
    assert not [t for t in sim.connections[-1].sent_text if '"tu"' in t]
    assert len(account.trades) == 1  # the trade itself is there (REST history), only its late frame is gone
