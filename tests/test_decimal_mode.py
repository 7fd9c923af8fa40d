"""Decimal mode (``Client(..., decimal=True)``): every price, amount, rate, balance and fee, from REST and from the
WebSocket, public and authenticated, is a ``Decimal`` equal to the server's text; ids, counts, timestamps and flags
stay ``int``; checksums, managed books, streams and the managed account work as in float mode.

The server's text is read here with the standard library, numbers kept as text (tests/decimal_support.py): every
frame of the real capture (tests/data) replayed through a decimal client, every REST answer of the simulator, and
every frame the simulator sent an authenticated decimal client.
"""

import asyncio
import dataclasses
import json
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, AsyncIterator, Callable, Optional

import pytest
from aiohttp import WSMsgType, web

from bfxapi import Client
from bfxapi._utils import json_decoder
from bfxapi.exceptions import InvalidInputTypeError, MalformedPayloadError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest._interface import middleware
from bfxapi.types import Liquidation, Notification, Order, TradingPairBook, TradingPairTicker, serializers
from bfxapi.types.codec import MERCHANT_NAMES, SERIALIZER_NAMES, Codec, codec
from bfxapi.websocket import BfxWebSocketClient
from bfxapi.websocket._checksum import js_number

from decimal_support import FLOAT_FIELDS, Wire, check_exact, floats_in, same, texts
from fixtures import WS_CAPTURE, fixture_path
from rest_auth_server import SIM_WALLETS
from ws_support import FAST, Recorder, open_connections, simulator

pytestmark = pytest.mark.timeout(60)

DECIMAL_BACKENDS = [
    pytest.param(json_decoder.json_decimal_loads, id="json"),
    pytest.param(
        json_decoder.msgspec_decimal_loads,
        id="msgspec",
        marks=pytest.mark.skipif(json_decoder.msgspec_decimal_loads is None, reason="msgspec is not installed"),
    ),
]


def capture_lines() -> list[str]:
    return fixture_path(WS_CAPTURE).read_text(encoding="utf-8").splitlines()


def received_texts() -> list[str]:
    """The text of every frame the recorded client received, in order."""
    return [line.split(": ", 1)[1] for line in capture_lines() if ": " in line and not line.startswith("wss://")]


# ---------------------------------------------------------------------------------------------------
# Decoding: numbers keep their text
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loads", DECIMAL_BACKENDS)
def test_numbers_decode_as_their_text(loads: Callable[[str], Any]) -> None:
    values = loads('[0.1, 1e-8, 2e-8, 1.1e-7, 20000, -0.0, 19203.444049780002, 1E400, 0.10, 123456789012345678901]')
    assert [value.__class__ for value in values] == [Decimal, Decimal, Decimal, Decimal, int, Decimal, Decimal,
                                                     Decimal, Decimal, int]
    assert [str(value) for value in values] == ["0.1", "1E-8", "2E-8", "1.1E-7", "20000", "-0.0", "19203.444049780002",
                                                "1E+400", "0.10", "123456789012345678901"]


@pytest.mark.parametrize("loads", DECIMAL_BACKENDS)
@pytest.mark.parametrize("text", ["[NaN]", "[1,Infinity]", "[-Infinity]", '{"a":NaN}', "[1,", "nope", "[1]]"])
def test_what_is_not_json_is_refused_with_a_value_error(loads: Callable[[str], Any], text: str) -> None:
    with pytest.raises(ValueError):
        loads(text)


@pytest.mark.parametrize("loads", DECIMAL_BACKENDS)
def test_nesting_deeper_than_the_limit_is_refused(loads: Callable[[str], Any]) -> None:
    depth = json_decoder.MAX_DEPTH + 1
    with pytest.raises(ValueError, match="nested deeper"):
        loads("[" * depth + "]" * depth)
    assert loads("[" * json_decoder.MAX_DEPTH + "]" * json_decoder.MAX_DEPTH) is not None


def test_both_decimal_backends_agree_on_every_frame_of_the_capture() -> None:
    if json_decoder.msgspec_decimal_loads is None:
        pytest.skip("msgspec is not installed")
    for text in received_texts():
        ours, theirs = json_decoder.msgspec_decimal_loads(text), json_decoder.json_decimal_loads(text)
        assert ours == theirs and repr(ours) == repr(theirs), text


def test_the_decimal_backend_is_msgspec_when_installed() -> None:
    assert json_decoder.decimal_loads in (json_decoder.json_decimal_loads, json_decoder.msgspec_decimal_loads)
    expected = "msgspec" if json_decoder.decimal_loads is json_decoder.msgspec_decimal_loads else "json"
    assert json_decoder.DECIMAL_BACKEND == expected


# ---------------------------------------------------------------------------------------------------
# Serializers in decimal mode
# ---------------------------------------------------------------------------------------------------

ORDER_TEXT = (
    '[34930659963,null,1574955083558,"tETHUSD",1574955083558,1574955083573,0.201104,-1e-8,"EXCHANGE LIMIT",'
    'null,null,null,0,"ACTIVE",null,null,120,0.10,null,0,null,null,null,0,0,null,null,null,"BFX",null,null,'
    '{"aff_code":"x","lev":1.5}]'
)


def test_a_decimal_serializer_keeps_decimals_and_makes_integers_decimal() -> None:
    order = codec(True).Order.from_wire(json_decoder.decimal_loads(ORDER_TEXT))
    assert isinstance(order, Order)
    assert (order.amount, order.amount_orig, order.price, order.price_avg) == (
        Decimal("0.201104"), Decimal("-1E-8"), Decimal(120), Decimal("0.10"))
    assert str(order.price_avg) == "0.10" and order.price_trailing is None
    assert order.price_aux_limit.__class__ is Decimal and order.price.__class__ is Decimal
    assert (order.id, order.mts_create, order.flags, order.notify) == (34930659963, 1574955083558, 0, 0)
    assert all(value.__class__ is int for value in (order.id, order.cid, order.mts_create, order.flags))
    assert order.meta == {"aff_code": "x", "lev": Decimal("1.5")}  # Any: left as decoded
    assert list(floats_in(order)) == []


def test_float_mode_is_unchanged() -> None:
    order = serializers.Order.from_wire(json_decoder.loads(ORDER_TEXT))
    assert (order.amount, order.amount_orig, order.price, order.price_avg) == (0.201104, -1e-8, 120, 0.1)
    assert order.price.__class__ is int and order.amount.__class__ is float  # as received, as before
    assert codec(False).Order is serializers.Order and not serializers.Order.decimal


@pytest.mark.parametrize("value", [0.5, float("nan"), Decimal("NaN"), Decimal("Infinity"), True, "1.5", None])
def test_a_decimal_serializer_refuses_what_is_not_an_exact_number(value: Any) -> None:
    wire = json_decoder.decimal_loads("[1,2,3,4,5,6,7,8,9,10]")
    wire[0] = value
    with pytest.raises(MalformedPayloadError, match="bid .*must be a finite Decimal or an integer"):
        codec(True).TradingPairTicker.from_wire(wire)


def test_the_fractional_timestamps_stay_float_in_decimal_mode() -> None:
    text = '[["pos",145400868,1574697680828.2002,null,"tETHUSD",-1.0e-1,157.55,null,1,1,null,163.8]]'
    liquidation = codec(True).Liquidation.from_wire(json_decoder.decimal_loads(text)[0])
    assert isinstance(liquidation, Liquidation)
    assert liquidation.mts == 1574697680828.2002 and liquidation.mts.__class__ is float
    assert (liquidation.amount, liquidation.base_price) == (Decimal("-0.10"), Decimal("157.55"))
    notification = codec(True).OrderNotification.from_wire(json_decoder.decimal_loads(
        f'[1574955083.558,"on-req",null,null,{ORDER_TEXT},null,"SUCCESS","Submitted"]'))
    assert isinstance(notification, Notification) and notification.mts == 1574955083.558
    assert notification.data.amount == Decimal("0.201104")


def test_nullable_answers_convert_too() -> None:
    """A refused write's echo goes through the slow path, which converts as the generated code does."""
    wire: list[Any] = [None] * 32
    wire[3], wire[6] = "tBTCUSD", 20000
    answer = json_decoder.decimal_loads('[1,"on-req",null,null,[],null,"ERROR","Invalid"]')
    answer[4] = wire
    notification = codec(True).OrderNotification.from_wire(answer)
    assert notification.data.amount == Decimal(20000) and notification.data.amount.__class__ is Decimal
    assert notification.data.id is None


def test_each_serializer_has_one_twin_per_mode() -> None:
    decimal = serializers.Order.variant(True)
    assert decimal is not serializers.Order and decimal.decimal
    assert decimal.variant(True) is decimal and decimal.variant(False) is serializers.Order
    assert serializers.Order.variant(True) is decimal
    assert codec(True).PulseMessage.serializers["profile"].decimal  # type: ignore[attr-defined]
    assert codec(True).OrderListNotification.serializer is not None
    assert codec(True).OrderListNotification.serializer.decimal


def test_a_codec_holds_every_serializer_and_merchant_parser() -> None:
    declared = set(Codec.__annotations__) - {"decimal", "loads"}
    assert declared == set(SERIALIZER_NAMES) | set(MERCHANT_NAMES)
    decimal = Codec(True)
    for name in SERIALIZER_NAMES:
        assert getattr(decimal, name).decimal, name
    page = decimal.InvoicePage({"items": [{"amount": 10, "invoices": [{"amount": Decimal("1.50")}],
                                           "payment": {"amount": 3}}]})
    assert page.items is not None
    invoice = page.items[0]
    assert (invoice.amount, invoice.invoices[0].amount, invoice.payment.amount) == (  # type: ignore[index, union-attr]
        Decimal(10), Decimal("1.50"), Decimal(3))
    assert invoice.amount.__class__ is Decimal
    with pytest.raises(InvalidInputTypeError, match="decimal must be True"):
        Codec(1)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------
# Checksums: Bitfinex prints numbers as JavaScript does, and a Decimal's str differs
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1e-7", "1.1e-7", "2e-8", "0.000001", "-0.0089", "279380", "1e+21", "0.076989",
                                  "19203.444049780002", "-1.7023900800000002"])
def test_a_decimal_is_printed_for_the_checksum_as_javascript_prints_the_number(text: str) -> None:
    value = json_decoder.decimal_loads(text)
    assert js_number(value) == text == js_number(json_decoder.loads(text))


def test_a_decimal_of_more_digits_than_a_double_is_printed_as_javascript_holds_it() -> None:
    # Bitfinex computes the checksum from its JavaScript numbers: a double, whatever text it printed.
    assert js_number(Decimal("0.1000000000000000055511151231257827")) == "0.1"


# ---------------------------------------------------------------------------------------------------
# The real capture, replayed through the client
# ---------------------------------------------------------------------------------------------------


class CaptureServer:
    """Serves the recorded session to one client: ``info``, a ``conf`` answer, the recorded ``subscribed`` ack of
    each subscription asked for (with the client's ``subId``), then, once every recorded subscription is asked
    for, every recorded data frame in order, as the text recorded (sequence numbers included); ``unsubscribed``
    and ``pong`` answers."""

    def __init__(self) -> None:
        frames = received_texts()
        self.info = next(text for text in frames if '"event":"info"' in text)
        self.acks = [json.loads(text) for text in frames if '"event":"subscribed"' in text]
        self.data = [text for text in frames if text.startswith("[")]
        self.host = ""
        self._runner: Optional[web.AppRunner] = None

    async def __aenter__(self) -> "CaptureServer":
        app = web.Application()
        app.router.add_get("/ws/2", self._serve)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.host = f"ws://127.0.0.1:{self._runner.addresses[0][1]}/ws/2"
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _serve(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(self.info)
        acked = 0
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                break
            event = json.loads(message.data)
            if event.get("event") == "conf":
                await ws.send_str(json.dumps({"event": "conf", "status": "OK", "flags": event["flags"]}))
            elif event.get("event") == "unsubscribe":
                await ws.send_str(json.dumps({"event": "unsubscribed", "status": "OK", "chanId": event["chanId"]}))
            elif event.get("event") == "ping":
                await ws.send_str(json.dumps({"event": "pong", "ts": 1618677543000, "cid": event.get("cid")}))
            elif event.get("event") == "subscribe":
                ack = next(a for a in self.acks if (a["channel"], a["symbol"]) == (event["channel"], event["symbol"]))
                await ws.send_str(json.dumps({**ack, "subId": event["subId"]}))
                acked += 1
                if acked == len(self.acks):
                    for text in self.data:
                        await ws.send_str(text)
        return ws


def recorded_subscriptions() -> list[dict[str, Any]]:
    """The subscribe requests the recorded client sent (21: ticker, book P0 len 100 and trades of 7 pairs)."""
    return [json.loads(line.split(": ", 1)[1]) for line in capture_lines()
            if line.startswith("wss://") and '"event":"subscribe"' in line]


#: the events the capture's frames become
CAPTURE_EVENTS = ("t_ticker_update", "t_trades_snapshot", "t_trade_execution", "t_trade_execution_update",
                  "t_book_snapshot", "t_book_update")


def expected_rows(data: list[str], chan_of: dict[int, str]) -> dict[str, list[tuple[str, Any]]]:
    """sub_id -> (event, raw row) for every data row of the capture, in order (rows as text)."""
    out: dict[str, list[tuple[str, Any]]] = {sub_id: [] for sub_id in chan_of.values()}
    first: set[str] = set()
    for text in data:
        frame = texts(text)
        sub_id = chan_of[int(frame[0])]
        kind = frame[1]
        channel = sub_id.split(":")[0]
        if kind == "hb":
            continue
        if kind in ("te", "tu"):
            out[sub_id].append(("t_trade_execution" if kind == "te" else "t_trade_execution_update", frame[2]))
        elif channel == "ticker":
            out[sub_id].append(("t_ticker_update", kind))
        elif sub_id not in first:
            out[sub_id].extend((f"t_{channel}_snapshot", row) for row in kind)
        else:
            out[sub_id].append((f"t_{channel}_update", kind))
        first.add(sub_id)
    return out


@pytest.mark.parametrize("decimal", [True, False], ids=["decimal", "float"])
async def test_every_frame_of_the_real_capture_gives_the_servers_numbers(decimal: bool) -> None:
    """Decimal mode: every number field is the Decimal of the server's text (float mode: the float of it), for
    every row of every recorded frame, through the receive loop, the sequence audit and the handlers; a stream
    of one channel gets the same objects as the callbacks."""
    options = dataclasses.replace(FAST, silence_limit=30.0, ping_interval=5.0)
    async with CaptureServer() as server:
        chan_of = {ack["chanId"]: f"{ack['channel']}:{ack['symbol']}" for ack in server.acks}
        expected = expected_rows(server.data, chan_of)
        total = sum(map(len, expected.values()))
        assert total > 2000
        wss = BfxWebSocketClient(server.host, options=options, decimal=decimal)  # type: ignore[call-overload]
        recorded: dict[str, list[tuple[str, Any]]] = {}
        done = asyncio.Event()

        def record(event: str) -> Callable[..., None]:
            def callback(subscription: dict[str, Any], data: Any) -> None:
                rows = data if isinstance(data, list) else [data]
                recorded.setdefault(subscription["sub_id"], []).extend((event, row) for row in rows)
                if sum(map(len, recorded.values())) >= total:
                    done.set()
            return callback

        for event in CAPTURE_EVENTS:
            wss.on(event, callback=record(event))
        problems = Recorder(SimpleNamespace(wss=wss), "invalid_message", "sequence_gap", "reconnection")
        streamed: list[Any] = []
        try:
            await wss.connect()
            stream_spec = {"channel": "trades", "symbol": "tDOGUSD"}
            stream = wss.stream(**stream_spec, sub_id="trades:tDOGUSD")
            await stream.__aenter__()
            for request in recorded_subscriptions():
                spec = {key: value for key, value in request.items() if key != "event"}
                if (spec["channel"], spec["symbol"]) != ("trades", "tDOGUSD"):
                    await wss.subscribe(**spec, sub_id=f"{spec['channel']}:{spec['symbol']}")
            await asyncio.wait_for(done.wait(), 30)
            while stream.buffered:
                _event, item = await stream.__anext__()
                streamed.extend(item if isinstance(item, list) else [item])
            await stream.aclose()
        finally:
            await wss.close()
        assert problems.records == []
        checked = 0
        for sub_id, rows in expected.items():
            got = recorded.get(sub_id, [])
            assert [event for event, _ in got] == [event for event, _ in rows], sub_id
            for (event, obj), (_, row) in zip(got, rows):
                values = [getattr(obj, field.name) for field in dataclasses.fields(obj)]
                # these three layouts have no placeholder: field i is wire slot i
                assert len(row) >= len(values) and all(map(same, values, row)), (event, obj, row)
                checked += len(values)
                if decimal:
                    assert list(floats_in(obj)) == [], obj
        assert checked > 8000
        assert streamed and streamed == [obj for _, obj in recorded["trades:tDOGUSD"]]


# ---------------------------------------------------------------------------------------------------
# The simulator over the WebSocket: books with checksums, the account, inputs and their notifications
# ---------------------------------------------------------------------------------------------------

ACCOUNT_EVENTS = (
    "order_snapshot", "order_new", "order_update", "order_cancel", "position_snapshot", "position_new",
    "position_update", "trade_execution", "trade_execution_update", "funding_offer_snapshot", "funding_offer_new",
    "funding_credit_snapshot", "funding_loan_snapshot", "wallet_snapshot", "wallet_update", "notification",
    "on-req-notification", "oc-req-notification", "fon-req-notification", "balance_update",
)  # fmt: skip
PUBLIC_EVENTS = ("t_book_snapshot", "t_book_update", "f_book_snapshot", "f_book_update", "t_raw_book_snapshot",
                 "t_raw_book_update", "t_ticker_update", "f_ticker_update", "candles_snapshot", "candles_update")


def sent_wire(sim: Any) -> Wire:
    wire = Wire()
    for connection in sim.connections:
        for text in connection.sent_text:
            wire.add(text)
    return wire


async def test_an_authenticated_decimal_client_gets_the_servers_numbers_over_the_websocket() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets=SIM_WALLETS)
        bfx = Client(account.api_key, account.api_secret, wss_host=sim.wss_host, rest_host=sim.rest_host,
                     wss_options=FAST, decimal=True)
        sim.clients.append(bfx)
        events = Recorder(bfx, *ACCOUNT_EVENTS, *PUBLIC_EVENTS, "checksum_mismatch", "invalid_message")
        await bfx.wss.connect()
        assert await bfx.wss.account.wait_synced(5)
        books = [await bfx.wss.order_book(symbol, prec=prec, len=25)
                 for symbol, prec in (("tBTCUSD", "P0"), ("fUSD", "P0"), ("tETHUSD", "R0"))]
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        await bfx.wss.subscribe("ticker", symbol="fUSD")
        await bfx.wss.subscribe("candles", key="trade:1m:tBTCUSD")
        placed = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", Decimal("0.001"), Decimal("2000.5"))
        assert placed.status == "SUCCESS" and placed.data.price == Decimal("2000.5")
        filled = await bfx.wss.inputs.submit_order("EXCHANGE MARKET", "tETHUSD", Decimal("-0.5"))
        margin = await bfx.wss.inputs.submit_order("MARKET", "tBTCUSD", Decimal("0.002"))
        offer = await bfx.wss.inputs.submit_funding_offer("LIMIT", "fUSD", Decimal("250.25"), Decimal("0.0002"), 2)
        cancelled = await bfx.wss.inputs.cancel_order(id=placed.data.id)
        assert [n.status for n in (filled, margin, offer, cancelled)] == ["SUCCESS"] * 4, [
            n.text for n in (filled, margin, offer, cancelled)]
        await bfx.wss.notify({"price": 1.5})
        for _ in range(12):
            await sim.advance(1)
        await events.wait(lambda: events.count("trade_execution_update") >= 2 and events.count("notification") >= 1
                          and all(book.checksums_verified > 0 for book in books))
        await bfx.wss.inputs.calc("balance")
        await events.wait(lambda: events.count("balance_update") >= 1)

        assert events.of("checksum_mismatch") == [] and events.of("invalid_message") == []
        assert all(book.checksum_mismatches == 0 and book.state == "synced" for book in books)
        wire = sent_wire(sim)
        delivered = [args for _, args in events.records]
        views = [dict(bfx.wss.account.orders), dict(bfx.wss.account.positions), dict(bfx.wss.account.wallets),
                 dict(bfx.wss.account.funding_offers)]
        levels = [book.bids + book.asks for book in books]
        results = [delivered, views, levels, [placed, filled, margin, offer, cancelled]]
        assert check_exact(results, wire) > 500
        wallet = bfx.wss.account.wallet("exchange", "ETH")
        assert wallet is not None and wallet.balance.__class__ is Decimal
        best = books[0].best_bid
        assert best is not None and best.price.__class__ is Decimal and isinstance(books[0].spread, float)
        assert isinstance(books[0].volume("bids"), float) and isinstance(books[1].mid, float)


async def test_a_decimal_book_resyncs_after_a_checksum_mismatch_as_a_float_book_does() -> None:
    async with simulator() as sim:
        bfx = Client(wss_host=sim.wss_host, rest_host=sim.rest_host, wss_options=FAST, decimal=True)
        sim.clients.append(bfx)
        events = Recorder(bfx, "checksum_mismatch", "order_book_state")
        await bfx.wss.connect()
        book = await bfx.wss.order_book("tBTCUSD", prec="P0", len=25)
        connection = open_connections(sim)[0]
        chan_id = next(chan for chan, sub in connection.subscriptions.items() if sub.request["subId"] == book.sub_id)
        sim.corrupt_next_checksum(connection, chan_id=chan_id)
        await sim.advance(3)
        await events.wait(lambda: events.count("checksum_mismatch") == 1 and book.state == "synced")
        assert [state for b, state in events.of("order_book_state") if b is book] == ["synced", "resyncing", "synced"]
        for _ in range(5):  # checksum frames come with changes of the book
            await sim.advance(4)
            await sim.send_heartbeats()
            await sim.wait_for(lambda: connection.seq == bfx.wss._buckets[0].last_sequence)  # pylint: disable=W0212
        assert book.checksums_verified > 0 and book.checksum_mismatches == 1 and all(level.amount.__class__ is Decimal for level in book.bids)


# ---------------------------------------------------------------------------------------------------
# REST: every route of the simulator, answered in decimal mode
# ---------------------------------------------------------------------------------------------------

CUSTOMER = {"nationality": "CH", "resid_country": "CH", "resid_city": "Zurich", "resid_zip_code": "8001",
            "resid_street": "Bahnhofstrasse 1", "full_name": "Ada Lovelace", "email": "ada@example.com"}
#: routes the client reaches another way (the same handler under a second path)
OTHER_PATHS = {
    ("POST", "auth/w/alert/del"),  # delete_alert uses auth/w/alert/{key}/del, as the official library
    ("POST", "/auth/r/ext/pay/deposits/unlinked"),  # the same route, registered with a leading slash
    ("POST", "auth/calc/deriv/collateral/limits"),  # the plural alias of auth/calc/deriv/collateral/limit
}


def route_pattern(path: str) -> "re.Pattern[str]":
    """An aiohttp route path as a regular expression of the request path (``/v2/`` + path)."""
    parts = re.split(r"(\{[^}]+\})", path.lstrip("/"))
    regex = "".join(("[^/]+" if ":" not in part else part[1:-1].split(":", 1)[1]) if part.startswith("{")
                    else re.escape(part) for part in parts)
    return re.compile(f"/v2/{regex}")


async def rest_scenario(bfx: Any, sim: Any, account: Any) -> list[Any]:
    """Call every endpoint, with state behind it (orders, fills, positions, funding, movements, invoices)."""
    public, auth, merchant = bfx.rest.public, bfx.rest.auth, bfx.rest.merchant
    await sim.advance(10)
    out: list[Any] = [
        await public.get_platform_status(), await public.get_tickers(["tBTCUSD", "fUSD"]),
        await public.get_t_tickers("ALL"), await public.get_f_tickers("ALL"), await public.get_t_ticker("tBTCUSD"),
        await public.get_f_ticker("fUSD"), await public.get_tickers_history(["tBTCUSD", "tETHUSD"]),
        await public.get_t_trades("tBTCUSD"), await public.get_f_trades("fUSD"),
        await public.get_t_book("tBTCUSD", "P0"), await public.get_t_book("tBTCUSD", "P2", len=100),
        await public.get_f_book("fUSD", "P0"), await public.get_t_raw_book("tBTCUSD"),
        await public.get_f_raw_book("fUSD"), await public.get_stats_hist("pos.size:1m:tBTCUSD:long"),
        await public.get_stats_last("pos.size:1m:tBTCUSD:long"), await public.get_candles_hist("tBTCUSD"),
        await public.get_candles_last("tBTCUSD"), await public.get_seed_candles("tETHUSD", "5m"),
        await public.get_derivatives_status("ALL"), await public.get_derivatives_status_history("tBTCF0:USTF0"),
        await public.get_liquidations(), await public.get_leaderboards_hist("vol:3h:tBTCUSD"),
        await public.get_leaderboards_last("vol:3h:tBTCUSD"), await public.get_funding_stats("fUSD"),
        await public.get_pulse_message_history(), await public.get_pulse_profile_details("Bitfinex"),
        await public.get_trading_market_average_price("tBTCUSD", Decimal("0.5")),
        await public.get_funding_market_average_price("fUSD", 100, 30), await public.get_fx_rate("BTC", "USD"),
        await public.get_pair_info(), await public.get_pair_info(futures=True),
        await public.conf("pub:list:pair:exchange"),
    ]
    # account, wallets, movements
    out += [await auth.get_user_info(), await auth.get_login_history(), await auth.get_wallets(),
            await auth.get_wallets_history(currency="USD"), await auth.get_account_summary(),
            await auth.get_key_permissions(),
            await auth.get_balance_available_for_orders_or_offers("tBTCUSD", "EXCHANGE", dir=1, rate="30000"),
            await auth.transfer_between_wallets("exchange", "margin", "USD", "USD", Decimal("1250.25")),
            await auth.get_deposit_address("exchange", "bitcoin"),
            await auth.get_deposit_addresses("bitcoin", page=1, page_size=100),
            await auth.generate_deposit_invoice("exchange", "LNX", "0.001"),
            await auth.submit_wallet_withdrawal("exchange", "bitcoin", "bc1qdestination", Decimal("0.25"))]
    movements = await auth.get_movements()
    out += [movements, await auth.get_movements(currency="BTC", limit=1),
            await auth.get_movement_info(movements[0].id)]
    # orders and fills
    limit = await auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", Decimal("0.01"), Decimal("2000.5"), cid=77)
    sold = await auth.submit_order("EXCHANGE MARKET", "tETHUSD", Decimal("-0.5"), None)
    out += [limit, sold, await auth.get_orders(), await auth.get_orders(symbol="tBTCUSD"),
            await auth.update_order(limit.data.id, price=Decimal("21000.5")),
            await auth.get_order_trades("tETHUSD", sold.data.id), await auth.get_trades_history(),
            await auth.get_trades_history(symbol="tETHUSD"), await auth.cancel_order(id=limit.data.id)]
    other = await auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", Decimal("0.02"), Decimal("19000"))
    out += [other, await auth.cancel_order_multi(id=[other.data.id]), await auth.get_orders_history(),
            await auth.get_orders_history(symbol="tBTCUSD"),
            await auth.submit_order_multi_op([("on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD",
                                                      "amount": "0.001", "price": "18000"})]),
            await auth.get_ledgers("USD"), await auth.get_ledgers()]
    # margin, positions, derivatives
    out += [await auth.submit_order("MARKET", "tBTCUSD", Decimal("0.02"), None), await auth.get_positions(),
            await auth.get_base_margin_info(), await auth.get_symbol_margin_info("tBTCUSD"),
            await auth.get_all_symbols_margin_info(), await auth.get_increase_position_info("tBTCUSD", "0.01"),
            await auth.increase_position("tBTCUSD", Decimal("0.01"))]
    position = (await auth.get_positions())[0]
    out += [await auth.claim_position(position.position_id, amount=Decimal("0.01")),
            await auth.get_positions_snapshot(), await auth.submit_order("MARKET", "tBTCF0:USTF0", "0.01", None, lev=10)]
    limits = await auth.get_derivative_position_collateral_limits("tBTCF0:USTF0")
    out += [limits, await auth.set_derivative_position_collateral("tBTCF0:USTF0", limits.min_collateral + 10),
            await auth.claim_position(position.position_id), await auth.get_positions_history(),
            await auth.get_positions_audit(ids=[position.position_id])]
    # funding
    lend = await auth.submit_funding_offer("LIMIT", "fUSD", Decimal("300.5"), Decimal("0.0004"), 7)
    borrow = await auth.submit_funding_offer("LIMIT", "fUSD", Decimal("-200"), Decimal("0.0003"), 2)
    credit = await sim.take_offer(account, lend.data.id)
    loan = await sim.take_offer(account, borrow.data.id)
    kept = await auth.submit_funding_offer("LIMIT", "fBTC", Decimal("0.01"), Decimal("0.0002"), 2)
    out += [lend, borrow, kept, await auth.get_funding_offers(), await auth.get_funding_offers(symbol="fBTC"),
            await auth.get_funding_credits(), await auth.get_funding_credits(symbol="fUSD"),
            await auth.get_funding_loans(), await auth.get_funding_loans(symbol="fUSD"),
            await auth.get_funding_trades_history(), await auth.get_funding_trades_history(symbol="fUSD"),
            await auth.get_funding_info("fUSD"),
            await auth.toggle_keep_funding("loan", ids=[loan.id], changes={loan.id: 1}),
            await auth.submit_funding_close(loan.id), await auth.submit_funding_close(credit.id),
            await auth.cancel_funding_offer(kept.data.id),
            await auth.submit_funding_offer("LIMIT", "fUSD", Decimal("400"), Decimal("0.001"), 2),
            await auth.cancel_all_funding_offers("USD"), await auth.get_funding_offers_history(),
            await auth.get_funding_offers_history(symbol="fUSD"), await auth.get_funding_credits_history(),
            await auth.get_funding_credits_history(symbol="fUSD"), await auth.get_funding_loans_history(),
            await auth.get_funding_loans_history(symbol="fUSD"),
            await auth.toggle_auto_renew(True, "USD", amount=100, rate=Decimal("0.0001"), period=2),
            await auth.get_funding_auto_renew_status("USD")]
    # alerts, settings
    out += [await auth.set_alert("price", "tBTCUSD", Decimal("35000.5")), await auth.get_alerts(),
            await auth.delete_alert("tBTCUSD", Decimal("35000.5")),
            await auth.set_settings({"api:bfx-test": {"level": 1.25}}), await auth.get_settings(["api:bfx-test"]),
            await auth.delete_settings(["api:bfx-test"])]
    # the endpoints of issue #18 point 3
    token = await auth.generate_token("api", ttl=60)
    pulse = await auth.submit_pulse("Title", "Content")
    out += [await public.get_vasps(), await auth.get_audit_history(), await auth.get_core_settings(), token,
            await auth.delete_token(token.token), await auth.get_performance_history(), pulse,
            await auth.get_pulse_history(), await auth.delete_pulse(pulse.pid),
            await auth.get_otc_orders_history("tBTCUSD"), await auth.update_position_funding_type("tBTCUSD", 0)]
    # the ext endpoints (Lightning Network invoice payments, recurring algo orders, Thalex)
    lnx = await auth.generate_deposit_invoice("exchange", "LNX", Decimal("0.0015"))
    recurring = await auth.submit_recurring_algo_order("tBTCUSD", "buy", Decimal("0.0125"), "BTC", "daily")
    ao_id = recurring.algo_order_id or ""
    out += [lnx, await auth.get_lnx_invoice_payments("getInvoices"), recurring,
            await auth.get_recurring_algo_order(ao_id), await auth.update_recurring_algo_order(ao_id, amount="0.025"),
            await auth.get_recurring_algo_orders(), await auth.get_recurring_algo_order_executions(),
            await auth.cancel_recurring_algo_order(ao_id), await auth.get_thalex_free_transfer_count(),
            await auth.submit_thalex_deposit(Decimal("0.125"), "BTC", {"token": "u2f"}),
            await auth.submit_thalex_withdrawal(Decimal("0.0625"), "BTC", {"token": "u2f"})]
    # merchant
    invoice = await merchant.submit_invoice(Decimal("10.5"), "USD", "order-1", CUSTOMER, ["BTC", "ETH"])
    second = await merchant.submit_invoice(20, "USD", "order-2", CUSTOMER, ["BTC"])
    now = sim.exchange.now
    held = sim.add_unlinked_deposit(account, "BTC", 0.125)
    out += [invoice, second, await merchant.get_invoices(), await merchant.get_invoices_paginated(),
            await merchant.complete_invoice(invoice.id, "BTC"), await merchant.expire_invoice(second.id),
            await merchant.get_invoice_count_stats("COMPLETED", "Y"),
            await merchant.get_invoice_earning_stats("USD", "M"),
            await merchant.add_currency_conversion("BTC", "USD"), await merchant.get_currency_conversion_list(),
            await merchant.remove_currency_conversion("BTC", "USD"),
            await merchant.set_merchant_settings("bfx_pay_preferred_fiat", "EUR"),
            await merchant.get_merchant_settings("bfx_pay_preferred_fiat"), await merchant.list_merchant_settings(),
            await merchant.get_deposits(now - 1, sim.exchange.now + 1),
            await merchant.get_unlinked_deposits("BTC", start=held["createdAt"])]
    return out


@pytest.fixture
async def decimal_rest(make_sim: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """A simulator, a funded account, its decimal client, and the raw text of every answer the client decoded."""
    sim = await make_sim()
    account = sim.add_account(wallets=SIM_WALLETS)
    bodies: list[str] = []
    decode = middleware.decode_response

    def recording(status: int, body: bytes, *args: Any, **kwargs: Any) -> Any:
        bodies.append(body.decode("utf-8"))
        return decode(status, body, *args, **kwargs)

    monkeypatch.setattr(middleware, "decode_response", recording)
    bfx = Client(account.api_key, account.api_secret, rest_host=sim.rest_host, decimal=True)
    yield SimpleNamespace(sim=sim, account=account, bfx=bfx, bodies=bodies)
    await bfx.close()


async def test_every_rest_answer_of_the_simulator_gives_the_servers_numbers(decimal_rest: Any) -> None:
    env = decimal_rest
    results = await rest_scenario(env.bfx, env.sim, env.account)
    wire = Wire()
    for body in env.bodies:
        wire.add(body)
    assert check_exact(results, wire) > 1000
    # every route the simulator serves was answered (200) to one of these calls
    answered = {record.path for record in env.sim.rest_log if record.status == 200}
    routes = {(method, path) for method, path, *_ in env.sim.rest.routes}
    missed = {(method, path) for method, path in routes - OTHER_PATHS
              if not any(route_pattern(path).fullmatch(request) for request in answered)}
    assert missed == set()
    # float mode gives the same values, as floats (and ints as received)
    async with BfxRestInterface(env.sim.rest_host) as rest:
        ticker = await rest.public.get_t_ticker("tBTCUSD")
    assert isinstance(ticker, TradingPairTicker) and all(
        value.__class__ in (float, int) for value in dataclasses.astuple(ticker))


def test_the_exactness_check_sees_one_digit_of_difference() -> None:
    """The checks above would fail on a value that is not digit for digit the server's text."""
    wire = Wire()
    wire.add("[[20000.5,3,0.10],[20001,1,-2e-8]]")
    built = codec(True).TradingPairBook.from_wire_list(json_decoder.decimal_loads("[[20000.5,3,0.10],[20001,1,-2e-8]]"))
    assert check_exact(built, wire) == 4
    for changed in (
        TradingPairBook(Decimal("20000.5"), 3, Decimal("0.1")),  # 0.10 was sent
        TradingPairBook(Decimal("20000.50"), 3, Decimal("0.10")),  # 20000.5 was sent
        TradingPairBook(Decimal("20000.5"), 3, 0.1),  # a float
        TradingPairBook(20001, 1, Decimal("-2E-8")),  # an int in a price field
        TradingPairBook(Decimal(20001), 1, Decimal("-2.0E-8")),  # -2e-8 was sent
    ):
        with pytest.raises(AssertionError):
            check_exact([changed], wire)
    assert list(floats_in(serializers.TradingPairBook.from_wire([1.5, 1, 2]))) == ["TradingPairBook.price"]
    assert ("Liquidation", "mts") in FLOAT_FIELDS


async def test_the_mode_is_an_option_of_the_client_and_of_each_interface() -> None:
    bfx = Client(rest_host="http://127.0.0.1:9/v2", wss_host="ws://127.0.0.1:9/ws/2", decimal=True)
    try:
        assert bfx.decimal and bfx.rest.decimal and bfx.wss.decimal and "decimal=True" in repr(bfx)
    finally:
        await bfx.close()
    plain = Client(rest_host="http://127.0.0.1:9/v2", wss_host="ws://127.0.0.1:9/ws/2")
    try:
        assert not (plain.decimal or plain.rest.decimal or plain.wss.decimal) and "decimal" not in repr(plain)
    finally:
        await plain.close()
    for make in (lambda: Client(decimal=1), lambda: BfxRestInterface("http://127.0.0.1:9/v2", decimal="yes"),
                 lambda: BfxWebSocketClient("ws://127.0.0.1:9/ws/2", decimal=None)):
        with pytest.raises(InvalidInputTypeError, match="decimal must be True"):
            make()
