"""The library's loggers.

Every logger lives under ``bfxapi`` (``bfxapi.websocket``, ``bfxapi.rest``, ...). The ``bfxapi`` logger
has a ``NullHandler``, so the library prints nothing unless the application configures logging or a
:class:`~bfxapi.Client` is created with ``log_filename`` or ``log_level``, which attaches a handler to the
``bfxapi`` logger only (never to the root logger).
"""

import logging
from typing import Optional, Union

__all__ = ["ROOT_LOGGER_NAME", "LOG_FORMAT", "get_logger", "attach_handler"]

ROOT_LOGGER_NAME = "bfxapi"
LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"

logging.getLogger(ROOT_LOGGER_NAME).addHandler(logging.NullHandler())


def get_logger(name: str = "") -> logging.Logger:
    """The logger ``bfxapi.<name>`` (``bfxapi`` itself for an empty name)."""
    return logging.getLogger(f"{ROOT_LOGGER_NAME}.{name}" if name else ROOT_LOGGER_NAME)


def attach_handler(
    log_filename: Optional[str] = None, log_level: Optional[Union[str, int]] = None
) -> Optional[logging.Handler]:
    """Attach a handler to the ``bfxapi`` logger: a file when ``log_filename`` is given, else standard
    error when ``log_level`` is given. Returns it (so it can be detached), or ``None`` when neither is
    given. The level defaults to INFO."""
    if log_filename is None and log_level is None:
        return None
    level = logging.INFO if log_level is None else _level(log_level)
    handler: logging.Handler
    handler = logging.FileHandler(log_filename, encoding="utf-8") if log_filename else logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level)
    logger = logging.getLogger(ROOT_LOGGER_NAME)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    return handler


def _level(level: Union[str, int]) -> int:
    if isinstance(level, int):
        return level
    value = logging.getLevelName(level.upper())
    if not isinstance(value, int):
        raise ValueError(f"unknown log level {level!r}: use DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return value
