"""One serializer per array payload, named like the dataclass it builds.

Each label list is the wire layout of its payload, slot by slot (``_PH`` marks a slot that is read past);
see :mod:`bfxapi.types.labeler` for how a wire array becomes a dataclass. The labels of the official 4.0.0
types are the official ones, so the same array gives the same object as in the official library.
"""

# The serializers are named exactly like their dataclasses, as in the official library, so that
# ``serializers.Order`` reads as "the serializer of Order"; they are not UPPER_CASE constants.
# pylint: disable=invalid-name

from typing import Any, Sequence, TypeVar

from . import dataclasses as _t
from .labeler import PLACEHOLDER as _PH
from .labeler import RecursiveSerializer, Serializer
from .notification import Notification, NotificationSerializer

_T = TypeVar("_T")

#: The names of every array serializer below.
__serializers__: list[str] = [
    "PlatformStatus",
    "TradingPairTicker",
    "FundingCurrencyTicker",
    "TickersHistory",
    "TradingPairTrade",
    "FundingCurrencyTrade",
    "TradingPairBook",
    "FundingCurrencyBook",
    "TradingPairRawBook",
    "FundingCurrencyRawBook",
    "Statistic",
    "Candle",
    "DerivativesStatus",
    "Liquidation",
    "Leaderboard",
    "FundingStatistic",
    "TradingMarketAveragePrice",
    "FundingMarketAveragePrice",
    "FxRate",
    "UserInfo",
    "LoginHistory",
    "BalanceAvailable",
    "Order",
    "Position",
    "Trade",
    "FundingTrade",
    "OrderTrade",
    "Ledger",
    "FundingOffer",
    "FundingCredit",
    "FundingLoan",
    "FundingAutoRenew",
    "FundingInfo",
    "Wallet",
    "Transfer",
    "Withdrawal",
    "DepositAddress",
    "LightningNetworkInvoice",
    "Movement",
    "SymbolMarginInfo",
    "BaseMarginInfo",
    "PositionClaim",
    "PositionIncreaseInfo",
    "PositionIncrease",
    "PositionHistory",
    "PositionSnapshot",
    "PositionAudit",
    "DerivativePositionCollateral",
    "DerivativePositionCollateralLimits",
    "BalanceInfo",
    "PairInfo",
    "FundingTradeExecution",
    "Alert",
    "Setting",
    "KeyPermission",
    "AccountSummary",
    "Vasp",
    "AuditEntry",
    "AuthToken",
    "PulseProfile",
    "PulseMessage",
]

# The array serializers (the one list of them is __serializers__), then the notification ones.
__all__ = [
    "__serializers__",
    *__serializers__,
    "OrderNotification",
    "OrderListNotification",
    "FundingOfferNotification",
    "TransferNotification",
    "WithdrawalNotification",
    "DepositAddressNotification",
    "PositionClaimNotification",
    "PositionIncreaseNotification",
    "FundingAutoRenewNotification",
    "RawNotification",
    "EmptyNotification",
]

# ---------------------------------------------------------------------------------------------------
# The official 4.0.0 set
# ---------------------------------------------------------------------------------------------------

PlatformStatus = Serializer("PlatformStatus", _t.PlatformStatus, ["status"])
TradingPairTicker = Serializer(
    "TradingPairTicker",
    _t.TradingPairTicker,
    [
        "bid", "bid_size", "ask", "ask_size", "daily_change", "daily_change_relative", "last_price", "volume", "high",
        "low",
    ],
)
FundingCurrencyTicker = Serializer(
    "FundingCurrencyTicker",
    _t.FundingCurrencyTicker,
    [
        "frr", "bid", "bid_period", "bid_size", "ask", "ask_period", "ask_size", "daily_change",
        "daily_change_relative", "last_price", "volume", "high", "low", _PH, _PH, "frr_amount_available",
    ],
)
TickersHistory = Serializer(
    "TickersHistory", _t.TickersHistory, ["symbol", "bid", _PH, "ask", _PH, _PH, _PH, _PH, _PH, _PH, _PH, _PH, "mts"]
)
TradingPairTrade = Serializer("TradingPairTrade", _t.TradingPairTrade, ["id", "mts", "amount", "price"])
FundingCurrencyTrade = Serializer(
    "FundingCurrencyTrade", _t.FundingCurrencyTrade, ["id", "mts", "amount", "rate", "period"]
)
TradingPairBook = Serializer("TradingPairBook", _t.TradingPairBook, ["price", "count", "amount"])
FundingCurrencyBook = Serializer("FundingCurrencyBook", _t.FundingCurrencyBook, ["rate", "period", "count", "amount"])
TradingPairRawBook = Serializer("TradingPairRawBook", _t.TradingPairRawBook, ["order_id", "price", "amount"])
FundingCurrencyRawBook = Serializer(
    "FundingCurrencyRawBook", _t.FundingCurrencyRawBook, ["offer_id", "period", "rate", "amount"]
)
Statistic = Serializer("Statistic", _t.Statistic, ["mts", "value"])
Candle = Serializer("Candle", _t.Candle, ["mts", "open", "close", "high", "low", "volume"])
DerivativesStatus = Serializer(
    "DerivativesStatus",
    _t.DerivativesStatus,
    [
        "mts", _PH, "deriv_price", "spot_price", _PH, "insurance_fund_balance", _PH, "next_funding_evt_mts",
        "next_funding_accrued", "next_funding_step", _PH, "current_funding", _PH, _PH, "mark_price", _PH, _PH,
        "open_interest", _PH, _PH, _PH, "clamp_min", "clamp_max",
    ],
)
Liquidation = Serializer(
    "Liquidation",
    _t.Liquidation,
    [
        _PH, "pos_id", "mts", _PH, "symbol", "amount", "base_price", _PH, "is_match", "is_market_sold", _PH,
        "liquidation_price",
    ],
)
Leaderboard = Serializer(
    "Leaderboard", _t.Leaderboard, ["mts", _PH, "username", "ranking", _PH, _PH, "value", _PH, _PH, "twitter_handle"]
)
FundingStatistic = Serializer(
    "FundingStatistic",
    _t.FundingStatistic,
    [
        "mts", _PH, _PH, "frr", "avg_period", _PH, _PH, "funding_amount", "funding_amount_used", _PH, _PH,
        "funding_below_threshold",
    ],
)
TradingMarketAveragePrice = Serializer(
    "TradingMarketAveragePrice", _t.TradingMarketAveragePrice, ["price_avg", "amount"]
)
FundingMarketAveragePrice = Serializer(
    "FundingMarketAveragePrice", _t.FundingMarketAveragePrice, ["rate_avg", "amount"]
)
FxRate = Serializer("FxRate", _t.FxRate, ["current_rate"])
UserInfo = Serializer(
    "UserInfo",
    _t.UserInfo,
    [
        "id", "email", "username", "mts_account_create", "verified", "verification_level", _PH, "timezone", "locale",
        "company", "email_verified", _PH, _PH, _PH, "mts_master_account_create", "group_id", "master_account_id",
        "inherit_master_account_verification", "is_group_master", "group_withdraw_enabled", _PH, _PH, _PH,
        "ppt_enabled", "merchant_enabled", "competition_enabled", "two_factors_authentication_modes", _PH, _PH, _PH,
        _PH, _PH, _PH, _PH, "is_securities_master", _PH, _PH, _PH, "securities_enabled", "allow_disable_ctxswitch", _PH,
        _PH, _PH, _PH, "time_last_login", _PH, _PH, "ctxtswitch_disabled", _PH, "comp_countries",
        "compl_countries_resid", _PH, _PH, _PH, "is_merchant_enterprise",
    ],
)
LoginHistory = Serializer("LoginHistory", _t.LoginHistory, ["id", _PH, "time", _PH, "ip", _PH, _PH, "extra_info"])
BalanceAvailable = Serializer("BalanceAvailable", _t.BalanceAvailable, ["amount"])
Order = Serializer(
    "Order",
    _t.Order,
    [
        "id", "gid", "cid", "symbol", "mts_create", "mts_update", "amount", "amount_orig", "order_type", "type_prev",
        "mts_tif", _PH, "flags", "order_status", _PH, _PH, "price", "price_avg", "price_trailing", "price_aux_limit",
        _PH, _PH, _PH, "notify", "hidden", "placed_id", _PH, _PH, "routing", _PH, _PH, "meta",
    ],
)
Position = Serializer(
    "Position",
    _t.Position,
    [
        "symbol", "status", "amount", "base_price", "margin_funding", "margin_funding_type", "pl", "pl_perc",
        "price_liq", "leverage", _PH, "position_id", "mts_create", "mts_update", _PH, "type", _PH, "collateral",
        "collateral_min", "meta",
    ],
)
Trade = Serializer(
    "Trade",
    _t.Trade,
    [
        "id", "symbol", "mts_create", "order_id", "exec_amount", "exec_price", "order_type", "order_price", "maker",
        "fee", "fee_currency", "cid",
    ],
)
FundingTrade = Serializer(
    "FundingTrade", _t.FundingTrade, ["id", "currency", "mts_create", "offer_id", "amount", "rate", "period"]
)
OrderTrade = Serializer(
    "OrderTrade",
    _t.OrderTrade,
    [
        "id", "symbol", "mts_create", "order_id", "exec_amount", "exec_price", _PH, _PH, "maker", "fee", "fee_currency",
        "cid",
    ],
)
Ledger = Serializer("Ledger", _t.Ledger, ["id", "currency", _PH, "mts", _PH, "amount", "balance", _PH, "description"])
FundingOffer = Serializer(
    "FundingOffer",
    _t.FundingOffer,
    [
        "id", "symbol", "mts_create", "mts_update", "amount", "amount_orig", "offer_type", _PH, _PH, "flags",
        "offer_status", _PH, _PH, _PH, "rate", "period", "notify", "hidden", _PH, "renew", _PH,
    ],
)
FundingCredit = Serializer(
    "FundingCredit",
    _t.FundingCredit,
    [
        "id", "symbol", "side", "mts_create", "mts_update", "amount", "flags", "status", "rate_type", _PH, _PH, "rate",
        "period", "mts_opening", "mts_last_payout", "notify", "hidden", _PH, "renew", _PH, "no_close", "position_pair",
    ],
)
FundingLoan = Serializer(
    "FundingLoan",
    _t.FundingLoan,
    [
        "id", "symbol", "side", "mts_create", "mts_update", "amount", "flags", "status", "rate_type", _PH, _PH, "rate",
        "period", "mts_opening", "mts_last_payout", "notify", "hidden", _PH, "renew", _PH, "no_close",
    ],
)
FundingAutoRenew = Serializer("FundingAutoRenew", _t.FundingAutoRenew, ["currency", "period", "rate", "threshold"])
FundingInfo = Serializer(
    "FundingInfo",
    _t.FundingInfo,
    [
        _PH, "symbol", "yield_loan", "yield_lend", "duration_loan", "duration_lend",
    ],
    flat=True,
)
Wallet = Serializer(
    "Wallet",
    _t.Wallet,
    [
        "wallet_type", "currency", "balance", "unsettled_interest", "available_balance", "last_change", "trade_details",
    ],
)
Transfer = Serializer(
    "Transfer", _t.Transfer, ["mts", "wallet_from", "wallet_to", _PH, "currency", "currency_to", _PH, "amount"]
)
Withdrawal = Serializer(
    "Withdrawal",
    _t.Withdrawal,
    [
        "withdrawal_id", _PH, "method", "payment_id", "wallet", "amount", _PH, _PH, "withdrawal_fee",
    ],
)
DepositAddress = Serializer(
    "DepositAddress", _t.DepositAddress, [_PH, "method", "currency_code", _PH, "address", "pool_address"]
)
LightningNetworkInvoice = Serializer(
    "LightningNetworkInvoice", _t.LightningNetworkInvoice, ["invoice_hash", "invoice", _PH, _PH, "amount"]
)
Movement = Serializer(
    "Movement",
    _t.Movement,
    [
        "id", "currency", "currency_name", _PH, _PH, "mts_start", "mts_update", _PH, _PH, "status", _PH, _PH, "amount",
        "fees", _PH, _PH, "destination_address", _PH, _PH, _PH, "transaction_id", "withdraw_transaction_note",
    ],
)
SymbolMarginInfo = Serializer(
    "SymbolMarginInfo",
    _t.SymbolMarginInfo,
    [
        _PH, "symbol", "tradable_balance", "gross_balance", "buy", "sell",
    ],
    flat=True,
)
BaseMarginInfo = Serializer(
    "BaseMarginInfo",
    _t.BaseMarginInfo,
    [
        _PH, "user_pl", "user_swaps", "margin_balance", "margin_net", "margin_min",
    ],
    flat=True,
)
PositionClaim = Serializer(
    "PositionClaim",
    _t.PositionClaim,
    [
        "symbol", "position_status", "amount", "base_price", "margin_funding", "margin_funding_type", _PH, _PH, _PH,
        _PH, _PH, "position_id", "mts_create", "mts_update", _PH, "pos_type", _PH, "collateral", "min_collateral",
        "meta",
    ],
)
PositionIncreaseInfo = Serializer(
    "PositionIncreaseInfo",
    _t.PositionIncreaseInfo,
    [
        "max_pos", "current_pos", "base_currency_balance", "tradable_balance_quote_currency",
        "tradable_balance_quote_total", "tradable_balance_base_currency", "tradable_balance_base_total", _PH, _PH, _PH,
        _PH, "funding_avail", _PH, _PH, "funding_value", "funding_required", "funding_value_currency",
        "funding_required_currency",
    ],
    flat=True,
)
PositionIncrease = Serializer("PositionIncrease", _t.PositionIncrease, ["symbol", _PH, "amount", "base_price"])
PositionHistory = Serializer(
    "PositionHistory",
    _t.PositionHistory,
    [
        "symbol", "status", "amount", "base_price", "funding", "funding_type", _PH, _PH, _PH, _PH, _PH, "position_id",
        "mts_create", "mts_update",
    ],
)
PositionSnapshot = Serializer(
    "PositionSnapshot",
    _t.PositionSnapshot,
    [
        "symbol", "status", "amount", "base_price", "funding", "funding_type", _PH, _PH, _PH, _PH, _PH, "position_id",
        "mts_create", "mts_update",
    ],
)
PositionAudit = Serializer(
    "PositionAudit",
    _t.PositionAudit,
    [
        "symbol", "status", "amount", "base_price", "funding", "funding_type", _PH, _PH, _PH, _PH, _PH, "position_id",
        "mts_create", "mts_update", _PH, "type", _PH, "collateral", "collateral_min", "meta",
    ],
)
DerivativePositionCollateral = Serializer("DerivativePositionCollateral", _t.DerivativePositionCollateral, ["status"])
DerivativePositionCollateralLimits = Serializer(
    "DerivativePositionCollateralLimits", _t.DerivativePositionCollateralLimits, ["min_collateral", "max_collateral"]
)
BalanceInfo = Serializer("BalanceInfo", _t.BalanceInfo, ["aum", "aum_net"])


# ---------------------------------------------------------------------------------------------------
# Payloads the official library does not model (layouts from protocol.md)
# ---------------------------------------------------------------------------------------------------

PairInfo = Serializer(
    "PairInfo",
    _t.PairInfo,
    ["pair", _PH, _PH, _PH, "min_order_size", "max_order_size", _PH, _PH, _PH, "initial_margin", "min_margin"],
    flat=True,
)
FundingTradeExecution = Serializer(
    "FundingTradeExecution",
    _t.FundingTradeExecution,
    ["id", "currency", "mts_create", "offer_id", "amount", "rate", "period", "maker"],
)
Alert = Serializer("Alert", _t.Alert, ["key", "type", "symbol", "price", "countdown"])
Setting = Serializer("Setting", _t.Setting, ["key", "value"])
KeyPermission = Serializer("KeyPermission", _t.KeyPermission, ["scope", "read", "write"])
# The answer flattened: slots 0-3, the two fee rows of slot 4 (6 values each), slots 5-8, then the LEO object.
AccountSummary = Serializer(
    "AccountSummary",
    _t.AccountSummary,
    [
        _PH, _PH, _PH, _PH, "maker_fee", _PH, _PH, _PH, _PH, "derivative_rebate", "taker_fee_to_crypto",
        "taker_fee_to_stable", "taker_fee_to_fiat", _PH, _PH, "derivative_taker_fee", _PH, _PH, _PH, _PH, "leo_info",
    ],
    flat=True,
)
Vasp = Serializer("Vasp", _t.Vasp, ["id", "name"])
AuditEntry = Serializer("AuditEntry", _t.AuditEntry, ["id", "mts", _PH, "action", _PH, "ip", "data"])
AuthToken = Serializer("AuthToken", _t.AuthToken, ["token"])

# ---------------------------------------------------------------------------------------------------
# Pulse (3.0.5)
# ---------------------------------------------------------------------------------------------------


class _WrappedOnce(Serializer[_T]):
    """Also accepts its array wrapped in a one-element list.

    ``pulse/hist`` sends a message's author profile in slot 18 as ``[[...profile...]]``; the official
    REST method unwrapped it before parsing, so callers may hand over either shape. A profile array
    itself never has a list as its only element, so the two cannot be confused.
    """

    __slots__ = ()

    def from_wire(self, values: Sequence[Any]) -> _T:
        return super().from_wire(_unwrap(values))

    def from_wire_nullable(self, values: Sequence[Any]) -> _T:
        return super().from_wire_nullable(_unwrap(values))


def _unwrap(values: Sequence[Any]) -> Sequence[Any]:
    if values.__class__ is list and len(values) == 1 and values[0].__class__ is list:
        return values[0]
    return values


_PULSE_PROFILE_LABELS = (
    "puid", "mts", _PH, "nickname", _PH, "picture", "text", _PH, _PH, "twitter_handle", _PH, "followers",
    "following", _PH, _PH, _PH, "tipping_status",
)

PulseProfile = Serializer("PulseProfile", _t.PulseProfile, _PULSE_PROFILE_LABELS)
PulseMessage = RecursiveSerializer(
    "PulseMessage",
    _t.PulseMessage,
    [
        "pid", "mts", _PH, "puid", _PH, "title", "content", _PH, _PH, "is_pin", "is_public", "comments_disabled",
        "tags", "attachments", "meta", "likes", _PH, _PH, "profile", "comments", _PH, _PH,
    ],
    serializers={"profile": _WrappedOnce("PulseProfile", _t.PulseProfile, _PULSE_PROFILE_LABELS)},
)

# ---------------------------------------------------------------------------------------------------
# Notifications: the answers to writes, on the WebSocket (``n``) and from REST ``auth/w/*`` endpoints
# ---------------------------------------------------------------------------------------------------

OrderNotification = NotificationSerializer[_t.Order](Order)
OrderListNotification = NotificationSerializer[list[_t.Order]](Order, is_iterable=True)
FundingOfferNotification = NotificationSerializer[_t.FundingOffer](FundingOffer)
TransferNotification = NotificationSerializer[_t.Transfer](Transfer)
WithdrawalNotification = NotificationSerializer[_t.Withdrawal](Withdrawal)
DepositAddressNotification = NotificationSerializer[_t.DepositAddress](DepositAddress)
PositionClaimNotification = NotificationSerializer[_t.PositionClaim](PositionClaim)
PositionIncreaseNotification = NotificationSerializer[_t.PositionIncrease](PositionIncrease)
FundingAutoRenewNotification = NotificationSerializer[_t.FundingAutoRenew](FundingAutoRenew)
# For notifications whose data has no fixed layout (UI broadcasts, ``ucm-*``, cancel-all answers).
RawNotification = NotificationSerializer[Any]()


class _EmptyNotificationSerializer(NotificationSerializer[None]):
    """Notifications whose data Bitfinex leaves ``null`` (funding cancel-all, close, keep): ``data`` is always
    ``None``, whatever the slot held."""

    __slots__ = ()

    def from_wire(self, values: Sequence[Any]) -> Notification[None]:
        notification = super().from_wire(values)
        notification.data = None
        return notification

    def variant(self, decimal: bool) -> "NotificationSerializer[Any]":
        if decimal == self.decimal:
            return self
        if self._twin is None:
            self._twin = _EmptyNotificationSerializer(decimal=decimal)
            self._twin._twin = self  # pylint: disable=protected-access  # the two know each other
        return self._twin


EmptyNotification = _EmptyNotificationSerializer()
