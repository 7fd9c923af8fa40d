"""A real HTTP proxy server for the tests: proxy.py, started on loopback in a process of its own, bounded in time,
with what it carried counted on its side (tests/proxy_counter.py)."""

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import AsyncIterator, Optional
from contextlib import asynccontextmanager

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 30.0


class RunningProxy:
    """The proxy's address and what it accepted (read from its side: one line per accepted request)."""

    def __init__(self, port: int, log: Path, user: Optional[str], password: Optional[str]) -> None:
        self.port = port
        self._log = log
        self.user = user
        self.password = password

    def url(self, user: Optional[str] = None, password: Optional[str] = None) -> str:
        """``http://[user:password@]127.0.0.1:PORT`` (the proxy's own credentials unless others are given)."""
        user = self.user if user is None else user
        password = self.password if password is None else password
        credentials = f"{user}:{password}@" if user is not None else ""
        return f"http://{credentials}127.0.0.1:{self.port}"

    def accepted(self) -> list[str]:
        """``CONNECT host:port`` / ``GET http://...`` lines, in order."""
        return self._log.read_text(encoding="utf-8").splitlines() if self._log.exists() else []

    def connects(self, port: int) -> int:
        """How many tunnels the proxy opened to ``127.0.0.1:port``."""
        return self.accepted().count(f"CONNECT 127.0.0.1:{port}")


@asynccontextmanager
async def http_proxy(user: Optional[str] = None, password: Optional[str] = None) -> AsyncIterator[RunningProxy]:
    """Serve proxy.py on 127.0.0.1 (an ephemeral port), with Basic authentication when ``user`` is given."""
    folder = Path(tempfile.mkdtemp(prefix="bfxapi-proxy-"))
    port_file, log = folder / "port", folder / "accepted"
    command = [
        sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0", "--port-file", str(port_file),
        "--num-workers", "1", "--num-acceptors", "1", "--timeout", "30", "--log-level", "WARNING",
        "--log-file", str(folder / "proxy.log"), "--plugins", "proxy_counter.CountingPlugin",
    ]
    if user is not None:
        command += ["--basic-auth", f"{user}:{password}"]
    env = {**os.environ, "BFXAPI_PROXY_LOG": str(log), "PYTHONPATH": os.pathsep.join([str(HERE), *sys.path])}
    # Its own process group: proxy.py forks its acceptor and worker, and all of them are ended together below.
    process = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None:
                raise RuntimeError(f"proxy.py exited at start: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            if loop.time() > deadline:
                raise TimeoutError(f"proxy.py did not start within {START_TIMEOUT} s")
            await asyncio.sleep(0.02)  # polling a file another process writes: there is no event to wait on
        yield RunningProxy(int(port_file.read_text().split()[0]), log, user, password)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


class RunningSocksProxy:
    """A SOCKS5 proxy's address and the tunnels it opened (read from its own verbose output)."""

    def __init__(self, port: int, user: str, password: str) -> None:
        self.port = port
        self.user = user
        self.password = password
        self.lines: list[str] = []

    def url(self, password: Optional[str] = None, scheme: str = "socks5") -> str:
        return f"{scheme}://{self.user}:{self.password if password is None else password}@127.0.0.1:{self.port}"

    def tunnels(self, port: int) -> int:
        """How many connections the proxy opened to ``127.0.0.1:port``."""
        return sum(1 for line in self.lines if line.startswith("socks5 ") and line.endswith(f"-> 127.0.0.1:{port}"))


@asynccontextmanager
async def socks_proxy(user: str, password: str) -> AsyncIterator[RunningSocksProxy]:
    """Serve pproxy as a SOCKS5 proxy with username/password authentication on 127.0.0.1."""
    import socket  # pylint: disable=import-outside-toplevel

    with socket.socket() as probe:  # pproxy takes a port, not 0: a free one, taken back at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # --auth 0: check the credentials of every connection (by default pproxy trusts an IP that once authenticated).
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pproxy", "-l", f"socks5://127.0.0.1:{port}#{user}:{password}", "-v", "--auth", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    running = RunningSocksProxy(port, user, password)
    serving = asyncio.Event()

    async def pump() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").strip()
            running.lines.append(line)
            if line.startswith("Serving on"):
                serving.set()

    reader = asyncio.ensure_future(pump())
    try:
        await asyncio.wait_for(serving.wait(), START_TIMEOUT)
        yield running
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            await asyncio.wait_for(process.wait(), 10)
        except asyncio.TimeoutError:
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
