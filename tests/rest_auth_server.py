"""Test support for the REST tests (not shipped): small local aiohttp servers on loopback, and the
simulator fixture of the ``test_rest_sim_*`` tests.

* :func:`sim_env` / :class:`SimEnv`: a simulator with a funded account and a ``Client`` of that account; and
  :meth:`SimEnv.call`, which runs one client call and checks the one request the simulator recorded for it
  (path, exact JSON body, signature computed here with hmac/hashlib, accepted with HTTP 200).
* :class:`AuthServer`: a signed-endpoint server whose answers a test scripts (``answers[path]``), for what
  the simulator does not do (an HTML 502 page from a proxy in front of an authenticated endpoint, ...). It
  checks what Bitfinex checks, with its own code (hmac/hashlib, not bfxapi's): the API key, the HMAC-SHA384
  signature over ``/api/v2/<path>`` + nonce + the raw body, and that every nonce of a key is larger than the
  previous one *in arrival order*, answering ``["error", 10114, "nonce: small"]`` otherwise. It records each
  accepted request (path, raw body, decoded JSON body, nonce, client port). ``delay(i)``, when set, holds the
  ``i``-th signed request (from 0, in arrival order) that many seconds before its nonce is checked: the
  network or a busy front end taking longer for one request than for the next, so that requests sent
  concurrently are reordered.
* :func:`start_recording_simulator`: serves a running simulator's app a second time behind a middleware that
  records every request's path and query string exactly as received, for asserting request shapes.
* :func:`start_app`: serves any small aiohttp app (HTML error pages, slow answers, ...).
"""

import asyncio
import hashlib
import hmac
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, Tuple

import pytest
from aiohttp import web

KEY = "test-key"
SECRET = "test-secret"


@dataclass
class Recorded:
    path: str
    raw_body: str
    body: Any
    nonce: int
    api_key: str
    port: int
    content_type: str


def _error(code: int, message: str, status: int = 500) -> web.Response:
    return web.json_response(["error", code, message], status=status)


@dataclass
class AuthServer:
    """A signed-endpoint server on loopback (see the module docstring)."""

    keys: Dict[str, str] = field(default_factory=lambda: {KEY: SECRET})
    answers: Dict[str, Any] = field(default_factory=dict)
    requests: List[Recorded] = field(default_factory=list)
    rejected: List[Tuple[str, int, str]] = field(default_factory=list)
    last_nonce: Dict[str, int] = field(default_factory=dict)
    delay: Optional[Callable[[int], float]] = None
    arrivals: int = 0
    host: str = ""
    _runner: Optional[web.AppRunner] = None

    async def start(self) -> "AuthServer":
        app = web.Application()
        app.router.add_post("/api/v2/{path:.+}", self._handle)
        app.router.add_post("/v2/{path:.+}", self._handle)
        app.router.add_get("/v2/platform/status", self._platform_status)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.host = f"http://127.0.0.1:{port}/v2"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _platform_status(self, _request: web.Request) -> web.Response:
        return web.json_response([1])

    def _reject(self, path: str, code: int, message: str) -> web.Response:
        self.rejected.append((path, code, message))
        return _error(code, message)

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if self.delay is not None:
            index, self.arrivals = self.arrivals, self.arrivals + 1
            await asyncio.sleep(self.delay(index))
        api_key = request.headers.get("bfx-apikey", "")
        secret = self.keys.get(api_key)
        if secret is None:
            return self._reject(path, 10100, "apikey: invalid")
        try:
            nonce = int(request.headers.get("bfx-nonce", ""))
        except ValueError:
            return self._reject(path, 10114, "nonce: invalid")
        # Arrival order (after the injected delay, if any): checked before any other await of this handler.
        if nonce <= self.last_nonce.get(api_key, 0):
            return self._reject(path, 10114, "nonce: small")
        self.last_nonce[api_key] = nonce
        raw = await request.text()
        message = f"/api/v2/{path}{nonce}{raw}".encode("utf-8")
        expected = hmac.new(secret.encode("utf-8"), message, hashlib.sha384).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("bfx-signature", "")):
            return self._reject(path, 10100, "apikey: digest invalid")
        body = json.loads(raw) if raw else None
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.requests.append(Recorded(path, raw, body, nonce, api_key, peer[1] if peer else 0,
                                      request.headers.get("Content-Type", "")))
        if path not in self.answers:
            return web.Response(status=404, text=f"Cannot POST /api/v2/{path}", content_type="text/html")
        answer = self.answers[path]
        if callable(answer):
            answer = answer(body)
            if inspect.isawaitable(answer):
                answer = await answer
        if isinstance(answer, web.Response):
            return answer
        return web.json_response(answer)


@dataclass
class Received:
    method: str
    path: str
    query: Dict[str, str]
    body: str
    port: int


async def start_app(app: web.Application) -> Tuple[web.AppRunner, str]:
    """Serve ``app`` on an ephemeral loopback port; returns the runner and ``http://127.0.0.1:PORT``."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def start_recording_simulator(sim: Any) -> Tuple[web.AppRunner, str, List[Received]]:
    """Serve ``sim``'s REST app again behind a recorder; returns the runner, its ``.../v2`` host and the log."""
    received: List[Received] = []

    @web.middleware
    async def record(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                     ) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        entry = Received(request.method, request.path, dict(request.query), "", peer[1] if peer else 0)
        received.append(entry)
        response = await handler(request)
        # Read the body after the handler: reading it first would leave the simulator an empty stream
        # (aiohttp caches what was read, so this returns what the handler saw).
        entry.body = await request.text()
        return response

    app = sim.make_app()
    app.middlewares.insert(0, record)
    runner, base = await start_app(app)
    return runner, f"{base}/v2", received


# --- the simulator, with accounts ----------------------------------------------------------------------------

#: The starting balances of the account every ``test_rest_sim_*`` test trades with.
SIM_WALLETS: Dict[str, Dict[str, float]] = {
    "exchange": {"USD": 10_000.0, "BTC": 1.0, "ETH": 10.0},
    "margin": {"USD": 5_000.0, "USTF0": 2_000.0},
    "funding": {"USD": 5_000.0, "BTC": 0.5},
}


def canonical(value: Any) -> str:
    """JSON text with sorted keys: ``1`` and ``true``, ``1`` and ``1.0``, ``"1"`` and ``1`` all differ."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def hmac384(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha384).hexdigest()


@dataclass
class SimEnv:
    """A running simulator, a funded account of it, and a ``Client`` holding that account's key."""

    sim: Any
    account: Any
    bfx: Any

    @property
    def auth(self) -> Any:
        return self.bfx.rest.auth

    @property
    def merchant(self) -> Any:
        return self.bfx.rest.merchant

    def check_signed(self, record: Any, path: str, accepted: bool = True) -> None:
        """The request carried this account's key, a signature of ``/api/v2/<path>`` + nonce + the raw body
        bytes received (computed here), and JSON; the simulator authenticated it (unless not ``accepted``)."""
        headers = {key.lower(): value for key, value in record.headers.items()}
        assert headers["bfx-apikey"] == self.account.api_key
        nonce = headers["bfx-nonce"]
        assert nonce.isdigit() and int(nonce) <= 2**53 - 1
        expected = hmac384(self.account.api_secret, f"/api/v2/{path}{nonce}".encode() + record.raw_body)
        assert headers["bfx-signature"] == expected
        assert headers["content-type"] == "application/json"
        assert record.api_key == (self.account.api_key if accepted else None)

    async def call(self, awaitable: Awaitable[Any], path: str, body: Dict[str, Any]) -> Any:
        """Await one client call; assert it sent exactly one request, a signed POST to ``/v2/<path>`` (no query)
        whose JSON body is exactly ``body`` (value types included), answered 200; return the call's result."""
        before = len(self.sim.rest_log)
        result = await awaitable
        records = self.sim.rest_log[before:]
        assert [(r.method, r.path) for r in records] == [("POST", f"/v2/{path}")], records
        record = records[0]
        assert record.query == {}
        assert canonical(record.body) == canonical(body), record.raw_body
        assert record.raw_body == json.dumps(record.body, separators=(",", ":"), ensure_ascii=False).encode()
        assert record.status == 200, record.response
        self.check_signed(record, path)
        return result

    def refused(self, before: int, path: str) -> Any:
        """The one request recorded since ``len(sim.rest_log) == before``: to ``/v2/<path>``, answered with
        HTTP 500 ``["error", CODE, MESSAGE]``."""
        records = self.sim.rest_log[before:]
        assert [(r.method, r.path) for r in records] == [("POST", f"/v2/{path}")], records
        assert records[0].status == 500 and records[0].response[0] == "error", records[0].response
        return records[0]


@pytest.fixture
async def sim_env(make_sim: Callable[..., Awaitable[Any]]) -> AsyncIterator[SimEnv]:
    """A simulator (manual market, seed 7), an account funded with :data:`SIM_WALLETS` and its ``Client``."""
    from bfxapi import Client  # pylint: disable=import-outside-toplevel

    sim = await make_sim()
    account = sim.add_account(wallets=SIM_WALLETS)
    bfx = Client(account.api_key, account.api_secret, rest_host=sim.rest_host)
    yield SimEnv(sim, account, bfx)
    await bfx.close()
