"""The authenticated connection: authentication, every account event, re-authentication, DMS, filters."""

import asyncio
import dataclasses
import logging
from typing import Any

import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidCredentialError
from bfxapi.types import Notification

from ws_support import FAST, Recorder, auth_client, auth_connection, open_connections, simulator

ACCOUNT_EVENTS = [
    "authenticated", "order_snapshot", "order_new", "order_update", "order_cancel", "position_snapshot",
    "position_new", "position_update", "position_close", "trade_execution", "trade_execution_update",
    "funding_trade_execution", "funding_trade_execution_update", "funding_offer_snapshot", "funding_offer_new",
    "funding_offer_update", "funding_offer_cancel", "funding_credit_snapshot", "funding_credit_new",
    "funding_credit_update", "funding_credit_close", "funding_loan_snapshot", "funding_loan_new",
    "funding_loan_update", "funding_loan_close", "wallet_snapshot", "wallet_update", "balance_update",
    "base_margin_info", "symbol_margin_info", "funding_info_update", "notification", "on-req-notification",
    "ou-req-notification", "oc-req-notification", "oc_multi-req-notification", "ox_multi-req-notification",
    "fon-req-notification", "foc-req-notification",
]  # fmt: skip

# abbreviation -> event (written from protocol.md §4.4 and official-api.md §3.9)
EVENT_OF = {
    "os": "order_snapshot", "on": "order_new", "ou": "order_update", "oc": "order_cancel",
    "ps": "position_snapshot", "pn": "position_new", "pu": "position_update", "pc": "position_close",
    "te": "trade_execution", "tu": "trade_execution_update",
    "fte": "funding_trade_execution", "ftu": "funding_trade_execution_update",
    "fos": "funding_offer_snapshot", "fon": "funding_offer_new", "fou": "funding_offer_update",
    "foc": "funding_offer_cancel", "fcs": "funding_credit_snapshot", "fcn": "funding_credit_new",
    "fcu": "funding_credit_update", "fcc": "funding_credit_close", "fls": "funding_loan_snapshot",
    "fln": "funding_loan_new", "flu": "funding_loan_update", "flc": "funding_loan_close",
    "ws": "wallet_snapshot", "wu": "wallet_update", "bu": "balance_update", "fiu": "funding_info_update",
}  # fmt: skip
SNAPSHOTS = {"os", "ps", "fos", "fcs", "fls", "ws"}
TYPED_NOTIFICATIONS = {"on-req", "ou-req", "oc-req", "oc_multi-req", "ox_multi-req", "fon-req", "foc-req"}

# wire slot of each field (protocol.md §8), independently of bfxapi.types
SLOTS = {
    "Order": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 16, 17, 18, 19, 23, 24, 25, 28, 31],
    "Position": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 17, 18, 19],
    "Trade": list(range(12)),
    "FundingTradeExecution": list(range(8)),
    "FundingOffer": [0, 1, 2, 3, 4, 5, 6, 9, 10, 14, 15, 16, 17, 19],
    "FundingCredit": [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 18, 20, 21],
    "FundingLoan": [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 18, 20],
    "Wallet": list(range(7)),
    "BalanceInfo": [0, 1],
}


def values(item: Any) -> list[Any]:
    return [getattr(item, field.name) for field in dataclasses.fields(item)]


def check_item(item: Any, row: list[Any]) -> None:
    name = type(item).__name__
    if name == "FundingInfo":  # ["sym", SYMBOL, [YIELD_LOAN, YIELD_LEND, DURATION_LOAN, DURATION_LEND]]
        assert values(item) == [row[1], *row[2]]
    elif name == "BaseMarginInfo":  # ["base", [USER_PL, USER_SWAPS, MARGIN_BALANCE, MARGIN_NET, MARGIN_MIN]]
        assert values(item) == row[1][:5]
    elif name == "SymbolMarginInfo":  # ["sym", SYMBOL, [TRADABLE, GROSS, BUY, SELL]]
        assert values(item) == [row[1], *row[2][:4]]
    else:
        assert values(item) == [row[i] for i in SLOTS[name]], (name, item, row)


def check_notification(notification: Notification[Any], wire: list[Any]) -> None:
    assert [notification.mts, notification.type, notification.message_id, notification.code,
            notification.status, notification.text] == [wire[0], wire[1], wire[2], wire[5], wire[6], wire[7]]
    data, raw = notification.data, wire[4]
    if wire[1] not in TYPED_NOTIFICATIONS:
        assert data == raw
    elif wire[1] == "ox_multi-req":
        for inner, inner_wire in zip(data, raw):
            check_notification(inner, inner_wire)
    elif isinstance(data, list):
        for item, row in zip(data, raw):
            check_item(item, row)
    else:
        check_item(data, raw[0] if raw and isinstance(raw[0], list) else raw)


async def test_every_account_event_matches_the_wire() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 50_000}, "margin": {"USD": 50_000},
                                           "funding": {"USD": 10_000}})
        bfx = auth_client(sim, account, sequence=False)  # frames are injected below: they carry no sequence
        events = Recorder(bfx, *ACCOUNT_EVENTS)
        await bfx.wss.connect()
        inputs = bfx.wss.inputs
        # an exchange order: partially filled, updated, cancelled
        order = (await inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.5", "20000")).data
        await sim.fill_order(account, order.id, amount=0.2)
        await inputs.update_order(order.id, price="20100")
        await inputs.cancel_order(id=order.id)
        # a margin position opened, increased and closed
        long = (await inputs.submit_order("LIMIT", "tETHUSD", "2", "1500")).data
        await sim.fill_order(account, long.id)
        more = (await inputs.submit_order("LIMIT", "tETHUSD", "1", "1500")).data
        await sim.fill_order(account, more.id)
        close = (await inputs.submit_order("LIMIT", "tETHUSD", "-3", "2500")).data
        await sim.fill_order(account, close.id)
        # funding: an offer lent (a credit) and a bid taken (a loan), one cancelled
        lent = (await inputs.submit_funding_offer("LIMIT", "fUSD", "1000", "0.0002", 2)).data
        await sim.take_offer(account, lent.id)
        bid = (await inputs.submit_funding_offer("LIMIT", "fUSD", "-500", "0.0003", 2)).data
        await sim.take_offer(account, bid.id)
        kept = (await inputs.submit_funding_offer("LIMIT", "fUSD", "300", "0.01", 30)).data
        await inputs.cancel_funding_offer(kept.id)
        await events.wait(lambda: events.count("funding_credit_new") and events.count("funding_loan_new"))
        for event in ("funding_credit_new", "funding_loan_new"):  # closed through REST, seen on the WebSocket
            await bfx.rest.auth.submit_funding_close(events.of(event)[0][0].id)
        # multi-operations, calc and a custom notification
        resting = [(await inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", str(18000 + i))).data for i in range(3)]
        await inputs.order_multi_op([("oc", {"id": resting[0].id}), ("ou", {"id": resting[1].id, "price": "18500"})])
        await inputs.cancel_order_multi(id=[resting[1].id, resting[2].id])
        await inputs.calc("margin_base", "margin_sym_tETHUSD", "funding_sym_fUSD", "wallet_exchange_USD", "balance")
        await bfx.wss.notify({"hello": "bot"})

        connection = auth_connection(sim)
        # the simulator never updates a credit, a loan or an offer in place: inject one of each (rows it sent)
        sent_rows = {f[1]: f[2] for f in connection.sent if isinstance(f, list) and f[0] == 0}
        for new, update in (("fcn", "fcu"), ("fln", "flu"), ("fon", "fou")):
            await sim.inject(connection, [0, update, sent_rows[new]])
        await sim.send_heartbeats()
        frames = lambda: [f for f in connection.sent if isinstance(f, list) and f[0] == 0 and f[1] != "hb"]  # noqa: E731
        # the echo of notify() is the last frame: once it is in, everything before it is too
        await events.wait(lambda: events.of("notification") and len(events.records) - 1 == len(frames()))
        records = [(name, args[0]) for name, args in events.records if name != "authenticated"]
        wire = frames()
        assert len(records) == len(wire)
        for (name, data), frame in zip(records, wire):
            abbreviation, payload = frame[1], frame[2]
            if abbreviation == "n":
                kind = payload[1]
                assert name == (f"{kind}-notification" if kind in TYPED_NOTIFICATIONS else "notification")
                check_notification(data, payload)
            elif abbreviation == "miu":
                assert name == ("base_margin_info" if payload[0] == "base" else "symbol_margin_info")
                check_item(data, payload)
            else:
                assert name == EVENT_OF[abbreviation]
                if abbreviation in SNAPSHOTS:
                    assert isinstance(data, list) and len(data) == len(payload)
                    for item, row in zip(data, payload):
                        check_item(item, row)
                else:
                    check_item(data, payload)
        # every account event was exercised (the official 4.0.0 ones and the funding-trade ones)
        assert {name for name, _ in events.records} == set(ACCOUNT_EVENTS)
        await bfx.close()


async def test_authentication_sends_the_signed_auth_event_with_a_shared_nonce() -> None:
    async with simulator() as sim:
        account = sim.add_account()
        bfx = Client(account.api_key, account.api_secret, filters=["trading", "wallet"], wss_host=sim.wss_host,
                     rest_host=sim.rest_host, wss_options=dataclasses.replace(FAST, dead_man_switch=True))
        events = Recorder(bfx, "authenticated", "open")
        await bfx.wss.connect()
        assert bfx.wss.authentication
        assert [name for name, _ in events.records] == ["authenticated", "open"]
        info = events.of("authenticated")[0][0]
        assert info["status"] == "OK" and info["userId"] == account.user_id and "caps" in info
        auth = next(m for m in auth_connection(sim).received if isinstance(m, dict) and m.get("event") == "auth")
        # "notify" is added: it carries the answers of the inputs
        assert auth["apiKey"] == account.api_key and auth["filter"] == ["trading", "wallet", "notify"]
        assert auth["dms"] == 4
        assert auth["authPayload"] == f"AUTH{auth['authNonce']}"
        # The client's own source: its REST requests (the account learns its newest trade) take the next nonces.
        await sim.wait_for(lambda: any("bfx-nonce" in r.headers for r in sim.rest_log))
        rest_nonces = [int(r.headers["bfx-nonce"]) for r in sim.rest_log if "bfx-nonce" in r.headers]
        assert all(nonce > auth["authNonce"] for nonce in rest_nonces)
        assert bfx._nonce.last == max([auth["authNonce"], *rest_nonces])  # pylint: disable=protected-access
        assert account.api_secret not in str(auth)
        await bfx.close()


async def test_a_refused_authentication_raises_without_showing_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        account = sim.add_account()
        wrong = "not-the-secret-" + account.api_secret[::-1]
        bfx = Client(account.api_key, wrong, wss_host=sim.wss_host, wss_options=FAST)
        with caplog.at_level(logging.DEBUG, logger="bfxapi"):
            with pytest.raises(InvalidCredentialError) as info:
                await asyncio.wait_for(bfx.wss.connect(), 5)
        assert info.value.code == 10100
        assert not bfx.wss.open and not bfx.wss.authentication
        for text in [str(info.value), repr(info.value), caplog.text, repr(bfx)]:
            assert wrong not in text and account.api_secret not in text


async def test_an_unknown_key_is_refused_with_10100() -> None:
    async with simulator() as sim:
        bfx = Client("unknown-key", "unknown-secret", wss_host=sim.wss_host, wss_options=FAST)
        with pytest.raises(InvalidCredentialError) as info:
            await asyncio.wait_for(bfx.wss.connect(), 5)
        assert info.value.code == 10100 and "apikey: invalid" in str(info.value)


@pytest.mark.parametrize("fault", ["drop", "20051"])
async def test_reauthenticated_after_a_reconnection(fault: str) -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "authenticated", "wallet_snapshot", "reconnection")
        await bfx.wss.connect()
        old = auth_connection(sim)
        if fault == "drop":
            await sim.drop(old)
        else:
            await sim.send_info(20051, connection=old)
        await events.wait(lambda: events.count("authenticated") == 2 and events.count("wallet_snapshot") == 2)
        new = auth_connection(sim)
        assert new is not old and bfx.wss.authentication
        nonces = [m["authNonce"] for c in (old, new) for m in c.received if isinstance(m, dict) and m.get("event") == "auth"]
        assert nonces[1] > nonces[0]
        # inputs work again on the new connection
        note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", "20000")
        assert note.status == "SUCCESS"
        await bfx.close()


async def test_mixing_rest_and_websocket_never_gets_nonce_small() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "authenticated")
        await bfx.wss.connect()
        for round_ in range(5):
            # REST calls in flight while the WebSocket authenticates again (60 in all: under the 90/min limit)
            calls = asyncio.gather(*(bfx.rest.auth.get_wallets() for _ in range(12)))
            await sim.drop(auth_connection(sim))
            results = await calls
            assert all(wallets for wallets in results)
            await events.wait_count("authenticated", round_ + 2)
        statuses = [r.status for r in sim.rest_log if r.path.startswith("/v2/auth")]
        assert statuses and set(statuses) == {200}
        await bfx.close()


async def test_dead_man_switch_cancels_orders_when_the_connection_closes() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        watcher = auth_client(sim, account)  # a second session of the same account, without DMS
        watched = Recorder(watcher, "order_cancel")
        await watcher.wss.connect()
        bfx = auth_client(sim, account, dead_man_switch=True)
        await bfx.wss.connect()
        ids = [(await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", str(20000 + i))).data.id
               for i in range(3)]
        assert sorted(account.orders) == sorted(ids)
        await bfx.close()
        await watched.wait_count("order_cancel", 3)
        assert not account.orders
        assert sorted(args[0].id for args in watched.of("order_cancel")) == sorted(ids)
        await watcher.close()


async def test_without_dead_man_switch_orders_survive_the_connection() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", "20000")
        await bfx.close()
        await sim.wait_for(lambda: not open_connections(sim))
        assert note.data.id in account.orders


async def test_filters_limit_what_the_account_channel_sends() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000, "BTC": 1}})
        bfx = Client(account.api_key, account.api_secret, filters=["wallet"], wss_host=sim.wss_host,
                     rest_host=sim.rest_host, wss_options=FAST)
        events = Recorder(bfx, "wallet_snapshot", "order_snapshot", "order_new", "wallet_update")
        await bfx.wss.connect()
        await events.wait_count("wallet_snapshot", 1)
        await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", "20000")
        await bfx.rest.auth.transfer_between_wallets("exchange", "funding", "USD", "USD", "10")
        await events.wait_count("wallet_update", 1)
        assert events.count("order_snapshot") == 0 and events.count("order_new") == 0
        await bfx.close()


async def test_an_unknown_abbreviation_is_logged_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account, sequence=False)
        events = Recorder(bfx, "wallet_update", "invalid_message")
        await bfx.wss.connect()
        with caplog.at_level(logging.WARNING, logger="bfxapi"):
            await sim.inject(auth_connection(sim), [0, "zzz", [1, 2, 3]])
            await sim.inject(auth_connection(sim), [0, "zzz", [4, 5, 6]])
            await sim.inject(auth_connection(sim), [0, "wu", ["exchange", "USD", 5, 0, None, None, None]])
            await events.wait_count("wallet_update", 1)
        assert sum("unknown message type 'zzz'" in r.getMessage() for r in caplog.records) == 1  # logged once
        assert events.count("invalid_message") == 0 and bfx.wss.authentication
        await bfx.close()


async def test_authenticated_events_need_no_public_subscription_and_public_ones_still_work() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "t_ticker_update", "order_new")
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.001", "20000")
        await sim.advance()
        await events.wait(lambda: events.count("t_ticker_update") and events.count("order_new"))
        # public channels and the account channel travel on different connections
        assert len(open_connections(sim)) == 2
        await bfx.close()


async def test_both_account_channel_counters_are_audited_without_false_gaps() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 100_000}, "margin": {"USD": 100_000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "sequence_gap", "authenticated", "order_cancel")
        await bfx.wss.connect()
        inputs = bfx.wss.inputs
        for i in range(20):  # notifications, orders, trades, wallets, positions: both counters move
            note = await inputs.submit_order("LIMIT" if i % 2 else "EXCHANGE LIMIT", "tBTCUSD", "0.01", str(20000 + i))
            await sim.fill_order(account, note.data.id)
        await inputs.calc("margin_base", "balance")
        await sim.send_heartbeats()
        await events.wait_count("order_cancel", 20)
        connection = auth_connection(sim)
        await sim.wait_for(lambda: bfx.wss._auth.last_sequence == connection.seq)  # pylint: disable=protected-access
        assert events.count("sequence_gap") == 0 and events.count("authenticated") == 1
        assert bfx.wss._auth.last_account_sequence > 20  # pylint: disable=protected-access
        sim.skip_sequence(connection)  # one frame lost
        await bfx.wss.notify("lost?")
        await events.wait_count("authenticated", 2)  # the gap was seen: reconnected and authenticated again
        (name, expected, received), = events.of("sequence_gap")
        assert name == "authenticated" and received == expected + 1
        await bfx.close()
