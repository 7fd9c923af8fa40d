"""What carries a REST request to the host and its answer back: the seam under :class:`Middleware`.

The middleware builds the request (URL, query, body, our headers, the signature) and makes sense of the answer
(errors, redirects, retries, rate limits, nonce resends); a :class:`Transport` only moves bytes. The default is
:class:`AiohttpTransport` (a pooled aiohttp session, the proxy route, TLS trust, the application's own session);
:class:`MemoryTransport` answers from a function or a script, in memory, for tests (the library's and the
application's), selected with ``BfxRestInterface(transport=...)`` or ``RestOptions(transport=...)``.

Why ``send`` returns at the answer's *headers* and the body is read separately
------------------------------------------------------------------------------
A signed request holds the middleware's nonce lock from taking its nonce until the server has begun to answer
(see the middleware's docstring: by then the server has checked and stored the nonce, so the next request's
larger nonce can no longer overtake it). The lock, the nonce and the signature stay in the middleware, where the
rule is stated once and holds for every transport; the transport only has to say when the answer has begun.
So :meth:`Transport.send` returns a :class:`Reply` as soon as the status line and headers are in, and the
middleware reads the body with :meth:`Reply.read` after releasing the lock. Returning the whole answer from
``send`` would also be correct (the lock would be held a little longer, while the body arrives) but would
serialise the signed requests' downloads as well: a large ledger page would hold back every other signed call.
A transport that has the whole answer at once (:class:`MemoryTransport`) returns a :class:`RestAnswer`, which is
its own reply.

What a transport raises: ``asyncio.TimeoutError`` when ``request.timeout`` runs out (the middleware turns it into
:class:`~bfxapi.rest.exceptions.RestTimeoutError`), :class:`~bfxapi.rest.exceptions.RestConnectionError` (or a
proxy/TLS error of :mod:`bfxapi.exceptions`) when the host cannot be reached. It never follows a redirect: a 3xx
answer is returned as it is, and the middleware refuses it. Its errors must not carry the request's headers (the
API key, the signature, a token).
"""

import asyncio
import collections
import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Mapping, Optional, Protocol, Union, runtime_checkable

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from ..._utils.logging import get_logger
from ..._utils.network import CONNECTION_ERRORS, Network
from ..._version import __version__
from ...exceptions import InvalidInputTypeError
from ..exceptions import RestConnectionError
from .deadlines import Deadlines
from .query import url_with_query

__all__ = [
    "RestRequest",
    "RestAnswer",
    "Reply",
    "Transport",
    "AiohttpTransport",
    "MemoryTransport",
    "DEFAULT_HEADERS",
]

_LOGGER = get_logger("rest")

#: the headers every request carries (the application's session may set its own)
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": f"bfxapi/{__version__}"}


@dataclass(frozen=True)
class RestRequest:
    """One HTTP request as the middleware built it.

    ``url`` is the full URL without the query string, ``path`` the part after the v2 root (``auth/r/wallets``: the
    one the signature covers), ``query`` the query string's parameters, ``headers`` the request's own headers
    (``Content-Type``, the ``bfx-*`` authentication headers), ``body`` the exact bytes to send (``None``: no body),
    ``timeout`` the seconds the whole request may take (``None``: no limit)."""

    method: str
    url: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Optional[bytes] = None
    timeout: Optional[float] = None

    @property
    def text(self) -> str:
        """The body as text (``""`` without one): what a signature covers."""
        return self.body.decode("utf-8") if self.body is not None else ""

    def __repr__(self) -> str:
        # The headers are left out: they carry the API key, the signature or a token.
        return f"RestRequest({self.method} {self.path}, query={dict(self.query)!r}, body={len(self.body or b'')} bytes)"


def build_request(
    method: str,
    url: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    body: Optional[bytes],
    timeout: Optional[float],
) -> RestRequest:
    """``RestRequest(method, url, path, query, headers, body, timeout)``, made faster: the middleware makes one per
    request, and a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, a call per field
    (a third of the cost of the middleware's own layer). The fields go straight into the instance's ``__dict__``,
    where that ``__init__`` puts them: the same object (tests/test_rest_query.py)."""
    request = object.__new__(RestRequest)
    fields = request.__dict__
    fields["method"] = method
    fields["url"] = url
    fields["path"] = path
    fields["query"] = query
    fields["headers"] = headers
    fields["body"] = body
    fields["timeout"] = timeout
    return request


@runtime_checkable
class Reply(Protocol):
    """An answer whose status line and headers are in; its body is read with :meth:`read`."""

    @property
    def status(self) -> int:
        """The HTTP status."""

    @property
    def headers(self) -> Mapping[str, str]:
        """The answer's headers (looked up case-insensitively)."""

    @property
    def url(self) -> str:
        """The URL that answered (a relative ``Location`` is resolved against it)."""

    async def read(self) -> bytes:
        """The whole body; the connection is released once it is read (or reading failed)."""


class RestAnswer:
    """A complete answer: ``status``, ``body`` (bytes, or a str encoded as UTF-8), ``headers`` (any mapping; looked
    up case-insensitively) and ``url`` (``None``: the request's, filled in by :class:`MemoryTransport`).

    It is its own :class:`Reply`: what a :class:`MemoryTransport` handler returns."""

    __slots__ = ("status", "body", "headers", "url")

    def __init__(
        self,
        status: int = 200,
        body: Union[bytes, str] = b"",
        headers: Optional[Mapping[str, str]] = None,
        url: Optional[str] = None,
    ) -> None:
        if isinstance(status, bool) or not isinstance(status, int):
            raise InvalidInputTypeError(f"RestAnswer.status must be an int, not {type(status).__name__}")
        if not isinstance(body, (bytes, str)):
            raise InvalidInputTypeError(f"RestAnswer.body must be bytes or str, not {type(body).__name__}")
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers: Mapping[str, str] = CIMultiDictProxy(CIMultiDict(headers or {}))
        self.url = url or ""

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: Optional[Mapping[str, str]] = None) -> "RestAnswer":
        """An answer whose body is ``data`` as JSON (``RestAnswer.json(["error", 10020, "symbol: invalid"], 500)``)."""
        return cls(status, json.dumps(data).encode("utf-8"), {"Content-Type": "application/json", **(headers or {})})

    async def read(self) -> bytes:
        return self.body

    def __repr__(self) -> str:
        return f"RestAnswer(status={self.status}, body={len(self.body)} bytes)"


@runtime_checkable
class Transport(Protocol):
    """Carries requests: :meth:`send` returns once the answer's status and headers are in (see the module
    docstring); :meth:`close` releases what it holds (idempotent; a later ``send`` may open it again)."""

    async def send(self, request: RestRequest) -> Reply:
        """Send ``request``; the answer as soon as its status line and headers are in."""

    async def close(self) -> None:
        """Release connections and sessions; calling it again does nothing."""


# --- aiohttp --------------------------------------------------------------------------------------------------------


def _label(request: RestRequest) -> str:
    """How an error names the request (made only when one is raised)."""
    return f"{request.method} {request.path}"


class _AiohttpReply:
    __slots__ = ("_response", "_route", "_request", "_deadlines", "_when")

    def __init__(
        self,
        response: aiohttp.ClientResponse,
        transport: "AiohttpTransport",
        request: RestRequest,
        deadlines: Optional[Deadlines],
        when: float,
    ) -> None:
        self._response = response
        self._route = transport
        self._request = request
        #: the request's deadline, which the body's read shares (None: no timeout)
        self._deadlines = deadlines
        self._when = when

    @property
    def status(self) -> int:
        return self._response.status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def url(self) -> str:
        return str(self._response.url)

    async def read(self) -> bytes:
        try:
            deadlines = self._deadlines
            if deadlines is None:
                return await self._response.read()
            # The deadline's scope inline, not in a wrapping coroutine: every suspension would pass through it.
            task, cancelling = deadlines.enter(self._when)
            try:
                body = await self._response.read()
            except BaseException as error:
                deadlines.leave(task, cancelling, cancelled=isinstance(error, asyncio.CancelledError))
                raise
            deadlines.leave(task, cancelling)
            return body
        except CONNECTION_ERRORS as error:
            if isinstance(error, asyncio.TimeoutError):  # aiohttp's read timeouts are both: the middleware's
                raise
            raise self._route.connection_error(_label(self._request), error) from None
        finally:
            self._response.release()


class AiohttpTransport:
    """The default transport: one pooled aiohttp session (opened on first use, inside the running loop), through
    the proxy route and TLS trust of ``network``, or the application's own session (never closed here).

    Redirects are never followed (``allow_redirects=False``); aiohttp's errors are mapped to the library's, without
    chaining them (some carry the request headers). The whole request's timeout is kept by :class:`Deadlines`
    (one timer per event loop), aiohttp's own only for the connection (``connect=``)."""

    def __init__(
        self,
        host: str,
        *,
        timeout: Optional[float],
        connect_timeout: Optional[float],
        connection_limit: int,
        keepalive_timeout: float,
        network: Optional[Network] = None,
    ) -> None:
        self.timeout = timeout
        # total=None: the whole request's deadline is kept by self._deadlines (see deadlines.py for why)
        self._client_timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout)
        self._deadlines: Optional[Deadlines] = None
        self.connection_limit = connection_limit
        self._keepalive_timeout = keepalive_timeout
        self._session: Optional[aiohttp.ClientSession] = None
        self._session_loop: Optional[asyncio.AbstractEventLoop] = None
        #: proxy, TLS trust and the application's session, if any (see bfxapi._utils.network)
        self._network = network if network is not None else Network()
        self._route = self._network.route(host)
        #: the options of a request with no proxy, made once (see _request_options)
        self._direct_options: Optional[dict[str, Any]] = (
            {"timeout": self._client_timeout, **self._route.kwargs()} if self._route.proxy is None else None
        )

    @property
    def session(self) -> Optional[aiohttp.ClientSession]:
        """The session this transport opened (``None`` before the first request and after :meth:`close`)."""
        return self._session

    def _get_session(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        """The session for a request on ``loop`` (the running loop: asked once per request by :meth:`send`, as
        ``asyncio.get_running_loop()`` makes a ``getpid`` system call on CPython 3.11)."""
        given = self._network.session
        if given is not None:
            # The application's session, used as it is and never closed here: close() closes what it opened.
            if given.closed:
                raise RestConnectionError("the aiohttp session given to the client (session=) was closed by its "
                                          "owner: close the client first, or give it an open session")
            return given
        # Created on first use, inside the running loop: aiohttp sessions belong to the loop that made them.
        session = self._session
        if session is not None and not session.closed and self._session_loop is loop:
            return session
        if session is not None and not session.closed:
            # Used from a new event loop (a second asyncio.run): the old session's loop is gone, so its
            # connections are unusable; start over with a fresh session.
            _LOGGER.debug("REST session belonged to another event loop: opening a new one")
        connector = self._route.connector(  # a SOCKS proxy's connector, or a plain TCP one
            limit=self.connection_limit,
            limit_per_host=self.connection_limit,
            keepalive_timeout=self._keepalive_timeout,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._client_timeout,
            headers=DEFAULT_HEADERS,
        )
        self._session_loop = loop
        return self._session

    async def send(self, request: RestRequest) -> Reply:
        loop = asyncio.get_running_loop()
        session = self._get_session(loop)
        headers = self._headers(session)
        headers.update(request.headers)
        url = request.url
        params: Optional[dict[str, str]] = None
        if "?" in url or "#" in url:  # a query of its own: aiohttp merges the two (see .query)
            params = dict(request.query) or None
        else:
            url = url_with_query(url, request.query)
        sending = session.request(
            request.method, url, params=params, data=request.body,
            headers=headers, allow_redirects=False, **self._request_options(),
        )
        deadlines: Optional[Deadlines] = None
        when = 0.0
        try:
            if request.timeout is None:
                response = await sending
            else:
                deadlines = self._deadlines
                if deadlines is None or deadlines.loop is not loop:  # the first request, or a new event loop
                    deadlines = self._deadlines = Deadlines(loop)
                when = loop.time() + request.timeout
                task, cancelling = deadlines.enter(when)
                try:
                    response = await sending
                except BaseException as error:
                    deadlines.leave(task, cancelling, cancelled=isinstance(error, asyncio.CancelledError))
                    raise
                deadlines.leave(task, cancelling)
        except CONNECTION_ERRORS as error:
            if isinstance(error, asyncio.TimeoutError):  # aiohttp's timeouts are both: the middleware maps them
                raise
            raise self.connection_error(_label(request), error) from None
        refusal = self._route.refusal(response.status)  # a 407 from the proxy forwarding a plain http:// request
        if refusal is not None:
            response.release()
            raise refusal
        return _AiohttpReply(response, self, request, deadlines, when)

    def connection_error(self, label: str, error: BaseException) -> Exception:
        """The library's error for aiohttp's ``error``: a proxy's refusal or a TLS failure is typed (and never
        retried), anything else a :class:`RestConnectionError`. The aiohttp error is not chained: some carry the
        request headers (API key, signature, proxy credentials)."""
        return self._route.failure(error) or RestConnectionError(f"{label}: {self._route.describe(error)}")

    def _request_options(self) -> dict[str, Any]:
        """Per request, so that they hold on the application's session too: the connect timeout, TLS trust, proxy."""
        if self._direct_options is not None:
            return self._direct_options  # unpacked into the call's keywords: never changed by aiohttp
        return {"timeout": self._client_timeout, **self._route.kwargs()}

    def _headers(self, session: aiohttp.ClientSession) -> dict[str, str]:
        """Ours where the application's session does not set them (ours has them as defaults), and the proxy's
        credentials when a plain http:// request is forwarded."""
        headers = self._route.headers()
        if session is not self._session:
            for name, value in DEFAULT_HEADERS.items():
                if name not in session.headers:
                    headers[name] = value
        return headers

    async def close(self) -> None:
        session, self._session, self._session_loop = self._session, None, None
        if session is not None and not session.closed:
            await session.close()

    def __repr__(self) -> str:
        return "AiohttpTransport()"


# --- in memory ------------------------------------------------------------------------------------------------------

Handler = Callable[[RestRequest], Union[RestAnswer, Awaitable[RestAnswer]]]


class MemoryTransport:
    """A transport that never opens a socket: every request is recorded in :attr:`requests` and answered by the
    next of the scripted ``answers`` (a :class:`RestAnswer`, or an exception to raise) while any are left, else by
    ``handler(request)`` (a function or a coroutine function returning a :class:`RestAnswer`, or raising: a
    :class:`~bfxapi.rest.exceptions.RestConnectionError` or ``asyncio.TimeoutError`` play a lost connection or a
    timeout).

    ::

        transport = MemoryTransport(answers=[RestAnswer(502, "<html>Bad gateway</html>"),
                                             RestAnswer.json([["tBTCUSD", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])])
        rest = BfxRestInterface("https://api.bitfinex.com/v2", transport=transport,
                                retry=RetryPolicy(backoff=0))
        await rest.public.get_t_tickers(["tBTCUSD"])   # the 502 is retried, then the second answer decoded
        assert [r.path for r in transport.requests] == ["tickers", "tickers"]

    A request with no handler and no answer left fails the test plainly (``AssertionError``)."""

    def __init__(
        self,
        handler: Optional[Handler] = None,
        *,
        answers: Iterable[Union[RestAnswer, BaseException]] = (),
    ) -> None:
        if handler is not None and not callable(handler):
            raise InvalidInputTypeError(f"handler must be a callable (request) -> RestAnswer, not "
                                        f"{type(handler).__name__}")
        self._handler = handler
        self._answers: collections.deque[Union[RestAnswer, BaseException]] = collections.deque(answers)
        #: every request sent, in order
        self.requests: list[RestRequest] = []
        #: how many times :meth:`close` was called
        self.closed = 0

    def add(self, *answers: Union[RestAnswer, BaseException]) -> None:
        """Queue more scripted answers."""
        self._answers.extend(answers)

    @property
    def pending(self) -> int:
        """Scripted answers not used yet."""
        return len(self._answers)

    async def send(self, request: RestRequest) -> Reply:
        self.requests.append(request)
        if self._answers:
            scripted = self._answers.popleft()
            if isinstance(scripted, BaseException):
                raise scripted
            answer = scripted
        elif self._handler is not None:
            result = self._handler(request)
            answer = await result if isinstance(result, Awaitable) else result
        else:
            raise AssertionError(f"MemoryTransport: no answer left for {request!r}")
        if not isinstance(answer, RestAnswer):
            raise InvalidInputTypeError(f"a MemoryTransport handler must return a RestAnswer, not "
                                        f"{type(answer).__name__}")
        if not answer.url:
            query = "&".join(f"{k}={v}" for k, v in request.query.items())
            return RestAnswer(answer.status, answer.body, answer.headers,
                              request.url + (f"?{query}" if query else ""))
        return answer

    async def close(self) -> None:
        self.closed += 1

    def __repr__(self) -> str:
        return f"MemoryTransport(requests={len(self.requests)}, pending={len(self._answers)})"
