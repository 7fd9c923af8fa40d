"""Consuming a subscription as an async iterator.

``async with bfx.wss.stream("trades", symbol="tBTCUSD") as stream: async for event, data in stream: ...``

The stream subscribes on enter and unsubscribes on exit. It yields ``(event, data)`` pairs, with the event
names and payload types of the callbacks (``("t_trades_snapshot", [TradingPairTrade, ...])``,
``("t_trade_execution", TradingPairTrade)``, ...), in the order the server sent them.

For type checkers the items are typed per channel: ``stream("trades", ...)`` is a ``Stream[TradesItem[N]]`` (``N``
the client's number type), a union of ``tuple[Literal[event], payload]``, one per event the channel sends. Testing
the event name narrows the payload: ``if item[0] == "t_trade_execution": item[1]`` is a ``TradingPairTrade[N]``
(``match item: case ("t_trade_execution", trade): ...`` too). Unpacking first (``event, data = item``) loses the
link between the two: ``data`` is then the union of every payload of the channel.

Its buffer is bounded (``maxsize`` items). When the consumer falls behind and the buffer is full, what
happens is chosen with ``overflow`` and never silent:

- ``"error"`` (default): the stream stops buffering and the next iteration raises
  :class:`~bfxapi.websocket.exceptions.StreamOverflowError`; the items already buffered are dropped with it,
  because a gap makes what follows unusable for stateful consumers (books, candles);
- ``"drop_oldest"``: the oldest item is discarded to make room; ``stream.dropped`` counts them and a
  warning is logged when dropping starts (for feeds where only the latest value matters, e.g. tickers).
"""

import asyncio
import collections
import logging
from typing import Any, Awaitable, Callable, Generic, Literal, Optional, Union, cast

from typing_extensions import TypeVar

from .._utils.values import integer
from ..exceptions import InvalidInputError
from ..types.dataclasses import (
    Candle, DerivativesStatus, FundingCurrencyBook, FundingCurrencyRawBook, FundingCurrencyTicker,
    FundingCurrencyTrade, Liquidation, TradingPairBook, TradingPairRawBook, TradingPairTicker, TradingPairTrade,
)
from ..types.number import N
from .exceptions import StreamOverflowError

__all__ = ["Stream", "Overflow", "TickerItem", "TradesItem", "BookItem", "CandlesItem", "StatusItem"]

Overflow = Literal["error", "drop_oldest"]

# The items of each channel's stream, in the client's number type N (a bare ``TickerItem`` is float's): one
# ``tuple[Literal[event], payload]`` per event the channel sends, with the payload types of the event table.
#: ``stream("ticker", ...)``
TickerItem = Union[
    tuple[Literal["t_ticker_update"], TradingPairTicker[N]],
    tuple[Literal["f_ticker_update"], FundingCurrencyTicker[N]],
]
#: ``stream("trades", ...)``
TradesItem = Union[
    tuple[Literal["t_trades_snapshot"], list[TradingPairTrade[N]]],
    tuple[Literal["t_trade_execution"], TradingPairTrade[N]],
    tuple[Literal["t_trade_execution_update"], TradingPairTrade[N]],
    tuple[Literal["f_trades_snapshot"], list[FundingCurrencyTrade[N]]],
    tuple[Literal["f_trade_execution"], FundingCurrencyTrade[N]],
    tuple[Literal["f_trade_execution_update"], FundingCurrencyTrade[N]],
]
#: ``stream("book", ...)``: the snapshots and updates of the four kinds of book, and the checksums (``OB_CHECKSUM``)
BookItem = Union[
    tuple[Literal["t_book_snapshot"], list[TradingPairBook[N]]],
    tuple[Literal["t_book_update"], TradingPairBook[N]],
    tuple[Literal["f_book_snapshot"], list[FundingCurrencyBook[N]]],
    tuple[Literal["f_book_update"], FundingCurrencyBook[N]],
    tuple[Literal["t_raw_book_snapshot"], list[TradingPairRawBook[N]]],
    tuple[Literal["t_raw_book_update"], TradingPairRawBook[N]],
    tuple[Literal["f_raw_book_snapshot"], list[FundingCurrencyRawBook[N]]],
    tuple[Literal["f_raw_book_update"], FundingCurrencyRawBook[N]],
    tuple[Literal["checksum"], int],
]
#: ``stream("candles", ...)``
CandlesItem = Union[
    tuple[Literal["candles_snapshot"], list[Candle[N]]],
    tuple[Literal["candles_update"], Candle[N]],
]
#: ``stream("status", ...)``
StatusItem = Union[
    tuple[Literal["derivatives_status_update"], DerivativesStatus[N]],
    tuple[Literal["liquidation_feed_update"], Liquidation[N]],
]

#: the item type of a stream: ``tuple[str, Any]`` when the channel is not a literal known to the overloads (covariant:
#: a typed stream is also a ``Stream[tuple[str, Any]]``)
T_co = TypeVar("T_co", covariant=True, default=tuple[str, Any])

_logger = logging.getLogger("bfxapi.websocket")


class Stream(Generic[T_co]):
    """An async iterator over the events of one subscription (see module docs), generic in its item type."""

    def __init__(
        self,
        opener: Callable[["Stream[Any]", str, Optional[str], dict[str, Any]], Awaitable[str]],
        closer: Callable[["Stream[Any]", str], Awaitable[None]],
        channel: str,
        params: dict[str, Any],
        *,
        sub_id: Optional[str] = None,
        maxsize: int = 10_000,
        overflow: Overflow = "error",
    ) -> None:
        integer(maxsize, "maxsize", 1)
        if overflow not in ("error", "drop_oldest"):
            raise InvalidInputError('overflow must be "error" or "drop_oldest"')
        # the client's: subscribe feeding this stream / unsubscribe and forget it
        self._opener = opener
        self._closer = closer
        self._channel = channel
        self._params = params
        self._requested_sub_id = sub_id
        self.maxsize = maxsize
        self.overflow: Overflow = overflow
        self.sub_id: Optional[str] = None
        #: items discarded because the consumer was too slow (overflow="drop_oldest")
        self.dropped = 0
        self._items: collections.deque[tuple[str, Any]] = collections.deque()
        self._waiter: Optional["asyncio.Future[None]"] = None
        self._overflowed = False
        self._ended = False
        self._dropping = False

    @property
    def buffered(self) -> int:
        """Items received and not yet consumed."""
        return len(self._items)

    async def __aenter__(self) -> "Stream[T_co]":
        self.sub_id = await self._opener(self, self._channel, self._requested_sub_id, self._params)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Unsubscribe and end the iteration."""
        sub_id, self.sub_id = self.sub_id, None
        self.end()
        if sub_id is not None:
            await self._closer(self, sub_id)

    def __aiter__(self) -> "Stream[T_co]":
        return self

    async def __anext__(self) -> T_co:
        while True:
            if self._overflowed:
                self._items.clear()
                raise StreamOverflowError(
                    f"the stream of {self.sub_id} overflowed its buffer of {self.maxsize} items: the consumer is "
                    "slower than the feed (use a larger maxsize, or overflow='drop_oldest' for latest-value feeds)"
                )
            if self._items:
                # (event, payload) as the handler delivered it: T_co is what the channel's overload promised
                return cast(T_co, self._items.popleft())
            if self._ended:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def push(self, event: str, data: Any) -> None:
        """Called by the subscription's handler for each event."""
        if self._overflowed or self._ended:
            return
        items = self._items
        if len(items) >= self.maxsize:
            if self.overflow == "error":
                self._overflowed = True
                _logger.warning("stream %s overflowed (%d items buffered): it will raise", self.sub_id, len(items))
                self._wake()
                return
            items.popleft()
            self.dropped += 1
            if not self._dropping:
                self._dropping = True
                _logger.warning("stream %s is dropping its oldest items: the consumer is too slow", self.sub_id)
        elif self._dropping and len(items) < self.maxsize // 2:
            self._dropping = False
        items.append((event, data))
        self._wake()

    def end(self) -> None:
        """End the iteration once the buffered items are consumed."""
        self._ended = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
