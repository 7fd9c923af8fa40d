"""Merchant endpoints (``bfx.rest.merchant``): Bitfinex Pay invoices, conversions, settings, deposits.

Signed POSTs like the authenticated endpoints (protocol.md §6.3), but Bitfinex Pay speaks JSON objects with
camelCase keys: bodies are written with those keys, and answers are parsed by the merchant types' ``parse``
without rewriting any key (free-form objects keep theirs). Names and parameters are the official 3.0.5 ones.
"""

from typing import Any, Literal, Mapping, Optional, Sequence, get_args

from ..._aliases import DecimalLike
from ..._utils.values import boolean, integer, json_object, json_value, sequence, text
from ...types import (
    CurrencyConversion,
    InvoicePage,
    InvoiceStats,
    InvoiceSubmission,
    MerchantDeposit,
    MerchantUnlinkedDeposit,
)
from ...types.dataclasses import JSONValue
from ...types.number import N
from .._interface import Interface
from .._interface.params import decimal, required, string

__all__ = ["RestMerchantEndpoints"]

InvoiceStatus = Literal["CREATED", "PENDING", "COMPLETED", "EXPIRED"]
_INVOICE_STATUSES: tuple[str, ...] = get_args(InvoiceStatus)
_SORTS = ("asc", "desc")
_SORT_FIELDS = ("t", "amount", "status")


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _customer_info(info: Any) -> dict[str, Any]:
    # Bitfinex Pay wants camelCase keys (residCountry). The official b1 TypedDict used snake_case keys, so
    # those are converted; camelCase keys pass unchanged. Only the top-level keys: values are the user's.
    checked = required(json_object(info, "customer_info"), "customer_info")
    return {_camel_case(key): value for key, value in checked.items()}


def _texts(value: Any, name: str, choices: Optional[Sequence[str]] = None) -> Optional[list[str]]:
    """A list of str (currencies, statuses), or ``None`` to omit it."""
    if value is None:
        return None
    items = sequence(value, name, "str")
    return [required(text(item, f"{name}[{i}]", choices=choices), f"{name}[{i}]") for i, item in enumerate(items)]


def _ms(value: Any, name: str) -> Optional[int]:
    """Milliseconds since the epoch."""
    return integer(value, name, 0)


class RestMerchantEndpoints(Interface[N]):
    """Bitfinex Pay (merchant) endpoints; requires ``api_key`` and ``api_secret`` of a merchant account."""

    async def _post(self, path: str, body: Optional[Mapping[str, Any]] = None) -> Any:
        return await self._m.auth_post(path, body, group=path, family="merchant")

    async def submit_invoice(
        self,
        amount: DecimalLike,
        currency: str,
        order_id: str,
        customer_info: Mapping[str, Any],
        pay_currencies: Sequence[str],
        *,
        duration: Optional[int] = None,
        webhook: Optional[str] = None,
        redirect_url: Optional[str] = None,
    ) -> InvoiceSubmission[N]:
        """Create an invoice: POST ``auth/w/ext/pay/invoice/create``."""
        body = {
            "amount": decimal(amount, "amount"), "currency": string(currency, "currency"),
            "orderId": string(order_id, "order_id"), "customerInfo": _customer_info(customer_info),
            "payCurrencies": required(_texts(pay_currencies, "pay_currencies"), "pay_currencies"),
            "duration": integer(duration, "duration", 1), "webhook": text(webhook, "webhook"),
            "redirectUrl": text(redirect_url, "redirect_url"),
        }
        return self._s.InvoiceSubmission(await self._post("auth/w/ext/pay/invoice/create", body))

    async def get_invoices(
        self,
        *,
        id: Optional[str] = None,
        start: Optional[int] = None,
        end: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> list[InvoiceSubmission[N]]:
        """Invoices (one by ``id``, or those of a time range): POST ``auth/r/ext/pay/invoices``."""
        body = {
            "id": text(id, "id"), "start": _ms(start, "start"), "end": _ms(end, "end"),
            "limit": integer(limit, "limit", 0),
        }
        return [self._s.InvoiceSubmission(item) for item in await self._post("auth/r/ext/pay/invoices", body)]

    async def get_invoices_paginated(
        self,
        page: int = 1,
        page_size: int = 10,
        sort: Literal["asc", "desc"] = "asc",
        sort_field: Literal["t", "amount", "status"] = "t",
        *,
        status: Optional[Sequence[InvoiceStatus]] = None,
        fiat: Optional[Sequence[str]] = None,
        crypto: Optional[Sequence[str]] = None,
        id: Optional[str] = None,
        order_id: Optional[str] = None,
    ) -> InvoicePage[N]:
        """One page of invoices: POST ``auth/r/ext/pay/invoices/paginated``."""
        body = {
            "page": required(integer(page, "page", 1), "page"),
            "pageSize": required(integer(page_size, "page_size", 1), "page_size"),
            "sort": required(text(sort, "sort", choices=_SORTS), "sort"),
            "sortField": required(text(sort_field, "sort_field", choices=_SORT_FIELDS), "sort_field"),
            "status": _texts(status, "status", _INVOICE_STATUSES), "fiat": _texts(fiat, "fiat"),
            "crypto": _texts(crypto, "crypto"), "id": text(id, "id"), "orderId": text(order_id, "order_id"),
        }
        return self._s.InvoicePage(await self._post("auth/r/ext/pay/invoices/paginated", body))

    async def get_invoice_count_stats(self, status: InvoiceStatus, format: str) -> list[InvoiceStats[N]]:
        """Invoice counts per period (``format`` like ``"Y"``, ``"M"``, ``"W"``, ``"D"``): POST
        ``auth/r/ext/pay/invoice/stats/count``."""
        body = {
            "status": required(text(status, "status", choices=_INVOICE_STATUSES), "status"),
            "format": string(format, "format"),
        }
        data = await self._post("auth/r/ext/pay/invoice/stats/count", body)
        return [self._s.InvoiceStats(item) for item in data]

    async def get_invoice_earning_stats(self, currency: str, format: str) -> list[InvoiceStats[N]]:
        """Earnings per period in ``currency``: POST ``auth/r/ext/pay/invoice/stats/earning``."""
        body = {"currency": string(currency, "currency"), "format": string(format, "format")}
        data = await self._post("auth/r/ext/pay/invoice/stats/earning", body)
        return [self._s.InvoiceStats(item) for item in data]

    async def complete_invoice(
        self,
        id: str,
        pay_currency: str,
        *,
        deposit_id: Optional[int] = None,
        ledger_id: Optional[int] = None,
    ) -> InvoiceSubmission[N]:
        """Mark an invoice as paid: POST ``auth/w/ext/pay/invoice/complete``."""
        body = {
            "id": string(id, "id"), "payCcy": string(pay_currency, "pay_currency"),
            "depositId": integer(deposit_id, "deposit_id", 1), "ledgerId": integer(ledger_id, "ledger_id", 1),
        }
        return self._s.InvoiceSubmission(await self._post("auth/w/ext/pay/invoice/complete", body))

    async def expire_invoice(self, id: str) -> InvoiceSubmission[N]:
        """Expire an invoice: POST ``auth/w/ext/pay/invoice/expire``."""
        return self._s.InvoiceSubmission(await self._post("auth/w/ext/pay/invoice/expire", {"id": string(id, "id")}))

    async def get_currency_conversion_list(self) -> list[CurrencyConversion]:
        """Automatic currency conversions: POST ``auth/r/ext/pay/settings/convert/list``."""
        return [self._s.CurrencyConversion(item) for item in await self._post("auth/r/ext/pay/settings/convert/list")]

    async def add_currency_conversion(self, base_ccy: str, convert_ccy: str) -> bool:
        """Add an automatic conversion; ``True`` on success: POST ``auth/w/ext/pay/settings/convert/create``."""
        body = {"baseCcy": string(base_ccy, "base_ccy"), "convertCcy": string(convert_ccy, "convert_ccy")}
        return bool(await self._post("auth/w/ext/pay/settings/convert/create", body))

    async def remove_currency_conversion(self, base_ccy: str, convert_ccy: str) -> bool:
        """Remove an automatic conversion; ``True`` on success: POST ``auth/w/ext/pay/settings/convert/remove``."""
        body = {"baseCcy": string(base_ccy, "base_ccy"), "convertCcy": string(convert_ccy, "convert_ccy")}
        return bool(await self._post("auth/w/ext/pay/settings/convert/remove", body))

    async def set_merchant_settings(self, key: str, val: Any) -> bool:
        """Store a merchant setting (``"bfx_pay_preferred_fiat"``, ...); ``True`` on success: POST
        ``auth/w/ext/pay/settings/set``."""
        body = {"key": string(key, "key"), "val": json_value(val, "val")}
        return bool(await self._post("auth/w/ext/pay/settings/set", body))

    async def get_merchant_settings(self, key: str) -> JSONValue:
        """The value of one merchant setting (any JSON value: Bitfinex Pay leaves its layout to the key): POST
        ``auth/r/ext/pay/settings/get``."""
        value: JSONValue = await self._post("auth/r/ext/pay/settings/get", {"key": string(key, "key")})
        return value

    async def list_merchant_settings(self, keys: Optional[Sequence[str]] = None) -> dict[str, JSONValue]:
        """Several merchant settings (all when ``keys`` is empty) keyed by name: POST
        ``auth/r/ext/pay/settings/list``."""
        body = {"keys": _texts(keys, "keys") or []}
        data: dict[str, JSONValue] = await self._post("auth/r/ext/pay/settings/list", body)
        return data

    async def get_deposits(
        self, start: int, to: int, *, ccy: Optional[str] = None, unlinked: Optional[bool] = None
    ) -> list[MerchantDeposit[N]]:
        """Deposits received between ``start`` and ``to`` (ms): POST ``auth/r/ext/pay/deposits``."""
        body = {
            "from": required(_ms(start, "start"), "start"), "to": required(_ms(to, "to"), "to"),
            "ccy": text(ccy, "ccy"), "unlinked": boolean(unlinked, "unlinked"),
        }
        return [self._s.MerchantDeposit(item) for item in await self._post("auth/r/ext/pay/deposits", body)]

    async def get_unlinked_deposits(
        self, ccy: str, *, start: Optional[int] = None, end: Optional[int] = None
    ) -> list[MerchantUnlinkedDeposit[N]]:
        """Deposits not linked to an invoice: POST ``auth/r/ext/pay/deposits/unlinked``."""
        body = {"ccy": string(ccy, "ccy"), "start": _ms(start, "start"), "end": _ms(end, "end")}
        data = await self._post("auth/r/ext/pay/deposits/unlinked", body)
        return [self._s.MerchantUnlinkedDeposit(item) for item in data]
