"""Every payload kind Bitfinex sends, as a slotted dataclass.

Array payloads: field names and their order are the official ``bitfinex-api-py`` 4.0.0 ones (plus the
3.0.5 Pulse types), so code written against the official library keeps working; the serializers in
:mod:`bfxapi.types.serializers` map wire slots onto them. Only the annotations differ from the official
ones, where those were wrong: ``Optional`` marks slots Bitfinex documents or commonly sends as ``null``,
prices and amounts are ``float``.

Merchant (Bitfinex Pay) payloads are JSON objects with camelCase keys; each of those classes has a
``parse`` classmethod.
"""

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Optional, TypeVar

from ..exceptions import MalformedPayloadError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    # REST public and public channels
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
    "PairInfo",
    # REST authenticated and the account channel
    "UserInfo",
    "LoginHistory",
    "BalanceAvailable",
    "Order",
    "Position",
    "Trade",
    "RecoveredTrade",
    "FundingTrade",
    "FundingTradeExecution",
    "RecoveredFundingTrade",
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
    "Alert",
    "Setting",
    # Pulse
    "PulseProfile",
    "PulseMessage",
    # Merchant (Bitfinex Pay)
    "InvoiceSubmission",
    "InvoicePage",
    "InvoiceStats",
    "CurrencyConversion",
    "MerchantDeposit",
    "MerchantUnlinkedDeposit",
]


# ---------------------------------------------------------------------------------------------------
# REST public endpoints and public WebSocket channels
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PlatformStatus:
    status: int


@dataclass(slots=True)
class TradingPairTicker:
    bid: float
    bid_size: float
    ask: float
    ask_size: float
    daily_change: float
    daily_change_relative: float
    last_price: float
    volume: float
    high: float
    low: float


@dataclass(slots=True)
class FundingCurrencyTicker:
    frr: float
    bid: float
    bid_period: int
    bid_size: float
    ask: float
    ask_period: int
    ask_size: float
    daily_change: float
    daily_change_relative: float
    last_price: float
    volume: float
    high: float
    low: float
    frr_amount_available: float


@dataclass(slots=True)
class TickersHistory:
    symbol: str
    bid: float
    ask: float
    mts: int


@dataclass(slots=True)
class TradingPairTrade:
    id: int
    mts: int
    amount: float
    price: float


@dataclass(slots=True)
class FundingCurrencyTrade:
    id: int
    mts: int
    amount: float
    rate: float
    period: int


@dataclass(slots=True)
class TradingPairBook:
    price: float
    count: int
    amount: float


@dataclass(slots=True)
class FundingCurrencyBook:
    rate: float
    period: int
    count: int
    amount: float


@dataclass(slots=True)
class TradingPairRawBook:
    order_id: int
    price: float
    amount: float


@dataclass(slots=True)
class FundingCurrencyRawBook:
    offer_id: int
    period: int
    rate: float
    amount: float


@dataclass(slots=True)
class Statistic:
    mts: int
    value: float


@dataclass(slots=True)
class Candle:
    mts: int
    open: float
    close: float
    high: float
    low: float
    volume: float


@dataclass(slots=True)
class DerivativesStatus:
    mts: int
    deriv_price: float
    spot_price: float
    insurance_fund_balance: float
    next_funding_evt_mts: int
    next_funding_accrued: float
    next_funding_step: int
    current_funding: float
    mark_price: float
    open_interest: float
    clamp_min: Optional[float]
    clamp_max: Optional[float]


@dataclass(slots=True)
class Liquidation:
    pos_id: int
    # Bitfinex sends fractional timestamps here (``1574697680828.2002``).
    mts: float
    symbol: str
    amount: float
    base_price: float
    is_match: int
    is_market_sold: int
    liquidation_price: float


@dataclass(slots=True)
class Leaderboard:
    mts: int
    username: str
    ranking: int
    value: float
    twitter_handle: Optional[str]


@dataclass(slots=True)
class FundingStatistic:
    mts: int
    frr: float
    avg_period: float
    funding_amount: float
    funding_amount_used: float
    funding_below_threshold: float


@dataclass(slots=True)
class TradingMarketAveragePrice:
    price_avg: float
    amount: float


@dataclass(slots=True)
class FundingMarketAveragePrice:
    rate_avg: float
    amount: float


@dataclass(slots=True)
class FxRate:
    current_rate: float


@dataclass(slots=True)
class PairInfo:
    """One row of ``conf/pub:info:pair``: ``[PAIR, [_, _, _, MIN_ORDER_SIZE, MAX_ORDER_SIZE, _, _, _,
    INITIAL_MARGIN, MIN_MARGIN]]`` (not in the official library)."""

    pair: str
    # Bitfinex sends the order size limits as decimal strings ("0.00006").
    min_order_size: str
    max_order_size: str
    initial_margin: Optional[float]
    min_margin: Optional[float]


# ---------------------------------------------------------------------------------------------------
# REST authenticated endpoints and the account channel (chanId 0)
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class UserInfo:
    id: int
    email: str
    username: str
    mts_account_create: int
    verified: int
    verification_level: int
    timezone: str
    locale: str
    company: Optional[str]
    email_verified: int
    # The master/group fields are null for accounts that are not sub-accounts.
    mts_master_account_create: Optional[int]
    group_id: Optional[int]
    master_account_id: Optional[int]
    inherit_master_account_verification: Optional[int]
    is_group_master: Optional[int]
    group_withdraw_enabled: Optional[int]
    ppt_enabled: int
    merchant_enabled: int
    competition_enabled: int
    two_factors_authentication_modes: list[str]
    is_securities_master: int
    securities_enabled: int
    allow_disable_ctxswitch: int
    time_last_login: Optional[int]
    ctxtswitch_disabled: int
    comp_countries: list[str]
    compl_countries_resid: list[str]
    is_merchant_enterprise: int


@dataclass(slots=True)
class LoginHistory:
    id: int
    time: int
    ip: str
    extra_info: Optional[dict[str, Any]]


@dataclass(slots=True)
class BalanceAvailable:
    amount: float


@dataclass(slots=True)
class Order:
    id: int
    gid: Optional[int]
    cid: Optional[int]
    symbol: str
    mts_create: int
    mts_update: int
    amount: float
    amount_orig: float
    order_type: str
    type_prev: Optional[str]
    mts_tif: Optional[int]
    flags: int
    order_status: str
    price: float
    price_avg: float
    price_trailing: Optional[float]
    price_aux_limit: Optional[float]
    notify: int
    hidden: int
    placed_id: Optional[int]
    routing: str
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class Position:
    symbol: str
    status: str
    amount: float
    base_price: float
    margin_funding: float
    margin_funding_type: int
    # Null in ``ps``/``pn`` until a calc or a price change fills them.
    pl: Optional[float]
    pl_perc: Optional[float]
    price_liq: Optional[float]
    leverage: Optional[float]
    position_id: int
    mts_create: Optional[int]
    mts_update: Optional[int]
    type: int
    collateral: float
    collateral_min: float
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class Trade:
    id: int
    symbol: str
    mts_create: int
    order_id: int
    exec_amount: float
    exec_price: float
    order_type: str
    order_price: float
    maker: int
    # Null in ``te`` (execution), filled in ``tu`` once the fee is known.
    fee: Optional[float]
    fee_currency: Optional[str]
    # The client order id of the order that traded: null when that order was placed without one.
    cid: Optional[int]
    #: True for a trade the client fetched over REST after a reconnection (:class:`RecoveredTrade`)
    recovered: ClassVar[bool] = False


@dataclass(slots=True)
class RecoveredTrade(Trade):
    """A trade of the account that executed while the authenticated connection was down: fetched from the trades
    history after the reconnection and delivered as ``trade_execution``, once, in execution order."""

    recovered: ClassVar[bool] = True


@dataclass(slots=True)
class FundingTrade:
    id: int
    currency: str
    mts_create: int
    offer_id: int
    amount: float
    rate: float
    period: int


@dataclass(slots=True)
class FundingTradeExecution:
    """An own funding trade as the account channel's ``fte``/``ftu`` events (and newer REST funding trade
    rows) send it: :class:`FundingTrade` plus the trailing ``MAKER`` slot, which the official 7-field
    :class:`FundingTrade` drops."""

    id: int
    currency: str
    mts_create: int
    offer_id: int
    amount: float
    rate: float
    period: int
    maker: Optional[int]
    #: True for a funding trade the client fetched over REST after a reconnection (:class:`RecoveredFundingTrade`)
    recovered: ClassVar[bool] = False


@dataclass(slots=True)
class RecoveredFundingTrade(FundingTradeExecution):
    """A funding trade of the account that executed while the authenticated connection was down: fetched from the
    funding trades history after the reconnection and delivered as ``funding_trade_execution``, once, in execution
    order. ``maker`` is None: the history rows the client reads do not say it."""

    recovered: ClassVar[bool] = True


@dataclass(slots=True)
class OrderTrade:
    id: int
    symbol: str
    mts_create: int
    order_id: int
    exec_amount: float
    exec_price: float
    maker: int
    fee: float
    fee_currency: str
    # Null when the order was placed without a client order id (as ``Trade.cid``).
    cid: Optional[int]


@dataclass(slots=True)
class Ledger:
    id: int
    currency: str
    mts: int
    amount: float
    balance: float
    description: str


# In submit acknowledgements (``fon-req``) Bitfinex leaves most of the offer null (protocol.md §4.7).
@dataclass(slots=True)
class FundingOffer:
    id: int
    symbol: Optional[str]
    mts_create: Optional[int]
    mts_update: Optional[int]
    amount: float
    amount_orig: Optional[float]
    offer_type: Optional[str]
    flags: Optional[int]
    offer_status: Optional[str]
    rate: float
    period: int
    notify: Optional[int]
    hidden: Optional[int]
    renew: Optional[int]


@dataclass(slots=True)
class FundingCredit:
    id: int
    symbol: str
    side: int
    mts_create: int
    mts_update: int
    amount: float
    flags: int
    status: str
    rate_type: str
    rate: float
    period: int
    mts_opening: int
    # Null until the first interest payout.
    mts_last_payout: Optional[int]
    notify: int
    hidden: int
    renew: int
    no_close: int
    position_pair: str


@dataclass(slots=True)
class FundingLoan:
    id: int
    symbol: str
    side: int
    mts_create: int
    mts_update: int
    amount: float
    flags: int
    status: str
    rate_type: str
    rate: float
    period: int
    mts_opening: int
    mts_last_payout: Optional[int]
    notify: int
    hidden: int
    renew: int
    no_close: int


@dataclass(slots=True)
class FundingAutoRenew:
    currency: str
    period: int
    rate: float
    threshold: float


@dataclass(slots=True)
class FundingInfo:
    symbol: str
    yield_loan: float
    yield_lend: float
    duration_loan: float
    duration_lend: float


@dataclass(slots=True)
class Wallet:
    wallet_type: str
    currency: str
    balance: float
    unsettled_interest: float
    # Null on the WebSocket unless computed by a ``calc`` request.
    available_balance: Optional[float]
    last_change: Optional[str]
    trade_details: Optional[dict[str, Any]]


@dataclass(slots=True)
class Transfer:
    mts: int
    wallet_from: str
    wallet_to: str
    currency: str
    currency_to: Optional[str]
    amount: float


@dataclass(slots=True)
class Withdrawal:
    withdrawal_id: int
    method: str
    payment_id: Optional[str]
    wallet: str
    amount: float
    withdrawal_fee: float


@dataclass(slots=True)
class DepositAddress:
    method: str
    currency_code: str
    address: str
    pool_address: Optional[str]


@dataclass(slots=True)
class LightningNetworkInvoice:
    invoice_hash: str
    invoice: str
    amount: str


@dataclass(slots=True)
class Movement:
    # The official library annotated ``id`` as ``str``; Bitfinex sends a number.
    id: int
    currency: str
    currency_name: str
    mts_start: int
    mts_update: int
    status: str
    amount: float
    fees: float
    destination_address: Optional[str]
    transaction_id: Optional[str]
    withdraw_transaction_note: Optional[str]


@dataclass(slots=True)
class SymbolMarginInfo:
    symbol: str
    tradable_balance: float
    gross_balance: float
    buy: float
    sell: float


@dataclass(slots=True)
class BaseMarginInfo:
    user_pl: float
    user_swaps: float
    margin_balance: float
    margin_net: float
    margin_min: float


@dataclass(slots=True)
class PositionClaim:
    symbol: str
    position_status: str
    amount: float
    base_price: float
    margin_funding: float
    margin_funding_type: int
    position_id: int
    mts_create: int
    mts_update: int
    pos_type: int
    # The official library annotated these ``str``; they are the numeric position collateral slots.
    collateral: float
    min_collateral: Optional[float]
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class PositionIncreaseInfo:
    max_pos: int
    current_pos: float
    base_currency_balance: float
    tradable_balance_quote_currency: float
    tradable_balance_quote_total: float
    tradable_balance_base_currency: float
    tradable_balance_base_total: float
    funding_avail: float
    funding_value: float
    funding_required: float
    funding_value_currency: str
    funding_required_currency: str


@dataclass(slots=True)
class PositionIncrease:
    symbol: str
    amount: float
    base_price: float


@dataclass(slots=True)
class PositionHistory:
    symbol: str
    status: str
    amount: float
    base_price: float
    funding: float
    funding_type: int
    position_id: int
    mts_create: int
    mts_update: int


@dataclass(slots=True)
class PositionSnapshot:
    symbol: str
    status: str
    amount: float
    base_price: float
    funding: float
    funding_type: int
    position_id: int
    mts_create: int
    mts_update: int


@dataclass(slots=True)
class PositionAudit:
    symbol: str
    status: str
    amount: float
    base_price: float
    funding: float
    funding_type: int
    position_id: int
    mts_create: int
    mts_update: int
    type: int
    collateral: float
    collateral_min: float
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class DerivativePositionCollateral:
    status: int


@dataclass(slots=True)
class DerivativePositionCollateralLimits:
    min_collateral: float
    max_collateral: float


@dataclass(slots=True)
class BalanceInfo:
    aum: float
    aum_net: float


@dataclass(slots=True)
class Alert:
    """A price alert (``auth/r/alerts``): ``["price:tETHUSD:220", "price", "tETHUSD", 220, 100]``
    (not in the official library)."""

    key: str
    type: str
    symbol: str
    price: float
    countdown: int


@dataclass(slots=True)
class Setting:
    """One ``[KEY, VALUE]`` row of ``auth/r/settings`` (not in the official library); ``value`` is whatever
    JSON the user stored under ``key``."""

    key: str
    value: Any


# ---------------------------------------------------------------------------------------------------
# Pulse (3.0.5; removed from the official 4.0.0)
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PulseProfile:
    puid: str
    mts: int
    nickname: str
    picture: Optional[str]
    text: Optional[str]
    twitter_handle: Optional[str]
    followers: int
    following: int
    tipping_status: int


@dataclass(slots=True)
class PulseMessage:
    pid: str
    mts: int
    puid: str
    title: Optional[str]
    content: str
    is_pin: int
    is_public: int
    comments_disabled: int
    tags: list[str]
    attachments: list[str]
    meta: list[Any]
    likes: int
    # Built by the serializer from wire slot 18, which holds the author's profile.
    profile: Optional[PulseProfile]
    comments: int


# ---------------------------------------------------------------------------------------------------
# Merchant (Bitfinex Pay; 3.0.5, removed from the official 4.0.0)
#
# These payloads are JSON objects. ``parse`` reads each field from its camelCase key (``orderId``), or
# from the snake_case key when a caller already converted the keys, leaves missing keys as ``None`` and
# ignores keys it does not know: Bitfinex adds keys, and the official library's strict constructors
# crashed on them. Values are never rewritten, so free-form objects (``ext``) keep their own keys.
# ---------------------------------------------------------------------------------------------------

_M = TypeVar("_M", bound="DataclassInstance")
_T = TypeVar("_T")


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _build(klass: type[_M], data: Any, nested: Optional[Mapping[str, Callable[[Any], Any]]] = None) -> _M:
    if not isinstance(data, dict):
        raise MalformedPayloadError(klass.__qualname__, data, f"expected a JSON object, got {type(data).__name__}")
    values: dict[str, Any] = {}
    for field in fields(klass):
        key = _camel_case(field.name)
        value = data[key] if key in data else data.get(field.name)
        if value is not None and nested is not None and field.name in nested:
            value = nested[field.name](value)
        values[field.name] = value
    return klass(**values)


def _list_of(klass_name: str, parse: Callable[[Any], _T]) -> Callable[[Any], list[_T]]:
    def parse_list(data: Any) -> list[_T]:
        if not isinstance(data, list):
            reason = f"expected a JSON array, got {type(data).__name__}"
            raise MalformedPayloadError(f"list[{klass_name}]", data, reason)
        return [parse(item) for item in data]

    return parse_list


@dataclass(slots=True)
class InvoiceSubmission:
    @dataclass(slots=True)
    class CustomerInfo:
        nationality: Optional[str]
        resid_country: Optional[str]
        resid_state: Optional[str]
        resid_city: Optional[str]
        resid_zip_code: Optional[str]
        resid_street: Optional[str]
        resid_building_no: Optional[str]
        full_name: Optional[str]
        email: Optional[str]
        tos_accepted: Optional[bool]

        @classmethod
        def parse(cls, data: Any) -> "InvoiceSubmission.CustomerInfo":
            return _build(cls, data)

    @dataclass(slots=True)
    class Invoice:
        amount: Optional[float]
        currency: Optional[str]
        pay_currency: Optional[str]
        pool_currency: Optional[str]
        address: Optional[str]
        ext: Optional[dict[str, Any]]

        @classmethod
        def parse(cls, data: Any) -> "InvoiceSubmission.Invoice":
            return _build(cls, data)

    @dataclass(slots=True)
    class Payment:
        txid: Optional[str]
        amount: Optional[float]
        currency: Optional[str]
        method: Optional[str]
        status: Optional[str]
        confirmations: Optional[int]
        created_at: Optional[str]
        updated_at: Optional[str]
        deposit_id: Optional[int]
        ledger_id: Optional[int]
        force_completed: Optional[bool]
        amount_diff: Optional[str]

        @classmethod
        def parse(cls, data: Any) -> "InvoiceSubmission.Payment":
            return _build(cls, data)

    id: Optional[str]
    t: Optional[int]
    type: Optional[str]
    duration: Optional[int]
    amount: Optional[float]
    currency: Optional[str]
    order_id: Optional[str]
    pay_currencies: Optional[list[str]]
    webhook: Optional[str]
    redirect_url: Optional[str]
    status: Optional[str]
    customer_info: Optional[CustomerInfo]
    invoices: Optional[list[Invoice]]
    payment: Optional[Payment]
    additional_payments: Optional[list[Payment]]
    merchant_name: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "InvoiceSubmission":
        return _build(
            cls,
            data,
            {
                "customer_info": cls.CustomerInfo.parse,
                "invoices": _list_of("InvoiceSubmission.Invoice", cls.Invoice.parse),
                "payment": cls.Payment.parse,
                "additional_payments": _list_of("InvoiceSubmission.Payment", cls.Payment.parse),
            },
        )


@dataclass(slots=True)
class InvoicePage:
    page: Optional[int]
    page_size: Optional[int]
    sort: Optional[str]
    sort_field: Optional[str]
    total_pages: Optional[int]
    total_items: Optional[int]
    items: Optional[list[InvoiceSubmission]]

    @classmethod
    def parse(cls, data: Any) -> "InvoicePage":
        return _build(cls, data, {"items": _list_of("InvoiceSubmission", InvoiceSubmission.parse)})


@dataclass(slots=True)
class InvoiceStats:
    time: Optional[str]
    count: Optional[float]

    @classmethod
    def parse(cls, data: Any) -> "InvoiceStats":
        return _build(cls, data)


@dataclass(slots=True)
class CurrencyConversion:
    base_ccy: Optional[str]
    convert_ccy: Optional[str]
    created: Optional[int]

    @classmethod
    def parse(cls, data: Any) -> "CurrencyConversion":
        return _build(cls, data)


@dataclass(slots=True)
class MerchantDeposit:
    id: Optional[int]
    invoice_id: Optional[str]
    order_id: Optional[str]
    type: Optional[str]
    amount: Optional[float]
    t: Optional[int]
    txid: Optional[str]
    currency: Optional[str]
    method: Optional[str]
    pay_method: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "MerchantDeposit":
        return _build(cls, data)


@dataclass(slots=True)
class MerchantUnlinkedDeposit:
    id: Optional[int]
    method: Optional[str]
    currency: Optional[str]
    created_at: Optional[int]
    updated_at: Optional[int]
    amount: Optional[float]
    fee: Optional[float]
    txid: Optional[str]
    address: Optional[str]
    payment_id: Optional[int]
    status: Optional[str]
    note: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "MerchantUnlinkedDeposit":
        return _build(cls, data)
