"""The one-command demo runs offline, shows each part, and ends by itself well under a minute."""

import subprocess
import sys
import time


def test_the_demo_runs_against_the_simulator() -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bfxapi.demo", "--seconds", "2"], capture_output=True, text=True, timeout=60, check=False
    )
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
    assert "Traceback" not in result.stderr


def test_the_demo_documents_its_options() -> None:
    result = subprocess.run([sys.executable, "-m", "bfxapi.demo", "--help"], capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 0 and "--live" in result.stdout and "--live-order" in result.stdout
