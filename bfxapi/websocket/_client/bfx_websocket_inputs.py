"""``bfx.wss.inputs``: orders and funding offers sent over the authenticated connection.

Each input sends the real frame (``[0, TYPE, null, BODY]``) and waits for Bitfinex's answer, the ``*-req``
notification, which it returns (check ``notification.status``: ``"SUCCESS"`` or ``"ERROR"``, with the
reason in ``notification.text``). Answers are matched to inputs by identity, not by arrival order: new
orders by ``cid`` (one is generated when not given), updates and cancels by order id (or ``cid``),
offer cancels by offer id; answers without an identity (new funding offers, multi-operations) go to the
oldest input of their kind, which is the order in which one connection delivers them.

When a drop loses the answer of a new order or of a cancel by id, the call waits for the reconnection and
returns what the server holds (see ``bfxapi.websocket._outcomes``); other inputs raise ``InputInterruptedError``.

Every argument is checked before anything is sent (see ``bfxapi._utils.order_bodies``): a bad one raises
``InvalidInputError`` (``InvalidInputTypeError`` for a wrong type) and no frame leaves the client. The answers
travel under the ``notify`` filter, which the client always asks for when ``filters`` are given.

``calc`` is paced: Bitfinex takes at most 30 requests per ``calc`` input and 8 ``calc`` inputs per second, and
refuses the others with an error event and nothing computed (protocol.md §2.2). The client splits a longer call
into batches of 30 and makes the inputs past 8 per second wait (``WebSocketOptions.calc_rate_limit``), so a burst
of calls is slower, never refused.
"""

import itertools
import time
from typing import TYPE_CHECKING, Any, Callable, Generic, Mapping, Optional, Sequence

from ..._utils import order_bodies
from ...rules.checker import OrderRules
from .._pacing import InputPacer
from ..._aliases import DecimalLike, Tif
from ...types import FundingOffer, Notification, Order
from ...types.number import N

if TYPE_CHECKING:
    from .bfx_websocket_auth_connection import BfxWebSocketAuthConnection

__all__ = ["BfxWebSocketInputs"]


class BfxWebSocketInputs(Generic[N]):
    """Inputs of the authenticated connection; see the module docs. Generic in the client's number type: a decimal
    client's ``submit_order`` gives ``Notification[Order[Decimal]]``."""

    def __init__(
        self, connection: Callable[[], "BfxWebSocketAuthConnection"], calc_pacer: Optional[InputPacer] = None
    ) -> None:
        self._connection = connection
        self._calc_pacer = calc_pacer if calc_pacer is not None else InputPacer(8, 1.0)
        # Client order ids: unique per client and, being milliseconds since the epoch to start with,
        # across restarts too (Bitfinex wants them unique per UTC day).
        self._cids = itertools.count(int(time.time() * 1000))
        #: Bitfinex's order rules, which new orders and updates go through before they are sent (the ``Client`` sets
        #: the REST interface's, so that both check alike; see :mod:`bfxapi.rules`)
        self.rules: Optional[OrderRules] = None

    def next_cid(self) -> int:
        """A fresh client order id."""
        return next(self._cids)

    async def submit_order(
        self,
        type: str,
        symbol: str,
        amount: DecimalLike,
        price: Optional[DecimalLike] = None,
        *,
        lev: Optional[int] = None,
        price_trailing: Optional[DecimalLike] = None,
        price_aux_limit: Optional[DecimalLike] = None,
        price_oco_stop: Optional[DecimalLike] = None,
        gid: Optional[int] = None,
        cid: Optional[int] = None,
        flags: Optional[int] = None,
        tif: Optional[Tif] = None,
        meta: Optional[dict[str, Any]] = None,
    ) -> Notification[Order[N]]:
        """Place an order (``on``); returns the ``on-req`` notification."""
        cid = cid if cid is not None else self.next_cid()
        body = order_bodies.new_order(
            type, symbol, amount, price, lev=lev, price_trailing=price_trailing, price_aux_limit=price_aux_limit,
            price_oco_stop=price_oco_stop, gid=gid, cid=cid, flags=flags, tif=tif, meta=meta,
        )  # fmt: skip
        body = await self.rules.checked_new_order(body) if self.rules is not None else body
        return await self._connection().request("on", body, "on-req", {"cid": body["cid"]})

    async def update_order(
        self,
        id: int,
        *,
        amount: Optional[DecimalLike] = None,
        price: Optional[DecimalLike] = None,
        cid: Optional[int] = None,
        cid_date: Optional[str] = None,
        gid: Optional[int] = None,
        flags: Optional[int] = None,
        lev: Optional[int] = None,
        delta: Optional[DecimalLike] = None,
        price_aux_limit: Optional[DecimalLike] = None,
        price_trailing: Optional[DecimalLike] = None,
        tif: Optional[Tif] = None,
    ) -> Notification[Order[N]]:
        """Change an order (``ou``); returns the ``ou-req`` notification."""
        body = order_bodies.order_update(
            id, amount=amount, price=price, cid=cid, cid_date=cid_date, gid=gid, flags=flags, lev=lev, delta=delta,
            price_aux_limit=price_aux_limit, price_trailing=price_trailing, tif=tif,
        )  # fmt: skip
        body = await self.rules.checked_update(body) if self.rules is not None else body
        return await self._connection().request("ou", body, "ou-req", {"id": body["id"]})

    async def cancel_order(
        self, *, id: Optional[int] = None, cid: Optional[int] = None, cid_date: Optional[str] = None
    ) -> Notification[Order[N]]:
        """Cancel an order by ``id``, or by ``cid`` and ``cid_date`` (``YYYY-MM-DD``); returns ``oc-req``."""
        body = order_bodies.order_cancel(id, cid, cid_date)
        identity = {"id": body["id"]} if "id" in body else {"cid": body["cid"]}
        return await self._connection().request("oc", body, "oc-req", identity)

    async def cancel_order_multi(
        self,
        *,
        id: Optional[Sequence[int]] = None,
        cid: Optional[Sequence[tuple[int, str]]] = None,
        gid: Optional[Sequence[int]] = None,
        all: Optional[bool] = None,
    ) -> Notification[list[Order[N]]]:
        """Cancel several orders (``oc_multi``) by ids, ``(cid, cid_date)`` pairs, group ids, or ``all=True``."""
        body = order_bodies.order_cancel_multi(id, cid, gid, all)
        return await self._connection().request("oc_multi", body, "oc_multi-req", {})

    async def order_multi_op(
        self, operations: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> Notification[list[Notification[Any]]]:
        """Several operations in one frame (``ox_multi``, at most 75): ``[("on", {...}), ("oc", {"id": 1}),
        ("oc_multi", {...}), ("ou", {...})]``; returns the ``ox_multi-req`` notification, whose data holds
        one notification per operation."""
        ops = order_bodies.order_multi_op(operations)
        ops = await self.rules.checked_operations(ops) if self.rules is not None else ops
        for kind, body in ops:
            # Every new order carries a cid, the only way to find it again by what the client knows.
            if kind == "on" and body.get("cid") is None:
                body["cid"] = self.next_cid()
        return await self._connection().request("ox_multi", ops, "ox_multi-req", {})

    async def submit_funding_offer(
        self,
        type: str,
        symbol: str,
        amount: DecimalLike,
        rate: DecimalLike,
        period: int,
        *,
        flags: Optional[int] = None,
    ) -> Notification[FundingOffer[N]]:
        """Offer (positive amount) or bid for (negative) funding (``fon``); returns ``fon-req``."""
        body = order_bodies.funding_offer(type, symbol, amount, rate, period, flags)
        return await self._connection().request("fon", body, "fon-req", {})

    async def cancel_funding_offer(self, id: int) -> Notification[FundingOffer[N]]:
        """Cancel a funding offer (``foc``); returns ``foc-req``."""
        body = order_bodies.funding_offer_cancel(id)
        return await self._connection().request("foc", body, "foc-req", {"id": body["id"]})

    async def calc(self, *args: str) -> None:
        """Ask for fresh values (``margin_base``, ``margin_sym_tBTCUSD``, ``funding_sym_fUSD``,
        ``position_tBTCUSD``, ``wallet_exchange_USD``, ``balance``); they arrive as the events
        ``base_margin_info``, ``symbol_margin_info``, ``funding_info_update``, ``position_update``,
        ``wallet_update`` and ``balance_update``. Bitfinex answers a ``calc`` with no notification, so
        this returns once the request is sent.

        Paced (see the module docs): more than 30 requests go as several inputs of 30 at most, and an input
        past Bitfinex's 8 per second waits for room. Every name is checked before the first input is sent; if the
        connection drops between two batches, the call raises and the batches before it were sent."""
        size = order_bodies.MAX_CALC_REQUESTS
        bodies = [order_bodies.calc(args[start:start + size]) for start in range(0, len(args), size)] or [
            order_bodies.calc(args)  # no request at all: refused there, with the reason
        ]
        connection = self._connection()
        for body in bodies:
            await self._calc_pacer.acquire()
            await connection.send_input("calc", body)
