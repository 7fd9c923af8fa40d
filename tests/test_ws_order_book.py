"""Verified order books: checksum rules, managed books, faults recovered, long runs, the real capture."""

import dataclasses
import json
import zlib
from typing import Any

import pytest

from bfxapi.types import FundingCurrencyBook, FundingCurrencyRawBook, TradingPairBook, TradingPairRawBook
from bfxapi.websocket._checksum import checksum_string, crc32, js_number
from bfxapi.websocket._client.bfx_websocket_bucket import sequence_of
from bfxapi.websocket.order_book import OrderBook

from fixtures import WS_CAPTURE, fixture_path
from ws_support import FAST, Recorder, client, open_connections, simulator

# --- the checksum rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (7254, "7254"), (7254.0, "7254"), (-7254.5, "-7254.5"), (0.5, "0.5"), (1e-6, "0.000001"),
        (1e-7, "1e-7"), (-1e-7, "-1e-7"), (1.5e-7, "1.5e-7"), (6.8e-7, "6.8e-7"), (2e-8, "2e-8"),
        (1.1e-7, "1.1e-7"), (0.00023112, "0.00023112"), (123456789012345.0, "123456789012345"),
        (1e20, "100000000000000000000"), (1e21, "1e+21"), (1.5e22, "1.5e+22"), (34753002978, "34753002978"),
        (0.1 + 0.2, "0.30000000000000004"), (100.0, "100"), (1.54340371, "1.54340371"),
    ],
)  # fmt: skip
def test_numbers_are_printed_the_javascript_way(value: float, text: str) -> None:
    assert js_number(value) == text


def test_the_worked_examples_of_the_protocol() -> None:
    # protocol.md §3.4: computed there with Node's zlib.crc32 and Python's, identical
    two_each = checksum_string([(7254.7, 3.3), (7254.5, 0.5)], [(7255.1, -1.25), (7256, -1e-7)])
    assert two_each == "7254.7:3.3:7255.1:-1.25:7254.5:0.5:7256:-1e-7"
    assert crc32(two_each) == 1876039605
    assert crc32(checksum_string([(7254.7, 3.3)], [(7255.1, -1.25)])) == (-731786015) & 0xFFFFFFFF
    raw = checksum_string([(34753002978, 1.54340371)], [(34753006046, -0.5)])
    assert crc32(raw) == (-852713933) & 0xFFFFFFFF


def test_only_the_best_25_of_each_side_count_and_sides_may_differ_in_length() -> None:
    bids = [(100 - i, 1.0) for i in range(30)]
    asks = [(101 + i, -2.0) for i in range(3)]
    text = checksum_string(bids, asks)
    parts = text.split(":")
    assert len(parts) == 2 * (25 + 3)
    assert parts[:8] == ["100", "1", "101", "-2", "99", "1", "102", "-2"]
    assert parts[-2:] == ["76", "1"]  # the 25th bid, after the asks ran out
    assert crc32(text) == zlib.crc32(text.encode())


def _book(symbol: str, prec: str) -> OrderBook:
    events: list[Any] = []
    return OrderBook(symbol, prec, 25, lambda *a: events.append(a) is None, lambda book: None, __import__("logging").getLogger("t"))


def test_raw_and_funding_books_key_and_order_their_entries() -> None:
    raw = _book("tBTCUSD", "R0")
    raw._apply(TradingPairRawBook(3, 100.0, 1.0))  # pylint: disable=protected-access
    raw._apply(TradingPairRawBook(1, 100.0, 2.0))  # pylint: disable=protected-access
    raw._apply(TradingPairRawBook(2, 101.0, -1.0))  # pylint: disable=protected-access
    assert [e.order_id for e in raw.bids] == [1, 3]  # same price: by id
    assert raw.checksum() == crc32("1:2:2:-1:3:1")
    raw._apply(TradingPairRawBook(1, 0, 1))  # price 0: delete  # pylint: disable=protected-access
    raw._views = None  # pylint: disable=protected-access
    assert [e.order_id for e in raw.bids] == [3]

    funding = _book("fUSD", "P0")
    funding._apply(FundingCurrencyBook(0.0002, 2, 3, -500.0))  # negative amount: a bid  # pylint: disable=protected-access
    funding._apply(FundingCurrencyBook(0.0003, 30, 1, 1000.0))  # pylint: disable=protected-access
    funding._apply(FundingCurrencyBook(0.00025, 2, 1, -100.0))  # pylint: disable=protected-access
    assert [e.rate for e in funding.bids] == [0.00025, 0.0002] and [e.rate for e in funding.asks] == [0.0003]
    assert funding.checksum() == crc32("0.00025:-100:0.0003:1000:0.0002:-500")

    offers = _book("fUSD", "R0")
    offers._apply(FundingCurrencyRawBook(7, 2, 0.0002, -300.0))  # pylint: disable=protected-access
    offers._apply(FundingCurrencyRawBook(8, 2, 1e-7, 50.0))  # pylint: disable=protected-access
    assert offers.checksum() == crc32("7:-300:8:50")
    assert offers.best_ask is not None and offers.best_ask.rate == 1e-7


# --- managed books against the simulator ------------------------------------------------------------------


def same_entries(ours: list[Any], wire: list[list[Any]]) -> bool:
    return [[getattr(e, f.name) for f in dataclasses.fields(e)] for e in ours] == wire


@pytest.mark.parametrize(
    ("symbol", "prec", "length"),
    [("tBTCUSD", "P0", 25), ("tETHUSD", "P2", 100), ("tETHBTC", "R0", 25), ("fUSD", "P0", 25), ("fBTC", "R0", 100),
     ("tTESTBTC:TESTUSD", "P1", 250), ("tBTCF0:USTF0", "P0", 1)],
)  # fmt: skip
async def test_a_managed_book_equals_the_servers_book(symbol: str, prec: str, length: int) -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "order_book_update", "order_book_state", "checksum_mismatch")
        await bfx.wss.connect()
        book = await bfx.wss.order_book(symbol, prec=prec, len=length)
        assert book.state == "synced" and events.of("order_book_state") == [(book, "synced")]
        connection = open_connections(sim)[0]
        subscription = next(s for s in connection.subscriptions.values() if s.request["subId"] == book.sub_id)
        for _ in range(5):
            await sim.advance(4)
            await sim.send_heartbeats()
            await sim.wait_for(lambda: connection.seq == bfx.wss._buckets[0].last_sequence)  # pylint: disable=protected-access
            bids, asks = subscription.book_view(sim.market.instruments[symbol])
            assert same_entries(book.bids, bids) and same_entries(book.asks, asks)
        assert book.checksums_verified > 0 and events.count("checksum_mismatch") == 0
        assert events.count("order_book_update") > 1
        price = (lambda e: e.rate) if symbol.startswith("f") else (lambda e: e.price)
        if book.bids and book.asks:
            assert price(book.best_bid) < price(book.best_ask)
            assert book.spread == pytest.approx(price(book.best_ask) - price(book.best_bid))
            assert book.mid == pytest.approx((price(book.best_ask) + price(book.best_bid)) / 2)
        top_bids, top_asks = book.depth(3)
        assert top_bids == book.bids[:3] and top_asks == book.asks[:3]
        assert book.volume("bids") == pytest.approx(sum(abs(e.amount) for e in book.bids))
        if len(book.asks) > 2:
            limit = price(book.asks[1])
            expected = sum(abs(e.amount) for e in book.asks if price(e) <= limit)
            assert book.volume("asks", limit) == pytest.approx(expected)
        await book.close()
        assert book.state == "closed" and not book.bids and book.sub_id not in bfx.wss.subscriptions
        await bfx.close()


async def test_a_corrupted_checksum_resyncs_only_that_book() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "checksum_mismatch", "order_book_state", "subscribed", "checksum")
        await bfx.wss.connect()
        target = await bfx.wss.order_book("tBTCUSD")
        other = await bfx.wss.order_book("tETHUSD")
        connection = open_connections(sim)[0]
        chan_id = next(c for c, s in connection.subscriptions.items() if s.request["subId"] == target.sub_id)
        sim.corrupt_next_checksum(connection, chan_id=chan_id)
        await sim.advance(3)
        await events.wait(lambda: events.count("checksum_mismatch") == 1 and target.state == "synced"
                          and events.of("order_book_state", None)[-1][1] == "synced")
        (book, server, local), = events.of("checksum_mismatch")
        assert book is target and server != local
        assert [state for b, state in events.of("order_book_state") if b is target] == ["synced", "resyncing", "synced"]
        assert [state for b, state in events.of("order_book_state") if b is other] == ["synced"]
        requests = [m for m in connection.received if isinstance(m, dict) and m.get("event") in ("subscribe", "unsubscribe")]
        assert [m.get("subId") for m in requests if m["event"] == "subscribe"] == [target.sub_id, other.sub_id, target.sub_id]
        assert connection.open and target.checksum_mismatches == 1 and other.checksum_mismatches == 0
        await sim.advance(3)
        await events.wait(lambda: target.checksums_verified > 0)
        await bfx.close()


async def test_a_skipped_sequence_number_resyncs_the_connection_and_its_books() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        events = Recorder(bfx, "sequence_gap", "order_book_state", "reconnection", "checksum")
        await bfx.wss.connect()
        book = await bfx.wss.order_book("fUSD", prec="P1")
        old = open_connections(sim)[0]
        sim.skip_sequence(old)
        await sim.advance()
        await events.wait(lambda: events.count("reconnection") == 1 and book.state == "synced")
        (name, expected, received), = events.of("sequence_gap")
        assert received == expected + 1
        assert [state for _, state in events.of("order_book_state")] == ["synced", "resyncing", "synced"]
        new = open_connections(sim)[0]
        assert new is not old and book.checksums_verified >= 0
        await sim.advance(3)
        await events.wait(lambda: book.checksums_verified > 0)
        assert book.checksum_mismatches == 0
        await bfx.close()


async def test_a_dropped_connection_marks_books_resyncing_until_the_new_snapshot() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        states: list[tuple[str, int]] = []
        bfx.wss.on("order_book_state", callback=lambda b, state: states.append((state, len(b.bids))))
        events = Recorder(bfx, "reconnection", "order_book_state")
        await bfx.wss.connect()
        book = await bfx.wss.order_book("tBTCUSD", prec="R0")
        await sim.drop()
        await events.wait(lambda: events.count("reconnection") and book.state == "synced")
        assert [s for s, _ in states] == ["synced", "resyncing", "synced"]
        assert states[1][1] == 0  # a book that is not synced shows no levels
        await bfx.close()


@pytest.mark.timeout(120)
async def test_a_long_run_over_many_books_has_no_false_mismatch() -> None:
    async with simulator(seed=11) as sim:
        # The subject is checksums, not the watchdog: 400 steps of 28 books keep this process (the simulator's too)
        # busy, and a loaded 2-core machine can starve one connection's reads past FAST's 1.4 s silence limit.
        bfx = client(sim, dataclasses.replace(FAST, bulk=True, silence_limit=30.0))
        events = Recorder(bfx, "checksum_mismatch", "sequence_gap")
        await bfx.wss.connect(connections=2)
        books = [
            await bfx.wss.order_book(symbol, prec=prec, len=length)
            for symbol in ("tBTCUSD", "tETHUSD", "tETHBTC", "tTESTBTC:TESTUSD", "tBTCF0:USTF0", "fUSD", "fBTC")
            for prec, length in (("P0", 25), ("P1", 100), ("P3", 25), ("R0", 100))
        ]
        for _ in range(400):
            await sim.advance()
        await sim.send_heartbeats()
        await sim.wait_for(lambda: all(c.seq == b.last_sequence for c, b in zip(open_connections(sim), bfx.wss._buckets)),  # pylint: disable=protected-access
                           timeout=30.0)
        updates = sum(book.updates for book in books)
        verified = sum(book.checksums_verified for book in books)
        print(f"{len(books)} books, {updates} updates, {verified} checksums verified")
        assert updates > 20_000 and verified > 5_000
        assert events.count("checksum_mismatch") == 0 and events.count("sequence_gap") == 0
        assert all(book.state == "synced" for book in books)
        await bfx.close()


async def test_bulk_frames_are_applied_whole_before_anyone_is_told() -> None:
    async with simulator() as sim:
        bfx = client(sim, dataclasses.replace(FAST, bulk=True))
        seen: list[int] = []  # how many entries the book had applied at each notification
        bfx.wss.on("order_book_update", callback=lambda book: seen.append(book.updates))
        events = Recorder(bfx, "order_book_update")
        await bfx.wss.connect()
        book = await bfx.wss.order_book("tBTCUSD", prec="R0")
        connection = open_connections(sim)[0]
        chan_id = next(iter(connection.subscriptions))
        await sim.advance(8)
        await sim.send_heartbeats()
        await sim.wait_for(lambda: connection.seq == bfx.wss._buckets[0].last_sequence)  # pylint: disable=protected-access
        frames = [f for f in connection.sent if isinstance(f, list) and f[0] == chan_id and isinstance(f[1], list)]
        assert any(len(f[1]) > 1 for f in frames[1:])  # bulk frames carried several entries
        boundaries, applied = set(), 0
        for index, frame in enumerate(frames):
            applied += 1 if index == 0 else len(frame[1])  # the snapshot is applied at once
            boundaries.add(applied)
        await events.wait(lambda: seen and seen[-1] == applied)
        assert set(seen) <= boundaries  # never told in the middle of a frame
        assert book.checksums_verified > 0 and book.checksum_mismatches == 0
        await bfx.close()


async def test_server_timestamps_are_available() -> None:
    async with simulator() as sim:
        bfx = client(sim, dataclasses.replace(FAST, timestamps=True))
        events = Recorder(bfx, "t_ticker_update")
        await bfx.wss.connect()
        sub_id = await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        await sim.advance()
        await events.wait_count("t_ticker_update", 2)
        connection = open_connections(sim)[0]
        last = [f for f in connection.sent if isinstance(f, list) and isinstance(f[1], list)][-1]
        assert bfx.wss.last_timestamp(sub_id) == last[-1] and last[-1] > 1_600_000_000_000
        await bfx.close()


# --- the real capture -----------------------------------------------------------------------------------------


def captured_frames() -> list[Any]:
    frames = []
    for line in fixture_path(WS_CAPTURE).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("wss://"):
            frames.append(json.loads(line.split(": ", 1)[1]))
    return frames


def test_the_real_capture_has_no_sequence_gap() -> None:
    frames = [f for f in captured_frames() if isinstance(f, list)]
    assert len(frames) > 500
    last, gaps = 0, 0
    for frame in frames:
        sequence = sequence_of(frame)
        gaps += sequence != last + 1
        last = sequence
    assert gaps == 0
    # and one frame lost is seen, exactly once
    last, gaps = 0, 0
    for frame in frames[:100] + frames[101:]:
        sequence = sequence_of(frame)
        gaps += sequence != last + 1
        last = sequence
    assert gaps == 1


async def test_the_real_books_build_uncrossed_sorted_books() -> None:
    books: dict[int, OrderBook] = {}
    for frame in captured_frames():
        if isinstance(frame, dict) and frame.get("event") == "subscribed" and frame.get("channel") == "book":
            books[frame["chanId"]] = _book(frame["symbol"], frame["prec"])
        elif isinstance(frame, list) and frame[0] in books and isinstance(frame[1], list):
            book = books[frame[0]]
            payload = frame[1]
            if payload and isinstance(payload[0], list):
                book.feed("t_book_snapshot", [TradingPairBook(*row[:3]) for row in payload])
            else:
                book._apply(TradingPairBook(*payload[:3]))  # pylint: disable=protected-access
                book._views = None  # pylint: disable=protected-access
    assert len(books) == 7
    for book in books.values():
        assert book.state == "synced" and book.bids and book.asks and len(book.bids) <= 100
        assert book.bids[0].price < book.asks[0].price
        assert [e.price for e in book.bids] == sorted((e.price for e in book.bids), reverse=True)
        assert [e.price for e in book.asks] == sorted(e.price for e in book.asks)
