"""The event loop behind the synchronous client: one per client, in a daemon thread that the client owns.

Why a loop of its own in a thread, and not ``asyncio.run()`` per call: the async REST interface keeps state bound to
one loop (the pooled aiohttp session, the rate limiter's waits), which must outlive a call; a loop in a thread also
serves several calling threads at once (their requests share the session and the limits, as in async code), and
works whatever the caller's thread is, as long as no loop runs in it (blocking a running loop is refused, never a
deadlock).
"""

import asyncio
import atexit
import concurrent.futures
import contextvars
import threading
from typing import Any, Callable, Coroutine, Optional, TypeVar

from ..exceptions import ClientClosedError, SyncInEventLoopError

__all__ = ["Runner"]

T = TypeVar("T")


class Runner:
    """Runs coroutines on a private event loop in a background thread, started on the first call.

    ``final`` makes the coroutine that releases what the loop holds (the client's ``close()``): :meth:`close` runs it,
    and so does the interpreter's exit for a client never closed (scripts written for the official library never
    close theirs), so that no session is left open."""

    def __init__(self, final: Callable[[], Coroutine[Any, Any, None]], name: str = "bfxapi-sync") -> None:
        self._final = final
        self._name = name
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and return its result (or raise its exception), blocking the calling thread.

        The coroutine runs in a copy of the caller's context, so a ``with bfx.rest.timeout(...)`` block of the caller
        applies to it. Interrupting the wait (Ctrl-C) cancels the request."""
        try:
            _refuse_running_loop()
            loop = self._started()
        except BaseException:
            coro.close()  # never started: no "coroutine was never awaited" warning
            raise
        context = contextvars.copy_context()
        result: concurrent.futures.Future[T] = concurrent.futures.Future()
        tasks: list["asyncio.Task[T]"] = []

        def start() -> None:
            if not result.set_running_or_notify_cancel():
                coro.close()
                return
            # create_task copies the current context: running it inside the caller's gives the task the caller's.
            task = context.run(loop.create_task, coro)
            tasks.append(task)
            task.add_done_callback(lambda done: _settle(result, done))

        loop.call_soon_threadsafe(start)
        try:
            return result.result()
        except BaseException:
            if not result.done() and not result.cancel():  # already started: cancel the task on its loop
                loop.call_soon_threadsafe(lambda: [task.cancel() for task in tasks])
            raise

    def close(self) -> None:
        """Run ``final`` on the loop, then stop the loop and join its thread. Idempotent; calls made afterwards
        raise :class:`~bfxapi.exceptions.ClientClosedError`."""
        with self._lock:  # two threads closing at once: one closes
            if self._closed:
                return
            _refuse_running_loop()  # before anything changes: the client stays usable from another thread
            self._closed = True
            loop, thread = self._loop, self._thread
        atexit.unregister(self._close_at_exit)
        if loop is None or thread is None:  # never started: nothing is bound to a loop, but the log handler
            asyncio.run(self._final())
            return
        try:
            asyncio.run_coroutine_threadsafe(self._final(), loop).result()
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    def _close_at_exit(self) -> None:
        try:
            self.close()
        except Exception:  # pylint: disable=broad-exception-caught  # the interpreter is ending: nothing to tell
            pass

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise ClientClosedError("this bfxapi.sync.Client was closed: create a new one")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()
                thread = threading.Thread(target=_serve, args=(loop, ready), name=self._name, daemon=True)
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
                atexit.register(self._close_at_exit)
            return self._loop


def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        # Whatever is left (a request cancelled at close) is cancelled and awaited, so nothing stays pending.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def _settle(result: "concurrent.futures.Future[T]", task: "asyncio.Task[T]") -> None:
    if result.done():
        return
    if task.cancelled():  # by close() from another thread, or by the caller's interrupt (nobody waits then)
        result.set_exception(concurrent.futures.CancelledError("the request was cancelled: the client was closed"))
    elif (error := task.exception()) is not None:
        result.set_exception(error)
    else:
        result.set_result(task.result())


def _refuse_running_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise SyncInEventLoopError(
        "bfxapi.sync.Client was called from a thread where an asyncio event loop runs, which it would block: "
        "in async code use bfxapi.Client and await its methods (or asyncio.to_thread(...) around this call)"
    )
