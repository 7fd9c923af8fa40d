from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
version: dict = {}
exec((HERE / "bfxapi" / "_version.py").read_text(encoding="utf-8"), version)  # pylint: disable=exec-used

setup(
    name="bfxapi",
    version=version["__version__"],
    description="Async-first Python client for the Bitfinex API v2, with a local Bitfinex simulator for offline tests",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license_expression="Apache-2.0",  # SPDX (PEP 639), setuptools 77+; no "License ::" classifier beside it
    license_files=["LICENSE"],
    keywords=["bitfinex", "api", "websocket", "rest", "asyncio", "trading", "cryptocurrency"],
    project_urls={
        "Bitfinex API documentation": "https://docs.bitfinex.com/docs",
        "Bitfinex REST reference": "https://docs.bitfinex.com/reference",
    },
    packages=find_packages(include=["bfxapi", "bfxapi.*"]),
    # The packages sit in the project root: saying so makes `pip install -e` a plain path in a .pth file, which
    # type checkers follow, instead of an import hook that mypy cannot see through.
    package_dir={"": "."},
    package_data={"bfxapi": ["py.typed"]},
    python_requires=">=3.10",
    install_requires=[
        "aiohttp>=3.10",
        # the event emitter overrides private pyee methods (_add_event_handler, _remove_listener): capped to the
        # majors tested (11, 12, 13; tests/test_pyee_contract.py); raise the cap once a new major passes the tests
        "pyee>=11.0,<14",
        "typing_extensions>=4.6",  # TypeVar defaults (PEP 696): a bare Order is Order[float] (bfxapi.types.number)
    ],
    extras_require={
        # orjson decodes float mode's frames, msgspec decimal mode's (numbers kept as their exact text), picows
        # carries the WebSocket frames (WebSocketOptions.transport="auto" takes it): everything that makes it faster
        "speedups": ["orjson>=3.9", "msgspec>=0.18", "picows>=2.3,<3"],
        # the fast WebSocket transport alone (README, "A faster WebSocket transport")
        "fast-ws": ["picows>=2.3,<3"],
        # SOCKS5 proxies (Client(proxy="socks5://...")): aiohttp speaks HTTP proxies only
        "socks": ["aiohttp-socks>=0.9"],
        # the simulator's throw-away TLS certificate (Simulator(tls=True), --tls); not needed with cert/key files
        "simulator-tls": ["trustme>=1.1"],
        "dev": [
            "build>=1.0",
            "orjson>=3.9",
            "msgspec>=0.18",
            "picows>=2.3,<3",  # the fast-ws extra, tested (the suite runs on it with BFXAPI_WS_TRANSPORT=auto)
            "setuptools>=77",
            "mypy~=2.4",
            "pylint~=4.1",
            "pytest>=8.0",
            "pytest-asyncio>=0.24",
            "pytest-timeout>=2.3",
            "websockets>=14.0",  # the tests' and benchmarks' independent raw client; bfxapi does not import it
            "aiohttp-socks>=0.9",  # the socks extra, tested
            "trustme>=1.1",  # the simulator-tls extra: real certificates in the TLS and proxy tests
            "proxy.py>=2.4",  # a real HTTP proxy server, started on loopback by the proxy tests
            "pproxy>=2.7",  # a real SOCKS5 proxy server, the same for the socks extra's test
        ],
    },
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Framework :: AsyncIO",
        "Intended Audience :: Developers",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Office/Business :: Financial :: Investment",
        "Typing :: Typed",
    ],
)
