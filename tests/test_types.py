"""Every payload type: field names and order, wire layout, realistic frames, malformed frames.

The expected layouts below are written out here, from official-api.md §4.4/§4.7 and protocol.md, and
never read from the serializers, so a renamed, reordered or shifted field fails a test.
"""

import dataclasses
import json
import typing
from pathlib import Path
from typing import Any

import pytest
from fixtures import WS_CAPTURE, fixture_path

from bfxapi import types
from bfxapi.exceptions import LabelerSerializerException, MalformedPayloadError
from bfxapi.types import serializers
from bfxapi.types.labeler import flatten
from bfxapi.types.number import is_number

# ---------------------------------------------------------------------------------------------------
# Expected layouts: wire slot count and {field: wire slot}, fields in the official order
# ---------------------------------------------------------------------------------------------------

OFFICIAL_LAYOUTS: dict[str, tuple[int, dict[str, int]]] = {
    "PlatformStatus": (1, {"status": 0}),
    "TradingPairTicker": (
        10,
        {
            "bid": 0, "bid_size": 1, "ask": 2, "ask_size": 3, "daily_change": 4, "daily_change_relative": 5,
            "last_price": 6, "volume": 7, "high": 8, "low": 9,
        },
    ),
    "FundingCurrencyTicker": (
        16,
        {
            "frr": 0, "bid": 1, "bid_period": 2, "bid_size": 3, "ask": 4, "ask_period": 5, "ask_size": 6,
            "daily_change": 7, "daily_change_relative": 8, "last_price": 9, "volume": 10, "high": 11, "low": 12,
            "frr_amount_available": 15,
        },
    ),
    "TickersHistory": (13, {"symbol": 0, "bid": 1, "ask": 3, "mts": 12}),
    "TradingPairTrade": (4, {"id": 0, "mts": 1, "amount": 2, "price": 3}),
    "FundingCurrencyTrade": (5, {"id": 0, "mts": 1, "amount": 2, "rate": 3, "period": 4}),
    "TradingPairBook": (3, {"price": 0, "count": 1, "amount": 2}),
    "FundingCurrencyBook": (4, {"rate": 0, "period": 1, "count": 2, "amount": 3}),
    "TradingPairRawBook": (3, {"order_id": 0, "price": 1, "amount": 2}),
    "FundingCurrencyRawBook": (4, {"offer_id": 0, "period": 1, "rate": 2, "amount": 3}),
    "Statistic": (2, {"mts": 0, "value": 1}),
    "Candle": (6, {"mts": 0, "open": 1, "close": 2, "high": 3, "low": 4, "volume": 5}),
    "DerivativesStatus": (
        23,
        {
            "mts": 0, "deriv_price": 2, "spot_price": 3, "insurance_fund_balance": 5, "next_funding_evt_mts": 7,
            "next_funding_accrued": 8, "next_funding_step": 9, "current_funding": 11, "mark_price": 14,
            "open_interest": 17, "clamp_min": 21, "clamp_max": 22,
        },
    ),
    "Liquidation": (
        12,
        {
            "pos_id": 1, "mts": 2, "symbol": 4, "amount": 5, "base_price": 6, "is_match": 8, "is_market_sold": 9,
            "liquidation_price": 11,
        },
    ),
    "Leaderboard": (10, {"mts": 0, "username": 2, "ranking": 3, "value": 6, "twitter_handle": 9}),
    "FundingStatistic": (
        12,
        {
            "mts": 0, "frr": 3, "avg_period": 4, "funding_amount": 7, "funding_amount_used": 8,
            "funding_below_threshold": 11,
        },
    ),
    "TradingMarketAveragePrice": (2, {"price_avg": 0, "amount": 1}),
    "FundingMarketAveragePrice": (2, {"rate_avg": 0, "amount": 1}),
    "FxRate": (1, {"current_rate": 0}),
    "UserInfo": (
        55,
        {
            "id": 0, "email": 1, "username": 2, "mts_account_create": 3, "verified": 4, "verification_level": 5,
            "timezone": 7, "locale": 8, "company": 9, "email_verified": 10, "mts_master_account_create": 14,
            "group_id": 15, "master_account_id": 16, "inherit_master_account_verification": 17, "is_group_master": 18,
            "group_withdraw_enabled": 19, "ppt_enabled": 23, "merchant_enabled": 24, "competition_enabled": 25,
            "two_factors_authentication_modes": 26, "is_securities_master": 34, "securities_enabled": 38,
            "allow_disable_ctxswitch": 39, "time_last_login": 44, "ctxtswitch_disabled": 47, "comp_countries": 49,
            "compl_countries_resid": 50, "is_merchant_enterprise": 54,
        },
    ),
    "LoginHistory": (8, {"id": 0, "time": 2, "ip": 4, "extra_info": 7}),
    "BalanceAvailable": (1, {"amount": 0}),
    "Order": (
        32,
        {
            "id": 0, "gid": 1, "cid": 2, "symbol": 3, "mts_create": 4, "mts_update": 5, "amount": 6, "amount_orig": 7,
            "order_type": 8, "type_prev": 9, "mts_tif": 10, "flags": 12, "order_status": 13, "price": 16,
            "price_avg": 17, "price_trailing": 18, "price_aux_limit": 19, "notify": 23, "hidden": 24, "placed_id": 25,
            "routing": 28, "meta": 31,
        },
    ),
    "Position": (
        20,
        {
            "symbol": 0, "status": 1, "amount": 2, "base_price": 3, "margin_funding": 4, "margin_funding_type": 5,
            "pl": 6, "pl_perc": 7, "price_liq": 8, "leverage": 9, "position_id": 11, "mts_create": 12,
            "mts_update": 13, "type": 15, "collateral": 17, "collateral_min": 18, "meta": 19,
        },
    ),
    "Trade": (
        12,
        {
            "id": 0, "symbol": 1, "mts_create": 2, "order_id": 3, "exec_amount": 4, "exec_price": 5, "order_type": 6,
            "order_price": 7, "maker": 8, "fee": 9, "fee_currency": 10, "cid": 11,
        },
    ),
    "FundingTrade": (7, {"id": 0, "currency": 1, "mts_create": 2, "offer_id": 3, "amount": 4, "rate": 5, "period": 6}),
    "OrderTrade": (
        12,
        {
            "id": 0, "symbol": 1, "mts_create": 2, "order_id": 3, "exec_amount": 4, "exec_price": 5, "maker": 8,
            "fee": 9, "fee_currency": 10, "cid": 11,
        },
    ),
    "Ledger": (9, {"id": 0, "currency": 1, "mts": 3, "amount": 5, "balance": 6, "description": 8}),
    "FundingOffer": (
        21,
        {
            "id": 0, "symbol": 1, "mts_create": 2, "mts_update": 3, "amount": 4, "amount_orig": 5, "offer_type": 6,
            "flags": 9, "offer_status": 10, "rate": 14, "period": 15, "notify": 16, "hidden": 17, "renew": 19,
        },
    ),
    "FundingCredit": (
        22,
        {
            "id": 0, "symbol": 1, "side": 2, "mts_create": 3, "mts_update": 4, "amount": 5, "flags": 6, "status": 7,
            "rate_type": 8, "rate": 11, "period": 12, "mts_opening": 13, "mts_last_payout": 14, "notify": 15,
            "hidden": 16, "renew": 18, "no_close": 20, "position_pair": 21,
        },
    ),
    "FundingLoan": (
        21,
        {
            "id": 0, "symbol": 1, "side": 2, "mts_create": 3, "mts_update": 4, "amount": 5, "flags": 6, "status": 7,
            "rate_type": 8, "rate": 11, "period": 12, "mts_opening": 13, "mts_last_payout": 14, "notify": 15,
            "hidden": 16, "renew": 18, "no_close": 20,
        },
    ),
    "FundingAutoRenew": (4, {"currency": 0, "period": 1, "rate": 2, "threshold": 3}),
    "FundingInfo": (6, {"symbol": 1, "yield_loan": 2, "yield_lend": 3, "duration_loan": 4, "duration_lend": 5}),
    "Wallet": (
        7,
        {
            "wallet_type": 0, "currency": 1, "balance": 2, "unsettled_interest": 3, "available_balance": 4,
            "last_change": 5, "trade_details": 6,
        },
    ),
    "Transfer": (8, {"mts": 0, "wallet_from": 1, "wallet_to": 2, "currency": 4, "currency_to": 5, "amount": 7}),
    "Withdrawal": (
        9,
        {
            "withdrawal_id": 0, "method": 2, "payment_id": 3, "wallet": 4, "amount": 5, "withdrawal_fee": 8,
        },
    ),
    "DepositAddress": (6, {"method": 1, "currency_code": 2, "address": 4, "pool_address": 5}),
    "LightningNetworkInvoice": (5, {"invoice_hash": 0, "invoice": 1, "amount": 4}),
    "Movement": (
        22,
        {
            "id": 0, "currency": 1, "currency_name": 2, "mts_start": 5, "mts_update": 6, "status": 9, "amount": 12,
            "fees": 13, "destination_address": 16, "transaction_id": 20, "withdraw_transaction_note": 21,
        },
    ),
    "SymbolMarginInfo": (6, {"symbol": 1, "tradable_balance": 2, "gross_balance": 3, "buy": 4, "sell": 5}),
    "BaseMarginInfo": (6, {"user_pl": 1, "user_swaps": 2, "margin_balance": 3, "margin_net": 4, "margin_min": 5}),
    "PositionClaim": (
        20,
        {
            "symbol": 0, "position_status": 1, "amount": 2, "base_price": 3, "margin_funding": 4,
            "margin_funding_type": 5, "position_id": 11, "mts_create": 12, "mts_update": 13, "pos_type": 15,
            "collateral": 17, "min_collateral": 18, "meta": 19,
        },
    ),
    "PositionIncreaseInfo": (
        18,
        {
            "max_pos": 0, "current_pos": 1, "base_currency_balance": 2, "tradable_balance_quote_currency": 3,
            "tradable_balance_quote_total": 4, "tradable_balance_base_currency": 5, "tradable_balance_base_total": 6,
            "funding_avail": 11, "funding_value": 14, "funding_required": 15, "funding_value_currency": 16,
            "funding_required_currency": 17,
        },
    ),
    "PositionIncrease": (4, {"symbol": 0, "amount": 2, "base_price": 3}),
    "PositionHistory": (
        14,
        {
            "symbol": 0, "status": 1, "amount": 2, "base_price": 3, "funding": 4, "funding_type": 5,
            "position_id": 11, "mts_create": 12, "mts_update": 13,
        },
    ),
    "PositionSnapshot": (
        14,
        {
            "symbol": 0, "status": 1, "amount": 2, "base_price": 3, "funding": 4, "funding_type": 5,
            "position_id": 11, "mts_create": 12, "mts_update": 13,
        },
    ),
    "PositionAudit": (
        20,
        {
            "symbol": 0, "status": 1, "amount": 2, "base_price": 3, "funding": 4, "funding_type": 5,
            "position_id": 11, "mts_create": 12, "mts_update": 13, "type": 15, "collateral": 17, "collateral_min": 18,
            "meta": 19,
        },
    ),
    "DerivativePositionCollateral": (1, {"status": 0}),
    "DerivativePositionCollateralLimits": (2, {"min_collateral": 0, "max_collateral": 1}),
    "BalanceInfo": (2, {"aum": 0, "aum_net": 1}),
    "PulseProfile": (
        17,
        {
            "puid": 0, "mts": 1, "nickname": 3, "picture": 5, "text": 6, "twitter_handle": 9, "followers": 11,
            "following": 12, "tipping_status": 16,
        },
    ),
    "PulseMessage": (
        22,
        {
            "pid": 0, "mts": 1, "puid": 3, "title": 5, "content": 6, "is_pin": 9, "is_public": 10,
            "comments_disabled": 11, "tags": 12, "attachments": 13, "meta": 14, "likes": 15, "profile": 18,
            "comments": 19,
        },
    ),
}

# Types the official library lacks; layouts from protocol.md §6.1, §6.2 and §8.
EXTRA_LAYOUTS: dict[str, tuple[int, dict[str, int]]] = {
    "PairInfo": (11, {"pair": 0, "min_order_size": 4, "max_order_size": 5, "initial_margin": 9, "min_margin": 10}),
    "FundingTradeExecution": (
        8,
        {"id": 0, "currency": 1, "mts_create": 2, "offer_id": 3, "amount": 4, "rate": 5, "period": 6, "maker": 7},
    ),
    "Alert": (5, {"key": 0, "type": 1, "symbol": 2, "price": 3, "countdown": 4}),
    "Setting": (2, {"key": 0, "value": 1}),
    "KeyPermission": (3, {"scope": 0, "read": 1, "write": 2}),
    "AccountSummary": (21, {"maker_fee": 4, "derivative_rebate": 9, "taker_fee_to_crypto": 10,
                            "taker_fee_to_stable": 11, "taker_fee_to_fiat": 12, "derivative_taker_fee": 15,
                            "leo_info": 20}),
    "Vasp": (2, {"id": 0, "name": 1}),
    "AuditEntry": (7, {"id": 0, "mts": 1, "action": 3, "ip": 5, "data": 6}),
    "AuthToken": (1, {"token": 0}),
}

LAYOUTS = {**OFFICIAL_LAYOUTS, **EXTRA_LAYOUTS}

FLAT = {"FundingInfo", "SymbolMarginInfo", "BaseMarginInfo", "PositionIncreaseInfo", "PairInfo", "AccountSummary"}

# official-api.md §4.6 (3.0.5 field names)
MERCHANT_FIELDS: dict[Any, list[str]] = {
    types.InvoiceSubmission: [
        "id", "t", "type", "duration", "amount", "currency", "order_id", "pay_currencies", "webhook", "redirect_url",
        "status", "customer_info", "invoices", "payment", "additional_payments", "merchant_name",
    ],
    types.InvoiceSubmission.CustomerInfo: [
        "nationality", "resid_country", "resid_state", "resid_city", "resid_zip_code", "resid_street",
        "resid_building_no", "full_name", "email", "tos_accepted",
    ],
    types.InvoiceSubmission.Invoice: ["amount", "currency", "pay_currency", "pool_currency", "address", "ext"],
    types.InvoiceSubmission.Payment: [
        "txid", "amount", "currency", "method", "status", "confirmations", "created_at", "updated_at", "deposit_id",
        "ledger_id", "force_completed", "amount_diff",
    ],
    types.InvoicePage: ["page", "page_size", "sort", "sort_field", "total_pages", "total_items", "items"],
    types.InvoiceStats: ["time", "count"],
    types.CurrencyConversion: ["base_ccy", "convert_ccy", "created"],
    types.MerchantDeposit: [
        "id", "invoice_id", "order_id", "type", "amount", "t", "txid", "currency", "method", "pay_method",
    ],
    types.MerchantUnlinkedDeposit: [
        "id", "method", "currency", "created_at", "updated_at", "amount", "fee", "txid", "address", "payment_id",
        "status", "note",
    ],
}

# ---------------------------------------------------------------------------------------------------
# Realistic wire arrays and the objects they must give
# ---------------------------------------------------------------------------------------------------

# Frames of the real session in tests/data/bitfinex-ws-capture-2021-04-17.txt (decoded here
# from their original text, JavaScript number formatting included).
TICKER_FRAME = (
    "[232949,[0.068965,60157.36709703,0.0774,48578.50804052,0.001969,0.0262,0.076989,101459.39453471,"
    "0.0828,0.068961],1]"
)
TRADE_SNAPSHOT_FRAME = (
    "[232959,[[669899159,1618665870435,166.391496,0.076989],[669899158,1618665870435,6961.461304,0.076985]],4]"
)
BOOK_FRAME = "[225206,[279380,1,0.0089],19]"
BOOK_JS_NUMBER_FRAME = "[204928,[2e-8,0,1],50]"

PULSE_PROFILE_WIRE = [
    "a8b5e8d4-5d5c-4a59-a3c0-0f5f06a8a7f3", 1618677000000, None, "CryptoBob", None, "avatar-a8b5.png",
    "Long-term BTC holder", None, None, "cryptobob", None, 1250, 87, None, None, None, 1,
]
PULSE_PROFILE_FIELDS = {
    "puid": "a8b5e8d4-5d5c-4a59-a3c0-0f5f06a8a7f3", "mts": 1618677000000, "nickname": "CryptoBob",
    "picture": "avatar-a8b5.png", "text": "Long-term BTC holder", "twitter_handle": "cryptobob",
    "followers": 1250, "following": 87, "tipping_status": 1,
}


def pulse_message_wire(profile_slot: Any) -> list[Any]:
    return [
        "b2c3d4e5-0a1b-4c2d-9e8f-112233445566", 1618677543000, None, "a8b5e8d4-5d5c-4a59-a3c0-0f5f06a8a7f3", None,
        "Weekly outlook", "BTC holding above 60k", None, None, 0, 1, 0, ["BTC", "markets"], ["chart.png"],
        [{"source": "web"}], 42, None, None, profile_slot, 7, None, None,
    ]


ORDER_WIRE = json.loads(  # protocol.md §8.5
    '[34930659963,null,1574955083558,"tETHUSD",1574955083558,1574955083573,0.201104,0.201104,"EXCHANGE LIMIT",'
    'null,null,null,0,"ACTIVE",null,null,120,0,0,0,null,null,null,0,0,null,null,null,"BFX",null,null,null]'
)
ORDER_FIELDS = {
    "id": 34930659963, "gid": None, "cid": 1574955083558, "symbol": "tETHUSD", "mts_create": 1574955083558,
    "mts_update": 1574955083573, "amount": 0.201104, "amount_orig": 0.201104, "order_type": "EXCHANGE LIMIT",
    "type_prev": None, "mts_tif": None, "flags": 0, "order_status": "ACTIVE", "price": 120, "price_avg": 0,
    "price_trailing": 0, "price_aux_limit": 0, "notify": 0, "hidden": 0, "placed_id": None, "routing": "BFX",
    "meta": None,
}

USER_INFO_WIRE = [
    269312, "trader@example.com", "trader", 1527866267000, 1, 2, None, "Europe/Zurich", "en_US", None, 1,
    None, None, None, None, None, None, None, None, None,
    None, None, None, 0, 1, 0, ["u2f", "otp"],
    None, None, None, None, None, None, None, 0, None, None, None, 0, 1,
    None, None, None, None, 1618677543000, None, None, 0, None, ["CH", "DE"], ["CH"], None, None, None, 0,
]

# name -> (wire array, expected fields)
CASES: dict[str, tuple[list[Any], dict[str, Any]]] = {
    "PlatformStatus": ([1], {"status": 1}),
    "TradingPairTicker": (
        json.loads(TICKER_FRAME)[1],
        {
            "bid": 0.068965, "bid_size": 60157.36709703, "ask": 0.0774, "ask_size": 48578.50804052,
            "daily_change": 0.001969, "daily_change_relative": 0.0262, "last_price": 0.076989,
            "volume": 101459.39453471, "high": 0.0828, "low": 0.068961,
        },
    ),
    "FundingCurrencyTicker": (  # protocol.md §8.1
        [
            0.0003193369863013699, 0.0002401, 30, 3939629.6177260396, 0.00019012, 2, 307776.1592138799,
            -0.00005823, -0.2344, 0.00019016, 122156333.45260866, 0.00027397, 6.8e-7, None, None, 3441851.73330503,
        ],
        {
            "frr": 0.0003193369863013699, "bid": 0.0002401, "bid_period": 30, "bid_size": 3939629.6177260396,
            "ask": 0.00019012, "ask_period": 2, "ask_size": 307776.1592138799, "daily_change": -0.00005823,
            "daily_change_relative": -0.2344, "last_price": 0.00019016, "volume": 122156333.45260866,
            "high": 0.00027397, "low": 6.8e-7, "frr_amount_available": 3441851.73330503,
        },
    ),
    "TickersHistory": (
        ["tBTCUSD", 60880, None, 60881, None, None, None, None, None, None, None, None, 1618677540000],
        {"symbol": "tBTCUSD", "bid": 60880, "ask": 60881, "mts": 1618677540000},
    ),
    "TradingPairTrade": (
        json.loads(TRADE_SNAPSHOT_FRAME)[1][0],
        {"id": 669899159, "mts": 1618665870435, "amount": 166.391496, "price": 0.076989},
    ),
    "FundingCurrencyTrade": (  # protocol.md §8.4
        [133323543, 1574694605000, -59.84, 0.00023647, 2],
        {"id": 133323543, "mts": 1574694605000, "amount": -59.84, "rate": 0.00023647, "period": 2},
    ),
    "TradingPairBook": (json.loads(BOOK_FRAME)[1], {"price": 279380, "count": 1, "amount": 0.0089}),
    "FundingCurrencyBook": (  # protocol.md §8.2
        [0.00023112, 30, 1, -15190.7005375],
        {"rate": 0.00023112, "period": 30, "count": 1, "amount": -15190.7005375},
    ),
    "TradingPairRawBook": (
        [34753002978, 7294.7, 1.54340371], {"order_id": 34753002978, "price": 7294.7, "amount": 1.54340371}
    ),
    "FundingCurrencyRawBook": (
        [658282397, 30, 0.000233, -530], {"offer_id": 658282397, "period": 30, "rate": 0.000233, "amount": -530}
    ),
    "Statistic": ([1618677480000, 5210.12], {"mts": 1618677480000, "value": 5210.12}),
    "Candle": (  # protocol.md §8.3 (O, C, H, L order)
        [1574698200000, 7399.9, 7379.7, 7400.5, 7371.8, 41.63633658],
        {"mts": 1574698200000, "open": 7399.9, "close": 7379.7, "high": 7400.5, "low": 7371.8, "volume": 41.63633658},
    ),
    "DerivativesStatus": (  # protocol.md §8.10
        json.loads(
            "[1596124822000,null,0.896,0.771995,null,1396531.67460709,null,1596153600000,0.0001056,6,null,"
            "-0.01381344,null,null,0.7664,null,null,246502.09001551,null,null,null,null,0.3]"
        ),
        {
            "mts": 1596124822000, "deriv_price": 0.896, "spot_price": 0.771995,
            "insurance_fund_balance": 1396531.67460709, "next_funding_evt_mts": 1596153600000,
            "next_funding_accrued": 0.0001056, "next_funding_step": 6, "current_funding": -0.01381344,
            "mark_price": 0.7664, "open_interest": 246502.09001551, "clamp_min": None, "clamp_max": 0.3,
        },
    ),
    "Liquidation": (  # protocol.md §8.10, one row of the WS frame
        ["pos", 142397657, 1574697680828.2002, None, "tBSVUSD", -2.62932, 91.583875238719, None, 1, 1, None, 112.27],
        {
            "pos_id": 142397657, "mts": 1574697680828.2002, "symbol": "tBSVUSD", "amount": -2.62932,
            "base_price": 91.583875238719, "is_match": 1, "is_market_sold": 1, "liquidation_price": 112.27,
        },
    ),
    "Leaderboard": (
        [1618675200000, None, "whale_42", 3, None, None, 1842265.13, None, None, "whale42"],
        {"mts": 1618675200000, "username": "whale_42", "ranking": 3, "value": 1842265.13, "twitter_handle": "whale42"},
    ),
    "FundingStatistic": (
        [1618675200000, None, None, 0.000271, 29.37, None, None, 412345678.9, 380123456.7, None, None, 1234567.8],
        {
            "mts": 1618675200000, "frr": 0.000271, "avg_period": 29.37, "funding_amount": 412345678.9,
            "funding_amount_used": 380123456.7, "funding_below_threshold": 1234567.8,
        },
    ),
    "TradingMarketAveragePrice": ([60012.5, 1.5], {"price_avg": 60012.5, "amount": 1.5}),
    "FundingMarketAveragePrice": ([0.000251, 1000], {"rate_avg": 0.000251, "amount": 1000}),
    "FxRate": ([0.8385], {"current_rate": 0.8385}),
    "PairInfo": (  # protocol.md §6.1, one row of conf/pub:info:pair
        ["BTCUSD", [None, None, None, "0.00006", "2000.0", None, None, None, 0.2, 0.1]],
        {"pair": "BTCUSD", "min_order_size": "0.00006", "max_order_size": "2000.0", "initial_margin": 0.2,
         "min_margin": 0.1},
    ),
    "UserInfo": (
        USER_INFO_WIRE,
        {
            "id": 269312, "email": "trader@example.com", "username": "trader", "mts_account_create": 1527866267000,
            "verified": 1, "verification_level": 2, "timezone": "Europe/Zurich", "locale": "en_US", "company": None,
            "email_verified": 1, "mts_master_account_create": None, "group_id": None, "master_account_id": None,
            "inherit_master_account_verification": None, "is_group_master": None, "group_withdraw_enabled": None,
            "ppt_enabled": 0, "merchant_enabled": 1, "competition_enabled": 0,
            "two_factors_authentication_modes": ["u2f", "otp"], "is_securities_master": 0, "securities_enabled": 0,
            "allow_disable_ctxswitch": 1, "time_last_login": 1618677543000, "ctxtswitch_disabled": 0,
            "comp_countries": ["CH", "DE"], "compl_countries_resid": ["CH"], "is_merchant_enterprise": 0,
        },
    ),
    "LoginHistory": (
        [8256483, None, 1618677543000, None, "203.0.113.7", None, None, {"user_agent": "Mozilla/5.0"}],
        {"id": 8256483, "time": 1618677543000, "ip": "203.0.113.7", "extra_info": {"user_agent": "Mozilla/5.0"}},
    ),
    "BalanceAvailable": ([1.23456], {"amount": 1.23456}),
    "Order": (ORDER_WIRE, ORDER_FIELDS),
    "Position": (  # protocol.md §8.6
        json.loads(
            '["tETHUST","ACTIVE",0.2,153.71,0,0,-0.0794,-0.0586,67.53,1.409,null,142420429,null,null,null,0,null,0,0,'
            '{"reason":"TRADE","order_id":34934099168,"order_id_oppo":34934090814,"liq_stage":null,'
            '"trade_price":"153.71","trade_amount":"0.2"}]'
        ),
        {
            "symbol": "tETHUST", "status": "ACTIVE", "amount": 0.2, "base_price": 153.71, "margin_funding": 0,
            "margin_funding_type": 0, "pl": -0.0794, "pl_perc": -0.0586, "price_liq": 67.53, "leverage": 1.409,
            "position_id": 142420429, "mts_create": None, "mts_update": None, "type": 0, "collateral": 0,
            "collateral_min": 0,
            "meta": {
                "reason": "TRADE", "order_id": 34934099168, "order_id_oppo": 34934090814, "liq_stage": None,
                "trade_price": "153.71", "trade_amount": "0.2",
            },
        },
    ),
    "Trade": (  # protocol.md §8.4, a `te` (fee not known yet)
        [402088407, "tETHUST", 1574963975602, 34938060782, -0.2, 153.57, "MARKET", 0, -1, None, None, 0],
        {
            "id": 402088407, "symbol": "tETHUST", "mts_create": 1574963975602, "order_id": 34938060782,
            "exec_amount": -0.2, "exec_price": 153.57, "order_type": "MARKET", "order_price": 0, "maker": -1,
            "fee": None, "fee_currency": None, "cid": 0,
        },
    ),
    "FundingTrade": (
        [636854, "fUSD", 1575282446000, 41238905, -1000, 0.002, 7],
        {
            "id": 636854, "currency": "fUSD", "mts_create": 1575282446000, "offer_id": 41238905, "amount": -1000,
            "rate": 0.002, "period": 7,
        },
    ),
    "FundingTradeExecution": (  # protocol.md §8.4
        [636854, "fUSD", 1575282446000, 41238905, -1000, 0.002, 7, 1],
        {
            "id": 636854, "currency": "fUSD", "mts_create": 1575282446000, "offer_id": 41238905, "amount": -1000,
            "rate": 0.002, "period": 7, "maker": 1,
        },
    ),
    "OrderTrade": (
        [402088407, "tETHUST", 1574963975602, 34938060782, -0.2, 153.57, None, None, -1, -0.0307, "UST", 1574963975000],
        {
            "id": 402088407, "symbol": "tETHUST", "mts_create": 1574963975602, "order_id": 34938060782,
            "exec_amount": -0.2, "exec_price": 153.57, "maker": -1, "fee": -0.0307, "fee_currency": "UST",
            "cid": 1574963975000,
        },
    ),
    "Ledger": (  # protocol.md §8.10
        [2531822314, "USD", "margin", 1573521810000, None, 0.01644445, 0, None, "Settlement @ 185.79 on wallet margin"],
        {
            "id": 2531822314, "currency": "USD", "mts": 1573521810000, "amount": 0.01644445, "balance": 0,
            "description": "Settlement @ 185.79 on wallet margin",
        },
    ),
    "FundingOffer": (  # protocol.md §8.8
        json.loads(
            '[41238747,"fUST",1575026670000,1575026670000,5000,5000,"LIMIT",null,null,0,"ACTIVE",null,null,null,'
            "0.006,30,0,0,null,0,null]"
        ),
        {
            "id": 41238747, "symbol": "fUST", "mts_create": 1575026670000, "mts_update": 1575026670000,
            "amount": 5000, "amount_orig": 5000, "offer_type": "LIMIT", "flags": 0, "offer_status": "ACTIVE",
            "rate": 0.006, "period": 30, "notify": 0, "hidden": 0, "renew": 0,
        },
    ),
    "FundingCredit": (
        [
            26222883, "fUSD", 1, 1575052261000, 1575296187000, 350, 0, "ACTIVE", "FIXED", None, None, 0.0024, 2,
            1575052261000, 1575293487000, 0, 0, None, 0, None, 0, "tBTCUSD",
        ],
        {
            "id": 26222883, "symbol": "fUSD", "side": 1, "mts_create": 1575052261000, "mts_update": 1575296187000,
            "amount": 350, "flags": 0, "status": "ACTIVE", "rate_type": "FIXED", "rate": 0.0024, "period": 2,
            "mts_opening": 1575052261000, "mts_last_payout": 1575293487000, "notify": 0, "hidden": 0, "renew": 0,
            "no_close": 0, "position_pair": "tBTCUSD",
        },
    ),
    "FundingLoan": (
        [
            13683223, "fUSD", -1, 1575051964000, 1575051965000, 200, 0, "ACTIVE", "VAR", None, None, 0.002, 7,
            1575051966000, None, 0, 0, None, 0, None, 1,
        ],
        {
            "id": 13683223, "symbol": "fUSD", "side": -1, "mts_create": 1575051964000, "mts_update": 1575051965000,
            "amount": 200, "flags": 0, "status": "ACTIVE", "rate_type": "VAR", "rate": 0.002, "period": 7,
            "mts_opening": 1575051966000, "mts_last_payout": None, "notify": 0, "hidden": 0, "renew": 0,
            "no_close": 1,
        },
    ),
    "FundingAutoRenew": (
        ["USD", 2, 0.00025, 500], {"currency": "USD", "period": 2, "rate": 0.00025, "threshold": 500}
    ),
    "FundingInfo": (  # fiu / auth/r/info/funding: ["sym", fSYM, [...]]
        ["sym", "fUSD", [0.0008, 0.0004, 1.6, 2.1]],
        {"symbol": "fUSD", "yield_loan": 0.0008, "yield_lend": 0.0004, "duration_loan": 1.6, "duration_lend": 2.1},
    ),
    "Wallet": (  # protocol.md §8.7
        json.loads(
            '["exchange","BTC",1.61169184,0,null,"Exchange 0.01 BTC for USD @ 7804.6",{"reason":"TRADE",'
            '"order_id":34988418651,"order_id_oppo":34990541044,"trade_price":"7804.6","trade_amount":"0.01"}]'
        ),
        {
            "wallet_type": "exchange", "currency": "BTC", "balance": 1.61169184, "unsettled_interest": 0,
            "available_balance": None, "last_change": "Exchange 0.01 BTC for USD @ 7804.6",
            "trade_details": {
                "reason": "TRADE", "order_id": 34988418651, "order_id_oppo": 34990541044, "trade_price": "7804.6",
                "trade_amount": "0.01",
            },
        },
    ),
    "Transfer": (  # protocol.md §8.9
        [1568736745790, "margin", "exchange", None, "USD", None, None, 50],
        {
            "mts": 1568736745790, "wallet_from": "margin", "wallet_to": "exchange", "currency": "USD",
            "currency_to": None, "amount": 50,
        },
    ),
    "Withdrawal": (
        [13063236, None, "tetherusx", None, "exchange", 5, None, None, 0.00135],
        {
            "withdrawal_id": 13063236, "method": "tetherusx", "payment_id": None, "wallet": "exchange", "amount": 5,
            "withdrawal_fee": 0.00135,
        },
    ),
    "DepositAddress": (
        [None, "BITCOIN", "BTC", None, "1EpSjixjQCytynhyw2qK8m5ki6dHRyP4Gj", None],
        {"method": "BITCOIN", "currency_code": "BTC", "address": "1EpSjixjQCytynhyw2qK8m5ki6dHRyP4Gj",
         "pool_address": None},
    ),
    "LightningNetworkInvoice": (
        ["9d6c1a9b0e5f", "lnbc500u1pw5kps0pp5", None, None, "0.0005"],
        {"invoice_hash": "9d6c1a9b0e5f", "invoice": "lnbc500u1pw5kps0pp5", "amount": "0.0005"},
    ),
    "Movement": (  # protocol.md §8.10 layout
        [
            13105603, "ETH", "ETHEREUM", None, None, 1569348774000, 1569348780000, None, None, "COMPLETED", None,
            None, -0.26300954, -0.00135, None, None, "0x6b9cd6e5f9fb5fd5dd29cd7fbd0af7fb7b5a5f9d", None, None, None,
            "0x5d9f3b4e8f7a", "rent",
        ],
        {
            "id": 13105603, "currency": "ETH", "currency_name": "ETHEREUM", "mts_start": 1569348774000,
            "mts_update": 1569348780000, "status": "COMPLETED", "amount": -0.26300954, "fees": -0.00135,
            "destination_address": "0x6b9cd6e5f9fb5fd5dd29cd7fbd0af7fb7b5a5f9d", "transaction_id": "0x5d9f3b4e8f7a",
            "withdraw_transaction_note": "rent",
        },
    ),
    "SymbolMarginInfo": (  # miu "sym"
        ["sym", "tBTCUSD", [1450.2, 1500.7, 0.03, 0.028]],
        {"symbol": "tBTCUSD", "tradable_balance": 1450.2, "gross_balance": 1500.7, "buy": 0.03, "sell": 0.028},
    ),
    "BaseMarginInfo": (  # miu "base"
        ["base", [-13.01464, 0.5, 49331.70267297, 49318.68803297, 27]],
        {"user_pl": -13.01464, "user_swaps": 0.5, "margin_balance": 49331.70267297, "margin_net": 49318.68803297,
         "margin_min": 27},
    ),
    "PositionClaim": (
        json.loads(
            '["tETHUSD","ACTIVE",-0.2,167.01,0,0,null,null,null,null,null,142355652,1574002216000,1574002217000,'
            'null,0,null,0,null,{"reason":"TRADE","order_id":34271018124,"trade_price":"169.57"}]'
        ),
        {
            "symbol": "tETHUSD", "position_status": "ACTIVE", "amount": -0.2, "base_price": 167.01,
            "margin_funding": 0, "margin_funding_type": 0, "position_id": 142355652, "mts_create": 1574002216000,
            "mts_update": 1574002217000, "pos_type": 0, "collateral": 0, "min_collateral": None,
            "meta": {"reason": "TRADE", "order_id": 34271018124, "trade_price": "169.57"},
        },
    ),
    "PositionIncreaseInfo": (  # nested groups are flattened; the grouping here is illustrative
        [[10], [0.5], [1.2], [25000.5, 30000.0, 0.46, 0.55], [None, None, None, None], [8000.0], [None, None],
         [3500.0, 2000.0, "USD", "BTC"]],
        {
            "max_pos": 10, "current_pos": 0.5, "base_currency_balance": 1.2,
            "tradable_balance_quote_currency": 25000.5, "tradable_balance_quote_total": 30000.0,
            "tradable_balance_base_currency": 0.46, "tradable_balance_base_total": 0.55, "funding_avail": 8000.0,
            "funding_value": 3500.0, "funding_required": 2000.0, "funding_value_currency": "USD",
            "funding_required_currency": "BTC",
        },
    ),
    "PositionIncrease": (
        ["tBTCUSD", None, 0.001, 60012.5], {"symbol": "tBTCUSD", "amount": 0.001, "base_price": 60012.5}
    ),
    "PositionHistory": (
        ["tETHUSD", "CLOSED", 0, 178.07, 0.12, 1, None, None, None, None, None, 142355652, 1574002216000,
         1574003012000],
        {
            "symbol": "tETHUSD", "status": "CLOSED", "amount": 0, "base_price": 178.07, "funding": 0.12,
            "funding_type": 1, "position_id": 142355652, "mts_create": 1574002216000, "mts_update": 1574003012000,
        },
    ),
    "PositionSnapshot": (
        ["tBTCUSD", "ACTIVE", 0.0195, 8102.0, -0.00019, 0, None, None, None, None, None, 142380264, 1574688000000,
         1574688032000],
        {
            "symbol": "tBTCUSD", "status": "ACTIVE", "amount": 0.0195, "base_price": 8102.0, "funding": -0.00019,
            "funding_type": 0, "position_id": 142380264, "mts_create": 1574688000000, "mts_update": 1574688032000,
        },
    ),
    "PositionAudit": (
        ["tBTCUSD", "ACTIVE", 0.0195, 8102.0, -0.00019, 0, None, None, None, None, None, 142380264, 1574688000000,
         1574688032000, None, 1, None, 120.5, 45.2, {"reason": "TRADE"}],
        {
            "symbol": "tBTCUSD", "status": "ACTIVE", "amount": 0.0195, "base_price": 8102.0, "funding": -0.00019,
            "funding_type": 0, "position_id": 142380264, "mts_create": 1574688000000, "mts_update": 1574688032000,
            "type": 1, "collateral": 120.5, "collateral_min": 45.2, "meta": {"reason": "TRADE"},
        },
    ),
    "DerivativePositionCollateral": ([1], {"status": 1}),
    "DerivativePositionCollateralLimits": ([12.5, 4850.3], {"min_collateral": 12.5, "max_collateral": 4850.3}),
    "BalanceInfo": ([49331.70267297, 49318.68803297], {"aum": 49331.70267297, "aum_net": 49318.68803297}),
    "Alert": (  # protocol.md §6.2 / §8.10
        ["price:tETHUSD:220", "price", "tETHUSD", 220, 100],
        {"key": "price:tETHUSD:220", "type": "price", "symbol": "tETHUSD", "price": 220, "countdown": 100},
    ),
    "Setting": (["api:bfx-ui-theme", {"dark": True}], {"key": "api:bfx-ui-theme", "value": {"dark": True}}),
    "KeyPermission": (["withdraw", 1, 0], {"scope": "withdraw", "read": 1, "write": 0}),
    "AccountSummary": (  # the documented auth/r/summary example
        [None, None, None, None, [[0.001, 0.001, 0.001, None, None, -0.0002], [0.002, 0.002, 0.002, None, None,
                                                                               0.00075]],
         None, None, None, None, {"leo_lev": 0, "leo_amount_avg": 0}],
        {"maker_fee": 0.001, "derivative_rebate": -0.0002, "taker_fee_to_crypto": 0.002, "taker_fee_to_stable": 0.002,
         "taker_fee_to_fiat": 0.002, "derivative_taker_fee": 0.00075, "leo_info": {"leo_lev": 0, "leo_amount_avg": 0}},
    ),
    "Vasp": (["bitfinex", "Bitfinex"], {"id": "bitfinex", "name": "Bitfinex"}),
    "AuditEntry": ([3, 1700000000000, None, "login", None, "1.2.3.4", {"via": "api"}],
                   {"id": 3, "mts": 1700000000000, "action": "login", "ip": "1.2.3.4", "data": {"via": "api"}}),
    "AuthToken": (["0a1b2c3d-0000-4000-8000-000000000001"], {"token": "0a1b2c3d-0000-4000-8000-000000000001"}),
    "PulseProfile": (PULSE_PROFILE_WIRE, PULSE_PROFILE_FIELDS),
    "PulseMessage": (
        pulse_message_wire([PULSE_PROFILE_WIRE]),  # as pulse/hist sends it: [[...profile...]]
        {
            "pid": "b2c3d4e5-0a1b-4c2d-9e8f-112233445566", "mts": 1618677543000,
            "puid": "a8b5e8d4-5d5c-4a59-a3c0-0f5f06a8a7f3", "title": "Weekly outlook",
            "content": "BTC holding above 60k", "is_pin": 0, "is_public": 1, "comments_disabled": 0,
            "tags": ["BTC", "markets"], "attachments": ["chart.png"], "meta": [{"source": "web"}], "likes": 42,
            "profile": PULSE_PROFILE_FIELDS, "comments": 7,
        },
    ),
}

NAMES = sorted(CASES)


def serializer_of(name: str) -> Any:
    return getattr(serializers, name)


def drop_last_slot(wire: list[Any], flat: bool) -> list[Any]:
    """The array with its last wire slot removed (for flat layouts, the last leaf of the nesting)."""
    if flat and wire and isinstance(wire[-1], list):
        return [*wire[:-1], drop_last_slot(wire[-1], flat)]
    return wire[:-1]


# ---------------------------------------------------------------------------------------------------
# Field names, order and wire layout
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_field_names_and_order_match_the_official_library(name: str) -> None:
    _, layout = LAYOUTS[name]
    assert [field.name for field in dataclasses.fields(getattr(types, name))] == list(layout)


@pytest.mark.parametrize("klass", list(MERCHANT_FIELDS), ids=lambda klass: klass.__qualname__)
def test_merchant_field_names_and_order(klass: Any) -> None:
    assert [field.name for field in dataclasses.fields(klass)] == MERCHANT_FIELDS[klass]


def test_the_official_4_0_0_set_is_complete() -> None:
    assert len(OFFICIAL_LAYOUTS) == 52  # 50 types of official-api.md §4.7 + the two Pulse types of §4.4
    assert set(OFFICIAL_LAYOUTS) <= set(types.__all__)


def test_every_serializer_is_listed_and_tested() -> None:
    assert sorted(serializers.__serializers__) == sorted(LAYOUTS) == NAMES
    for name in serializers.__serializers__:
        assert serializer_of(name).klass is getattr(types, name)
        assert serializer_of(name).name == name


def test_every_payload_type_is_a_slotted_dataclass() -> None:
    for name in set(types.__all__) - {"Notification"}:
        klass = getattr(types, name)
        assert dataclasses.is_dataclass(klass), name
        assert "__slots__" in vars(klass), name


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_field_is_read_from_its_documented_wire_slot(name: str) -> None:
    slots, layout = LAYOUTS[name]
    serializer = serializer_of(name)
    assert len(serializer.labels) == slots
    assert serializer.flat == (name in FLAT)
    # A distinct marker in every slot, of the type its documented field holds, shows which slot each field
    # was read from (a field read from another slot gets another marker, or one of the wrong type).
    hints = typing.get_type_hints(getattr(types, name))
    wire: list[Any] = [f"slot {i}" for i in range(slots)]
    for field, slot in layout.items():
        wire[slot] = marker(hints[field], slot)
    if name == "PulseMessage":
        wire[layout["profile"]] = PULSE_PROFILE_WIRE
    parsed = serializer.from_wire(wire)
    for field, slot in layout.items():
        if name == "PulseMessage" and field == "profile":
            continue
        assert getattr(parsed, field) == marker(hints[field], slot), field


def marker(annotation: Any, slot: int) -> Any:
    """A value of type ``annotation`` that only wire slot ``slot`` holds (the number type ``N`` is float here: these
    are the float mode's serializers)."""
    if typing.get_origin(annotation) is typing.Union:
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    origin = typing.get_origin(annotation) or annotation
    if annotation is float or is_number(annotation):
        return slot + 0.5
    if annotation is int:
        return 1000 + slot
    if origin is dict:
        return {"slot": slot}
    if origin is list:
        return [f"slot {slot}"]
    return f"slot {slot}"  # str, Any


# ---------------------------------------------------------------------------------------------------
# Realistic arrays, extra trailing elements, short and non-array payloads
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_parses_a_realistic_array(name: str) -> None:
    wire, expected = CASES[name]
    parsed = serializer_of(name).from_wire(wire)
    assert type(parsed) is getattr(types, name)
    assert dataclasses.asdict(parsed) == expected


@pytest.mark.parametrize("name", NAMES)
def test_realistic_array_has_exactly_the_documented_length(name: str) -> None:
    wire, _ = CASES[name]
    slots, _ = LAYOUTS[name]
    assert len(flatten(wire) if name in FLAT else wire) == slots


@pytest.mark.parametrize("name", NAMES)
def test_parse_takes_the_elements_as_arguments(name: str) -> None:
    wire, _ = CASES[name]
    assert serializer_of(name).parse(*wire) == serializer_of(name).from_wire(wire)


@pytest.mark.parametrize("name", NAMES)
def test_extra_trailing_elements_are_ignored(name: str) -> None:
    wire, expected = CASES[name]
    longer = [*wire, 12345, "a field Bitfinex added later", None, [1, 2]]
    parsed = serializer_of(name).from_wire(longer)
    assert parsed == serializer_of(name).from_wire(wire)
    assert dataclasses.asdict(parsed) == expected


@pytest.mark.parametrize("name", NAMES)
def test_one_element_too_short_raises_naming_the_type(name: str) -> None:
    wire, _ = CASES[name]
    short = drop_last_slot(wire, name in FLAT)
    with pytest.raises(MalformedPayloadError) as caught:
        serializer_of(name).from_wire(short)
    assert caught.value.type_name == name
    assert f"Cannot build {name}:" in str(caught.value)
    # Flat layouts report the flattened array.
    assert flatten(caught.value.payload) == flatten(short)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("payload", [None, {"id": 1}, "tBTCUSD", 42, ()], ids=repr)
def test_a_non_list_raises_naming_the_type(name: str, payload: Any) -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        serializer_of(name).from_wire(payload)
    assert caught.value.type_name == name
    assert name in str(caught.value)


@pytest.mark.parametrize("name", NAMES)
def test_a_tuple_of_the_right_elements_is_still_rejected(name: str) -> None:
    # Only decoded JSON arrays (lists) are accepted, so a caller's mistake cannot slip through.
    wire, _ = CASES[name]
    with pytest.raises(LabelerSerializerException):
        serializer_of(name).from_wire(tuple(wire))


def test_from_wire_list_parses_a_snapshot_from_the_capture() -> None:
    rows = json.loads(TRADE_SNAPSHOT_FRAME)[1]
    trades = serializers.TradingPairTrade.from_wire_list(rows)
    assert [(trade.id, trade.amount) for trade in trades] == [(669899159, 166.391496), (669899158, 6961.461304)]
    with pytest.raises(MalformedPayloadError, match=r"list\[TradingPairTrade\]"):
        serializers.TradingPairTrade.from_wire_list({"0": rows[0]})  # type: ignore[arg-type]


def test_javascript_number_formatting_from_the_capture() -> None:
    level = serializers.TradingPairBook.from_wire(json.loads(BOOK_JS_NUMBER_FRAME)[1])
    assert level == types.TradingPairBook(price=2e-8, count=0, amount=1)


# ---------------------------------------------------------------------------------------------------
# Pulse: the author's profile in slot 18
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slot", [[PULSE_PROFILE_WIRE], PULSE_PROFILE_WIRE], ids=["wrapped as pulse/hist sends it", "unwrapped"]
)
def test_pulse_message_profile_accepts_both_shapes(slot: Any) -> None:
    message = serializers.PulseMessage.from_wire(pulse_message_wire(slot))
    assert isinstance(message.profile, types.PulseProfile)
    assert dataclasses.asdict(message.profile) == PULSE_PROFILE_FIELDS
    assert message.comments == 7


def test_pulse_message_without_profile() -> None:
    assert serializers.PulseMessage.from_wire(pulse_message_wire(None)).profile is None


def test_pulse_message_with_a_short_profile_names_the_profile() -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        serializers.PulseMessage.from_wire(pulse_message_wire([PULSE_PROFILE_WIRE[:-1]]))
    assert caught.value.type_name == "PulseProfile"


def test_the_plain_pulse_profile_serializer_does_not_unwrap() -> None:
    with pytest.raises(MalformedPayloadError):
        serializers.PulseProfile.from_wire([PULSE_PROFILE_WIRE])


# ---------------------------------------------------------------------------------------------------
# Ready-made notification serializers (examples of protocol.md §4.7 and §8.9)
# ---------------------------------------------------------------------------------------------------


def test_order_notification_from_the_websocket() -> None:
    frame = json.loads(
        '[0,"n",[1575289447641,"ou-req",null,null,[1185815100,null,1575289350475,"tETHUSD",1575289351944,'
        '1575289351948,-3,-3,"LIMIT",null,null,null,0,"ACTIVE",null,null,240,0,0,0,null,null,null,0,0,null,null,'
        'null,"API>BFX",null,null,null],null,"SUCCESS","Submitting update to limit sell order for 3 ETH."]]'
    )
    notification = serializers.OrderNotification.from_wire(frame[2])
    assert isinstance(notification, types.Notification)
    assert (notification.mts, notification.type, notification.status) == (1575289447641, "ou-req", "SUCCESS")
    assert notification.text == "Submitting update to limit sell order for 3 ETH."
    order = notification.data
    assert isinstance(order, types.Order)
    assert (order.id, order.cid, order.amount, order.price, order.routing) == (
        1185815100, 1575289350475, -3, 240, "API>BFX"
    )


def test_order_notification_from_rest_submit() -> None:
    notification = serializers.OrderNotification.from_wire(
        [1678987199, "on-req", None, None, [ORDER_WIRE], None, "SUCCESS", "Submitting 1 orders."]
    )
    assert dataclasses.asdict(notification.data) == ORDER_FIELDS


def test_order_list_notification_from_rest_cancel_multi() -> None:
    second = [*ORDER_WIRE]
    second[0] = 34930659964
    notification = serializers.OrderListNotification.from_wire(
        [1568711312683, "oc_multi-req", None, None, [ORDER_WIRE, second], None, "SUCCESS", "Submitted 2 cancels."]
    )
    assert [order.id for order in notification.data] == [34930659963, 34930659964]


def test_funding_offer_notification_with_the_nulls_of_a_submit() -> None:
    notification = serializers.FundingOfferNotification.from_wire(
        json.loads(
            '[1575282446099,"fon-req",null,null,[41238905,null,null,null,-1000,null,null,null,null,null,null,null,'
            'null,null,0.002,2,null,null,null,null,null],null,"SUCCESS",'
            '"Submitting funding bid of 1000.0 USD at 0.2000 for 2 days."]'
        )
    )
    offer = notification.data
    assert (offer.id, offer.amount, offer.rate, offer.period) == (41238905, -1000, 0.002, 2)
    assert offer.symbol is None and offer.offer_status is None


def test_transfer_notification() -> None:
    notification = serializers.TransferNotification.from_wire(
        json.loads(
            '[1568736745789,"acc_tf",null,null,[1568736745790,"margin","exchange",null,"USD",null,null,50],null,'
            '"SUCCESS","50.0 US Dollar transferred from Margin to Exchange"]'
        )
    )
    assert notification.data == types.Transfer(1568736745790, "margin", "exchange", "USD", None, 50)
    assert notification.text == "50.0 US Dollar transferred from Margin to Exchange"


@pytest.mark.parametrize(
    "serializer_name, type_name",
    [
        ("WithdrawalNotification", "Withdrawal"),
        ("DepositAddressNotification", "DepositAddress"),
        ("PositionClaimNotification", "PositionClaim"),
        ("PositionIncreaseNotification", "PositionIncrease"),
        ("FundingAutoRenewNotification", "FundingAutoRenew"),
    ],
)
def test_rest_write_notifications(serializer_name: str, type_name: str) -> None:
    wire, expected = CASES[type_name]
    notification = getattr(serializers, serializer_name).from_wire(
        [1618677543000, "acc", None, None, wire, None, "SUCCESS", "ok"]
    )
    assert type(notification.data) is getattr(types, type_name)
    assert dataclasses.asdict(notification.data) == expected


def test_raw_notification_keeps_the_data() -> None:
    info = {"type": "ucm-test", "info": {"hello": "world"}}
    notification = serializers.RawNotification.from_wire(
        [1618677543000, "ucm-test", 7, None, info, None, "INFO", "test"]
    )
    assert notification.data is info
    assert notification.message_id == 7


# ---------------------------------------------------------------------------------------------------
# Merchant payloads: JSON objects with camelCase keys
# ---------------------------------------------------------------------------------------------------

PAYMENT = {
    "txid": "3a9b4c", "amount": 0.00021, "currency": "BTC", "method": "BITCOIN", "status": "COMPLETED",
    "confirmations": 2, "createdAt": "2021-04-17T16:39:03.000Z", "updatedAt": "2021-04-17T16:59:03.000Z",
    "depositId": 2871, "ledgerId": 9911, "forceCompleted": False, "amountDiff": "0", "networkFeeHint": "low",
}
INVOICE = {
    "id": "fbc4a3e8-1a10-4e2b-8c6a-7c8f9b61d2f0", "t": 1618677543000, "type": "ECOMMERCE", "duration": 86339,
    "amount": 12.5, "currency": "USD", "orderId": "order-1001", "payCurrencies": ["BTC", "ETH"],
    "webhook": "https://shop.example/hook", "redirectUrl": "https://shop.example/done", "status": "COMPLETED",
    "customerInfo": {
        "nationality": "DE", "residCountry": "GB", "residCity": "London", "residZipCode": "WC2N 5DU",
        "residStreet": "5-6 Leicester Square", "fullName": "John Doe", "email": "john@example.com",
        "tosAccepted": True, "kycLevel": 2,
    },
    "invoices": [
        {
            "amount": 0.0002, "currency": "USD", "payCurrency": "BTC", "poolCurrency": "BTC", "address": "bc1qxy2k",
            "ext": {"someCamelKey": 1, "nested_key": {"innerCamel": 2}},
        }
    ],
    "payment": PAYMENT,
    "additionalPayments": [{**PAYMENT, "txid": "7e1f20", "amount": 0.00001}],
    "merchantName": "Example Shop",
    "brandNewTopLevelKey": {"whatever": 1},
}


def test_invoice_submission_from_camel_case_keys() -> None:
    invoice = types.InvoiceSubmission.parse(INVOICE)
    assert (invoice.id, invoice.t, invoice.type, invoice.duration) == (
        "fbc4a3e8-1a10-4e2b-8c6a-7c8f9b61d2f0", 1618677543000, "ECOMMERCE", 86339
    )
    assert (invoice.order_id, invoice.pay_currencies, invoice.redirect_url) == (
        "order-1001", ["BTC", "ETH"], "https://shop.example/done"
    )
    assert invoice.merchant_name == "Example Shop"
    customer = invoice.customer_info
    assert isinstance(customer, types.InvoiceSubmission.CustomerInfo)
    assert (customer.resid_country, customer.resid_zip_code, customer.full_name, customer.tos_accepted) == (
        "GB", "WC2N 5DU", "John Doe", True
    )
    # Keys Bitfinex did not send are None.
    assert customer.resid_state is None and customer.resid_building_no is None
    assert invoice.invoices is not None and len(invoice.invoices) == 1
    sub_invoice = invoice.invoices[0]
    assert isinstance(sub_invoice, types.InvoiceSubmission.Invoice)
    assert (sub_invoice.pay_currency, sub_invoice.pool_currency, sub_invoice.address) == ("BTC", "BTC", "bc1qxy2k")
    # Free-form values keep their own keys.
    assert sub_invoice.ext == {"someCamelKey": 1, "nested_key": {"innerCamel": 2}}
    payment = invoice.payment
    assert isinstance(payment, types.InvoiceSubmission.Payment)
    assert (payment.created_at, payment.deposit_id, payment.ledger_id, payment.force_completed) == (
        "2021-04-17T16:39:03.000Z", 2871, 9911, False
    )
    assert invoice.additional_payments is not None
    assert [(p.txid, p.amount) for p in invoice.additional_payments] == [("7e1f20", 0.00001)]


def test_invoice_submission_accepts_snake_case_keys_too() -> None:
    invoice = types.InvoiceSubmission.parse({"order_id": "order-7", "customer_info": {"full_name": "Jane Roe"}})
    assert invoice.order_id == "order-7"
    assert invoice.customer_info == types.InvoiceSubmission.CustomerInfo(
        None, None, None, None, None, None, None, "Jane Roe", None, None
    )


def test_missing_keys_are_none() -> None:
    invoice = types.InvoiceSubmission.parse({})
    assert all(getattr(invoice, field.name) is None for field in dataclasses.fields(invoice))


@pytest.mark.parametrize(
    "payload, type_name",
    [
        (["not", "an", "object"], "InvoiceSubmission"),
        ({**INVOICE, "customerInfo": "GB"}, "InvoiceSubmission.CustomerInfo"),
        ({**INVOICE, "invoices": {"amount": 1}}, "list[InvoiceSubmission.Invoice]"),
        ({**INVOICE, "invoices": [None]}, "InvoiceSubmission.Invoice"),
        ({**INVOICE, "payment": [1, 2]}, "InvoiceSubmission.Payment"),
        ({**INVOICE, "additionalPayments": ["x"]}, "InvoiceSubmission.Payment"),
    ],
)
def test_malformed_invoice_names_the_type(payload: Any, type_name: str) -> None:
    with pytest.raises(MalformedPayloadError) as caught:
        types.InvoiceSubmission.parse(payload)
    assert caught.value.type_name == type_name
    assert type_name in str(caught.value)


def test_invoice_page() -> None:
    page = types.InvoicePage.parse(
        {"page": 1, "pageSize": 10, "sort": "desc", "sortField": "t", "totalPages": 3, "totalItems": 21,
         "items": [INVOICE, {**INVOICE, "id": "second"}], "cursor": "abc"}
    )
    assert (page.page, page.page_size, page.sort, page.sort_field, page.total_pages, page.total_items) == (
        1, 10, "desc", "t", 3, 21
    )
    assert page.items is not None
    assert [item.id for item in page.items] == ["fbc4a3e8-1a10-4e2b-8c6a-7c8f9b61d2f0", "second"]
    assert all(isinstance(item, types.InvoiceSubmission) for item in page.items)
    with pytest.raises(MalformedPayloadError, match=r"list\[InvoiceSubmission\]"):
        types.InvoicePage.parse({"items": "none"})


@pytest.mark.parametrize(
    "klass, payload, expected",
    [
        (types.InvoiceStats, {"time": "2021-04-17", "count": 4, "extra": 1}, {"time": "2021-04-17", "count": 4}),
        (
            types.CurrencyConversion,
            {"baseCcy": "USD", "convertCcy": "BTC", "created": 1618677543000, "id": 3},
            {"base_ccy": "USD", "convert_ccy": "BTC", "created": 1618677543000},
        ),
        (
            types.MerchantDeposit,
            {"id": 2871, "invoiceId": "fbc4a3e8", "orderId": "order-1001", "type": "deposit", "amount": 0.00021,
             "t": 1618677543000, "txid": "3a9b4c", "currency": "BTC", "method": "BITCOIN", "payMethod": "BTC",
             "meta": {"camelCase": 1}},
            {"id": 2871, "invoice_id": "fbc4a3e8", "order_id": "order-1001", "type": "deposit", "amount": 0.00021,
             "t": 1618677543000, "txid": "3a9b4c", "currency": "BTC", "method": "BITCOIN", "pay_method": "BTC"},
        ),
        (
            types.MerchantUnlinkedDeposit,
            {"id": 9001, "method": "BITCOIN", "currency": "BTC", "createdAt": 1618677543000,
             "updatedAt": 1618677600000, "amount": 0.001, "fee": 0.00001, "txid": "77aa", "address": "bc1qxy2k",
             "paymentId": None, "status": "COMPLETED"},
            {"id": 9001, "method": "BITCOIN", "currency": "BTC", "created_at": 1618677543000,
             "updated_at": 1618677600000, "amount": 0.001, "fee": 0.00001, "txid": "77aa", "address": "bc1qxy2k",
             "payment_id": None, "status": "COMPLETED", "note": None},
        ),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_other_merchant_types(klass: Any, payload: dict[str, Any], expected: dict[str, Any]) -> None:
    assert dataclasses.asdict(klass.parse(payload)) == expected
    with pytest.raises(MalformedPayloadError) as caught:
        klass.parse([payload])
    assert caught.value.type_name == klass.__name__


# ---------------------------------------------------------------------------------------------------
# Replay of the real capture: every ticker, trade and book frame parses, fields in wire order
# ---------------------------------------------------------------------------------------------------



def _received_frames(path: Path) -> list[Any]:
    frames = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("wss://"):
            continue  # frames the client sent, and the connection marker
        frames.append(json.loads(line.split(": ", 1)[1]))
    return frames


def test_every_data_frame_of_the_real_capture_parses() -> None:
    by_channel: dict[str, Any] = {"ticker": serializers.TradingPairTicker, "trades": serializers.TradingPairTrade,
                  "book": serializers.TradingPairBook}
    channels: dict[int, Any] = {}
    parsed = {name: 0 for name in by_channel}
    for frame in _received_frames(fixture_path(WS_CAPTURE)):
        if isinstance(frame, dict):
            if frame.get("event") == "subscribed":
                channels[frame["chanId"]] = frame["channel"]
            continue
        payload = frame[1:-1]  # the last element is the SEQ_ALL sequence number
        if payload[0] == "hb":
            continue  # (the recording logs some heartbeats before their channel's ack)
        channel = channels[frame[0]]
        rows = payload[-1]
        if isinstance(rows[0], list):  # a snapshot
            objects = by_channel[channel].from_wire_list(rows)
        else:
            objects, rows = [by_channel[channel].from_wire(rows)], [rows]
        for obj, row in zip(objects, rows):
            # These layouts have no placeholder: field i is wire slot i.
            assert list(dataclasses.astuple(obj)) == row[: len(dataclasses.fields(obj))]
        parsed[channel] += len(objects)
    assert all(count > 0 for count in parsed.values()), parsed
