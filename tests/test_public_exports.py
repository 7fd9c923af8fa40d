"""Every public module's ``__all__`` imports, and no public name disappears: ``SNAPSHOT`` lists the names the public
modules export (a module may export more; a name removed or renamed on purpose is removed here too, in the same
change, with a note in CHANGELOG.md)."""

import importlib
import pkgutil

import pytest

import bfxapi

SNAPSHOT: dict[str, list[str]] = {
    "bfxapi": [
        "Client", "FileNonce", "PUB_REST_HOST", "PUB_WSS_HOST", "REST_HOST", "WSS_HOST", "__version__"
    ],
    "bfxapi.demo": [
        "main", "run"
    ],
    "bfxapi.exceptions": [
        "BfxBaseException", "CertificateError", "ClientClosedError", "ConnectivityError", "CredentialError",
        "IncompleteCredentialError", "InvalidCredentialError", "InvalidInputError", "InvalidInputTypeError",
        "InvalidJSONError", "LabelerSerializerException", "MalformedPayloadError", "NonceError", "NonceFileError",
        "NonceOverflowError", "OrderRuleError", "ProxyAuthenticationError", "ProxyError", "RedirectRefusedError",
        "ServerError", "SyncInEventLoopError", "TlsError"
    ],
    "bfxapi.rest": [
        "BfxRestInterface", "DEFAULT_RATE_LIMITS", "RestStats", "RetryPolicy"
    ],
    "bfxapi.rest.exceptions": [
        "CredentialsRequiredError", "GenericError", "HistoryPagingError", "InvalidCredentialError",
        "MaintenanceError", "NonceTooSmallError", "RateLimitError", "RedirectError", "RequestParameterError",
        "ResourceNotFoundError", "RestConnectionError", "RestError", "RestTimeoutError", "UnexpectedResponseError"
    ],
    "bfxapi.rest.history": [
        "CANDLE_TIMEFRAMES", "History", "PAGE_LIMITS", "Time"
    ],
    "bfxapi.rest.options": [
        "RestOptions", "rest_options_kwargs"
    ],
    "bfxapi.rest.stats": [
        "LATENCY_WINDOW", "RestCounters", "RestStats"
    ],
    "bfxapi.rules": [
        "AMOUNT_DECIMALS", "CheckedOrder", "OrderRuleError", "OrderRules", "PRICE_SIGNIFICANT_DIGITS", "PairLimits",
        "PairLimitsCache", "RulesMode", "round_amount", "round_price"
    ],
    "bfxapi.rules.checker": [
        "CheckedOrder", "OrderRules", "RulesMode", "active_order_symbol", "apply_rules", "rules_mode"
    ],
    "bfxapi.rules.pairs": [
        "PairInfoSource", "PairLimits", "PairLimitsCache", "PairRow", "pair_of"
    ],
    "bfxapi.rules.rounding": [
        "AMOUNT_DECIMALS", "PRICE_SIGNIFICANT_DIGITS", "round_amount", "round_price", "to_decimal"
    ],
    "bfxapi.sync": [
        "Client", "SyncRestInterface"
    ],
    "bfxapi.testing": [
        "Account", "Connection", "DEFAULT_REST_RATE_LIMITS", "DEFAULT_SYMBOLS", "FLAG_BULK", "FLAG_OB_CHECKSUM",
        "FLAG_SEQ_ALL", "FLAG_TIMESTAMP", "FundingContract", "FundingOffer", "LedgerEntry", "Order", "OwnTrade",
        "Position", "Recording", "RecordingError", "Replay", "RestRecord", "Simulator", "SimulatorTls",
        "SimulatorTlsError", "Subscription", "TIMEFRAMES", "Wallet", "checksum", "dumps", "js_number",
        "read_recording", "record", "signature"
    ],
    "bfxapi.types": [
        "Alert", "AuditEntry", "AuthToken", "BalanceAvailable", "BalanceInfo", "BaseMarginInfo", "Candle",
        "CurrencyConversion", "DepositAddress", "DerivativePositionCollateral",
        "DerivativePositionCollateralLimits", "DerivativesStatus", "FundingAutoRenew", "FundingCredit",
        "FundingCurrencyBook", "FundingCurrencyRawBook", "FundingCurrencyTicker", "FundingCurrencyTrade",
        "FundingInfo", "FundingLoan", "FundingMarketAveragePrice", "FundingOffer", "FundingStatistic",
        "FundingTrade", "FundingTradeExecution", "FxRate", "InvoicePage", "InvoiceStats", "InvoiceSubmission",
        "Leaderboard", "Ledger", "LightningNetworkInvoice", "Liquidation", "LoginHistory", "MerchantDeposit",
        "MerchantUnlinkedDeposit", "Movement", "Notification", "Order", "OrderTrade", "PairInfo", "PlatformStatus",
        "Position", "PositionAudit", "PositionClaim", "PositionHistory", "PositionIncrease", "PositionIncreaseInfo",
        "PositionSnapshot", "PulseMessage", "PulseProfile", "RecoveredFundingTrade", "RecoveredTrade", "Setting",
        "Statistic", "SymbolMarginInfo", "TickersHistory", "Trade", "TradingMarketAveragePrice", "TradingPairBook",
        "TradingPairRawBook", "TradingPairTicker", "TradingPairTrade", "Transfer", "UserInfo", "Vasp", "Wallet",
        "Withdrawal"
    ],
    "bfxapi.types.codec": [
        "Codec", "codec", "number_mode"
    ],
    "bfxapi.types.dataclasses": [
        "Alert", "AuditEntry", "AuthToken", "BalanceAvailable", "BalanceInfo", "BaseMarginInfo", "Candle",
        "CurrencyConversion", "DepositAddress", "DerivativePositionCollateral",
        "DerivativePositionCollateralLimits", "DerivativesStatus", "FundingAutoRenew", "FundingCredit",
        "FundingCurrencyBook", "FundingCurrencyRawBook", "FundingCurrencyTicker", "FundingCurrencyTrade",
        "FundingInfo", "FundingLoan", "FundingMarketAveragePrice", "FundingOffer", "FundingStatistic",
        "FundingTrade", "FundingTradeExecution", "FxRate", "InvoicePage", "InvoiceStats", "InvoiceSubmission",
        "Leaderboard", "Ledger", "LightningNetworkInvoice", "Liquidation", "LoginHistory", "MerchantDeposit",
        "MerchantUnlinkedDeposit", "Movement", "Order", "OrderTrade", "PairInfo", "PlatformStatus", "Position",
        "PositionAudit", "PositionClaim", "PositionHistory", "PositionIncrease", "PositionIncreaseInfo",
        "PositionSnapshot", "PulseMessage", "PulseProfile", "RecoveredFundingTrade", "RecoveredTrade", "Setting",
        "Statistic", "SymbolMarginInfo", "TickersHistory", "Trade", "TradingMarketAveragePrice", "TradingPairBook",
        "TradingPairRawBook", "TradingPairTicker", "TradingPairTrade", "Transfer", "UserInfo", "Vasp", "Wallet",
        "Withdrawal"
    ],
    "bfxapi.types.labeler": [
        "PLACEHOLDER", "RecursiveSerializer", "Serializer", "flatten"
    ],
    "bfxapi.types.notification": [
        "Notification", "NotificationSerializer"
    ],
    "bfxapi.types.number": [
        "N", "is_number"
    ],
    "bfxapi.types.serializers": [
        "Alert", "AuditEntry", "AuthToken", "BalanceAvailable", "BalanceInfo", "BaseMarginInfo", "Candle",
        "DepositAddress", "DepositAddressNotification", "DerivativePositionCollateral",
        "DerivativePositionCollateralLimits", "DerivativesStatus", "FundingAutoRenew",
        "FundingAutoRenewNotification", "FundingCredit", "FundingCurrencyBook", "FundingCurrencyRawBook",
        "FundingCurrencyTicker", "FundingCurrencyTrade", "FundingInfo", "FundingLoan", "FundingMarketAveragePrice",
        "FundingOffer", "FundingOfferNotification", "FundingStatistic", "FundingTrade", "FundingTradeExecution",
        "FxRate", "Leaderboard", "Ledger", "LightningNetworkInvoice", "Liquidation", "LoginHistory", "Movement",
        "Order", "OrderListNotification", "OrderNotification", "OrderTrade", "PairInfo", "PlatformStatus",
        "Position", "PositionAudit", "PositionClaim", "PositionClaimNotification", "PositionHistory",
        "PositionIncrease", "PositionIncreaseInfo", "PositionIncreaseNotification", "PositionSnapshot",
        "PulseMessage", "PulseProfile", "RawNotification", "Setting", "Statistic", "SymbolMarginInfo",
        "TickersHistory", "Trade", "TradingMarketAveragePrice", "TradingPairBook", "TradingPairRawBook",
        "TradingPairTicker", "TradingPairTrade", "Transfer", "TransferNotification", "UserInfo", "Vasp", "Wallet",
        "Withdrawal", "WithdrawalNotification", "__serializers__"
    ],
    "bfxapi.websocket": [
        "Account", "Backoff", "BfxWebSocketClient", "BookItem", "CandlesItem", "ConnectionStats", "Flag",
        "Reconciliation", "StatusItem", "Stream", "TickerItem", "TradesItem", "WebSocketOptions", "WebSocketStats"
    ],
    "bfxapi.websocket.account": [
        "Account", "Reconciliation"
    ],
    "bfxapi.websocket.candles": [
        "ManagedCandles"
    ],
    "bfxapi.websocket.exceptions": [
        "ActionRequiresAuthentication", "BfxWebSocketException", "ConnectionNotOpen", "ErrorCode",
        "EventLoopRunningError", "InfoCode", "InputInterruptedError", "InputNotExecutedError", "InputTimeoutError",
        "InvalidMessageError", "MaintenanceInProgressError", "OrderNotPlacedError", "ReconnectionTimeoutError",
        "StreamOverflowError", "SubIdError", "SubscriptionError", "SubscriptionTimeoutError",
        "TooManySubscriptionsError", "TradesPagingError", "UnknownChannelError", "UnknownEventError",
        "UnknownSubscriptionError", "VersionMismatchError"
    ],
    "bfxapi.websocket.order_book": [
        "AggregatedPrecision", "BookEntry", "BookKind", "BookState", "OrderBook", "RawPrecision"
    ],
    "bfxapi.websocket.stats": [
        "ConnectionState", "ConnectionStats", "WebSocketStats"
    ],
    "bfxapi.websocket.subscriptions": [
        "Book", "CHANNELS", "Candles", "Channel", "Status", "Subscription", "Ticker", "Trades"
    ],
}


def _public_modules() -> list[str]:
    """``bfxapi`` and every module of it without a leading underscore in its path (``bfxapi.testing``'s own modules
    aside: the package exports what it offers)."""
    names = ["bfxapi"]
    for info in pkgutil.walk_packages(bfxapi.__path__, "bfxapi.", onerror=lambda name: None):
        parts = info.name.split(".")[1:]
        if any(part.startswith("_") for part in parts) or info.name.startswith("bfxapi.testing."):
            continue
        names.append(info.name)
    return names


PUBLIC = _public_modules()


def test_the_snapshot_names_every_public_module() -> None:
    assert sorted(SNAPSHOT) == sorted(PUBLIC), "a public module was added or removed: update SNAPSHOT"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_name_in_all_imports(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, (list, tuple)), f"{name} has no __all__"
    assert len(set(exported)) == len(exported), f"{name}.__all__ lists a name twice"
    missing = [attribute for attribute in exported if not hasattr(module, attribute)]
    assert not missing, f"{name}.__all__ names what the module does not have: {missing}"
    namespace: dict[str, object] = {}
    exec(f"from {name} import *", namespace)  # pylint: disable=exec-used
    assert set(exported) <= set(namespace)


@pytest.mark.parametrize("name", sorted(SNAPSHOT))
def test_no_public_name_was_removed(name: str) -> None:
    exported = set(importlib.import_module(name).__all__)
    removed = sorted(set(SNAPSHOT[name]) - exported)
    assert not removed, f"{name} no longer exports {removed}"
