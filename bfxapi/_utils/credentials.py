"""The API key and secret of a client, shared by the REST and WebSocket interfaces, or the token that replaces
them on REST (``bfx-token``)."""

import re
from typing import Any, Optional, Sequence

from ..exceptions import IncompleteCredentialError, InvalidInputError, InvalidInputTypeError
from .values import sequence

__all__ = ["Credentials", "Token", "credentials_from", "token_from", "check_pair", "FILTER_FORMS", "INPUT_FILTERS"]

#: the filters Bitfinex documents for the authenticated channel (protocol.md §4.1)
FILTER_FORMS = (
    "trading",
    "trading-<tSYMBOL>",
    "funding",
    "funding-<fSYMBOL>",
    "wallet",
    "wallet-<type>-<CURRENCY>",
    "algo",
    "balance",
    "notify",
)
_FILTER = re.compile(
    r"trading(-t[A-Za-z0-9]+(:[A-Za-z0-9]+)?)?|funding(-f[A-Za-z0-9]+)?"
    r"|wallet(-(exchange|margin|funding)-[A-Za-z0-9]+)?|algo|balance|notify"
)
#: the filters that carry the answers of the WebSocket inputs: every ``n`` frame (the ``on-req``, ``ou-req``,
#: ``oc-req``, ``oc_multi-req``, ``ox_multi-req``, ``fon-req`` and ``foc-req`` notifications) travels under
#: ``notify``, whatever the order or offer it is about
INPUT_FILTERS = ("notify",)


class Credentials:
    """An API key, its secret and the optional WebSocket auth ``filters``.

    The secret never appears in ``repr``/``str``; the key shows its first four characters only.

    ``filters`` is the list as given (``None``: everything). What the authenticated connection asks for is
    :attr:`auth_filters`: the same list plus ``notify`` when it is missing, because the inputs
    (``bfx.wss.inputs.*``) wait for their answer, a notification, and a filter without ``notify`` (such as the
    README's ``["trading", "wallet"]``) would keep every answer away: each input would time out although the
    order was placed. Notifications are small and rare next to order and wallet events, so asking for them
    costs nothing that a filter is meant to save.
    """

    __slots__ = ("api_key", "api_secret", "filters")

    def __init__(self, api_key: str, api_secret: str, filters: Optional[Sequence[str]] = None) -> None:
        self.api_key = _credential(api_key, "api_key")
        self.api_secret = _credential(api_secret, "api_secret")
        self.filters = _filters(filters)

    @property
    def auth_filters(self) -> Optional[list[str]]:
        """The ``filter`` of the WebSocket ``auth`` message: :attr:`filters` plus those the inputs' answers
        travel under (``notify``), or ``None`` for no filter at all."""
        if self.filters is None:
            return None
        return self.filters + [name for name in INPUT_FILTERS if name not in self.filters]

    def __repr__(self) -> str:
        key = self.api_key[:4] + "..." if len(self.api_key) > 8 else "***"
        return f"Credentials(api_key={key!r}, api_secret='***', filters={self.filters!r})"

    __str__ = __repr__


class Token:
    """An auth token from ``auth/w/token`` (``bfx.rest.auth.generate_token``), sent as the ``bfx-token`` header in
    place of the key and signature. It is a secret: ``repr``/``str`` never show it, and neither does any log line
    or error message (the value is only read to build the header)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        # The messages name the type only: the value is a secret.
        if not isinstance(value, str):
            raise InvalidInputTypeError(f"token must be a str, not {type(value).__name__}")
        if not value or value.strip() != value or any(c in value for c in "\r\n"):
            raise InvalidInputError("token must be a non-empty str without surrounding spaces or line breaks")
        self.value = value

    def __repr__(self) -> str:
        return "Token('***')"

    __str__ = __repr__


def token_from(token: Any, api_key: Any, api_secret: Any) -> Optional[Token]:
    """The :class:`Token` of a client given ``token`` (``None``: none), refused with
    :class:`~bfxapi.exceptions.InvalidInputError` when ``api_key``/``api_secret`` are given too (a request carries
    one kind of authentication: which one was meant cannot be guessed) and with
    :class:`~bfxapi.exceptions.InvalidInputTypeError` when it is not a ``str``."""
    if token is None:
        return None
    checked = Token(token)
    if api_key or api_secret:
        raise InvalidInputError("give api_key and api_secret, or a token, not both")
    return checked


def credentials_from(
    api_key: Optional[str], api_secret: Optional[str], filters: Optional[Sequence[str]] = None
) -> Optional[Credentials]:
    """The credentials of a client given ``api_key``/``api_secret`` (both, or neither: ``None`` or ``""``, so
    that an unset environment variable means a public client), or ``None`` for a public client.

    Raises :class:`~bfxapi.exceptions.IncompleteCredentialError` when only one is given, and
    :class:`~bfxapi.exceptions.InvalidInputTypeError` when one is not a ``str`` or ``filters`` is not a list of
    strings. ``filters`` is checked even without credentials (where it has no effect)."""
    for value, name in ((api_key, "api_key"), (api_secret, "api_secret")):
        if value is not None and not isinstance(value, str):
            raise InvalidInputTypeError(f"{name} must be a str, not {type(value).__name__}")
    checked = _filters(filters)
    if not check_pair(api_key, api_secret):
        return None
    return Credentials(api_key or "", api_secret or "", checked)


def check_pair(api_key: Any, api_secret: Any) -> bool:
    """Whether both ``api_key`` and ``api_secret`` were given (``False``: neither; ``None`` and ``""`` are not given).

    Raises :class:`~bfxapi.exceptions.IncompleteCredentialError` when only one was: the one place the REST interface
    and the client pair them."""
    if api_key and not api_secret:
        raise IncompleteCredentialError("api_key was given without api_secret: give both, or neither.")
    if api_secret and not api_key:
        raise IncompleteCredentialError("api_secret was given without api_key: give both, or neither.")
    return bool(api_key and api_secret)


def _credential(value: Any, name: str) -> str:
    # The message names the type only: the value may be a secret.
    if not isinstance(value, str):
        raise InvalidInputTypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise InvalidInputError(f"{name} must not be empty")
    return value


def _filters(filters: Any) -> Optional[list[str]]:
    if filters is None:
        return None
    # A str is refused rather than split: "trading" would otherwise become one filter per letter.
    names = sequence(filters, "filters", "str such as ['trading', 'wallet']")
    for name in names:
        if not isinstance(name, str):
            raise InvalidInputTypeError(f"filters must hold str values, not {type(name).__name__} ({name!r})")
        if not _FILTER.fullmatch(name):
            raise InvalidInputError(f"unknown filter {name!r}: use {', '.join(FILTER_FORMS)}")
    return names
