"""The event emitter shared by every connection of a client.

A pyee ``AsyncIOEventEmitter`` that
- accepts only the events the client emits (a misspelt name fails at registration, not silently);
- calls sync callbacks inline and schedules coroutine callbacks as tasks it keeps track of, so that
  closing the client can wait for or cancel them;
- logs an exception raised by a callback (sync or coroutine) with its traceback and emits it as
  ``callback_error(event, error)``, then goes on: one failing callback never disturbs the others, the
  connection or the client;
- keeps, per event, a ready tuple of callbacks rebuilt only when listeners change, so that ``emit`` on
  the hot path is a dict lookup and a loop (pyee's own ``emit`` takes a lock and copies the listener list
  on every call). That table (:attr:`BfxEventEmitter.callbacks_by_event`) holds every event it accepts, always current:
  the channel handlers read it themselves and call the callbacks of a frame's event in their own loop, with
  the same isolation (:meth:`BfxEventEmitter.callback_failed`, :meth:`BfxEventEmitter.callback_returned`).
"""

import asyncio
import inspect
import logging
from typing import Any, Callable, Iterable, Optional

from pyee.asyncio import AsyncIOEventEmitter

from ..._utils.log_throttle import LogThrottle
from ..exceptions import UnknownEventError
from .events import EVENTS

__all__ = ["BfxEventEmitter", "CONNECTION_EVENTS", "PUBLIC_EVENTS", "AUTH_EVENTS", "ALL_EVENTS"]

# The whitelist comes from the event table, which also generates the typed on()/once() overloads.
CONNECTION_EVENTS = frozenset(name for name, spec in EVENTS.items() if spec.group == "connection")
PUBLIC_EVENTS = frozenset(name for name, spec in EVENTS.items() if spec.group == "public")
AUTH_EVENTS = frozenset(name for name, spec in EVENTS.items() if spec.group == "auth")

ALL_EVENTS = CONNECTION_EVENTS | PUBLIC_EVENTS | AUTH_EVENTS

# pyee emits these itself; they are never user events.
_PYEE_EVENTS = frozenset(("new_listener", "error"))

Handler = Callable[..., Any]


class BfxEventEmitter(AsyncIOEventEmitter):
    """pyee emitter restricted to ``events``, with fast dispatch and isolated callbacks."""

    def __init__(
        self,
        events: Iterable[str] = ALL_EVENTS,
        *,
        logger: Optional[logging.Logger] = None,
        throttle: Optional[LogThrottle] = None,
    ) -> None:
        super().__init__()
        self._known = frozenset(events)
        # every event a handler may deliver is in the table from the start, accepted or not (an event this emitter
        # does not accept can have no callbacks)
        self._dispatch: dict[str, tuple[Handler, ...]] = dict.fromkeys(self._known | ALL_EVENTS, ())
        self._logger = logger or logging.getLogger("bfxapi.websocket")
        self._throttle = throttle or LogThrottle()

    @property
    def callbacks_by_event(self) -> dict[str, tuple[Handler, ...]]:
        """The callbacks of each event this emitter accepts, in the order they were added (coroutine functions
        wrapped in what schedules them): a live table, updated in place whenever listeners change; read it, never
        write to it. A caller that calls them itself does what :meth:`deliver` does: each call in a ``try``, an
        exception to :meth:`callback_failed`, a result other than None to :meth:`callback_returned`, as :meth:`emit`
        does (``tests/test_ws_emitter_deliver.py`` holds the channel handlers, which do, to the same behaviour)."""
        return self._dispatch

    @property
    def events(self) -> frozenset[str]:
        """The names of the events this emitter accepts."""
        return self._known

    def check_event(self, event: str) -> None:
        """Raise :class:`UnknownEventError` unless ``event`` is one this emitter emits."""
        if event not in self._known:
            raise UnknownEventError(
                f"Unknown event {event!r}. Events are listed in the README (section Events); "
                f"did you mean one of {sorted(_close_matches(event, self._known))}?"
            )

    def pending_tasks(self) -> int:
        """The number of coroutine callbacks still running."""
        return len(self._waiting)

    async def finish_pending(self, grace: float) -> None:
        """Give the coroutine callbacks still running ``grace`` seconds, then cancel the rest and wait until
        they are gone. The calling task is left alone: a callback may be what is closing the client."""
        current = asyncio.current_task()
        tasks = [task for task in self._waiting if not task.done() and task is not current]
        if tasks and grace > 0:
            await asyncio.wait(tasks, timeout=grace)
        tasks = [task for task in tasks if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        # A callback that ended just before this call (or while cancelled ones were gathered) has its failure
        # reported by a done-callback the loop runs at its next turn: let it run, or the report would come after
        # the client had closed (with no wait at all above, it would on Python 3.12+, whose wait_for takes fewer
        # turns).
        if any(task.done() and task is not current for task in self._waiting):
            await asyncio.sleep(0)

    # -- pyee hooks ------------------------------------------------------------------------------

    def _add_event_handler(self, event: str, k: Handler, v: Handler) -> None:
        if event not in _PYEE_EVENTS:
            self.check_event(event)
        if inspect.iscoroutinefunction(k):
            v = self._scheduler(v, k, event)
        super()._add_event_handler(event, k, v)
        self._dispatch[event] = self._handlers_of(event)

    def _remove_listener(self, event: str, f: Handler) -> None:
        # pyee calls this with its lock held (the lock is not reentrant: _handlers_of would wait forever)
        super()._remove_listener(event, f)
        self._dispatch[event] = tuple(self._events.get(event, {}).values())

    def remove_all_listeners(self, event: Optional[str] = None) -> None:
        super().remove_all_listeners(event)
        for name in self._dispatch if event is None else (event,):
            self._dispatch[name] = ()

    def emit(self, event: str, *args: Any, **kwargs: Any) -> bool:
        handlers = self._dispatch.get(event, ())  # kept current by every change of listeners: absent means none
        for handler in handlers:
            try:
                result = handler(*args, **kwargs)
            except Exception as error:  # pylint: disable=broad-exception-caught
                self.callback_failed(event, error)
                continue
            if result is not None:
                self.callback_returned(event, result)
        return bool(handlers)

    def callback_returned(self, event: str, result: Any) -> None:
        """A callback of ``event`` returned ``result`` (not None): a coroutine is run like any coroutine callback
        (a callable that returns one without being a coroutine function: a partial, a lambda); anything else is
        ignored."""
        if inspect.iscoroutine(result):
            self._track(asyncio.ensure_future(result), event)

    # -- helpers ---------------------------------------------------------------------------------

    def _handlers_of(self, event: str) -> tuple[Handler, ...]:
        with self._lock:
            return tuple(self._events.get(event, {}).values())

    def _scheduler(self, call: Handler, original: Handler, event: str) -> Handler:
        def schedule(*args: Any, **kwargs: Any) -> None:
            coroutine = call(*args, **kwargs)
            if coroutine is not None:  # a `once` wrapper returns None once already removed
                self._track(asyncio.ensure_future(coroutine), event)

        schedule.__qualname__ = getattr(original, "__qualname__", repr(original))
        return schedule

    def _track(self, task: "asyncio.Future[Any]", event: str) -> None:
        self._waiting.add(task)
        task.add_done_callback(lambda done: self._finished(done, event))

    def _finished(self, task: "asyncio.Future[Any]", event: str) -> None:
        self._waiting.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self.callback_failed(event, error)

    def callback_failed(self, event: str, error: BaseException) -> None:
        """Report a callback's exception: a log record with its traceback (the same failure repeating is
        logged once per interval, with a count), and ``callback_error`` every time (unless a
        ``callback_error`` callback is what failed: reporting that one again would never end)."""
        skipped = self._throttle.allow((event, type(error), _origin(error)))
        if skipped is not None:
            repeats = f" (and {skipped} more time(s) since it was last shown)" if skipped else ""
            self._logger.error(
                "A callback of the event %r raised %s%s; the client goes on",
                event,
                type(error).__name__,
                repeats,
                exc_info=error,
            )
        if event != "callback_error" and isinstance(error, Exception):
            self.emit("callback_error", event, error)


def _origin(error: BaseException) -> Optional[tuple[str, int]]:
    """Where an exception was raised (its innermost frame): the same error from the same line is a repeat."""
    traceback = error.__traceback__
    if traceback is None:
        return None
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback.tb_frame.f_code.co_filename, traceback.tb_lineno


def _close_matches(event: str, known: Iterable[str]) -> list[str]:
    # pylint: disable-next=import-outside-toplevel
    from difflib import get_close_matches

    return get_close_matches(event, list(known), n=3)
