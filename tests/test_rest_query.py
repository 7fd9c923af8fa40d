"""The REST request path's shortcuts give what the long way gave.

* The query string the default transport builds itself (``bfxapi.rest._interface.query``) is the one aiohttp's
  ``params=`` builds with yarl, byte for byte, for every kind of value the endpoints send (checked against yarl
  itself, and on the wire: the request line a loopback server receives).
* ``build_request`` makes the same object as ``RestRequest(...)``.
* ``RateLimiter.take`` counts a request when ``acquire`` would have counted it without waiting, and otherwise counts
  nothing and leaves it to ``acquire``.
"""

import asyncio
import dataclasses
import enum
import random
from decimal import Decimal
from typing import Any, List

import pytest
from aiohttp import web
from yarl import URL

from bfxapi.rest import BfxRestInterface
from bfxapi.rest._interface import RateLimiter
from bfxapi.rest._interface.params import query_string_params
from bfxapi.rest._interface.query import encode_query, url_with_query
from bfxapi.rest._interface.transport import RestRequest, build_request

from rest_auth_server import start_app

BASE = "http://127.0.0.1:8000/v2/book/tBTCUSD/P0"


class Side(enum.IntEnum):
    SELL = -1


class Symbol(str, enum.Enum):
    BTC = "tBTCUSD"


#: what the endpoints send (through query_string_params), and what a caller's free text may hold
PARAMS: List[dict[str, Any]] = [
    {"len": 25},
    {"limit": 100, "start": 0, "end": "1700000000000", "sort": -1},
    {"symbols": ["tBTCUSD", "fUSD", "tTESTBTC:TESTUSD"]},
    {"keys": "tBTCF0:USTF0,ALL"},
    {"flag": True, "off": False, "none": None, "side": Side.SELL, "name": Symbol.BTC},
    {"rate": Decimal("0.0002"), "price": 0.1, "amount": Decimal("-1E-8"), "big": 10 ** 30},
    {"text": "a b  c", "plus": "1+1", "amp": "a&b=c;d", "pct": "100% %41 %zz %", "hash": "#x?y/z:w@v"},
    {"quotes": "'\"`<>[]{}|\\^", "subdelims": "!$'()*,", "unreserved": "-._~", "ctl": "\t\n\r\x00\x7f"},
    {"unicode": "café €10 中文 😀", "surrogate": "a\ud800b", "empty": "", "é key": "v"},
]


@pytest.mark.parametrize("params", PARAMS)
def test_the_query_is_yarls_for_every_kind_of_value(params: dict[str, Any]) -> None:
    query = query_string_params(params)
    ours = URL(url_with_query(BASE, query))
    theirs = URL(BASE).extend_query(query)  # what aiohttp does with params=
    assert ours.raw_path_qs == theirs.raw_path_qs
    assert str(ours) == str(theirs)
    assert encode_query(query) == theirs.raw_query_string


def test_the_query_is_yarls_for_random_text() -> None:
    rng = random.Random(20)  # seeded: the same cases every run
    alphabet = [chr(code) for code in range(128)] + ["é", "€", "😀", "\ud800", "\udfff", "%2B", "%zz", "+", " "]
    for _ in range(3000):
        query = {
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))):
                "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
            for _ in range(rng.randint(1, 3))
        }
        assert URL(url_with_query(BASE, query)).raw_path_qs == URL(BASE).extend_query(query).raw_path_qs, query


def test_an_empty_query_leaves_the_url_alone() -> None:
    assert url_with_query(BASE, {}) == BASE
    assert encode_query({}) == ""


async def test_the_server_receives_the_query_params_would_have_sent() -> None:
    received: List[str] = []

    async def record(request: web.Request) -> web.Response:
        received.append(request.raw_path)
        return web.json_response([1])

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner, origin = await start_app(app)
    try:
        for host in (f"{origin}/v2", f"{origin}/v2?x=1"):  # a host with a query of its own: merged as before
            rest = BfxRestInterface(host, rate_limits=None)
            middleware = rest._middleware  # pylint: disable=protected-access
            try:
                for params in PARAMS:
                    received.clear()
                    await middleware.get("calc/any", params, group="calc")
                    query = query_string_params(params)
                    assert received == [URL(f"{host.rstrip('/')}/calc/any").extend_query(query).raw_path_qs]
            finally:
                await rest.close()
    finally:
        await runner.cleanup()


def test_build_request_makes_the_constructors_object() -> None:
    args = ("POST", "https://h/v2/auth/r/x", "auth/r/x", {"a": "1"}, {"bfx-nonce": "1"}, b"{}", 2.5)
    made, fast = RestRequest(*args), build_request(*args)
    assert fast == made and vars(fast) == vars(made) and repr(fast) == repr(made)
    assert dataclasses.replace(fast, path="p") == dataclasses.replace(made, path="p")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.url = "elsewhere"  # type: ignore[misc]


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_take_counts_only_what_acquire_would_count_at_once() -> None:
    clock = _Clock()
    limiter = RateLimiter({"book": 2, "auth": 1}, window=60.0, clock=clock)
    assert limiter.take("ticker") and limiter.pending("ticker") == 0  # no limit: nothing to count
    assert RateLimiter(None).take("book")
    assert not limiter.take("book") and limiter.pending("book") == 0  # a first call: acquire() sets the group up
    await limiter.acquire("book")
    assert limiter.take("book") and limiter.pending("book") == 2
    assert not limiter.take("book") and limiter.pending("book") == 2  # full: acquire() waits
    clock.now += 60.0  # both leave the window
    assert limiter.take("book") and limiter.pending("book") == 1
    await limiter.acquire("auth/r/x", "auth")  # the family's limit, per path
    assert not limiter.take("auth/r/x", "auth")


async def test_take_leaves_a_queued_group_to_acquire() -> None:
    limiter = RateLimiter({"book": 5})
    await limiter.acquire("book")
    window = limiter._windows["book"]  # pylint: disable=protected-access
    async with window.lock:  # a call is waiting in acquire(): later calls queue behind it
        assert not limiter.take("book")
    assert limiter.pending("book") == 1 and limiter.take("book")


def test_take_leaves_a_new_event_loop_to_acquire() -> None:
    limiter = RateLimiter({"book": 5})
    asyncio.run(limiter.acquire("book"))

    async def second_run() -> bool:
        return limiter.take("book")

    assert asyncio.run(second_run()) is False  # acquire() gives the new loop its own locks first
    assert limiter.pending("book") == 1


async def test_a_refused_limit_still_raises_from_acquire() -> None:
    limiter = RateLimiter({"book": 0})
    assert not limiter.take("book")
    with pytest.raises(Exception, match="must be positive"):
        await limiter.acquire("book")
