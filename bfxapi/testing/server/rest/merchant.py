"""Merchant (Bitfinex Pay) endpoints (protocol.md §6.3) over an in-memory invoice store per account.

Answers are JSON objects with camelCase keys (official-api.md §4.6). Completing an invoice records a linked
merchant deposit; ``sim.add_unlinked_deposit`` (via :meth:`MerchantStore.add_unlinked`) seeds unlinked ones.
"""

import hashlib
import time
import uuid
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from .auth import Call
from .app import RestError
from ...wire.numbers import as_int as _int
from ...wire.numbers import as_number as _num

if TYPE_CHECKING:
    from ...model.accounts import Account
    from .auth import AuthRest

__all__ = ["MerchantStore", "register_merchant_routes"]

INVOICE_STATUSES = ("CREATED", "PENDING", "COMPLETED", "EXPIRED")


class MerchantStore:
    """Invoices, currency conversions, settings and deposits of one merchant account."""

    def __init__(self) -> None:
        self.invoices: List[Dict[str, Any]] = []
        self.conversions: List[Dict[str, Any]] = []
        self.settings: Dict[str, Any] = {"bfx_pay_dust_balance_ui": "USD", "bfx_pay_merchant_name": "Simulated shop"}
        self.deposits: List[Dict[str, Any]] = []
        self.unlinked: List[Dict[str, Any]] = []

    def add_unlinked(self, mts: int, currency: str, amount: float, txid: Optional[str] = None) -> Dict[str, Any]:
        """Record a deposit to a merchant address that matches no invoice."""
        deposit = {"id": 1000 + len(self.unlinked), "method": currency.lower(), "currency": currency,
                   "createdAt": mts, "updatedAt": mts, "amount": amount, "fee": 0,
                   "txid": txid or hashlib.sha256(f"{mts}:{amount}".encode()).hexdigest(),
                   "address": "bc1q" + hashlib.sha256(f"unlinked:{mts}".encode()).hexdigest()[:38],
                   "paymentId": None, "status": "COMPLETED", "note": None}
        self.unlinked.append(deposit)
        return deposit


def _store(account: "Account") -> MerchantStore:
    if not isinstance(account.merchant, MerchantStore):
        account.merchant = MerchantStore()
    store: MerchantStore = account.merchant
    return store


def _day(mts: int, fmt: str) -> str:
    pattern = {"Y": "%Y", "M": "%Y-%m", "W": "%Y-W%W"}.get(fmt, "%Y-%m-%d")
    return time.strftime(pattern, time.gmtime(mts / 1000))


def register_merchant_routes(api: "AuthRest") -> None:  # pylint: disable=too-many-statements
    # one small closure per endpoint: the route table reads best as a flat list
    """Add the fifteen merchant routes."""
    exchange = api.sim.exchange

    def find(call: Call) -> Dict[str, Any]:
        wanted = call.body.get("id")
        for invoice in _store(call.account).invoices:
            if invoice["id"] == wanted:
                return invoice
        raise RestError(10020, "invoice: not found")

    def create(call: Call) -> Any:
        body = call.body
        amount = _num(body.get("amount"))
        currency = body.get("currency")
        pay = body.get("payCurrencies")
        if amount is None or amount <= 0 or not isinstance(currency, str) or not isinstance(pay, list) or not pay:
            raise RestError(10020, "invoice: invalid")
        store = _store(call.account)
        seed = f"{exchange.seed}:{call.account.user_id}:invoice:{len(store.invoices)}"
        invoice_id = str(uuid.UUID(hashlib.md5(seed.encode()).hexdigest(), version=4))
        invoices = []
        for pay_currency in pay:
            rate = exchange.rate(currency, str(pay_currency))
            invoices.append({"amount": round(amount * rate, 8), "currency": currency, "payCurrency": pay_currency,
                             "poolCurrency": pay_currency,
                             "address": "bc1q" + hashlib.sha256(f"{seed}:{pay_currency}".encode()).hexdigest()[:38],
                             "ext": {}})
        invoice = {"id": invoice_id, "t": exchange.now, "type": "ECOMMERCE",
                   "duration": _int(body.get("duration")) or 86399, "amount": amount, "currency": currency,
                   "orderId": body.get("orderId"), "payCurrencies": pay, "webhook": body.get("webhook"),
                   "redirectUrl": body.get("redirectUrl"), "status": "CREATED",
                   "customerInfo": body.get("customerInfo") or {}, "invoices": invoices, "payment": None,
                   "additionalPayments": [], "merchantName": store.settings.get("bfx_pay_merchant_name")}
        store.invoices.append(invoice)
        return invoice

    def invoices(call: Call) -> Any:
        rows = [i for i in _store(call.account).invoices if call.body.get("id") in (None, i["id"])
                and (call.body.get("start") is None or i["t"] >= int(call.body["start"]))
                and (call.body.get("end") is None or i["t"] <= int(call.body["end"]))]
        return rows[: _int(call.body.get("limit")) or 10]

    def paginated(call: Call) -> Any:
        body = call.body
        rows = list(_store(call.account).invoices)
        for key, field in (("status", "status"), ("fiat", "currency")):
            if isinstance(body.get(key), list):
                rows = [r for r in rows if r[field] in body[key]]
        if isinstance(body.get("crypto"), list):
            rows = [r for r in rows if set(r["payCurrencies"]) & set(body["crypto"])]
        for key in ("id", "orderId"):
            if body.get(key) is not None:
                rows = [r for r in rows if r[key] == body[key]]
        field = {"t": "t", "amount": "amount", "status": "status"}.get(str(body.get("sortField", "t")), "t")
        rows.sort(key=lambda r: r[field], reverse=body.get("sort") == "desc")
        page, size = max(1, _int(body.get("page")) or 1), max(1, _int(body.get("pageSize")) or 10)
        return {"page": page, "pageSize": size, "sort": body.get("sort", "asc"), "sortField": field,
                "totalPages": max(1, -(-len(rows) // size)), "totalItems": len(rows),
                "items": rows[(page - 1) * size: page * size]}

    def stats(call: Call, by: str) -> Any:
        fmt = str(call.body.get("format", "D"))
        counts: Dict[str, float] = {}
        for invoice in _store(call.account).invoices:
            if by == "count" and invoice["status"] != call.body.get("status"):
                continue
            if by == "earning" and (invoice["status"] != "COMPLETED" or invoice["currency"] != call.body.get(
                    "currency")):
                continue
            day = _day(invoice["t"], fmt)
            counts[day] = counts.get(day, 0) + (1 if by == "count" else invoice["amount"])
        return [{"time": day, "count": value} for day, value in sorted(counts.items())]

    def complete(call: Call) -> Any:
        invoice = find(call)
        if invoice["status"] in ("COMPLETED", "EXPIRED"):
            raise RestError(10020, f"invoice: already {invoice['status'].lower()}")
        pay_currency = call.body.get("payCcy")
        line = next((i for i in invoice["invoices"] if i["payCurrency"] == pay_currency), None)
        if line is None:
            raise RestError(10020, "payCcy: invalid")
        now = exchange.now
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now / 1000))
        deposit_id = _int(call.body.get("depositId")) or exchange.ids.next("movement")
        invoice["status"] = "COMPLETED"
        invoice["payment"] = {"txid": hashlib.sha256(invoice["id"].encode()).hexdigest(), "amount": line["amount"],
                              "currency": pay_currency, "method": str(pay_currency).lower(), "status": "COMPLETED",
                              "confirmations": 1, "createdAt": stamp, "updatedAt": stamp, "depositId": deposit_id,
                              "ledgerId": _int(call.body.get("ledgerId")) or exchange.ids.next("ledger"),
                              "forceCompleted": True, "amountDiff": "0"}
        _store(call.account).deposits.append(
            {"id": deposit_id, "invoiceId": invoice["id"], "orderId": invoice["orderId"], "type": "deposit",
             "amount": line["amount"], "t": now, "txid": invoice["payment"]["txid"], "currency": pay_currency,
             "method": str(pay_currency).lower(), "payMethod": "onchain"})
        return invoice

    def expire(call: Call) -> Any:
        invoice = find(call)
        if invoice["status"] == "COMPLETED":
            raise RestError(10020, "invoice: already completed")
        invoice["status"] = "EXPIRED"
        return invoice

    def conversions(call: Call) -> Any:
        return list(_store(call.account).conversions)

    def conversion(call: Call, add: bool) -> Any:
        store = _store(call.account)
        base, convert = call.body.get("baseCcy"), call.body.get("convertCcy")
        if not isinstance(base, str) or not isinstance(convert, str):
            raise RestError(10020, "currency: invalid")
        existing = [c for c in store.conversions if c["baseCcy"] == base and c["convertCcy"] == convert]
        if add and not existing:
            store.conversions.append({"baseCcy": base, "convertCcy": convert, "created": exchange.now})
        if not add:
            store.conversions = [c for c in store.conversions if c not in existing]
        return True

    def settings_set(call: Call) -> Any:
        key = call.body.get("key")
        if not isinstance(key, str):
            raise RestError(10020, "key: invalid")
        _store(call.account).settings[key] = call.body.get("val")
        return True

    def settings_get(call: Call) -> Any:
        return _store(call.account).settings.get(str(call.body.get("key")))

    def settings_list(call: Call) -> Any:
        keys = call.body.get("keys") or list(_store(call.account).settings)
        return {k: _store(call.account).settings.get(k) for k in keys}

    def deposits(call: Call) -> Any:
        start, end = _int(call.body.get("from")), _int(call.body.get("to"))
        ccy = call.body.get("ccy")
        rows = [d for d in _store(call.account).deposits if (start is None or d["t"] >= start)
                and (end is None or d["t"] <= end) and (ccy is None or d["currency"] == ccy)]
        return [] if call.body.get("unlinked") else rows

    def unlinked(call: Call) -> Any:
        ccy = call.body.get("ccy")
        start, end = _int(call.body.get("start")), _int(call.body.get("end"))
        return [d for d in _store(call.account).unlinked if (ccy is None or d["currency"] == ccy)
                and (start is None or d["createdAt"] >= start) and (end is None or d["createdAt"] <= end)]

    def route(path: str, handler: Any) -> None:
        api.route(path, handler, "merchant")

    route("auth/w/ext/pay/invoice/create", create)
    route("auth/r/ext/pay/invoices/paginated", paginated)
    route("auth/r/ext/pay/invoices", invoices)
    route("auth/r/ext/pay/invoice/stats/count", lambda call: stats(call, "count"))
    route("auth/r/ext/pay/invoice/stats/earning", lambda call: stats(call, "earning"))
    route("auth/w/ext/pay/invoice/complete", complete)
    route("auth/w/ext/pay/invoice/expire", expire)
    route("auth/r/ext/pay/settings/convert/list", conversions)
    route("auth/w/ext/pay/settings/convert/create", lambda call: conversion(call, True))
    route("auth/w/ext/pay/settings/convert/remove", lambda call: conversion(call, False))
    route("auth/w/ext/pay/settings/set", settings_set)
    route("auth/r/ext/pay/settings/get", settings_get)
    route("auth/r/ext/pay/settings/list", settings_list)
    route("auth/r/ext/pay/deposits/unlinked", unlinked)
    route("/auth/r/ext/pay/deposits/unlinked", unlinked)
    route("auth/r/ext/pay/deposits", deposits)


def merchant_store(account: "Account") -> MerchantStore:
    """The merchant store of an account (created on first use)."""
    return _store(account)
