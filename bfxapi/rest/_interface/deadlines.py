"""Whole-request deadlines for the requests of one event loop, kept by a single timer.

Why not aiohttp's ``ClientTimeout(total=...)``
----------------------------------------------
It arms a timer per request (a ``TimerHandle`` pushed on the loop's heap, then cancelled) and enters a timer
context for the request and again for every read of its body: about 26,000 CPU instructions a request, 7 % of a
whole small request on loopback (``benchmarks/rest_profile.py``). The requests of one client nearly all share one
timeout, so their deadlines arrive in order and a single timer, set at the earliest deadline in flight, serves
them all: a request then costs a dict insertion and a deletion. When the timer fires, every request past its
deadline has its task cancelled, and the timer is set again at the earliest deadline left (a request that ended
in time leaves nothing behind: the timer set for it finds no one and is set for the next, about once per timeout
period under a steady load).

What a request sees is what aiohttp's total timeout gives: its task is cancelled where it waits, and the
``CancelledError`` becomes ``asyncio.TimeoutError`` at the scope's exit; a cancellation of the task by anyone
else (the application's ``task.cancel()``) stays a ``CancelledError``, even when the deadline passed at the same
moment (Python 3.11+, which counts cancellations; on 3.10 a deadline that fired wins, as in aiohttp).

A request spans two scopes with one deadline: from sending until the status line and headers are in
(:meth:`AiohttpTransport.send <bfxapi.rest._interface.transport.AiohttpTransport.send>`), then the body's read,
which the middleware starts after releasing its nonce lock. Each scope is entered and left around one ``await``
(never left open between the two), so a task is never cancelled for a deadline once it has left the request.
"""

import asyncio
import sys
from typing import Any, Optional

__all__ = ["Deadlines"]


if sys.version_info >= (3, 11):
    #: how many cancellations are pending on a task, and taking one back (the C methods themselves: no call of
    #: ours in between)
    _cancelling = asyncio.Task.cancelling
    _uncancel = asyncio.Task.uncancel
else:  # pragma: no cover  (Python 3.10 does not count cancellations)

    def _cancelling(_: "asyncio.Task[Any]") -> int:
        return 0

    def _uncancel(_: "asyncio.Task[Any]") -> int:
        return 0


class Deadlines:
    """The deadlines of the requests in flight on ``loop``.

    ::

        task, cancelling = deadlines.enter(when)   # when: a loop.time() value
        try:
            answer = await something()
        except asyncio.CancelledError:
            deadlines.leave(task, cancelling, cancelled=True)   # raises asyncio.TimeoutError when it was ours
            raise
        deadlines.leave(task, cancelling)
    """

    __slots__ = ("loop", "_inside", "_fired", "_timer", "_timer_when")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        #: the event loop these deadlines are kept on (an attribute, not a property: read once per request)
        self.loop = loop
        #: the task of each request inside a scope, and its deadline
        self._inside: dict["asyncio.Task[Any]", float] = {}
        #: the tasks cancelled for their deadline that have not left their scope yet
        self._fired: set["asyncio.Task[Any]"] = set()
        self._timer: Optional[asyncio.TimerHandle] = None
        self._timer_when = 0.0

    @property
    def inside(self) -> int:
        """How many requests are inside a scope now."""
        return len(self._inside)

    def enter(self, when: float) -> tuple["asyncio.Task[Any]", int]:
        """Start a scope of the current task that ends at ``when`` (``loop.time()`` clock): the task and its count
        of pending cancellations, both to give back to :meth:`leave`. A ``when`` that has passed already (the
        second scope of a request whose deadline passed between the two) fires at the loop's next turn."""
        task = asyncio.current_task(self.loop)
        if task is None:
            raise RuntimeError("a REST request must be awaited inside an asyncio task")
        self._inside[task] = when
        if self._timer is None or when < self._timer_when:
            self._arm(when)
        return task, _cancelling(task)

    def leave(self, task: "asyncio.Task[Any]", cancelling: int, *, cancelled: bool = False) -> None:
        """End the scope :meth:`enter` started. ``cancelled``: the scope ends with a ``CancelledError``; when the
        deadline caused it (and nobody else cancelled the task meanwhile) this raises ``asyncio.TimeoutError``
        in its place. Call it from an ``except asyncio.CancelledError:`` block, then re-raise."""
        del self._inside[task]
        if not self._fired or task not in self._fired:
            return
        self._fired.discard(task)
        # The cancellation asked for by the deadline must not outlive the scope: take it back (3.11+), and only
        # report a timeout when no other cancellation is pending, as asyncio.timeout() does.
        if _uncancel(task) <= cancelling and cancelled:
            raise asyncio.TimeoutError

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.loop.call_at(when, self._fire)
        self._timer_when = when

    def _fire(self) -> None:
        self._timer = None
        now = self.loop.time()
        earliest: Optional[float] = None
        for task, when in self._inside.items():
            if when <= now:
                if task not in self._fired:
                    self._fired.add(task)
                    task.cancel()  # delivered at the task's next step, never inside this loop
            elif earliest is None or when < earliest:
                earliest = when
        if earliest is not None:
            self._arm(earliest)

    def __repr__(self) -> str:
        return f"Deadlines(inside={len(self._inside)})"
