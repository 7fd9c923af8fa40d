"""bfx.rest.auth against the simulator: funding offers, credits and loans (offers taken with
``sim.take_offer``), funding trades and info, auto-renew, keep, close. Requests are checked by ``SimEnv.call``;
results are compared with the simulator's account."""

from decimal import Decimal

import pytest

from bfxapi.rest.exceptions import GenericError
from bfxapi.testing import LedgerEntry
from bfxapi.types import FundingAutoRenew, FundingCredit, FundingInfo, FundingLoan, FundingOffer, FundingTrade

from rest_auth_server import sim_env  # noqa: F401  # pylint: disable=unused-import


def same_offer(got, held):
    assert isinstance(got, FundingOffer)
    assert (got.id, got.symbol, got.mts_create, got.mts_update, got.amount, got.amount_orig, got.offer_type,
            got.flags, got.offer_status, got.rate, got.period, got.hidden, got.renew) == (
        held.id, held.symbol, held.mts_create, held.mts_update, held.amount, held.amount_orig, held.type, held.flags,
        held.status, held.rate, held.period, 1 if held.flags & 64 else 0, held.renew)


def same_contract(got, held):
    assert (got.id, got.symbol, got.side, got.mts_create, got.mts_update, got.amount, got.flags, got.status,
            got.rate_type, got.rate, got.period, got.renew, got.no_close) == (
        held.id, held.symbol, held.side, held.mts_create, held.mts_update, held.amount, held.flags, held.status,
        held.rate_type, held.rate, held.period, held.renew, held.no_close)


async def offer(env, amount, rate, period=2):
    notification = await env.auth.submit_funding_offer("LIMIT", "fUSD", amount, rate, period)
    return env.account.offers[notification.data.id]


async def test_submit_list_and_cancel_funding_offers(sim_env):
    env = sim_env
    result = await env.call(env.auth.submit_funding_offer("LIMIT", "fUSD", Decimal("250.5"), "0.0005", 30, flags=64),
                            "auth/w/funding/offer/submit",
                            {"type": "LIMIT", "symbol": "fUSD", "amount": "250.5", "rate": "0.0005", "period": 30,
                             "flags": 64})
    assert (result.type, result.status) == ("fon-req", "SUCCESS")
    assert result.text == "Submitting funding offer of 250.5 USD at 0.05% for 30 days."
    held = env.account.offers[result.data.id]
    same_offer(result.data, held)
    assert (held.amount, held.rate, held.period, held.flags) == (250.5, 0.0005, 30, 64)
    btc = await env.auth.submit_funding_offer("LIMIT", "fBTC", 0.01, 0.0002, 2)

    every = await env.call(env.auth.get_funding_offers(), "auth/r/funding/offers", {})
    assert sorted(o.id for o in every) == sorted(env.account.offers) == sorted([held.id, btc.data.id])
    for got in every:
        same_offer(got, env.account.offers[got.id])
    usd = await env.call(env.auth.get_funding_offers(symbol="fUSD"), "auth/r/funding/offers/fUSD", {})
    assert [o.id for o in usd] == [held.id]

    # the offer holds its amount of the funding wallet
    wallets = await env.auth.get_wallets()
    funding = next(w for w in wallets if (w.wallet_type, w.currency) == ("funding", "USD"))
    assert (funding.balance, funding.available_balance) == (5_000, 5_000 - 250.5)

    cancelled = await env.call(env.auth.cancel_funding_offer(held.id), "auth/w/funding/offer/cancel", {"id": held.id})
    assert (cancelled.type, cancelled.data.id, cancelled.data.offer_status) == ("foc-req", held.id, "CANCELED")
    assert held.id not in env.account.offers and held.status == "CANCELED"


async def test_cancel_all_funding_offers_of_a_currency(sim_env):
    env = sim_env
    usd = [await offer(env, 200 + i, 0.01) for i in range(3)]
    btc = await env.auth.submit_funding_offer("LIMIT", "fBTC", 0.01, 0.0002, 2)
    result = await env.call(env.auth.cancel_all_funding_offers("USD"), "auth/w/funding/offer/cancel/all",
                            {"currency": "USD"})
    assert (result.type, result.status, result.data) == ("foc_all-req", "SUCCESS", None)
    assert list(env.account.offers) == [btc.data.id]
    assert all(o.status == "CANCELED" for o in usd)

    history = await env.call(env.auth.get_funding_offers_history(symbol="fUSD", limit=2),
                             "auth/r/funding/offers/fUSD/hist", {"limit": 2})
    assert len(history) == 2
    for got in history:
        same_offer(got, next(o for o in env.account.offer_history if o.id == got.id))
    every = await env.call(env.auth.get_funding_offers_history(), "auth/r/funding/offers/hist", {})
    assert sorted(o.id for o in every) == sorted(o.id for o in usd)


async def test_taken_offers_become_credits_and_loans(sim_env):
    env = sim_env
    lend = await offer(env, 300, 0.0004, 7)
    credit = await env.sim.take_offer(env.account, lend.id)
    borrow = await offer(env, -200, 0.0003, 2)
    loan = await env.sim.take_offer(env.account, borrow.id)
    assert env.account.balance("funding", "USD") == 5_200  # borrowed funds credited

    credits = await env.call(env.auth.get_funding_credits(), "auth/r/funding/credits", {})
    assert len(credits) == 1 and isinstance(credits[0], FundingCredit)
    same_contract(credits[0], credit)
    assert (credits[0].side, credits[0].amount, credits[0].position_pair) == (1, 300, credit.position_pair)
    assert await env.call(env.auth.get_funding_credits(symbol="fBTC"), "auth/r/funding/credits/fBTC", {}) == []

    loans = await env.call(env.auth.get_funding_loans(symbol="fUSD"), "auth/r/funding/loans/fUSD", {})
    assert len(loans) == 1 and isinstance(loans[0], FundingLoan)
    same_contract(loans[0], loan)
    assert (loans[0].side, loans[0].amount, loans[0].rate) == (-1, 200, 0.0003)

    trades = await env.call(env.auth.get_funding_trades_history(sort=1), "auth/r/funding/trades/hist", {"sort": 1})
    assert all(isinstance(t, FundingTrade) for t in trades)
    assert [(t.id, t.currency, t.mts_create, t.offer_id, t.amount, t.rate, t.period) for t in trades] == [
        (t.id, t.currency, t.mts, t.offer_id, t.amount, t.rate, t.period) for t in env.account.funding_trades]
    assert [t.offer_id for t in trades] == [lend.id, borrow.id]
    one = await env.call(env.auth.get_funding_trades_history(symbol="fUSD", limit=1), "auth/r/funding/trades/fUSD/hist",
                         {"limit": 1})
    assert len(one) == 1

    info = await env.call(env.auth.get_funding_info("fUSD"), "auth/r/info/funding/fUSD", {})
    assert info == FundingInfo("fUSD", 0.0003, 0.0004, 2, 7)

    # keep the loan, then return it: it moves to the history and the borrowed funds leave the wallet
    kept = await env.call(env.auth.toggle_keep_funding("loan", ids=[loan.id], changes={loan.id: 1}),
                          "auth/w/funding/keep", {"type": "loan", "id": [loan.id], "changes": {str(loan.id): 1}})
    assert (kept.type, kept.status) == ("fkeep-req", "SUCCESS") and loan.no_close == 1
    closed = await env.call(env.auth.submit_funding_close(loan.id), "auth/w/funding/close", {"id": loan.id})
    assert (closed.type, closed.status) == ("fcl-req", "SUCCESS")
    assert not env.account.loans and env.account.balance("funding", "USD") == 5_000
    history = await env.call(env.auth.get_funding_loans_history(), "auth/r/funding/loans/hist", {})
    assert [(l.id, l.status) for l in history] == [(loan.id, "CLOSED")]
    same_contract(history[0], loan)

    await env.auth.submit_funding_close(credit.id)
    now = env.sim.exchange.now
    credits_history = await env.call(env.auth.get_funding_credits_history(symbol="fUSD", start=now, end=now),
                                     "auth/r/funding/credits/fUSD/hist", {"start": now, "end": now})
    assert [(c.id, c.status, c.position_pair) for c in credits_history] == [(credit.id, "CLOSED", "tBTCUSD")]
    assert await env.call(env.auth.get_funding_loans_history(symbol="fBTC", limit=3), "auth/r/funding/loans/fBTC/hist",
                          {"limit": 3}) == []


async def test_auto_renew(sim_env):
    env = sim_env
    assert await env.call(env.auth.get_funding_auto_renew_status("USD"), "auth/r/funding/auto/status",
                          {"currency": "USD"}) is None  # off: the simulator answers null
    result = await env.call(env.auth.toggle_auto_renew(True, "USD", amount=100, rate=Decimal("0.0001"), period=2),
                            "auth/w/funding/auto",
                            {"status": 1, "currency": "USD", "amount": "100", "rate": "0.0001", "period": 2})
    assert result.type == "fa-req" and result.data == FundingAutoRenew("USD", 2, 0.0001, 100)
    assert env.account.auto_renew["USD"] == ["USD", 2, 0.0001, 100]
    assert await env.call(env.auth.get_funding_auto_renew_status("USD"), "auth/r/funding/auto/status",
                          {"currency": "USD"}) == FundingAutoRenew("USD", 2, 0.0001, 100)
    off = await env.call(env.auth.toggle_auto_renew(False, "USD"), "auth/w/funding/auto", {"status": 0, "currency": "USD"})
    assert (off.data, off.status) == (None, "SUCCESS") and "USD" not in env.account.auto_renew


async def test_funding_errors(sim_env):
    env = sim_env
    before = len(env.sim.rest_log)
    with pytest.raises(GenericError) as caught:
        await env.auth.submit_funding_offer("LIMIT", "fUSD", 6_000, 0.001, 2)
    text = "Invalid offer: not enough funding balance for 6000 USD"
    assert env.refused(before, "auth/w/funding/offer/submit").response == ["error", 10001, text]
    assert caught.value.code == 10001 and caught.value.message.endswith(text)
    with pytest.raises(GenericError, match="minimum is 150 dollar") as small:
        await env.auth.submit_funding_offer("LIMIT", "fUSD", 100, 0.001, 2)
    with pytest.raises(GenericError, match="Offer not found") as unknown:
        await env.auth.cancel_funding_offer(1)
    with pytest.raises(GenericError, match="Funding not found") as unknown_contract:
        await env.auth.submit_funding_close(1)
    assert small.value.code == unknown.value.code == unknown_contract.value.code == 10001
    assert not env.account.offers


async def test_ledgers_of_funding_and_category_filter(sim_env):
    """Ledger entries by currency, and the ``category`` body filter (protocol.md §6.2)."""
    env = sim_env
    borrow = await offer(env, -200, 0.0003)
    await env.sim.take_offer(env.account, borrow.id)
    mts = env.sim.exchange.now
    env.account.ledgers.append(LedgerEntry(2_600_000_001, "USD", "funding", mts, 0.5, 5_200.5,
                                           "Margin Funding Payment on wallet funding", category=28))
    every = await env.call(env.auth.get_ledgers("USD"), "auth/r/ledgers/USD/hist", {})
    assert sorted(l.id for l in every) == sorted(e.id for e in env.account.ledgers if e.currency == "USD")
    payments = await env.call(env.auth.get_ledgers("USD", category=28, start=mts, limit=10), "auth/r/ledgers/USD/hist",
                              {"category": 28, "start": mts, "limit": 10})
    assert [(l.id, l.amount, l.balance, l.description) for l in payments] == [
        (2_600_000_001, 0.5, 5_200.5, "Margin Funding Payment on wallet funding")]
