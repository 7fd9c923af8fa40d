"""Inputs on the authenticated connection: each awaits its own answer."""

import asyncio
import datetime
from typing import Any

import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError
from bfxapi.types import FundingOffer, Notification, Order
from bfxapi.websocket.exceptions import (
    ActionRequiresAuthentication,
    InputInterruptedError,
    InputTimeoutError,
    MaintenanceInProgressError,
)

from ws_support import FAST, Recorder, auth_client, auth_connection, client, simulator

ORDER_EVENTS = ("on-req-notification", "order_new", "order_update", "order_cancel", "trade_execution",
                "trade_execution_update", "wallet_update", "position_new", "position_close")  # fmt: skip


def of_order(events: Recorder, order_id: int) -> list[tuple[str, Any]]:
    """The order events of one order, in order (name, order status)."""
    return [(name, args[0].order_status) for name, args in events.records
            if name in ("order_new", "order_update", "order_cancel") and args[0].id == order_id]


# (type, amount, price relative to the market: "far" rests, "cross" takes liquidity) -> final status prefix
LIFECYCLES = [
    ("EXCHANGE LIMIT", "0.1", "cross", "EXECUTED"),
    ("EXCHANGE MARKET", "0.1", None, "EXECUTED"),
    ("LIMIT", "0.1", "cross", "EXECUTED"),
    ("MARKET", "-0.1", None, "EXECUTED"),
    ("EXCHANGE FOK", "0.1", "cross", "EXECUTED"),
    ("EXCHANGE FOK", "0.1", "far", "FILLORKILL CANCELED"),
    ("FOK", "0.1", "far", "FILLORKILL CANCELED"),
    ("EXCHANGE IOC", "0.1", "far", "IOC CANCELED"),
    ("IOC", "0.1", "cross", "EXECUTED"),
    # stops rest until the market reaches them (a stop through the market triggers on the next step)
    ("EXCHANGE STOP", "0.1", "stop", "EXECUTED"),
    ("STOP", "-0.1", "stop", "EXECUTED"),
    ("EXCHANGE STOP LIMIT", "0.1", "stop", "EXECUTED"),
    ("STOP LIMIT", "-0.1", "stop", "EXECUTED"),
    ("EXCHANGE TRAILING STOP", "-0.1", "trail", "EXECUTED"),
    ("TRAILING STOP", "0.1", "trail", "EXECUTED"),
]


@pytest.mark.parametrize(("order_type", "amount", "where", "final"), LIFECYCLES)
async def test_order_lifecycle_as_events(order_type: str, amount: str, where: Any, final: str) -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 100_000, "BTC": 10}, "margin": {"USD": 100_000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, *ORDER_EVENTS)
        await bfx.wss.connect()
        ticker = await bfx.rest.public.get_t_ticker("tBTCUSD")
        buy = float(amount) > 0
        price = None
        extra: dict[str, Any] = {}
        if where == "cross":
            price = str(round(ticker.ask * 1.01) if buy else round(ticker.bid * 0.99))
        elif where == "far":
            price = str(round(ticker.bid * 0.8) if buy else round(ticker.ask * 1.2))
        elif where == "stop":
            price = str(round(ticker.last_price * (0.999 if buy else 1.001)))
            if "LIMIT" in order_type:  # the limit the order takes once triggered: marketable
                extra["price_aux_limit"] = str(round(ticker.ask * 1.01) if buy else round(ticker.bid * 0.99))
        elif where == "trail":
            extra["price_trailing"] = "10"
        note = await bfx.wss.inputs.submit_order(order_type, "tBTCUSD", amount, price, **extra)
        assert note.status == "SUCCESS" and isinstance(note.data, Order)
        assert note.data.order_type == order_type and note.data.amount_orig == float(amount)
        for _ in range(60 if where in ("stop", "trail") else 0):
            if any(name == "order_cancel" for name, _ in of_order(events, note.data.id)):
                break
            await sim.advance()
        await events.wait(lambda: any(name == "order_cancel" for name, _ in of_order(events, note.data.id)))
        lifecycle = of_order(events, note.data.id)
        if where in ("stop", "trail"):
            assert ("order_update", "ACTIVE") in lifecycle[1:-1]  # triggered before it executed
        assert lifecycle[0] == ("order_new", "ACTIVE")
        assert lifecycle[-1][0] == "order_cancel" and lifecycle[-1][1].startswith(final)
        trades = [args[0] for args in events.of("trade_execution") if args[0].order_id == note.data.id]
        if final == "EXECUTED":
            assert trades and abs(sum(t.exec_amount for t in trades) - float(amount)) < 1e-9
            updates = [args[0] for args in events.of("trade_execution_update") if args[0].order_id == note.data.id]
            assert [t.id for t in updates] == [t.id for t in trades] and all(t.fee is not None for t in updates)
            assert all(t.fee is None for t in trades)  # te carries no fee, tu does
        else:
            assert not trades
        await bfx.close()


async def test_fills_update_the_wallets() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "wallet_update", "order_update", "order_cancel")
        await bfx.wss.connect()
        note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")
        await sim.fill_order(account, note.data.id, amount=0.04)
        await events.wait(lambda: events.count("order_update"))
        await sim.fill_order(account, note.data.id)
        await events.wait(lambda: events.count("order_cancel"))
        latest = {(w.wallet_type, w.currency): w.balance for (w,) in events.of("wallet_update")}
        assert latest[("exchange", "USD")] == account.balance("exchange", "USD") == 8000
        assert latest[("exchange", "BTC")] == pytest.approx(account.balance("exchange", "BTC"))
        assert events.of("order_update")[0][0].order_status.startswith("PARTIALLY FILLED @ 20000(0.04)")
        assert events.of("order_cancel")[0][0].order_status.startswith("EXECUTED @ 20000(0.06)")
        await bfx.close()


async def test_200_inputs_in_flight_each_get_their_own_answer() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1_000_000}})
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        prices = [str(15000 + i) for i in range(200)]
        notes = await asyncio.gather(*(
            bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", price) for price in prices
        ))
        assert all(n.status == "SUCCESS" and n.type == "on-req" for n in notes)
        assert [n.data.price for n in notes] == [float(p) for p in prices]  # each got the answer to its order
        assert len({n.data.cid for n in notes}) == len({n.data.id for n in notes}) == 200
        # cancels and updates of the same orders, interleaved, are matched by order id
        updates = [bfx.wss.inputs.update_order(n.data.id, price=str(14000 + i)) for i, n in enumerate(notes[:100])]
        cancels = [bfx.wss.inputs.cancel_order(id=n.data.id) for n in notes[100:]]
        answers = await asyncio.gather(*updates, *cancels)
        assert [a.data.id for a in answers] == [n.data.id for n in notes]
        assert [a.type for a in answers] == ["ou-req"] * 100 + ["oc-req"] * 100
        await bfx.close()


async def test_an_error_notification_is_returned_with_its_reason() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "order_new")
        await bfx.wss.connect()
        note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "1", "20000", cid=42)
        assert note.status == "ERROR" and note.type == "on-req"
        assert "balance" in note.text.lower()
        assert note.data.cid == 42
        missing = await bfx.wss.inputs.cancel_order(id=123456789)
        assert missing.status == "ERROR" and missing.type == "oc-req"
        assert events.count("order_new") == 0
        await bfx.close()


async def test_cancel_by_cid_and_multi_operations() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 100_000}})
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        inputs = bfx.wss.inputs
        first = await inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000", cid=7001, gid=5)
        day = datetime.datetime.fromtimestamp(first.data.mts_create / 1000, datetime.timezone.utc).date().isoformat()
        cancelled = await inputs.cancel_order(cid=7001, cid_date=day)
        assert cancelled.status == "SUCCESS" and cancelled.data.id == first.data.id
        grouped = [await inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", str(15000 + i), gid=9) for i in range(3)]
        multi = await inputs.cancel_order_multi(gid=[9])
        assert multi.type == "oc_multi-req" and sorted(o.id for o in multi.data) == sorted(n.data.id for n in grouped)
        ops = await inputs.order_multi_op([
            ("on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": 0.01, "price": 15500, "cid": 8001}),
            ("on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.01", "price": "15600", "cid": 8002}),
        ])
        assert ops.type == "ox_multi-req"
        assert [(n.type, n.status) for n in ops.data] == [("on-req", "SUCCESS")] * 2
        assert all(isinstance(n, Notification) and isinstance(n.data, Order) for n in ops.data)
        assert sorted(n.data.cid for n in ops.data) == [8001, 8002]
        await bfx.close()


async def test_funding_offer_submit_and_cancel() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"funding": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        offer = await bfx.wss.inputs.submit_funding_offer("LIMIT", "fUSD", "1000", "0.01", 30, flags=64)
        assert offer.type == "fon-req" and offer.status == "SUCCESS" and isinstance(offer.data, FundingOffer)
        assert offer.data.amount == 1000 and offer.data.rate == 0.01 and offer.data.period == 30
        cancelled = await bfx.wss.inputs.cancel_funding_offer(offer.data.id)
        assert cancelled.type == "foc-req" and cancelled.data.id == offer.data.id
        await bfx.close()


async def test_notify_is_echoed_as_a_notification() -> None:
    async with simulator() as sim:
        account = sim.add_account()
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "notification")
        await bfx.wss.connect()
        await bfx.wss.notify({"foo": 1}, message_id=77)
        await events.wait_count("notification", 1)
        (notification,) = events.of("notification")[0]
        assert notification.type == "ucm-test" and notification.data == {"foo": 1} and notification.message_id == 77
        await bfx.close()


async def test_inputs_need_credentials() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        await bfx.wss.connect()
        with pytest.raises(ActionRequiresAuthentication):
            await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")
        with pytest.raises(ActionRequiresAuthentication):
            await bfx.wss.notify("hello")
        assert not any(isinstance(m, list) for c in sim.connections for m in c.received)
        await bfx.close()


async def test_inputs_fail_at_once_while_the_connection_is_down() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "authenticated")
        await bfx.wss.connect()
        sim.refuse_handshakes(3, status=503)  # the client stays down for a few backoff delays
        await sim.drop(auth_connection(sim))
        await sim.wait_for(lambda: sim.handshakes_refused >= 1)
        # "At once" without a clock: the coroutine raises on its first step, before it could wait for anything.
        coroutine = bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")
        with pytest.raises(ActionRequiresAuthentication):
            coroutine.send(None)
        await events.wait_count("authenticated", 2)
        await bfx.close()


async def test_inputs_are_refused_during_maintenance() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "maintenance")
        await bfx.wss.connect()
        await sim.start_maintenance()
        await events.wait_count("maintenance", 1)
        with pytest.raises(MaintenanceInProgressError):
            await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")
        await sim.end_maintenance()
        await events.wait_count("maintenance", 2)
        note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", "20000")
        assert note.status == "SUCCESS"
        await bfx.close()


async def test_an_unanswered_input_times_out() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account, input_timeout=0.3, silence_limit=5.0)
        await bfx.wss.connect()
        sim.stall(auth_connection(sim))
        with pytest.raises(InputTimeoutError):
            await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", "20000")
        await bfx.close()


async def test_an_input_interrupted_by_a_drop_fails_clearly() -> None:
    # A new funding offer: it has no client id, so its outcome cannot be looked up (orders, updates and cancels
    # are, see test_ws_input_outcomes*.py).
    async with simulator() as sim:
        account = sim.add_account(wallets={"funding": {"USD": 1000}})
        bfx = auth_client(sim, account, input_timeout=5.0, silence_limit=5.0)
        events = Recorder(bfx, "authenticated")
        await bfx.wss.connect()
        connection = auth_connection(sim)
        sim.stall(connection)  # the offer reaches the server, its answer never leaves
        pending = asyncio.ensure_future(bfx.wss.inputs.submit_funding_offer("LIMIT", "fUSD", "200", "0.0002", 2))
        await sim.wait_for_received(lambda m: isinstance(m, list) and m[1] == "fon", connection)
        await sim.drop(connection)
        with pytest.raises(InputInterruptedError) as info:
            await asyncio.wait_for(pending, 5)
        assert "may or may not have been executed" in str(info.value)
        await events.wait_count("authenticated", 2)  # and the client recovers
        await bfx.close()


async def test_inputs_get_their_answer_under_the_readme_filters() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = Client(account.api_key, account.api_secret, filters=["trading", "wallet"], wss_host=sim.wss_host,
                     rest_host=sim.rest_host, wss_options=FAST)
        events = Recorder(bfx, "order_new", "wallet_update", "balance_update")
        try:
            await bfx.wss.connect()
            (auth,) = [m for m in auth_connection(sim).received if isinstance(m, dict) and m.get("event") == "auth"]
            assert auth["filter"] == ["trading", "wallet", "notify"]
            note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")
            assert (note.type, note.status) == ("on-req", "SUCCESS") and isinstance(note.data, Order)
            await events.wait_count("order_new", 1)  # the filters the caller asked for still apply
            cancelled = await bfx.wss.inputs.cancel_order(id=note.data.id)
            assert (cancelled.type, cancelled.status) == ("oc-req", "SUCCESS")
            await bfx.wss.inputs.calc("balance")  # answered under "balance", which was not asked for
            await bfx.wss.inputs.calc("wallet_exchange_USD")
            await events.wait_count("wallet_update", 1)
            assert events.count("balance_update") == 0
        finally:
            await bfx.close()


# Each call is refused before anything is sent: a value Bitfinex cannot read must not place an order whose answer
# then never comes back ("may or may not have been executed").
BAD_INPUTS = [
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"cid": "7"}, True),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"cid": True}, True),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"cid": 2**45}, False),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"gid": 1.5}, True),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"flags": 1}, False),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"lev": 1000}, False),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"tif": "next week"}, False),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"meta": "aff"}, True),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"price_trailing": float("nan")}, False),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000"), {"price_aux_limit": "-5"}, False),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "zero", "20000"), {}, False),
    ("submit_order", ("EXCHANGE LIMIT", "tBTCUSD", "0.1", None), {}, False),
    ("submit_order", ("LIMT", "tBTCUSD", "0.1", "20000"), {}, False),
    ("submit_order", ("EXCHANGE LIMIT", 42, "0.1", "20000"), {}, True),
    ("update_order", ("12",), {"price": "1"}, True),
    ("update_order", (12,), {"amount": [1]}, True),
    ("update_order", (12,), {"cid_date": "yesterday"}, False),
    ("cancel_order", (), {"id": "12"}, True),
    ("cancel_order", (), {"cid": 5}, False),
    ("cancel_order_multi", (), {"id": 12}, True),
    ("cancel_order_multi", (), {"cid": [(5, "2023-13-01")]}, False),
    ("cancel_order_multi", (), {}, False),
    ("order_multi_op", ([("on", {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "1", "price": "1",
                                 "cid": "x"})],), {}, True),
    ("order_multi_op", ([("oc", {"id": 1}), ("zz", {})],), {}, False),
    ("submit_funding_offer", ("LIMIT", "fUSD", "100", "0.01", 365), {}, False),
    ("submit_funding_offer", ("LIMIT", "USD", "100", "0.01", 2), {}, False),
    ("submit_funding_offer", ("LIMIT", "fUSD", "100", "0.01", 2), {"flags": "hidden"}, True),
    ("cancel_funding_offer", (None,), {}, False),
    ("cancel_funding_offer", ("7",), {}, True),
    ("calc", ("margin",), {}, False),
    ("calc", (7,), {}, True),
    ("calc", (), {}, False),
]


async def test_bad_inputs_are_refused_before_anything_is_sent() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}, "funding": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        connection = auth_connection(sim)
        inputs = bfx.wss.inputs
        for method, args, kwargs, wrong_type in BAD_INPUTS:
            with pytest.raises(InvalidInputError) as info:
                await getattr(inputs, method)(*args, **kwargs)
            assert isinstance(info.value, InvalidInputTypeError) == wrong_type, (method, args, kwargs, info.value)
        assert not [m for m in connection.received if isinstance(m, list)]  # no input reached the server
        note = await inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000", cid=2**45 - 1)
        assert note.status == "SUCCESS" and note.data.cid == 2**45 - 1  # the largest cid Bitfinex takes works
        await bfx.close()
