"""Credential checks shared by WebSocket ``auth`` and authenticated REST: HMAC-SHA384 and the nonce counter.

The simulator verifies signatures with its own ``hmac``/``hashlib`` code (protocol.md §4.1, §5.2) and keeps
one nonce counter per API key for both transports, checked in arrival order (§4.8). Auth tokens (``bfx-token``,
REST only) are kept by :class:`TokenStore`.
"""

import hashlib
import hmac
from typing import Any, Dict, List, Mapping, Optional

from ..model.accounts import Account

__all__ = ["AuthError", "signature", "check_signature", "consume_nonce", "MAX_NONCE", "TokenStore", "IssuedToken",
           "DEFAULT_TOKEN_TTL"]

#: 2^53 - 1: nonces above it are refused (they could not be compared exactly by JavaScript)
MAX_NONCE = 9007199254740991


class AuthError(Exception):
    """A refused credential: ``code`` (10100, 10111, 10114) and ``msg`` (``apikey: invalid``, …)."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


def signature(secret: str, message: bytes) -> str:
    """Lowercase hex HMAC-SHA384 of ``message`` keyed with ``secret``."""
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha384).hexdigest()


def check_signature(account: Account, message: bytes, given: Any) -> None:
    """Raise 10100 ``apikey: digest invalid`` unless ``given`` is the signature of ``message``."""
    expected = signature(account.api_secret, message)
    if not isinstance(given, str) or not hmac.compare_digest(expected, given.lower()):
        raise AuthError(10100, "apikey: digest invalid")


def parse_nonce(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def consume_nonce(account: Account, value: Any) -> int:
    """Accept ``value`` as the key's next nonce (strictly larger than the last one, REST and WS alike) or raise
    10114 ``nonce: small`` (also for a missing, malformed or too large nonce, which can never be accepted)."""
    nonce = parse_nonce(value)
    if nonce is None or nonce > MAX_NONCE or nonce <= account.last_nonce:
        raise AuthError(10114, "nonce: small")
    account.last_nonce = nonce
    return nonce


def find_account(accounts: Mapping[str, Account], api_key: Any) -> Account:
    """The account of an API key or 10100 ``apikey: invalid``."""
    account = accounts.get(api_key) if isinstance(api_key, str) else None
    if account is None:
        raise AuthError(10100, "apikey: invalid")
    return account


# --- auth tokens (``bfx-token``) ------------------------------------------------------------------------------------

#: seconds a token lives when ``auth/w/token`` names no ``ttl`` (protocol.md gives no default: the simulator's choice)
DEFAULT_TOKEN_TTL = 3600


class IssuedToken:
    """A token of an account: its expiry (ms, the exchange clock), whether it may write, its ``caps`` and
    ``scope`` as asked (kept for inspection: the simulator checks the write permission only)."""

    __slots__ = ("api_key", "expires", "write", "caps", "scope")

    def __init__(self, api_key: str, expires: int, write: bool, caps: Optional[List[str]], scope: str) -> None:
        self.api_key = api_key
        self.expires = expires
        self.write = write
        self.caps = caps
        self.scope = scope


class TokenStore:
    """The tokens ``auth/w/token`` issued (protocol.md §5.2: a ``bfx-token`` header replaces key, nonce and
    signature). A token authenticates as its account until its ``ttl`` runs out on the exchange clock or
    ``auth/w/token/del`` revokes it; without ``writePermission`` it is refused on ``auth/w/`` routes."""

    def __init__(self) -> None:
        self._tokens: Dict[str, IssuedToken] = {}
        self._issued = 0

    def issue(self, account: Account, now: int, *, scope: str, ttl: Optional[int], write: bool,
              caps: Optional[List[str]]) -> str:
        """A new token of ``account`` (the UUID form Bitfinex answers), valid ``ttl`` seconds from ``now`` (ms)."""
        self._issued += 1
        digest = hashlib.sha256(f"{account.api_key}:{now}:{self._issued}".encode()).hexdigest()
        value = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        lifetime = DEFAULT_TOKEN_TTL if ttl is None else ttl
        self._tokens[value] = IssuedToken(account.api_key, now + lifetime * 1000, write, caps, scope)
        return value

    def revoke(self, account: Account, value: Any) -> bool:
        """Delete ``account``'s token ``value``; False when it has no such token."""
        token = self._tokens.get(value) if isinstance(value, str) else None
        if token is None or token.api_key != account.api_key:
            return False
        del self._tokens[value]
        return True

    def find(self, value: str) -> Optional[IssuedToken]:
        """The token ``value`` names, expired or not (``None``: never issued, or revoked)."""
        return self._tokens.get(value)

    def authenticate(self, accounts: Mapping[str, Account], value: Any, now: int, *, write: bool) -> Account:
        """The account of token ``value``, or 10100: ``token: invalid`` (unknown, revoked, or its account gone),
        ``token: expired``, and for a ``write`` without ``writePermission`` ``permission: invalid`` (the answer
        the simulator gives to a key lacking a write permission too)."""
        token = self._tokens.get(value) if isinstance(value, str) else None
        account = accounts.get(token.api_key) if token is not None else None
        if token is None or account is None:
            raise AuthError(10100, "token: invalid")
        if now >= token.expires:
            del self._tokens[value]
            raise AuthError(10100, "token: expired")
        if write and not token.write:
            raise AuthError(10100, "permission: invalid")
        return account
