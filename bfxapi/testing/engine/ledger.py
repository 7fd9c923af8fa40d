"""The core every engine shares: the registry of accounts and API keys, id counters, wallet bookkeeping (each
change recorded as a ledger entry) and valuation from the market's mids. Account events are stamped with the
market clock."""

from typing import Any, Dict, List, Mapping, Optional

from ..model.accounts import DEFAULT_CAPS, Account, LedgerEntry, Wallet, make_credentials, split_pair
from ..model.ids import ACCOUNT_ID_STARTS, IdCounters
from ..model.market import Market
from ..wire.numbers import round_amount, round_price

__all__ = ["Ledger"]


class Ledger:
    """The registry of accounts and what every engine shares: ids, wallet bookkeeping, valuation, the clock."""

    def __init__(self, market: Market, seed: Any) -> None:
        self.market = market
        self.seed = seed
        self.accounts: List[Account] = []
        self.by_key: Dict[str, Account] = {}
        self.ids = IdCounters(ACCOUNT_ID_STARTS)

    @property
    def now(self) -> int:
        """Account events are stamped with the market clock (ms), so a seed reproduces them."""
        return self.market.now_ms

    # --- accounts ---------------------------------------------------------------------------------------------
    def add_account(self, *, api_key: Optional[str] = None, api_secret: Optional[str] = None,
                    user_id: Optional[int] = None, email: Optional[str] = None, username: Optional[str] = None,
                    wallets: Optional[Mapping[str, Mapping[str, float]]] = None,
                    caps: Optional[Mapping[str, Mapping[str, int]]] = None, maker_fee: float = 0.001,
                    taker_fee: float = 0.002) -> Account:
        index = len(self.accounts)
        key, secret = make_credentials(self.seed, index)
        api_key = api_key or key
        if api_key in self.by_key:
            raise ValueError(f"API key {api_key!r} already exists")
        uid = user_id if user_id is not None else self.ids.next("user")
        merged = {k: dict(v) for k, v in DEFAULT_CAPS.items()}
        for name, perms in (caps or {}).items():
            merged.setdefault(name, {}).update(perms)
        account = Account(uid, api_key, api_secret or secret, email=email or f"user{uid}@example.com",
                          username=username or f"user{uid}", caps=merged, maker_fee=maker_fee,
                          taker_fee=taker_fee, created_mts=self.now - 400 * 86_400_000)
        for type, balances in (wallets or {}).items():
            for currency, amount in balances.items():
                account.fund(type, currency, amount)
        self.accounts.append(account)
        self.by_key[account.api_key] = account
        return account

    def account(self, ref: Any) -> Account:
        """An account by API key, user id, or the object itself."""
        if isinstance(ref, Account):
            return ref
        for account in self.accounts:
            if ref in (account.api_key, account.user_id):
                return account
        raise KeyError(f"no account {ref!r}")

    # --- valuation --------------------------------------------------------------------------------------------
    def rate(self, currency: str, quote: str) -> float:
        """Units of ``quote`` per unit of ``currency`` from the market mids (1 for USD-like pairs)."""
        return self.usd_rate(currency) / self.usd_rate(quote)

    def usd_rate(self, currency: str) -> float:
        plain = currency.replace("F0", "")
        if plain in ("USD", "UST", "TESTUSD", "USDT"):
            return 1.0
        market = self.market
        for symbol in (f"t{plain}USD", f"t{plain}:USD", f"t{plain}UST", f"t{plain}:TESTUSD"):
            inst = market.instruments.get(symbol)
            if inst is not None:
                return inst.mid
        for symbol, inst in market.instruments.items():
            if not inst.funding:
                base, quote = split_pair(symbol)
                if base == plain and quote != plain:
                    return inst.mid * self.usd_rate(quote)
        return 1.0

    def price_of(self, symbol: str) -> float:
        inst = self.market.instruments[symbol]
        return round_price(inst.last_price)

    # --- bookkeeping ------------------------------------------------------------------------------------------
    def change_wallet(self, account: Account, type: str, currency: str, delta: float, description: str,
                      meta: Optional[Dict[str, Any]] = None) -> Wallet:
        """Apply ``delta`` to a wallet, record a ledger entry and remember the description/meta (as ``wu``)."""
        wallet = account.wallet(type, currency)
        wallet.balance = round_amount(wallet.balance + delta)
        wallet.description = description
        wallet.meta = meta
        account.ledgers.append(LedgerEntry(self.ids.next("ledger"), currency, type, self.now, round_amount(delta),
                                           wallet.balance, f"{description} on wallet {type}"))
        return wallet
