"""Testing a bot offline: a toy bot, and pytest-style tests that run it against ``bfxapi.testing.Simulator``.

The simulator is a local Bitfinex: the bot talks to it through the real client (REST and WebSocket), and
the test drives the market (``sim.fill_order``) and reads the simulator's own view of the account. With
``auto_market=False`` the market only moves when the test says so, so every run is the same.

Run the tests with pytest (``pytest examples/testing/simulator_in_your_tests.py``, with pytest-asyncio's
``asyncio_mode=auto``), or as a script: ``python examples/testing/simulator_in_your_tests.py``.
"""

import asyncio

from bfxapi import Client
from bfxapi.testing import Simulator
from bfxapi.types import Trade


class DipBuyer:
    """A toy bot: keeps one exchange bid ``discount`` below the best bid, and counts what it bought."""

    def __init__(self, bfx: Client, symbol: str = "tBTCUSD", amount: str = "0.01", discount: float = 0.01) -> None:
        self.bfx, self.symbol, self.amount, self.discount = bfx, symbol, amount, discount
        self.order_id: int | None = None
        self.bought = 0.0
        self.filled = asyncio.Event()
        bfx.wss.on("trade_execution", callback=self.on_trade)

    async def place(self) -> None:
        ticker = await self.bfx.rest.public.get_t_ticker(self.symbol)
        price = round(ticker.bid * (1 - self.discount))
        notification = await self.bfx.wss.inputs.submit_order("EXCHANGE LIMIT", self.symbol, self.amount, price)
        if notification.status != "SUCCESS":
            raise RuntimeError(f"order refused: {notification.text}")
        self.order_id = notification.data.id

    def on_trade(self, trade: Trade) -> None:
        if trade.order_id == self.order_id:
            self.bought += trade.exec_amount
            self.filled.set()


async def test_the_bot_bids_below_the_market_and_counts_its_fills() -> None:
    async with Simulator(seed=7, auto_market=False) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        async with Client(account.api_key, account.api_secret,
                          rest_host=sim.rest_host, wss_host=sim.wss_host) as bfx:
            await bfx.wss.connect()
            bot = DipBuyer(bfx)
            await bot.place()

            assert bot.order_id is not None
            order = account.orders[bot.order_id]  # the simulator's own view of the account
            best_bid = (await bfx.rest.public.get_t_ticker("tBTCUSD")).bid
            assert order.amount == 0.01 and order.price < best_bid

            await sim.fill_order(account, bot.order_id, amount=0.004)  # a seller takes 0.004 of it
            await asyncio.wait_for(bot.filled.wait(), timeout=5)
            assert abs(bot.bought - 0.004) < 1e-9
            assert account.balance("exchange", "BTC") > 0


async def test_the_bot_reports_a_refused_order() -> None:
    async with Simulator(seed=7, auto_market=False) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10}})  # far too little for 0.01 BTC
        async with Client(account.api_key, account.api_secret,
                          rest_host=sim.rest_host, wss_host=sim.wss_host) as bfx:
            await bfx.wss.connect()
            try:
                await DipBuyer(bfx).place()
            except RuntimeError as error:
                assert "not enough" in str(error), error
            else:
                raise AssertionError("the order should have been refused")
            assert not account.orders


if __name__ == "__main__":
    for test in (test_the_bot_bids_below_the_market_and_counts_its_fills, test_the_bot_reports_a_refused_order):
        asyncio.run(test())
        print(f"{test.__name__}: passed")
