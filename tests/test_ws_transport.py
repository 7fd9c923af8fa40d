"""The WebSocket transport (``WebSocketOptions.transport``): which one a client takes, the fallbacks, and frames the
simulator never sends (fragments, invalid UTF-8, binary, too big) handled the same way by aiohttp and picows.

The rest of the suite runs on the transport ``BFXAPI_WS_TRANSPORT`` names, aiohttp unless it is set (conftest.py):
``BFXAPI_WS_TRANSPORT=auto python -m pytest`` runs it on picows (but for the proxy and ``session=`` tests:
"auto" takes aiohttp there; "picows" would refuse them).
"""

import asyncio
import dataclasses
import json
from typing import Any, AsyncIterator, Optional

import aiohttp
import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError
from bfxapi.websocket import WebSocketOptions, _transport
from bfxapi.websocket._transport_aiohttp import AiohttpTransport

from ws_support import FAST, simulator

picows = pytest.importorskip("picows")

# pylint: disable=protected-access,wrong-import-position,wrong-import-order
from bfxapi.websocket._transport_picows import PicowsTransport  # noqa: E402

GREETING = json.dumps({"event": "info", "version": 2, "serverId": "test", "platform": {"status": 1}})
OPTIONS = {"aiohttp": dataclasses.replace(FAST, transport="aiohttp"),
           "picows": dataclasses.replace(FAST, transport="picows")}


@pytest.fixture(autouse=True)
def _no_transport_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_transport.ENVIRONMENT, raising=False)


# --- which transport ------------------------------------------------------------------------------------------


async def test_auto_is_the_default_and_takes_picows_when_it_is_installed() -> None:
    assert WebSocketOptions().transport == "auto"
    async with simulator() as sim:
        # (FAST was made when ws_support was imported: its default may have come from the environment)
        bfx = Client(wss_host=sim.wss_host, rest_host=sim.rest_host,
                     wss_options=dataclasses.replace(FAST, transport="auto"))
        sim.clients.append(bfx)
        assert bfx.wss._transport == "picows"
        await bfx.wss.connect()
        assert isinstance(bfx.wss._buckets[0]._ws, PicowsTransport)


async def test_aiohttp_asked_is_aiohttp_even_with_picows_installed() -> None:
    async with simulator() as sim:
        bfx = Client(wss_host=sim.wss_host, rest_host=sim.rest_host, wss_options=OPTIONS["aiohttp"])
        sim.clients.append(bfx)
        assert bfx.wss._transport == "aiohttp"
        await bfx.wss.connect()
        assert isinstance(bfx.wss._buckets[0]._ws, AiohttpTransport)


def test_the_environment_gives_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_transport.ENVIRONMENT, "aiohttp")
    assert WebSocketOptions().transport == "aiohttp"
    assert WebSocketOptions(transport="picows").transport == "picows"  # an explicit choice wins
    monkeypatch.setenv(_transport.ENVIRONMENT, "fast")
    with pytest.raises(InvalidInputError, match=f"not 'fast' \\(from {_transport.ENVIRONMENT}\\)"):
        WebSocketOptions()


@pytest.mark.parametrize(("value", "error"), [("tornado", InvalidInputError), ("", InvalidInputError),
                                              (None, InvalidInputTypeError), (1, InvalidInputTypeError)])
def test_an_unknown_transport_is_refused(value: Any, error: type) -> None:
    with pytest.raises(error, match="transport must be one of auto, aiohttp, picows"):
        WebSocketOptions(transport=value)


def test_without_picows_auto_takes_aiohttp_and_picows_asked_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_transport, "picows_available", lambda: False)
    assert Client(wss_options=WebSocketOptions()).wss._transport == "aiohttp"
    with pytest.raises(InvalidInputError, match=r"needs the picows package: pip install bfxapi\[fast-ws\]"):
        WebSocketOptions(transport="picows")


def test_through_a_proxy_auto_takes_aiohttp_and_picows_asked_is_refused() -> None:
    assert Client(proxy="http://user:password@127.0.0.1:9").wss._transport == "aiohttp"
    assert Client(proxy="socks5://127.0.0.1:9").wss._transport == "aiohttp"
    with pytest.raises(InvalidInputError, match="through the proxy .*only aiohttp does") as refused:
        Client(proxy="http://user:password@127.0.0.1:9", wss_options=WebSocketOptions(transport="picows"))
    assert "password" not in str(refused.value)


def test_a_proxy_from_the_environment_counts_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    assert Client(trust_env=True).wss._transport == "aiohttp"
    with pytest.raises(InvalidInputError, match="through the proxy"):
        Client(trust_env=True, wss_options=WebSocketOptions(transport="picows"))
    assert Client(trust_env=False).wss._transport == "picows"


async def test_with_an_application_session_auto_takes_aiohttp_and_picows_asked_is_refused() -> None:
    async with aiohttp.ClientSession() as session:
        assert Client(session=session).wss._transport == "aiohttp"
        with pytest.raises(InvalidInputError, match="an aiohttp session was given"):
            Client(session=session, wss_options=WebSocketOptions(transport="picows"))


# --- frames the simulator never sends: the same outcome on both transports --------------------------------------


class Server:
    """A picows WebSocket server that greets like Bitfinex, and once it has the client's ``conf`` sends the frames
    of ``script`` (one list per connection, the last one for every later connection): ``(kind, payload, fin)``."""

    def __init__(self, script: list[list[tuple[str, bytes, bool]]]) -> None:
        self.script = script
        self.connections = 0
        self.connected = asyncio.Event()
        self.url = ""
        self._server: Optional[asyncio.Server] = None

    async def __aenter__(self) -> "Server":
        self._server = await picows.ws_create_server(lambda _request: _Listener(self), "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/ws/2"
        return self

    async def __aexit__(self, *_: Any) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


class _Listener(picows.WSListener):  # type: ignore[misc]
    def __init__(self, server: Server) -> None:
        super().__init__()
        self.server = server
        self.number = server.connections
        server.connections += 1

    def on_ws_connected(self, transport: Any) -> None:
        transport.send(picows.WSMsgType.TEXT, GREETING)
        self.server.connected.set()

    def on_ws_frame(self, transport: Any, frame: Any) -> None:
        if frame.msg_type == picows.WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()
        elif frame.msg_type == picows.WSMsgType.TEXT and b'"conf"' in frame.get_payload_as_bytes():
            for kind, payload, fin in self.server.script[min(self.number, len(self.server.script) - 1)]:
                transport.send(getattr(picows.WSMsgType, kind), payload, fin=fin)


@pytest.fixture(params=["aiohttp", "picows"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _client(server: Server, kind: str, **options: Any) -> AsyncIterator[Client]:
    bfx = Client(wss_host=server.url, wss_options=dataclasses.replace(OPTIONS[kind], **options))
    try:
        yield bfx
    finally:
        await bfx.close()


async def _invalid_messages(server: Server, kind: str, count: int) -> list[Any]:
    seen: list[Any] = []
    done = asyncio.Event()
    async for bfx in _client(server, kind):
        def invalid(error: Any) -> None:
            seen.append(error)
            if len(seen) >= count:
                done.set()
        bfx.wss.on("invalid_message", callback=invalid)
        await bfx.wss.connect()
        await asyncio.wait_for(done.wait(), 10)
    return seen


async def test_a_fragmented_message_is_delivered_whole(kind: str) -> None:
    parts = [("TEXT", b'{"event": "no', False), ("CONTINUATION", b"t json", False), ("CONTINUATION", b"]", True),
             ("TEXT", b'[1, "whole"', True)]
    async with Server([parts]) as server:
        seen = await _invalid_messages(server, kind, 2)
    assert seen[0].payload == '{"event": "not json]' and seen[0].reason == "not valid JSON"
    assert seen[1].payload == '[1, "whole"'


async def test_a_binary_frame_is_an_invalid_message(kind: str) -> None:
    async with Server([[("BINARY", b"\x00\x01", True)]]) as server:
        seen = await _invalid_messages(server, kind, 1)
    assert seen[0].payload == b"\x00\x01" and seen[0].reason == "unexpected BINARY frame"


@pytest.mark.parametrize("frames", [
    [("TEXT", b'["\xff\xfe"]', True)],  # invalid UTF-8
    [("TEXT", b'["' + b"x" * 2000 + b'"]', True)],  # bigger than max_message_size
    [("TEXT", b'["' + b"x" * 1500, False), ("CONTINUATION", b"x" * 1500 + b'"]', True)],  # so, once reassembled
], ids=["invalid-utf8", "too-big", "too-big-fragmented"])
async def test_a_frame_breaking_the_protocol_drops_the_link_and_the_client_reconnects(
        kind: str, frames: list[tuple[str, bytes, bool]]) -> None:
    async with Server([frames, []]) as server:
        reconnected = asyncio.Event()
        invalid: list[Any] = []
        async for bfx in _client(server, kind, max_message_size=1024):
            bfx.wss.on("reconnection", callback=lambda *_: reconnected.set())
            bfx.wss.on("invalid_message", callback=invalid.append)
            await bfx.wss.connect()
            await asyncio.wait_for(reconnected.wait(), 10)
            assert server.connections == 2 and bfx.wss.open
        assert invalid == []  # the frame is never delivered


async def test_the_server_closing_makes_the_client_reconnect(kind: str) -> None:
    async with Server([[("CLOSE", b"\x03\xe8bye", True)], []]) as server:
        reconnected = asyncio.Event()
        async for bfx in _client(server, kind):
            bfx.wss.on("reconnection", callback=lambda *_: reconnected.set())
            await bfx.wss.connect()
            await asyncio.wait_for(reconnected.wait(), 10)
            assert server.connections == 2
            assert bfx.wss.stats().connections[0].reconnections == 1


async def test_a_client_closed_during_the_handshake_closes_its_socket_at_once(kind: str) -> None:
    """The server accepts TCP and never answers the upgrade; the client is closed meanwhile: the socket is closed
    then, not when open_timeout would have ended the attempt (picows alone keeps it until its handshake timer)."""
    accepted = asyncio.Event()
    closed = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        await reader.read()  # until the client closes its side
        closed.set()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bfx = Client(wss_host=f"ws://127.0.0.1:{port}/ws/2", wss_options=dataclasses.replace(OPTIONS[kind],
                                                                                        open_timeout=30.0))
    connecting = asyncio.ensure_future(bfx.wss.connect())
    try:
        await asyncio.wait_for(accepted.wait(), 10)
        await bfx.close()
        await asyncio.wait_for(closed.wait(), 5)  # well before the 30 s of open_timeout
    finally:
        await bfx.close()
        await asyncio.gather(connecting, return_exceptions=True)
        server.close()
        await server.wait_closed()
