"""Shared fixtures for the simulator tests: a manual-mode simulator and a raw WebSocket client factory.

The raw client is plain ``websockets``; it deliberately does not use the bfxapi client.
"""

import asyncio
import json
import os
from typing import Any, AsyncIterator, Awaitable, Callable, List

import pytest
import websockets


class RawClient:
    """A bare WebSocket client that keeps every text frame it read, exactly as received."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.texts: List[str] = []

    async def send(self, message: Any) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def recv_text(self, timeout: float = 5.0) -> str:
        text = await asyncio.wait_for(self.ws.recv(), timeout)
        self.texts.append(text)
        return text

    async def recv(self, timeout: float = 5.0) -> Any:
        return json.loads(await self.recv_text(timeout))

    async def recv_until(self, predicate: Callable[[Any], bool], timeout: float = 5.0) -> List[Any]:
        """Read frames until one matches; return all frames read (the match last)."""
        frames: List[Any] = []
        while True:
            frames.append(await self.recv(timeout))
            if predicate(frames[-1]):
                return frames

    async def catch_up(self, conn: Any, timeout: float = 5.0) -> List[str]:
        """Read exactly the frames the server has recorded as sent on ``conn`` but not read yet."""
        texts = []
        while len(self.texts) < len(conn.sent_text):
            texts.append(await self.recv_text(timeout))
        return texts

    async def subscribe(self, **fields: Any) -> List[Any]:
        """Subscribe and return ``[ack, snapshot]``."""
        await self.send({"event": "subscribe", **fields})
        ack = await self.recv()
        assert ack["event"] == "subscribed", ack
        return [ack, await self.recv()]


# The WebSocket transport the suite runs on (bfxapi.websocket._transport): aiohttp unless BFXAPI_WS_TRANSPORT says
# otherwise, although the dev extra installs picows (which "auto" would take): aiohttp is what a default install
# runs, so it is what CI tests in full; tests/test_ws_transport.py covers picows, and
# BFXAPI_WS_TRANSPORT=auto python -m pytest runs the whole suite on it (save the proxy and session= tests, which
# "auto" sends to aiohttp). Set here, before any test module makes its WebSocketOptions, and inherited by the
# subprocesses the tests start (examples, the CLI).
os.environ.setdefault("BFXAPI_WS_TRANSPORT", "aiohttp")


def pytest_report_header() -> str:
    """Which WebSocket transport the client tests run on (``BFXAPI_WS_TRANSPORT``; aiohttp by default here)."""
    from bfxapi.websocket import WebSocketOptions  # pylint: disable=import-outside-toplevel
    from bfxapi.websocket._transport import picows_available  # pylint: disable=import-outside-toplevel
    chosen = WebSocketOptions().transport
    taken = chosen if chosen != "auto" else ("picows" if picows_available() else "aiohttp")
    return f"bfxapi WebSocket transport: {taken} (WebSocketOptions.transport={chosen!r}; BFXAPI_WS_TRANSPORT chooses)"


@pytest.fixture
async def make_sim() -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    from bfxapi.testing import Simulator  # pylint: disable=import-outside-toplevel
    started: List[Any] = []

    async def factory(**options: Any) -> Any:
        options.setdefault("seed", 7)
        options.setdefault("auto_market", False)
        options.setdefault("heartbeat_interval", None)
        options.setdefault("start_time", 1_700_000_000_000)
        sim = Simulator(**options)
        await sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        await sim.stop()


@pytest.fixture
async def sim(make_sim: Callable[..., Awaitable[Any]]) -> Any:
    return await make_sim()


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., Awaitable[RawClient]]]:
    sockets: List[Any] = []

    async def factory(sim: Any, read_info: bool = True) -> RawClient:
        # max_queue=None: websockets stops reading the socket while 16 frames are left unread, and a test that
        # leaves more (an F1 book's burst) then made close() wait its whole close_timeout (10 s) for the
        # server's close frame, stuck behind them
        ws = await websockets.connect(sim.wss_host, open_timeout=5, ping_interval=None, max_queue=None)
        sockets.append(ws)
        client = RawClient(ws)
        if read_info:
            info = await client.recv()
            assert info["event"] == "info"
        return client

    yield factory
    for ws in sockets:
        await ws.close()


# --- authenticated testing (simulator part 2) ----------------------------------------------------------------
# Signatures are computed here with hmac/hashlib, independently of both the client and the simulator.

def hmac384(secret: str, message: Any) -> str:
    import hashlib  # pylint: disable=import-outside-toplevel
    import hmac  # pylint: disable=import-outside-toplevel
    data = message if isinstance(message, bytes) else str(message).encode()
    return hmac.new(secret.encode(), data, hashlib.sha384).hexdigest()


class Nonces:
    """Strictly increasing microsecond-style nonces for one test."""

    def __init__(self) -> None:
        self.value = 1_700_000_000_000_000

    def __call__(self) -> int:
        self.value += 1
        return self.value


@pytest.fixture
def nonce() -> Nonces:
    return Nonces()


@pytest.fixture
def ws_auth(nonce: Nonces) -> Callable[..., Awaitable[List[Any]]]:
    """``await ws_auth(client, account, **extra)``: send a valid auth, return [auth event, ps, ws, os, fos, fcs, fls]
    (fewer snapshot frames when ``snapshots`` says so)."""

    async def do(client: RawClient, account: Any, snapshots: int = 6, **extra: Any) -> List[Any]:
        value = extra.pop("authNonce", None) or nonce()
        payload = f"AUTH{value}"
        await client.send({"event": "auth", "apiKey": account.api_key, "authSig": hmac384(account.api_secret, payload),
                           "authNonce": value, "authPayload": payload, **extra})
        frames = [await client.recv()]
        if frames[0].get("status") == "OK":
            for _ in range(snapshots):
                frames.append(await client.recv())
        return frames
    return do


@pytest.fixture
async def rest(nonce: Nonces) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """``await rest(sim, account, "auth/r/wallets", body)`` -> (status, parsed JSON); signs like the official
    libraries: ``/api/v2/<path>`` + nonce + the exact body text."""
    import aiohttp  # pylint: disable=import-outside-toplevel
    async with aiohttp.ClientSession() as session:
        async def post(sim: Any, account: Any, path: str, body: Any = None, *, value: Any = None,
                       raw: Any = None, secret: Any = None, key: Any = None) -> Any:
            text = raw if raw is not None else json.dumps(body if body is not None else {})
            used = str(value if value is not None else nonce())
            headers = {"bfx-nonce": used, "bfx-apikey": key or account.api_key, "Content-Type": "application/json",
                       "bfx-signature": hmac384(secret or account.api_secret, f"/api/v2/{path}{used}{text}")}
            async with session.post(f"{sim.rest_host}/{path}", data=text.encode(), headers=headers) as response:
                return response.status, await response.json(content_type=None)
        yield post


# --- a user's mypy (typing tests) ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def user_mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One mypy cache directory for every test module that runs a user's ``mypy --strict`` on scripts: bfxapi is
    analysed by the first run and read from the cache by the next ones (each run still checks its own scripts)."""
    return tmp_path_factory.mktemp("user_mypy_cache")


# --- memory: aiohttp keeps the simulators it served ------------------------------------------------------------

@pytest.hookimpl(trylast=True)  # after the test's fixtures (its simulators) are torn down
def pytest_runtest_teardown(item: Any, nextitem: Any) -> None:  # pylint: disable=unused-argument
    """aiohttp caches the middleware chain it builds per (handler, applications) in a module-wide LRU of 1024
    entries, which keeps every application with a middleware alive. The simulator had one (every simulator a test
    started stayed alive: about 2 GB by the suite's end, slow full collections, a minute-long exit); it has none
    now (tests/test_simulator_rest.py checks that a stopped one is freed), but the tests' own servers
    (rest_auth_server.py) still have one: the cache is emptied after each test."""
    import aiohttp.web_app  # pylint: disable=import-outside-toplevel
    cache = getattr(aiohttp.web_app, "_cached_build_middleware", None)
    if cache is not None:
        cache.cache_clear()
