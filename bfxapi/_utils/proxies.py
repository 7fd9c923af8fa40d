"""Proxies: the URL given (``proxy=``) or named by the standard variables (``trust_env=True``), parsed and checked,
its credentials kept apart from the URL that aiohttp and every message see.

Why the variables are read here rather than by aiohttp's ``trust_env``: that also reads ``~/.netrc`` and would add
its ``Authorization`` to requests to the API host; it looks a WebSocket URL up under ``WSS_PROXY`` only, not
``HTTPS_PROXY``; and it decides per request, where a log line and an error should name the proxy a connection
uses. So they are read once per host, with the rules of curl and Python's ``urllib`` (``HTTPS_PROXY`` /
``HTTP_PROXY``, then ``ALL_PROXY``; ``NO_PROXY`` exempts hosts), and aiohttp is given an explicit proxy or none.

Why the credentials never stay in the URL: a URL with ``user:password@`` ends up in aiohttp's error messages and
reprs, hence in logs. They travel in ``Proxy-Authorization`` (see :class:`~bfxapi._utils.network.Route`), and the
SOCKS ones go to aiohttp-socks' connector.
"""

import asyncio
import base64
from typing import Any, Optional
from urllib.request import getproxies_environment

import aiohttp
from yarl import URL

from ..exceptions import InvalidInputError, InvalidInputTypeError

try:  # the ``socks`` extra: SOCKS proxies go in the connector (aiohttp speaks HTTP proxies only)
    import aiohttp_socks
    from python_socks import ProxyError as SocksProxyError
except ImportError:  # pragma: no cover - exercised by installations without the extra
    aiohttp_socks = None  # type: ignore[assignment]
    SocksProxyError = None  # type: ignore[assignment,misc]

__all__ = ["Proxy", "parse_proxy", "environment_proxy", "CONNECTION_ERRORS", "SocksProxyError", "masked",
           "SECURE", "SHOWN"]

_HTTP = ("http", "https")
_SOCKS = ("socks5", "socks5h")
_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}
#: the schemes whose connections are TLS (tunnelled through an HTTP proxy with CONNECT)
SECURE = ("https", "wss")
#: how much of a value an error shows
SHOWN = 200

#: the errors a request or a handshake may fail with on the way: python-socks raises its own, outside aiohttp's, and
#: lets asyncio's IncompleteReadError through when a SOCKS proxy hangs up mid-handshake (some do so on bad credentials)
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    (aiohttp.ClientError,) if SocksProxyError is None
    else (aiohttp.ClientError, SocksProxyError, asyncio.IncompleteReadError)
)


class Proxy:
    """One proxy: its URL without credentials (safe to show) and the credentials, kept apart."""

    __slots__ = ("url", "origin", "_user", "_password")

    def __init__(self, url: URL, origin: str, user: Optional[str], password: Optional[str]) -> None:
        #: the URL without credentials: what aiohttp is given and what messages show
        self.url = url
        #: where it came from: ``proxy=`` or the environment variable that named it
        self.origin = origin
        self._user = user
        self._password = password

    @property
    def socks(self) -> bool:
        return self.url.scheme in _SOCKS

    @property
    def shown(self) -> str:
        """The URL as logs and errors show it: the user name kept, the password masked."""
        if self._user is None:
            return str(self.url)
        password = None if self._password is None else "***"
        return str(self.url.with_user(self._user).with_password(password))

    def authorization(self) -> Optional[str]:
        """The ``Proxy-Authorization`` value (HTTP Basic), or None without credentials."""
        if self._user is None:
            return None
        token = f"{self._user}:{self._password or ''}".encode("utf-8")
        return "Basic " + base64.b64encode(token).decode("ascii")

    def connector(self, **options: Any) -> aiohttp.TCPConnector:
        """A connector that opens every connection through this SOCKS proxy (``socks5h``: the proxy resolves
        names)."""
        assert aiohttp_socks is not None and self.socks
        return aiohttp_socks.ProxyConnector(
            proxy_type=aiohttp_socks.ProxyType.SOCKS5,
            host=self.url.host or "",
            port=self.url.port or _PORTS[self.url.scheme],
            username=self._user,
            password=self._password,
            rdns=self.url.scheme == "socks5h",
            **options,
        )

    def __repr__(self) -> str:
        return f"Proxy({self.shown!r})"


def parse_proxy(value: Any, name: str, origin: str) -> Proxy:
    """A proxy URL (``http://``, ``https://``; ``socks5://``/``socks5h://`` with the ``socks`` extra), with
    optional percent-encoded ``user:password@``. ``name`` is what errors call the value (``proxy``,
    ``HTTPS_PROXY``), ``origin`` where it came from, for the messages of later failures. Errors show the URL with
    its password masked."""
    if isinstance(value, URL):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidInputTypeError(f"{name} must be a proxy URL (str) such as 'http://host:3128', not "
                                    f"{type(value).__name__}")
    if "://" not in value and name != "proxy":
        value = "http://" + value  # as curl and requests read HTTP_PROXY=host:3128
    try:
        url = URL(value)
        port = url.port
    except ValueError:
        raise InvalidInputError(f"{name} is not a URL: {masked(value)}") from None
    schemes = _HTTP + _SOCKS
    if url.scheme not in schemes or not url.host:
        raise InvalidInputError(f"{name} must be a URL starting with {', '.join(s + '://' for s in schemes)} and "
                                f"naming a host, not {masked(value)}")
    if url.path not in ("", "/") or url.query_string or url.fragment:
        raise InvalidInputError(f"{name} must be a proxy's address (scheme, host, port), not {masked(value)}")
    if url.scheme in _SOCKS and aiohttp_socks is None:
        raise InvalidInputError(f"{name} is a SOCKS proxy, which needs the socks extra: "
                                "pip install 'bfxapi[socks]' (aiohttp-socks)")
    bare = URL.build(scheme=url.scheme, host=url.host, port=port or _PORTS[url.scheme])
    return Proxy(bare, origin, url.user, url.password)


def environment_proxy(url: URL) -> Optional[Proxy]:
    """The proxy the standard variables name for ``url``, or None (none set, or ``NO_PROXY`` covers its host)."""
    proxies = getproxies_environment()  # lower-case keys; the lower-case variable wins, as in curl
    if url.host is None or _bypassed(url.host, url.port, proxies.get("no", "")):
        return None
    secure = url.scheme in SECURE
    # A WebSocket URL is tunnelled like the HTTP request of the same security, so HTTPS_PROXY covers wss://.
    for key in (("wss", "https") if secure else ("ws", "http")) + ("all",):
        if proxies.get(key):
            variable = f"{key.upper()}_PROXY"
            return parse_proxy(proxies[key], variable, f"the environment variable {variable}")
    return None


def _bypassed(host: str, port: Optional[int], no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` covers ``host``, by the rules of Python's ``urllib`` (and curl): ``*`` covers every
    host; an entry covers that host and its subdomains (a leading dot changes nothing), and an entry with a port
    only that port."""
    host = host.lower()
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if entry == "*":
            return True
        name, _, entry_port = entry.lstrip(".").partition(":")
        if not name or (entry_port and entry_port != str(port)):
            continue
        if host == name or host.endswith("." + name):
            return True
    return False


def masked(value: str) -> str:
    """``value`` with everything between its user name and its last ``@`` masked (a password may hold ``/``,
    ``:`` or ``@`` when it was not percent-encoded)."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    if "@" in rest:
        credentials, host = rest.rsplit("@", 1)
        rest = f"{credentials.split(':', 1)[0].split('/', 1)[0]}:***@{host}"
    return repr(f"{scheme}{sep}{rest}"[:SHOWN])
