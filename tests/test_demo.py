"""The one-command demo runs offline, shows each part, and ends by itself well under a minute; its live mode
fails fast, in one line, when Bitfinex cannot be reached."""

import os
import re
import socket
import subprocess
import sys
import time

import pytest

DEMO = [sys.executable, "-m", "bfxapi.demo"]


def test_the_demo_runs_against_the_simulator() -> None:
    started = time.monotonic()
    result = subprocess.run([*DEMO, "--seconds", "2"], capture_output=True, text=True, timeout=60, check=False)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Authenticated as user" in out
    assert out.count("  ticker   tBTCUSD") >= 1 and out.count("  trade    ") >= 1
    assert "book     synced" in out and ", 0 mismatches" in out
    assert "checksums verified" in out and " 0 checksums verified" not in out
    assert "EXECUTED @" in out and "answer   SUCCESS" in out
    assert "wallet   exchange BTC" in out and "wallet   exchange USD" in out
    assert elapsed < 60
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr


def test_the_demo_shows_typed_objects_a_consistent_ticker_and_the_wallets_before_and_after() -> None:
    result = subprocess.run([*DEMO, "--seconds", "1"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    # the typed objects themselves, as they arrive
    assert re.search(r"^  object   TradingPairTicker\(bid=[\d.]+, .*last_price=[\d.]+, .*\)$", out, re.M)
    assert re.search(r"^  object   TradingPairTrade\(id=\d+, mts=\d+, amount=-?[\d.]+, price=[\d.]+\)$", out, re.M)
    # the first ticker is one the book could show: its last price lies within its spread
    first = re.search(r"ticker   tBTCUSD: last ([\d.]+), bid ([\d.]+), ask ([\d.]+)", out)
    assert first, out
    last, bid, ask = (float(first.group(i)) for i in (1, 2, 3))
    assert bid < ask and bid * 0.9995 <= last <= ask * 1.0005, (bid, last, ask)
    # the wallets before the order (USD only), then after it was filled (less USD, some BTC)
    before, _, after = out.partition("Submitting EXCHANGE LIMIT buy")
    assert "EXECUTED @" in after
    before_wallets = before[before.index("Wallets before the order"):]
    after_wallets = after[after.index("Wallets after the order"):]
    assert re.findall(r"wallet   (\w+) +(\w+) +([\d,.]+)", before_wallets) == [("exchange", "USD", "25,000")]
    after_balances = {currency: float(amount.replace(",", ""))
                      for _, currency, amount in re.findall(r"wallet   (\w+) +(\w+) +([\d,.]+)", after_wallets)}
    assert 0 < after_balances["USD"] < 25_000 and after_balances["BTC"] > 0


def test_the_demo_documents_its_options() -> None:
    result = subprocess.run([*DEMO, "--help"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0 and "--live" in result.stdout and "--live-order" in result.stdout


@pytest.mark.parametrize("args, message", [(["--live-order"], "--live-order .*needs --live"),
                                           (["--seconds", "0"], "--seconds must be")])
def test_a_wrong_option_is_an_argparse_error(args: list[str], message: str) -> None:
    result = subprocess.run([*DEMO, *args], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert re.search(rf"^python -m bfxapi\.demo: error: {message}", result.stderr, re.M), result.stderr
    assert "Traceback" not in result.stderr


def _live_env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BFX_API_KEY", "BFX_API_SECRET")}
    env.update(BFX_WSS_HOST=f"ws://127.0.0.1:{port}/ws/2", BFX_REST_HOST=f"http://127.0.0.1:{port}/v2")
    return env


def test_live_without_bitfinex_ends_within_20_s_with_one_line() -> None:
    # Loopback only: a closed port refuses every connection; a listener that never answers makes the
    # handshake time out. Both demos run at once so that the test waits for the 15 s deadline only once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        refused = probe.getsockname()[1]
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hanging = silent.getsockname()[1]
        started = time.monotonic()
        processes = {port: subprocess.Popen([*DEMO, "--live"], env=_live_env(port), stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True)
                     for port in (refused, hanging)}
        outputs = {port: process.communicate(timeout=30) for port, process in processes.items()}
        elapsed = time.monotonic() - started
    assert elapsed < 20
    for port, (out, err) in outputs.items():
        assert processes[port].returncode == 1, (port, out, err)
        lines = [line for line in (out + err).splitlines() if line.strip()]
        assert len(lines) == 1, (port, out, err)
        assert lines[0].startswith(
            f"python -m bfxapi.demo: cannot reach Bitfinex at ws://127.0.0.1:{port}/ws/2 within 15 s: "
        ), lines[0]
    assert "failed:" in outputs[refused][1] and "timed out" in outputs[hanging][1]
