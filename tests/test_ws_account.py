"""The managed account (``bfx.wss.account``): snapshots, every account event applied before its callbacks run,
read-only views, fresh snapshots after a reconnect."""

from typing import Any, Callable

import pytest

from bfxapi import Client
from bfxapi.types import FundingCredit, FundingLoan, FundingOffer, Order, Position, Wallet, serializers
from bfxapi.websocket import Account
from bfxapi.websocket.exceptions import ActionRequiresAuthentication

from ws_support import FAST, Recorder, auth_client, auth_connection, client, simulator

SYNC = 5.0


def wire_state(account: Any) -> dict[str, dict[Any, Any]]:
    """The simulator's account as the snapshots of a fresh authentication would carry it, typed."""
    return {
        "orders": {o.id: serializers.Order.from_wire(o.row()) for o in account.orders.values()},
        "positions": {p.id: serializers.Position.from_wire(p.row()) for p in account.positions.values()},
        "wallets": {key: serializers.Wallet.from_wire(w.row()) for key, w in account.wallets.items()},
        "funding_offers": {o.id: serializers.FundingOffer.from_wire(o.row()) for o in account.offers.values()},
        "funding_credits": {c.id: serializers.FundingCredit.from_wire(c.row()) for c in account.credits.values()},
        "funding_loans": {c.id: serializers.FundingLoan.from_wire(c.row()) for c in account.loans.values()},
    }


def views(account: Account) -> dict[str, dict[Any, Any]]:
    return {
        "orders": dict(account.orders),
        "positions": dict(account.positions),
        "wallets": dict(account.wallets),
        "funding_offers": dict(account.funding_offers),
        "funding_credits": dict(account.funding_credits),
        "funding_loans": dict(account.funding_loans),
    }


def balances(state: dict[str, dict[Any, Any]]) -> dict[tuple[str, str], float]:
    return {key: wallet.balance for key, wallet in state["wallets"].items()}


class Checks:
    """Sync callbacks that check, at the moment an event is emitted, that the account already holds it."""

    def __init__(self, bfx: Any) -> None:
        self.account: Account = bfx.wss.account
        self.failures: list[str] = []
        self.seen: list[str] = []
        self._bfx = bfx

    def check(self, event: str, holds: Callable[[Any], bool]) -> None:
        def callback(data: Any) -> None:
            self.seen.append(event)
            if not holds(data):
                self.failures.append(f"{event}: {data!r} not reflected in {self.account!r}")

        self._bfx.wss.on(event, callback=callback)


async def test_snapshots_fill_the_views_and_events_keep_them_equal_to_the_account() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 50_000}, "margin": {"USD": 50_000},
                                           "funding": {"USD": 10_000}})
        first = auth_client(sim, account)
        await first.wss.connect()
        assert await first.wss.account.wait_synced(SYNC)
        inputs = first.wss.inputs
        await inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "15000")
        opening = (await inputs.submit_order("LIMIT", "tETHUSD", "2", "1500")).data
        await sim.fill_order(account, opening.id)
        offer = (await inputs.submit_funding_offer("LIMIT", "fUSD", "300", "0.01", 30)).data
        lent = (await inputs.submit_funding_offer("LIMIT", "fUSD", "1000", "0.0002", 2)).data
        await sim.take_offer(account, lent.id)
        bid = (await inputs.submit_funding_offer("LIMIT", "fUSD", "-500", "0.0003", 2)).data
        await sim.take_offer(account, bid.id)
        expected = wire_state(account)
        assert all(expected.values()) and offer.id in expected["funding_offers"]

        # a second client of the same account starts from the snapshots alone
        second = auth_client(sim, account)
        await second.wss.connect()
        assert await second.wss.account.wait_synced(SYNC)
        assert views(second.wss.account) == expected

        # the first client built the same state from the events (rows of updates differ from the snapshot's in
        # computed fields, the P/L of a position and the available balance of a wallet: compare the identity)
        held = views(first.wss.account)
        assert {kind: set(items) for kind, items in held.items()} == {kind: set(items) for kind, items in expected.items()}
        assert balances(held) == balances(expected)
        assert [p.amount for p in held["positions"].values()] == [2]
        assert first.wss.account.orders_for("tBTCUSD") == tuple(expected["orders"].values())
        assert first.wss.account.position("tETHUSD") is next(iter(held["positions"].values()))
        assert first.wss.account.position("tBTCUSD") is None
        assert isinstance(first.wss.account.wallet("exchange", "USD"), Wallet)
        assert first.wss.account.wallet("exchange", "EUR") is None


async def test_an_order_is_in_the_account_when_its_callbacks_run_and_leaves_it_when_closed() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        checks = Checks(bfx)
        mine = checks.account
        checks.check("order_new", lambda o: mine.order(o.id) is o)
        checks.check("order_update", lambda o: mine.order(o.id) is o)
        checks.check("order_cancel", lambda o: o.id not in mine.orders and mine.order(o.id) is None)
        checks.check("wallet_update", lambda w: mine.wallet(w.wallet_type, w.currency) is w)
        events = Recorder(bfx, "order_cancel")
        await bfx.wss.connect()
        assert await mine.wait_synced(SYNC)
        assert balances(views(mine)) == {("exchange", "USD"): 10_000}

        note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")
        assert isinstance(mine.order(note.data.id), Order)  # the on frame came before the answer was awaited
        await sim.fill_order(account, note.data.id, amount=0.04)
        await sim.fill_order(account, note.data.id)
        await events.wait_count("order_cancel", 1)

        assert not checks.failures
        assert {"order_new", "order_update", "order_cancel", "wallet_update"} <= set(checks.seen)
        assert not mine.orders
        assert balances(views(mine)) == {key: w.balance for key, w in account.wallets.items()}
        assert mine.wallet("exchange", "USD").balance == 8000  # type: ignore[union-attr]


async def test_a_margin_order_opens_a_position_and_closing_it_removes_it() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"margin": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        checks = Checks(bfx)
        mine = checks.account
        checks.check("position_new", lambda p: mine.positions.get(p.position_id) is p)
        checks.check("position_update", lambda p: mine.positions.get(p.position_id) is p)
        checks.check("position_close", lambda p: p.position_id not in mine.positions)
        events = Recorder(bfx, "position_new", "position_close")
        await bfx.wss.connect()
        assert await mine.wait_synced(SYNC)

        opening = await bfx.wss.inputs.submit_order("LIMIT", "tBTCUSD", "0.1", "20000")
        await sim.fill_order(account, opening.data.id)
        await events.wait_count("position_new", 1)
        (position,) = mine.positions.values()
        assert isinstance(position, Position) and position.symbol == "tBTCUSD" and position.amount == 0.1
        assert position.position_id == account.positions["tBTCUSD"].id

        closing = await bfx.wss.inputs.submit_order("LIMIT", "tBTCUSD", "-0.1", "90000")
        await sim.fill_order(account, closing.data.id, price=23000)
        await events.wait_count("position_close", 1)
        assert not checks.failures and not mine.positions and not account.positions


async def test_funding_offers_credits_and_loans_come_and_go() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"funding": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        checks = Checks(bfx)
        mine = checks.account
        checks.check("funding_offer_new", lambda o: mine.funding_offers.get(o.id) is o)
        checks.check("funding_offer_cancel", lambda o: o.id not in mine.funding_offers)
        checks.check("funding_credit_new", lambda c: mine.funding_credits.get(c.id) is c)
        checks.check("funding_credit_close", lambda c: c.id not in mine.funding_credits)
        checks.check("funding_loan_new", lambda c: mine.funding_loans.get(c.id) is c)
        checks.check("funding_loan_close", lambda c: c.id not in mine.funding_loans)
        events = Recorder(bfx, "funding_credit_new", "funding_loan_new", "funding_credit_close", "funding_loan_close")
        await bfx.wss.connect()
        assert await mine.wait_synced(SYNC)
        inputs = bfx.wss.inputs

        offer = (await inputs.submit_funding_offer("LIMIT", "fUSD", "300", "0.01", 30)).data
        assert isinstance(mine.funding_offers[offer.id], FundingOffer)
        await inputs.cancel_funding_offer(offer.id)
        assert offer.id not in mine.funding_offers  # the foc frame came before the answer

        lent = (await inputs.submit_funding_offer("LIMIT", "fUSD", "1000", "0.0002", 2)).data
        await sim.take_offer(account, lent.id)
        bid = (await inputs.submit_funding_offer("LIMIT", "fUSD", "-500", "0.0003", 2)).data
        await sim.take_offer(account, bid.id)
        await events.wait(lambda: events.count("funding_credit_new") and events.count("funding_loan_new"))
        assert not mine.funding_offers
        (credit,) = mine.funding_credits.values()
        (loan,) = mine.funding_loans.values()
        assert isinstance(credit, FundingCredit) and isinstance(loan, FundingLoan)
        assert set(mine.funding_credits) == set(account.credits) and set(mine.funding_loans) == set(account.loans)

        await bfx.rest.auth.submit_funding_close(credit.id)
        await bfx.rest.auth.submit_funding_close(loan.id)
        await events.wait(lambda: events.count("funding_credit_close") and events.count("funding_loan_close"))
        assert not checks.failures and not mine.funding_credits and not mine.funding_loans


async def test_the_views_are_read_only() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1_000}})
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        mine = bfx.wss.account
        assert await mine.wait_synced(SYNC)
        wallet = mine.wallet("exchange", "USD")
        with pytest.raises(TypeError):
            mine.wallets[("exchange", "BTC")] = wallet  # type: ignore[index]
        with pytest.raises(TypeError):
            del mine.wallets[("exchange", "USD")]  # type: ignore[attr-defined]
        with pytest.raises(TypeError):
            mine.orders[1] = None  # type: ignore[index]
        with pytest.raises(AttributeError):
            mine.orders = {}  # type: ignore[misc]
        assert mine.wallet("exchange", "USD") is wallet


async def test_a_client_without_credentials_has_no_account() -> None:
    async with simulator() as sim:
        bfx = client(sim)
        with pytest.raises(ActionRequiresAuthentication):
            _ = bfx.wss.account
        await bfx.wss.connect()
        with pytest.raises(ActionRequiresAuthentication):
            _ = bfx.wss.account


async def test_after_a_reconnect_the_account_is_the_fresh_snapshots() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "authenticated", "order_new")
        await bfx.wss.connect()
        mine = bfx.wss.account
        assert await mine.wait_synced(SYNC)
        note = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")
        kept = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")
        assert set(mine.orders) == {note.data.id, kept.data.id}

        # the fill happens while nothing reaches the client: only the snapshots of the next session tell it
        connection = auth_connection(sim)
        sim.stall(connection)
        await sim.fill_order(account, note.data.id)
        await sim.drop(connection)
        await events.wait_count("authenticated", 2)
        assert await mine.wait_synced(SYNC)
        assert views(mine) == wire_state(account)
        assert set(mine.orders) == {kept.data.id}
        assert mine.wallet("exchange", "BTC") is not None


async def test_with_auth_filters_only_the_filtered_snapshots_are_awaited() -> None:
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1_000}, "funding": {"USD": 1_000}})
        bfx = Client(account.api_key, account.api_secret, filters=["trading", "wallet"], wss_host=sim.wss_host,
                     rest_host=sim.rest_host, wss_options=FAST)
        sim.clients.append(bfx)
        mine = bfx.wss.account
        assert not mine.synced and not await mine.wait_synced(0.05)  # nothing to wait for before connecting
        await bfx.wss.connect()
        assert await mine.wait_synced(SYNC)
        assert set(mine.wallets) == {("exchange", "USD"), ("funding", "USD")} and not mine.funding_offers
