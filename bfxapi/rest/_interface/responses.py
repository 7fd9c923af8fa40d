"""From an HTTP answer to decoded JSON, or to the error it means (protocol.md §5.3).

Bitfinex reports application errors as HTTP 500 with ``["error", CODE, "message"]`` and rate limiting as
HTTP 429 (``["error", 11010, "ratelimit: error"]``, or the legacy ``{"error": "ERR_RATE_LIMIT"}`` and
``{"message": "Ratelimit"}``). Anything that is not JSON (an HTML page from a proxy or load balancer)
becomes :class:`UnexpectedResponseError` with the status and the start of the body: the body is the
server's, so it never holds the request's secrets.
"""

from typing import Any, Callable, Mapping, Optional

from ...exceptions import InvalidCredentialError, ServerError
from ..._utils.json_decoder import loads
from ..exceptions import (
    GenericError,
    MaintenanceError,
    NonceTooSmallError,
    RateLimitError,
    RequestParameterError,
    ResourceNotFoundError,
    UnexpectedResponseError,
)

__all__ = ["decode_response", "error_from_code"]

_EXCERPT = 200

ERR_PARAMS = 10020
ERR_AUTH_FAIL = 10100
ERR_AUTH_NONCE = 10114
ERR_RATE_LIMIT = 11010
EVT_MAINTENANCE = 20060
# 10111-10113: payload, signature and HMAC errors of the authentication; Bitfinex answers most of them as 10100.
_CREDENTIAL_CODES = frozenset((ERR_AUTH_FAIL, 10111, 10112, 10113))


def error_from_code(code: Optional[int], message: str, *, retry_after: float = 60.0) -> ServerError:
    """The exception for a Bitfinex error code."""
    if code == ERR_PARAMS:
        return RequestParameterError(message, code)
    if code == ERR_AUTH_NONCE:
        return NonceTooSmallError(message, code)
    if code in _CREDENTIAL_CODES:
        return InvalidCredentialError(message, code)
    if code == ERR_RATE_LIMIT:
        return RateLimitError(message, code, retry_after)
    if code == EVT_MAINTENANCE:
        return MaintenanceError(message, code)
    return GenericError(message, code)


def _excerpt(body: bytes) -> str:
    text = body[: _EXCERPT * 4].decode("utf-8", "replace").strip()
    text = " ".join(text.split())
    return text[:_EXCERPT] + ("..." if len(text) > _EXCERPT else "")


def _retry_after(headers: Mapping[str, str], default: float) -> float:
    raw = headers.get("Retry-After")
    if raw is not None:
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass  # an HTTP date: rare enough to fall back on the documented penalty
    return default


def _is_rate_limit_object(data: Any) -> bool:
    return isinstance(data, dict) and (
        data.get("error") == "ERR_RATE_LIMIT" or str(data.get("message", "")).lower() == "ratelimit"
    )


def decode_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    method: str,
    path: str,
    penalty: float = 60.0,
    decode: Callable[[str], Any] = loads,
) -> Any:
    """The decoded JSON of a successful answer (``decode``: the client's decoder, which decimal mode's is); raises
    the matching error otherwise."""
    try:
        data = decode(body.decode("utf-8")) if body else None
        decoded = bool(body)
    except ValueError:
        data, decoded = None, False
    if status == 200 and data.__class__ is list and (len(data) < 2 or data[0] != "error"):
        return data  # the common answer, a 200 array that is not an error array, after one look
    retry_after = _retry_after(headers, penalty) if status == 429 else penalty

    if isinstance(data, list) and len(data) >= 2 and data[0] == "error":
        code = data[1] if isinstance(data[1], int) else None
        message = str(data[2]) if len(data) > 2 else "error"
        if status == 429 and code is None:
            code = ERR_RATE_LIMIT
        raise error_from_code(code, f"{method} {path}: {message}", retry_after=retry_after)
    if status == 429 or _is_rate_limit_object(data):
        raise RateLimitError(f"{method} {path}: rate limit reached (HTTP {status})", ERR_RATE_LIMIT, retry_after)
    if status == 404:
        raise ResourceNotFoundError(f"{method} {path}: no such endpoint on this host (HTTP 404)", None, path)
    if status >= 400:
        if isinstance(data, dict) and ("error" in data or "message" in data):
            code = data.get("code") if isinstance(data.get("code"), int) else None
            text = data.get("message") or data.get("error")
            raise GenericError(f"{method} {path}: {text} (HTTP {status})", code)
        raise UnexpectedResponseError(
            f"{method} {path}: unexpected HTTP {status} answer: {_excerpt(body) or '<empty body>'}", None, status
        )
    if not decoded:
        raise UnexpectedResponseError(
            f"{method} {path}: the HTTP {status} answer is not JSON: {_excerpt(body) or '<empty body>'}", None, status
        )
    return data
