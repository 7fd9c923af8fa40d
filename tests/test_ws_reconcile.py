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


async def test_fills_made_while_away_are_delivered_once_in_order_marked_recovered() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        # Without sequence numbers, so that the socket's late copies of the fills can be replayed below.
        bfx = auth_client(sim, account, sequence=False)
        events = Recorder(bfx, *EVENTS, "trade_execution", "trade_execution_update")
        await bfx.wss.connect()
        assert await bfx.wss.account.wait_synced(SYNC)
        order = (await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")).data
        await sim.fill_order(account, order.id, amount=0.03)  # a fill the client sees live
        await events.wait_count("trade_execution", 1)
        connection = auth_connection(sim)

        async def two_fills() -> None:
            await sim.fill_order(account, order.id, amount=0.05)
            await sim.fill_order(account, order.id)  # the rest: 0.02

        await _away(sim, account, two_fills)
        await events.wait_count("account_reconciled", 1, timeout=10)
        executions = [trade for (trade,) in events.of("trade_execution")]
        history = sorted(await bfx.rest.auth.get_trades_history(), key=lambda t: (t.mts_create, t.id))
        assert [t.id for t in executions] == [t.id for t in history]  # every fill, once, in execution order
        assert [t.recovered for t in executions] == [False, True, True]
        assert [round(t.exec_amount, 8) for t in executions] == [0.03, 0.05, 0.02]
        (report,) = events.of("account_reconciled")[0]
        assert [data.id for event, data in report.events if event == "trade_execution"] == [t.id for t in history[1:]]

        # The socket's late copies of the recovered fills are dropped: still one delivery each.
        late = [text for text, data in connection._held if isinstance(data, list) and data[1] in ("te", "tu")]  # pylint: disable=protected-access
        assert len(late) == 4
        new = auth_connection(sim)
        updates = events.count("trade_execution_update")
        for text in late:
            await new.send_raw(text)
        await sim.fill_order(account, (await bfx.wss.inputs.submit_order(
            "EXCHANGE LIMIT", "tBTCUSD", "0.01", "20000")).data.id)  # a new live fill, after the late copies
        await events.wait_count("trade_execution", 4)
        assert events.count("trade_execution") == 4 and events.count("trade_execution_update") == updates + 1


def _trade(trade_id: int, mts: int) -> Any:
    from bfxapi.types import Trade  # pylint: disable=import-outside-toplevel
    return Trade(trade_id, "tBTCUSD", mts, 7, 0.01, 20000.0, "EXCHANGE LIMIT", 20000.0, 1, None, None, None)


async def test_live_fills_wait_for_the_recovered_ones_so_all_arrive_in_execution_order() -> None:
    import asyncio  # pylint: disable=import-outside-toplevel

    from bfxapi.websocket import Account  # pylint: disable=import-outside-toplevel

    emitted: list[tuple[str, int, bool]] = []
    fetched = asyncio.Event()
    release = asyncio.Event()

    class History:  # the one REST question a "trading"-filtered account asks here
        @staticmethod
        async def trades_after(after: Any) -> list[Any]:
            if after is None:
                return [_trade(1, 1000)]
            fetched.set()
            await release.wait()  # live frames arrive while the missed trades are on their way
            return [_trade(3, 3000), _trade(4, 4000), _trade(5, 5000)]

    tasks: list[Any] = []
    account = Account(["trading"], emit=lambda event, data, *_: emitted.append((event, getattr(data, "id", 0),
                                                                                getattr(data, "recovered", False))),
                      spawn=lambda coroutine, name: tasks.append(asyncio.ensure_future(coroutine)),
                      history=History())  # type: ignore[arg-type]
    account._session_started()  # pylint: disable=protected-access
    await asyncio.gather(*tasks)  # the baseline: trade 1
    account._observe("order_snapshot", [])  # pylint: disable=protected-access
    account._observe("position_snapshot", [])  # pylint: disable=protected-access
    assert account._observe("trade_execution", _trade(2, 2000)) is True  # pylint: disable=protected-access
    account._session_lost()  # pylint: disable=protected-access
    account._session_started()  # pylint: disable=protected-access
    account._observe("order_snapshot", [])  # pylint: disable=protected-access
    account._observe("position_snapshot", [])  # pylint: disable=protected-access
    await asyncio.wait_for(fetched.wait(), 5)
    # live copies of a missed trade and a new trade, during the fetch: held, not delivered yet
    assert account._observe("trade_execution", _trade(5, 5000)) is False  # pylint: disable=protected-access
    assert account._observe("trade_execution", _trade(6, 6000)) is False  # pylint: disable=protected-access
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    trades = [(event, trade_id, recovered) for event, trade_id, recovered in emitted if event == "trade_execution"]
    assert trades == [("trade_execution", 3, True), ("trade_execution", 4, True), ("trade_execution", 5, True),
                      ("trade_execution", 6, False)]
    assert emitted[-1][0] == "account_reconciled"


async def test_the_simulator_names_the_authenticated_connection_of_an_account() -> None:
    import pytest  # pylint: disable=import-outside-toplevel

    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10}})
        other = sim.add_account()
        with pytest.raises(KeyError):
            sim.authenticated_connection()
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        connection = sim.authenticated_connection(account)
        assert connection is auth_connection(sim) and sim.authenticated_connection(account.api_key) is connection
        assert sim.authenticated_connection() is connection
        with pytest.raises(KeyError):
            sim.authenticated_connection(other)
