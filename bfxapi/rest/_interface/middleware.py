"""The HTTP layer under every REST endpoint: request building, signing, JSON decoding, error mapping, client-side
rate limiting and opt-in retries, over a :class:`~bfxapi.rest._interface.transport.Transport` (by default one
pooled aiohttp session; see that module for the seam and why it returns at the answer's headers).

Nonce ordering (why authenticated requests go one at a time per API key)
------------------------------------------------------------------------
Bitfinex accepts a signed request only if its nonce is larger than the last nonce the key used, checked in
the order the requests *arrive*. Taking nonces from a strictly increasing generator is not enough when
requests travel concurrently over several pooled connections: request 2 can overtake request 1 on another
connection (a retransmission, a busier socket, the server reading its sockets in another order), and
request 1 then fails with 10114 "nonce: small".

Taking the nonce, signing and *writing* under one lock only makes the requests leave in order; it does
not make them arrive in order, because two TCP connections give no ordering guarantee relative to each
other. So the lock is held from taking the nonce until the server's answer has begun (its status line and
headers are in): by then the server has checked and stored the nonce, and the next request's larger nonce
can no longer overtake it. The cost is that a client's authenticated requests are sent one at a time per
key (public requests are not affected and run concurrently on the pool). That costs a round trip per
request, and Bitfinex's own limits (90 requests per minute per endpoint) are far below what one
connection carries, so the trade is cheap for the guarantee it buys. The body is read after the lock is
released.

The nonce source may be shared with the WebSocket client (Bitfinex has one counter per key for both), and
with other processes using the same key. A WebSocket authentication that takes a later nonce while a REST
request is on its way, or another process's request, can overtake that request, which then fails with
10114 although it was never executed (the nonce is checked before anything else). So a 10114 answer is
signed again with a fresh nonce and resent, three times at most (and for no other error); this is safe
for writes too, because a request refused for its nonce did nothing. A
:class:`~bfxapi._utils.nonce.FileNonce` also extends the lock across processes (``nonce.hold()``), so that
processes sharing its file do not overtake each other in the first place.

Redirects (why none is ever followed)
-------------------------------------
aiohttp follows redirects by default, re-sending a signed request, with the API key, a valid signature
and nonce and the body, to wherever ``Location`` points, and returning that server's answer as the
account's data. Bitfinex's API never redirects, so a redirect means a wrong host or something between us
and Bitfinex: every 3xx answer, signed or public, becomes a :class:`RedirectError` naming the target, and
nothing is sent there. Public requests are not followed either, even to the same origin: one rule is
easier to trust than two, a 301/302/303 would silently turn a ``calc`` POST into a GET, and a host that
redirects is a configuration to fix, not to work around.

Tokens (``bfx-token``)
----------------------
With a token (``BfxRestInterface(token=...)``, from ``auth/w/token``) a request carries ``bfx-token`` instead of
the key, nonce and signature (protocol.md §5.2). There is no nonce to keep in order, so token requests take no
lock and are never resent for 10114.
"""

import asyncio
import logging
import time
from typing import Any, Callable, Coroutine, Mapping, Optional

import aiohttp
from yarl import URL

from ..._utils.credentials import Credentials, Token
from ..._utils.json_decoder import loads as float_loads
from ..._utils.json_encoder import dumps
from ..._utils.logging import get_logger
from ..._utils.network import Network
from ..._utils.nonce import NonceGenerator
from ..._utils.signatures import rest_auth_headers, rest_token_headers
from ..exceptions import (
    CredentialsRequiredError,
    NonceTooSmallError,
    RedirectError,
    RestTimeoutError,
)
from ..stats import RestCounters
from .params import query_string_params
from .rate_limiter import RateLimiter
from .responses import decode_response
from .retry import RetryPolicy, is_retryable
from .timeouts import effective as effective_timeout
from .transport import AiohttpTransport, Transport, build_request
from ...exceptions import InvalidInputError

__all__ = ["Middleware", "Credentials"]

_LOGGER = get_logger("rest")
_NONCE_RESENDS = 3
# A Location header is the server's text: shown in an error, but not without bound.
_LOCATION_SHOWN = 300


class _Answer:
    __slots__ = ("status", "body", "headers", "nonce")

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str], nonce: Optional[int]) -> None:
        self.status = status
        self.body = body
        self.headers = headers
        self.nonce = nonce


class Middleware:
    """Sends requests to ``host`` (``https://api.bitfinex.com/v2``) for the endpoint interfaces."""

    def __init__(
        self,
        host: str,
        credentials: Optional[Credentials],
        *,
        nonce: NonceGenerator,
        timeout: Optional[float],
        connect_timeout: Optional[float],
        connection_limit: int,
        keepalive_timeout: float,
        rate_limiter: RateLimiter,
        retry: Optional[RetryPolicy],
        rate_limit_penalty: float,
        network: Optional[Network] = None,
        loads: Callable[[str], Any] = float_loads,
        transport: Optional[Transport] = None,
        token: Optional[Token] = None,
    ) -> None:
        if connection_limit < 1:
            raise InvalidInputError("connection_limit must be at least 1")
        if credentials is not None and token is not None:
            raise InvalidInputError("give api_key and api_secret, or a token, not both")
        self.host = host.rstrip("/")
        self._credentials = credentials
        self._token = token
        self.nonce = nonce
        self.timeout = timeout
        self.connection_limit = connection_limit
        self.rate_limiter = rate_limiter
        self.retry = retry
        self.rate_limit_penalty = rate_limit_penalty
        self._auth_lock: Optional[asyncio.Lock] = None
        self._lock_loop: Optional[asyncio.AbstractEventLoop] = None
        #: what carries the requests: the application's, or one pooled aiohttp session (see .transport)
        self.transport: Transport = transport if transport is not None else AiohttpTransport(
            self.host,
            timeout=timeout,
            connect_timeout=connect_timeout,
            connection_limit=connection_limit,
            keepalive_timeout=keepalive_timeout,
            network=network,
        )
        #: what ``stats()`` reports (requests, errors, 429s, rate-limiter waits, latencies)
        self.counters = RestCounters()
        #: the JSON decoder of answers (the client's number mode: see bfxapi.types.codec)
        self.loads = loads

    @property
    def authenticated(self) -> bool:
        """Whether API keys or a token were given."""
        return self._credentials is not None or self._token is not None

    @property
    def session(self) -> Optional[aiohttp.ClientSession]:
        """The aiohttp session the default transport opened (``None`` before the first request, after
        :meth:`close`, and with another transport)."""
        return self.transport.session if isinstance(self.transport, AiohttpTransport) else None

    async def close(self) -> None:
        """Close the transport (its session and connections); calling it again does nothing."""
        self._auth_lock, self._lock_loop = None, None
        await self.transport.close()

    # --- requests -----------------------------------------------------------------------------------------------

    def get(self, path: str, params: Optional[Mapping[str, Any]] = None, *, group: str) -> Coroutine[Any, Any, Any]:
        """A public GET: ``params`` travel in the query string. It returns :meth:`request`'s coroutine rather than
        awaiting it in one of its own: a coroutine less to step through on every resumption of a request."""
        return self.request("GET", path, params=params, group=group)

    def post(
        self,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        params: Optional[Mapping[str, Any]] = None,
        *,
        group: str,
    ) -> Coroutine[Any, Any, Any]:
        """A public (unsigned) POST such as ``calc/fx`` (:meth:`request`'s coroutine, as :meth:`get`)."""
        return self.request("POST", path, params=params, body=body, group=group)

    def auth_post(
        self, path: str, body: Optional[Mapping[str, Any]] = None, *, group: str, family: str = "auth"
    ) -> Coroutine[Any, Any, Any]:
        """A signed POST: ``body`` is the JSON body (``{}`` when empty); limits by ``group``, then ``family``
        (:meth:`request`'s coroutine, as :meth:`get`)."""
        return self.request("POST", path, body=body if body is not None else {}, signed=True,
                            group=group, family=family)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
        signed: bool = False,
        group: str,
        family: str = "",
    ) -> Any:
        """Send one request (retried when it is an idempotent read and a retry policy is set) and return the
        decoded JSON, or raise the error the answer means."""
        if signed and not self.authenticated:
            raise CredentialsRequiredError(
                f"{path} is an authenticated endpoint: create the client with api_key and api_secret (or a token)"
            )
        path = path.lstrip("/")
        query = query_string_params(params)
        text = dumps(body) if body is not None else None
        # Reads may be repeated; a write whose answer was lost may have been executed, so it never is, whatever
        # the policy's retry_on says (it is never even asked about a write).
        retry = self.retry if (method == "GET" or path.startswith("auth/r/")) else None
        attempt = 1
        resends = 0
        limiter = self.rate_limiter
        while True:
            if not limiter.take(group, family):  # the limiter has no room at once: wait for it, the wait counted
                started = time.monotonic()
                await limiter.acquire(group, family)
                self.counters.limiter_wait += time.monotonic() - started
            answer: Optional[_Answer] = None
            try:
                answer = await self._send(method, path, query, text, signed)
                return decode_response(
                    answer.status, answer.body, answer.headers, method=method, path=path,
                    penalty=self.rate_limit_penalty, decode=self.loads,
                )
            except NonceTooSmallError as error:
                self.counters.failed(error)
                # See the module docstring: refused before anything was done, so resending is safe.
                if answer is None or answer.nonce is None or resends >= _NONCE_RESENDS:
                    raise
                resends += 1
                _LOGGER.warning("%s %s: nonce overtaken by another request of this key (10114); signing it "
                                "again with a fresh nonce (resend %d of %d)", method, path, resends, _NONCE_RESENDS)
            except Exception as error:  # pylint: disable=broad-exception-caught
                self.counters.failed(error)
                if retry is None or attempt >= retry.attempts or not is_retryable(error, retry):
                    raise
                delay = retry.delay(attempt, error)
                _LOGGER.warning("%s %s failed (%s); retry %d of %d in %.2f s", method, path,
                                type(error).__name__, attempt, retry.attempts - 1, delay)
                attempt += 1
                await asyncio.sleep(delay)

    def _lock(self) -> asyncio.Lock:
        """The nonce lock of the running loop (a lock belongs to the loop it was first used in: a second
        ``asyncio.run`` gets a fresh one, as it gets a fresh session)."""
        loop = asyncio.get_running_loop()
        if self._auth_lock is None or self._lock_loop is not loop:
            self._auth_lock, self._lock_loop = asyncio.Lock(), loop
        return self._auth_lock

    async def _send(self, method: str, path: str, query: dict[str, str], text: Optional[str], signed: bool) -> _Answer:
        """Send one request and read its answer, counted in :attr:`counters`: one request, and once answered (not
        redirected) its latency and whether it was a 429."""
        timeout = effective_timeout(self, self.timeout)  # `with rest.timeout(s):` overrides it for one call
        url = f"{self.host}/{path}"
        headers: dict[str, str] = {}
        data: Optional[bytes] = None
        if text is not None:
            headers["Content-Type"] = "application/json"
            data = text.encode("utf-8")
        nonce: Optional[int] = None
        counters = self.counters
        counters.requests += 1
        started = time.monotonic()
        transport = self.transport
        try:
            if signed and self._token is not None:
                headers.update(rest_token_headers(self._token.value))
                reply = await transport.send(build_request(method, url, path, query, headers, data, timeout))
            elif signed:
                credentials = self._credentials
                assert credentials is not None
                # Held until the answer's headers are in (see the module docstring); the hold extends the
                # lock to the other processes of a shared nonce file, and waiting for it counts in the timeout.
                async with self._lock(), self.nonce.hold(timeout):
                    nonce = self.nonce.next()
                    headers.update(
                        rest_auth_headers(credentials.api_key, credentials.api_secret, path, nonce, text or "")
                    )
                    reply = await transport.send(build_request(method, url, path, query, headers, data, timeout))
            else:
                reply = await transport.send(build_request(method, url, path, query, headers, data, timeout))
            # After the lock: the next signed request need not wait for this one's body.
            body = await reply.read()
        except asyncio.TimeoutError:
            raise RestTimeoutError(f"{method} {path}: no complete answer within {timeout} s") from None
        status = reply.status
        latency = time.monotonic() - started
        if _LOGGER.isEnabledFor(logging.DEBUG):
            _LOGGER.debug("%s %s -> HTTP %d in %.1f ms", method, path, status, latency * 1000)
        if 300 <= status < 400:
            target = _target(reply.url, reply.headers.get("Location"))
            raise RedirectError(
                f"{method} {path}: the server answered HTTP {status} redirecting to {target}; "
                "bfxapi never follows a redirect (check the host: Bitfinex's API does not redirect)",
                status=status,
                location=target,
            )
        counters.answered(latency, status)
        return _Answer(status, body, reply.headers, nonce)

    def __repr__(self) -> str:
        return f"Middleware(host={self.host!r}, authenticated={self.authenticated})"


def _target(url: str, location: Optional[str]) -> str:
    """The absolute URL a redirect points at (relative ``Location`` values are resolved against the request's)."""
    if not location:
        return "<no Location header>"
    try:
        target = str(URL(url).join(URL(location)))
    except ValueError:
        target = location
    return target if len(target) <= _LOCATION_SHOWN else target[:_LOCATION_SHOWN] + "..."
