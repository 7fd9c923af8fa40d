"""Authenticated REST: wallets, user info, summary, permissions, logins, margin info, balance available,
transfers, deposit addresses, LN invoices, withdrawals, movements, ledgers, alerts, settings."""

import hashlib
from typing import TYPE_CHECKING, Any, List

from ...wire.numbers import round_amount
from ...wire.encoding import js_number
from ...model.accounts import WALLET_TYPES, split_pair
from ...wire.frames import notification
from ...engine.operations import base_margin, symbol_margin
from .auth import Call, window
from .app import RestError
from ...engine.trading import MARGIN_LEVERAGE
from ...model.errors import OrderError
from ...wire.numbers import as_int as _int
from ...wire.numbers import as_number as _num

if TYPE_CHECKING:
    from ...model.accounts import Account
    from .auth import AuthRest

__all__ = ["register_account_routes", "user_info_row"]

_METHODS = {"bitcoin": "BTC", "ethereum": "ETH", "tetheruse": "UST", "tetherusx": "UST", "lnx": "LNX",
            "litecoin": "LTC"}
_LABELS = {"USD": "US Dollar", "BTC": "Bitcoin", "ETH": "Ethereum", "UST": "Tether USDt"}


def user_info_row(account: "Account") -> List[Any]:
    """The 55-slot USER_INFO row."""
    row: List[Any] = [None] * 55
    row[0:11] = [account.user_id, account.email, account.username, account.created_mts, 1, 2, None, "UTC",
                 "en_US", None, 1]
    row[14:20] = [None, None, None, 0, 0, 0]
    row[23:27] = [0, 1, 0, ["u2f", "otp"]]
    row[34] = 0
    row[38:40] = [0, 0]
    row[44] = account.logins[-1][2] if account.logins else None
    row[47] = 0
    row[49:51] = [[], []]
    row[54] = 0
    return row


def _address(account: "Account", method: str, renew: int) -> str:
    digest = hashlib.sha256(f"{account.api_key}:{method}:{renew}".encode()).hexdigest()
    return ("bc1q" if method == "bitcoin" else "0x") + digest[:38]


def register_account_routes(api: "AuthRest") -> None:  # pylint: disable=too-many-statements
    # one small closure per endpoint: the route table reads best as a flat list
    """Add the wallet/account routes."""
    exchange = api.sim.exchange
    trading = exchange.trading

    def wallets(call: Call) -> Any:
        return [w.row(trading.available(call.account, w.type, w.currency)) for w in call.account.wallets.values()]

    def wallets_hist(call: Call) -> Any:
        currency = call.body.get("currency")
        return [row for row in wallets(call) if currency is None or row[1] == currency]

    def user_info(call: Call) -> Any:
        return user_info_row(call.account)

    def summary(call: Call) -> Any:
        maker, taker = call.account.maker_fee, call.account.taker_fee
        return [None, None, None, None, [[maker, maker, maker, None, None, -0.0002], [taker, taker, taker, None, None,
                                                                                     0.00075]],
                None, None, None, None, {"leo_lev": 0, "leo_amount_avg": 0}]

    def permissions(call: Call) -> Any:
        return [[scope, perms.get("read", 0), perms.get("write", 0)] for scope, perms in call.account.caps.items()]

    def logins(call: Call) -> Any:
        return window(call.body, list(call.account.logins), lambda r: r[2], 25, 250)

    def margin(call: Call) -> Any:
        key = call.params["key"]
        if key == "base":
            return ["base", base_margin(exchange, call.account)]
        if key == "sym_all":
            return [["sym", s, symbol_margin(exchange, call.account, s)] for s in exchange.market.symbols(False)]
        if key not in exchange.market.instruments:
            raise RestError(10020, "symbol: invalid")
        return ["sym", key, symbol_margin(exchange, call.account, key)]

    def avail(call: Call) -> Any:
        symbol = str(call.body.get("symbol", ""))
        kind = str(call.body.get("type", "EXCHANGE"))
        direction = _int(call.body.get("dir")) or 1
        account = call.account
        if symbol.startswith("f"):
            return [trading.available(account, "funding", symbol[1:])]
        if symbol not in exchange.market.instruments:
            raise RestError(10020, "symbol: invalid")
        base, quote = split_pair(symbol)
        price = _num(call.body.get("rate")) or exchange.price_of(symbol)
        if kind.upper() == "EXCHANGE":
            if direction > 0:
                return [round_amount(trading.available(account, "exchange", quote) / price)]
            return [-trading.available(account, "exchange", base)]
        lev = _num(call.body.get("lev")) or (10 if "F0" in symbol else MARGIN_LEVERAGE)
        amount = round_amount(trading.available(account, "margin", quote) * lev / price)
        return [amount if direction > 0 else -amount]

    def transfer(call: Call) -> Any:
        body, account = call.body, call.account
        source, target = body.get("from"), body.get("to")
        currency = str(body.get("currency", ""))
        currency_to = str(body.get("currency_to") or currency)
        amount = _num(body.get("amount"))
        if source not in WALLET_TYPES or target not in WALLET_TYPES or amount is None or amount <= 0:
            raise RestError(10001, "Invalid transfer: wallet or amount invalid")
        if amount > trading.available(account, source, currency) + 1e-9:
            raise RestError(10001, f"Invalid transfer: not enough {source} balance for {js_number(amount)} {currency}")
        text = f"Transfer of {js_number(amount)} {currency} from wallet {source.title()} to {target.title()}"
        first = exchange.change_wallet(account, source, currency, -amount, text)
        second = exchange.change_wallet(account, target, currency_to,
                                        amount * exchange.rate(currency, currency_to), text)
        call.out.wallet(account, first)
        call.out.wallet(account, second)
        label = _LABELS.get(currency, currency)
        return notification(exchange.now, "acc_tf", [exchange.now, source, target, None, currency,
                                                     currency_to if currency_to != currency else None, None, amount],
                            "SUCCESS", f"{js_number(amount)} {label} transferred from {source.title()} to "
                                       f"{target.title()}")

    def deposit_address(call: Call) -> Any:
        method = str(call.body.get("method", "")).lower()
        if method not in _METHODS:
            raise RestError(10001, "Invalid method")
        renew = 1 if call.body.get("op_renew") or call.body.get("renew") else 0
        key = (str(call.body.get("wallet", "exchange")), method)
        if renew or key not in call.account.deposit_addresses:
            call.account.deposit_addresses[key] = _address(call.account, method, len(call.account.deposit_addresses))
        row = [None, method.upper(), _METHODS[method], None, call.account.deposit_addresses[key], None]
        return notification(exchange.now, "acc_dep", row, "SUCCESS", None)

    def addresses(call: Call) -> Any:
        method = str(call.body.get("method", "")).lower()
        return [[None, m.upper(), _METHODS.get(m, m.upper()), None, address, None]
                for (_, m), address in call.account.deposit_addresses.items() if not method or m == method]

    def invoice(call: Call) -> Any:
        amount = _num(call.body.get("amount"))
        if amount is None or amount <= 0:
            raise RestError(10020, "amount: invalid")
        digest = hashlib.sha256(f"{call.account.api_key}:{exchange.now}:{amount}".encode()).hexdigest()
        # listed by auth/r/ext/invoice/payments (an object with the keys of the "LNX Invoice Payments" reference)
        call.account.lnx_invoices.append({
            "paymentHash": digest[:64], "createdAt": exchange.now, "invoiceExpiry": exchange.now + 86_400_000,
            "invoice": "lnbc" + digest[:40], "recipientPubKey": "02" + digest[:64], "memo": None,
            "amount": round(amount * 100_000_000), "bfxAmount": js_number(amount), "status": "CREATED"})
        return [digest[:64], "lnbc" + digest[:40], None, None, js_number(amount)]

    def withdraw(call: Call) -> Any:
        body, account = call.body, call.account
        if not account.caps.get("withdraw", {}).get("write"):
            raise RestError(10100, "permission: invalid")
        wallet_type = str(body.get("wallet", ""))
        method = str(body.get("method", "")).lower()
        amount = _num(body.get("amount"))
        currency = _METHODS.get(method)
        if wallet_type not in WALLET_TYPES or currency is None or amount is None or amount <= 0:
            raise RestError(10001, "Invalid withdrawal: wallet, method or amount invalid")
        fee = 0.0004 if currency == "BTC" else 0.0
        if amount > trading.available(account, wallet_type, currency) + 1e-9:
            raise RestError(10001, f"Invalid withdrawal: not enough balance in {wallet_type} wallet")
        wallet = exchange.change_wallet(account, wallet_type, currency, -amount, f"Withdrawal #{exchange.now}")
        call.out.wallet(account, wallet)
        movement_id = exchange.ids.next("movement")
        account.movements.append(
            [movement_id, currency, _LABELS.get(currency, currency), None, None, exchange.now, exchange.now, None,
             None, "PROCESSING", None, None, -amount, -fee, None, None, body.get("address"), None, None, None,
             None, None])
        return notification(exchange.now, "acc_wd-req", [movement_id, None, method, None, wallet_type, amount, None,
                                                         None, fee], "SUCCESS",
                            "Your withdrawal request has been successfully submitted.")

    def movements(call: Call) -> Any:
        currency = call.params.get("currency")
        rows = [m for m in call.account.movements if currency is None or m[1] == currency]
        return window(call.body, rows, lambda m: m[5], 25, 2500)

    def movement_info(call: Call) -> Any:
        wanted = _int(call.body.get("id"))
        row = next((m for m in call.account.movements if m[0] == wanted), None)
        if row is None:
            raise RestError(10020, "id: invalid")
        return row

    def ledgers(call: Call) -> Any:
        currency = call.params.get("currency")
        wallet = call.body.get("wallet")
        category = _int(call.body.get("category"))
        rows = [e for e in call.account.ledgers if (currency is None or e.currency == currency)
                and (wallet is None or e.wallet == wallet) and (category is None or e.category == category)]
        return [e.row() for e in window(call.body, rows, lambda e: e.mts, 25, 2500)]

    def alerts(call: Call) -> Any:
        return list(call.account.alerts.values())

    def alert_set(call: Call) -> Any:
        symbol = call.body.get("symbol")
        price = _num(call.body.get("price"))
        if call.body.get("type") != "price" or not isinstance(symbol, str) or price is None:
            raise RestError(10020, "alert: invalid")
        key = f"price:{symbol}:{js_number(price)}"
        call.account.alerts[key] = [key, "price", symbol, price, 100]
        return call.account.alerts[key]

    def alert_del(call: Call) -> Any:
        key = call.params.get("key")
        if key is None:
            key = f"price:{call.body.get('symbol')}:{js_number(_num(call.body.get('price')) or 0)}"
        return [call.account.alerts.pop(key, None) is not None]

    def settings(call: Call) -> Any:
        keys = call.body.get("keys") or []
        return [[k, call.account.settings.get(k)] for k in keys if k in call.account.settings]

    def settings_set(call: Call) -> Any:
        values = call.body.get("settings")
        if not isinstance(values, dict):
            raise RestError(10020, "settings: invalid")
        call.account.settings.update(values)
        return [1]

    def settings_del(call: Call) -> Any:
        for key in call.body.get("keys") or []:
            call.account.settings.pop(key, None)
        return [1]

    def guard_permission(scope: str, handler: Any) -> Any:
        def guarded(call: Call) -> Any:
            if not call.account.caps.get(scope, {}).get("write"):
                raise OrderError("permission: invalid", [], 10100)
            return handler(call)
        return guarded

    route = api.route
    route("auth/r/wallets", wallets)
    route("auth/r/wallets/hist", wallets_hist)
    route("auth/r/info/user", user_info)
    route("auth/r/summary", summary)
    route("auth/r/permissions", permissions)
    route("auth/r/logins/hist", logins)
    route("auth/r/info/margin/{key}", margin)
    route("auth/calc/order/avail", avail)
    route("auth/w/transfer", guard_permission("wallets", transfer), "auth/unlimited")
    route("auth/w/deposit/address", deposit_address, "auth/deposit/address")
    route("auth/r/deposit/address/all", addresses, "auth/deposit/address")
    route("auth/w/deposit/invoice", invoice, "auth/unlimited")
    route("auth/w/withdraw", withdraw, "auth/unlimited")
    route("auth/r/movements/hist", movements)
    route("auth/r/movements/info", movement_info)
    route("auth/r/movements/{currency}/hist", movements)
    route("auth/r/ledgers/hist", ledgers)
    route("auth/r/ledgers/{currency}/hist", ledgers)
    route("auth/r/alerts", alerts, "auth/alerts")
    route("auth/w/alert/set", alert_set)
    route("auth/w/alert/del", alert_del)
    route("auth/w/alert/{key}/del", alert_del)
    route("auth/r/settings", settings)
    route("auth/w/settings/set", settings_set)
    route("auth/w/settings/del", settings_del)
