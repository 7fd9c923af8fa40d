"""``python -m bfxapi.testing``: the CLI prints both hosts and the demo account, serves until interrupted, and
fails with one line (exit status 2, no traceback) on a mistake of its user."""

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from typing import List

import pytest

from bfxapi.testing.sim_accounts import DEMO_WALLETS

CLI = [sys.executable, "-m", "bfxapi.testing"]


def run_cli(*args: str) -> "subprocess.CompletedProcess[str]":
    # a wide terminal, so that argparse does not wrap the help text in the middle of what a test looks for
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=30, check=False, env=env)


def assert_one_error_line(result: "subprocess.CompletedProcess[str]", pattern: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert lines[0].startswith("python -m bfxapi.testing: error: ")
    assert result.stdout == ""


def read_lines_until(process: "subprocess.Popen[str]", marker: str, timeout: float = 15.0) -> List[str]:
    """The process's stdout lines up to the one containing ``marker``; fails after ``timeout`` s."""
    lines: "queue.Queue[str]" = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put("")  # end of output

    threading.Thread(target=pump, daemon=True).start()
    seen: List[str] = []
    deadline = time.monotonic() + timeout
    while not seen or marker not in seen[-1]:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        assert line, f"the CLI ended before printing {marker!r}: {seen}"
        seen.append(line)
    return seen


def test_cli_prints_both_hosts_and_serves():
    with subprocess.Popen([*CLI, "--port", "0", "--seed", "3"], stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            first, second = process.stdout.readline().strip(), process.stdout.readline().strip()
            assert re.match(r"^WebSocket: ws://127\.0\.0\.1:\d+/ws/2$", first)
            match = re.match(r"^REST: +(http://127\.0\.0\.1:\d+/v2)$", second)
            assert match
            with urllib.request.urlopen(match.group(1) + "/platform/status", timeout=5) as response:
                assert response.read() == b"[1]"
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_cli_prints_the_demo_account_with_its_balances():
    with subprocess.Popen([*CLI, "--port", "0", "--symbols", "tBTCUSD,tXRPUSD,fUSD"], stdout=subprocess.PIPE,
                          text=True) as process:
        try:
            lines = read_lines_until(process, "Press Ctrl+C")
        finally:
            process.terminate()
            process.wait(timeout=10)
    text = "\n".join(lines)
    assert re.search(r"^Demo account \(user id \d+\):$", text, re.M)
    assert re.search(r"^  API key: +[0-9a-f]{43}$", text, re.M)
    assert re.search(r"^  API secret: +[0-9a-f]{43}$", text, re.M)
    balances = lines[lines.index("  Balances:") + 1:-2]
    assert [line.split()[0] for line in balances] == list(DEMO_WALLETS)
    assert "    exchange 100,000 USD, 2 BTC, 20 ETH, 100,000 TESTUSD, 2 TESTBTC" in balances
    assert "    funding  50,000 USD, 1 BTC" in balances
    assert "Symbols:   tBTCUSD, tXRPUSD, fUSD" in lines


def test_port_in_use_is_one_line_and_status_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("--port", str(port))
    assert_one_error_line(result, rf"port {port} is already in use on 127\.0\.0\.1$")


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_port_out_of_range_is_one_line_and_status_2(port):
    assert_one_error_line(run_cli("--port", port), rf"argument --port: .*{re.escape(port)}.*0-65535")


@pytest.mark.parametrize("symbols, bad", [("tBTCUSD,tNOPE", "tNOPE"), ("tBTCUSD,btcusd", "btcusd"),
                                          ("tBTCUSD,fXYZ", "fXYZ"), ("fUSD", "no trading pair")])
def test_a_symbol_the_market_cannot_simulate_is_refused(symbols, bad):
    assert_one_error_line(run_cli("--symbols", symbols), rf"argument --symbols: .*{bad}.*tBTCUSD.*fUSD")


@pytest.mark.parametrize("option, value", [("--market-interval", "0"), ("--market-interval", "nan"),
                                           ("--heartbeat-interval", "-1")])
def test_a_bad_interval_is_refused(option, value):
    assert_one_error_line(run_cli(option, value), rf"argument {option}: '{value}' is not a number of seconds")


def test_help_shows_every_default_and_the_funded_demo_account():
    result = run_cli("--help")
    assert result.returncode == 0 and result.stderr == ""
    text = " ".join(result.stdout.split())
    for default in ("(default: 127.0.0.1)", "(default: 8765)", "(default: 0)", "(default: 0.25)",
                    "(default: 15.0)", "(default: False)",
                    "(default: tBTCUSD,tETHUSD,tETHBTC,tTESTBTC:TESTUSD,tBTCF0:USTF0,fUSD,fBTC)"):
        assert default in text, default
    assert "creates a funded demo account" in text
    assert "exchange 100,000 USD, 2 BTC" in text and "margin 50,000 USD" in text and "funding 50,000 USD, 1 BTC" in text


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_a_signal_ends_the_cli_quietly(sig, status):
    with subprocess.Popen([*CLI, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:
        try:
            read_lines_until(process, "Press Ctrl+C")
            started = time.monotonic()
            process.send_signal(sig)
            assert process.wait(timeout=10) == status
            assert time.monotonic() - started < 5
            assert process.stderr is not None and process.stderr.read() == ""
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
