"""Reading a whole history window page by page, by time, with nothing lost or repeated (``bfx.rest.history``).

Bitfinex's history endpoints take ``start``/``end`` (milliseconds, both inclusive), ``limit`` (a page) and, for
some, ``sort``. Paging by time is the only paging they offer, and several rows can share one millisecond (the
fills of one order, the trades of one taker, the ledger entries of one fill). So:

* each next page is asked with an *inclusive* bound on the last row's time (``start`` going up, ``end`` going
  down): a page that ended in the middle of a millisecond is resumed inside it, never after it;
* the rows of that boundary millisecond already yielded are dropped from the next page, by key (the row's id; the
  candle's time for candles), so none is repeated. Only the keys of the boundary millisecond are kept: the memory
  does not grow with the history;
* when a full page holds nothing new (more rows share one millisecond than a page holds), the page is widened, up to
  the endpoint's largest; past that the window cannot be paged by time and :class:`HistoryPagingError` is raised
  rather than looping;
* a page shorter than asked is the end.

Endpoints that serve newest first only (ledgers, orders, movements: Bitfinex documents no ``sort`` for them) are
read that way; oldest first, they are read whole and then given back reversed (the only way to start at the oldest
row without knowing where it is).
"""

from typing import AsyncIterator, Awaitable, Callable, Hashable, Optional, Sequence, TypeVar

from .exceptions import HistoryPagingError

__all__ = ["Fetch", "pages"]

T = TypeVar("T")

#: one page: ``(start, end, limit, sort)`` -> rows sorted by time in ``sort``'s order (1 oldest first, -1 newest first)
Fetch = Callable[[Optional[int], Optional[int], int, int], Awaitable[Sequence[T]]]


async def _pages(
    fetch: Fetch[T],
    start: Optional[int],
    end: Optional[int],
    sort: int,
    limit: int,
    largest: int,
    time_of: Callable[[T], int],
    key_of: Callable[[T], Hashable],
) -> AsyncIterator[T]:
    # Oldest first needs a start: without one, Bitfinex (and the simulator) answer the *newest* rows oldest first.
    low, high = (start if start is not None else 0, end) if sort == 1 else (start, end)
    boundary: Optional[int] = None  # the millisecond the last page ended on
    seen: set[Hashable] = set()  # keys of that millisecond's rows already yielded
    while True:
        rows = await fetch(low, high, limit, sort)
        fresh = [row for row in rows if time_of(row) != boundary or key_of(row) not in seen]
        for row in fresh:
            yield row
        if len(rows) < limit:
            return
        if not fresh:
            if limit >= largest:
                raise HistoryPagingError(
                    f"more than {largest} rows share the millisecond {boundary}: a window cannot be paged by time "
                    f"past it (the endpoint's largest page is {largest})"
                )
            limit = min(largest, limit * 2)
            continue
        last = time_of(rows[-1])
        if last != boundary:
            boundary, seen = last, set()
        seen.update(key_of(row) for row in fresh if time_of(row) == last)
        if sort == 1:
            low = last
        else:
            high = last


async def pages(
    fetch: Fetch[T],
    *,
    start: Optional[int],
    end: Optional[int],
    sort: int,
    limit: int,
    largest: int,
    time_of: Callable[[T], int],
    key_of: Callable[[T], Hashable],
    sorts: bool = True,
) -> AsyncIterator[T]:
    """Every row between ``start`` and ``end`` (either may be None) in ``sort``'s order, read ``limit`` rows a page
    (``largest``: the endpoint's largest page). ``sorts=False``: the endpoint serves newest first only."""
    if sorts or sort == -1:
        async for row in _pages(fetch, start, end, sort, limit, largest, time_of, key_of):
            yield row
        return
    newest_first = [row async for row in _pages(fetch, start, end, -1, limit, largest, time_of, key_of)]
    for row in reversed(newest_first):
        yield row
