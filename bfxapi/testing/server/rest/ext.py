"""The other ``auth/*/ext`` endpoints (protocol.md §6.2 "Other"): Lightning Network invoice payments, recurring
algorithmic orders and transfers to and from Thalex. They answer JSON objects with camelCase keys.

Where the layouts come from (bfxapi/testing/README.md, "Sources"): the Thalex and LNX ones are Bitfinex's references;
the recurring algo orders' are the simulator's own (Bitfinex documents none). The simulator keeps a Thalex balance per
account and currency: a deposit takes the amount from the exchange wallet (refused when it is not there), a withdrawal
gives it back (refused beyond the Thalex balance); two deposits and two withdrawals a day are free, later ones pay
:data:`THALEX_FEE`. Recurring algo orders are stored, listed, changed and cancelled; the simulator's clock never
reaches an execution in a test, so none has executions.
"""

import hashlib
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from .app import RestError
from .auth import Call
from ...wire.encoding import js_number
from ...wire.numbers import as_int as _int
from ...wire.numbers import as_number as _num

if TYPE_CHECKING:
    from ...model.accounts import Account
    from .auth import AuthRest

__all__ = ["ExtStore", "register_ext_routes", "thalex_balance", "THALEX_FEE", "FREE_TRANSFERS_A_DAY"]

DAY_MS = 86_400_000
#: free Thalex deposits (and withdrawals) per 24 hours
FREE_TRANSFERS_A_DAY = 2
#: the fee of a Thalex transfer past the free ones, per currency (the simulator's own figures)
THALEX_FEE: Dict[str, float] = {"BTC": 0.0001, "ETH": 0.001, "USE": 1.0}
_RECURRENCES = ("daily", "weekly", "monthly")
_RECURRENCE_MS = {"daily": DAY_MS, "weekly": 7 * DAY_MS, "monthly": 30 * DAY_MS}
_LNX_ACTIONS = ("getInvoiceById", "getPaymentById", "getInvoices", "getPayments")


class ExtStore:
    """Recurring algo orders, the Thalex balances and the Thalex transfers of one account."""

    def __init__(self) -> None:
        self.recurring: Dict[str, Dict[str, Any]] = {}
        self.thalex: Dict[str, float] = {}
        self.transfers: List[Dict[str, Any]] = []


def _store(account: "Account") -> ExtStore:
    if not isinstance(account.ext, ExtStore):
        account.ext = ExtStore()
    store: ExtStore = account.ext
    return store


def _free(store: ExtStore, kind: str, now: int) -> Tuple[int, Optional[int]]:
    """Free transfers of ``kind`` left in the last 24 hours, and when the oldest counted one stops counting."""
    recent = sorted(t["createdAt"] for t in store.transfers if t["type"] == kind and t["createdAt"] > now - DAY_MS)
    left = max(0, FREE_TRANSFERS_A_DAY - len(recent))
    return left, (recent[0] + DAY_MS if recent else None)


def register_ext_routes(api: "AuthRest") -> None:  # pylint: disable=too-many-statements
    # one small closure per endpoint: the route table reads best as a flat list
    """Add the routes."""
    exchange = api.sim.exchange

    def lnx(call: Call) -> Any:
        action, query = call.body.get("action"), call.body.get("query") or {}
        if action not in _LNX_ACTIONS or not isinstance(query, dict):
            raise RestError(10020, "action: invalid")
        # the simulator's invoices are never paid: there are no payments
        rows = call.account.lnx_invoices if action in ("getInvoiceById", "getInvoices") else []
        if action.endswith("ById"):
            return [row for row in rows if row["paymentHash"] == query.get("id")]
        offset, limit = _int(query.get("offset")) or 0, _int(query.get("limit")) or 25
        return sorted(rows, key=lambda row: row["createdAt"], reverse=True)[offset:offset + limit]

    def find(call: Call) -> Dict[str, Any]:
        order = _store(call.account).recurring.get(call.params["id"])
        if order is None:
            raise RestError(10020, "algo order: not found")
        return order

    def recurring_fields(call: Call, order: Dict[str, Any]) -> None:
        body = call.body
        if body.get("amount") is not None:
            amount = _num(body.get("amount"))
            if amount is None or amount <= 0:
                raise RestError(10020, "amount: invalid")
            order["amount"] = amount
        if body.get("recurrence") is not None:
            if body["recurrence"] not in _RECURRENCES:
                raise RestError(10020, "recurrence: invalid")
            order["recurrence"] = body["recurrence"]
        if body.get("alias") is not None:
            order["alias"] = str(body["alias"])
        if body.get("endAt") is not None:
            end = _int(body.get("endAt"))
            if end is None or end <= order["startAt"]:
                raise RestError(10020, "endAt: invalid")
            order["endAt"] = end

    def create(call: Call) -> Any:
        body = call.body
        symbol, currency = body.get("symbol"), body.get("currency")
        if symbol not in exchange.market.instruments or not str(symbol).startswith("t"):
            raise RestError(10020, "symbol: invalid")
        pair = str(symbol)[1:].replace(":", "")
        if not isinstance(currency, str) or currency not in (pair[:len(pair) - 3], pair[-3:]):
            raise RestError(10020, "currency: invalid")
        if body.get("action") not in ("buy", "sell"):
            raise RestError(10020, "action: invalid")
        if body.get("amount") is None or body.get("recurrence") is None:
            raise RestError(10020, "amount and recurrence: required")
        store = _store(call.account)
        digest = hashlib.sha256(f"{call.account.api_key}:recurring:{len(store.recurring)}".encode()).hexdigest()
        now = exchange.now
        start = _int(body.get("startAt")) or now
        order: Dict[str, Any] = {
            "algoOrderId": digest[:24], "alias": None, "symbol": symbol, "action": body["action"], "amount": None,
            "currency": currency, "recurrence": None, "startAt": start, "endAt": None, "status": "ACTIVE",
            "createdAt": now, "updatedAt": now, "nextExecutionAt": max(start, now)}
        recurring_fields(call, order)
        store.recurring[order["algoOrderId"]] = order
        return order

    def detail(call: Call) -> Any:
        return find(call)

    def update(call: Call) -> Any:
        order = find(call)
        if order["status"] != "ACTIVE":
            raise RestError(10020, f"algo order: {order['status'].lower()}")
        changed = dict(order)
        recurring_fields(call, changed)  # all checks first: a refused update changes nothing
        changed["updatedAt"] = exchange.now
        changed["nextExecutionAt"] = max(changed["startAt"], exchange.now)
        order.update(changed)
        return order

    def cancel(call: Call) -> Any:
        order = find(call)
        if order["status"] != "ACTIVE":
            raise RestError(10020, f"algo order: {order['status'].lower()}")
        order.update(status="CANCELLED", updatedAt=exchange.now, nextExecutionAt=None)
        return order

    def recurring_list(call: Call) -> Any:
        return sorted(_store(call.account).recurring.values(), key=lambda order: order["createdAt"])

    def executions(call: Call) -> Any:
        wanted = call.body.get("algoOrderId")
        if wanted is not None and wanted not in _store(call.account).recurring:
            raise RestError(10020, "algo order: not found")
        return []  # see the module docs: no recurring order executes in the simulator

    def thalex(call: Call, kind: str) -> Any:
        body, account = call.body, call.account
        if kind == "deposit" and body.get("destination") != "thalex" or kind == "withdrawal" and body.get(
                "provider") != "thalex":
            raise RestError(10020, "provider: invalid")
        if not isinstance(body.get("tfaToken"), dict):
            raise RestError(10100, "tfaToken: invalid")
        currency, amount = body.get("ccy"), _num(body.get("amount"))
        if currency not in THALEX_FEE:
            raise RestError(10020, "ccy: invalid")
        if amount is None or amount <= 0:
            raise RestError(10020, "amount: invalid")
        store, now = _store(account), exchange.now
        fee = 0.0 if _free(store, kind, now)[0] > 0 else THALEX_FEE[currency]
        if kind == "deposit":
            if amount > exchange.trading.available(account, "exchange", currency) + 1e-9:
                raise RestError(10001, "Invalid deposit: not enough balance in exchange wallet")
            if amount <= fee:
                raise RestError(10020, "amount: below the fee")
            wallet = exchange.change_wallet(account, "exchange", currency, -amount, "Deposit to Thalex")
            store.thalex[currency] = store.thalex.get(currency, 0.0) + amount - fee
        else:
            if amount > store.thalex.get(currency, 0.0) + 1e-9:
                raise RestError(10001, "Invalid withdrawal: not enough balance on Thalex")
            if amount <= fee:
                raise RestError(10020, "amount: below the fee")
            store.thalex[currency] -= amount
            wallet = exchange.change_wallet(account, "exchange", currency, amount - fee, "Withdrawal from Thalex")
        call.out.wallet(account, wallet)
        digest = hashlib.sha256(f"{account.api_key}:thalex:{len(store.transfers)}".encode()).hexdigest()
        transfer = {"type": kind, "addressDest": ("thalex:" if kind == "deposit" else "bitfinex:") + digest[:16],
                    "amount": js_number(amount), "ccy": currency, "createdAt": now, "updatedAt": now,
                    "id": digest[:32], "status": "COMPLETED", "fee": js_number(fee)}
        store.transfers.append(transfer)
        return transfer

    def free_count(call: Call) -> Any:
        if call.body.get("provider") != "thalex":
            raise RestError(10020, "provider: invalid")
        store = _store(call.account)
        deposits, deposits_reset = _free(store, "deposit", exchange.now)
        withdrawals, withdrawals_reset = _free(store, "withdrawal", exchange.now)
        return {"deposits": {"available": deposits, "resetsAt": deposits_reset},
                "withdrawals": {"available": withdrawals, "resetsAt": withdrawals_reset}}

    route = api.route
    route("auth/r/ext/invoice/payments", lnx)
    route("auth/w/ext/recurring-ao/create", create)
    route("auth/r/ext/recurring-ao/detail/{id}", detail)
    route("auth/w/ext/recurring-ao/update/{id}", update)
    route("auth/w/ext/recurring-ao/cancel/{id}", cancel)
    route("auth/r/ext/recurring-ao/list", recurring_list)
    route("auth/r/ext/recurring-ao/order/list", executions)
    route("auth/w/ext/wallets/deposits/request", lambda call: thalex(call, "deposit"), "auth/unlimited")
    route("auth/w/ext/wallets/withdrawals/request", lambda call: thalex(call, "withdrawal"), "auth/unlimited")
    route("auth/r/ext/wallets/transfers/free/count", free_count)


def thalex_balance(account: "Account", currency: str) -> float:
    """The account's balance on Thalex (what deposits brought there, less withdrawals)."""
    return _store(account).thalex.get(currency, 0.0)
