"""Credential checks shared by WebSocket ``auth`` and authenticated REST: HMAC-SHA384 and the nonce counter.

The simulator verifies signatures with its own ``hmac``/``hashlib`` code (protocol.md §4.1, §5.2) and keeps
one nonce counter per API key for both transports, checked in arrival order (§4.8).
"""

import hashlib
import hmac
from typing import Any, Mapping, Optional

from ..model.accounts import Account

__all__ = ["AuthError", "signature", "check_signature", "consume_nonce", "MAX_NONCE"]

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
