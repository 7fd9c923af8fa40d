"""The types tell the truth in both number modes: a user's ``mypy --strict`` sees ``Decimal`` for prices, amounts
and balances of a ``Client(decimal=True)``, ``float`` for those of a ``Client()``, and refuses a wrong assignment.

The user's code is a few small scripts written to a temporary folder and checked by mypy in a subprocess (bounded
in time), the way a user's project would check them; ``reveal_type`` lines are matched with what they must reveal.
"""

import re
import textwrap
from pathlib import Path

import pytest

from mypy_support import run_user_mypy

# expression -> what mypy must reveal, in a script where ``bfx`` is the client of the mode
REVEALS = {
    "bfx": "bfxapi._client.Client[{N}]",
    "bfx.rest": "bfxapi.rest._bfx_rest_interface.BfxRestInterface[{N}]",
    "ticker.last_price": "{N}",
    "ticker.bid": "{N}",
    "wallets[0].balance": "{N}",
    "wallets[0].available_balance": "{N} | None",
    "orders[0].amount": "{N}",
    "orders[0].price_trailing": "{N} | None",
    "orders[0].id": "builtins.int",
    "orders[0].mts_create": "builtins.int",
    "book[0].count": "builtins.int",
    "candles[0].close": "{N}",
    "invoice.amount": "{N} | None",
    "placed.data.amount": "{N}",
    "placed.mts": "builtins.float",
    "offer.data.rate": "{N}",
    "account_wallet.balance": "{N}",
    "account_order.price": "{N}",
    "tickers": "builtins.dict[builtins.str, bfxapi.types.dataclasses.TradingPairTicker[{N}]]",
}

SCRIPT = '''
from decimal import Decimal
from typing import Any

from bfxapi import Client
from bfxapi.types import Order, Wallet


async def main(bfx: "Client[{N}]") -> None:
    ticker = await bfx.rest.public.get_t_ticker("tBTCUSD")
    tickers = await bfx.rest.public.get_t_tickers(["tBTCUSD"])
    book = await bfx.rest.public.get_t_book("tBTCUSD", "P0")
    candles = await bfx.rest.public.get_candles_hist("tBTCUSD")
    wallets = await bfx.rest.auth.get_wallets()
    orders = await bfx.rest.auth.get_orders()
    invoice = await bfx.rest.merchant.submit_invoice(1, "USD", "o-1", {{}}, ["BTC"])
    placed = await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", Decimal("0.1"), 20000)
    offer = await bfx.wss.inputs.submit_funding_offer("LIMIT", "fUSD", 150, "0.0002", 2)
    account_wallet = bfx.wss.account.wallet("exchange", "USD")
    assert account_wallet is not None
    account_order = bfx.wss.account.orders[1]
{REVEALS}
    price: {N} = ticker.last_price
    balance: {N} = wallets[0].balance
    typed_order: Order[{N}] = orders[0]
    typed_wallet: Wallet[{N}] = account_wallet

    def on_order(order: Order[{N}]) -> None:
        total: {N} = order.amount * order.price
        print(total)

    bfx.wss.on("order_new", on_order)
    print(price, balance, typed_order, typed_wallet)


def build() -> "Client[{N}]":
    return Client({ARGS})
'''

WRONG = '''
from decimal import Decimal

from bfxapi import Client
from bfxapi.rest import BfxRestInterface
from bfxapi.types import Order, TradingPairTicker


async def main(flag: bool) -> None:
    exact = Client(decimal=True)
    fast = Client()
    as_float: float = (await exact.rest.public.get_t_ticker("tBTCUSD")).bid  # E: Decimal into float
    as_decimal: Decimal = (await fast.rest.public.get_t_ticker("tBTCUSD")).bid  # E: float into Decimal
    wrong_client: Client[float] = exact  # E: a decimal client is not a float one
    wrong_rest: BfxRestInterface[Decimal] = BfxRestInterface("https://api.bitfinex.com/v2")  # E: float mode
    unknown_mode = Client(decimal=flag)  # E: the mode must be known statically
    integers: Order[int]  # E: N is float or Decimal
    mixed = (await exact.rest.auth.get_wallets())[0].balance + 0.5  # E: Decimal + float
    old_style: TradingPairTicker = await fast.rest.public.get_t_ticker("tBTCUSD")  # a bare type is float mode's
    print(as_float, as_decimal, wrong_client, wrong_rest, unknown_mode, mixed, old_style)
'''


def script(mode: str) -> str:
    reveals = "\n".join(f"    reveal_type({expression})  # R{index}" for index, expression in enumerate(REVEALS))
    number = "Decimal" if mode == "decimal" else "float"
    args = "decimal=True" if mode == "decimal" else ""
    return textwrap.dedent(SCRIPT).format(N=number, ARGS=args, REVEALS=reveals)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory, user_mypy_cache: Path) -> dict[str, list[str]]:
    """mypy --strict on the three scripts, once: its lines per script."""
    folder = tmp_path_factory.mktemp("user")
    files = {"decimal_user": script("decimal"), "float_user": script("float"), "wrong_user": textwrap.dedent(WRONG)}
    lines = run_user_mypy(folder, files, user_mypy_cache)
    return lines


def revealed(lines: list[str], source: str) -> dict[str, str]:
    """expression -> revealed type, matched through the ``# R<index>`` marker of the line."""
    markers = {number: int(match.group(1)) for number, text in enumerate(source.splitlines(), 1)
               if (match := re.search(r"# R(\d+)$", text))}
    expressions = list(REVEALS)
    out = {}
    for line in lines:
        found = re.match(r".*?:(\d+): note: Revealed type is \"(.*)\"$", line)
        if found and int(found.group(1)) in markers:
            # (mypy 2 writes int where mypy 1 wrote builtins.int)
            out[expressions[markers[int(found.group(1))]]] = found.group(2).replace("builtins.", "")
    return out


@pytest.mark.timeout(320)
@pytest.mark.parametrize("mode, number", [("decimal", "decimal.Decimal"), ("float", "builtins.float")])
def test_a_users_mypy_sees_the_number_type_of_the_mode(mypy_output: dict[str, list[str]], mode: str,
                                                        number: str) -> None:
    lines = mypy_output[f"{mode}_user"]
    assert [line for line in lines if ": error:" in line] == []
    expected = {expression: shown.format(N=number).replace("builtins.", "") for expression, shown in REVEALS.items()}
    assert revealed(lines, script(mode)) == expected


@pytest.mark.timeout(320)
def test_a_users_mypy_refuses_a_number_of_the_other_mode(mypy_output: dict[str, list[str]]) -> None:
    source = textwrap.dedent(WRONG).splitlines()
    wanted = {number for number, text in enumerate(source, 1) if "# E:" in text}
    errors = {int(line.split(":")[1]) for line in mypy_output["wrong_user"] if ": error:" in line}
    assert errors == wanted, mypy_output["wrong_user"]
