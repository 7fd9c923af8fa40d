"""The funding engine: offers (``fon``/``foc``), a deterministic taker, credits and loans, funding trades.

The taker, settled for the simulator: at each market step an active offer is taken in full when its rate
is at or below the currency's current FRR (lending offers, amount > 0) or at or above it (borrowing bids,
amount < 0). ``FRRDELTAVAR``/``FRRDELTAFIX`` offers carry a delta over FRR in RATE, so ``delta <= 0`` is
taken. Frames on a take: ``fte`` (MAKER null) → ``ftu`` → ``foc`` (``EXECUTED at RATE(AMOUNT)``) →
``fcn`` (a lending offer becomes a funding credit, SIDE 1) or ``fln`` (a bid becomes a loan, SIDE -1) →
``wu`` of the funding wallet (borrowed funds are credited to it).
"""

from typing import TYPE_CHECKING, Any, Dict, List

from ..model.accounts import Account, FundingContract, FundingOffer, OwnFundingTrade
from ..model.errors import OrderError
from ..model.market import StepResult
from ..model.outbox import Outbox
from ..wire.encoding import js_number
from ..wire.frames import notification
from ..wire.numbers import as_int as _int
from ..wire.numbers import as_number as _num
from ..wire.numbers import round_amount

if TYPE_CHECKING:
    from .ledger import Ledger
    from .trading import TradingEngine

__all__ = ["FundingEngine", "OFFER_TYPES", "MIN_OFFER_USD"]

OFFER_TYPES = ("LIMIT", "FRRDELTAVAR", "FRRDELTAFIX")
#: Bitfinex's minimum funding offer: 150 USD or its equivalent
MIN_OFFER_USD = 150.0


def offer_info(body: Dict[str, Any], offer_id: Any = None) -> List[Any]:
    """A FUNDING_OFFER array with nulls except what the request made known."""
    row: List[Any] = [None] * 21
    row[0] = _int(offer_id)
    row[1] = body.get("symbol") if isinstance(body.get("symbol"), str) else None
    row[4] = row[5] = _num(body.get("amount"))
    row[6] = body.get("type") if isinstance(body.get("type"), str) else None
    row[9] = _int(body.get("flags"))
    row[14] = _num(body.get("rate"))
    row[15] = _int(body.get("period"))
    return row


class FundingEngine:
    """Funding offers of every account, taken against ``sim.market``'s funding rates."""

    def __init__(self, exchange: "Ledger", trading: "TradingEngine") -> None:
        self.exchange = exchange
        self.trading = trading

    def submit(self, account: Account, body: Dict[str, Any], out: Outbox) -> FundingOffer:
        """Validate and place a funding offer; ``n`` ``fon-req`` then ``fon``. Raises OrderError."""
        info = offer_info(body)
        if not account.caps.get("funding", {}).get("write"):
            raise OrderError("Invalid offer: API key lacks the funding write permission", info, 10100)
        symbol = body.get("symbol")
        inst = self.exchange.market.instruments.get(symbol) if isinstance(symbol, str) else None
        if inst is None or not inst.funding:
            raise OrderError(f"Invalid offer: unknown symbol {symbol}", info)
        assert isinstance(symbol, str)
        type = body.get("type")
        if type not in OFFER_TYPES:
            raise OrderError(f"Invalid offer: unknown type {type}", info)
        amount, rate, period = _num(body.get("amount")), _num(body.get("rate")), _int(body.get("period"))
        if amount is None or amount == 0:
            raise OrderError("Invalid offer: amount invalid", info)
        amount = round_amount(amount)
        if rate is None or (type == "LIMIT" and rate <= 0):
            raise OrderError("Invalid offer: rate invalid", info)
        if period is None or not 2 <= period <= 120:
            raise OrderError("Invalid offer: period must be between 2 and 120 days", info)
        currency = symbol[1:]
        if abs(amount) * self.exchange.usd_rate(currency) < MIN_OFFER_USD:
            raise OrderError(f"Invalid offer: incorrect amount, minimum is {js_number(MIN_OFFER_USD)} dollar or "
                             f"equivalent in {currency}", info)
        if amount > 0 and amount > self.trading.available(account, "funding", currency) + 1e-9:
            raise OrderError(f"Invalid offer: not enough funding balance for {js_number(amount)} {currency}", info)
        now = self.exchange.now
        offer = FundingOffer(self.exchange.ids.next("offer"), symbol, type, amount, amount, rate, period, now, now,
                             flags=_int(body.get("flags")) or 0)
        account.offers[offer.id] = offer
        kind = "offer" if amount > 0 else "bid"
        text = (f"Submitting funding {kind} of {js_number(abs(amount))} {currency} at "
                f"{js_number(round(rate * 100, 6))}% for {period} days.")
        out.notify(account, notification(now, "fon-req", offer.row(), "SUCCESS", text))
        out.add(account, "fon", offer.row(), ("funding", symbol))
        return offer

    def cancel(self, account: Account, body: Dict[str, Any], out: Outbox) -> FundingOffer:
        """``n`` ``foc-req`` then ``foc`` (CANCELED). Raises OrderError for an unknown id."""
        offer = account.offers.get(_int(body.get("id")) or -1)
        if offer is None:
            raise OrderError("Offer not found.", offer_info(body, body.get("id")))
        text = f"Submitted for cancellation; waiting for confirmation (ID: {offer.id})."
        out.notify(account, notification(self.exchange.now, "foc-req", offer.row(), "SUCCESS", text))
        self._close(account, offer, "CANCELED", out)
        return offer

    def _close(self, account: Account, offer: FundingOffer, status: str, out: Outbox) -> None:
        offer.status = status
        offer.mts_update = self.exchange.now
        account.offers.pop(offer.id, None)
        account.offer_history.append(offer)
        out.add(account, "foc", offer.row(), ("funding", offer.symbol))

    def on_step(self, result: StepResult, out: Outbox) -> None:
        """Take the offers the market rate reaches (see the module docstring)."""
        del result
        market = self.exchange.market
        for account in self.exchange.accounts:
            for offer in sorted(account.offers.values(), key=lambda o: o.id):
                inst = market.instruments[offer.symbol]
                effective = offer.rate if offer.type == "LIMIT" else inst.frr + offer.rate
                if (offer.amount > 0 and effective <= inst.frr) or (offer.amount < 0 and effective >= inst.frr):
                    self.take(account, offer, effective, out)

    def take(self, account: Account, offer: FundingOffer, rate: float, out: Outbox) -> FundingContract:
        """Fill an offer in full at ``rate``: funding trade, closed offer, new credit or loan, wallet."""
        exchange = self.exchange
        now = exchange.now
        tag = ("funding", offer.symbol)
        trade = OwnFundingTrade(exchange.market.external_trade(offer.symbol, offer.amount, rate,
                                                                   offer.period).id,
                                offer.symbol, now, offer.id, offer.amount, rate, offer.period)
        account.funding_trades.append(trade)
        out.add(account, "fte", trade.row(maker=False), tag)
        out.add(account, "ftu", trade.row(), tag)
        amount = offer.amount
        self._close(account, offer, f"EXECUTED at {js_number(rate)}({js_number(amount)})", out)
        lending = amount > 0
        contract = FundingContract("credit" if lending else "loan", exchange.ids.next("credit"), offer.symbol,
                                   1 if lending else -1, abs(amount), rate, offer.period, now, now,
                                   position_pair="tBTCUSD" if lending else None, offer_id=offer.id)
        if lending:
            account.credits[contract.id] = contract
            out.add(account, "fcn", contract.row(), tag)
            wallet = account.wallet("funding", offer.symbol[1:])
        else:
            account.loans[contract.id] = contract
            out.add(account, "fln", contract.row(), tag)
            wallet = exchange.change_wallet(account, "funding", offer.symbol[1:], abs(amount),
                                            f"Funding loan #{contract.id} opened")
        out.wallet(account, wallet)
        return contract

    def close_contract(self, account: Account, contract_id: int, out: Outbox) -> FundingContract:
        """Close a credit or loan (``fcc``/``flc``, status CLOSED); returns borrowed funds. Raises OrderError."""
        contract = account.credits.pop(contract_id, None) or account.loans.pop(contract_id, None)
        if contract is None:
            raise OrderError("Funding not found.", [contract_id] + [None] * 20)
        contract.status = "CLOSED"
        contract.mts_update = self.exchange.now
        tag = ("funding", contract.symbol)
        if contract.kind == "credit":
            account.credit_history.append(contract)
            out.add(account, "fcc", contract.row(), tag)
        else:
            account.loan_history.append(contract)
            out.add(account, "flc", contract.row(), tag)
            wallet = self.exchange.change_wallet(account, "funding", contract.symbol[1:], -contract.amount,
                                                 f"Funding loan #{contract.id} closed")
            out.wallet(account, wallet)
        return contract
