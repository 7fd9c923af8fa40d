"""Proxies, end to end on loopback: a real HTTP proxy server (proxy.py, tests/proxy_support.py) between the client and
the simulator, counting on its side what it carried; its Basic authentication refusing wrong credentials; the
standard proxy variables (opt-in); and no proxy credential in a log line, a repr or an error."""

import base64
import logging
import subprocess
import sys
import textwrap
from typing import Any, Iterator

import pytest

from bfxapi import Client
from bfxapi.exceptions import BfxBaseException, InvalidInputError, InvalidInputTypeError, ProxyAuthenticationError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest.exceptions import RestConnectionError

from proxy_support import http_proxy, socks_proxy
from ws_support import FAST, simulator

USER, PASSWORD = "alice", "pr0xy-s3cret"
#: what a leak would look like: the password, or the Basic token that carries it
SECRETS = (PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
WRONG = "wr0ng-pa55word"

pytestmark = pytest.mark.timeout(90)


class Captured(logging.Handler):
    """Every record of the ``bfxapi`` loggers, formatted whole (tracebacks included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logs() -> Iterator[Captured]:
    handler = Captured()
    logger = logging.getLogger("bfxapi")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def no_secret_in(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS + (WRONG, base64.b64encode(f"{USER}:{WRONG}".encode()).decode()):
            assert secret not in text


async def test_rest_and_every_websocket_connection_go_through_the_proxy(logs: Captured) -> None:
    async with http_proxy(USER, PASSWORD) as proxy, simulator(tls=True) as sim:
        bfx = Client(**sim.client_kwargs(sim.demo_account), proxy=proxy.url(), wss_options=FAST)
        sim.clients.append(bfx)
        assert (await bfx.rest.public.get_platform_status()).status == 1
        assert await bfx.rest.auth.get_wallets()  # signed, through the tunnel
        await bfx.wss.connect()  # the public connection and the authenticated one
        assert bfx.wss.authentication
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        # Counted on the proxy's side: one tunnel for the REST pool (kept alive), one per WebSocket connection.
        assert proxy.connects(sim.port) == 3, proxy.accepted()
        assert len(sim.connections) == 2
        await bfx.close()
    no_secret_in(logs.text, repr(bfx))
    assert f"goes through the proxy http://{USER}:***@127.0.0.1:{proxy.port}" in logs.text


async def test_plain_http_requests_are_forwarded_with_the_credentials() -> None:
    async with http_proxy(USER, PASSWORD) as proxy, simulator() as sim:
        rest = BfxRestInterface(sim.rest_host, proxy=proxy.url())
        try:
            assert (await rest.public.get_platform_status()).status == 1
        finally:
            await rest.close()
        assert proxy.accepted() == [f"GET 127.0.0.1:{sim.port}/v2/platform/status"]
        assert sim.rest_requests == 1


async def test_wrong_proxy_credentials_are_a_typed_error_naming_the_407(logs: Captured) -> None:
    async with http_proxy(USER, PASSWORD) as proxy, simulator(tls=True) as sim:
        bfx = Client(**sim.client_kwargs(sim.demo_account), proxy=proxy.url(password=WRONG), wss_options=FAST)
        sim.clients.append(bfx)
        with pytest.raises(ProxyAuthenticationError) as rest_error:
            await bfx.rest.auth.get_wallets()
        # The WebSocket client stops at once (refused credentials are for the user to fix), rather than retrying.
        with pytest.raises(ProxyAuthenticationError) as ws_error:
            await bfx.wss.connect()
        await bfx.close()
        assert sim.rest_requests == 0 and sim.connections == []  # nothing reached the server
        assert proxy.accepted() == []
    for error in (rest_error.value, ws_error.value):
        assert isinstance(error, BfxBaseException) and error.status == 407
        assert f"http://{USER}:***@127.0.0.1:{proxy.port}" in str(error) and "407" in str(error)
        assert error.proxy == f"http://127.0.0.1:{proxy.port}"
        assert error.__cause__ is None and error.__context__ is None or error.__suppress_context__
        no_secret_in(str(error), repr(error), repr(error.args))
    no_secret_in(logs.text)
    assert "407" in logs.text  # the WebSocket client said why it stopped


async def test_a_plain_http_request_refused_by_the_proxy_is_the_same_error() -> None:
    async with http_proxy(USER, PASSWORD) as proxy, simulator() as sim:
        rest = BfxRestInterface(sim.rest_host, proxy=proxy.url(password=WRONG))
        try:
            with pytest.raises(ProxyAuthenticationError, match="407"):
                await rest.public.get_platform_status()
        finally:
            await rest.close()
        assert sim.rest_requests == 0


def _clear_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ws_proxy", "wss_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)  # CGI: Python then ignores HTTP_PROXY


async def test_the_standard_variables_are_used_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_proxy_variables(monkeypatch)
    async with http_proxy(USER, PASSWORD) as proxy, simulator(tls=True) as sim:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url())

        async def run(**options: Any) -> int:
            """Tunnels the proxy opened for one REST call and one WebSocket connection of a client."""
            before = proxy.connects(sim.port)
            bfx = Client(**sim.client_kwargs(), wss_options=FAST, **options)
            sim.clients.append(bfx)
            await bfx.rest.public.get_platform_status()
            await bfx.wss.connect()
            await bfx.close()
            return proxy.connects(sim.port) - before

        assert await run() == 0  # trust_env is off by default: the variable is ignored
        assert await run(trust_env=True) == 2  # HTTPS_PROXY covers https:// and wss://
        monkeypatch.setenv("NO_PROXY", "example.com, .127.0.0.1")
        assert await run(trust_env=True) == 0  # NO_PROXY exempts the host
        monkeypatch.setenv("NO_PROXY", f"127.0.0.1:{sim.port + 1}")
        assert await run(trust_env=True) == 2  # another port only
        monkeypatch.delenv("NO_PROXY")
        monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:1")  # nothing listens there
        assert await run(trust_env=True, proxy=proxy.url()) == 2  # the option wins over the environment


async def test_a_bad_proxy_variable_is_refused_when_the_client_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_proxy_variables(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", f"ftp://{USER}:{PASSWORD}@127.0.0.1:21")
    with pytest.raises(InvalidInputError, match="HTTPS_PROXY") as error:
        Client(trust_env=True)
    no_secret_in(str(error.value))
    Client(trust_env=False)  # not read unless asked


@pytest.mark.parametrize(
    ("proxy", "error", "shown"),
    [
        (3128, InvalidInputTypeError, "not int"),
        (f"ftp://{USER}:{PASSWORD}@127.0.0.1:21", InvalidInputError, f"ftp://{USER}:***@127.0.0.1:21"),
        (f"http://{USER}:{PASSWORD}@127.0.0.1:3128/path", InvalidInputError, "proxy's address"),
        (f"http://{USER}:{PASSWORD}@:3128", InvalidInputError, f"not a URL: 'http://{USER}:***@:3128'"),
        ("socks4://127.0.0.1:1080", InvalidInputError, "naming a host"),
        (f"http://{USER}:pass/{PASSWORD}@127.0.0.1:3128", InvalidInputError, f"http://{USER}:***@127.0.0.1:3128"),
    ],
)
def test_a_bad_proxy_is_refused_before_anything_is_sent(proxy: Any, error: type, shown: str) -> None:
    with pytest.raises(error) as raised:
        Client(proxy=proxy)
    assert shown in str(raised.value)
    no_secret_in(str(raised.value))


def test_the_repr_of_a_client_shows_the_proxy_without_its_password() -> None:
    bfx = Client("k" * 43, "SECRET-API-" + "s" * 32, proxy=f"http://{USER}:{PASSWORD}@127.0.0.1:3128")
    text = repr(bfx)
    assert f"proxy='http://{USER}:***@127.0.0.1:3128'" in text
    no_secret_in(text, repr(bfx.rest), repr(bfx.wss))
    assert "SECRET-API" not in text


async def test_a_socks5_proxy_carries_rest_and_websocket_through_the_socks_extra(logs: Captured) -> None:
    async with socks_proxy(USER, PASSWORD) as proxy, simulator(tls=True) as sim:
        for scheme in ("socks5", "socks5h"):  # socks5h: the proxy resolves the host name
            before = proxy.tunnels(sim.port)
            bfx = Client(**sim.client_kwargs(sim.demo_account), proxy=proxy.url(scheme=scheme), wss_options=FAST)
            sim.clients.append(bfx)
            assert await bfx.rest.auth.get_wallets()
            await bfx.wss.connect()
            assert bfx.wss.authentication
            await bfx.close()
            # Counted on the proxy's side: the REST connection and both WebSocket connections.
            assert proxy.tunnels(sim.port) - before == 3, proxy.lines
        # pproxy hangs up on wrong credentials (no SOCKS5 refusal code to tell why): an ordinary connection error,
        # naming the proxy without its password.
        rest = BfxRestInterface(sim.rest_host, proxy=proxy.url(password=WRONG), ssl=sim.tls.ca_path)
        try:
            with pytest.raises(RestConnectionError, match=f"socks5://{USER}:\\*\\*\\*@127.0.0.1:{proxy.port}") as error:
                await rest.public.get_platform_status()
        finally:
            await rest.close()
        assert any("Unauthorized SOCKS" in line for line in proxy.lines)
    no_secret_in(logs.text, str(error.value), repr(error.value))


def test_without_the_socks_extra_a_socks_proxy_is_refused_with_the_way_to_get_it() -> None:
    check = textwrap.dedent("""
        import sys
        sys.modules["aiohttp_socks"] = None  # as if the socks extra were not installed
        sys.modules["python_socks"] = None
        from bfxapi import Client
        from bfxapi.exceptions import InvalidInputError
        Client(proxy="http://127.0.0.1:3128")  # HTTP proxies need nothing more
        try:
            Client(proxy="socks5://127.0.0.1:1080")
        except InvalidInputError as error:
            print(error)
    """)
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "pip install 'bfxapi[socks]'" in result.stdout
