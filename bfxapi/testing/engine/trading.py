"""The trading engine: order validation, matching against the market model, fills, fees, wallets, positions.

Frame order per operation (protocol.md §7.4, as the real server sends them):

* submit: ``n`` ``on-req`` (SUCCESS, the ORDER with its id, ACTIVE) → ``on`` → for each fill: ``te`` (FEE null)
  → ``tu`` (FEE set, negative) → ``wu`` per wallet touched → ``pn``/``pu``/``pc`` (margin) → ``ou``
  (``PARTIALLY FILLED @ P(A)``) or ``oc`` (``EXECUTED @ P(A)``);
* update: ``n`` ``ou-req`` → ``ou``; cancel: ``n`` ``oc-req`` → ``oc`` (``CANCELED``);
* an invalid request: a single ``n`` with STATUS ``ERROR`` (raised here as :class:`OrderError`).

Settled behaviours (protocol.md leaves them open):

* the public book: an account's active LIMIT order (including a triggered STOP LIMIT and the LIMIT half of
  an OCO pair) rests in the market's book once it has taken what it could, behind what already sits at its
  price; it shows in P0–P4 levels and as its own R0 entry (its order id), and other accounts' orders and the
  market flow fill it as maker (each side gets its ``te``/``tu``; the public trades channel its ``te``/``tu``).
  HIDDEN (64) orders match but never show (books, ticker). Stops, MARKET, FOK and IOC never rest. An update
  changing the price or growing the amount loses the time priority; a smaller amount keeps it. Self-matching
  is not prevented (``protect_selfmatch`` is not implemented);
* stops trigger on the last trade price at a market step: the ``ou`` sent then has ORDER_TYPE ``[EXCHANGE ]MARKET``
  (STOP, TRAILING STOP) or ``[EXCHANGE ]LIMIT`` with PRICE = PRICE_AUX_LIMIT (STOP LIMIT), and TYPE_PREV = the
  stop type; the execution frames follow. A TRAILING STOP's PRICE is its stop level (``price_trailing`` from
  the best price seen): set at placement, not re-sent while it trails, and set to the level reached at trigger;
* OCO: the order and its STOP sibling point at each other in PLACED_ID; when one is executed or cancelled
  the other gets ``oc`` with ``CANCELED`` (or ``CANCELED was: PARTIALLY FILLED @ …``);
* POST_ONLY (4096): a LIMIT order that would take is accepted (``on-req`` SUCCESS, ``on``) then closed with
  ``oc`` status ``POSTONLY CANCELED`` (a §4.6 order status, like ``FILLORKILL CANCELED``); an update that would
  make it take cancels it the same way. The trades (``te``/``tu``) of a MARKET order carry ORDER_PRICE 0
  (protocol.md §8.4 sample);
* REDUCE_ONLY (1024) keeps the amount sent, capped at the position, and is refused without an opposite
  position (RSN_POS_REDUCE_INCR); CLOSE (512) ignores the amount sent and closes the whole position
  (amount = −position), refused without a position (RSN_POS_NOTFOUND). Both are margin-only.
"""

import time
from calendar import timegm
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..model.accounts import Account, Order, OwnTrade, Position, split_pair
from ..model.errors import OrderError
from ..model.market import Instrument, Market, StepResult
from ..model.outbox import Outbox
from ..wire.encoding import js_number
from ..wire.frames import notification
from ..wire.numbers import as_int as _int
from ..wire.numbers import as_number as _num
from ..wire.numbers import round_amount, round_price

if TYPE_CHECKING:
    from .ledger import Ledger

__all__ = ["TradingEngine", "OrderError", "ORDER_TYPES", "FLAG_HIDDEN", "FLAG_CLOSE", "FLAG_REDUCE_ONLY",
           "FLAG_POST_ONLY", "FLAG_OCO", "MIN_ORDER_SIZE", "MAX_ORDER_SIZE", "MAX_DERIV_ORDER_SIZE"]

ORDER_TYPES = ("LIMIT", "MARKET", "STOP", "STOP LIMIT", "TRAILING STOP", "FOK", "IOC")
_STOPS = ("STOP", "STOP LIMIT", "TRAILING STOP")
_PRICED = ("LIMIT", "STOP", "STOP LIMIT", "FOK", "IOC")
FLAG_HIDDEN, FLAG_CLOSE, FLAG_REDUCE_ONLY, FLAG_POST_ONLY, FLAG_OCO = 64, 512, 1024, 4096, 16384
#: minimum order size in the base currency (conf ``pub:info:pair`` says 0.0002 for every pair)
MIN_ORDER_SIZE = 0.0002
#: maximum order size in the base currency (conf ``pub:info:pair`` says 2000, ``pub:info:pair:futures`` 100)
MAX_ORDER_SIZE = 2000.0
MAX_DERIV_ORDER_SIZE = 100.0
#: buying power of a margin wallet (x collateral); derivatives use the order's ``lev`` (default 10)
MARGIN_LEVERAGE = 3.3


def _price(value: Any) -> Optional[float]:
    """A price field as the platform keeps it: quantised to 5 significant digits (protocol.md, numbers)."""
    number = _num(value)
    return round_price(number) if number is not None and number > 0 else number


def js(value: float) -> str:
    return js_number(value)


def partial_info(body: Dict[str, Any], order_id: Optional[int] = None) -> List[Any]:
    """An ORDER array with nulls except what the request made known (error notifications)."""
    row: List[Any] = [None] * 32
    amount = _num(body.get("amount"))
    row[0] = order_id
    row[1] = _int(body.get("gid"))
    row[2] = _int(body.get("cid"))
    row[3] = body.get("symbol") if isinstance(body.get("symbol"), str) else None
    row[6] = amount
    row[7] = amount
    row[8] = body.get("type") if isinstance(body.get("type"), str) else None
    row[12] = _int(body.get("flags"))
    row[16] = _num(body.get("price"))
    return row


def parse_tif(value: Any) -> Optional[int]:
    """``"YYYY-MM-DD HH:MM:SS"`` (UTC) to ms; raises ValueError when malformed."""
    if value is None:
        return None
    return timegm(time.strptime(str(value), "%Y-%m-%d %H:%M:%S")) * 1000


def _size_error(symbol: str, amount: float, info: List[Any]) -> Optional[OrderError]:
    """The refusal of an order amount out of the pair's limits (protocol.md §4.7 gives the minimum's text)."""
    base, quote = split_pair(symbol)
    if abs(amount) < MIN_ORDER_SIZE:
        return OrderError(f"Invalid order: minimum size for {base}/{quote} is {js(MIN_ORDER_SIZE)}", info)
    maximum = MAX_DERIV_ORDER_SIZE if "F0:" in symbol else MAX_ORDER_SIZE
    if abs(amount) > maximum:
        return OrderError(f"Invalid order: maximum size for {base}/{quote} is {js(maximum)}", info)
    return None


def _day(mts: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(mts / 1000))


class TradingEngine:
    """Orders of every account, matched against ``sim.market``."""

    def __init__(self, exchange: "Ledger") -> None:
        self.exchange = exchange
        #: account orders resting in the public book: order id -> (account, order)
        self._booked: Dict[int, Tuple[Account, Order]] = {}

    @property
    def market(self) -> Market:
        return self.exchange.market

    # --- validation helpers -----------------------------------------------------------------------------------
    def _instrument(self, symbol: Any, info: List[Any]) -> Instrument:
        inst = self.market.instruments.get(symbol) if isinstance(symbol, str) else None
        if inst is None or inst.funding:
            raise OrderError(f"Invalid order: unknown symbol {symbol}", info)
        return inst

    def _reserved(self, account: Account, currency: str, exclude: Optional[Order] = None) -> float:
        """Exchange balance held by open exchange orders."""
        total = 0.0
        for order in account.orders.values():
            if order is exclude or not order.exchange:
                continue
            base, quote = split_pair(order.symbol)
            if order.amount > 0 and quote == currency:
                total += order.amount * (order.price or self.exchange.price_of(order.symbol))
            elif order.amount < 0 and base == currency:
                total += -order.amount
        return round_amount(total)

    def available(self, account: Account, type: str, currency: str) -> float:
        """Balance minus what open orders (exchange) or offers (funding) hold."""
        balance = account.balance(type, currency)
        if type == "exchange":
            return round_amount(balance - self._reserved(account, currency))
        if type == "funding":
            held = sum(o.amount for o in account.offers.values() if o.amount > 0 and o.symbol[1:] == currency)
            lent = sum(c.amount for c in list(account.credits.values()) + list(account.loans.values())
                       if c.side == 1 and c.symbol[1:] == currency)
            return round_amount(balance - held - lent)
        return round_amount(balance - self.margin_used(account, currency))

    def margin_used(self, account: Account, currency: str) -> float:
        """Collateral (in ``currency``) backing the open positions quoted in it."""
        used = 0.0
        for pos in account.positions.values():
            if split_pair(pos.symbol)[1] == currency:
                used += abs(pos.amount) * pos.base_price / (pos.leverage or MARGIN_LEVERAGE)
        return round_amount(used)

    def _estimate(self, inst: Instrument, amount: float, limit: Optional[float]) -> float:
        """Average price a taker order would get (last price when the book cannot tell)."""
        wanted, cost, got = abs(amount), 0.0, 0.0
        for resting in inst.side(bid=amount < 0):
            if limit is not None and (resting.price > limit if amount > 0 else resting.price < limit):
                break
            take = min(abs(resting.amount), wanted - got)
            got += take
            cost += take * resting.price
            if got >= wanted:
                break
        return cost / got if got else (limit or inst.last_price)

    def _check_funds(self, account: Account, symbol: str, exchange: bool, amount: float, price: float,
                     lev: int, info: List[Any], exclude: Optional[Order] = None) -> None:
        base, quote = split_pair(symbol)
        pair = symbol[1:]
        if exchange:
            if amount > 0:
                need, have = amount * price, account.balance("exchange", quote) - self._reserved(
                    account, quote, exclude)
            else:
                need, have = -amount, account.balance("exchange", base) - self._reserved(account, base, exclude)
            if need > have + 1e-9:
                raise OrderError(f"Invalid order: not enough exchange balance for {js(amount)} {pair} at "
                                 f"{js(price)}", info)
            return
        pos = account.positions.get(symbol)
        current = pos.amount if pos is not None else 0.0
        if abs(current + amount) <= abs(current):
            return  # reduces the position: always allowed
        leverage = lev if "F0" in symbol else MARGIN_LEVERAGE
        free = account.balance("margin", quote) - self.margin_used(account, quote)
        required = (abs(current + amount) - abs(current)) * price / leverage
        if required > free + 1e-9:
            raise OrderError(f"Invalid order: not enough tradable balance for {js(amount)} {pair} at "
                             f"{js(price)}", info)

    # --- submit -----------------------------------------------------------------------------------------------
    def submit(  # pylint: disable=too-many-statements
            self, account: Account, body: Dict[str, Any], out: Outbox) -> List[Order]:
        """Validate and place an order (plus its OCO stop); returns the orders created. Raises OrderError."""
        info = partial_info(body)
        if not account.caps.get("orders", {}).get("write"):
            raise OrderError("Invalid order: API key lacks the orders write permission", info, 10100)
        full_type = body.get("type")
        if not isinstance(full_type, str):
            raise OrderError("Invalid order: type missing", info)
        exchange = full_type.startswith("EXCHANGE ")
        base_type = full_type[len("EXCHANGE "):] if exchange else full_type
        if base_type not in ORDER_TYPES:
            raise OrderError(f"Invalid order: unknown type {full_type}", info)
        symbol = body.get("symbol")
        inst = self._instrument(symbol, info)
        assert isinstance(symbol, str)
        if exchange and "F0" in symbol:
            raise OrderError(f"Invalid order: {symbol} only accepts derivative (non EXCHANGE) orders", info)
        amount = _num(body.get("amount"))
        if amount is None or amount == 0:
            raise OrderError("Invalid order: amount invalid", info)
        amount = round_amount(amount)
        base = split_pair(symbol)[0]
        size_error = _size_error(symbol, amount, info)
        if size_error is not None:
            raise size_error
        price = _price(body.get("price"))
        if base_type in _PRICED and (price is None or price <= 0):
            raise OrderError("Invalid order: price missing or invalid", info)
        aux = _price(body.get("price_aux_limit"))
        if base_type == "STOP LIMIT" and (aux is None or aux <= 0):
            raise OrderError("Invalid order: price_aux_limit missing or invalid", info)
        trailing = _num(body.get("price_trailing"))
        if base_type == "TRAILING STOP" and (trailing is None or trailing <= 0):
            raise OrderError("Invalid order: price_trailing missing or invalid", info)
        flags = _int(body.get("flags")) or 0
        lev = _int(body.get("lev")) or 10
        if not 1 <= lev <= 100:
            raise OrderError("Invalid order: lev must be between 1 and 100", info)
        try:
            tif = parse_tif(body.get("tif"))
        except ValueError as error:
            raise OrderError("Invalid order: tif invalid", info) from error
        meta = body.get("meta") if isinstance(body.get("meta"), dict) else None
        oco_stop = _price(body.get("price_oco_stop"))
        if flags & FLAG_OCO and (oco_stop is None or oco_stop <= 0):
            raise OrderError("Invalid order: price_oco_stop missing for an OCO order", info)
        if flags & (FLAG_REDUCE_ONLY | FLAG_CLOSE):
            if exchange:
                raise OrderError("Invalid order: reduce-only/close orders need a margin position", info)
            pos = account.positions.get(symbol)
            if flags & FLAG_CLOSE:
                if pos is None:
                    raise OrderError("Invalid order: no position to close (RSN_POS_NOTFOUND)", info)
                amount = -pos.amount  # CLOSE closes the whole position, whatever the amount sent
            else:
                if pos is None or pos.amount * amount >= 0:
                    raise OrderError("Invalid order: reduce-only order would increase the position "
                                     "(RSN_POS_REDUCE_INCR)", info)
                amount = amount if abs(amount) <= abs(pos.amount) else -pos.amount
        estimate = price if base_type in _PRICED and base_type != "STOP" else None
        ref_price = (price if base_type in ("STOP", "STOP LIMIT") else
                     self._estimate(inst, amount, estimate) if base_type in ("MARKET", "TRAILING STOP") else price)
        assert ref_price is not None
        self._check_funds(account, symbol, exchange, amount, ref_price, lev, info)
        now = self.exchange.now
        if "F0" in symbol and not exchange:
            meta = {**(meta or {}), "$F33": lev}
        order = Order(self.exchange.ids.next("order"), symbol, full_type, amount, amount,
                      price if price is not None and base_type != "TRAILING STOP" else 0.0, now, now,
                      gid=_int(body.get("gid")), cid=_int(body.get("cid")), flags=flags, mts_tif=tif,
                      price_trailing=trailing or 0.0, price_aux_limit=aux or 0.0, meta=meta, lev=lev,
                      peak=inst.last_price if base_type == "TRAILING STOP" else None)
        if base_type == "MARKET":
            order.price = round(ref_price, 8)
        elif base_type == "TRAILING STOP":
            order.price = self._trailing_level(order, inst.last_price)
        created = [order]
        account.orders[order.id] = order
        if flags & FLAG_OCO and oco_stop is not None:
            sibling = Order(self.exchange.ids.next("order"), symbol, ("EXCHANGE " if exchange else "") + "STOP",
                            amount, amount, oco_stop, now, now, gid=order.gid, cid=_int(body.get("cid_oco")),
                            flags=flags, placed_id=order.id, meta=meta, lev=lev)
            order.placed_id = sibling.id
            account.orders[sibling.id] = sibling
            created.append(sibling)
        side = "buy" if amount > 0 else "sell"
        text = f"Submitting {full_type.lower()} {side} order for {js(amount)} {base}."
        out.notify(account, notification(now, "on-req", order.row(), "SUCCESS", text))
        for placed in created:
            out.add(account, "on", placed.row(), ("trading", symbol))
        self._after_placement(account, order, inst, out)
        return created

    @staticmethod
    def _crosses(inst: Instrument, amount: float, price: float) -> bool:
        best = inst.best(bid=amount < 0)
        return best is not None and (best.price <= price if amount > 0 else best.price >= price)

    def _after_placement(self, account: Account, order: Order, inst: Instrument, out: Outbox) -> None:
        """Immediate execution of a new (or just triggered/updated) order."""
        base_type = order.base_type
        if base_type in _STOPS:
            return
        if base_type == "LIMIT" and order.flags & FLAG_POST_ONLY and self._crosses(inst, order.amount, order.price):
            self._close(account, order, "POSTONLY CANCELED", out)
            return
        if base_type == "FOK":
            got = 0.0
            for resting in inst.side(bid=order.amount < 0):
                if order.amount > 0 and resting.price > order.price or order.amount < 0 and \
                        resting.price < order.price:
                    break
                got += abs(resting.amount)
            if got + 1e-12 < abs(order.amount):
                self._close(account, order, "FILLORKILL CANCELED", out)
                return
        limit = None if base_type == "MARKET" else order.price
        self._take(account, order, inst, limit, out)
        if order.id not in account.orders:
            return
        if base_type == "IOC":
            self._close(account, order, self._was("IOC CANCELED", order), out)
        elif base_type in ("MARKET", "FOK"):
            self._close(account, order, self._was("CANCELED", order), out)
        else:
            self._book(account, order, requeue=True)

    def _take(self, account: Account, order: Order, inst: Instrument, limit: Optional[float], out: Outbox) -> None:
        """Fill as taker against the book (market flow and other accounts' orders, hidden ones included), best
        price first then time priority, up to ``limit``; an account's resting order met is filled as maker."""
        for resting in inst.side(bid=order.amount < 0):
            if order.amount == 0 or order.id not in account.orders:
                break
            if resting.id == order.id or resting.id not in inst.orders:
                continue
            if limit is not None and (resting.price > limit if order.amount > 0 else resting.price < limit):
                break
            take = min(abs(resting.amount), abs(order.amount))
            left = round_amount(abs(resting.amount) - take)
            if left <= 0:
                inst.remove(resting.id)
            else:
                inst.reduce(resting, left)
            signed = take if order.amount > 0 else -take
            trade = self.market.external_trade(order.symbol, signed, resting.price)
            self._fill(account, order, resting.price, signed, False, out, trade.id, resting.id)
            owner = self._booked.get(resting.id) if resting.owned else None
            if owner is not None and owner[1].id in owner[0].orders:
                self._fill(owner[0], owner[1], resting.price, -signed, True, out, trade.id, order.id)

    def _book(self, account: Account, order: Order, requeue: bool = False) -> None:
        """Keep the public book in step with an order: an active LIMIT order with an amount left rests in it
        (hidden ones too, flagged, so they match without being shown); anything else is taken out."""
        inst = self.market.instruments[order.symbol]
        if order.id in account.orders and order.base_type == "LIMIT" and order.amount != 0:
            inst.put_owned(order.id, order.price, order.amount, order.hidden, requeue)
            self._booked[order.id] = (account, order)
        else:
            inst.remove(order.id)
            self._booked.pop(order.id, None)

    # --- fills ------------------------------------------------------------------------------------------------
    def _fill(self, account: Account, order: Order, price: float, amount: float, maker: bool, out: Outbox,
              trade_id: int, oppo_id: Optional[int]) -> None:
        exchange = self.exchange
        now = exchange.now
        base, quote = split_pair(order.symbol)
        pair = order.symbol[1:]
        rate, fee, fee_currency = _fee(account, order, price, amount, maker)
        # ORDER_PRICE of a MARKET order's trade is 0, as in the real sample of protocol.md §8.4
        order_price = 0 if order.base_type == "MARKET" else order.price
        trade = OwnTrade(trade_id, order.symbol, now, order.id, amount, price, order.type, order_price, maker, fee,
                         fee_currency, order.cid)
        account.trades.append(trade)
        tag = ("trading", order.symbol)
        out.add(account, "te", trade.row(with_fee=False), tag)
        out.add(account, "tu", trade.row(), tag)
        meta = {"reason": "TRADE", "order_id": order.id, "order_id_oppo": oppo_id, "trade_price": js(price),
                "trade_amount": js(amount)}
        fee_text = (f"Trading fees for {js(abs(amount))} {base} ({pair}) @ {js(price)} on BFX "
                    f"({js(round(rate * 100, 4))}%)")
        touched = []
        if order.exchange:
            text = f"Exchange {js(abs(amount))} {base} for {quote} @ {js(price)}"
            touched.append(exchange.change_wallet(account, "exchange", base, amount, text, meta))
            touched.append(exchange.change_wallet(account, "exchange", quote, -amount * price, text, meta))
            exchange.change_wallet(account, "exchange", fee_currency, fee, fee_text, meta)
            position_frames: List[Tuple[str, List[Any]]] = []
        else:
            position_frames, pnl = self._position(account, order, price, amount, meta)
            if pnl:
                exchange.change_wallet(account, "margin", quote, pnl, f"Position closed @ {js(price)}", meta)
            touched.append(exchange.change_wallet(account, "margin", quote, fee, fee_text, meta))
        for wallet in touched:
            out.wallet(account, wallet)
        for kind, row in position_frames:
            out.add(account, kind, row, tag)
        self._advance(account, order, price, amount, out, tag)

    def _advance(self, account: Account, order: Order, price: float, amount: float, out: Outbox,
                 tag: Tuple[str, str]) -> None:
        """The order after a fill: its remaining amount, average price and status (``ou``, or ``oc`` once done)."""
        now = self.exchange.now
        filled_before = order.filled
        order.amount = round_amount(order.amount - amount)
        total = round_amount(filled_before + amount)
        order.price_avg = round((order.price_avg * filled_before + price * amount) / total, 8) if total else price
        order.mts_update = now
        order.fills.append((price, amount))
        if order.amount == 0:
            status = f"EXECUTED @ {js(price)}({js(amount)})"
            if len(order.fills) > 1:
                earlier = ", ".join(f"PARTIALLY FILLED @ {js(p)}({js(a)})" for p, a in order.fills[:-1])
                status += f": was {earlier}"
            self._close(account, order, status, out)
        else:
            order.status = f"PARTIALLY FILLED @ {js(price)}({js(amount)})"
            if order.id in self._booked:
                self._book(account, order)
            out.add(account, "ou", order.row(), tag)

    def _position(self, account: Account, order: Order, price: float, amount: float,
                  meta: Dict[str, Any]) -> Tuple[List[Tuple[str, List[Any]]], float]:
        """Apply a margin fill to the position; returns the frames and the realised P/L (quote currency)."""
        now = self.exchange.now
        frames: List[Tuple[str, List[Any]]] = []
        symbol = order.symbol
        derivative = "F0" in symbol
        pos_meta = {"reason": "TRADE", "order_id": order.id, "order_id_oppo": meta["order_id_oppo"],
                    "liq_stage": None, "trade_price": meta["trade_price"], "trade_amount": meta["trade_amount"]}
        pos = account.positions.get(symbol)
        pnl = 0.0
        remaining = amount
        if pos is not None and pos.amount * amount < 0:
            closing = amount if abs(amount) <= abs(pos.amount) else -pos.amount
            pnl = round_amount((price - pos.base_price) * -closing)
            pos.amount = round_amount(pos.amount + closing)
            pos.mts_update = now
            pos.meta = pos_meta
            remaining = round_amount(amount - closing)
            if pos.amount == 0:
                pos.status = "CLOSED"
                del account.positions[symbol]
                account.position_history.append(pos)
                frames.append(("pc", pos.row()))
            else:
                pos.collateral = round_amount(abs(pos.amount) * pos.base_price / (pos.leverage or 1)) \
                    if derivative else 0.0
                frames.append(("pu", pos.row()))
        if remaining:
            pos = account.positions.get(symbol)
            if pos is None:
                lev = float(order.lev or 10) if derivative else None
                pos = Position(self.exchange.ids.next("position"), symbol, remaining, price, now, now,
                               type=1 if derivative else 0, leverage=lev, meta=pos_meta)
                account.positions[symbol] = pos
                kind = "pn"
            else:
                total = round_amount(pos.amount + remaining)
                pos.base_price = round((pos.base_price * pos.amount + price * remaining) / total, 8)
                pos.amount = total
                pos.mts_update = now
                pos.meta = pos_meta
                kind = "pu"
            if derivative:
                pos.collateral = round_amount(abs(pos.amount) * pos.base_price / (pos.leverage or 10))
                pos.collateral_min = round_amount(pos.collateral * 0.5)
            frames.append((kind, pos.row()))
        return frames, pnl

    @staticmethod
    def _was(status: str, order: Order) -> str:
        if order.fills:
            price, amount = order.fills[-1]
            return f"{status} was: PARTIALLY FILLED @ {js(price)}({js(amount)})"
        return status

    def _close(self, account: Account, order: Order, status: str, out: Outbox) -> None:
        """Move an order to history with ``status`` and send ``oc``; an OCO sibling is cancelled with it."""
        order.status = status
        order.mts_update = self.exchange.now
        account.orders.pop(order.id, None)
        self._book(account, order)
        account.order_history.append(order)
        out.add(account, "oc", order.row(), ("trading", order.symbol))
        sibling = account.orders.get(order.placed_id) if order.placed_id is not None else None
        if sibling is not None and sibling.placed_id == order.id:
            self._close(account, sibling, self._was("CANCELED", sibling), out)

    # --- update and cancel ------------------------------------------------------------------------------------
    def _find(self, account: Account, body: Dict[str, Any], info: List[Any]) -> Order:
        order_id = _int(body.get("id"))
        if order_id is not None:
            order = account.orders.get(order_id)
        else:
            cid, date = _int(body.get("cid")), body.get("cid_date")
            order = next((o for o in account.orders.values()
                          if cid is not None and o.cid == cid and (date is None or _day(o.mts_create) == date)), None)
        if order is None:
            raise OrderError("Order not found.", info)
        return order

    def update(self, account: Account, body: Dict[str, Any], out: Outbox) -> Order:
        """Apply an ``ou`` request. Raises OrderError."""
        info = partial_info(body, _int(body.get("id")))
        order = self._find(account, body, info)
        inst = self.market.instruments[order.symbol]
        amount = _num(body.get("amount"))
        delta = _num(body.get("delta"))
        new_amount = order.amount if amount is None else round_amount(amount)
        if delta is not None:
            new_amount = round_amount(new_amount + delta)
        if new_amount == 0 or new_amount * order.amount < 0 or abs(new_amount) < MIN_ORDER_SIZE:
            base, quote = split_pair(order.symbol)
            raise OrderError(f"Invalid order: minimum size for {base}/{quote} is {js(MIN_ORDER_SIZE)}", order.row())
        size_error = _size_error(order.symbol, new_amount, order.row())
        if size_error is not None:
            raise size_error
        price = _price(body.get("price"))
        new_price = order.price if price is None else price
        if new_price < 0:
            raise OrderError("Invalid order: price missing or invalid", order.row())
        grow = round_amount(new_amount - order.amount)
        old_price = order.price
        if order.exchange and (grow * order.amount > 0 or new_price > order.price and order.amount > 0):
            self._check_funds(account, order.symbol, True, new_amount, new_price, order.lev or 10, order.row(),
                              exclude=order)
        try:
            tif = parse_tif(body.get("tif")) if body.get("tif") is not None else order.mts_tif
        except ValueError as error:
            raise OrderError("Invalid order: tif invalid", order.row()) from error
        order.amount_orig = round_amount(order.amount_orig + grow)
        order.amount = new_amount
        order.price = new_price
        order.mts_tif = tif
        _apply_optional_fields(order, body)
        order.mts_update = self.exchange.now
        base = split_pair(order.symbol)[0]
        side = "buy" if order.amount > 0 else "sell"
        text = f"Submitting update to {order.type.lower()} {side} order for {js(order.amount)} {base}."
        out.notify(account, notification(self.exchange.now, "ou-req", order.row(), "SUCCESS", text))
        out.add(account, "ou", order.row(), ("trading", order.symbol))
        if order.base_type == "LIMIT":
            # out of the book while it may take; a new price or a larger amount loses the time priority
            requeue = order.id not in self._booked or new_price != old_price or grow * order.amount > 0
            if self._crosses(inst, order.amount, order.price):
                inst.remove(order.id)
                if order.flags & FLAG_POST_ONLY:
                    self._close(account, order, self._was("POSTONLY CANCELED", order), out)
                    return order
                requeue = True
                self._take(account, order, inst, order.price, out)
            self._book(account, order, requeue=requeue)
        return order

    def cancel(self, account: Account, body: Dict[str, Any], out: Outbox) -> Order:
        """Apply an ``oc`` request ({id} or {cid, cid_date}). Raises OrderError."""
        info = partial_info(body, _int(body.get("id")))
        order = self._find(account, body, info)
        text = f"Submitted for cancellation; waiting for confirmation (ID: {order.id})."
        out.notify(account, notification(self.exchange.now, "oc-req", order.row(), "SUCCESS", text))
        self._close(account, order, self._was("CANCELED", order), out)
        return order

    def select(self, account: Account, body: Dict[str, Any]) -> List[Order]:
        """Orders named by an ``oc_multi`` body: ``id`` list, ``cid`` [[cid, date]…], ``gid`` list, ``all``."""
        orders = list(account.orders.values())
        if body.get("all"):
            return orders
        ids = {_int(i) for i in body.get("id") or []}
        gids = {_int(g) for g in body.get("gid") or []}
        cids = {(_int(c[0]), str(c[1]) if len(c) > 1 else None) for c in body.get("cid") or []
                if isinstance(c, list) and c}
        chosen = []
        for order in orders:
            if order.id in ids or (order.gid is not None and order.gid in gids) or (order.cid, _day(
                    order.mts_create)) in cids or (order.cid, None) in cids:
                chosen.append(order)
        return chosen

    def cancel_multi(self, account: Account, body: Dict[str, Any], out: Outbox) -> List[Order]:
        """Apply ``oc_multi``: one ``oc_multi-req`` notification (NOTIFY_INFO = the orders) then one ``oc`` each."""
        chosen = self.select(account, body)
        text = f"Submitting {len(chosen)} order cancellations."
        out.notify(account, notification(self.exchange.now, "oc_multi-req", [o.row() for o in chosen], "SUCCESS",
                                         text))
        for order in chosen:
            if order.id in account.orders:
                self._close(account, order, self._was("CANCELED", order), out)
        return chosen

    def cancel_all(self, account: Account, out: Outbox) -> None:
        """The dead-man switch: cancel every active order, ``oc`` frames only."""
        for order in sorted(account.orders.values(), key=lambda o: o.id):
            if order.id in account.orders:
                self._close(account, order, self._was("CANCELED", order), out)

    # --- market steps -----------------------------------------------------------------------------------------
    def on_step(self, result: StepResult, out: Outbox) -> None:
        """After a market step: report the fills the market flow made against resting account orders (in trade
        order), then expire TIFs and trigger stops."""
        for trades in result.trades.values():
            for trade in trades:
                owner = self._booked.get(trade.maker_order) if trade.maker_order is not None else None
                if owner is not None and owner[1].id in owner[0].orders:
                    account, order = owner
                    self._fill(account, order, trade.price, round_amount(-trade.amount), True, out, trade.id, None)
        for account in self.exchange.accounts:
            for order in sorted(account.orders.values(), key=lambda o: o.id):
                if order.id in account.orders:
                    self._step_order(account, order, result.mts, out)

    def _step_order(self, account: Account, order: Order, mts: int, out: Outbox) -> None:
        inst = self.market.instruments[order.symbol]
        if order.mts_tif is not None and mts >= order.mts_tif:
            self._close(account, order, self._was("CANCELED", order), out)
            return
        if order.base_type in _STOPS and self._triggered(order, inst.last_price):
            self._trigger(account, order, inst, mts, out)

    def _trigger(self, account: Account, order: Order, inst: Instrument, mts: int, out: Outbox) -> None:
        """A stop reached: it becomes a MARKET order (STOP, TRAILING STOP) or a LIMIT order at
        ``price_aux_limit`` (STOP LIMIT); TYPE_PREV keeps the stop type; ``ou`` then the execution."""
        prefix = "EXCHANGE " if order.exchange else ""
        order.type_prev = order.type
        if order.base_type == "STOP LIMIT":
            order.type, order.price = prefix + "LIMIT", order.price_aux_limit
        else:
            if order.base_type == "TRAILING STOP":
                order.price = self._trailing_level(order, inst.last_price)
            order.type = prefix + "MARKET"
        order.mts_update = mts
        out.add(account, "ou", order.row(), ("trading", order.symbol))
        self._after_placement(account, order, inst, out)

    @staticmethod
    def _trailing_level(order: Order, last: float) -> float:
        """The stop level of a trailing stop: ``price_trailing`` behind the best price seen (sell: below the
        highest, buy: above the lowest)."""
        peak = order.peak if order.peak is not None else last
        return round_price(peak + order.price_trailing if order.amount > 0 else peak - order.price_trailing)

    def _triggered(self, order: Order, last: float) -> bool:
        buy = order.amount > 0
        if order.base_type == "TRAILING STOP":
            order.peak = (min if buy else max)(order.peak if order.peak is not None else last, last)
            stop = self._trailing_level(order, last)
            return last >= stop if buy else last <= stop
        return last >= order.price if buy else last <= order.price

    def fill_resting(self, account: Account, order: Order, amount: Optional[float], price: Optional[float],
                     out: Outbox) -> None:
        """A counterparty takes ``amount`` (default: all) of a resting order at ``price`` (default: its price)."""
        take = abs(order.amount) if amount is None else min(abs(amount), abs(order.amount))
        signed = take if order.amount > 0 else -take
        at = price if price is not None else (order.price or self.exchange.price_of(order.symbol))
        trade = self.market.external_trade(order.symbol, -signed, at)
        self._fill(account, order, at, round_amount(signed), True, out, trade.id, None)


def _fee(account: Account, order: Order, price: float, amount: float, maker: bool) -> Tuple[float, float, str]:
    """(rate, fee, fee currency) of a fill: the fee is negative, in the currency received (exchange orders),
    or in the quote currency (margin)."""
    base, quote = split_pair(order.symbol)
    rate = account.maker_fee if maker else account.taker_fee
    if order.exchange:
        fee_currency = base if amount > 0 else quote
        return rate, -round_amount(abs(amount if amount > 0 else amount * price) * rate), fee_currency
    return rate, -round_amount(abs(amount * price) * rate), quote


def _apply_optional_fields(order: Order, body: Dict[str, Any]) -> None:
    """The fields of an ``ou`` body that change an order only when given."""
    for name in ("gid", "cid", "flags", "lev"):
        number = _int(body.get(name))
        if number is not None:
            setattr(order, name, number)
    for name in ("price_aux_limit", "price_trailing"):
        # a trailing distance is not a price: the platform keeps it as given
        value = _price(body.get(name)) if name == "price_aux_limit" else _num(body.get(name))
        if value is not None:
            setattr(order, name, value)
    if isinstance(body.get("meta"), dict):
        order.meta = body["meta"]
