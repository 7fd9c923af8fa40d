"""The official library's REST examples run on ``bfxapi.sync`` with one change: the import.

The official examples (bitfinex-api-py 3.0.5 ``examples/rest/``, listed in official-api.md §6.2) are blocking
scripts: ``bfx = Client(api_key=..., api_secret=...)`` at module level, then ``bfx.rest.<group>.<method>(...)``. Each
script below makes the calls of one official example, with its arguments, in that style (written here, not copied;
where the official example has a known bug (§7 item 32) or asks for what Bitfinex refuses (a funding offer below
its 150 USD minimum), the script changes that line and says why), imports
``from bfxapi.sync import Client`` instead of ``from bfxapi import Client``, and runs as a subprocess against the
simulator, found through ``BFX_REST_HOST`` as every host is (the official examples pass no host).
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from bfxapi.sync import Client

from sync_support import ThreadedSimulator, threaded_simulator

ROOT = Path(__file__).resolve().parent.parent

WALLETS = {
    "exchange": {"USD": 100_000.0, "BTC": 2.0, "ETH": 10.0, "UST": 100.0},
    "margin": {"USD": 50_000.0, "USTF0": 10_000.0},
    "funding": {"USD": 50_000.0},
}

AUTH = '''
import os
from bfxapi.sync import Client  # the one change: was "from bfxapi import Client"

bfx = Client(api_key=os.getenv("BFX_API_KEY"), api_secret=os.getenv("BFX_API_SECRET"))
'''

PUBLIC = '''
from bfxapi.sync import Client  # the one change: was "from bfxapi import Client"

bfx = Client()
'''

#: official example -> (the script, what its output must contain)
EXAMPLES: dict[str, tuple[str, str, list[str]]] = {
    "rest/public/book.py": (PUBLIC, '''
t_book = bfx.rest.public.get_t_book("tBTCUSD", precision="P0", len=25)
print("25 price points of tBTCUSD order book (with precision P0):", t_book)
t_raw_book = bfx.rest.public.get_t_raw_book("tBTCUSD")
print("tBTCUSD raw order book:", t_raw_book)
f_book = bfx.rest.public.get_f_book("fUSD", precision="P0", len=25)
print("25 price points of fUSD order book (with precision P0):", f_book)
f_raw_book = bfx.rest.public.get_f_raw_book("fUSD")
print("fUSD raw order book:", f_raw_book)
''', ["TradingPairBook(", "TradingPairRawBook(", "FundingCurrencyBook(", "FundingCurrencyRawBook("]),
    "rest/public/conf.py": (PUBLIC, '''
print("Currency symbols:", bfx.rest.public.conf("pub:map:currency:sym"))
print("Exchange pairs:", bfx.rest.public.conf("pub:list:pair:exchange"))
print("Currencies:", bfx.rest.public.conf("pub:list:currency"))
''', ["Currency symbols: ", "Exchange pairs: [", "Currencies: ["]),
    "rest/public/get_candles_hist.py": (PUBLIC, '''
print(f"Candles: {bfx.rest.public.get_candles_hist(symbol='tBTCUSD')}")
print(f"Candles: {bfx.rest.public.get_candles_hist(tf='15m', symbol='fUSD:a30:p2:p30')}")
''', ["Candles: [Candle("]),
    "rest/public/pulse_endpoints.py": (PUBLIC, '''
import datetime
end = datetime.datetime(2020, 5, 2).timestamp() * 1000
messages = bfx.rest.public.get_pulse_message_history(end=int(end), limit=25)
for message in messages:
    print(f"Message author: {message.profile.nickname} ({message.profile.puid})")
    print(f"Title: <{message.title}>")
profile = bfx.rest.public.get_pulse_profile_details("News")
print(f"Profile: {profile.nickname}, {profile.followers} followers")
''', ["Profile: News"]),
    "rest/public/rest_calculation_endpoints.py": (PUBLIC, '''
trading = bfx.rest.public.get_trading_market_average_price(symbol="tBTCUSD", amount=-100, price_limit=20000.5)
print("Average execution price for tBTCUSD:", trading.price_avg)
# the official example caps the rate at 0.00015, under every offer of the simulated book (no rate to average)
funding = bfx.rest.public.get_funding_market_average_price(symbol="fUSD", amount=100, period=2, rate_limit=0.01)
print("Average execution rate for fUSD:", funding.rate_avg)
fx_rate = bfx.rest.public.get_fx_rate(ccy1="USD", ccy2="EUR")
print("Exchange rate between USD and EUR:", fx_rate.current_rate)
''', ["Average execution price for tBTCUSD:", "Average execution rate for fUSD:", "between USD and EUR:"]),
    "rest/public/trades.py": (PUBLIC, '''
t_trades = bfx.rest.public.get_t_trades("tBTCUSD", limit=15, sort=+1)
print("Latest 15 trades for tBTCUSD (in ascending order):", t_trades)
f_trades = bfx.rest.public.get_f_trades("fUSD", limit=15, sort=-1)
print("Latest 15 trades for fUSD (in descending order):", f_trades)
''', ["TradingPairTrade(", "FundingCurrencyTrade("]),
    "rest/auth/claim_position.py": (AUTH, '''
for position in bfx.rest.auth.get_positions():
    notification = bfx.rest.auth.claim_position(position.position_id)
    claim = notification.data
    print(f"Position: {position} | PositionClaim: {claim}")
''', ["PositionClaim: PositionClaim("]),
    "rest/auth/get_wallets.py": (AUTH, '''
wallets = bfx.rest.auth.get_wallets()
A = bfx.rest.auth.transfer_between_wallets(
    from_wallet="exchange", to_wallet="funding", currency="ETH", currency_to="ETH", amount=0.001
)
print("Transfer:", A.data)
B = bfx.rest.auth.get_deposit_address(wallet="exchange", method="bitcoin", op_renew=False)
print("Deposit address:", B.data)
C = bfx.rest.auth.generate_deposit_invoice(wallet="funding", currency="LNX", amount=0.001)
print("Lightning network invoice:", C)  # the official example reads C.data, which fails there too (§7 item 32)
D = bfx.rest.auth.submit_wallet_withdrawal(
    wallet="exchange", method="tetheruse", address="0x742d35Cc6634C0532925a3b844Bc454e4438f44e", amount=1.0
)
print("Withdrawal:", D.data)
''', ["Transfer: Transfer(", "Deposit address: DepositAddress(", "Lightning network invoice:", "Withdrawal:"]),
    "rest/auth/set_derivative_position_collateral.py": (AUTH, '''
# the official example buys at 16700, a price of 2022: it must fill for a position to exist, so at the ask here
ask = bfx.rest.public.get_t_ticker("tBTCF0:USTF0").ask
submit_order_notification = bfx.rest.auth.submit_order(
    type="LIMIT", symbol="tBTCF0:USTF0", amount="0.015", price=str(ask), lev=10
)
print("New Order:", submit_order_notification.data)
derivative_position_collateral = bfx.rest.auth.set_derivative_position_collateral(
    symbol="tBTCF0:USTF0", collateral=50.0
)
print("Status:", bool(derivative_position_collateral.status))
derivative_position_collateral_limits = bfx.rest.auth.get_derivative_position_collateral_limits(
    symbol="tBTCF0:USTF0"
)
print(f"Minimum collateral: {derivative_position_collateral_limits.min_collateral} | "
      f"Maximum collateral: {derivative_position_collateral_limits.max_collateral}")
''', ["New Order: Order(", "Status:", "Minimum collateral:"]),
    "rest/auth/submit_funding_offer.py": (AUTH, '''
# the official example offers 123.45 USD, below Bitfinex's 150 USD minimum, which Bitfinex refuses
notification = bfx.rest.auth.submit_funding_offer(type="LIMIT", symbol="fUSD", amount=200, rate=0.001, period=2)
print("Funding Offer notification:", notification)
offers = bfx.rest.auth.get_funding_offers(symbol="fUSD")
print("Offers (fUSD):", offers)
''', ["Funding Offer notification: Notification(", "Offers (fUSD): [FundingOffer("]),
    "rest/auth/submit_order.py": (AUTH, '''
submit_order_notification = bfx.rest.auth.submit_order(
    type="EXCHANGE LIMIT", symbol="tBTCUSD", amount=0.015, price=10000
)
print("Submit order notification:", submit_order_notification)
order = submit_order_notification.data
update_order_notification = bfx.rest.auth.update_order(order.id, amount=0.020, price=10150)
print("Update order notification:", update_order_notification)
cancel_order_notification = bfx.rest.auth.cancel_order(id=order.id)
print("Cancel order notification:", cancel_order_notification)
''', ["Submit order notification: Notification(", "Update order notification:", "Cancel order notification:"]),
    "rest/auth/toggle_keep_funding.py": (AUTH, '''
loans = bfx.rest.auth.get_funding_loans(symbol="fUSD")
notification = bfx.rest.auth.toggle_keep_funding(
    type="loan", ids=[loan.id for loan in loans], changes={loan.id: 2 for loan in loans}
)
print("Toggle keep funding notification:", notification)
''', ["Toggle keep funding notification: Notification("]),
    "rest/merchant/settings.py": (AUTH, '''
if not bfx.rest.merchant.set_merchant_settings("bfx_pay_recommend_store", 1):
    print("Cannot set <bfx_pay_recommend_store> to <1>.")
print("The preferred fiat currency is:", bfx.rest.merchant.get_merchant_settings("bfx_pay_preferred_fiat"))
settings = bfx.rest.merchant.list_merchant_settings(
    ["bfx_pay_dust_balance_ui", "bfx_pay_merchant_customer_support_url", "bfx_pay_merchant_underpaid_threshold"]
)
for key, value in settings.items():
    print(f"<{key}>:", value)
''', ["The preferred fiat currency is:", "<bfx_pay_dust_balance_ui>:"]),
    "rest/merchant/submit_invoice.py": (AUTH, '''
customer_info = {
    "nationality": "DE", "resid_country": "GB", "resid_city": "London", "resid_zip_code": "WC2H 7NA",
    "resid_street": "5-6 Leicester Square", "resid_building_no": "23 A", "full_name": "John Doe",
    "email": "john@example.com",
}
invoice = bfx.rest.merchant.submit_invoice(
    amount=1.0, currency="USD", order_id="test", customer_info=customer_info, pay_currencies=["ETH"],
    duration=86400,
)
print("Invoice submission:", invoice)
print(bfx.rest.merchant.complete_invoice(id=invoice.id, pay_currency="ETH", deposit_id=1))
print(bfx.rest.merchant.get_invoices(limit=25))
print(bfx.rest.merchant.get_invoices_paginated(page=1, page_size=60, sort="asc", sort_field="t"))
''', ["Invoice submission: InvoiceSubmission(", "InvoicePage("]),
}


def _open_margin_position(bfx: "Client[float]") -> None:
    placed = bfx.rest.auth.submit_order("MARKET", "tBTCUSD", "0.01", None)
    assert placed.status == "SUCCESS", placed.text


def _borrow_funding(served: ThreadedSimulator, account: Any, bfx: "Client[float]") -> None:
    bid = bfx.rest.auth.submit_funding_offer("LIMIT", "fUSD", "-500", "0.0001", 2)
    assert bid.status == "SUCCESS", bid.text
    served.run(served.sim.take_offer(account, bid.data.id))


def test_every_official_rest_example_is_here() -> None:
    # official-api.md §6.2, master (3.0.5): rest/auth (6), rest/merchant (2), rest/public (6)
    assert len(EXAMPLES) == 14
    assert {name.split("/")[1] for name in EXAMPLES} == {"auth", "merchant", "public"}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_official_example_runs_on_the_sync_client(name: str, tmp_path: Path) -> None:
    prelude, body, expected = EXAMPLES[name]
    script = tmp_path / Path(name).name
    script.write_text(textwrap.dedent(prelude) + textwrap.dedent(body), encoding="utf-8")
    with threaded_simulator() as served:
        env = {key: value for key, value in os.environ.items() if not key.startswith("BFX_")}
        env.update(BFX_REST_HOST=served.sim.rest_host, PYTHONWARNINGS="default")
        if prelude is AUTH:
            account = served.call(lambda: served.sim.add_account(wallets=WALLETS))
            env.update(BFX_API_KEY=account.api_key, BFX_API_SECRET=account.api_secret)
            setup: Optional[Callable[[Client[float]], None]] = None
            if name.endswith("claim_position.py"):
                setup = _open_margin_position
            elif name.endswith("toggle_keep_funding.py"):
                setup = lambda bfx: _borrow_funding(served, account, bfx)  # noqa: E731
            if setup is not None:
                with Client(account.api_key, account.api_secret, rest_host=served.sim.rest_host) as bfx:
                    setup(bfx)
        result = subprocess.run(
            [sys.executable, str(script)], cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60,
            check=False,
        )
    assert result.returncode == 0, f"{name}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr, result.stderr
    for text in expected:
        assert text in result.stdout, f"{name}: {text!r} not in\n{result.stdout}"
