"""Nonces for authenticated requests.

Bitfinex requires every nonce of an API key to be larger than the previous one, on REST and WebSocket
alike, and no larger than 2**53 - 1. The generator follows the clock in microseconds (so a fresh process
continues above what an earlier one used) and never repeats or goes back, even when the clock does or
when many tasks or threads ask in the same microsecond.

Sharing one key between processes
---------------------------------
Bitfinex checks nonces in the order requests *arrive*. Two processes with their own generators both follow
the clock, yet process B can take its nonce a few microseconds after process A and still reach Bitfinex
first: A's request is then refused with 10114 ("nonce: small"). Putting the last nonce in a shared file
(:class:`FileNonce`) makes the nonces unique and increasing across processes, but only *issuing* them in
order does not make them *arrive* in order. So a :class:`FileNonce` offers a second, cross-process lock
(:meth:`FileNonce.hold`) that the REST client holds from taking a nonce until the server's answer has begun,
exactly as it holds its in-process lock (see ``bfxapi.rest._interface.middleware``): every process using the
file then sends its signed REST requests one at a time, and none is refused for its nonce.
"""

import asyncio
import contextlib
import os
import threading
import time
from types import TracebackType
from typing import Callable, Iterator, Optional, Type, Union

from ..exceptions import InvalidInputError, NonceFileError, NonceOverflowError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: FileNonce refuses to start (see FileNonce)
    _FLOCK = False
else:
    _FLOCK = True

__all__ = ["NonceGenerator", "FileNonce", "NonceOverflowError", "NonceFileError", "MAX_NONCE"]

MAX_NONCE = 2**53 - 1

# 16 digits hold every nonce up to MAX_NONCE: a fixed width lets a write replace the previous value in place.
_WIDTH = 16
_READ = 64


class _NoHold:
    """The hold of a source that only one process uses: the REST client's own lock is enough."""

    __slots__ = ()

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        return None


_NO_HOLD = _NoHold()


class NonceGenerator:
    """A strictly increasing source of nonces, one per client (and so per API key)."""

    __slots__ = ("_last", "_lock", "_clock")

    def __init__(self, clock: Callable[[], int] = time.time_ns) -> None:
        self._last = 0
        self._lock = threading.Lock()
        self._clock = clock

    def _after(self, last: int) -> int:
        nonce = max(self._clock() // 1000, last + 1)
        if nonce > MAX_NONCE:
            raise NonceOverflowError("nonce exceeds 2**53 - 1, the largest value Bitfinex accepts")
        return nonce

    def next(self) -> int:
        """The next nonce: the current time in microseconds, or one more than the last nonce."""
        with self._lock:
            nonce = self._after(self._last)
            self._last = nonce
            return nonce

    @property
    def last(self) -> int:
        """The last nonce handed out (0 before the first)."""
        return self._last

    def hold(self, timeout: Optional[float] = None) -> "Union[_NoHold, _FileHold]":
        """An async context manager that the REST client holds from taking a nonce until the server answered.

        For a source of one process it does nothing (the client's own lock orders its requests); a
        :class:`FileNonce` excludes the other processes sharing its file, waiting at most ``timeout`` seconds
        (``None``: no limit) before raising :class:`TimeoutError`.
        """
        del timeout
        return _NO_HOLD


class FileNonce(NonceGenerator):
    """A nonce source shared by every process (and thread) that opens the same file: ``FileNonce(path)``.

    Give it to every client that uses one API key, in every process (``nonce=FileNonce(path)``). Each
    :meth:`next` takes ``max(clock in microseconds, last + 1)`` under an exclusive ``flock`` of ``path``,
    which holds the last nonce as text: the lock is held for a read and a write of a few bytes (a few
    microseconds), so it is fine to call from a running event loop. ``path + ".lock"`` is a second lock file,
    held by the REST client while a signed request is on its way (:meth:`hold`): with it, the signed REST
    requests of all the processes reach Bitfinex in the order of their nonces. The file is created (mode 0600)
    when missing; deleting it while processes use it splits them into two sources again.

    POSIX only (``fcntl.flock``): on Windows the constructor raises :class:`NonceFileError`. The file must be
    on a local file system (``flock`` is not reliable over NFS).
    """

    __slots__ = ("path", "_fd", "_pid")

    def __init__(self, path: "Union[str, os.PathLike[str]]", clock: Callable[[], int] = time.time_ns) -> None:
        if not _FLOCK:
            raise NonceFileError(
                "FileNonce needs POSIX file locks (fcntl.flock), which this platform lacks: "
                "give each process its own API key instead"
            )
        super().__init__(clock)
        self.path = os.fspath(path)
        if not isinstance(self.path, str) or not self.path:
            raise InvalidInputError("FileNonce needs the path of a file")
        self._fd = -1
        self._pid = 0
        # Opened and read now, so that a wrong path fails here rather than on the first signed request.
        with self._lock:
            self._read(self._descriptor())

    def _descriptor(self) -> int:
        # A forked child shares its parent's open file description, and flock does not exclude two holders
        # of one description: the child must open the file again.
        pid = os.getpid()
        if self._fd < 0 or self._pid != pid:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError as error:
                raise NonceFileError(f"cannot open the nonce file {self.path!r}: {error.strerror}") from None
            self._pid = pid
        return self._fd

    def _read(self, fd: int) -> int:
        text = os.pread(fd, _READ, 0).strip()
        if not text:
            return 0
        if not text.isdigit() or len(text) > _WIDTH:
            raise NonceFileError(f"{self.path!r} is not a nonce file (it holds {text[:20]!r})")
        return int(text)

    def next(self) -> int:
        """The next nonce: ``max(clock in microseconds, last nonce of any process + 1)``, written back to the file."""
        with self._lock, self._locked(fcntl.LOCK_EX) as fd:
            # Our own last nonce counts too, should the file have been replaced under us.
            nonce = self._after(max(self._read(fd), self._last))
            os.pwrite(fd, b"%0*d\n" % (_WIDTH, nonce), 0)
            self._last = nonce
            return nonce

    @property
    def last(self) -> int:
        """The last nonce any process took from the file (0 before the first)."""
        with self._lock, self._locked(fcntl.LOCK_SH) as fd:
            return max(self._read(fd), self._last)

    @contextlib.contextmanager
    def _locked(self, mode: int) -> Iterator[int]:
        """The file's descriptor under ``flock(mode)`` (the caller holds the thread lock); an OS failure is a
        :class:`NonceFileError`."""
        fd = self._descriptor()
        try:
            fcntl.flock(fd, mode)
            try:
                yield fd
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except NonceFileError:
            raise
        except OSError as error:
            raise NonceFileError(f"nonce file {self.path!r}: {error.strerror}") from None

    def hold(self, timeout: Optional[float] = None) -> "_FileHold":
        """The cross-process lock of ``path + ".lock"`` (see the class docstring); waiting for it does not block
        the event loop, and lasts ``timeout`` seconds at most (then :class:`TimeoutError`)."""
        return _FileHold(self.path + ".lock", timeout)

    def close(self) -> None:
        """Close the file (a later :meth:`next` opens it again)."""
        with self._lock:
            fd, self._fd = self._fd, -1
            if fd >= 0 and self._pid == os.getpid():
                os.close(fd)

    def __repr__(self) -> str:
        return f"FileNonce({self.path!r})"


class _FileHold:
    """One hold of a lock file: its own open file description, so that it excludes every other hold, in this
    process or another; closing the descriptor releases the lock."""

    __slots__ = ("_path", "_timeout", "_fd")

    def __init__(self, path: str, timeout: Optional[float]) -> None:
        self._path = path
        self._timeout = timeout
        self._fd = -1

    async def __aenter__(self) -> None:
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as error:
            raise NonceFileError(f"cannot open the lock file {self._path!r}: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Another process has a request on its way (a round trip at most): wait in a worker thread.
            waiting = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
            try:
                await asyncio.wait_for(asyncio.shield(waiting), self._timeout)
            except BaseException:
                # Timed out, cancelled or failed: the thread may still get the lock; closing the descriptor
                # once it returns releases it.
                waiting.add_done_callback(lambda _: os.close(fd))
                raise
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    async def __aexit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)
