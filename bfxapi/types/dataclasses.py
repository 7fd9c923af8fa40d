"""Every payload kind Bitfinex sends, as a slotted dataclass.

Array payloads: field names and their order are the official ``bitfinex-api-py`` 4.0.0 ones (plus the
3.0.5 Pulse types), so code written against the official library keeps working; the serializers in
:mod:`bfxapi.types.serializers` map wire slots onto them. Only the annotations differ from the official
ones, where those were wrong: ``Optional`` marks slots Bitfinex documents or commonly sends as ``null``,
and prices, amounts, rates, balances and fees have the client's number type ``N`` (:mod:`bfxapi.types.number`):
``float`` by default, ``Decimal`` in decimal mode. A class with such fields is generic in it (``Order[N]``; a bare
``Order`` is ``Order[float]``).

Merchant (Bitfinex Pay) payloads are JSON objects with camelCase keys; each of those classes has a
``parse`` classmethod.
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Optional, Union, get_args, get_type_hints

from typing_extensions import TypeVar

from ..exceptions import MalformedPayloadError
from .number import N, is_number

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
    "KeyPermission",
    "AccountSummary",
    "Vasp",
    "AuditEntry",
    "AuthToken",
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
    # JSON-object answers of the ``auth/*/ext`` endpoints beyond Bitfinex Pay
    "LnxInvoicePayment",
    "RecurringAlgoOrder",
    "RecurringAlgoOrderExecution",
    "ThalexTransfer",
    "ThalexFreeTransfers",
    # a JSON value whose layout no type describes (``conf`` keys without a model, merchant settings)
    "JSONValue",
]


# ---------------------------------------------------------------------------------------------------
# REST public endpoints and public WebSocket channels
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class PlatformStatus:
    status: int


@dataclass(slots=True)
class TradingPairTicker(Generic[N]):
    bid: N
    bid_size: N
    ask: N
    ask_size: N
    daily_change: N
    daily_change_relative: N
    last_price: N
    volume: N
    high: N
    low: N


@dataclass(slots=True)
class FundingCurrencyTicker(Generic[N]):
    frr: N
    bid: N
    bid_period: int
    bid_size: N
    ask: N
    ask_period: int
    ask_size: N
    daily_change: N
    daily_change_relative: N
    last_price: N
    volume: N
    high: N
    low: N
    frr_amount_available: N


@dataclass(slots=True)
class TickersHistory(Generic[N]):
    symbol: str
    bid: N
    ask: N
    mts: int


@dataclass(slots=True)
class TradingPairTrade(Generic[N]):
    id: int
    mts: int
    amount: N
    price: N


@dataclass(slots=True)
class FundingCurrencyTrade(Generic[N]):
    id: int
    mts: int
    amount: N
    rate: N
    period: int


@dataclass(slots=True)
class TradingPairBook(Generic[N]):
    price: N
    count: int
    amount: N


@dataclass(slots=True)
class FundingCurrencyBook(Generic[N]):
    rate: N
    period: int
    count: int
    amount: N


@dataclass(slots=True)
class TradingPairRawBook(Generic[N]):
    order_id: int
    price: N
    amount: N


@dataclass(slots=True)
class FundingCurrencyRawBook(Generic[N]):
    offer_id: int
    period: int
    rate: N
    amount: N


@dataclass(slots=True)
class Statistic(Generic[N]):
    mts: int
    value: N


@dataclass(slots=True)
class Candle(Generic[N]):
    mts: int
    open: N
    close: N
    high: N
    low: N
    volume: N


@dataclass(slots=True)
class DerivativesStatus(Generic[N]):
    mts: int
    deriv_price: N
    spot_price: N
    insurance_fund_balance: N
    next_funding_evt_mts: int
    next_funding_accrued: N
    next_funding_step: int
    current_funding: N
    mark_price: N
    open_interest: N
    clamp_min: Optional[N]
    clamp_max: Optional[N]


@dataclass(slots=True)
class Liquidation(Generic[N]):
    pos_id: int
    # Bitfinex sends fractional timestamps here (``1574697680828.2002``).
    mts: float
    symbol: str
    amount: N
    base_price: N
    is_match: int
    is_market_sold: int
    liquidation_price: N


@dataclass(slots=True)
class Leaderboard(Generic[N]):
    mts: int
    username: str
    ranking: int
    value: N
    twitter_handle: Optional[str]


@dataclass(slots=True)
class FundingStatistic(Generic[N]):
    mts: int
    frr: N
    avg_period: N
    funding_amount: N
    funding_amount_used: N
    funding_below_threshold: N


@dataclass(slots=True)
class TradingMarketAveragePrice(Generic[N]):
    price_avg: N
    amount: N


@dataclass(slots=True)
class FundingMarketAveragePrice(Generic[N]):
    rate_avg: N
    amount: N


@dataclass(slots=True)
class FxRate(Generic[N]):
    current_rate: N


@dataclass(slots=True)
class PairInfo(Generic[N]):
    """One row of ``conf/pub:info:pair``: ``[PAIR, [_, _, _, MIN_ORDER_SIZE, MAX_ORDER_SIZE, _, _, _,
    INITIAL_MARGIN, MIN_MARGIN]]`` (not in the official library)."""

    pair: str
    # Bitfinex sends the order size limits as decimal strings ("0.00006").
    min_order_size: str
    max_order_size: str
    initial_margin: Optional[N]
    min_margin: Optional[N]


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
class BalanceAvailable(Generic[N]):
    amount: N


@dataclass(slots=True)
class Order(Generic[N]):
    id: int
    gid: Optional[int]
    cid: Optional[int]
    symbol: str
    mts_create: int
    mts_update: int
    amount: N
    amount_orig: N
    order_type: str
    type_prev: Optional[str]
    mts_tif: Optional[int]
    flags: int
    order_status: str
    price: N
    price_avg: N
    price_trailing: Optional[N]
    price_aux_limit: Optional[N]
    notify: int
    hidden: int
    placed_id: Optional[int]
    routing: str
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class Position(Generic[N]):
    symbol: str
    status: str
    amount: N
    base_price: N
    margin_funding: N
    margin_funding_type: int
    # Null in ``ps``/``pn`` until a calc or a price change fills them.
    pl: Optional[N]
    pl_perc: Optional[N]
    price_liq: Optional[N]
    leverage: Optional[N]
    position_id: int
    mts_create: Optional[int]
    mts_update: Optional[int]
    type: int
    collateral: N
    collateral_min: N
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class Trade(Generic[N]):
    id: int
    symbol: str
    mts_create: int
    order_id: int
    exec_amount: N
    exec_price: N
    order_type: str
    order_price: N
    maker: int
    # Null in ``te`` (execution), filled in ``tu`` once the fee is known.
    fee: Optional[N]
    fee_currency: Optional[str]
    # The client order id of the order that traded: null when that order was placed without one.
    cid: Optional[int]
    #: True for a trade the client fetched over REST after a reconnection (:class:`RecoveredTrade`)
    recovered: ClassVar[bool] = False


@dataclass(slots=True)
class RecoveredTrade(Trade[N]):
    """A trade of the account that executed while the authenticated connection was down: fetched from the trades
    history after the reconnection and delivered as ``trade_execution``, once, in execution order."""

    recovered: ClassVar[bool] = True


@dataclass(slots=True)
class FundingTrade(Generic[N]):
    id: int
    currency: str
    mts_create: int
    offer_id: int
    amount: N
    rate: N
    period: int


@dataclass(slots=True)
class FundingTradeExecution(Generic[N]):
    """An own funding trade as the account channel's ``fte``/``ftu`` events (and newer REST funding trade
    rows) send it: :class:`FundingTrade` plus the trailing ``MAKER`` slot, which the official 7-field
    :class:`FundingTrade` drops."""

    id: int
    currency: str
    mts_create: int
    offer_id: int
    amount: N
    rate: N
    period: int
    maker: Optional[int]
    #: True for a funding trade the client fetched over REST after a reconnection (:class:`RecoveredFundingTrade`)
    recovered: ClassVar[bool] = False


@dataclass(slots=True)
class RecoveredFundingTrade(FundingTradeExecution[N]):
    """A funding trade of the account that executed while the authenticated connection was down: fetched from the
    funding trades history after the reconnection and delivered as ``funding_trade_execution``, once, in execution
    order. ``maker`` is None: the history rows the client reads do not say it."""

    recovered: ClassVar[bool] = True


@dataclass(slots=True)
class OrderTrade(Generic[N]):
    id: int
    symbol: str
    mts_create: int
    order_id: int
    exec_amount: N
    exec_price: N
    maker: int
    fee: N
    fee_currency: str
    # Null when the order was placed without a client order id (as ``Trade.cid``).
    cid: Optional[int]


@dataclass(slots=True)
class Ledger(Generic[N]):
    id: int
    currency: str
    mts: int
    amount: N
    balance: N
    description: str


# In submit acknowledgements (``fon-req``) Bitfinex leaves most of the offer null (protocol.md §4.7).
@dataclass(slots=True)
class FundingOffer(Generic[N]):
    id: int
    symbol: Optional[str]
    mts_create: Optional[int]
    mts_update: Optional[int]
    amount: N
    amount_orig: Optional[N]
    offer_type: Optional[str]
    flags: Optional[int]
    offer_status: Optional[str]
    rate: N
    period: int
    notify: Optional[int]
    hidden: Optional[int]
    renew: Optional[int]


@dataclass(slots=True)
class FundingCredit(Generic[N]):
    id: int
    symbol: str
    side: int
    mts_create: int
    mts_update: int
    amount: N
    flags: int
    status: str
    rate_type: str
    rate: N
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
class FundingLoan(Generic[N]):
    id: int
    symbol: str
    side: int
    mts_create: int
    mts_update: int
    amount: N
    flags: int
    status: str
    rate_type: str
    rate: N
    period: int
    mts_opening: int
    mts_last_payout: Optional[int]
    notify: int
    hidden: int
    renew: int
    no_close: int


@dataclass(slots=True)
class FundingAutoRenew(Generic[N]):
    currency: str
    period: int
    rate: N
    threshold: N


@dataclass(slots=True)
class FundingInfo(Generic[N]):
    symbol: str
    yield_loan: N
    yield_lend: N
    duration_loan: N
    duration_lend: N


@dataclass(slots=True)
class Wallet(Generic[N]):
    wallet_type: str
    currency: str
    balance: N
    unsettled_interest: N
    # Null on the WebSocket unless computed by a ``calc`` request.
    available_balance: Optional[N]
    last_change: Optional[str]
    trade_details: Optional[dict[str, Any]]


@dataclass(slots=True)
class Transfer(Generic[N]):
    mts: int
    wallet_from: str
    wallet_to: str
    currency: str
    currency_to: Optional[str]
    amount: N


@dataclass(slots=True)
class Withdrawal(Generic[N]):
    withdrawal_id: int
    method: str
    payment_id: Optional[str]
    wallet: str
    amount: N
    withdrawal_fee: N


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
class Movement(Generic[N]):
    # The official library annotated ``id`` as ``str``; Bitfinex sends a number.
    id: int
    currency: str
    currency_name: str
    mts_start: int
    mts_update: int
    status: str
    amount: N
    fees: N
    destination_address: Optional[str]
    transaction_id: Optional[str]
    withdraw_transaction_note: Optional[str]


@dataclass(slots=True)
class SymbolMarginInfo(Generic[N]):
    symbol: str
    tradable_balance: N
    gross_balance: N
    buy: N
    sell: N


@dataclass(slots=True)
class BaseMarginInfo(Generic[N]):
    user_pl: N
    user_swaps: N
    margin_balance: N
    margin_net: N
    margin_min: N


@dataclass(slots=True)
class PositionClaim(Generic[N]):
    symbol: str
    position_status: str
    amount: N
    base_price: N
    margin_funding: N
    margin_funding_type: int
    position_id: int
    mts_create: int
    mts_update: int
    pos_type: int
    # The official library annotated these ``str``; they are the numeric position collateral slots.
    collateral: N
    min_collateral: Optional[N]
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class PositionIncreaseInfo(Generic[N]):
    max_pos: int
    current_pos: N
    base_currency_balance: N
    tradable_balance_quote_currency: N
    tradable_balance_quote_total: N
    tradable_balance_base_currency: N
    tradable_balance_base_total: N
    funding_avail: N
    funding_value: N
    funding_required: N
    funding_value_currency: str
    funding_required_currency: str


@dataclass(slots=True)
class PositionIncrease(Generic[N]):
    symbol: str
    amount: N
    base_price: N


@dataclass(slots=True)
class PositionHistory(Generic[N]):
    symbol: str
    status: str
    amount: N
    base_price: N
    funding: N
    funding_type: int
    position_id: int
    mts_create: int
    mts_update: int


@dataclass(slots=True)
class PositionSnapshot(Generic[N]):
    symbol: str
    status: str
    amount: N
    base_price: N
    funding: N
    funding_type: int
    position_id: int
    mts_create: int
    mts_update: int


@dataclass(slots=True)
class PositionAudit(Generic[N]):
    symbol: str
    status: str
    amount: N
    base_price: N
    funding: N
    funding_type: int
    position_id: int
    mts_create: int
    mts_update: int
    type: int
    collateral: N
    collateral_min: N
    meta: Optional[dict[str, Any]]


@dataclass(slots=True)
class DerivativePositionCollateral:
    status: int


@dataclass(slots=True)
class DerivativePositionCollateralLimits(Generic[N]):
    min_collateral: N
    max_collateral: N


@dataclass(slots=True)
class BalanceInfo(Generic[N]):
    aum: N
    aum_net: N


@dataclass(slots=True)
class Alert(Generic[N]):
    """A price alert (``auth/r/alerts``): ``["price:tETHUSD:220", "price", "tETHUSD", 220, 100]``
    (not in the official library)."""

    key: str
    type: str
    symbol: str
    price: N
    countdown: int


@dataclass(slots=True)
class Setting:
    """One ``[KEY, VALUE]`` row of ``auth/r/settings`` (not in the official library); ``value`` is whatever
    JSON the user stored under ``key``."""

    key: str
    value: Any


@dataclass(slots=True)
class KeyPermission:
    """One ``[SCOPE, READ, WRITE]`` row of ``auth/r/permissions``: what the API key may do with ``scope``
    (``"orders"``, ``"wallets"``, ``"withdraw"``, ...), ``read``/``write`` 1 or 0 (not in the official library)."""

    scope: str
    read: int
    write: int


@dataclass(slots=True)
class AccountSummary(Generic[N]):
    """The fee rates and LEO figures of ``auth/r/summary`` (not in the official library). The wire answer nests
    them: ``[_, _, _, _, [[MAKER, MAKER, MAKER, _, _, DERIV_REBATE], [TAKER_TO_CRYPTO, TAKER_TO_STABLE, TAKER_TO_FIAT,
    _, _, DERIV_TAKER]], _, _, _, _, LEO_INFO]``, ``LEO_INFO`` an object such as
    ``{"leo_lev": 0, "leo_amount_avg": 0}``."""

    maker_fee: N
    derivative_rebate: Optional[N]
    taker_fee_to_crypto: N
    taker_fee_to_stable: N
    taker_fee_to_fiat: N
    derivative_taker_fee: Optional[N]
    leo_info: Optional[dict[str, Any]]


@dataclass(slots=True)
class Vasp:
    """A virtual asset service provider (``ext/vasps``) as a ``[ID, NAME]`` row (not in the official library;
    protocol.md gives no layout, fields appended by Bitfinex are ignored)."""

    id: str
    name: str


@dataclass(slots=True)
class AuditEntry:
    """One ``auth/r/audit/hist`` row ``[ID, MTS, _PH, ACTION, _PH, IP, DATA]`` (not in the official library;
    protocol.md gives no layout)."""

    id: int
    mts: int
    action: str
    ip: Optional[str]
    data: Any


@dataclass(slots=True)
class AuthToken:
    """The ``[TOKEN]`` answer of ``auth/w/token``: a token for the ``bfx-token`` header (not in the official
    library)."""

    token: str


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
# crashed on them. Values are never rewritten, so free-form objects (``ext``) keep their own keys; the one
# exception is decimal mode (:func:`parse_merchant`), where a JSON integer in an ``N`` field (``"amount": 100``)
# becomes ``Decimal(100)``, as in the array payloads.
# ---------------------------------------------------------------------------------------------------

_M = TypeVar("_M", bound="DataclassInstance")
# The number type of the classes nested in InvoiceSubmission, which binds N already (type checkers want a TypeVar
# of their own there; it is N's twin).
_N = TypeVar("_N", float, Decimal, default=float)


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _number_fields(klass: type[Any]) -> frozenset[str]:
    """The fields of ``klass`` annotated with the number type ``N`` (``N`` or ``Optional[N]``)."""
    known = _NUMBER_FIELDS.get(klass)
    if known is None:
        hints = get_type_hints(klass)
        known = _NUMBER_FIELDS[klass] = frozenset(
            name for name, hint in hints.items() if is_number(hint) or any(is_number(arg) for arg in get_args(hint))
        )
    return known


_NUMBER_FIELDS: dict[type[Any], frozenset[str]] = {}


def parse_merchant(klass: type[_M], data: Any, decimal: bool = False) -> _M:
    """``klass`` (a merchant type) from its JSON object; in ``decimal`` mode a JSON integer in an ``N`` field
    becomes a ``Decimal`` (the fractional ones already are, decoded so). What the classes' ``parse`` does, in
    either number mode: the client's codec calls this with its mode."""
    if not isinstance(data, dict):
        raise MalformedPayloadError(klass.__qualname__, data, f"expected a JSON object, got {type(data).__name__}")
    nested = _NESTED.get(klass, {})
    numbers = _number_fields(klass) if decimal else frozenset()
    values: dict[str, Any] = {}
    for field in fields(klass):
        key = _camel_case(field.name)
        value = data[key] if key in data else data.get(field.name)
        if value is not None:
            if field.name in nested:
                inner, many = nested[field.name]
                value = _list_of(inner, value, decimal) if many else parse_merchant(inner, value, decimal)
            elif field.name in numbers and value.__class__ is int:
                value = Decimal(value)
        values[field.name] = value
    return klass(**values)


def _list_of(klass: type[_M], data: Any, decimal: bool) -> list[_M]:
    if not isinstance(data, list):
        reason = f"expected a JSON array, got {type(data).__name__}"
        raise MalformedPayloadError(f"list[{klass.__qualname__}]", data, reason)
    return [parse_merchant(klass, item, decimal) for item in data]


@dataclass(slots=True)
class InvoiceSubmission(Generic[N]):
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
            return parse_merchant(cls, data)

    @dataclass(slots=True)
    class Invoice(Generic[_N]):
        amount: Optional[_N]
        currency: Optional[str]
        pay_currency: Optional[str]
        pool_currency: Optional[str]
        address: Optional[str]
        ext: Optional[dict[str, Any]]

        @classmethod
        def parse(cls, data: Any) -> "InvoiceSubmission.Invoice[_N]":
            return parse_merchant(cls, data)

    @dataclass(slots=True)
    class Payment(Generic[_N]):
        txid: Optional[str]
        amount: Optional[_N]
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
        def parse(cls, data: Any) -> "InvoiceSubmission.Payment[_N]":
            return parse_merchant(cls, data)

    id: Optional[str]
    t: Optional[int]
    type: Optional[str]
    duration: Optional[int]
    amount: Optional[N]
    currency: Optional[str]
    order_id: Optional[str]
    pay_currencies: Optional[list[str]]
    webhook: Optional[str]
    redirect_url: Optional[str]
    status: Optional[str]
    customer_info: Optional[CustomerInfo]
    invoices: Optional[list["InvoiceSubmission.Invoice[N]"]]
    payment: Optional["InvoiceSubmission.Payment[N]"]
    additional_payments: Optional[list["InvoiceSubmission.Payment[N]"]]
    merchant_name: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "InvoiceSubmission[N]":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class InvoicePage(Generic[N]):
    page: Optional[int]
    page_size: Optional[int]
    sort: Optional[str]
    sort_field: Optional[str]
    total_pages: Optional[int]
    total_items: Optional[int]
    items: Optional[list[InvoiceSubmission[N]]]

    @classmethod
    def parse(cls, data: Any) -> "InvoicePage[N]":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class InvoiceStats(Generic[N]):
    time: Optional[str]
    # a count (``stats/count``) or a sum of amounts (``stats/earning``)
    count: Optional[N]

    @classmethod
    def parse(cls, data: Any) -> "InvoiceStats[N]":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class CurrencyConversion:
    base_ccy: Optional[str]
    convert_ccy: Optional[str]
    created: Optional[int]

    @classmethod
    def parse(cls, data: Any) -> "CurrencyConversion":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class MerchantDeposit(Generic[N]):
    id: Optional[int]
    invoice_id: Optional[str]
    order_id: Optional[str]
    type: Optional[str]
    amount: Optional[N]
    t: Optional[int]
    txid: Optional[str]
    currency: Optional[str]
    method: Optional[str]
    pay_method: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "MerchantDeposit[N]":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class MerchantUnlinkedDeposit(Generic[N]):
    id: Optional[int]
    method: Optional[str]
    currency: Optional[str]
    created_at: Optional[int]
    updated_at: Optional[int]
    amount: Optional[N]
    fee: Optional[N]
    txid: Optional[str]
    address: Optional[str]
    payment_id: Optional[int]
    status: Optional[str]
    note: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "MerchantUnlinkedDeposit[N]":
        return parse_merchant(cls, data)


# field -> (the merchant type of its objects, whether it holds a list of them)
_NESTED: dict[type[Any], dict[str, tuple[type[Any], bool]]] = {
    InvoiceSubmission: {
        "customer_info": (InvoiceSubmission.CustomerInfo, False),
        "invoices": (InvoiceSubmission.Invoice, True),
        "payment": (InvoiceSubmission.Payment, False),
        "additional_payments": (InvoiceSubmission.Payment, True),
    },
    InvoicePage: {"items": (InvoiceSubmission, True)},
}


#: Any JSON value, as the client decodes it (numbers with a fraction are ``Decimal`` in decimal mode): the type of
#: answers whose layout Bitfinex leaves free (a merchant setting, a ``conf`` key without a model of its own).
JSONValue = Union[None, bool, int, float, Decimal, str, list["JSONValue"], dict[str, "JSONValue"]]


# ---------------------------------------------------------------------------------------------------
# Other ``auth/*/ext`` endpoints (protocol.md §6.2 "Other"): JSON objects, parsed like the merchant ones (camelCase
# keys, unknown keys ignored, missing ones None). Where each layout comes from: bfxapi/testing/README.md "Sources".
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class LnxInvoicePayment:
    """One Lightning Network invoice or payment (``auth/r/ext/invoice/payments``). The fields are the terms of
    Bitfinex's "LNX Invoice Payments" reference (2025); their camelCase keys (``paymentHash``) follow Bitfinex's
    other JSON-object answers, an assumption: the reference names only the terms (``PAYMENT_HASH``)."""

    payment_hash: Optional[str]
    created_at: Optional[int]
    invoice_expiry: Optional[int]
    invoice: Optional[str]
    recipient_pub_key: Optional[str]
    memo: Optional[str]
    #: in satoshis
    amount: Optional[int]
    #: in BTC, as exact decimal text
    bfx_amount: Optional[str]
    status: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "LnxInvoicePayment":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class RecurringAlgoOrder(Generic[N]):
    """A recurring algorithmic order (``auth/*/ext/recurring-ao/*``). Bitfinex documents no layout: the fields are
    our assumption, after the parameters of Bitfinex's own recurring algo order (bfx-hf-algo ``bfx-recurring``:
    symbol, action, amount, currency, recurrence, start and end) and the id the official Node library sends
    (``algoOrderId``)."""

    algo_order_id: Optional[str]
    alias: Optional[str]
    symbol: Optional[str]
    #: ``"buy"`` or ``"sell"``
    action: Optional[str]
    amount: Optional[N]
    currency: Optional[str]
    #: ``"daily"``, ``"weekly"`` or ``"monthly"``
    recurrence: Optional[str]
    #: ms since the epoch
    start_at: Optional[int]
    end_at: Optional[int]
    #: ``"ACTIVE"``, ``"CANCELLED"`` or ``"ENDED"``
    status: Optional[str]
    created_at: Optional[int]
    updated_at: Optional[int]
    next_execution_at: Optional[int]

    @classmethod
    def parse(cls, data: Any) -> "RecurringAlgoOrder[N]":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class RecurringAlgoOrderExecution(Generic[N]):
    """One order a recurring algorithmic order placed (``auth/r/ext/recurring-ao/order/list``); the layout is our
    assumption (Bitfinex documents none)."""

    algo_order_id: Optional[str]
    order_id: Optional[int]
    symbol: Optional[str]
    amount: Optional[N]
    price: Optional[N]
    status: Optional[str]
    mts: Optional[int]

    @classmethod
    def parse(cls, data: Any) -> "RecurringAlgoOrderExecution[N]":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class ThalexTransfer:
    """A deposit to or a withdrawal from Thalex (``auth/w/ext/wallets/{deposits,withdrawals}/request``), as Bitfinex's
    "Thalex Deposit Request" and "Thalex Withdrawal Request" references (2025) lay it out."""

    #: ``"deposit"`` or ``"withdrawal"``
    type: Optional[str]
    address_dest: Optional[str]
    #: exact decimal text, as Bitfinex sends it
    amount: Optional[str]
    ccy: Optional[str]
    created_at: Optional[int]
    updated_at: Optional[int]
    id: Optional[str]
    status: Optional[str]
    #: exact decimal text
    fee: Optional[str]

    @classmethod
    def parse(cls, data: Any) -> "ThalexTransfer":
        return parse_merchant(cls, data)


@dataclass(slots=True)
class ThalexFreeTransfers:
    """Free Thalex transfers left (``auth/r/ext/wallets/transfers/free/count``), as Bitfinex's "Thalex Free Transfer
    Count" reference (2025) lays them out: ``deposits`` and ``withdrawals``, each available count and reset time."""

    @dataclass(slots=True)
    class Count:
        available: Optional[int]
        #: ms since the epoch when the count renews; None when Bitfinex gives none
        resets_at: Optional[int]

        @classmethod
        def parse(cls, data: Any) -> "ThalexFreeTransfers.Count":
            return parse_merchant(cls, data)

    deposits: Optional[Count]
    withdrawals: Optional[Count]

    @classmethod
    def parse(cls, data: Any) -> "ThalexFreeTransfers":
        return parse_merchant(cls, data)


_NESTED[ThalexFreeTransfers] = {
    "deposits": (ThalexFreeTransfers.Count, False),
    "withdrawals": (ThalexFreeTransfers.Count, False),
}
