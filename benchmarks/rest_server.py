"""A minimal, fast HTTP/1.1 server answering realistic canned Bitfinex REST rows (asyncio.Protocol).

Routes: ``GET /v2/ticker/{symbol}``, ``GET /v2/book/{symbol}/{prec}``, ``GET /v2/candles/{key}/hist`` (10,000
candles for the key ``trade:1m:tBTC10K``, 120 otherwise),
``POST /v2/auth/r/wallets`` (checks the HMAC-SHA384 signature and that nonces of a key strictly increase
in arrival order, like Bitfinex: ``["error",10114,"nonce: small"]`` otherwise), ``GET /__stats`` (this
process's CPU time, for the benchmark driver). Keep-alive, no chunked bodies; the answers are pre-encoded.

Standard output: ``{"port": N}`` once listening.
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import random
import time
from typing import Optional

API_KEY, API_SECRET = "bench-key", "bench-secret"


def _rows() -> dict[str, bytes]:
    rng = random.Random(7)
    ticker = [64000.5, 12.3, 64001.0, 9.87, -512.0, -0.0079, 64000.5, 4321.123, 65000.0, 63000.0]
    book = [[64000 - 0.5 * i, rng.randint(1, 5), round(rng.uniform(0.01, 3), 8)] for i in range(1, 26)]
    book += [[64000 + 0.5 * i, rng.randint(1, 5), -round(rng.uniform(0.01, 3), 8)] for i in range(1, 26)]
    candles = [[1_760_000_000_000 - i * 60_000, 64000.0, 64001.5, 64010.0, 63990.5, round(rng.uniform(1, 90), 8)]
               for i in range(120)]
    wallets = [[kind, cur, round(rng.uniform(0, 1e4), 8), 0, round(rng.uniform(0, 1e4), 8), None, None]
               for kind in ("exchange", "margin") for cur in ("USD", "BTC", "ETH")]
    # A whole page of history (Bitfinex's largest, limit=10000): prices to 0.1, volumes to 1e-8, as Bitfinex sends.
    history = []
    price = 64000.0
    for i in range(10_000):
        low, high = price - rng.randint(0, 400) / 10, price + rng.randint(0, 400) / 10
        close = round(rng.uniform(low, high), 1)
        history.append([1_760_000_000_000 - i * 60_000, price, close, high, low, round(rng.uniform(0.001, 90), 8)])
        price = close
    rows = (("ticker", ticker), ("book", book), ("candles", candles), ("candles10k", history), ("wallets", wallets))
    return {name: json.dumps(data, separators=(",", ":")).encode() for name, data in rows}


def _response(status: str, body: bytes) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n").encode() + body


ROWS = _rows()
ANSWERS = {name: _response("200 OK", body) for name, body in ROWS.items()}
NOT_FOUND = _response("404 Not Found", b'["error",10020,"not found"]')
NONCE_SMALL = _response("500 Internal Server Error", b'["error",10114,"nonce: small"]')
BAD_SIG = _response("500 Internal Server Error", b'["error",10100,"apikey: invalid"]')


class State:
    last_nonce = 0
    rejected = 0


class HttpProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: Optional[asyncio.Transport] = None
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            lines = head.split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            assert self.transport is not None
            self.transport.write(self.answer(method, target.split("?", 1)[0], headers, body))
            if headers.get("connection", "").lower() == "close":
                self.transport.close()
                return

    @staticmethod
    def answer(method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
        if path.startswith("/v2/ticker/"):
            return ANSWERS["ticker"]
        if path.startswith("/v2/book/"):
            return ANSWERS["book"]
        if path.startswith("/v2/candles/trade:1m:tBTC10K/"):
            return ANSWERS["candles10k"]
        if path.startswith("/v2/candles/"):
            return ANSWERS["candles"]
        if path == "/v2/auth/r/wallets" and method == "POST":
            nonce = headers.get("bfx-nonce", "")
            message = f"/api{path}{nonce}".encode() + body
            expected = hmac.new(API_SECRET.encode(), message, hashlib.sha384).hexdigest()
            if headers.get("bfx-apikey") != API_KEY or headers.get("bfx-signature") != expected:
                return BAD_SIG
            if not nonce.isdigit() or int(nonce) <= State.last_nonce:
                State.rejected += 1
                return NONCE_SMALL
            State.last_nonce = int(nonce)
            return ANSWERS["wallets"]
        if path == "/__stats":
            stats = {"cpu_s": time.process_time(), "nonce_rejected": State.rejected}
            return _response("200 OK", json.dumps(stats).encode())
        return NOT_FOUND


async def main(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(HttpProtocol, "127.0.0.1", args.port, backlog=1024)
    print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
    async with server:
        await asyncio.sleep(args.lifetime)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=600.0)
    asyncio.run(main(parser.parse_args()))
