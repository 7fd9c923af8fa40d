"""``bfxapi.sync`` as a user's ``mypy --strict`` sees it: the blocking methods return the async ones' types (no
coroutine), in both number modes; ``conf`` and the histories are typed; a misuse (an ``await`` on a blocking result, a
misspelt method, a wrong ``Literal``) is an error on its line.

The user's code is two small scripts in a temporary folder, checked by ONE mypy run (a run costs 5-8 s of CI time);
its output is split by file. ``reveal_type`` lines are matched with what they must reveal through their ``# R``
marker, the expected errors through their ``# E:`` marker.
"""

import re
import textwrap
from pathlib import Path

import pytest

from mypy_support import run_user_mypy

# expression -> what mypy must reveal (``builtins.`` dropped: mypy 2 leaves it out)
REVEALS = {
    "bfx": "bfxapi.sync._client.Client[float]",
    "ticker": "bfxapi.types.dataclasses.TradingPairTicker[float]",
    "ticker.last_price": "float",
    "exact_ticker": "bfxapi.types.dataclasses.TradingPairTicker[decimal.Decimal]",
    "exact_ticker.bid": "decimal.Decimal",
    "wallets": "list[bfxapi.types.dataclasses.Wallet[float]]",
    "pairs": "list[str]",
    "symbols": "list[list[str]]",
    "candles": "typing.Iterator[bfxapi.types.dataclasses.Candle[float]]",
    "candle.close": "float",
    "exact_trade.price": "decimal.Decimal",
    "recurring": "bfxapi.types.dataclasses.RecurringAlgoOrder[float]",
    "thalex": "bfxapi.types.dataclasses.ThalexTransfer",
}

RIGHT = '''
from decimal import Decimal

from bfxapi.sync import Client
from bfxapi.types import TradingPairTicker


def main() -> None:
    bfx = Client()
    exact = Client(decimal=True)
    ticker = bfx.rest.public.get_t_ticker("tBTCUSD")
    exact_ticker = exact.rest.public.get_t_ticker("tBTCUSD")
    wallets = bfx.rest.auth.get_wallets()
    pairs = bfx.rest.public.conf("pub:list:pair:exchange")
    symbols = bfx.rest.public.conf("pub:map:currency:sym")
    anything = bfx.rest.public.conf("pub:info:pair")
    setting = bfx.rest.merchant.get_merchant_settings("bfx_pay_preferred_fiat")
    candles = bfx.rest.history.candles("trade:1m:tBTCUSD", sort=1)
    for candle in candles:
        reveal_type(candle.close)  # Rcandle.close
    for exact_trade in exact.rest.history.trades("tBTCUSD"):
        reveal_type(exact_trade.price)  # Rexact_trade.price
    recurring = bfx.rest.auth.submit_recurring_algo_order("tBTCUSD", "buy", "0.01", "BTC", "weekly")
    thalex = bfx.rest.auth.submit_thalex_deposit("0.1", "BTC", {"type": "u2f"})
{REVEALS}
    reveal_type(anything)  # JSON
    reveal_type(setting)  # JSON
    price: float = ticker.last_price
    bid: Decimal = exact_ticker.bid
    typed: TradingPairTicker[float] = ticker
    print(price, bid, typed, pairs[0].upper(), symbols[0][1].lower())
'''

WRONG = '''
from decimal import Decimal

from bfxapi.sync import Client


async def main() -> None:
    bfx = Client()
    ticker = await bfx.rest.public.get_t_ticker("tBTCUSD")  # E: a blocking result is no awaitable
    other = bfx.rest.public.get_t_tickr("tBTCUSD")  # E: misspelt
    pairs: list[int] = bfx.rest.public.conf("pub:list:pair:exchange")  # E: names are str
    async for candle in bfx.rest.history.candles("trade:1m:tBTCUSD"):  # E: a plain iterator
        print(candle)
    for trade in bfx.rest.history.trades("tBTCUSD"):
        price: Decimal = trade.price  # E: a float client's price is a float
    bfx.rest.auth.submit_recurring_algo_order("tBTCUSD", "hold", 1, "BTC", "daily")  # E: buy or sell
    print(ticker, other, pairs, price)
'''


def right_script() -> str:
    reveals = "\n".join(f"    reveal_type({expression})  # R{expression}" for expression in REVEALS
                        if expression not in ("candle.close", "exact_trade.price"))
    return textwrap.dedent(RIGHT).replace("{REVEALS}", reveals)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory, user_mypy_cache: Path) -> dict[str, list[str]]:
    """mypy --strict on both scripts, in one run: its lines per script."""
    folder = tmp_path_factory.mktemp("sync_user")
    files = {"sync_user": right_script(), "sync_wrong": textwrap.dedent(WRONG)}
    lines = run_user_mypy(folder, files, user_mypy_cache)
    return lines


def _revealed(lines: list[str], source: str) -> dict[str, str]:
    """marker -> revealed type, matched through the ``# R<expression>`` or ``# JSON`` marker of the line."""
    markers = {number: match.group(1) for number, text in enumerate(source.splitlines(), 1)
               if (match := re.search(r"# (R\S+|JSON)$", text))}
    out: dict[str, str] = {}
    for line in lines:
        found = re.match(r".*?:(\d+): note: Revealed type is \"(.*)\"$", line)
        if found and int(found.group(1)) in markers:
            marker = markers[int(found.group(1))]
            key = marker[1:] if marker.startswith("R") else f"{marker}:{found.group(1)}"
            out[key] = found.group(2).replace("builtins.", "")
    return out


@pytest.mark.timeout(320)
def test_a_users_mypy_sees_the_async_types_without_coroutines(mypy_output: dict[str, list[str]]) -> None:
    lines = mypy_output["sync_user"]
    assert [line for line in lines if ": error:" in line] == []
    shown = _revealed(lines, right_script())
    assert {key: value for key, value in shown.items() if not key.startswith("JSON")} == REVEALS
    json_values = [value for key, value in shown.items() if key.startswith("JSON")]
    assert len(json_values) == 2
    for value in json_values:  # conf of an undescribed key, a merchant setting: a JSON value, never Any
        assert "Any" not in value and "None" in value and "decimal.Decimal" in value, value
    assert not any("Coroutine" in line or "Awaitable" in line for line in lines)


@pytest.mark.timeout(320)
def test_a_users_mypy_refuses_the_misuses(mypy_output: dict[str, list[str]]) -> None:
    source = textwrap.dedent(WRONG).splitlines()
    wanted = {number for number, text in enumerate(source, 1) if "# E:" in text}
    lines = mypy_output["sync_wrong"]
    errors = {int(line.split(":")[1]) for line in lines if ": error:" in line}
    assert errors == wanted, lines
    awaited = next(number for number, text in enumerate(source, 1) if "await bfx" in text)
    assert any(f":{awaited}: error:" in line and "await" in line for line in lines), lines
    misspelt = next(number for number, text in enumerate(source, 1) if "get_t_tickr" in text)
    assert any(f":{misspelt}: error:" in line and "get_t_tickr" in line for line in lines), lines
