"""The REST transport seam, with no socket at all: every request of these tests is answered in memory by a
``MemoryTransport``, and a guard (the ``no_sockets`` fixture, on for every test here) records and refuses any
attempt to resolve a name or connect a socket, then checks that none was made.

Covered: the signature of authenticated requests (protocol.md §5.2 test vectors, and HMAC-SHA384 computed here
with hmac/hashlib), the 10114 resend (a fresh, larger nonce, at most three times, writes included), retries (reads
per policy with backoff, writes never, even under a policy that retries everything), the error mapping of
Bitfinex error bodies, 429, 5xx pages, redirects, maintenance and invalid JSON, ``RestOptions`` and ``bfx-token``
headers. The aiohttp transport keeps being covered by the loopback tests (``test_rest_*``)."""

import asyncio
import dataclasses
import hashlib
import hmac
import json
import logging
import socket
from typing import Any, Iterator, List

import pytest

import bfxapi.sync
from bfxapi import Client
from bfxapi._utils.nonce import NonceGenerator
from bfxapi.exceptions import InvalidCredentialError, InvalidInputError, InvalidInputTypeError
from bfxapi.rest import (
    BfxRestInterface,
    MemoryTransport,
    RestAnswer,
    RestOptions,
    RestRequest,
    RetryPolicy,
    Transport,
    default_retryable,
)
from bfxapi.rest.exceptions import (
    GenericError,
    MaintenanceError,
    NonceTooSmallError,
    RateLimitError,
    RedirectError,
    RequestParameterError,
    RestConnectionError,
    RestTimeoutError,
    UnexpectedResponseError,
)
from bfxapi.websocket.exceptions import ActionRequiresAuthentication

HOST = "https://api.bitfinex.com/v2"
KEY, SECRET = "test-key", "test-secret"
TOKEN = "4f3c8a1e-token-secret-value-0001"
STATUS_OK = RestAnswer.json([1])
NONCE_SMALL = RestAnswer.json(["error", 10114, "nonce: small"], 500)
BAD_GATEWAY = RestAnswer(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", {"Content-Type": "text/html"})


@pytest.fixture(autouse=True)
async def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Refuse (and record) name resolution and socket connections while the test runs; none may happen."""
    attempts: List[str] = []

    def refuse(what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(what)
            raise OSError(f"no sockets in this test ({what})")
        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield attempts
    assert not attempts, f"the test touched the network: {attempts}"


def rest(transport: MemoryTransport, *credentials: str, **options: Any) -> BfxRestInterface[float]:
    options.setdefault("rate_limits", None)
    return BfxRestInterface(HOST, *credentials, transport=transport, **options)


def signature(path: str, nonce: str, body: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), f"/api/v2/{path}{nonce}{body}".encode(), hashlib.sha384).hexdigest()


def fixed_nonces(*values: int) -> NonceGenerator:
    """A nonce source whose clock reads ``values`` (µs) in turn."""
    clock: Iterator[int] = iter(v * 1000 for v in values)
    return NonceGenerator(clock=lambda: next(clock))


# --- the guard itself --------------------------------------------------------------------------------------------


async def test_the_guard_catches_the_default_transport(no_sockets: List[str]) -> None:
    """Without a transport the interface would open a socket: the guard sees the attempt (so it can fail)."""
    client = BfxRestInterface("http://127.0.0.1:9/v2", rate_limits=None)
    with pytest.raises(RestConnectionError):
        await client.public.get_platform_status()
    await client.close()
    assert no_sockets, "the guard did not see the connection attempt"
    no_sockets.clear()


# --- signing -----------------------------------------------------------------------------------------------------


async def test_signature_matches_the_protocol_test_vector() -> None:
    transport = MemoryTransport(answers=[RestAnswer.json([])])
    client = rest(transport, KEY, SECRET, nonce=fixed_nonces(1700000000000001))
    assert await client.auth.get_wallets() == []
    (request,) = transport.requests
    assert (request.method, request.url, request.path, request.body) == ("POST", f"{HOST}/auth/r/wallets",
                                                                         "auth/r/wallets", b"{}")
    assert request.headers["bfx-nonce"] == "1700000000000001"
    assert request.headers["bfx-apikey"] == KEY
    assert request.headers["bfx-signature"] == (
        "c1ffc97b576d3470213c0bd61cd91a710bef9a46b20308f0eb45f0f06998ec4d153a3fa18da7c0f0ed78b15ef642ef37"
    )
    assert request.headers["Content-Type"] == "application/json"
    assert "bfx-token" not in request.headers


async def test_a_write_is_signed_over_its_exact_body() -> None:
    transport = MemoryTransport(answers=[RestAnswer.json([1])])
    client = rest(transport, KEY, SECRET)
    assert await client.auth.delete_token("some-token") is True
    (request,) = transport.requests
    body = request.body.decode() if request.body is not None else ""
    assert json.loads(body) == {"token": "some-token"}
    nonce = request.headers["bfx-nonce"]
    assert request.headers["bfx-signature"] == signature("auth/w/token/del", nonce, body)
    assert int(nonce) == client._middleware.nonce.last  # pylint: disable=protected-access


async def test_public_requests_carry_no_credentials_and_their_query() -> None:
    transport = MemoryTransport(answers=[RestAnswer.json([[1700000000000, 10, 11, 12, 9, 5]])])
    client = rest(transport, KEY, SECRET)
    await client.public.get_candles_hist("tBTCUSD", "1m", limit=1)
    (request,) = transport.requests
    assert request.method == "GET" and request.body is None and request.query.get("limit") == "1"
    assert not any(name.lower().startswith("bfx-") for name in request.headers)


# --- nonce resends -------------------------------------------------------------------------------------------------


async def test_10114_is_resent_with_a_fresh_larger_nonce_also_for_writes() -> None:
    transport = MemoryTransport(answers=[NONCE_SMALL, NONCE_SMALL, RestAnswer.json([1])])
    client = rest(transport, KEY, SECRET)
    assert await client.auth.delete_token("t") is True  # a write
    nonces = [int(r.headers["bfx-nonce"]) for r in transport.requests]
    assert len(nonces) == 3 and nonces == sorted(set(nonces))
    for request in transport.requests:
        assert request.headers["bfx-signature"] == signature(request.path, request.headers["bfx-nonce"],
                                                             request.text)


async def test_10114_is_resent_three_times_at_most() -> None:
    transport = MemoryTransport(answers=[NONCE_SMALL] * 5)
    client = rest(transport, KEY, SECRET, retry=RetryPolicy(attempts=5, backoff=0, retry_on=lambda _: True))
    with pytest.raises(NonceTooSmallError):
        await client.auth.get_wallets()
    assert len(transport.requests) == 4 and transport.pending == 1


# --- retries -------------------------------------------------------------------------------------------------------


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The delays the retries waited (recorded, not waited)."""
    delays: List[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float, *args: Any) -> Any:
        delays.append(delay)
        return await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return delays


async def test_reads_are_retried_with_backoff(slept: List[float]) -> None:
    transport = MemoryTransport(answers=[BAD_GATEWAY, RestConnectionError("reset"), STATUS_OK])
    client = rest(transport, retry=RetryPolicy(attempts=3, backoff=0.25, max_backoff=0.4, jitter=0))
    status = await client.public.get_platform_status()
    assert status.status == 1 and len(transport.requests) == 3
    assert slept == [0.25, 0.4]  # 0.25 * 2**0, then 0.25 * 2**1 capped at max_backoff


async def test_a_signed_read_is_retried_signed_again(slept: List[float]) -> None:
    transport = MemoryTransport(answers=[RestAnswer.json(["error", 11010, "ratelimit: error"], 429,
                                                         {"Retry-After": "0.5"}), RestAnswer.json([])])
    client = rest(transport, KEY, SECRET, retry=RetryPolicy(backoff=0.01, jitter=0))
    assert await client.auth.get_wallets() == []
    first, second = transport.requests
    assert int(second.headers["bfx-nonce"]) > int(first.headers["bfx-nonce"])
    assert slept == [0.5]  # the server's Retry-After, longer than the backoff


async def test_writes_are_never_retried_even_when_the_policy_says_yes(slept: List[float]) -> None:
    asked: List[BaseException] = []

    def everything(error: BaseException) -> bool:
        asked.append(error)
        return True

    for failure in (BAD_GATEWAY, RestConnectionError("connection reset"), asyncio.TimeoutError()):
        transport = MemoryTransport(answers=[failure, RestAnswer.json([1])])
        client = rest(transport, KEY, SECRET, retry=RetryPolicy(attempts=5, backoff=0, retry_on=everything))
        with pytest.raises((UnexpectedResponseError, RestConnectionError)):
            await client.auth.delete_token("t")
        assert len(transport.requests) == 1 and transport.pending == 1
    assert asked == [] and slept == []  # the policy is never even asked about a write


async def test_retry_on_replaces_the_default_rule(slept: List[float]) -> None:
    asked: List[BaseException] = []

    def generic_only(error: BaseException) -> bool:
        asked.append(error)
        return isinstance(error, GenericError)

    policy = RetryPolicy(attempts=3, backoff=0, jitter=0, retry_on=generic_only)
    transport = MemoryTransport(answers=[RestAnswer.json(["error", 10001, "temporarily unavailable"], 500),
                                         STATUS_OK])
    assert (await rest(transport, retry=policy).public.get_platform_status()).status == 1
    assert len(transport.requests) == 2 and isinstance(asked[0], GenericError)
    # A 5xx page, retried by the default rule, is not under this policy.
    transport = MemoryTransport(answers=[BAD_GATEWAY, STATUS_OK])
    with pytest.raises(UnexpectedResponseError):
        await rest(transport, retry=policy).public.get_platform_status()
    assert len(transport.requests) == 1 and len(slept) == 1


def test_default_retryable_is_the_documented_rule() -> None:
    assert default_retryable(RateLimitError("x", 11010, 1.0))
    assert default_retryable(RestConnectionError("x"))
    assert default_retryable(MaintenanceError("x", 20060))
    assert default_retryable(UnexpectedResponseError("x", None, 503))
    assert not default_retryable(UnexpectedResponseError("x", None, 400))
    assert not default_retryable(RequestParameterError("x", 10020))
    assert not default_retryable(ValueError("x"))
    assert RetryPolicy().retry_on is None
    with pytest.raises(InvalidInputTypeError, match="retry_on"):
        RetryPolicy(retry_on=5)  # type: ignore[arg-type]


async def test_maintenance_is_not_retried_when_the_default_rule_is_told_so(slept: List[float]) -> None:
    maintenance = RestAnswer.json(["error", 20060, "maintenance"], 500)
    transport = MemoryTransport(answers=[maintenance, STATUS_OK])
    with pytest.raises(MaintenanceError):
        await rest(transport, retry=RetryPolicy(backoff=0, retry_maintenance=False)).public.get_platform_status()
    assert len(transport.requests) == 1 and slept == []


# --- error mapping -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "error", "check"),
    [
        (RestAnswer.json(["error", 10020, "symbol: invalid"], 500), RequestParameterError,
         lambda e: e.code == 10020 and "symbol: invalid" in str(e)),
        (RestAnswer.json(["error", 10100, "apikey: invalid"], 500), InvalidCredentialError, lambda e: e.code == 10100),
        (RestAnswer.json(["error", 11010, "ratelimit: error"], 429, {"retry-after": "7"}), RateLimitError,
         lambda e: e.retry_after == 7.0),
        (RestAnswer(429, "Too Many Requests"), RateLimitError, lambda e: e.retry_after == 60.0),
        (RestAnswer.json(["error", 20060, "maintenance"], 500), MaintenanceError, lambda e: e.code == 20060),
        (BAD_GATEWAY, UnexpectedResponseError, lambda e: e.status == 502 and "502 Bad Gateway" in str(e)),
        (RestAnswer(200, "{not json"), UnexpectedResponseError, lambda e: e.status == 200 and "not JSON" in str(e)),
        (RestAnswer(301, "", {"Location": "https://elsewhere.example/v2/platform/status"}), RedirectError,
         lambda e: e.status == 301 and e.location == "https://elsewhere.example/v2/platform/status"),
        (RestAnswer(307, "", {"location": "/moved"}), RedirectError,
         lambda e: e.location == "https://api.bitfinex.com/moved"),
        (asyncio.TimeoutError(), RestTimeoutError, lambda e: "platform/status" in str(e)),
    ],
    ids=["10020", "10100", "429-json", "429-text", "20060", "502-html", "bad-json", "301", "307-relative",
         "timeout"],
)
async def test_error_mapping(answer: Any, error: type, check: Any) -> None:
    transport = MemoryTransport(answers=[answer])
    with pytest.raises(error) as raised:
        await rest(transport).public.get_platform_status()
    assert check(raised.value), raised.value
    assert len(transport.requests) == 1


async def test_a_handler_answers_from_the_request() -> None:
    async def handler(request: RestRequest) -> RestAnswer:
        if request.path == "platform/status":
            return RestAnswer.json([0])
        return RestAnswer.json(["error", 10020, f"{request.path}: unknown"], 500)

    transport = MemoryTransport(handler)
    client = rest(transport)
    assert (await client.public.get_platform_status()).status == 0
    with pytest.raises(RequestParameterError, match="tickers: unknown"):
        await client.public.get_t_tickers(["tBTCUSD"])
    assert [r.path for r in transport.requests] == ["platform/status", "tickers"]
    await client.close()
    assert transport.closed == 1
    with pytest.raises(InvalidInputTypeError):
        await MemoryTransport(lambda r: [1]).send(transport.requests[0])  # type: ignore[arg-type,return-value]


# --- options -------------------------------------------------------------------------------------------------------


def test_rest_options_are_a_checked_frozen_dataclass() -> None:
    options = RestOptions(timeout=5, connection_limit=32, rate_limits=None)
    assert (options.timeout, options.connection_limit, options.rate_limits) == (5.0, 32, None)
    assert RestOptions().connection_limit == 10 and RestOptions().rate_limits is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.timeout = 1  # type: ignore[misc]
    for bad, kind, name in [
        ({"timeout": "x"}, InvalidInputTypeError, "timeout"),
        ({"connect_timeout": 0}, InvalidInputError, "connect_timeout"),
        ({"connection_limit": 0}, InvalidInputError, "connection_limit"),
        ({"connection_limit": 2.5}, InvalidInputTypeError, "connection_limit"),
        ({"keepalive_timeout": -1}, InvalidInputError, "keepalive_timeout"),
        ({"rate_limits": {"book": 0}}, InvalidInputError, "rate_limits"),
        ({"rate_limit_window": float("nan")}, InvalidInputError, "rate_limit_window"),
        ({"rate_limit_penalty": None}, InvalidInputError, "rate_limit_penalty"),
        ({"retry": 3}, InvalidInputTypeError, "retry"),
        ({"transport": object()}, InvalidInputTypeError, "transport"),
    ]:
        with pytest.raises(kind, match=name):
            RestOptions(**bad)


async def test_client_takes_rest_options_or_their_dict_form() -> None:
    transport = MemoryTransport(answers=[STATUS_OK])
    async with Client(rest_options=RestOptions(transport=transport, connection_limit=32)) as bfx:
        assert (await bfx.rest.public.get_platform_status()).status == 1
        assert bfx.rest._middleware.connection_limit == 32  # pylint: disable=protected-access
    assert len(transport.requests) == 1 and transport.closed == 1
    transport = MemoryTransport(answers=[STATUS_OK])
    async with Client(rest_options={"transport": transport, "rate_limits": None}) as bfx:
        assert (await bfx.rest.public.get_platform_status()).status == 1
    assert len(transport.requests) == 1
    with pytest.raises(InvalidInputError, match="'bogus'.*transport"):
        Client(rest_options={"bogus": 1})
    with pytest.raises(InvalidInputTypeError, match="RestOptions"):
        Client(rest_options=("timeout", 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="transport"):
        BfxRestInterface(HOST, transport=MemoryTransport(), proxy="http://proxy.example:3128")
    assert isinstance(MemoryTransport(), Transport)


# --- bfx-token -----------------------------------------------------------------------------------------------------


async def test_a_token_replaces_key_nonce_and_signature(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bfxapi")
    transport = MemoryTransport(answers=[BAD_GATEWAY, RestAnswer.json([]), NONCE_SMALL,
                                         RestAnswer.json(["error", 10100, "token: invalid"], 500)])
    client = rest(transport, token=TOKEN, retry=RetryPolicy(backoff=0))
    assert client.authenticated
    assert await client.auth.get_wallets() == []  # after a retried 502
    with pytest.raises(NonceTooSmallError):  # no nonce was sent: nothing to resend
        await client.auth.delete_token("t")
    with pytest.raises(InvalidCredentialError) as refused:
        await client.auth.get_wallets()
    for request in transport.requests:
        assert request.headers["bfx-token"] == TOKEN
        assert not {"bfx-nonce", "bfx-apikey", "bfx-signature"} & set(request.headers)
        assert TOKEN not in repr(request)
    assert client._middleware.nonce.last == 0  # pylint: disable=protected-access
    shown = repr(client) + repr(client._middleware) + str(refused.value) + caplog.text  # pylint: disable=protected-access
    assert caplog.records and TOKEN not in shown


async def test_token_arguments_are_checked() -> None:
    for make in (lambda: Client(KEY, SECRET, token=TOKEN), lambda: BfxRestInterface(HOST, KEY, SECRET, token=TOKEN),
                 lambda: bfxapi.sync.Client(KEY, SECRET, token=TOKEN), lambda: Client(KEY, token=TOKEN)):
        with pytest.raises(InvalidInputError) as both:
            make()
        assert TOKEN not in str(both.value)
    with pytest.raises(InvalidInputTypeError):
        Client(token=12345)  # type: ignore[arg-type]
    for bad in ("", " padded ", "two\nlines"):
        with pytest.raises(InvalidInputError) as refused:
            Client(token=bad)
        assert bad.strip() == "" or bad not in str(refused.value)
    bfx = Client(token=TOKEN)
    assert bfx.authenticated and TOKEN not in repr(bfx) and "token='***'" in repr(bfx)
    await bfx.close()


async def test_a_token_client_websocket_says_why_it_cannot_authenticate() -> None:
    bfx = Client(token=TOKEN)
    with pytest.raises(ActionRequiresAuthentication, match="token"):
        _ = bfx.wss.account
    with pytest.raises(ActionRequiresAuthentication, match="token"):
        await bfx.wss.inputs.cancel_order(id=1)
    await bfx.close()


def test_the_sync_client_takes_a_token_and_a_transport() -> None:
    transport = MemoryTransport(answers=[RestAnswer.json([])])
    with bfxapi.sync.Client(token=TOKEN, rest_options=RestOptions(transport=transport, rate_limits=None)) as bfx:
        assert bfx.authenticated and bfx.rest.auth.get_wallets() == []
        assert TOKEN not in repr(bfx)
    (request,) = transport.requests
    assert request.headers["bfx-token"] == TOKEN
