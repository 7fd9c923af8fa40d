"""bfx.rest.auth against the local signed-endpoint server (tests/rest_auth_server.py): every method's path,
JSON body (decimal strings, omitted Nones, Bitfinex's key names), its parsed result, signing, credentials."""

import hashlib
import hmac
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from bfxapi.exceptions import InvalidCredentialError, InvalidInputError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest.exceptions import CredentialsRequiredError, NonceTooSmallError, ResourceNotFoundError
from bfxapi.types import (
    Alert,
    BalanceAvailable,
    BaseMarginInfo,
    DepositAddress,
    DerivativePositionCollateral,
    DerivativePositionCollateralLimits,
    FundingAutoRenew,
    FundingCredit,
    FundingInfo,
    FundingLoan,
    FundingOffer,
    FundingTrade,
    Ledger,
    LightningNetworkInvoice,
    LoginHistory,
    Movement,
    Notification,
    Order,
    OrderTrade,
    Position,
    PositionAudit,
    PositionClaim,
    PositionHistory,
    PositionIncrease,
    PositionIncreaseInfo,
    PositionSnapshot,
    Setting,
    SymbolMarginInfo,
    Trade,
    Transfer,
    UserInfo,
    Wallet,
    Withdrawal,
)

import rest_auth_server as canned
from rest_auth_server import KEY, SECRET, AuthServer


@pytest.fixture
async def server():
    srv = await AuthServer().start()
    yield srv
    await srv.stop()


@pytest.fixture
async def rest(server):
    client = BfxRestInterface(server.host, KEY, SECRET, rate_limits=None)
    yield client
    await client.close()


def _order_ok(result):
    assert isinstance(result, Notification) and result.status == "SUCCESS"
    assert isinstance(result.data, Order) and result.data.id == canned.ORDER[0]
    assert result.data.meta == {"aff_code": "AFF", "$F7": 1}  # meta keys untouched
    return True


# (call, expected path, expected JSON body, check of the result)
CASES = [
    (lambda a: a.get_user_info(), "auth/r/info/user", {},
     lambda r: isinstance(r, UserInfo) and (r.id, r.email, r.timezone) == (12345, "user@example.com", "Europe/Zurich")),
    (lambda a: a.get_login_history(), "auth/r/logins/hist", {},
     lambda r: isinstance(r[0], LoginHistory) and r[0].ip == "192.0.2.10"),
    (lambda a: a.get_balance_available_for_orders_or_offers("tBTCUSD", "EXCHANGE", dir=1, rate=0.0001, lev=10),
     "auth/calc/order/avail",
     {"symbol": "tBTCUSD", "type": "EXCHANGE", "dir": 1, "rate": "0.0001", "lev": "10"},
     lambda r: r == BalanceAvailable(1.5)),
    (lambda a: a.get_wallets(), "auth/r/wallets", {},
     lambda r: isinstance(r[0], Wallet) and (r[0].currency, r[0].available_balance) == ("BTC", 1.5)),
    (lambda a: a.get_orders(), "auth/r/orders", {},
     lambda r: [o.id for o in r] == [canned.ORDER[0], canned.ORDER_2[0]] and isinstance(r[0], Order)),
    (lambda a: a.get_orders(symbol="tETHUSD", ids=[1, 2]), "auth/r/orders/tETHUSD", {"id": [1, 2]},
     lambda r: len(r) == 1),
    (lambda a: a.submit_order("EXCHANGE LIMIT", "tBTCUSD", 0.1, 10000, flags=4096, cid=5,
                              meta={"aff_code": "AFF", "make_visible": 1, "camelKey": 0.5}),
     "auth/w/order/submit",
     {"type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "0.1", "price": "10000", "cid": 5, "flags": 4096,
      "meta": {"aff_code": "AFF", "make_visible": 1, "camelKey": "0.5"}},
     _order_ok),
    (lambda a: a.submit_order("EXCHANGE MARKET", "tBTCUSD", Decimal("-0.00000001"), None, lev=10,
                              price_trailing="1.5", price_aux_limit=3, price_oco_stop=1e-8, gid=9,
                              tif=datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
     "auth/w/order/submit",
     {"type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": "-0.00000001", "lev": 10, "price_trailing": "1.5",
      "price_aux_limit": "3", "price_oco_stop": "0.00000001", "gid": 9, "tif": "2030-01-02 03:04:05"},
     _order_ok),
    (lambda a: a.update_order(34930659963, amount="0.2", price=Decimal("10150.5"), delta=0.1, cid_date="2024-01-01"),
     "auth/w/order/update",
     {"id": 34930659963, "amount": "0.2", "price": "10150.5", "cid_date": "2024-01-01", "delta": "0.1"},
     _order_ok),
    (lambda a: a.cancel_order(id=34930659963), "auth/w/order/cancel", {"id": 34930659963}, _order_ok),
    (lambda a: a.cancel_order(cid=5, cid_date="2024-01-01"), "auth/w/order/cancel",
     {"cid": 5, "cid_date": "2024-01-01"}, _order_ok),
    (lambda a: a.cancel_order_multi(id=[1, 2], cid=[(5, "2024-01-01")], gid=[9]), "auth/w/order/cancel/multi",
     {"id": [1, 2], "cid": [[5, "2024-01-01"]], "gid": [9]},
     lambda r: r.type == "oc_multi-req" and [o.id for o in r.data] == [canned.ORDER[0], canned.ORDER_2[0]]),
    (lambda a: a.cancel_order_multi(all=True), "auth/w/order/cancel/multi", {"all": 1},
     lambda r: len(r.data) == 2),
    (lambda a: a.get_orders_history(), "auth/r/orders/hist", {}, lambda r: r[0].order_status == "CANCELED"),
    (lambda a: a.get_orders_history(symbol="tBTCUSD", ids=[3], start=1, end=2, limit=10), "auth/r/orders/tBTCUSD/hist",
     {"id": [3], "start": 1, "end": 2, "limit": 10}, lambda r: isinstance(r[0], Order)),
    (lambda a: a.get_order_trades("tETHUSD", 34930659963), "auth/r/order/tETHUSD:34930659963/trades", {},
     lambda r: isinstance(r[0], OrderTrade) and r[0].exec_price == 153.57),
    (lambda a: a.get_trades_history(), "auth/r/trades/hist", {},
     lambda r: isinstance(r[0], Trade) and r[0].fee_currency == "USD"),
    (lambda a: a.get_trades_history(symbol="tETHUST", sort=-1, limit=5), "auth/r/trades/tETHUST/hist",
     {"sort": -1, "limit": 5}, lambda r: len(r) == 1),
    (lambda a: a.get_ledgers("USD", category=28, start=1), "auth/r/ledgers/USD/hist", {"category": 28, "start": 1},
     lambda r: isinstance(r[0], Ledger) and r[0].amount == 0.01644445),
    (lambda a: a.get_ledgers(limit=2), "auth/r/ledgers/hist", {"limit": 2}, lambda r: len(r) == 2),
    (lambda a: a.get_base_margin_info(), "auth/r/info/margin/base", {},
     lambda r: isinstance(r, BaseMarginInfo) and r.margin_balance == 49331.70267297 and r.margin_min == 27),
    (lambda a: a.get_symbol_margin_info("tETHUSD"), "auth/r/info/margin/tETHUSD", {},
     lambda r: isinstance(r, SymbolMarginInfo) and (r.symbol, r.sell) == ("tETHUSD", 0.08536121)),
    (lambda a: a.get_all_symbols_margin_info(), "auth/r/info/margin/sym_all", {},
     lambda r: [m.symbol for m in r] == ["tETHUSD", "tBTCUSD"]),
    (lambda a: a.get_positions(), "auth/r/positions", {},
     lambda r: isinstance(r[0], Position) and r[0].position_id == 142420429 and r[0].meta["reason"] == "TRADE"),
    (lambda a: a.claim_position(142420429, amount=0.1), "auth/w/position/claim", {"id": 142420429, "amount": "0.1"},
     lambda r: isinstance(r.data, PositionClaim) and r.data.position_id == 142420429),
    (lambda a: a.claim_position(142420429), "auth/w/position/claim", {"id": 142420429}, lambda r: True),
    (lambda a: a.increase_position("tBTCUSD", 0.1), "auth/w/position/increase",
     {"symbol": "tBTCUSD", "amount": "0.1"},
     lambda r: isinstance(r.data, PositionIncrease) and (r.data.amount, r.data.base_price) == (0.1, 30000)),
    (lambda a: a.get_increase_position_info("tBTCUSD", 1), "auth/r/position/increase/info",
     {"symbol": "tBTCUSD", "amount": "1"},
     lambda r: isinstance(r, PositionIncreaseInfo) and (r.max_pos, r.funding_avail, r.funding_required_currency)
     == (250, 5000, "BTC")),
    (lambda a: a.get_positions_history(limit=50), "auth/r/positions/hist", {"limit": 50},
     lambda r: isinstance(r[0], PositionHistory) and r[0].status == "CLOSED"),
    (lambda a: a.get_positions_snapshot(start=1, end=2), "auth/r/positions/snap", {"start": 1, "end": 2},
     lambda r: isinstance(r[0], PositionSnapshot)),
    (lambda a: a.get_positions_audit(ids=[142420429], limit=1), "auth/r/positions/audit",
     {"id": [142420429], "limit": 1}, lambda r: isinstance(r[0], PositionAudit) and r[0].collateral == 0),
    (lambda a: a.set_derivative_position_collateral("tBTCF0:USTF0", 50.5), "auth/w/deriv/collateral/set",
     {"symbol": "tBTCF0:USTF0", "collateral": "50.5"}, lambda r: r == DerivativePositionCollateral(1)),
    (lambda a: a.get_derivative_position_collateral_limits("tBTCF0:USTF0"), "auth/calc/deriv/collateral/limit",
     {"symbol": "tBTCF0:USTF0"}, lambda r: r == DerivativePositionCollateralLimits(0.5, 100)),
    (lambda a: a.get_funding_offers(), "auth/r/funding/offers", {},
     lambda r: isinstance(r[0], FundingOffer) and r[0].rate == 0.006),
    (lambda a: a.get_funding_offers(symbol="fUST"), "auth/r/funding/offers/fUST", {}, lambda r: len(r) == 1),
    (lambda a: a.submit_funding_offer("LIMIT", "fUSD", 123.45, "0.001", 2, flags=64), "auth/w/funding/offer/submit",
     {"type": "LIMIT", "symbol": "fUSD", "amount": "123.45", "rate": "0.001", "period": 2, "flags": 64},
     lambda r: isinstance(r.data, FundingOffer) and r.type == "fon-req"),
    (lambda a: a.cancel_funding_offer(41238747), "auth/w/funding/offer/cancel", {"id": 41238747},
     lambda r: r.data.id == 41238747),
    (lambda a: a.cancel_all_funding_offers("USD"), "auth/w/funding/offer/cancel/all", {"currency": "USD"},
     lambda r: r.data is None and r.text == "cancelled all"),
    (lambda a: a.submit_funding_close(26222883), "auth/w/funding/close", {"id": 26222883},
     lambda r: r.status == "SUCCESS"),
    (lambda a: a.toggle_auto_renew(True, "USD", amount=100, rate=Decimal("0.0001"), period=2), "auth/w/funding/auto",
     {"status": 1, "currency": "USD", "amount": "100", "rate": "0.0001", "period": 2},
     lambda r: r.data == FundingAutoRenew("USD", 2, 0.0001, 100)),
    (lambda a: a.toggle_auto_renew(False, "USD"), "auth/w/funding/auto", {"status": 0, "currency": "USD"},
     lambda r: True),
    (lambda a: a.toggle_keep_funding("loan", ids=[1, 2], changes={1: 1, 2: 2}), "auth/w/funding/keep",
     {"type": "loan", "id": [1, 2], "changes": {"1": 1, "2": 2}}, lambda r: r.status == "SUCCESS"),
    (lambda a: a.get_funding_offers_history(limit=1), "auth/r/funding/offers/hist", {"limit": 1},
     lambda r: isinstance(r[0], FundingOffer)),
    (lambda a: a.get_funding_loans(), "auth/r/funding/loans", {}, lambda r: isinstance(r[0], FundingLoan)),
    (lambda a: a.get_funding_loans_history(end=5), "auth/r/funding/loans/hist", {"end": 5},
     lambda r: isinstance(r[0], FundingLoan)),
    (lambda a: a.get_funding_credits(), "auth/r/funding/credits", {},
     lambda r: isinstance(r[0], FundingCredit) and r[0].position_pair == "tBTCUSD"),
    (lambda a: a.get_funding_credits_history(symbol="fUSD"), "auth/r/funding/credits/fUSD/hist", {},
     lambda r: isinstance(r[0], FundingCredit)),
    (lambda a: a.get_funding_trades_history(sort=1), "auth/r/funding/trades/hist", {"sort": 1},
     lambda r: isinstance(r[0], FundingTrade) and r[0].offer_id == 41238905),
    (lambda a: a.get_funding_info("fUSD"), "auth/r/info/funding/fUSD", {},
     lambda r: r == FundingInfo("fUSD", 0.0001, 0.0002, 2.5, 10)),
    (lambda a: a.transfer_between_wallets("margin", "exchange", "USD", "USD", 50), "auth/w/transfer",
     {"from": "margin", "to": "exchange", "currency": "USD", "currency_to": "USD", "amount": "50"},
     lambda r: isinstance(r.data, Transfer) and (r.data.wallet_from, r.data.amount) == ("margin", 50)),
    (lambda a: a.submit_wallet_withdrawal("exchange", "ethereum", "0xabc", 0.01), "auth/w/withdraw",
     {"wallet": "exchange", "method": "ethereum", "address": "0xabc", "amount": "0.01"},
     lambda r: isinstance(r.data, Withdrawal) and r.data.withdrawal_fee == 0.00135),
    (lambda a: a.get_deposit_address("exchange", "bitcoin"), "auth/w/deposit/address",
     {"wallet": "exchange", "method": "bitcoin", "op_renew": 0},
     lambda r: isinstance(r.data, DepositAddress) and r.data.currency_code == "BTC"),
    (lambda a: a.get_deposit_address("exchange", "bitcoin", op_renew=True), "auth/w/deposit/address",
     {"wallet": "exchange", "method": "bitcoin", "op_renew": 1}, lambda r: True),
    (lambda a: a.generate_deposit_invoice("exchange", "LNX", "0.001"), "auth/w/deposit/invoice",
     {"wallet": "exchange", "currency": "LNX", "amount": "0.001"},
     lambda r: isinstance(r, LightningNetworkInvoice) and r.invoice.startswith("lnbc")),
    (lambda a: a.get_movements(), "auth/r/movements/hist", {},
     lambda r: isinstance(r[0], Movement) and (r[0].status, r[0].fees) == ("COMPLETED", -0.00135)),
    (lambda a: a.get_movements(currency="ETH", limit=1), "auth/r/movements/ETH/hist", {"limit": 1},
     lambda r: len(r) == 1),
]

OFFICIAL_NAMES = {
    "get_user_info", "get_login_history", "get_balance_available_for_orders_or_offers", "get_wallets", "get_orders",
    "submit_order", "update_order", "cancel_order", "cancel_order_multi", "get_orders_history", "get_order_trades",
    "get_trades_history", "get_ledgers", "get_base_margin_info", "get_symbol_margin_info",
    "get_all_symbols_margin_info", "get_positions", "claim_position", "increase_position",
    "get_increase_position_info", "get_positions_history", "get_positions_snapshot", "get_positions_audit",
    "set_derivative_position_collateral", "get_derivative_position_collateral_limits", "get_funding_offers",
    "submit_funding_offer", "cancel_funding_offer", "cancel_all_funding_offers", "submit_funding_close",
    "toggle_auto_renew", "toggle_keep_funding", "get_funding_offers_history", "get_funding_loans",
    "get_funding_loans_history", "get_funding_credits", "get_funding_credits_history", "get_funding_trades_history",
    "get_funding_info", "transfer_between_wallets", "submit_wallet_withdrawal", "get_deposit_address",
    "generate_deposit_invoice", "get_movements",
}


def test_every_official_method_exists_and_is_covered():
    from bfxapi.rest._interfaces import RestAuthEndpoints  # pylint: disable=import-outside-toplevel

    assert len(OFFICIAL_NAMES) == 44
    assert OFFICIAL_NAMES <= {n for n in dir(RestAuthEndpoints) if not n.startswith("_")}
    covered = {c[0].__code__.co_names[0] for c in CASES}
    assert OFFICIAL_NAMES <= covered


@pytest.mark.parametrize("call,path,body,check", CASES, ids=[f"{i}-{c[1]}" for i, c in enumerate(CASES)])
async def test_auth_endpoint(server, rest, call, path, body, check):
    result = await call(rest.auth)
    assert len(server.requests) == 1, server.rejected
    request = server.requests[0]
    assert request.path == path
    assert request.body == body
    assert request.content_type == "application/json"
    assert check(result), result


async def test_signature_matches_the_protocol_test_vector(server, rest):
    # protocol.md §5.2: secret "test-secret", /api/v2/auth/r/wallets + 1700000000000001 + {}
    expected = "c1ffc97b576d3470213c0bd61cd91a710bef9a46b20308f0eb45f0f06998ec4d153a3fa18da7c0f0ed78b15ef642ef37"
    message = "/api/v2/auth/r/wallets1700000000000001{}".encode()
    assert hmac.new(SECRET.encode(), message, hashlib.sha384).hexdigest() == expected
    await rest.auth.get_wallets()
    assert server.requests[0].raw_body == "{}"


async def test_invalid_credentials(server):
    async with BfxRestInterface(server.host, "test-key", "wrong-secret", rate_limits=None) as bad:
        with pytest.raises(InvalidCredentialError) as caught:
            await bad.auth.get_wallets()
    assert caught.value.code == 10100
    assert "wrong-secret" not in str(caught.value) and "wrong-secret" not in repr(bad)
    async with BfxRestInterface(server.host, "unknown", "x", rate_limits=None) as unknown:
        with pytest.raises(InvalidCredentialError, match="apikey: invalid"):
            await unknown.merchant.get_deposits(1, 2)
    assert not server.requests


async def test_a_small_nonce_raises_nonce_too_small(server, rest):
    server.last_nonce[KEY] = 2**53 - 2  # another process pushed the key's counter ahead
    with pytest.raises(NonceTooSmallError) as caught:
        await rest.auth.get_wallets()
    assert caught.value.code == 10114 and isinstance(caught.value, InvalidCredentialError)


async def test_nonce_taken_by_the_websocket_meanwhile_is_resent(server):
    """A nonce overtaken by another user of the shared generator (the WebSocket) is signed again, once."""
    from bfxapi._utils.nonce import NonceGenerator  # pylint: disable=import-outside-toplevel

    nonces = NonceGenerator()
    first = True

    def answer(_body):
        nonlocal first
        if first:
            first = False
            # While this request is in flight the "WebSocket" authenticates with a later nonce, which the
            # server saw first: the REST request is then refused as if it had arrived after it.
            server.last_nonce[KEY] = nonces.next()
            return canned.web.json_response(["error", 10114, "nonce: small"], status=500)
        return [canned.WALLET]

    server.answers["auth/r/wallets"] = answer
    async with BfxRestInterface(server.host, KEY, SECRET, nonce=nonces, rate_limits=None) as rest:
        wallets = await rest.auth.get_wallets()
    assert len(wallets) == 1 and len(server.requests) == 2
    assert server.requests[1].nonce > server.requests[0].nonce


async def test_auth_without_keys_fails_before_sending(server):
    async with BfxRestInterface(server.host) as public_only:
        with pytest.raises(CredentialsRequiredError, match="auth/r/wallets"):
            await public_only.auth.get_wallets()
    assert not server.requests and not server.rejected


async def test_unknown_auth_path_is_a_clear_404(server, rest):
    del server.answers["auth/r/wallets"]
    with pytest.raises(ResourceNotFoundError) as caught:
        await rest.auth.get_wallets()
    assert caught.value.path == "auth/r/wallets" and "auth/r/wallets" in str(caught.value)


async def test_invalid_decimal_is_refused_before_sending(server, rest):
    with pytest.raises(InvalidInputError, match="amount"):
        await rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", "lots", 1)
    with pytest.raises(InvalidInputError, match="price"):
        await rest.auth.submit_order("EXCHANGE LIMIT", "tBTCUSD", 1, float("inf"))
    assert not server.requests
