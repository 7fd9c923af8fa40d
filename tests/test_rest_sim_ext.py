"""The last ``auth/*/ext`` endpoints of issue #18 against the simulator: Lightning Network invoice payments,
recurring algorithmic orders, Thalex deposits, withdrawals and free transfer counts. Requests are checked by
``SimEnv.call`` (path, exact JSON body, signature); results are typed; bad arguments are refused before anything is
sent."""

from decimal import Decimal

import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError
from bfxapi.rest.exceptions import GenericError, RequestParameterError
from bfxapi.testing.server.rest.ext import FREE_TRANSFERS_A_DAY, THALEX_FEE, thalex_balance
from bfxapi.types import (
    LnxInvoicePayment,
    RecurringAlgoOrder,
    ThalexFreeTransfers,
    ThalexTransfer,
)

from rest_auth_server import sim_env  # noqa: F401  # pylint: disable=unused-import

TFA = {"type": "u2f", "data": "signed"}


async def test_lnx_invoices_list_the_deposit_invoices(sim_env):
    env = sim_env
    made = await env.auth.generate_deposit_invoice("exchange", "LNX", "0.001")
    body = {"action": "getInvoices", "query": {"limit": 10}}
    rows = await env.call(env.auth.get_lnx_invoice_payments("getInvoices", limit=10),
                          "auth/r/ext/invoice/payments", body)
    assert rows and all(isinstance(r, LnxInvoicePayment) for r in rows)
    invoice = rows[0]
    assert (invoice.payment_hash, invoice.invoice) == (made.invoice_hash, made.invoice)
    assert (invoice.amount, invoice.bfx_amount, invoice.status) == (100_000, "0.001", "CREATED")
    one = await env.call(env.auth.get_lnx_invoice_payments("getInvoiceById", id=made.invoice_hash),
                         "auth/r/ext/invoice/payments",
                         {"action": "getInvoiceById", "query": {"id": made.invoice_hash}})
    assert [r.payment_hash for r in one] == [made.invoice_hash]
    assert await env.auth.get_lnx_invoice_payments("getPayments") == []  # the simulator's invoices are never paid


@pytest.mark.parametrize("call", [
    lambda auth: auth.get_lnx_invoice_payments("getInvoiceById"),  # no id
    lambda auth: auth.get_lnx_invoice_payments("getInvoices", id="abc"),  # an id where a list is asked
    lambda auth: auth.get_lnx_invoice_payments("getPaymentById", id="abc", limit=3),
    lambda auth: auth.get_lnx_invoice_payments("everything"),
    lambda auth: auth.submit_recurring_algo_order("tBTCUSD", "hold", 1, "BTC", "daily"),
    lambda auth: auth.submit_recurring_algo_order("tBTCUSD", "buy", 0, "BTC", "daily"),
    lambda auth: auth.submit_recurring_algo_order("tBTCUSD", "buy", 1, "BTC", "hourly"),
    lambda auth: auth.submit_recurring_algo_order("tBTCUSD", "buy", 1, "BTC", "daily", start_at=10, end_at=5),
    lambda auth: auth.update_recurring_algo_order("abc"),  # nothing to change
    lambda auth: auth.get_recurring_algo_order("a/b"),
    lambda auth: auth.submit_thalex_deposit("-1", "BTC", TFA),
    lambda auth: auth.submit_thalex_withdrawal("1", "BTC", ["not", "an", "object"]),
])
async def test_bad_arguments_are_refused_before_sending(sim_env, call):
    env = sim_env
    before = len(env.sim.rest_log)
    with pytest.raises(InvalidInputError):
        await call(env.auth)
    assert len(env.sim.rest_log) == before


async def test_recurring_algo_order_created_listed_updated_cancelled(sim_env):
    env = sim_env
    body = {"symbol": "tBTCUSD", "action": "buy", "amount": "0.01", "currency": "BTC", "recurrence": "weekly",
            "alias": "dca", "startAt": env.sim.exchange.now}
    created = await env.call(
        env.auth.submit_recurring_algo_order("tBTCUSD", "buy", Decimal("0.01"), "BTC", "weekly", alias="dca",
                                             start_at=env.sim.exchange.now),
        "auth/w/ext/recurring-ao/create", body)
    assert isinstance(created, RecurringAlgoOrder) and created.algo_order_id
    assert (created.status, created.amount, created.recurrence, created.alias) == ("ACTIVE", 0.01, "weekly", "dca")
    order_id = created.algo_order_id

    listed = await env.call(env.auth.get_recurring_algo_orders(), "auth/r/ext/recurring-ao/list", {})
    assert [o.algo_order_id for o in listed] == [order_id]
    detail = await env.call(env.auth.get_recurring_algo_order(order_id),
                            f"auth/r/ext/recurring-ao/detail/{order_id}", {})
    assert detail == created

    updated = await env.call(env.auth.update_recurring_algo_order(order_id, amount="0.02", recurrence="monthly"),
                             f"auth/w/ext/recurring-ao/update/{order_id}", {"amount": "0.02", "recurrence": "monthly"})
    assert (updated.amount, updated.recurrence, updated.alias) == (0.02, "monthly", "dca")
    assert (await env.auth.get_recurring_algo_order(order_id)).amount == 0.02

    executions = await env.call(env.auth.get_recurring_algo_order_executions(algo_order_id=order_id),
                                "auth/r/ext/recurring-ao/order/list", {"algoOrderId": order_id})
    assert executions == []

    cancelled = await env.call(env.auth.cancel_recurring_algo_order(order_id),
                               f"auth/w/ext/recurring-ao/cancel/{order_id}", {})
    assert cancelled.status == "CANCELLED"
    assert [o.status for o in await env.auth.get_recurring_algo_orders()] == ["CANCELLED"]
    with pytest.raises(RequestParameterError):  # a cancelled order cannot change any more
        await env.auth.update_recurring_algo_order(order_id, alias="again")
    with pytest.raises(RequestParameterError):
        await env.auth.get_recurring_algo_order("0" * 24)


async def test_recurring_algo_order_refused_by_the_server(sim_env):
    env = sim_env
    with pytest.raises(RequestParameterError):  # DOGE is no leg of tBTCUSD
        await env.auth.submit_recurring_algo_order("tBTCUSD", "sell", 1, "DOGE", "daily")
    assert await env.auth.get_recurring_algo_orders() == []


async def test_recurring_algo_order_amounts_are_decimal_in_decimal_mode(sim_env):
    env = sim_env
    async with Client(env.account.api_key, env.account.api_secret, rest_host=env.sim.rest_host,
                      decimal=True) as exact:
        order = await exact.rest.auth.submit_recurring_algo_order("tETHUSD", "buy", "0.5", "ETH", "daily")
    assert order.amount == Decimal("0.5") and isinstance(order.amount, Decimal)


async def test_thalex_deposit_and_withdrawal_move_funds(sim_env):
    env = sim_env
    account = env.account
    free = await env.call(env.auth.get_thalex_free_transfer_count(), "auth/r/ext/wallets/transfers/free/count",
                          {"provider": "thalex"})
    assert isinstance(free, ThalexFreeTransfers) and free.deposits and free.withdrawals
    assert (free.deposits.available, free.deposits.resets_at) == (FREE_TRANSFERS_A_DAY, None)

    deposit = await env.call(env.auth.submit_thalex_deposit("0.25", "BTC", TFA),
                             "auth/w/ext/wallets/deposits/request",
                             {"destination": "thalex", "amount": "0.25", "ccy": "BTC", "tfaToken": TFA})
    assert isinstance(deposit, ThalexTransfer)
    assert (deposit.type, deposit.amount, deposit.ccy, deposit.fee, deposit.status) == (
        "deposit", "0.25", "BTC", "0", "COMPLETED")
    assert account.balance("exchange", "BTC") == pytest.approx(0.75)
    assert thalex_balance(account, "BTC") == pytest.approx(0.25)
    counted = await env.auth.get_thalex_free_transfer_count()
    assert counted.deposits is not None and counted.deposits.available == FREE_TRANSFERS_A_DAY - 1
    assert counted.deposits.resets_at == deposit.created_at + 86_400_000  # type: ignore[operator]

    withdrawal = await env.call(env.auth.submit_thalex_withdrawal("0.1", "BTC", TFA),
                                "auth/w/ext/wallets/withdrawals/request",
                                {"provider": "thalex", "amount": "0.1", "ccy": "BTC", "tfaToken": TFA})
    assert (withdrawal.type, withdrawal.amount) == ("withdrawal", "0.1")
    assert account.balance("exchange", "BTC") == pytest.approx(0.85)
    assert thalex_balance(account, "BTC") == pytest.approx(0.15)


async def test_thalex_refuses_what_is_not_there_and_charges_past_the_free_ones(sim_env):
    env = sim_env
    account = env.account
    with pytest.raises(GenericError, match="not enough balance on Thalex"):  # nothing there yet
        await env.auth.submit_thalex_withdrawal("0.1", "BTC", TFA)
    with pytest.raises(GenericError, match="not enough balance in exchange wallet"):
        await env.auth.submit_thalex_deposit("2", "BTC", TFA)
    assert account.balance("exchange", "BTC") == pytest.approx(1.0) and thalex_balance(account, "BTC") == 0
    for _ in range(FREE_TRANSFERS_A_DAY):
        assert (await env.auth.submit_thalex_deposit("0.1", "BTC", TFA)).fee == "0"
    paid = await env.auth.submit_thalex_deposit("0.1", "BTC", TFA)
    assert paid.fee == str(THALEX_FEE["BTC"])
    assert thalex_balance(account, "BTC") == pytest.approx(0.3 - THALEX_FEE["BTC"])
    free = await env.auth.get_thalex_free_transfer_count()
    assert free.deposits is not None and free.deposits.available == 0
