"""The REST front end (protocol.md §5): routing under ``/v2`` and ``/api/v2``, the per-endpoint rate limits, the
recording of every request, errors as HTTP 500 ``["error", CODE, MSG]``.

Routes are registered per module through :meth:`RestFrontEnd.add_route` (:mod:`.public`, :mod:`.auth` and the
account modules). Every answer is printed with the JavaScript number formatting of the WebSocket side.
"""

import json
import time
from collections import deque
from typing import Any, Awaitable, Callable, Deque, Dict, List, Optional, Tuple

from aiohttp import web

from ...wire.encoding import dumps
from ..context import ServerContext
from .record import RestRecord

__all__ = ["RestFrontEnd", "RestError", "RestRecord", "DEFAULT_REST_RATE_LIMITS", "API_KEY", "json_response",
           "int_param", "query_window"]

#: Requests per minute per IP and endpoint group (protocol.md §5.4); None = not limited. A route key
#: ``"group|endpoint"`` counts per endpoint with the group's limit (authenticated routes: 90 each, alerts 45,
#: deposit addresses 10; transfers, withdrawals, invoices and merchant endpoints are not limited).
DEFAULT_REST_RATE_LIMITS: Dict[str, Optional[int]] = {
    "platform/status": 30, "ticker": 90, "tickers": 30, "tickers/hist": None, "trades": 15, "book": 240,
    "stats1": 15, "candles": 30, "status": 90, "liquidations": 3, "rankings": 90, "funding/stats": None,
    "conf": 90, "calc": 90, "pulse": None,
    "auth": 90, "auth/alerts": 45, "auth/deposit/address": 10, "auth/unlimited": None, "merchant": None,
}


Handler = Callable[[web.Request], Awaitable[Any]]
#: request storage key of the authenticated API key (set by the authenticated routes, read when recording)
API_KEY = web.RequestKey("bfx_api_key", str)


class RestError(Exception):
    """An application error answered as HTTP 500 ``["error", code, msg]``."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=dumps(data), status=status, content_type="application/json")


def int_param(request: web.Request, name: str) -> Optional[int]:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise RestError(10020, f"{name}: invalid") from error


def query_window(request: web.Request, rows: List[Any], mts: Callable[[Any], float], default_limit: int,
            max_limit: int, default_sort: int = -1) -> List[Any]:
    """Apply ``start``/``end`` (ms, inclusive), ``sort`` (1 ascending, -1 descending) and ``limit``."""
    limit = int_param(request, "limit")
    limit = default_limit if limit is None else limit
    if limit < 0 or limit > max_limit:
        raise RestError(10020, "limit: invalid")
    start, end = int_param(request, "start"), int_param(request, "end")
    sort = int_param(request, "sort") or default_sort
    selected = [r for r in rows if (start is None or mts(r) >= start) and (end is None or mts(r) <= end)]
    selected.sort(key=mts, reverse=sort != 1)
    if sort == 1 and start is None and len(selected) > limit:
        # ascending without a start: the newest ``limit`` rows, oldest first
        return selected[-limit:]
    return selected[:limit]


class RestFrontEnd:
    """REST under ``/v2`` (and ``/api/v2``)."""

    def __init__(self, sim: ServerContext) -> None:
        self.sim = sim
        self.routes: List[Tuple[str, str, str, Handler]] = []
        self._hits: Dict[Tuple[str, str], Deque[float]] = {}
        self._blocked: Dict[Tuple[str, str], float] = {}

    def add_route(self, method: str, path: str, limit_key: str, handler: Handler) -> None:
        """Register ``handler`` (returning JSON-able data or raising RestError) for ``/v2/<path>``."""
        self.routes.append((method, path, limit_key, handler))

    def register(self, app: web.Application) -> None:
        for method, path, key, handler in self.routes:
            wrapped = self._wrap(key, handler)
            for prefix in ("/v2/", "/api/v2/"):
                app.router.add_route(method, prefix + path, wrapped)

    @staticmethod
    def register_not_found(app: web.Application) -> None:
        """Answer what no route serves as Bitfinex does (HTTP 404, ``Cannot GET /v2/nope`` as HTML), a known path
        asked with another method included: a catch-all route, registered last.

        Not an aiohttp middleware: aiohttp caches the middleware chain per handler in a module-wide cache of 1024
        entries, and the handlers hold the simulator, so every simulator an application's test suite started would
        stay alive there (its market, accounts and logs) long after it stopped."""
        app.router.add_route("*", "/{tail:.*}", _not_found)

    def _rate_limited(self, ip: str, key: str) -> bool:
        limits = self.sim.rest_rate_limits
        limit = limits.get(key.split("|")[0]) if limits is not None else None
        if limit is None:
            return False
        now = time.monotonic()
        slot = (ip, key)
        if self._blocked.get(slot, 0.0) > now:
            return True
        hits = self._hits.setdefault(slot, deque())
        while hits and now - hits[0] >= 60.0:
            hits.popleft()
        if len(hits) >= limit:
            self._blocked[slot] = now + self.sim.rest_block_duration
            return True
        hits.append(now)
        return False

    def _wrap(self, key: str, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            raw = await request.read()
            try:
                parsed: Any = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            record = RestRecord(request.method, request.path, dict(request.query), dict(request.headers), raw,
                                parsed)
            self.sim.rest_log.append(record)
            response = await answer(request)
            record.status = response.status
            record.api_key = request.get(API_KEY)
            try:
                record.response = json.loads(response.text or "null")
            except ValueError:
                record.response = response.text
            self.sim.notify()
            return response

        async def answer(request: web.Request) -> web.Response:
            sim = self.sim
            sim.rest_requests += 1
            if sim.maintenance and key != "platform/status":
                return json_response(["error", 20060, "maintenance"], 500)
            if self._rate_limited(request.remote or "unknown", key):
                sim.rest_rate_limited += 1
                return json_response(["error", 11010, "ratelimit: error"], 429)
            try:
                return json_response(await handler(request))
            except RestError as error:
                return json_response(["error", error.code, error.msg], 500)
        return wrapped


async def _not_found(request: web.Request) -> web.Response:
    return web.Response(status=404, text=f"Cannot {request.method} {request.path}", content_type="text/html")
