"""How a test waits for a server of the kit (the simulator, a replay) to reach a state: the server calls
:meth:`Changes.notify` on every frame it sends or receives and every connection opened or closed, and
:meth:`Changes.wait_for` re-checks the test's predicate at each of them, so no test polls or sleeps."""

import asyncio
from typing import Any, Callable, Optional

__all__ = ["Changes"]


class Changes:
    """A mixin: ``notify()`` and ``wait_for(predicate)``; ``_changed`` is set to a fresh event when serving starts
    (None before: a wait then fails at once instead of hanging)."""

    _changed: Optional[asyncio.Event] = None

    def notify(self) -> None:
        """Wake every :meth:`wait_for` (called on each frame sent/received and each open/close)."""
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy and return its value; raise ``TimeoutError`` after ``timeout`` s.
        The predicate is re-evaluated whenever a frame is sent or received or a connection opens/closes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0 or self._changed is None:
                raise TimeoutError(f"condition not met within {timeout} s")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass
