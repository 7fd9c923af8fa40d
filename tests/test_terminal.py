"""What a user sees on the terminal: default logging, failing callbacks, refused subscriptions, unreachable hosts,
Ctrl-C and SIGTERM, ``run()`` in the wrong place.

Each test runs a real script in a subprocess (the way a user runs a bot), against a simulator started by the test
on loopback or against a loopback port where nothing listens, and checks its standard output, standard error, exit
status and time.
"""

import asyncio
import os
import signal
import socket
import sys
import textwrap
import time
from pathlib import Path
from typing import Optional

import pytest

from ws_support import simulator

ROOT = Path(__file__).resolve().parent.parent

#: a client that gives up quickly and retries fast, for the unreachable-host scripts
FAST_CLIENT = """
from bfxapi import Client
from bfxapi.websocket import WebSocketOptions
from bfxapi.websocket._pacing import Backoff
OPTIONS = WebSocketOptions(backoff=Backoff(initial=0.2, maximum=0.4, jitter=0.0), open_timeout=1.0)
"""


class Run:
    """A finished script: its exit status, output and wall time."""

    def __init__(self, returncode: Optional[int], stdout: str, stderr: str, elapsed: float) -> None:
        self.returncode, self.stdout, self.stderr, self.elapsed = returncode, stdout, stderr, elapsed

    def lines(self, text: str, stream: str = "stderr") -> list[str]:
        return [line for line in getattr(self, stream).splitlines() if text in line]


def _script(tmp_path: Path, code: str, prefix: str = "") -> Path:
    path = tmp_path / "bot.py"
    path.write_text(prefix + textwrap.dedent(code), encoding="utf-8")
    return path


def _env(**variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BFX_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(variables)
    return env


async def _run(script: Path, env: dict[str, str], *, timeout: float = 30.0) -> Run:
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(script), env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    return Run(process.returncode, stdout.decode(), stderr.decode(), time.monotonic() - started)


def _refused_port() -> int:
    """A loopback port where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _clean(run: Run) -> None:
    """Nothing of the library's own making went wrong on the way out."""
    for text in ("Unclosed client session", "Unclosed connection", "Task was destroyed", "never awaited",
                 "Task exception was never retrieved"):
        assert text not in run.stderr, run.stderr[-3000:]


# --- default logging ----------------------------------------------------------------------------------------


@pytest.mark.timeout(60)
async def test_with_nothing_configured_failures_reach_the_terminal_once_each(tmp_path: Path) -> None:
    async with simulator(auto_market=True, market_interval=0.05, ticker_interval=0.5) as sim:
        script = _script(tmp_path, """
            import asyncio, os, time
            from bfxapi import Client

            bfx = Client(os.environ["BFX_API_KEY"], os.environ["BFX_API_SECRET"])
            opened = []

            @bfx.wss.on("open")
            async def on_open() -> None:
                opened.append(time.monotonic())
                await bfx.wss.subscribe("ticker", symbol="tNOPE")  # refused by the server

            @bfx.wss.on("t_ticker_update")
            def on_ticker(sub, ticker) -> None:
                print(ticker.last_pricee)  # a typo

            @bfx.wss.on("callback_error")
            def on_error(event, error) -> None:
                if event == "open":
                    print(f"open failed after {time.monotonic() - opened[0]:.3f} s", flush=True)

            async def main() -> None:
                await bfx.wss.connect()
                failures = asyncio.Event()
                count = []

                @bfx.wss.on("callback_error")
                def count_ticker_failures(event, error) -> None:
                    count.append(event)
                    if count.count("t_ticker_update") >= 5:
                        failures.set()

                await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
                await asyncio.wait_for(failures.wait(), 20)
                await bfx.close()

            asyncio.run(main())
        """)
        assert sim.demo_account is not None
        secret = sim.demo_account.api_secret
        run = await _run(script, _env(**sim.environ(sim.demo_account)))
    assert run.returncode == 0, run.stderr[-3000:]
    # The typo: once with its traceback, however many tickers failed (the repeats are counted, not printed).
    assert len(run.lines("A callback of the event 't_ticker_update' raised AttributeError")) == 1
    assert "AttributeError: 'TradingPairTicker' object has no attribute 'last_pricee'" in run.stderr
    assert 'print(ticker.last_pricee)' in run.stderr  # the user's own line, from the traceback
    # The refused subscription inside `open`: the server's refusal, and the unhandled error with its traceback.
    assert len(run.lines("the server refused the subscription ticker tNOPE")) == 1
    assert len(run.lines("A callback of the event 'open' raised SubscriptionError")) == 1
    assert "symbol: invalid (code 10300)" in run.stderr
    delay = float(run.lines("open failed after", "stdout")[0].split()[3])
    assert delay < 1.0
    # INFO on standard output, warnings and errors on standard error.
    assert len(run.lines("INFO public-1: connected to", "stdout")) == 1
    assert not run.lines(" INFO ", "stderr") and not run.lines(" ERROR ", "stdout")
    assert secret not in run.stdout + run.stderr
    _clean(run)


@pytest.mark.timeout(60)
async def test_an_unreachable_host_is_reported_at_the_first_attempt(tmp_path: Path) -> None:
    port = _refused_port()
    script = _script(tmp_path, prefix=FAST_CLIENT, code="""
        import asyncio, time
        from bfxapi.websocket.exceptions import ReconnectionTimeoutError

        async def main() -> None:
            bfx = Client(timeout=1.5, wss_options=OPTIONS)
            started = time.monotonic()
            try:
                await bfx.wss.start()
            except ReconnectionTimeoutError as error:
                print(f"gave up after {time.monotonic() - started:.2f} s: {error}", flush=True)

        asyncio.run(main())
    """)
    run = await _run(script, _env(BFX_WSS_HOST=f"ws://127.0.0.1:{port}/ws/2"))
    assert run.returncode == 0, run.stderr[-3000:]
    failures = run.lines("connection attempt")
    assert failures and "public-1: connection attempt 1 failed: " in failures[0]
    assert "Connect call failed" in failures[0] or "ClientConnectorError" in failures[0]
    numbers = [int(line.split("connection attempt ")[1].split()[0]) for line in failures]
    assert numbers == list(range(1, len(numbers) + 1))  # each attempt once
    # The error states the outage that really elapsed: at least the timeout, at most what the script measured.
    (line,) = run.lines("gave up after", "stdout")
    measured = float(line.split()[3])
    stated = float(line.split("offline for ")[1].split()[0])
    assert 1.5 <= stated <= measured
    assert "timeout of 1.5 s" in line and f"{len(numbers)} attempt(s)" in line
    _clean(run)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("setup", ["basic", "basic-info", "log_level", "log_filename"])
async def test_configured_logging_shows_each_record_once(tmp_path: Path, setup: str) -> None:
    port = _refused_port()
    log_file = tmp_path / "bot.log"
    configure = {
        "basic": ("import logging; logging.basicConfig(format='APP %(levelname)s %(message)s')", ""),
        "basic-info": ("import logging; logging.basicConfig(level=logging.INFO, format='APP %(message)s')", ""),
        "log_level": ("", "log_level='WARNING', "),
        "log_filename": ("", f"log_filename={str(log_file)!r}, "),
    }[setup]
    script = _script(tmp_path, prefix=FAST_CLIENT, code=f"""
        import asyncio
        {configure[0]}
        from bfxapi.websocket.exceptions import ReconnectionTimeoutError

        async def main() -> None:
            bfx = Client({configure[1]}timeout=0.5, wss_options=OPTIONS)
            try:
                await bfx.wss.start()
            except ReconnectionTimeoutError:
                print("gave up", flush=True)
            await bfx.close()

        asyncio.run(main())
    """)
    run = await _run(script, _env(BFX_WSS_HOST=f"ws://127.0.0.1:{port}/ws/2"))
    assert run.returncode == 0 and "gave up" in run.stdout, run.stderr[-3000:]
    first = "public-1: connection attempt 1 failed"
    if setup == "log_filename":
        assert first not in run.stdout + run.stderr  # to the file only
        assert log_file.read_text(encoding="utf-8").count(first) == 1
    else:
        assert len(run.lines(first)) == 1, run.stderr
        assert not run.lines("INFO", "stdout")
    if setup.startswith("basic"):
        assert all(line.startswith("APP ") for line in run.stderr.splitlines())  # through the app's handler only
        infos = run.lines("reconnection attempt 2 in")
        assert len(infos) == (1 if setup == "basic-info" else 0)  # the app's level governs
    _clean(run)


# --- exits ----------------------------------------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_closes_the_client_gracefully(tmp_path: Path, signum: signal.Signals) -> None:
    async with simulator(auto_market=True, market_interval=0.05, ticker_interval=0.5) as sim:
        script = _script(tmp_path, """
            from bfxapi import Client
            bfx = Client()

            @bfx.wss.on("open")
            async def on_open() -> None:
                await bfx.wss.subscribe("trades", symbol="tBTCUSD")

            @bfx.wss.on("t_trades_snapshot")
            def ready(sub, trades) -> None:
                print("ready", flush=True)

            @bfx.wss.on("disconnected")
            def bye(code, reason) -> None:
                print(f"disconnected {code}", flush=True)

            bfx.wss.run()
            print("after run", flush=True)
        """)
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(script), env=_env(BFX_WSS_HOST=sim.wss_host),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        while b"ready" not in await asyncio.wait_for(process.stdout.readline(), 20):
            pass
        connection = next(c for c in sim.connections if c.open)
        sent = time.monotonic()
        process.send_signal(signum)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 10)
        elapsed = time.monotonic() - sent
        await sim.wait_for(lambda: not connection.open)
    run = Run(process.returncode, stdout.decode(), stderr.decode(), elapsed)
    assert run.returncode == 0, run.stderr[-3000:]
    assert elapsed < 2.0
    assert run.stdout.splitlines()[-2:] == ["disconnected 1000", "after run"]
    assert f"{signum.name} received: closing the client" in run.stdout
    assert "Traceback" not in run.stderr and "KeyboardInterrupt" not in run.stderr
    assert connection.close_code == 1000  # the server saw a normal closing handshake
    _clean(run)


@pytest.mark.timeout(30)
async def test_run_inside_a_running_loop_names_start(tmp_path: Path) -> None:
    script = _script(tmp_path, """
        import asyncio
        from bfxapi import Client
        from bfxapi.exceptions import BfxBaseException

        async def main() -> None:
            bfx = Client()
            try:
                bfx.wss.run()
            except BfxBaseException as error:
                print(type(error).__name__, error)

        asyncio.run(main())
    """)
    run = await _run(script, _env())
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("EventLoopRunningError") and "await bfx.wss.start()" in run.stdout
    assert run.stderr == ""  # no "coroutine was never awaited"
