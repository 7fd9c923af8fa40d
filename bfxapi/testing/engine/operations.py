"""Account operations shared by the WebSocket inputs and authenticated REST: order/offer ops, ``ox_multi``,
``calc`` and the derived figures (margin info, funding info, position P/L, balance).

``ox_multi`` (settled): one ``n`` ``ox_multi-req`` (SUCCESS) whose NOTIFY_INFO is the list of the per-op
notifications, in op order (each a full 8-field notification: ``on-req``, ``oc-req``, ``oc_multi-req`` or
``ou-req``, SUCCESS or ERROR); the per-op notifications are not sent separately. The events of all ops
(``on``, ``oc``, fills…) follow, in op order. More than 75 ops: a single ERROR ``ox_multi-req``, nothing done.
"""

from typing import Any, Dict, List, Optional

from ..model.accounts import Account, Position, split_pair
from ..model.errors import OrderError
from ..model.outbox import Outbox
from ..wire.frames import notification
from ..wire.numbers import round_amount, round_price
from .exchange import Exchange
from .trading import MARGIN_LEVERAGE

__all__ = ["REQ_TYPES", "MAX_MULTI_OPS", "run_op", "ox_multi", "calc", "base_margin", "symbol_margin",
           "funding_info", "position_pl", "balance_info"]

REQ_TYPES = {"on": "on-req", "ou": "ou-req", "oc": "oc-req", "oc_multi": "oc_multi-req", "fon": "fon-req",
             "foc": "foc-req"}
MAX_MULTI_OPS = 75


def run_op(exchange: Exchange, account: Account, op: str, body: Dict[str, Any], out: Outbox) -> Any:
    """Run one order/offer op; an invalid request becomes its ERROR notification. Returns the engine's result
    (None on error)."""
    try:
        if op == "on":
            return exchange.trading.submit(account, body, out)
        if op == "ou":
            return exchange.trading.update(account, body, out)
        if op == "oc":
            return exchange.trading.cancel(account, body, out)
        if op == "oc_multi":
            return exchange.trading.cancel_multi(account, body, out)
        if op == "fon":
            return exchange.funding.submit(account, body, out)
        if op == "foc":
            return exchange.funding.cancel(account, body, out)
    except OrderError as error:
        out.notify(account, notification(exchange.now, REQ_TYPES[op], error.info, "ERROR", error.text))
    return None


def ox_multi(exchange: Exchange, account: Account, ops: Any, out: Outbox) -> List[Any]:
    """Run up to 75 ``[OP, BODY]`` ops (see the module docstring); returns the per-op notifications."""
    now = exchange.now
    if not isinstance(ops, list) or len(ops) > MAX_MULTI_OPS:
        out.notify(account, notification(now, "ox_multi-req", None, "ERROR",
                                         f"Invalid request: ox_multi takes at most {MAX_MULTI_OPS} operations"))
        return []
    notes: List[Any] = []
    events = Outbox()
    for item in ops:
        if not (isinstance(item, list) and len(item) == 2 and item[0] in ("on", "oc", "oc_multi", "ou")
                and isinstance(item[1], dict)):
            notes.append(notification(now, "ox_multi-req", None, "ERROR", "Invalid operation"))
            continue
        sub = Outbox()
        run_op(exchange, account, item[0], item[1], sub)
        for message in sub.messages:
            if message.type == "n":
                notes.append(message.payload)
            else:
                events.messages.append(message)
    out.notify(account, notification(now, "ox_multi-req", notes, "SUCCESS", f"Submitting {len(ops)} operations."))
    out.extend(events)
    return notes


# --- derived figures ----------------------------------------------------------------------------------------
def position_pl(exchange: Exchange, pos: Position) -> List[Any]:
    """[PL, PL_PERC, PRICE_LIQ, LEVERAGE] at the last price."""
    last = exchange.price_of(pos.symbol)
    pl = round_amount((last - pos.base_price) * pos.amount)
    notional = abs(pos.amount) * pos.base_price
    lev = pos.leverage or MARGIN_LEVERAGE
    liq = pos.base_price * (1 - 1 / lev) if pos.amount > 0 else pos.base_price * (1 + 1 / lev)
    return [pl, round(pl / notional * 100, 4) if notional else 0, round_price(liq), lev]


def base_margin(exchange: Exchange, account: Account) -> List[Any]:
    """[USER_PL, USER_SWAPS, MARGIN_BALANCE, MARGIN_NET, MARGIN_MIN] in USD."""
    user_pl = sum(position_pl(exchange, p)[0] * exchange.usd_rate(split_pair(p.symbol)[1])
                  for p in account.positions.values())
    balance = sum(w.balance * exchange.usd_rate(w.currency) for w in account.wallets.values() if w.type == "margin")
    minimum = sum(abs(p.amount) * p.base_price * exchange.usd_rate(split_pair(p.symbol)[1]) * 0.05
                  for p in account.positions.values())
    return [round_amount(user_pl), 0, round_amount(balance), round_amount(balance + user_pl),
            round_amount(minimum)]


def symbol_margin(exchange: Exchange, account: Account, symbol: str) -> List[Any]:
    """[TRADABLE_BALANCE, GROSS_BALANCE, BUY, SELL] of a pair (quote currency; BUY/SELL in base units)."""
    quote = split_pair(symbol)[1]
    lev = 10 if "F0" in symbol else MARGIN_LEVERAGE
    gross = account.balance("margin", quote)
    tradable = max(0.0, (gross - exchange.trading.margin_used(account, quote)) * lev)
    price = exchange.price_of(symbol) if symbol in exchange.market.instruments else 0
    buy = round_amount(tradable / price) if price else 0
    return [round_amount(tradable), round_amount(gross), buy, -buy]


def funding_info(account: Account, symbol: str) -> List[Any]:
    """[YIELD_LOAN, YIELD_LEND, DURATION_LOAN, DURATION_LEND] of a funding currency."""
    loans = [c for c in account.loans.values() if c.symbol == symbol]
    lends = [c for c in account.credits.values() if c.symbol == symbol]

    def avg(rows: List[Any], attr: str) -> float:
        return round(sum(getattr(r, attr) for r in rows) / len(rows), 8) if rows else 0
    return [avg(loans, "rate"), avg(lends, "rate"), avg(loans, "period"), avg(lends, "period")]


def balance_info(exchange: Exchange, account: Account) -> List[Any]:
    """[AUM, AUM_NET] in USD."""
    wallets = sum(w.balance * exchange.usd_rate(w.currency) for w in account.wallets.values())
    pl = base_margin(exchange, account)[0]
    loans = sum(c.amount * exchange.usd_rate(c.symbol[1:]) for c in account.loans.values())
    return [round_amount(wallets + pl), round_amount(wallets + pl - loans)]


def calc(exchange: Exchange, account: Account, items: Any, out: Outbox) -> None:
    """Answer a ``calc`` input: ``miu`` (base/sym), ``fiu``, ``pu``, ``wu`` (BALANCE_AVAILABLE set), ``bu``.

    Requests naming nothing known (no such position, wallet or symbol) are skipped; at most 30 per batch."""
    for item in (items if isinstance(items, list) else [])[:30]:
        name: Optional[str] = item[0] if isinstance(item, list) and item else item if isinstance(item, str) \
            else None
        if name is None:
            continue
        if name == "margin_base":
            out.add(account, "miu", ["base", base_margin(exchange, account)], ("balance", None))
        elif name.startswith("margin_sym_"):
            symbol = name[len("margin_sym_"):]
            out.add(account, "miu", ["sym", symbol, symbol_margin(exchange, account, symbol)], ("balance", None))
        elif name.startswith("funding_sym_"):
            symbol = name[len("funding_sym_"):]
            out.add(account, "fiu", ["sym", symbol, funding_info(account, symbol)], ("funding", symbol))
        elif name.startswith("position_"):
            pos = account.positions.get(name[len("position_"):])
            if pos is not None:
                out.add(account, "pu", pos.row(position_pl(exchange, pos)), ("trading", pos.symbol))
        elif name.startswith("wallet_"):
            parts = name.split("_", 2)
            wallet = account.wallets.get((parts[1], parts[2])) if len(parts) == 3 else None
            if wallet is not None:
                available = exchange.trading.available(account, wallet.type, wallet.currency)
                out.add(account, "wu", wallet.row(available), ("wallet", f"{wallet.type}-{wallet.currency}"))
        elif name == "balance":
            out.add(account, "bu", balance_info(exchange, account), ("balance", None))
