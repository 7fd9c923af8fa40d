"""A client's number mode, as one object: how its JSON is decoded and which serializers build its payloads.

``Codec(decimal=False)`` (``Codec[float]``) decodes with orjson when installed and builds ``Order[float]``...;
``Codec(decimal=True)`` (``Codec[Decimal]``) decodes numbers as ``Decimal`` from their text and builds
``Order[Decimal]``... (see :mod:`bfxapi.types.labeler` and :mod:`bfxapi._utils.json_decoder`).

The REST endpoint groups and the WebSocket handlers of a client hold its codec and take every serializer from it
(``codec.Order.from_wire(row)``), never from :mod:`bfxapi.types.serializers` directly (those are float mode's).
The attributes are the serializers' names, each typed with the client's number type: this is where the type system
learns that a decimal client's ``get_wallets()`` gives ``list[Wallet[Decimal]]``. The merchant types, JSON objects,
have a parser each under their class's name.
"""

# The attributes are named after the serializers and types they hold, as in bfxapi.types.serializers.
# pylint: disable=invalid-name

import functools
from decimal import Decimal
from typing import Any, Callable, Generic, Literal, overload

from .._utils.json_decoder import decimal_loads, loads
from ..exceptions import InvalidInputTypeError
from . import dataclasses as _t
from . import serializers
from .labeler import Serializer
from .notification import NotificationSerializer
from .number import N

__all__ = ["Codec", "codec", "number_mode"]

#: the attributes of a codec that are serializers (array payloads and notifications)
SERIALIZER_NAMES = tuple(name for name in serializers.__all__ if name != "__serializers__")
#: the merchant types (JSON objects), parsed by :func:`bfxapi.types.dataclasses.parse_merchant`
MERCHANT_NAMES = (
    "InvoiceSubmission", "InvoicePage", "InvoiceStats", "CurrencyConversion", "MerchantDeposit",
    "MerchantUnlinkedDeposit",
)  # fmt: skip


class Codec(Generic[N]):
    """The JSON decoder and the serializers of one number mode (see the module docs)."""

    #: True: ``N`` is ``Decimal``; False: ``float``
    decimal: bool
    #: text -> JSON values (numbers with a fraction as ``Decimal`` in decimal mode)
    loads: Callable[[str], Any]

    # -- array payloads, as in bfxapi.types.serializers ------------------------------------------------------
    PlatformStatus: Serializer[_t.PlatformStatus]
    TradingPairTicker: Serializer[_t.TradingPairTicker[N]]
    FundingCurrencyTicker: Serializer[_t.FundingCurrencyTicker[N]]
    TickersHistory: Serializer[_t.TickersHistory[N]]
    TradingPairTrade: Serializer[_t.TradingPairTrade[N]]
    FundingCurrencyTrade: Serializer[_t.FundingCurrencyTrade[N]]
    TradingPairBook: Serializer[_t.TradingPairBook[N]]
    FundingCurrencyBook: Serializer[_t.FundingCurrencyBook[N]]
    TradingPairRawBook: Serializer[_t.TradingPairRawBook[N]]
    FundingCurrencyRawBook: Serializer[_t.FundingCurrencyRawBook[N]]
    Statistic: Serializer[_t.Statistic[N]]
    Candle: Serializer[_t.Candle[N]]
    DerivativesStatus: Serializer[_t.DerivativesStatus[N]]
    Liquidation: Serializer[_t.Liquidation[N]]
    Leaderboard: Serializer[_t.Leaderboard[N]]
    FundingStatistic: Serializer[_t.FundingStatistic[N]]
    TradingMarketAveragePrice: Serializer[_t.TradingMarketAveragePrice[N]]
    FundingMarketAveragePrice: Serializer[_t.FundingMarketAveragePrice[N]]
    FxRate: Serializer[_t.FxRate[N]]
    UserInfo: Serializer[_t.UserInfo]
    LoginHistory: Serializer[_t.LoginHistory]
    BalanceAvailable: Serializer[_t.BalanceAvailable[N]]
    Order: Serializer[_t.Order[N]]
    Position: Serializer[_t.Position[N]]
    Trade: Serializer[_t.Trade[N]]
    FundingTrade: Serializer[_t.FundingTrade[N]]
    OrderTrade: Serializer[_t.OrderTrade[N]]
    Ledger: Serializer[_t.Ledger[N]]
    FundingOffer: Serializer[_t.FundingOffer[N]]
    FundingCredit: Serializer[_t.FundingCredit[N]]
    FundingLoan: Serializer[_t.FundingLoan[N]]
    FundingAutoRenew: Serializer[_t.FundingAutoRenew[N]]
    FundingInfo: Serializer[_t.FundingInfo[N]]
    Wallet: Serializer[_t.Wallet[N]]
    Transfer: Serializer[_t.Transfer[N]]
    Withdrawal: Serializer[_t.Withdrawal[N]]
    DepositAddress: Serializer[_t.DepositAddress]
    LightningNetworkInvoice: Serializer[_t.LightningNetworkInvoice]
    Movement: Serializer[_t.Movement[N]]
    SymbolMarginInfo: Serializer[_t.SymbolMarginInfo[N]]
    BaseMarginInfo: Serializer[_t.BaseMarginInfo[N]]
    PositionClaim: Serializer[_t.PositionClaim[N]]
    PositionIncreaseInfo: Serializer[_t.PositionIncreaseInfo[N]]
    PositionIncrease: Serializer[_t.PositionIncrease[N]]
    PositionHistory: Serializer[_t.PositionHistory[N]]
    PositionSnapshot: Serializer[_t.PositionSnapshot[N]]
    PositionAudit: Serializer[_t.PositionAudit[N]]
    DerivativePositionCollateral: Serializer[_t.DerivativePositionCollateral]
    DerivativePositionCollateralLimits: Serializer[_t.DerivativePositionCollateralLimits[N]]
    BalanceInfo: Serializer[_t.BalanceInfo[N]]
    PairInfo: Serializer[_t.PairInfo[N]]
    FundingTradeExecution: Serializer[_t.FundingTradeExecution[N]]
    Alert: Serializer[_t.Alert[N]]
    Setting: Serializer[_t.Setting]
    KeyPermission: Serializer[_t.KeyPermission]
    AccountSummary: Serializer[_t.AccountSummary[N]]
    Vasp: Serializer[_t.Vasp]
    AuditEntry: Serializer[_t.AuditEntry]
    AuthToken: Serializer[_t.AuthToken]
    PulseProfile: Serializer[_t.PulseProfile]
    PulseMessage: Serializer[_t.PulseMessage]
    OrderNotification: NotificationSerializer[_t.Order[N]]
    OrderListNotification: NotificationSerializer[list[_t.Order[N]]]
    FundingOfferNotification: NotificationSerializer[_t.FundingOffer[N]]
    TransferNotification: NotificationSerializer[_t.Transfer[N]]
    WithdrawalNotification: NotificationSerializer[_t.Withdrawal[N]]
    DepositAddressNotification: NotificationSerializer[_t.DepositAddress]
    PositionClaimNotification: NotificationSerializer[_t.PositionClaim[N]]
    PositionIncreaseNotification: NotificationSerializer[_t.PositionIncrease[N]]
    FundingAutoRenewNotification: NotificationSerializer[_t.FundingAutoRenew[N]]
    RawNotification: NotificationSerializer[Any]
    EmptyNotification: NotificationSerializer[None]
    # -- merchant (JSON objects) ------------------------------------------------------------------------------
    InvoiceSubmission: Callable[[Any], _t.InvoiceSubmission[N]]
    InvoicePage: Callable[[Any], _t.InvoicePage[N]]
    InvoiceStats: Callable[[Any], _t.InvoiceStats[N]]
    CurrencyConversion: Callable[[Any], _t.CurrencyConversion]
    MerchantDeposit: Callable[[Any], _t.MerchantDeposit[N]]
    MerchantUnlinkedDeposit: Callable[[Any], _t.MerchantUnlinkedDeposit[N]]

    def __init__(self, decimal: bool = False) -> None:
        self.decimal = number_mode(decimal)
        self.loads = decimal_loads if decimal else loads
        # Each serializer's twin of this mode is built once, on first use, and shared by every client of the mode.
        for name in SERIALIZER_NAMES:
            setattr(self, name, getattr(serializers, name).variant(decimal))
        for name in MERCHANT_NAMES:
            setattr(self, name, functools.partial(_t.parse_merchant, getattr(_t, name), decimal=decimal))

    def __repr__(self) -> str:
        return f"Codec(decimal={self.decimal})"


@overload
def codec(decimal: Literal[False] = False) -> Codec[float]: ...


@overload
def codec(decimal: Literal[True]) -> Codec[Decimal]: ...


@overload
def codec(decimal: bool) -> "Codec[Any]": ...


def codec(decimal: bool = False) -> "Codec[Any]":
    """A codec of the number mode ``decimal``, typed with its number type."""
    return Codec(decimal)


def number_mode(decimal: Any) -> bool:
    """``decimal``, checked: the ``decimal=`` option of the client, its REST interface or its WebSocket client."""
    if decimal.__class__ is not bool:
        raise InvalidInputTypeError(f"decimal must be True (Decimal numbers) or False (float), not {decimal!r}")
    return bool(decimal)
