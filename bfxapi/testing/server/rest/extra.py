"""Authenticated REST endpoints beyond the core account, trading and funding sets: audit trail, core settings,
performance, Pulse writes and history, OTC order history, position funding type
(protocol.md §6.2; the layouts these answer are the simulator's own where protocol.md gives none)."""

import hashlib
from typing import TYPE_CHECKING, Any, Dict, List, Tuple

from .app import RestError
from .auth import Call, window
from .ext import register_ext_routes
from ...wire.numbers import as_int as _int

if TYPE_CHECKING:
    from .auth import AuthRest

__all__ = ["register_extra_routes", "VASPS"]

#: ``ext/vasps`` rows ``[ID, NAME]``
VASPS: List[List[Any]] = [["bitfinex", "Bitfinex"], ["binance", "Binance"], ["coinbase", "Coinbase"],
                          ["kraken", "Kraken"]]

#: ``auth/r/settings/core`` values of a new account
_CORE_SETTINGS: Dict[str, Any] = {"core:lang": "en", "core:timezone": "UTC", "core:dark_mode": 1}


def register_extra_routes(api: "AuthRest") -> None:  # pylint: disable=too-many-locals,too-many-statements
    """Add the routes; their state (Pulse messages, funding types) lives here, per account key."""
    exchange = api.sim.exchange
    pulses: Dict[str, List[List[Any]]] = {}
    funding_types: Dict[Tuple[str, str], int] = {}

    def audit(call: Call) -> Any:
        rows = [[index + 1, login[2], None, "login", None, "127.0.0.1", {"via": "api"}]
                for index, login in enumerate(call.account.logins)]
        rows.append([len(rows) + 1, call.account.created_mts, None, "account:create", None, None, None])
        return window(call.body, rows, lambda r: r[1], 25, 250)

    def core_settings(_: Call) -> Any:
        return [[key, value] for key, value in _CORE_SETTINGS.items()]

    def perf(call: Call) -> Any:
        day = 86_400_000
        today = exchange.now // day * day
        balance = sum(w.balance for w in call.account.wallets.values() if w.currency in ("USD", "UST"))
        return [[today - back * day, balance] for back in range(7)]

    def pulse_add(call: Call) -> Any:
        body = call.body
        if not isinstance(body.get("content"), str) or not body["content"]:
            raise RestError(10020, "content: invalid")
        mine = pulses.setdefault(call.account.api_key, [])
        pid = hashlib.sha256(f"{call.account.api_key}:pulse:{len(mine)}".encode()).hexdigest()[:36]
        row = [pid, exchange.now, body.get("parent"), f"u{call.account.user_id}", None, body.get("title"),
               body["content"], None, None, int(body.get("isPin") or 0), int(body.get("isPublic", 1) or 0),
               int(body.get("disableComments") or 0), [], list(body.get("attachments") or []), [], 0, None, None,
               None, 0, None, None]
        mine.append(row)
        return row

    def pulse_del(call: Call) -> Any:
        mine = pulses.get(call.account.api_key, [])
        kept = [row for row in mine if row[0] != call.body.get("pid")]
        pulses[call.account.api_key] = kept
        return [1 if len(kept) < len(mine) else 0]

    def pulse_hist(call: Call) -> Any:
        public = call.body.get("isPublic")
        rows = [r for r in pulses.get(call.account.api_key, []) if public is None or r[10] == int(public)]
        return sorted(rows, key=lambda r: r[1], reverse=True)

    def otc(call: Call) -> Any:
        symbol = call.params["symbol"]
        if symbol not in exchange.market.instruments:
            raise RestError(10020, "symbol: invalid")
        return []  # the simulator has no OTC desk: no OTC order ever closes

    def funding_type(call: Call) -> Any:
        symbol, kind = call.body.get("symbol"), _int(call.body.get("type"))
        if symbol not in exchange.market.instruments:
            raise RestError(10020, "symbol: invalid")
        if kind not in (0, 1):
            raise RestError(10020, "type: invalid")
        funding_types[(call.account.api_key, symbol)] = kind
        return [1]

    route = api.route
    route("auth/r/audit/hist", audit)
    route("auth/r/settings/core", core_settings)
    # auth/w/token and auth/w/token/del: served by AuthRest (auth.py), which authenticates bfx-token requests
    route("auth/r/stats/perf:1D/hist", perf)
    route("auth/w/pulse/add", pulse_add)
    route("auth/w/pulse/del", pulse_del)
    route("auth/r/pulse/hist", pulse_hist)
    route("auth/r/orders/otc/{symbol}/hist", otc)
    route("auth/w/position/update/funding/type", funding_type)
    register_ext_routes(api)
