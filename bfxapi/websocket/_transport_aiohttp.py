"""The aiohttp transport (the default one, always installed): ``ws_connect`` on an aiohttp session, through the
client's route (proxy, TLS trust), and a receive loop awaiting one message at a time.

aiohttp answers the server's pings itself (``autoping``) and the closing handshake the server starts
(``autoclose``); the client's own liveness checks (application pings, silence) are the connection's keeper task.
"""

from typing import TYPE_CHECKING, Optional

import aiohttp
from aiohttp import WSMsgType

from .._utils.network import Route, open_websocket
from ._transport import OnOther, OnText

__all__ = ["AiohttpTransport", "open_aiohttp", "describe"]

# aiohttp's response, generic (for type checkers) over whether it decodes text.
if TYPE_CHECKING:
    _Socket = aiohttp.ClientWebSocketResponse[bool]
else:
    _Socket = aiohttp.ClientWebSocketResponse

_CLOSING = frozenset((WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR))


class AiohttpTransport:
    """An open aiohttp WebSocket, as a :class:`~bfxapi.websocket._transport.Transport`."""

    __slots__ = ("ws",)

    def __init__(self, ws: "_Socket") -> None:
        self.ws = ws

    @property
    def closed(self) -> bool:
        return self.ws.closed

    @property
    def close_code(self) -> Optional[int]:
        return self.ws.close_code

    def exception(self) -> Optional[BaseException]:
        return self.ws.exception()

    async def receive_first(self, timeout: float) -> tuple[Optional[str], str]:
        message = await self.ws.receive(timeout=timeout)
        if message.type is not WSMsgType.TEXT:
            return None, message.type.name
        return message.data, "TEXT"

    async def pump(self, on_text: OnText, on_other: OnOther) -> None:
        receive = self.ws.receive
        text = WSMsgType.TEXT
        while True:
            message = await receive()
            if message.type is not text:
                if message.type in _CLOSING:
                    return
                on_other(message.data, f"unexpected {message.type.name} frame")
                continue
            if on_text(message.data):
                return

    async def send_str(self, text: str) -> None:
        await self.ws.send_str(text)

    async def close(self, *, code: int = 1000, message: bytes = b"") -> bool:
        return await self.ws.close(code=code, message=message)


async def open_aiohttp(session: aiohttp.ClientSession, route: Route, *, max_message_size: int,
                       close_timeout: float) -> AiohttpTransport:
    """Open the socket (the caller bounds the time it takes)."""
    ws = await open_websocket(
        session,
        route,
        autoping=True,
        heartbeat=None,
        compress=0,
        max_msg_size=max_message_size,
        timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=close_timeout),
    )
    return AiohttpTransport(ws)


def describe(error: BaseException) -> Optional[str]:
    """A short description of an aiohttp failure worth one, else None."""
    if isinstance(error, aiohttp.WSServerHandshakeError):
        return f"handshake refused with HTTP {error.status}"
    return None
