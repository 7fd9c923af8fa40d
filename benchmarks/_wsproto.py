"""Just enough RFC 6455 for a flood server and a sink client: handshake, frame encoding, frame parsing.

No dependency outside the standard library: imported by the server and by clients of either virtualenv.
"""

import base64
import hashlib
import os
import struct
from typing import Iterator, Optional

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def accept_key(key: bytes) -> bytes:
    return base64.b64encode(hashlib.sha1(key.strip() + GUID).digest())


def handshake_response(request: bytes) -> bytes:
    """The 101 answer to an HTTP upgrade request (raises ValueError without Sec-WebSocket-Key)."""
    for line in request.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            return (
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Accept: " + accept_key(value) + b"\r\n\r\n"
            )
    raise ValueError("not a WebSocket upgrade request")


def handshake_request(host: str, port: int, path: str = "/ws/2") -> bytes:
    key = base64.b64encode(os.urandom(16))
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key.decode()}\r\n\r\n"
    ).encode()


def header(length: int, opcode: int = OP_TEXT) -> bytes:
    """Header of an unmasked (server to client), final frame."""
    first = 0x80 | opcode
    if length < 126:
        return bytes((first, length))
    if length < 65536:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


def frame(payload: bytes, opcode: int = OP_TEXT) -> bytes:
    return header(len(payload), opcode) + payload


def masked_frame(payload: bytes, opcode: int = OP_TEXT) -> bytes:
    """A client to server frame (masked, as RFC 6455 requires)."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        head = bytes((0x80 | opcode, 0x80 | length))
    elif length < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + body


class FrameParser:
    """Incremental parser of (possibly masked) frames; fragmented messages are not supported."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> Iterator[tuple[int, bytes]]:
        self._buffer += data
        while True:
            parsed = self._next()
            if parsed is None:
                return
            yield parsed

    def _next(self) -> Optional[tuple[int, bytes]]:
        buf = self._buffer
        if len(buf) < 2:
            return None
        opcode, length, masked = buf[0] & 0x0F, buf[1] & 0x7F, buf[1] & 0x80
        offset = 2
        if length == 126:
            if len(buf) < 4:
                return None
            (length,) = struct.unpack_from("!H", buf, 2)
            offset = 4
        elif length == 127:
            if len(buf) < 10:
                return None
            (length,) = struct.unpack_from("!Q", buf, 2)
            offset = 10
        mask = b""
        if masked:
            if len(buf) < offset + 4:
                return None
            mask = bytes(buf[offset : offset + 4])
            offset += 4
        if len(buf) < offset + length:
            return None
        payload = bytes(buf[offset : offset + length])
        del buf[: offset + length]
        if mask:
            payload = _unmask(payload, mask)
        return opcode, payload


def _unmask(payload: bytes, mask: bytes) -> bytes:
    key = int.from_bytes((mask * (len(payload) // 4 + 1))[: len(payload)], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(len(payload), "big")
