"""Authenticated REST: orders, trades, positions, derivatives collateral (protocol.md §6.2).

REST notification shapes (settled): ``order/submit`` answers ``on-req`` with NOTIFY_INFO ``[[ORDER], …]`` (the
order, plus its OCO stop); ``order/update`` ``ou-req`` and ``order/cancel`` ``oc-req`` with the flat ORDER;
``order/cancel/multi`` ``oc_multi-req`` with ``[[ORDER], …]``; ``order/multi`` the ``ox_multi-req``
notification of the WebSocket (NOTIFY_INFO = the per-op notifications). A failed write answers HTTP 500
``["error", 10001, TEXT]`` with the TEXT of the WebSocket's ERROR notification.
"""

from typing import TYPE_CHECKING, Any, List

from ...wire.numbers import round_amount
from ...model.accounts import Order
from ...wire.frames import notification
from ...engine.operations import ox_multi, position_pl
from .auth import Call, window
from .app import RestError
from ...model.errors import OrderError
from ...wire.numbers import as_int as _int
from ...wire.numbers import as_number as _num

if TYPE_CHECKING:
    from .auth import AuthRest

__all__ = ["register_trading_routes"]


def register_trading_routes(api: "AuthRest") -> None:  # pylint: disable=too-many-statements
    # one small closure per endpoint: the route table reads best as a flat list
    """Add the order, trade and position routes."""
    exchange = api.sim.exchange
    trading = exchange.trading

    def ids_filter(call: Call, orders: List[Order]) -> List[Order]:
        ids = call.body.get("id")
        if isinstance(ids, list):
            wanted = {_int(i) for i in ids}
            orders = [o for o in orders if o.id in wanted]
        symbol = call.params.get("symbol")
        return [o for o in orders if symbol is None or o.symbol == symbol]

    def active(call: Call) -> Any:
        return [o.row() for o in ids_filter(call, list(call.account.orders.values()))]

    def history(call: Call) -> Any:
        rows = window(call.body, ids_filter(call, list(call.account.order_history)), lambda o: o.mts_update, 100)
        return [o.row() for o in rows]

    def submit(call: Call) -> Any:
        orders = trading.submit(call.account, call.body, call.out)
        return notification(exchange.now, "on-req", [o.row() for o in orders], "SUCCESS",
                            f"Submitting {len(orders)} orders.")

    def update(call: Call) -> Any:
        order = trading.update(call.account, call.body, call.out)
        return call.out.messages[0].payload if call.out.messages else notification(
            exchange.now, "ou-req", order.row(), "SUCCESS", "")

    def cancel(call: Call) -> Any:
        order = trading.cancel(call.account, call.body, call.out)
        return notification(exchange.now, "oc-req", order.row(), "SUCCESS",
                            f"Submitted for cancellation; waiting for confirmation (ID: {order.id}).")

    def cancel_multi(call: Call) -> Any:
        orders = trading.cancel_multi(call.account, call.body, call.out)
        return notification(exchange.now, "oc_multi-req", [o.row() for o in orders], "SUCCESS",
                            f"Submitting {len(orders)} order cancellations.")

    def multi(call: Call) -> Any:
        ops = call.body.get("ops")
        if not isinstance(ops, list) or len(ops) > 75:
            raise RestError(10020, "ops: invalid")
        ox_multi(exchange, call.account, ops, call.out)
        return call.out.messages[0].payload

    def order_trades(call: Call) -> Any:
        symbol, _, order_id = call.params["key"].partition(":")
        wanted = _int(order_id)
        return [t.row(history=True) for t in reversed(call.account.trades)
                if t.order_id == wanted and t.symbol == symbol]

    def trades(call: Call) -> Any:
        symbol = call.params.get("symbol")
        rows = [t for t in call.account.trades if symbol is None or t.symbol == symbol]
        return [t.row(history=True) for t in window(call.body, rows, lambda t: t.mts)]

    def positions(call: Call) -> Any:
        return [p.row(position_pl(exchange, p)) for p in call.account.positions.values()]

    def positions_hist(call: Call) -> Any:
        rows = window(call.body, list(call.account.position_history), lambda p: p.mts_update, 50, 50)
        return [p.history_row() for p in rows]

    def positions_snap(call: Call) -> Any:
        rows = window(call.body, list(call.account.positions.values()), lambda p: p.mts_update, 50, 50)
        return [p.history_row() for p in rows]

    def positions_audit(call: Call) -> Any:
        every = list(call.account.positions.values()) + call.account.position_history
        ids = call.body.get("id")
        if isinstance(ids, list):
            wanted = {_int(i) for i in ids}
            every = [p for p in every if p.id in wanted]
        return [p.row() for p in window(call.body, every, lambda p: p.mts_update, 50, 250)]

    def claim(call: Call) -> Any:
        pos = next((p for p in call.account.positions.values() if p.id == _int(call.body.get("id"))), None)
        if pos is None:
            raise OrderError("Position not found.", [])
        amount = _num(call.body.get("amount"))
        claimed = pos.amount if amount is None else (abs(amount) if pos.amount > 0 else -abs(amount))
        pos.amount = round_amount(pos.amount - claimed)
        pos.mts_update = exchange.now
        tag = ("trading", pos.symbol)
        if pos.amount == 0:
            pos.status = "CLOSED"
            del call.account.positions[pos.symbol]
            call.account.position_history.append(pos)
            call.out.add(call.account, "pc", pos.row(), tag)
        else:
            call.out.add(call.account, "pu", pos.row(), tag)
        return notification(exchange.now, "pos_claim", pos.row(), "SUCCESS",
                            f"Position claimed for {abs(claimed)} {pos.symbol[1:4]}.")

    def increase(call: Call) -> Any:
        symbol = call.body.get("symbol")
        amount = _num(call.body.get("amount"))
        if not isinstance(symbol, str) or amount is None:
            raise RestError(10020, "symbol: invalid")
        body = {"type": "MARKET", "symbol": symbol, "amount": str(amount)}
        trading.submit(call.account, body, call.out)
        pos = call.account.positions.get(symbol)
        return notification(exchange.now, "pos_inc", [symbol, None, pos.amount if pos else 0,
                                                      pos.base_price if pos else None], "SUCCESS",
                            "Position increased.")

    def increase_info(call: Call) -> Any:
        symbol = str(call.body.get("symbol", ""))
        quote = symbol[-3:]
        margin = call.account.balance("margin", quote)
        pos = call.account.positions.get(symbol)
        tradable = round_amount(margin * 3.3)
        return [[100, pos.amount if pos else 0, margin, tradable, tradable, tradable, tradable],
                [None, None, None, None], [call.account.balance("funding", quote), None, None],
                [0, 0, quote, quote]]

    def collateral_set(call: Call) -> Any:
        symbol = call.body.get("symbol")
        collateral = _num(call.body.get("collateral"))
        pos = call.account.positions.get(symbol) if isinstance(symbol, str) else None
        if pos is None or pos.type != 1 or collateral is None or collateral < pos.collateral_min:
            raise RestError(10001, "Invalid collateral: position not found or below the minimum")
        pos.collateral = collateral
        call.out.add(call.account, "pu", pos.row(), ("trading", pos.symbol))
        return [[1]]

    def collateral_limits(call: Call) -> Any:
        pos = call.account.positions.get(str(call.body.get("symbol", "")))
        if pos is None:
            return [0, 0]
        return [pos.collateral_min, round_amount(call.account.balance("margin", "USTF0") + pos.collateral)]

    route = api.route
    for prefix in ("auth/r/orders", "auth/r/orders/{symbol}"):
        route(prefix + "/hist", history)
    route("auth/r/orders", active)
    route("auth/r/orders/{symbol}", active)
    route("auth/w/order/submit", submit)
    route("auth/w/order/update", update)
    route("auth/w/order/cancel/multi", cancel_multi)
    route("auth/w/order/cancel", cancel)
    route("auth/w/order/multi", multi)
    route("auth/r/order/{key}/trades", order_trades)
    route("auth/r/trades/hist", trades)
    route("auth/r/trades/{symbol}/hist", trades)
    route("auth/r/positions/hist", positions_hist)
    route("auth/r/positions/snap", positions_snap)
    route("auth/r/positions/audit", positions_audit)
    route("auth/r/positions", positions)
    route("auth/w/position/claim", claim)
    route("auth/w/position/increase", increase)
    route("auth/r/position/increase/info", increase_info)
    route("auth/w/deriv/collateral/set", collateral_set)
    route("auth/calc/deriv/collateral/limit", collateral_limits)
    route("auth/calc/deriv/collateral/limits", collateral_limits)
