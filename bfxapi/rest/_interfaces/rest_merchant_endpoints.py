"""Merchant endpoints (``bfx.rest.merchant``): Bitfinex Pay invoices, conversions, settings, deposits.

Signed POSTs like the authenticated endpoints (protocol.md §6.3), but Bitfinex Pay speaks JSON objects with
camelCase keys: bodies are written with those keys, and answers are parsed by the merchant types' ``parse``
without rewriting any key (free-form objects keep theirs). Names and parameters are the official 3.0.5 ones.
"""

from typing import Any, Literal, Mapping, Optional, Sequence

from ..._utils.json_encoder import DecimalLike
from ...types import (
    CurrencyConversion,
    InvoicePage,
    InvoiceStats,
    InvoiceSubmission,
    MerchantDeposit,
    MerchantUnlinkedDeposit,
)
from .._interface import Interface
from .._interface.params import dec, plain

__all__ = ["RestMerchantEndpoints"]

InvoiceStatus = Literal["CREATED", "PENDING", "COMPLETED", "EXPIRED"]


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _customer_info(info: Mapping[str, Any]) -> dict[str, Any]:
    # Bitfinex Pay wants camelCase keys (residCountry). The official b1 TypedDict used snake_case keys, so
    # those are converted; camelCase keys pass unchanged. Only the top-level keys: values are the user's.
    return {_camel_case(str(key)): value for key, value in info.items()}


class RestMerchantEndpoints(Interface):
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
    ) -> InvoiceSubmission:
        """Create an invoice: POST ``auth/w/ext/pay/invoice/create``."""
        body = {
            "amount": dec(amount, "amount"), "currency": plain(currency), "orderId": order_id,
            "customerInfo": _customer_info(customer_info), "payCurrencies": list(pay_currencies),
            "duration": duration, "webhook": webhook, "redirectUrl": redirect_url,
        }
        return InvoiceSubmission.parse(await self._post("auth/w/ext/pay/invoice/create", body))

    async def get_invoices(
        self,
        *,
        id: Optional[str] = None,
        start: Optional[int] = None,
        end: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> list[InvoiceSubmission]:
        """Invoices (one by ``id``, or those of a time range): POST ``auth/r/ext/pay/invoices``."""
        body = {"id": id, "start": start, "end": end, "limit": limit}
        return [InvoiceSubmission.parse(item) for item in await self._post("auth/r/ext/pay/invoices", body)]

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
    ) -> InvoicePage:
        """One page of invoices: POST ``auth/r/ext/pay/invoices/paginated``."""
        body = {
            "page": page, "pageSize": page_size, "sort": sort, "sortField": sort_field,
            "status": list(status) if status is not None else None,
            "fiat": list(fiat) if fiat is not None else None,
            "crypto": list(crypto) if crypto is not None else None,
            "id": id, "orderId": order_id,
        }
        return InvoicePage.parse(await self._post("auth/r/ext/pay/invoices/paginated", body))

    async def get_invoice_count_stats(self, status: InvoiceStatus, format: str) -> list[InvoiceStats]:
        """Invoice counts per period (``format`` like ``"Y"``, ``"M"``, ``"W"``, ``"D"``): POST
        ``auth/r/ext/pay/invoice/stats/count``."""
        data = await self._post("auth/r/ext/pay/invoice/stats/count", {"status": status, "format": format})
        return [InvoiceStats.parse(item) for item in data]

    async def get_invoice_earning_stats(self, currency: str, format: str) -> list[InvoiceStats]:
        """Earnings per period in ``currency``: POST ``auth/r/ext/pay/invoice/stats/earning``."""
        data = await self._post("auth/r/ext/pay/invoice/stats/earning", {"currency": plain(currency), "format": format})
        return [InvoiceStats.parse(item) for item in data]

    async def complete_invoice(
        self,
        id: str,
        pay_currency: str,
        *,
        deposit_id: Optional[int] = None,
        ledger_id: Optional[int] = None,
    ) -> InvoiceSubmission:
        """Mark an invoice as paid: POST ``auth/w/ext/pay/invoice/complete``."""
        body = {"id": id, "payCcy": plain(pay_currency), "depositId": deposit_id, "ledgerId": ledger_id}
        return InvoiceSubmission.parse(await self._post("auth/w/ext/pay/invoice/complete", body))

    async def expire_invoice(self, id: str) -> InvoiceSubmission:
        """Expire an invoice: POST ``auth/w/ext/pay/invoice/expire``."""
        return InvoiceSubmission.parse(await self._post("auth/w/ext/pay/invoice/expire", {"id": id}))

    async def get_currency_conversion_list(self) -> list[CurrencyConversion]:
        """Automatic currency conversions: POST ``auth/r/ext/pay/settings/convert/list``."""
        return [CurrencyConversion.parse(item) for item in await self._post("auth/r/ext/pay/settings/convert/list")]

    async def add_currency_conversion(self, base_ccy: str, convert_ccy: str) -> bool:
        """Add an automatic conversion; ``True`` on success: POST ``auth/w/ext/pay/settings/convert/create``."""
        body = {"baseCcy": plain(base_ccy), "convertCcy": plain(convert_ccy)}
        return bool(await self._post("auth/w/ext/pay/settings/convert/create", body))

    async def remove_currency_conversion(self, base_ccy: str, convert_ccy: str) -> bool:
        """Remove an automatic conversion; ``True`` on success: POST ``auth/w/ext/pay/settings/convert/remove``."""
        body = {"baseCcy": plain(base_ccy), "convertCcy": plain(convert_ccy)}
        return bool(await self._post("auth/w/ext/pay/settings/convert/remove", body))

    async def set_merchant_settings(self, key: str, val: Any) -> bool:
        """Store a merchant setting (``"bfx_pay_preferred_fiat"``, ...); ``True`` on success: POST
        ``auth/w/ext/pay/settings/set``."""
        return bool(await self._post("auth/w/ext/pay/settings/set", {"key": plain(key), "val": val}))

    async def get_merchant_settings(self, key: str) -> Any:
        """The value of one merchant setting: POST ``auth/r/ext/pay/settings/get``."""
        return await self._post("auth/r/ext/pay/settings/get", {"key": plain(key)})

    async def list_merchant_settings(self, keys: Optional[Sequence[str]] = None) -> dict[str, Any]:
        """Several merchant settings (all when ``keys`` is empty) keyed by name: POST
        ``auth/r/ext/pay/settings/list``."""
        data: dict[str, Any] = await self._post(
            "auth/r/ext/pay/settings/list", {"keys": [plain(key) for key in keys or []]}
        )
        return data

    async def get_deposits(
        self, start: int, to: int, *, ccy: Optional[str] = None, unlinked: Optional[bool] = None
    ) -> list[MerchantDeposit]:
        """Deposits received between ``start`` and ``to`` (ms): POST ``auth/r/ext/pay/deposits``."""
        body = {"from": start, "to": to, "ccy": plain(ccy), "unlinked": unlinked}
        return [MerchantDeposit.parse(item) for item in await self._post("auth/r/ext/pay/deposits", body)]

    async def get_unlinked_deposits(
        self, ccy: str, *, start: Optional[int] = None, end: Optional[int] = None
    ) -> list[MerchantUnlinkedDeposit]:
        """Deposits not linked to an invoice: POST ``auth/r/ext/pay/deposits/unlinked``."""
        body = {"ccy": plain(ccy), "start": start, "end": end}
        data = await self._post("auth/r/ext/pay/deposits/unlinked", body)
        return [MerchantUnlinkedDeposit.parse(item) for item in data]
