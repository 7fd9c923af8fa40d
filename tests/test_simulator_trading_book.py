"""Simulator: account orders in the public book (raw clients).

A resting, non-hidden LIMIT order of an account is part of the public order book: an aggregated P0 level
(count and amount), its own R0 entry (its order id), updates when it is filled or changed, a delete when it
leaves; checksums keep matching; other accounts and the market flow fill it; each fill is a public trade.
HIDDEN orders match but never show. Checksums are computed here from the exact wire text (protocol.md §3.4).
"""

import json
import zlib

import aiohttp

from test_simulator_trading import kinds, login, on, read

CHECKSUM = 131072


class Num(float):
    """A JSON number that remembers its wire text (checksums are built from it, as the official clients do)."""

    text: str

    def __new__(cls, text: str) -> "Num":
        value = super().__new__(cls, text)
        value.text = text
        return value


def wire(text):
    return json.loads(text, parse_float=Num, parse_int=Num)


class Book:
    """A trading book (P-precision or R0) maintained from snapshot + updates, with the §3.4 checksum."""

    def __init__(self, raw, snapshot):
        self.raw = raw
        self.bids, self.asks = {}, {}
        for entry in snapshot:
            self.apply(entry)

    def apply(self, entry):
        if self.raw:
            order_id, price, amount = entry
            if price == 0:
                self.bids.pop(order_id, None)
                self.asks.pop(order_id, None)
            else:
                (self.bids if amount > 0 else self.asks)[order_id] = (price, amount)
            return
        price, count, amount = entry
        if count == 0:
            (self.bids if amount == 1 else self.asks).pop(price, None)
        else:
            (self.bids if amount > 0 else self.asks)[price] = (count, amount)

    def sides(self):
        if self.raw:
            bids = sorted(self.bids.items(), key=lambda kv: (-kv[1][0], kv[0]))
            asks = sorted(self.asks.items(), key=lambda kv: (kv[1][0], kv[0]))
            return [(k, v[1]) for k, v in bids], [(k, v[1]) for k, v in asks]
        bids = sorted(self.bids.items(), key=lambda kv: -kv[0])
        asks = sorted(self.asks.items(), key=lambda kv: kv[0])
        return [(k, v[1]) for k, v in bids], [(k, v[1]) for k, v in asks]

    def checksum(self):
        bids, asks = self.sides()
        parts = []
        for i in range(25):
            for side in (bids, asks):
                if i < len(side):
                    parts += [side[i][0].text, side[i][1].text]
        value = zlib.crc32(":".join(parts).encode())
        return value - 2**32 if value >= 2**31 else value


class PublicView:
    """One raw public socket with P0 and R0 books (checksums on) and the trades channel of a pair."""

    def __init__(self, client, conn):
        self.client, self.conn = client, conn
        self.books, self.trades, self.frames = {}, [], []

    @classmethod
    async def open(cls, sim, connect, symbol="tBTCUSD"):
        client = await connect(sim)
        view = cls(client, sim.connections[-1])
        await client.send({"event": "conf", "flags": CHECKSUM})
        assert (await client.recv())["status"] == "OK"
        for prec in ("P0", "R0"):
            ack, _ = await client.subscribe(channel="book", symbol=symbol, prec=prec, len="25")
            view.books[ack["chanId"]] = Book(prec == "R0", wire(client.texts[-1])[1])
            if prec == "P0":
                view.p0 = ack["chanId"]
            else:
                view.r0 = ack["chanId"]
        ack, _ = await client.subscribe(channel="trades", symbol=symbol)
        view.trades_chan = ack["chanId"]
        return view

    async def settle(self, sim):
        """Read every frame the server has sent so far (the market lock orders us after any operation in
        progress), applying book entries and checking every checksum; returns the frames read."""
        async with sim.market_lock:
            pass
        frames = [wire(text) for text in await self.client.catch_up(self.conn)]
        for frame in frames:
            book = self.books.get(frame[0])
            if book is not None and frame[1] == "cs":
                assert frame[2] == book.checksum(), frame
            elif book is not None:
                book.apply(frame[1])
            elif frame[0] == self.trades_chan:
                self.trades.append(frame)
        self.frames += frames
        return frames

    def entries(self, frames, chan):
        return [f[1] for f in frames if f[0] == chan and f[1] not in ("cs", "hb")]


def inside_spread(sim, symbol="tBTCUSD"):
    inst = sim.market.instruments[symbol]
    bid, ask = inst.best(True).price, inst.best(False).price
    price = float(round((bid + ask) / 2))
    assert bid < price < ask
    return price


async def test_resting_order_is_a_p0_level_and_an_r0_entry_until_cancelled(sim, connect, ws_auth):
    view = await PublicView.open(sim, connect)
    start = {chan: book.checksum() for chan, book in view.books.items()}
    account, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    price = inside_spread(sim)
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.5", "price": str(price)}))
    _, new = await read(client, 2)
    order_id = new[2][0]
    # a new best bid pushes the 25th bid out of each 25-entry view (a delete), protocol.md §3.3
    last_level = min(view.books[view.p0].bids.items())
    last_order = view.books[view.r0].sides()[0][-1]
    frames = await view.settle(sim)
    assert [f[1] if f[1] == "cs" else "entry" for f in frames] == ["entry", "entry", "cs"] * 2
    assert view.entries(frames, view.p0) == [[last_level[0], 0, 1], [price, 1, 0.5]]
    assert view.entries(frames, view.r0) == [[last_order[0], 0, 1], [order_id, price, 0.5]]
    # REST book/ agrees with the channels
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sim.rest_host}/book/tBTCUSD/R0") as response:
            assert [order_id, price, 0.5] in await response.json()
        async with http.get(f"{sim.rest_host}/book/tBTCUSD/P0") as response:
            assert (await response.json())[0] == [price, 1, 0.5]
    await client.send([0, "oc", None, {"id": order_id}])
    assert kinds(await read(client, 2)) == ["n:oc-req", "oc"]
    frames = await view.settle(sim)
    assert view.entries(frames, view.p0) == [[price, 0, 1], [last_level[0], *last_level[1]]]
    assert view.entries(frames, view.r0) == [[order_id, 0, 1], [last_order[0], sim.market.instruments["tBTCUSD"].orders[
        last_order[0]].price, last_order[1]]]
    assert {chan: book.checksum() for chan, book in view.books.items()} == start
    assert not view.trades and order_id not in sim.market.instruments["tBTCUSD"].orders


async def test_another_accounts_order_fills_it_both_sides_see_the_trade(sim, connect, ws_auth):
    view = await PublicView.open(sim, connect)
    maker, maker_ws = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    taker, taker_ws = await login(sim, connect, ws_auth, {"exchange": {"BTC": 1}})
    price = inside_spread(sim)
    await maker_ws.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.5", "price": str(price),
                            "cid": 1}))
    _, new = await read(maker_ws, 2)
    order_id = new[2][0]
    await view.settle(sim)
    # the taker sells 0.2 at any price down to 1: the best bid is the maker's order
    await taker_ws.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-0.2", "price": "1", "cid": 2}))
    taker_frames = await read(taker_ws, 7)
    assert kinds(taker_frames) == ["n:on-req", "on", "te", "tu", "wu", "wu", "oc"]
    taker_te = taker_frames[2][2]
    assert taker_te[3:9] == [taker_frames[1][2][0], -0.2, price, "EXCHANGE LIMIT", 1, -1]
    assert taker_frames[6][2][13] == f"EXECUTED @ {price:g}(-0.2)"
    maker_frames = await read(maker_ws, 5)
    assert kinds(maker_frames) == ["te", "tu", "wu", "wu", "ou"]
    maker_te = maker_frames[0][2]
    assert maker_te[0] == taker_te[0] and maker_te[3:9] == [order_id, 0.2, price, "EXCHANGE LIMIT", price, 1]
    assert maker_frames[1][2][9:11] == [-0.0002, "BTC"] and taker_frames[3][2][9:11] == [-round(0.2 * price * 0.002, 8),
                                                                                        "USD"]
    assert maker_frames[4][2][13] == f"PARTIALLY FILLED @ {price:g}(0.2)" and maker_frames[4][2][6] == 0.3
    frames = await view.settle(sim)
    assert view.entries(frames, view.p0) == [[price, 1, 0.3]]
    assert view.entries(frames, view.r0) == [[order_id, price, 0.3]]
    public = [(f[1], f[2][0], f[2][2], f[2][3]) for f in frames if f[0] == view.trades_chan]
    assert public == [("te", taker_te[0], -0.2, price), ("tu", taker_te[0], -0.2, price)]
    assert maker.balance("exchange", "BTC") == 0.1998 and taker.balance("exchange", "BTC") == 0.8


async def test_price_then_time_priority_against_the_market_orders(sim, connect, ws_auth):
    inst = sim.market.instruments["tBTCUSD"]
    best = inst.best(bid=False)
    ahead = [o for o in inst.side(bid=False) if o.price == best.price]
    _, maker_ws = await login(sim, connect, ws_auth, {"exchange": {"BTC": 1}})
    await maker_ws.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-0.3", "price": str(best.price)}))
    _, new = await read(maker_ws, 2)
    level = round(sum(-o.amount for o in ahead), 8)
    _, taker_ws = await login(sim, connect, ws_auth, {"exchange": {"USD": 1_000_000}})
    await taker_ws.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": str(round(level + 0.1, 8)),
                            "price": str(best.price)}))
    frames = await taker_ws.recv_until(lambda f: f[1] == "oc")
    fills = [(f[2][4], f[2][5]) for f in frames if f[1] == "te"]
    # the market's orders that were at the price first, then ours
    assert fills == [(-o.amount, best.price) for o in ahead] + [(0.1, best.price)]
    maker_frames = await read(maker_ws, 5)
    assert kinds(maker_frames) == ["te", "tu", "wu", "wu", "ou"] and maker_frames[0][2][3:5] == [new[2][0], -0.1]


async def test_hidden_order_matches_but_never_shows(sim, connect, ws_auth):
    view = await PublicView.open(sim, connect)
    inst = sim.market.instruments["tBTCUSD"]
    ticker = inst.ticker_row()
    maker, maker_ws = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000}})
    price = inside_spread(sim)
    await maker_ws.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.5", "price": str(price),
                            "flags": 64}))
    _, new = await read(maker_ws, 2)
    assert new[2][12] == 64 and new[2][24] == 1
    assert await view.settle(sim) == []
    assert inst.ticker_row()[:4] == ticker[:4]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sim.rest_host}/book/tBTCUSD/R0") as response:
            assert all(row[0] != new[2][0] for row in await response.json())
    _, taker_ws = await login(sim, connect, ws_auth, {"exchange": {"BTC": 1}})
    await taker_ws.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-0.2", "price": "1"}))
    taker_frames = await read(taker_ws, 7)
    assert taker_frames[2][2][4:6] == [-0.2, price]  # the hidden bid was the best one
    maker_frames = await read(maker_ws, 5)
    assert kinds(maker_frames) == ["te", "tu", "wu", "wu", "ou"] and maker_frames[0][2][8] == 1
    frames = await view.settle(sim)
    # a public trade, no book change
    assert [(f[1], f[2][2], f[2][3]) for f in frames] == [("te", -0.2, price), ("tu", -0.2, price)]
    assert maker.orders[new[2][0]].amount == 0.3


async def test_market_flow_fills_a_resting_order_and_the_book_follows(sim, connect, ws_auth):
    view = await PublicView.open(sim, connect)
    account, client = await login(sim, connect, ws_auth, {"exchange": {"BTC": 10}})
    price = inside_spread(sim)
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-2", "price": str(price)}))
    _, new = await read(client, 2)
    order_id = new[2][0]
    for _ in range(200):
        await sim.advance()
        if order_id not in account.orders:
            break
    assert order_id not in account.orders
    frames = await view.settle(sim)  # every checksum on the way matched
    ours = [e for e in view.entries(frames, view.r0) if e[0] == order_id]
    assert ours[0] == [order_id, price, -2] and ours[-1] == [order_id, 0, -1]
    remaining = [e[2] for e in ours[1:-1]]
    assert remaining == sorted(remaining) and all(-2 < r < 0 for r in remaining)  # shrinking towards 0
    fills = [t for t in account.trades if t.order_id == order_id]
    assert fills and all(t.maker and t.price == price for t in fills)
    public = {f[2][0]: f[2] for f in view.trades if f[1] == "te"}
    assert [public[t.id][2:] for t in fills] == [[-t.amount, price] for t in fills]  # taker bought from us
    closed = (await client.recv_until(lambda f: f[1] == "oc"))[-1]
    assert closed[2][13].startswith(f"EXECUTED @ {price:g}(")


async def scenario(sim, connect, ws_auth):
    view = await PublicView.open(sim, connect)
    _, client = await login(sim, connect, ws_auth, {"exchange": {"USD": 100000, "BTC": 5}})
    price = inside_spread(sim)
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "-1", "price": str(price)}))
    await client.send(on({"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.4", "price": str(price - 20)}))
    await read(client, 4)
    await sim.advance(40)
    await view.settle(sim)
    return view.conn.sent_text


async def test_same_seed_same_public_frames_with_account_orders(make_sim, connect, ws_auth):
    first = await scenario(await make_sim(seed=11), connect, ws_auth)
    second = await scenario(await make_sim(seed=11), connect, ws_auth)
    assert first == second and len(first) > 20
