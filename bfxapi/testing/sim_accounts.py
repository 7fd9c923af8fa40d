"""Account methods of :class:`~bfxapi.testing.Simulator`: creating accounts and driving them from a test."""

import asyncio
from typing import Any, Dict, List, Mapping, Optional

from .engine.exchange import Exchange
from .model.accounts import Account, FundingContract, Order, Position
from .model.market import Market, StepResult
from .model.outbox import Outbox
from .server.context import ServerContext
from .server.delivery import deliver
from .server.rest.account import register_account_routes
from .server.rest.extra import register_extra_routes
from .server.rest.app import RestFrontEnd
from .server.rest.auth import AuthRest
from .server.rest.funding import register_funding_routes
from .server.rest.merchant import merchant_store, register_merchant_routes
from .server.rest.record import RestRecord
from .server.rest.trading import register_trading_routes
from .server.ws import WebSocketFrontEnd
from .server.ws_auth import AccountWebSocket

__all__ = ["AccountsMixin", "DEMO_WALLETS"]

#: the order flag that closes a position (protocol.md, order flags)
_CLOSE = 512

#: The demo account's starting balances.
DEMO_WALLETS: Dict[str, Dict[str, float]] = {
    "exchange": {"USD": 100_000.0, "BTC": 2.0, "ETH": 20.0, "TESTUSD": 100_000.0, "TESTBTC": 2.0},
    "margin": {"USD": 50_000.0, "USTF0": 10_000.0},
    "funding": {"USD": 50_000.0, "BTC": 1.0},
}


class AccountsMixin:
    """Accounts, authenticated WebSocket/REST and the observability of both (mixed into the Simulator)."""

    exchange: Exchange
    rest_log: List[RestRecord]
    demo_account: Optional[Account]
    seed: Any
    market: Market
    market_lock: asyncio.Lock
    ws: WebSocketFrontEnd
    rest: RestFrontEnd

    def _init_accounts(self, demo_account: bool) -> None:
        sim: ServerContext = self  # type: ignore[assignment]
        self.exchange = Exchange(self.market, self.seed)
        #: every REST request received (public and authenticated), in arrival order
        self.rest_log = []
        self._account_ws = AccountWebSocket(sim, self.ws)
        api = AuthRest(sim, self.rest)
        register_account_routes(api)
        register_trading_routes(api)
        register_funding_routes(api)
        register_merchant_routes(api)
        register_extra_routes(api)
        self.demo_account = self.add_account(wallets=DEMO_WALLETS) if demo_account else None

    @property
    def _context(self) -> ServerContext:
        return self  # type: ignore[return-value]

    def add_account(self, *, api_key: Optional[str] = None, api_secret: Optional[str] = None,
                    user_id: Optional[int] = None, email: Optional[str] = None, username: Optional[str] = None,
                    wallets: Optional[Mapping[str, Mapping[str, float]]] = None,
                    caps: Optional[Mapping[str, Mapping[str, int]]] = None, maker_fee: float = 0.001,
                    taker_fee: float = 0.002) -> Account:
        """Create an account with its API key/secret (deterministic for the seed unless given).

        ``wallets`` maps a wallet type (``exchange``, ``margin``, ``funding``) to ``{currency: balance}``;
        ``caps`` overrides permissions (e.g. ``{"orders": {"write": 0}}``); fees are fractions (0.1 % / 0.2 %)."""
        return self.exchange.add_account(api_key=api_key, api_secret=api_secret, user_id=user_id, email=email,
                                         username=username, wallets=wallets, caps=caps, maker_fee=maker_fee,
                                         taker_fee=taker_fee)

    @property
    def accounts(self) -> List[Account]:
        """Every account, in creation order (the demo account first when enabled)."""
        return list(self.exchange.accounts)

    def account(self, ref: Any) -> Account:
        """An account by API key, user id, or the object itself."""
        return self.exchange.account(ref)

    def _account_step(self, result: StepResult) -> Outbox:
        out = Outbox()
        self.exchange.trading.on_step(result, out)
        self.exchange.funding.on_step(result, out)
        return out

    async def fill_order(self, account: Any, order_id: int, amount: Optional[float] = None,
                         price: Optional[float] = None) -> Order:
        """Let a counterparty take ``amount`` (default: everything left) of a resting order at ``price``
        (default: the order's price), as the maker side; the frames go to the account's sessions."""
        owner = self.account(account)
        async with self.market_lock:
            order = owner.orders.get(order_id)
            if order is None:
                raise KeyError(f"no active order {order_id}")
            out = Outbox()
            self.exchange.trading.fill_resting(owner, order, amount, price, out)
            await deliver(self._context, out)
            return order

    async def take_offer(self, account: Any, offer_id: int, rate: Optional[float] = None) -> FundingContract:
        """Let the market take a funding offer in full now (at ``rate``, default the offer's rate)."""
        owner = self.account(account)
        async with self.market_lock:
            offer = owner.offers.get(offer_id)
            if offer is None:
                raise KeyError(f"no active offer {offer_id}")
            out = Outbox()
            contract = self.exchange.funding.take(owner, offer, offer.rate if rate is None else rate, out)
            await deliver(self._context, out)
            return contract

    async def close_position(self, account: Any, symbol: str) -> Position:
        """Close the account's position on ``symbol`` at the market now, as a trader on the website would: a
        ``MARKET`` order of the opposite amount with the ``CLOSE`` flag, whose fills (``te``/``tu``), position
        close (``pc``) and wallet updates go to the account's sessions. Returns the closed position."""
        owner = self.account(account)
        async with self.market_lock:
            position = owner.positions.get(symbol)
            if position is None:
                raise KeyError(f"no open position on {symbol}")
            out = Outbox()
            body = {"type": "MARKET", "symbol": symbol, "amount": f"{-position.amount:.8f}", "flags": _CLOSE}
            self.exchange.trading.submit(owner, body, out)
            await deliver(self._context, out)
            return position

    def add_unlinked_deposit(self, account: Any, currency: str, amount: float) -> Dict[str, Any]:
        """Record a Bitfinex Pay deposit that matches no invoice (``deposits/unlinked``)."""
        return merchant_store(self.account(account)).add_unlinked(self.exchange.now, currency, amount)

    def rest_requests_to(self, path_suffix: str) -> List[RestRecord]:
        """The recorded REST requests whose path ends with ``path_suffix``."""
        return [r for r in self.rest_log if r.path.endswith(path_suffix)]
