"""After a reconnection, what changed in the account while the authenticated connection was down is told once, as
the ordinary events, and reported by ``account_reconciled`` (issue #15, point 2)."""

import socket
from typing import Any

from bfxapi import Client
from bfxapi.types import Order
from bfxapi.websocket._reconcile import Reconciliation

from ws_support import FAST, Recorder, auth_client, auth_connection, simulator

SYNC = 5.0
EVENTS = ("authenticated", "order_new", "order_update", "order_cancel", "wallet_update", "position_new",
          "position_update", "position_close", "account_reconciled", "order_snapshot")  # fmt: skip


async def _away(sim: Any, account: Any, while_away: Any) -> None:
    """Hide what ``while_away`` does from the client (nothing reaches it), then drop the connection."""
    connection = auth_connection(sim)
    sim.stall(connection)
    await while_away()
    await sim.drop(connection)


async def test_what_changed_while_away_is_told_once_as_the_usual_events() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, *EVENTS)
        inside: list[bool] = []
        bfx.wss.on("order_cancel", lambda order: inside.append(order.id in bfx.wss.account.orders))
        await bfx.wss.connect()
        assert await bfx.wss.account.wait_synced(SYNC)
        filled = (await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")).data
        kept = (await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")).data
        before = {name: events.count(name) for name in EVENTS}
        placed: list[Order] = []

        async def while_away() -> None:
            await sim.fill_order(account, filled.id)
            placed.append((await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.02", "16000")).data)

        await _away(sim, account, while_away)
        await events.wait_count("account_reconciled", 1, timeout=10)
        after = {name: events.count(name) - before[name] for name in EVENTS}

        (report,) = events.of("account_reconciled")[0]
        assert isinstance(report, Reconciliation) and report.unresolved == ()
        assert report.downtime.total_seconds() > 0
        told = {(event, data.id if hasattr(data, "id") else (data.wallet_type, data.currency))
                for event, data in report.events}
        # the order filled while away: closed once, with its final state from the history
        closes = [order for (order,) in events.of("order_cancel")]
        assert [order.id for order in closes] == [filled.id] and after["order_cancel"] == 1
        assert closes[0].order_status.startswith("EXECUTED") and closes[0].amount == 0 and closes[0].amount_orig == 0.1
        assert inside == [False]  # the account no longer held it when its callback ran
        # the order placed over REST while away: new, once; the order that did not change: nothing
        assert [order.id for (order,) in events.of("order_new")][-1] == placed[0].id and after["order_new"] == 1
        assert after["order_update"] == 0 and ("order_update", kept.id) not in told
        # the wallets the fill changed: one update each
        assert told >= {("order_cancel", filled.id), ("order_new", placed[0].id), ("wallet_update", ("exchange", "USD")),
                        ("wallet_update", ("exchange", "BTC"))}
        assert after["wallet_update"] == sum(1 for event, _ in report.events if event == "wallet_update")
        assert set(bfx.wss.account.orders) == {kept.id, placed[0].id}


async def test_nothing_is_told_when_nothing_changed() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        assert await bfx.wss.account.wait_synced(SYNC)
        await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")
        before = {name: events.count(name) for name in EVENTS}

        async def nothing() -> None:
            return None

        await _away(sim, account, nothing)
        await events.wait_count("account_reconciled", 1, timeout=10)
        (report,) = events.of("account_reconciled")[0]
        assert report.events == () and report.unresolved == ()
        changes = ("order_new", "order_update", "order_cancel", "wallet_update", "position_new", "position_update")
        assert all(events.count(name) == before[name] for name in changes)
        assert events.count("order_snapshot") == before["order_snapshot"] + 1  # the snapshots themselves still come


async def test_an_order_whose_end_cannot_be_fetched_is_reported_unresolved() -> None:
    with socket.socket() as probe:  # REST on a loopback port where nothing listens
        probe.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}/v2"
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = Client(account.api_key, account.api_secret, wss_host=sim.wss_host, rest_host=refused, wss_options=FAST)
        sim.clients.append(bfx)
        events = Recorder(bfx, *EVENTS)
        await bfx.wss.connect()
        assert await bfx.wss.account.wait_synced(SYNC)
        order = (await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")).data
        cancels = events.count("order_cancel")

        async def fill() -> None:
            await sim.fill_order(account, order.id)

        await _away(sim, account, fill)
        await events.wait_count("account_reconciled", 1, timeout=10)
        (report,) = events.of("account_reconciled")[0]
        assert report.unresolved == (order.id,)
        assert events.count("order_cancel") == cancels  # never a close event with a guessed status
        assert order.id not in bfx.wss.account.orders
