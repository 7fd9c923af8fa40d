"""HMAC-SHA384 signatures for authenticated REST requests and WebSocket authentication."""

import hashlib
import hmac
from typing import Any, Optional, Sequence

__all__ = ["sign", "rest_signature", "rest_auth_headers", "rest_token_headers", "ws_auth_message"]


def sign(secret: str, message: str) -> str:
    """Lower-case hex HMAC-SHA384 of ``message`` keyed with ``secret``."""
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha384).hexdigest()


def rest_signature(secret: str, path: str, nonce: str, body: str) -> str:
    """Signature of a REST request: over ``/api/v2/<path>`` + nonce + the exact body text sent.

    ``path`` is relative to the v2 root (``auth/r/wallets``); the query string is not signed.
    """
    return sign(secret, f"/api/v2/{path.lstrip('/')}{nonce}{body}")


def rest_auth_headers(api_key: str, secret: str, path: str, nonce: int, body: str) -> dict[str, str]:
    """The ``bfx-*`` headers of an authenticated REST request."""
    text = str(nonce)
    return {
        "bfx-nonce": text,
        "bfx-apikey": api_key,
        "bfx-signature": rest_signature(secret, path, text, body),
    }


def rest_token_headers(token: str) -> dict[str, str]:
    """The header of a REST request authenticated by a token from ``auth/w/token`` (protocol.md §5.2): the token
    replaces the key, the nonce and the signature."""
    return {"bfx-token": token}


def ws_auth_message(
    api_key: str,
    secret: str,
    nonce: int,
    *,
    filters: Optional[Sequence[str]] = None,
    dms: Optional[int] = None,
) -> dict[str, Any]:
    """The ``auth`` event of the WebSocket: the payload ``AUTH<nonce>`` signed with the secret."""
    payload = f"AUTH{nonce}"
    message: dict[str, Any] = {
        "event": "auth",
        "apiKey": api_key,
        "authSig": sign(secret, payload),
        "authNonce": nonce,
        "authPayload": payload,
    }
    if filters is not None:
        message["filter"] = list(filters)
    if dms is not None:
        message["dms"] = dms
    return message
