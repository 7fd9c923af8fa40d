"""How fast connections may be (re)opened: reconnection backoff and Bitfinex's connection-rate limits; and how
fast inputs with a rate limit of their own (``calc``) may be sent."""

import asyncio
import math
import random
from collections import deque
from dataclasses import dataclass
from typing import Awaitable, Callable, Deque, Optional

from ..exceptions import InvalidInputError, InvalidInputTypeError

__all__ = ["Backoff", "ConnectionRateGovernor", "InputPacer"]


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: the n-th wait (n = 0, 1, ...) is
    ``min(maximum, initial * factor**n)``, multiplied by a random factor in ``[1 - jitter, 1 + jitter]``
    and capped at ``maximum``. Defaults: about 3 s at first, growing to one minute."""

    initial: float = 3.0
    maximum: float = 60.0
    factor: float = 2.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        for name in ("initial", "maximum", "factor", "jitter"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise InvalidInputTypeError(f"Backoff.{name} must be a number, not {value!r}")
        if not 0 < self.initial <= self.maximum < float("inf"):
            raise InvalidInputError("Backoff needs 0 < initial <= maximum")
        if self.factor < 1 or not 0 <= self.jitter < 1:
            raise InvalidInputError("Backoff needs factor >= 1 and 0 <= jitter < 1")

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """The wait before reconnection attempt number ``attempt`` (0 for the first)."""
        base = min(self.maximum, self.initial * self.factor ** min(attempt, 64))
        return min(self.maximum, base * (1 - self.jitter + 2 * self.jitter * rng()))


class ConnectionRateGovernor:
    """Keeps new connections under ``limit`` per ``window`` seconds (Bitfinex: 20 per minute on the public
    host, 5 per 15 s on the authenticated one, after which the IP is refused with HTTP 429 for a minute).

    Every connection attempt of a client to one host goes through one governor, so a pool that reconnects
    all its connections at once queues them instead of getting itself blocked.

    An attempt counts from when it starts until its handshake is over, and from then on it is dated by the
    end of the handshake (:meth:`settle`): the server counts the handshake when it arrives, which is never
    later than that, so the client's window never ends before the server's does.
    """

    def __init__(
        self,
        limit: Optional[int],
        window: float,
        clock: Optional[Callable[[], float]] = None,
        parent: Optional["ConnectionRateGovernor"] = None,
    ) -> None:
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise InvalidInputError("limit must be an int of at least 1 (or None for no limit)")
        self.limit = limit
        self.window = window
        self._clock = clock
        #: a governor whose limit this one's attempts also count against (Bitfinex counts handshakes per IP
        #: and host: the authenticated connection's also use up the public pool's allowance)
        self.parent = parent
        self._parent_entries: dict[int, list[float]] = {}
        # one entry per attempt: [time]; in flight attempts are dated by their start until settled
        self._attempts: list[list[float]] = []
        self._lock = asyncio.Lock()

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def wait_time(self) -> float:
        """How long an attempt made now would have to wait."""
        if self.limit is None:
            return 0.0
        now = self._now()
        self._attempts = [entry for entry in self._attempts if now - entry[0] < self.window]
        if len(self._attempts) < self.limit:
            return 0.0
        return min(entry[0] for entry in self._attempts) + self.window - now

    async def acquire(self) -> list[float]:
        """Wait until a new connection is allowed and record it; pass the result to :meth:`settle` once the
        handshake is over (whatever its outcome)."""
        async with self._lock:
            while (wait := self.wait_time()) > 0:
                await asyncio.sleep(wait)
            entry = [self._now()]
            self._attempts.append(entry)
        if self.parent is not None:
            self._parent_entries[id(entry)] = await self.parent.acquire()
        return entry

    def settle(self, entry: list[float]) -> None:
        """The handshake of ``entry`` is over: date the attempt by now."""
        entry[0] = max(entry[0], self._now())
        parent_entry = self._parent_entries.pop(id(entry), None)
        if parent_entry is not None and self.parent is not None:
            self.parent.settle(parent_entry)


class InputPacer:
    """Keeps one kind of input under ``limit`` per ``window`` seconds by making the extra ones *wait*: Bitfinex
    refuses the 9th ``calc`` within a second with an error event (11010) and does nothing, which a caller of an
    input that gets no answer could not even notice.

    A sliding window of the times inputs were let through; callers queue on a lock, so a burst goes out in call
    order. The server counts inputs when they *arrive*, and two inputs sent one window apart can arrive closer
    than that (the first one delayed more than the second on the way), so the client's window is ``margin``
    seconds longer than the server's. ``limit`` None: no pacing. ``clock`` and ``sleep`` exist for tests.
    """

    def __init__(
        self,
        limit: Optional[int],
        window: float,
        *,
        margin: float = 0.1,
        clock: Optional[Callable[[], float]] = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise InvalidInputError("limit must be an int of at least 1 (or None for no limit)")
        self.limit = limit
        self.window = window + margin if limit is not None else window
        self._clock = clock
        self._sleep = sleep
        self._sent: Deque[float] = deque()
        self._lock: Optional[asyncio.Lock] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        #: inputs let through, and the seconds they waited in all (for ``bfx.wss.stats()``)
        self.inputs = 0
        self.waited = 0.0

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def acquire(self) -> float:
        """Wait until one more input may be sent and count it (the caller sends it at once); return the seconds
        waited."""
        if self.limit is None:
            self.inputs += 1
            return 0.0
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop:
            # asyncio locks belong to one event loop: a client run again in a new loop gets a new one.
            self._lock, self._loop = asyncio.Lock(), loop
        started = self._now()
        async with self._lock:
            sent = self._sent
            while True:
                now = self._now()
                while sent and now - sent[0] >= self.window:
                    sent.popleft()
                if len(sent) < self.limit:
                    sent.append(now)
                    break
                await self._sleep(sent[0] + self.window - now)
        waited = self._now() - started
        self.inputs += 1
        self.waited += waited
        return waited
