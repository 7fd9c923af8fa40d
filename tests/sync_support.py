"""A simulator served from a thread of its own, for tests of the blocking client (which must be called from
threads where no event loop runs)."""

import asyncio
import threading
from typing import Any, Callable, Coroutine, Iterator, TypeVar

from contextlib import contextmanager

from bfxapi.testing import Simulator

T = TypeVar("T")


class ThreadedSimulator:
    """``sim`` runs on ``loop``, in a daemon thread; ``call(fn)`` runs a function on that loop."""

    def __init__(self, sim: Simulator, loop: asyncio.AbstractEventLoop) -> None:
        self.sim = sim
        self.loop = loop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def call(self, fn: Callable[[], T]) -> T:
        async def inside() -> T:
            return fn()
        return self.run(inside())


@contextmanager
def threaded_simulator(**options: Any) -> Iterator[ThreadedSimulator]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="simulator", daemon=True)
    thread.start()
    sim = Simulator(**{"seed": 11, "market_interval": 0.1, **options})
    served = ThreadedSimulator(sim, loop)
    try:
        served.run(sim.__aenter__())
        yield served
    finally:
        try:
            served.run(sim.__aexit__(None, None, None))
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()
