"""Authenticated REST: funding offers, credits, loans, funding trades, auto-renew, keep, close, funding info.

Notification types settled where Bitfinex does not document them: ``funding/offer/cancel/all`` answers
``foc_all-req`` (NOTIFY_INFO null), ``funding/close`` ``fcl-req`` (NOTIFY_INFO null), ``funding/keep``
``fkeep-req`` (null), ``funding/auto`` ``fa-req`` with ``[CURRENCY, PERIOD, RATE, THRESHOLD]`` (null when
switched off).
"""

from typing import TYPE_CHECKING, Any, List, Optional

from ...wire.frames import notification
from ...engine.operations import funding_info
from .auth import Call, window
from .app import RestError
from ...wire.numbers import as_int as _int
from ...wire.numbers import as_number as _num

if TYPE_CHECKING:
    from .auth import AuthRest

__all__ = ["register_funding_routes"]


def register_funding_routes(api: "AuthRest") -> None:  # pylint: disable=too-many-statements
    # one small closure per endpoint: the route table reads best as a flat list
    """Add the funding routes."""
    exchange = api.sim.exchange
    funding = exchange.funding

    def by_symbol(call: Call, rows: List[Any]) -> List[Any]:
        symbol: Optional[str] = call.params.get("symbol")
        return [r for r in rows if symbol is None or r.symbol == symbol]

    def offers(call: Call) -> Any:
        return [o.row() for o in by_symbol(call, list(call.account.offers.values()))]

    def offers_hist(call: Call) -> Any:
        rows = window(call.body, by_symbol(call, call.account.offer_history), lambda o: o.mts_update, 100, 500)
        return [o.row() for o in rows]

    def submit(call: Call) -> Any:
        offer = funding.submit(call.account, call.body, call.out)
        return notification(exchange.now, "fon-req", offer.row(), "SUCCESS", call.out.messages[0].payload[7])

    def cancel(call: Call) -> Any:
        offer = funding.cancel(call.account, call.body, call.out)
        return notification(exchange.now, "foc-req", offer.row(), "SUCCESS", call.out.messages[0].payload[7])

    def cancel_all(call: Call) -> Any:
        currency = call.body.get("currency")
        chosen = [o for o in call.account.offers.values() if currency is None or o.symbol[1:] == currency]
        for offer in sorted(chosen, key=lambda o: o.id):
            funding._close(call.account, offer, "CANCELED", call.out)  # pylint: disable=protected-access
        return notification(exchange.now, "foc_all-req", None, "SUCCESS",
                            f"Submitting {len(chosen)} funding offer cancellations.")

    def contracts(kind: str, hist: bool) -> Any:
        def handler(call: Call) -> Any:
            account = call.account
            if kind == "credit":
                rows = account.credit_history if hist else list(account.credits.values())
            else:
                rows = account.loan_history if hist else list(account.loans.values())
            chosen = by_symbol(call, rows)
            if hist:
                chosen = window(call.body, chosen, lambda c: c.mts_update, 100, 500)
            return [c.row() for c in chosen]
        return handler

    def trades(call: Call) -> Any:
        rows = window(call.body, by_symbol_currency(call), lambda t: t.mts, 25, 1000)
        return [t.row() for t in rows]

    def by_symbol_currency(call: Call) -> List[Any]:
        symbol = call.params.get("symbol")
        return [t for t in call.account.funding_trades if symbol is None or t.currency == symbol]

    def close(call: Call) -> Any:
        contract_id = _int(call.body.get("id"))
        if contract_id is None:
            raise RestError(10020, "id: invalid")
        funding.close_contract(call.account, contract_id, call.out)
        return notification(exchange.now, "fcl-req", None, "SUCCESS", f"Funding #{contract_id} closed.")

    def auto(call: Call) -> Any:
        currency = str(call.body.get("currency", ""))
        if not call.body.get("status"):
            call.account.auto_renew.pop(currency, None)
            return notification(exchange.now, "fa-req", None, "SUCCESS", "Auto-renew deactivated.")
        row = [currency, _int(call.body.get("period")) or 2, _num(call.body.get("rate")) or 0,
               _num(call.body.get("amount")) or 0]
        call.account.auto_renew[currency] = row
        return notification(exchange.now, "fa-req", row, "SUCCESS", "Auto-renew activated.")

    def auto_status(call: Call) -> Any:
        return call.account.auto_renew.get(str(call.body.get("currency", "")))

    def keep(call: Call) -> Any:
        kind = call.body.get("type")
        if kind not in ("credit", "loan"):
            raise RestError(10020, "type: invalid")
        store = call.account.credits if kind == "credit" else call.account.loans
        for key, value in (call.body.get("changes") or {}).items():
            contract = store.get(_int(key) or -1)
            if contract is not None:
                contract.no_close = 1 if value == 1 else 0
        return notification(exchange.now, "fkeep-req", None, "SUCCESS", "Keep funding updated.")

    def info(call: Call) -> Any:
        key = call.params["key"]
        return ["sym", key, funding_info(call.account, key)]

    route = api.route
    route("auth/r/funding/offers/hist", offers_hist)
    route("auth/r/funding/offers", offers)
    route("auth/r/funding/offers/{symbol}/hist", offers_hist)
    route("auth/r/funding/offers/{symbol}", offers)
    route("auth/w/funding/offer/submit", submit)
    route("auth/w/funding/offer/cancel/all", cancel_all)
    route("auth/w/funding/offer/cancel", cancel)
    for kind, name in (("credit", "credits"), ("loan", "loans")):
        route(f"auth/r/funding/{name}/hist", contracts(kind, True))
        route(f"auth/r/funding/{name}", contracts(kind, False))
        route(f"auth/r/funding/{name}/{{symbol}}/hist", contracts(kind, True))
        route(f"auth/r/funding/{name}/{{symbol}}", contracts(kind, False))
    route("auth/r/funding/trades/hist", trades)
    route("auth/r/funding/trades/{symbol}/hist", trades)
    route("auth/w/funding/close", close)
    route("auth/w/funding/auto", auto)
    route("auth/r/funding/auto/status", auto_status)
    route("auth/w/funding/keep", keep)
    route("auth/r/info/funding/{key}", info)
