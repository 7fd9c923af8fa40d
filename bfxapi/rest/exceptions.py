"""The errors of the REST interface.

Everything Bitfinex itself reported derives from :class:`bfxapi.exceptions.ServerError` and keeps the
Bitfinex ``code`` (``None`` when the answer carried none). Branch on the class or on ``code``, never on the
message text, which Bitfinex changes at will.

============================================  ==================================================================
class                                         when
============================================  ==================================================================
:class:`RequestParameterError`                code 10020: a parameter was refused (``symbol: invalid``, ...)
:class:`~bfxapi.exceptions.InvalidCredentialError`  code 10100 (and 10111-10113): key, signature or payload refused
:class:`NonceTooSmallError`                   code 10114: the nonce was not above the key's last one (after
                                              three resends with fresh nonces); not a credential error
:class:`RateLimitError`                       HTTP 429, code 11010, ``{"error": "ERR_RATE_LIMIT"}`` or
                                              ``{"message": "Ratelimit"}``; ``retry_after`` says how long to wait
:class:`MaintenanceError`                     code 20060: the platform is in maintenance
:class:`ResourceNotFoundError`                HTTP 404: no such endpoint (``path`` names it)
:class:`GenericError`                         any other Bitfinex error (``["error", CODE, "message"]``)
:class:`UnexpectedResponseError`              a body that is not the JSON Bitfinex sends (an HTML error page, ...)
:class:`RestConnectionError`                  the request could not be sent or answered (refused, reset, DNS, ...)
:class:`RestTimeoutError`                     no complete answer within the configured timeout
:class:`CredentialsRequiredError`             an authenticated endpoint was called on an interface without keys
:class:`RedirectError`                        an HTTP 3xx answer: never followed (``location`` names the target)
:class:`HistoryPagingError`                   ``rest.history``: more rows share one millisecond than a page holds
============================================  ==================================================================
"""

from typing import Any, Optional

from ..exceptions import BfxBaseException, CredentialError, InvalidCredentialError, NonceError, ServerError

__all__ = [
    "RestError",
    "RequestParameterError",
    "InvalidCredentialError",
    "NonceTooSmallError",
    "RateLimitError",
    "MaintenanceError",
    "ResourceNotFoundError",
    "GenericError",
    "UnexpectedResponseError",
    "RestConnectionError",
    "RestTimeoutError",
    "CredentialsRequiredError",
    "RedirectError",
    "HistoryPagingError",
]


class RestError(BfxBaseException):
    """Base class of the errors that only the REST interface raises (see the module table)."""


class RequestParameterError(ServerError, RestError):
    """Bitfinex refused a parameter of the request (code 10020); the message names it."""


class NonceTooSmallError(NonceError, RestError):
    """Bitfinex refused the nonce (code 10114): it was not larger than the last nonce used with this key.

    The key itself is fine (this is not a :class:`~bfxapi.exceptions.CredentialError`): another process or
    client is using the same API key and its requests overtook ours, or the key's nonce counter was pushed
    ahead (by a clock running fast, or a nanosecond nonce). The client has already resent the request three
    times with fresh nonces (safe: a refused request did nothing). Give each process its own key, or share
    one nonce source between the processes of a key with ``bfxapi.FileNonce(path)``; a key pushed far
    ahead must be recreated. Its message says so (:attr:`~bfxapi.exceptions.NonceError.HINT`).
    """


class RateLimitError(ServerError, RestError):
    """Bitfinex refused the request because of its rate limits.

    ``retry_after`` is how long, in seconds, to wait before trying again: the ``Retry-After`` header when
    the server sent one, otherwise the penalty Bitfinex documents (the IP is blocked for 60 s; see
    ``BfxRestInterface(rate_limit_penalty=...)``).
    """

    def __init__(self, message: str, code: Optional[int] = None, retry_after: float = 60.0) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.retry_after))


class MaintenanceError(ServerError, RestError):
    """The platform is in maintenance (code 20060); try again in a few minutes."""


class ResourceNotFoundError(ServerError, RestError):
    """HTTP 404: the server has no endpoint at ``path`` (a wrong path, or a wrong host)."""

    def __init__(self, message: str, code: Optional[int] = None, path: str = "") -> None:
        super().__init__(message, code)
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.path))


class GenericError(ServerError, RestError):
    """Any other error Bitfinex reported (``["error", CODE, "message"]``), e.g. 10001 for a refused order."""


class UnexpectedResponseError(ServerError, RestError):
    """The server answered with something that is not Bitfinex JSON (an HTML error page from a proxy, an
    empty body, ...). ``status`` is the HTTP status; the message shows the start of the body."""

    def __init__(self, message: str, code: Optional[int] = None, status: int = 0) -> None:
        super().__init__(message, code)
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.code, self.status))


class RestConnectionError(RestError, ConnectionError):
    """The request could not be sent, or the connection broke before the answer was complete."""


class RestTimeoutError(RestConnectionError, TimeoutError):  # pylint: disable=too-many-ancestors
    """No complete answer arrived within the configured timeout."""


class CredentialsRequiredError(CredentialError, RestError):
    """An authenticated or merchant endpoint was called on an interface created without API keys."""


class RedirectError(RestError):
    """The server answered with a redirect (HTTP 3xx), which is never followed: a signed request re-sent
    elsewhere would hand its key, signature and body to another server, and that server's answer would be
    taken for the account's data. Bitfinex's API does not redirect, so the host is wrong, or something between
    the client and Bitfinex is. ``status`` is the HTTP status and ``location`` the absolute target URL (the
    request's headers are never shown)."""

    def __init__(self, message: str, status: int = 0, location: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.location = location

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.status, self.location))


class HistoryPagingError(RestError):
    """``bfx.rest.history`` cannot page further by time: more rows share one millisecond than the endpoint's largest
    page holds, so no time bound reaches the rows past them. Read that millisecond with ``start=end=`` and filters
    (a symbol, a currency) that make it smaller."""
