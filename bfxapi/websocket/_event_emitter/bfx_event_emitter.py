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
  on every call).
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
        self._dispatch: dict[str, tuple[Handler, ...]] = {}
        self._logger = logger or logging.getLogger("bfxapi.websocket")
        self._throttle = throttle or LogThrottle()

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

    # -- pyee hooks ------------------------------------------------------------------------------

    def _add_event_handler(self, event: str, k: Handler, v: Handler) -> None:
        if event not in _PYEE_EVENTS:
            self.check_event(event)
        if inspect.iscoroutinefunction(k):
            v = self._scheduler(v, k, event)
        super()._add_event_handler(event, k, v)
        self._dispatch.pop(event, None)

    def _remove_listener(self, event: str, f: Handler) -> None:
        super()._remove_listener(event, f)
        self._dispatch.pop(event, None)

    def remove_all_listeners(self, event: Optional[str] = None) -> None:
        super().remove_all_listeners(event)
        if event is None:
            self._dispatch.clear()
        else:
            self._dispatch.pop(event, None)

    def emit(self, event: str, *args: Any, **kwargs: Any) -> bool:
        handlers = self._dispatch.get(event)
        if handlers is None:
            handlers = self._dispatch[event] = self._handlers_of(event)
        for handler in handlers:
            try:
                result = handler(*args, **kwargs)
            except Exception as error:  # pylint: disable=broad-exception-caught
                self._callback_failed(event, error)
                continue
            if result is not None and inspect.iscoroutine(result):
                # A callable that returns a coroutine without being a coroutine function (a partial,
                # a lambda): run it like any other coroutine callback.
                self._track(asyncio.ensure_future(result), event)
        return bool(handlers)

    def deliver(self, event: str, subscription: Any, data: Any) -> None:
        """``emit(event, subscription, data)`` for the channel handlers' hot path: the same callbacks in the same
        order, the same isolation of a failing callback, without packing the arguments into a tuple and a dict of
        keywords, unpacking them again for each callback, or a result (about a third of what an emit costs with
        one listener). Kept beside :meth:`emit` line for line; ``tests/test_ws_emitter_deliver.py`` holds the two
        to the same behaviour."""
        handlers = self._dispatch.get(event)
        if handlers is None:
            handlers = self._dispatch[event] = self._handlers_of(event)
        for handler in handlers:
            try:
                result = handler(subscription, data)
            except Exception as error:  # pylint: disable=broad-exception-caught
                self._callback_failed(event, error)
                continue
            if result is not None and inspect.iscoroutine(result):
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
            self._callback_failed(event, error)

    def _callback_failed(self, event: str, error: BaseException) -> None:
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
