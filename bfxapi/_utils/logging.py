"""The library's loggers, and what reaches the terminal when the application configures nothing.

Every logger lives under ``bfxapi`` (``bfxapi.websocket``, ``bfxapi.rest``, ...). Failures must never be silent,
so the library follows the promise of the official client: when the application has not configured logging,
records of level INFO and above are printed, INFO on standard output and warnings and errors (with their
tracebacks) on standard error. That console handler stands down by itself, record by record, as soon as the
application configures logging (a handler on the root logger, or one of its own on ``bfxapi``): from then on
every record reaches the terminal once, through the application's handlers, at the levels it chose.

``Client(log_level=...)`` sets the level of the ``bfxapi`` logger (and of the console, when it is used);
``Client(log_filename=...)`` writes to that file instead of the console (INFO unless ``log_level`` says
otherwise). Neither ever touches the root logger.
"""

import logging
import os
import sys
from typing import Optional, Union

from ..exceptions import InvalidInputError, InvalidInputTypeError

__all__ = [
    "ROOT_LOGGER_NAME",
    "LOG_FORMAT",
    "get_logger",
    "attach_handler",
    "detach_handler",
    "use_default_logging",
    "ConsoleHandler",
]

ROOT_LOGGER_NAME = "bfxapi"
LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"

_logger = logging.getLogger(ROOT_LOGGER_NAME)


class ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes INFO and DEBUG records to standard output and the others to standard error.

    The streams are looked up at each record, so a redirected ``sys.stdout`` (a test's capture, a daemon's
    log file) is honoured. It prints nothing while the application has configured logging itself, so that
    no record is ever shown twice.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        #: whether this handler raised the ``bfxapi`` level to INFO (undone once the application takes over)
        self.set_level = False

    def emit(self, record: logging.LogRecord) -> None:
        if _configured_elsewhere(self):
            return
        # ``emit`` runs under the handler's lock, so switching the stream here is safe.
        self.stream = sys.stderr if record.levelno >= logging.WARNING else sys.stdout
        super().emit(record)


def get_logger(name: str = "") -> logging.Logger:
    """The logger ``bfxapi.<name>`` (``bfxapi`` itself for an empty name)."""
    return logging.getLogger(f"{ROOT_LOGGER_NAME}.{name}" if name else ROOT_LOGGER_NAME)


def use_default_logging() -> None:
    """Make failures visible when nobody configured logging: attach the console handler (once per process)
    and, when the application left the ``bfxapi`` level unset, let INFO through. Called by every client
    constructor, so it is in place before anything can fail; it changes nothing once the application has
    configured logging."""
    if _configured_elsewhere(None) or any(isinstance(h, ConsoleHandler) for h in _logger.handlers):
        return
    console = ConsoleHandler()
    _logger.addHandler(console)
    if _logger.level == logging.NOTSET:
        _logger.setLevel(logging.INFO)
        console.set_level = True


def attach_handler(
    log_filename: Optional[str] = None, log_level: Optional[Union[str, int]] = None
) -> Optional[logging.Handler]:
    """Apply ``Client(log_filename=..., log_level=...)``: a file handler for ``log_filename`` (returned, so
    that closing the client detaches it); otherwise ``log_level`` only sets the level of the ``bfxapi`` logger
    and its console. Returns ``None`` when no handler was created."""
    level = None if log_level is None else _level(log_level)
    if level is not None:
        _logger.setLevel(level)
        for handler in _logger.handlers:
            if isinstance(handler, ConsoleHandler):
                handler.set_level = False
    if log_filename is None:
        return None
    if not isinstance(log_filename, (str, os.PathLike)):
        raise InvalidInputTypeError(f"log_filename must be a path, not {type(log_filename).__name__}")
    path = os.path.abspath(log_filename)
    for handler in _logger.handlers:
        # Two clients of one program writing to the same file share one handler: each record is written once.
        if isinstance(handler, _ClientFileHandler) and handler.baseFilename == path:
            handler.users += 1
            return handler
    try:
        file_handler = _ClientFileHandler(path)
    except OSError as error:
        raise InvalidInputError(f"cannot write the log file {path}: {error.strerror or error}") from None
    file_handler.setLevel(logging.INFO if level is None else level)
    _logger.addHandler(file_handler)
    if _logger.level == logging.NOTSET or _logger.level > file_handler.level:
        _logger.setLevel(file_handler.level)
    return file_handler


def detach_handler(handler: logging.Handler) -> None:
    """Undo :func:`attach_handler` for one client: the file is closed when its last client lets go."""
    if isinstance(handler, _ClientFileHandler):
        handler.users -= 1
        if handler.users > 0:
            return
    _logger.removeHandler(handler)
    handler.close()


class _ClientFileHandler(logging.FileHandler):
    """The handler of ``Client(log_filename=...)``, shared by the clients that name the same file."""

    def __init__(self, path: str) -> None:
        super().__init__(path, encoding="utf-8")
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.users = 1


def _configured_elsewhere(console: Optional["ConsoleHandler"]) -> bool:
    """Whether the application configured logging (a root handler, or ``bfxapi`` routed on its own) or a
    client writes to a log file: then the console stays quiet."""
    if logging.getLogger().handlers or not _logger.propagate:
        if console is not None and console.set_level:
            # Our INFO default must not outlive the console: the application's levels govern from now on.
            console.set_level = False
            if _logger.level == logging.INFO:
                _logger.setLevel(logging.NOTSET)
        return True
    return any(not isinstance(handler, (ConsoleHandler, logging.NullHandler)) for handler in _logger.handlers)


def _level(level: Union[str, int]) -> int:
    if isinstance(level, bool) or not isinstance(level, (str, int)):
        raise InvalidInputError(f"log_level must be a level name or number, not {type(level).__name__}")
    if isinstance(level, int):
        return level
    value = logging.getLevelName(level.upper())
    if not isinstance(value, int):
        raise InvalidInputError(f"unknown log level {level!r}: use DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return value
