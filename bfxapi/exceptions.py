"""The root of every error the library raises.

Every exception raised on purpose by ``bfxapi`` derives from :class:`BfxBaseException`, so
``except BfxBaseException`` catches all of them. Errors that Bitfinex itself reported derive from
:class:`ServerError` and keep the numeric Bitfinex code in ``code``.
"""

from typing import Any, Optional

__all__ = [
    "BfxBaseException",
    "CredentialError",
    "IncompleteCredentialError",
    "InvalidCredentialError",
    "InvalidInputError",
    "MalformedPayloadError",
    "LabelerSerializerException",
    "ServerError",
]


class BfxBaseException(Exception):
    """Base class of every exception raised by bfxapi."""


class InvalidInputError(BfxBaseException, ValueError):
    """An argument given by the caller cannot be sent to Bitfinex as it is."""


class CredentialError(BfxBaseException):
    """Base class of the errors about API keys."""


class IncompleteCredentialError(CredentialError, ValueError):
    """Only one of ``api_key`` and ``api_secret`` was given: both are needed to authenticate."""


class ServerError(BfxBaseException):
    """Bitfinex answered with an error.

    ``code`` is the Bitfinex error code (``10020``, ``10100``, ``10114``, ...) or ``None`` when the
    server gave none; ``message`` is the server's own text, which Bitfinex may change at any time:
    branch on ``code``, never on ``message``.
    """

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{message} (code {code})" if code is not None else message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.code))


class InvalidCredentialError(ServerError, CredentialError):
    """Bitfinex rejected the API key, the signature or the nonce of an authentication."""


class MalformedPayloadError(BfxBaseException, ValueError):
    """A payload received from Bitfinex does not have the shape its type needs.

    ``type_name`` names the type that was being built and ``payload`` holds the offending value.
    """

    def __init__(self, type_name: str, payload: Any, reason: str) -> None:
        self.type_name = type_name
        self.payload = payload
        self.reason = reason
        shown = repr(payload)
        if len(shown) > 200:
            shown = shown[:200] + "..."
        super().__init__(f"Cannot build {type_name}: {reason} (payload: {shown})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.type_name, self.payload, self.reason))


#: The name the official v3 beta used for the same error.
LabelerSerializerException = MalformedPayloadError
