"""The account changes while its client is kept away (``Simulator.away``): what the dead-man switch cancelled, a
position closed from elsewhere, a funding offer taken with its funding trade, all told once after the
reconnection; and, with ``poll_account_interval``, balances and orders refreshed over REST during the outage and
told once, not again at the reconnection (issue #15, points 3, 5 and 6)."""

from typing import Any

import pytest

from bfxapi.types import RecoveredFundingTrade, RecoveredTrade
from bfxapi.websocket import WebSocketOptions
from bfxapi.exceptions import InvalidInputError

from ws_support import Recorder, auth_client, simulator

SYNC = 5.0
EVENTS = ("account_reconciled", "authenticated", "order_new", "order_cancel", "wallet_update", "position_new",
          "position_close", "trade_execution", "funding_offer_cancel", "funding_credit_new",
          "funding_trade_execution")


async def _connected(sim: Any, wallets: Any, **options: Any) -> tuple[Any, Any, Recorder]:
    account = sim.add_account(wallets=wallets)
    bfx = auth_client(sim, account, **options)
    events = Recorder(bfx, *EVENTS)
    await bfx.wss.connect()
    assert await bfx.wss.account.wait_synced(SYNC)
    return account, bfx, events


async def _reconciled(bfx: Any, events: Recorder) -> Any:
    await events.wait_count("account_reconciled", 1, timeout=10)
    assert await bfx.wss.account.wait_synced(SYNC)
    return events.of("account_reconciled")[-1][0]


async def test_a_client_kept_away_sees_nothing_then_reconnects() -> None:
    async with simulator() as sim:
        account, bfx, events = await _connected(sim, {"exchange": {"USD": 10_000}})
        authentications = events.count("authenticated")
        async with sim.away(account):
            assert not any(c.open and "auth" in c.extensions for c in sim.connections)
            placed = (await bfx.rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")).data
            assert events.count("order_new") == 0  # nobody there to hear it
        await _reconciled(bfx, events)
        assert events.count("authenticated") == authentications + 1
        assert [order.id for (order,) in events.of("order_new")] == [placed.id]


async def test_orders_the_dead_man_switch_cancelled_while_away_are_told_cancelled() -> None:
    async with simulator() as sim:
        account, bfx, events = await _connected(sim, {"exchange": {"USD": 10_000}}, dead_man_switch=True)
        ids = sorted([(await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", price)).data.id
                      for price in ("15000", "15001")])
        async with sim.away(account):
            await sim.wait_for(lambda: not account.orders)  # the switch fired when the connection went
        report = await _reconciled(bfx, events)

        closes = [order for (order,) in events.of("order_cancel")]
        assert sorted(order.id for order in closes) == ids
        assert all(order.order_status.startswith("CANCELED") for order in closes)
        assert not bfx.wss.account.orders and report.unresolved == ()


async def test_a_position_closed_while_away_is_told_closed_with_its_fills_recovered() -> None:
    async with simulator() as sim:
        account, bfx, events = await _connected(sim, {"margin": {"USD": 100_000}})
        opened = await bfx.wss.inputs.submit_order("MARKET", "tBTCUSD", "0.01")
        assert opened.status == "SUCCESS"
        await events.wait(lambda: bfx.wss.account.position("tBTCUSD") is not None and
                          events.count("trade_execution") >= 1)
        live_fills = events.count("trade_execution")
        async with sim.away(account):
            closed = await sim.close_position(account, "tBTCUSD")
        await _reconciled(bfx, events)
        await events.wait(lambda: events.count("trade_execution") > live_fills)

        (told,) = events.of("position_close")[-1]
        assert told.position_id == closed.id and bfx.wss.account.position("tBTCUSD") is None
        recovered = [trade for (trade,) in events.of("trade_execution")[live_fills:]]
        assert recovered and all(isinstance(t, RecoveredTrade) and t.recovered for t in recovered)
        assert sorted(t.id for t in recovered) == sorted(t.id for t in account.trades[-len(recovered):])
        assert sum(t.exec_amount for t in recovered) == pytest.approx(-0.01)


async def test_a_funding_offer_taken_while_away_is_told_with_its_recovered_funding_trade() -> None:
    async with simulator() as sim:
        account, bfx, events = await _connected(sim, {"funding": {"USD": 10_000}})
        offer = (await bfx.wss.inputs.submit_funding_offer("LIMIT", "fUSD", "200", "0.0002", 2)).data
        await events.wait(lambda: offer.id in bfx.wss.account.funding_offers)
        async with sim.away(account):
            contract = await sim.take_offer(account, offer.id)
        report = await _reconciled(bfx, events)
        await events.wait(lambda: events.count("funding_trade_execution") >= 1)

        assert [o.id for (o,) in events.of("funding_offer_cancel")] == [offer.id]
        assert [c.id for (c,) in events.of("funding_credit_new")] == [contract.id]
        (trade,) = [t for (t,) in events.of("funding_trade_execution")]
        assert isinstance(trade, RecoveredFundingTrade) and trade.recovered is True
        assert (trade.id, trade.offer_id, trade.amount) == (account.funding_trades[-1].id, offer.id, 200)
        assert ("funding_trade_execution", trade) in report.events
        assert offer.id not in bfx.wss.account.funding_offers and contract.id in bfx.wss.account.funding_credits


async def test_polling_while_away_tells_balances_and_closed_orders_once() -> None:
    async with simulator() as sim:
        account, bfx, events = await _connected(sim, {"exchange": {"USD": 10_000}}, poll_account_interval=0.2)
        placed = (await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")).data
        await events.wait(lambda: placed.id in bfx.wss.account.orders)
        async with sim.away(account):
            await sim.fill_order(account, placed.id)
            # told during the outage, from the polls over REST
            await events.wait(lambda: events.count("order_cancel") == 1, timeout=SYNC)
            btc = await events.wait(lambda: bfx.wss.account.wallet("exchange", "BTC"), timeout=SYNC)
            assert btc.balance == account.wallets[("exchange", "BTC")].balance
            assert bfx.wss.account.wallet("exchange", "USD").balance == account.wallets[("exchange", "USD")].balance
            assert not bfx.wss.account.synced  # what is shown is the polled state, not a live one
        report = await _reconciled(bfx, events)

        (closed,) = [order for (order,) in events.of("order_cancel")]
        assert closed.id == placed.id and closed.order_status.startswith("EXECUTED")
        # the reconnection found nothing more: each change told once
        wallet_updates = [(w.wallet_type, w.currency) for (w,) in events.of("wallet_update")]
        assert len(wallet_updates) == len(set(wallet_updates))
        assert [event for event, _ in report.events].count("order_cancel") == 1
        assert not bfx.wss.account.orders


async def test_only_a_client_that_asked_polls_and_only_while_away() -> None:
    async with simulator() as sim:
        quiet, quiet_client, quiet_events = await _connected(sim, {"exchange": {"USD": 10_000}})
        polling, polling_client, polling_events = await _connected(sim, {"exchange": {"USD": 10_000}},
                                                                   poll_account_interval=0.1)

        def polls(account: Any) -> int:
            return sum(1 for r in sim.rest_requests_to("auth/r/wallets") if r.api_key == account.api_key)

        connected_polls = polls(polling)
        async with sim.away(quiet), sim.away(polling):
            # the polling client's second poll marks a window in which the quiet one would have polled too
            await sim.wait_for(lambda: polls(polling) >= connected_polls + 2, timeout=SYNC)
        assert polls(quiet) == 0 and connected_polls == 0
        await _reconciled(polling_client, polling_events)
        await _reconciled(quiet_client, quiet_events)
        settled = polls(polling)
        # connected again: the next poll would be due within 0.1 s; a fill's round trip on the socket outlasts it
        placed = (await polling_client.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")).data
        await sim.fill_order(polling, placed.id)
        await polling_events.wait(lambda: polling_events.count("order_cancel") >= 1)
        await polling_events.wait(lambda: polling_events.count("wallet_update") >= 2)
        assert polls(polling) == settled


def test_the_poll_interval_is_checked() -> None:
    with pytest.raises(InvalidInputError):
        WebSocketOptions(poll_account_interval=0)
