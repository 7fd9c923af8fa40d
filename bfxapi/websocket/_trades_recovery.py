"""Public trades without holes across a reconnection (``WebSocketOptions(recover_trades=True)``).

When a trades subscription is restored, Bitfinex sends a fresh snapshot of the last 30 trades only: whatever
executed during the outage beyond those is never sent again. A :class:`TradesRecovery`, one per trades
subscription, remembers the newest trade delivered; when the restored channel's snapshot starts after it, the
trades in between are fetched over REST and delivered as ordinary executions before the snapshot, and the live
frames that arrive meanwhile are held, then delivered in their order. So a consumer sees every trade once, in
execution order ``(mts, id)``.
"""

import asyncio
import logging
from typing import Any, Awaitable, Callable, Coroutine, Optional, Sequence

from .exceptions import TradesPagingError

__all__ = ["TradesFetcher", "TradesRecovery", "RecoveryContext", "PAGE_LIMIT"]

#: ``fetch(symbol, start_mts, end_mts, limit)``: the symbol's public trades in that window (ms, inclusive),
#: oldest first, at most ``limit`` of them (``trades/{symbol}/hist`` with ``sort=1``)
TradesFetcher = Callable[[str, int, int, int], Awaitable[Sequence[Any]]]

#: Bitfinex's largest ``limit`` for ``trades/{symbol}/hist``
PAGE_LIMIT = 10_000


class RecoveryContext:
    """What the recoveries of one client share."""

    __slots__ = ("fetch", "spawn", "emit", "logger", "warned")

    def __init__(
        self,
        fetch: Optional[TradesFetcher],
        spawn: Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"],
        emit: Callable[..., bool],
        logger: logging.Logger,
    ) -> None:
        self.fetch = fetch
        self.spawn = spawn
        self.emit = emit
        self.logger = logger
        # a client without REST says it once, not at every restored subscription
        self.warned = False


def _key(trade: Any) -> tuple[int, int]:
    return int(trade.mts), int(trade.id)


class TradesRecovery:
    """The delivery state of one trades subscription across its channels (a new one after every restore)."""

    __slots__ = ("subscription", "context", "execution_event", "last", "restoring", "held", "task")

    def __init__(self, subscription: dict[str, Any], context: RecoveryContext) -> None:
        self.subscription = subscription
        self.context = context
        funding = str(subscription["symbol"]).startswith("f")
        self.execution_event = "f_trade_execution" if funding else "t_trade_execution"
        #: (mts, id) of the newest trade delivered; None before any
        self.last: Optional[tuple[int, int]] = None
        #: the subscription is being restored: the next snapshot may start after a hole
        self.restoring = False
        #: while a fetch runs: the live (event, item) pairs of the new channel, in arrival order
        self.held: Optional[list[tuple[str, Any]]] = None
        self.task: Optional["asyncio.Task[None]"] = None

    # -- told by the subscription -------------------------------------------------------------------------

    def interrupted(self) -> None:
        """The interrupt hook: the channel is gone. A fetch in flight is dropped with what it held (never
        delivered, so ``last`` did not move): the next restore fetches from the same point, covering it all."""
        self.cancel()
        self.held = None
        self.restoring = self.last is not None

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None

    # -- told by the channel's handler ----------------------------------------------------------------------

    def snapshot(self, deliver: Callable[[str, Any], None], event: str, items: list[Any]) -> None:
        restoring, self.restoring = self.restoring, False
        last = self.last
        oldest = min(map(_key, items)) if items else None
        if not restoring or last is None or oldest is None or oldest <= last:
            # first snapshot, or one that reaches back to what was delivered: nothing can be missing
            self._deliver_snapshot(deliver, event, items)
            return
        if self.context.fetch is None:
            if not self.context.warned:
                self.context.warned = True
                self.context.logger.warning(
                    "recover_trades is on but this WebSocket client has no REST client to fetch missed trades "
                    "with (use bfxapi.Client): trades missed while reconnecting are reported by trades_gap only"
                )
            self._gap(last[0], oldest[0])
            self._deliver_snapshot(deliver, event, items)
            return
        self.held = []
        self.task = self.context.spawn(
            self._recover(deliver, event, items, last, oldest), f"bfxapi:recover-trades:{self.subscription['sub_id']}"
        )

    def live(self, deliver: Callable[[str, Any], None], event: str, item: Any) -> None:
        if self.held is not None:
            self.held.append((event, item))
            return
        deliver(event, item)
        if event == self.execution_event:
            key = _key(item)
            if self.last is None or key > self.last:
                self.last = key

    # -- inside ---------------------------------------------------------------------------------------------

    def _deliver_snapshot(self, deliver: Callable[[str, Any], None], event: str, items: list[Any]) -> None:
        deliver(event, items)
        if items:
            newest = max(map(_key, items))
            if self.last is None or newest > self.last:
                self.last = newest

    async def _recover(
        self,
        deliver: Callable[[str, Any], None],
        event: str,
        items: list[Any],
        last: tuple[int, int],
        oldest: tuple[int, int],
    ) -> None:
        try:
            missed = await self._fetch(last, oldest)
        except Exception as error:  # pylint: disable=broad-exception-caught
            # Whatever failed (network, HTTP status, rate limit), live delivery must resume: report the hole.
            self.context.logger.warning(
                "could not fetch the trades of %s missed while reconnecting (%s): %s",
                self.subscription["symbol"],
                type(error).__name__,
                error,
            )
            self._gap(last[0], oldest[0])
            missed = []
        self.task = None
        held, self.held = self.held or [], None
        for trade in missed:
            self.live(deliver, self.execution_event, trade)
        self._deliver_snapshot(deliver, event, items)
        for name, item in held:
            self.live(deliver, name, item)

    async def _fetch(self, last: tuple[int, int], oldest: tuple[int, int]) -> list[Any]:
        """The trades strictly between ``last`` and ``oldest``, oldest first, each once."""
        assert self.context.fetch is not None
        symbol = str(self.subscription["symbol"])
        found: dict[int, Any] = {}
        start = last[0]
        while True:
            page = await self.context.fetch(symbol, start, oldest[0], PAGE_LIMIT)
            fresh = [trade for trade in page if last < _key(trade) < oldest and trade.id not in found]
            for trade in fresh:
                found[trade.id] = trade
            if len(page) < PAGE_LIMIT:
                break
            newest = max(int(trade.mts) for trade in page)
            if not fresh and newest <= start:
                # A full page within one millisecond: paging by time cannot get past it.
                raise TradesPagingError(f"more than {PAGE_LIMIT} trades of {symbol} at {start} ms")
            start = newest
        return sorted(found.values(), key=_key)

    def _gap(self, from_mts: int, to_mts: int) -> None:
        self.context.emit("trades_gap", self.subscription, from_mts, to_mts)
