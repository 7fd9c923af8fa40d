"""``bfx.wss.inputs``: orders and funding offers sent over the authenticated connection.

Each input sends the real frame (``[0, TYPE, null, BODY]``) and waits for Bitfinex's answer, the ``*-req``
notification, which it returns (check ``notification.status``: ``"SUCCESS"`` or ``"ERROR"``, with the
reason in ``notification.text``). Answers are matched to inputs by identity, not by arrival order: new
orders by ``cid`` (one is generated when not given), updates and cancels by order id (or ``cid``),
offer cancels by offer id; answers without an identity (new funding offers, multi-operations) go to the
oldest input of their kind, which is the order in which one connection delivers them.
"""

import itertools
import time
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from ..._utils.json_encoder import DecimalLike, to_decimal_string
from ...types import FundingOffer, Notification, Order

if TYPE_CHECKING:
    from .bfx_websocket_auth_connection import BfxWebSocketAuthConnection

__all__ = ["BfxWebSocketInputs"]

Operation = tuple[str, dict[str, Any]]


def _decimals(body: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        if body.get(name) is not None:
            body[name] = to_decimal_string(body[name], name)
    return {key: value for key, value in body.items() if value is not None}


class BfxWebSocketInputs:
    """Inputs of the authenticated connection; see the module docs."""

    def __init__(self, connection: Callable[[], "BfxWebSocketAuthConnection"]) -> None:
        self._connection = connection
        # Client order ids: unique per client and, being milliseconds since the epoch to start with,
        # across restarts too (Bitfinex wants them unique per UTC day).
        self._cids = itertools.count(int(time.time() * 1000))

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
        tif: Optional[str] = None,
        meta: Optional[dict[str, Any]] = None,
    ) -> Notification[Order]:
        """Place an order (``on``); returns the ``on-req`` notification."""
        cid = cid if cid is not None else self.next_cid()
        body = _decimals(
            {
                "type": type, "symbol": symbol, "amount": amount, "price": price, "lev": lev,
                "price_trailing": price_trailing, "price_aux_limit": price_aux_limit,
                "price_oco_stop": price_oco_stop, "gid": gid, "cid": cid, "flags": flags, "tif": tif, "meta": meta,
            },
            "amount", "price", "price_trailing", "price_aux_limit", "price_oco_stop",
        )  # fmt: skip
        return await self._connection().request("on", body, "on-req", {"cid": cid})

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
        tif: Optional[str] = None,
    ) -> Notification[Order]:
        """Change an order (``ou``); returns the ``ou-req`` notification."""
        body = _decimals(
            {
                "id": id, "amount": amount, "price": price, "cid": cid, "cid_date": cid_date, "gid": gid,
                "flags": flags, "lev": lev, "delta": delta, "price_aux_limit": price_aux_limit,
                "price_trailing": price_trailing, "tif": tif,
            },
            "amount", "price", "delta", "price_aux_limit", "price_trailing",
        )  # fmt: skip
        return await self._connection().request("ou", body, "ou-req", {"id": id})

    async def cancel_order(
        self, *, id: Optional[int] = None, cid: Optional[int] = None, cid_date: Optional[str] = None
    ) -> Notification[Order]:
        """Cancel an order by ``id``, or by ``cid`` and ``cid_date`` (``YYYY-MM-DD``); returns ``oc-req``."""
        if id is None and (cid is None or cid_date is None):
            raise ValueError("cancel_order needs id=..., or cid=... with cid_date='YYYY-MM-DD'")
        body = _decimals({"id": id, "cid": cid, "cid_date": cid_date})
        identity = {"id": id} if id is not None else {"cid": cid}
        return await self._connection().request("oc", body, "oc-req", identity)

    async def cancel_order_multi(
        self,
        *,
        id: Optional[Sequence[int]] = None,
        cid: Optional[Sequence[tuple[int, str]]] = None,
        gid: Optional[Sequence[int]] = None,
        all: Optional[bool] = None,
    ) -> Notification[list[Order]]:
        """Cancel several orders (``oc_multi``) by ids, ``(cid, cid_date)`` pairs, group ids, or ``all=True``."""
        body = _decimals(
            {
                "id": list(id) if id is not None else None,
                "cid": [list(pair) for pair in cid] if cid is not None else None,
                "gid": list(gid) if gid is not None else None,
                "all": 1 if all else None,
            }
        )
        if not body:
            raise ValueError("cancel_order_multi needs id=[...], cid=[...], gid=[...] or all=True")
        return await self._connection().request("oc_multi", body, "oc_multi-req", {})

    async def order_multi_op(self, operations: Sequence[Operation]) -> Notification[list[Notification[Any]]]:
        """Several operations in one frame (``ox_multi``, at most 75): ``[("on", {...}), ("oc", {"id": 1}),
        ("oc_multi", {...}), ("ou", {...})]``; returns the ``ox_multi-req`` notification, whose data holds
        one notification per operation."""
        if not operations or len(operations) > 75:
            raise ValueError("order_multi_op takes between 1 and 75 operations")
        ops = []
        for kind, body in operations:
            if kind not in ("on", "oc", "oc_multi", "ou"):
                raise ValueError(f"unknown operation {kind!r}: use on, oc, oc_multi or ou")
            ops.append([kind, _decimals(dict(body), "amount", "price", "delta", "price_trailing",
                                        "price_aux_limit", "price_oco_stop")])
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
    ) -> Notification[FundingOffer]:
        """Offer (positive amount) or bid for (negative) funding (``fon``); returns ``fon-req``."""
        body = _decimals(
            {"type": type, "symbol": symbol, "amount": amount, "rate": rate, "period": period, "flags": flags},
            "amount", "rate",
        )  # fmt: skip
        return await self._connection().request("fon", body, "fon-req", {})

    async def cancel_funding_offer(self, id: int) -> Notification[FundingOffer]:
        """Cancel a funding offer (``foc``); returns ``foc-req``."""
        return await self._connection().request("foc", {"id": id}, "foc-req", {"id": id})

    async def calc(self, *args: str) -> None:
        """Ask for fresh values (``margin_base``, ``margin_sym_tBTCUSD``, ``funding_sym_fUSD``,
        ``position_tBTCUSD``, ``wallet_exchange_USD``, ``balance``); they arrive as the events
        ``base_margin_info``, ``symbol_margin_info``, ``funding_info_update``, ``position_update``,
        ``wallet_update`` and ``balance_update``. Bitfinex answers a ``calc`` with no notification, so
        this returns once the request is sent."""
        if not args or len(args) > 30:
            raise ValueError("calc takes between 1 and 30 requests")
        await self._connection().send_input("calc", [[arg] for arg in args])
