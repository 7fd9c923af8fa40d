"""Account state: wallets, orders, positions, funding offers/credits/loans, trades, ledgers, settings.

Every record builds its own wire row (protocol.md §8) from its fields; nothing here knows about frames,
sessions or REST. The engines (``trading``, ``funding``) mutate this state and the front ends publish it.
"""

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..wire.numbers import round_amount

__all__ = [
    "Account", "Wallet", "Order", "Position", "FundingOffer", "FundingContract", "OwnTrade", "OwnFundingTrade",
    "LedgerEntry", "DEFAULT_CAPS", "WALLET_TYPES", "split_pair",
]

WALLET_TYPES = ("exchange", "margin", "funding")

#: The permissions (``caps``) of a full-access key, as sent in the auth event.
DEFAULT_CAPS: Dict[str, Dict[str, int]] = {
    "orders": {"read": 1, "write": 1}, "account": {"read": 1, "write": 0}, "funding": {"read": 1, "write": 1},
    "history": {"read": 1, "write": 0}, "wallets": {"read": 1, "write": 1}, "withdraw": {"read": 1, "write": 1},
    "positions": {"read": 1, "write": 1}, "ui_withdraw": {"read": 0, "write": 0},
    "bfxpay": {"read": 1, "write": 1},
}


def split_pair(symbol: str) -> Tuple[str, str]:
    """``tBTCUSD`` -> (BTC, USD); ``tBTCF0:USTF0`` -> (BTCF0, USTF0)."""
    pair = symbol[1:] if symbol[:1] in ("t", "f") else symbol
    if ":" in pair:
        base, quote = pair.split(":", 1)
        return base, quote
    return pair[:3], pair[3:]


@dataclass
class Wallet:
    """One wallet (``exchange``, ``margin`` or ``funding``) of one currency."""

    type: str
    currency: str
    balance: float = 0.0
    unsettled_interest: float = 0.0
    description: Optional[str] = None
    meta: Optional[Dict[str, Any]] = None

    def row(self, available: Optional[float] = None) -> List[Any]:
        """``[WALLET_TYPE, CURRENCY, BALANCE, UNSETTLED_INTEREST, BALANCE_AVAILABLE, DESCRIPTION, META]``."""
        return [self.type, self.currency, self.balance, self.unsettled_interest, available, self.description,
                self.meta]


@dataclass
class Order:
    """One order; ``amount`` is the remaining signed amount, ``status`` the §4.6 status string."""

    id: int
    symbol: str
    type: str
    amount: float
    amount_orig: float
    price: float
    mts_create: int
    mts_update: int
    gid: Optional[int] = None
    cid: Optional[int] = None
    flags: int = 0
    status: str = "ACTIVE"
    type_prev: Optional[str] = None
    mts_tif: Optional[int] = None
    price_avg: float = 0.0
    price_trailing: float = 0.0
    price_aux_limit: float = 0.0
    placed_id: Optional[int] = None
    routing: str = "API>BFX"
    meta: Optional[Dict[str, Any]] = None
    lev: Optional[int] = None
    #: fills as (price, signed amount), oldest first
    fills: List[Tuple[float, float]] = field(default_factory=list)
    #: trailing stops: the best market price seen since placement
    peak: Optional[float] = None

    @property
    def exchange(self) -> bool:
        return self.type.startswith("EXCHANGE")

    @property
    def base_type(self) -> str:
        """The type without its ``EXCHANGE`` prefix (``LIMIT``, ``STOP LIMIT``, …)."""
        return self.type[len("EXCHANGE "):] if self.exchange else self.type

    @property
    def hidden(self) -> bool:
        return bool(self.flags & 64)

    @property
    def filled(self) -> float:
        return round_amount(self.amount_orig - self.amount)

    def row(self) -> List[Any]:
        """The 32-field ORDER array (protocol.md §8.5)."""
        return [self.id, self.gid, self.cid, self.symbol, self.mts_create, self.mts_update, self.amount,
                self.amount_orig, self.type, self.type_prev, self.mts_tif, None, self.flags, self.status, None, None,
                self.price, self.price_avg, self.price_trailing, self.price_aux_limit, None, None, None, 0,
                1 if self.hidden else 0, self.placed_id, None, None, self.routing, None, None, self.meta]


@dataclass
class Position:
    """One margin or derivatives position (``type`` 0 margin, 1 derivatives)."""

    id: int
    symbol: str
    amount: float
    base_price: float
    mts_create: int
    mts_update: int
    status: str = "ACTIVE"
    margin_funding: float = 0.0
    margin_funding_type: int = 0
    type: int = 0
    leverage: Optional[float] = None
    collateral: float = 0.0
    collateral_min: float = 0.0
    meta: Optional[Dict[str, Any]] = None

    def row(self, pl: Optional[List[Any]] = None) -> List[Any]:
        """The 20-field POSITION array (§8.6); ``pl`` = [PL, PL_PERC, PRICE_LIQ, LEVERAGE] when computed."""
        pl_part = pl if pl is not None else [None, None, None, None]
        return [self.symbol, self.status, self.amount, self.base_price, self.margin_funding,
                self.margin_funding_type, *pl_part, None, self.id, self.mts_create, self.mts_update, None,
                self.type, None, self.collateral, self.collateral_min, self.meta]

    def history_row(self) -> List[Any]:
        """positions/hist and positions/snap rows: the first 14 fields."""
        return self.row()[:14]


@dataclass
class FundingOffer:
    """One funding offer (amount > 0 lends, < 0 borrows); ``rate`` is daily."""

    id: int
    symbol: str
    type: str
    amount: float
    amount_orig: float
    rate: float
    period: int
    mts_create: int
    mts_update: int
    flags: int = 0
    status: str = "ACTIVE"
    renew: int = 0

    def row(self) -> List[Any]:
        """The 21-field FUNDING_OFFER array (§8.8)."""
        return [self.id, self.symbol, self.mts_create, self.mts_update, self.amount, self.amount_orig, self.type,
                None, None, self.flags, self.status, None, None, None, self.rate, self.period, 0,
                1 if self.flags & 64 else 0, None, self.renew, None]


@dataclass
class FundingContract:
    """A funding credit (``kind="credit"``, 22 fields) or loan (``kind="loan"``, 21 fields)."""

    kind: str
    id: int
    symbol: str
    side: int
    amount: float
    rate: float
    period: int
    mts_create: int
    mts_update: int
    status: str = "ACTIVE"
    rate_type: str = "FIXED"
    flags: int = 0
    renew: int = 0
    no_close: int = 0
    position_pair: Optional[str] = None
    offer_id: Optional[int] = None

    def row(self) -> List[Any]:
        """FUNDING_CREDIT (22) or FUNDING_LOAN (21)."""
        row = [self.id, self.symbol, self.side, self.mts_create, self.mts_update, self.amount, self.flags,
               self.status, self.rate_type, None, None, self.rate, self.period, self.mts_create, None, 0, 0, None,
               self.renew, None, self.no_close]
        if self.kind == "credit":
            row.append(self.position_pair)
        return row


@dataclass
class OwnTrade:
    """An execution of one of the account's orders."""

    id: int
    symbol: str
    mts: int
    order_id: int
    amount: float
    price: float
    order_type: str
    order_price: float
    maker: bool
    fee: float
    fee_currency: str
    cid: Optional[int]

    def row(self, with_fee: bool = True, history: bool = False) -> List[Any]:
        """The 12-field trade array; ``te`` has FEE and FEE_CURRENCY null; history shows MAKER as 0/1."""
        maker: int = (1 if self.maker else 0) if history else (1 if self.maker else -1)
        return [self.id, self.symbol, self.mts, self.order_id, self.amount, self.price, self.order_type,
                self.order_price, maker, self.fee if with_fee else None,
                self.fee_currency if with_fee else None, self.cid]


@dataclass
class OwnFundingTrade:
    id: int
    currency: str
    mts: int
    offer_id: int
    amount: float
    rate: float
    period: int
    maker: Optional[int] = 1

    def row(self, maker: bool = True) -> List[Any]:
        """``[ID, CURRENCY, MTS_CREATE, OFFER_ID, AMOUNT, RATE, PERIOD, MAKER]`` (MAKER null in ``fte``)."""
        return [self.id, self.currency, self.mts, self.offer_id, self.amount, self.rate, self.period,
                self.maker if maker else None]


@dataclass
class LedgerEntry:
    id: int
    currency: str
    wallet: str
    mts: int
    amount: float
    balance: float
    description: str
    category: int = 0

    def row(self) -> List[Any]:
        """``[ID, CURRENCY, WALLET, MTS, _PH, AMOUNT, BALANCE, _PH, DESCRIPTION]``."""
        return [self.id, self.currency, self.wallet, self.mts, None, self.amount, self.balance, None,
                self.description]


class Account:
    """A simulated Bitfinex account and its API key.

    Public attributes a test reads or sets: ``user_id``, ``api_key``, ``api_secret``, ``email``, ``username``,
    ``caps``, ``maker_fee``/``taker_fee`` (fractions), ``wallets`` ((type, currency) -> :class:`Wallet`),
    ``orders`` (active, id -> :class:`Order`), ``order_history`` (closed orders), ``positions`` (active, symbol
    -> :class:`Position`), ``position_history``, ``offers``/``offer_history``, ``credits``/``loans`` (active,
    id -> :class:`FundingContract`) and their ``*_history``, ``trades``, ``funding_trades``, ``notifications``
    (every one issued, delivered or not), ``ledgers``,
    ``movements``, ``alerts``, ``settings``, ``last_nonce`` (shared by REST and WS), ``sessions`` (live
    authenticated connections).
    """

    def __init__(self, user_id: int, api_key: str, api_secret: str, *, email: str, username: str,
                 caps: Mapping[str, Mapping[str, int]], maker_fee: float, taker_fee: float,
                 created_mts: int) -> None:
        self.user_id = user_id
        self.api_key = api_key
        self.api_secret = api_secret
        self.email = email
        self.username = username
        self.caps: Dict[str, Dict[str, int]] = {k: dict(v) for k, v in caps.items()}
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self.created_mts = created_mts
        self.wallets: Dict[Tuple[str, str], Wallet] = {}
        self.orders: Dict[int, Order] = {}
        self.order_history: List[Order] = []
        self.positions: Dict[str, Position] = {}
        self.position_history: List[Position] = []
        self.offers: Dict[int, FundingOffer] = {}
        self.offer_history: List[FundingOffer] = []
        self.credits: Dict[int, FundingContract] = {}
        self.credit_history: List[FundingContract] = []
        self.loans: Dict[int, FundingContract] = {}
        self.loan_history: List[FundingContract] = []
        self.trades: List[OwnTrade] = []
        #: every notification the server issued for the account (``[MTS, TYPE, MESSAGE_ID, null, NOTIFY_INFO,
        #: CODE, STATUS, TEXT]``), in order, whether or not a connection was there to carry it: what the server did
        self.notifications: List[List[Any]] = []
        self.funding_trades: List[OwnFundingTrade] = []
        self.ledgers: List[LedgerEntry] = []
        self.movements: List[List[Any]] = []
        self.alerts: Dict[str, List[Any]] = {}
        self.settings: Dict[str, Any] = {}
        self.auto_renew: Dict[str, List[Any]] = {}
        self.logins: List[List[Any]] = []
        self.last_nonce = 0
        self.sessions: List[Any] = []
        self.deposit_addresses: Dict[Tuple[str, str], str] = {}
        #: the Bitfinex Pay store (:class:`~bfxapi.testing.server.rest.merchant.MerchantStore`), created on first use
        self.merchant: Any = None
        #: Lightning Network deposit invoices (``auth/w/deposit/invoice``), as ``auth/r/ext/invoice/payments`` lists
        #: them
        self.lnx_invoices: List[Dict[str, Any]] = []
        #: the store of the other ``ext`` endpoints (:class:`~bfxapi.testing.server.rest.ext.ExtStore`), created on
        #: first use
        self.ext: Any = None

    def __repr__(self) -> str:
        return f"<Account {self.user_id} key={self.api_key[:8]}… orders={len(self.orders)}>"

    # --- test helpers ---------------------------------------------------------------------------------------
    def wallet(self, type: str, currency: str) -> Wallet:
        """The wallet, created empty on first use."""
        if type not in WALLET_TYPES:
            raise ValueError(f"wallet type must be one of {WALLET_TYPES}")
        key = (type, currency)
        if key not in self.wallets:
            self.wallets[key] = Wallet(type, currency)
        return self.wallets[key]

    def fund(self, type: str, currency: str, amount: float) -> Wallet:
        """Set a wallet's balance to ``amount`` (test setup; no frames, no ledger entry)."""
        wallet = self.wallet(type, currency)
        wallet.balance = round_amount(float(amount))
        return wallet

    def balance(self, type: str, currency: str) -> float:
        """A wallet's balance (0 if the wallet does not exist)."""
        wallet = self.wallets.get((type, currency))
        return wallet.balance if wallet is not None else 0.0

    def order(self, order_id: int) -> Optional[Order]:
        """An order by id, active or closed."""
        if order_id in self.orders:
            return self.orders[order_id]
        for order in self.order_history:
            if order.id == order_id:
                return order
        return None

    def all_orders(self) -> List[Order]:
        """Active then closed orders."""
        return list(self.orders.values()) + list(self.order_history)


def make_credentials(seed: Any, index: int) -> Tuple[str, str]:
    """A deterministic (api_key, api_secret) pair for the ``index``-th account of a seed."""
    rng = random.Random(f"{seed}:account:{index}")
    key = hashlib.sha256(f"key:{rng.getrandbits(128)}".encode()).hexdigest()[:43]
    secret = hashlib.sha256(f"secret:{rng.getrandbits(128)}".encode()).hexdigest()[:43]
    return key, secret
