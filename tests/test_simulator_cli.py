"""``python -m bfxapi.testing``: the CLI prints both hosts and serves until interrupted."""

import re
import subprocess
import sys
import urllib.request


def test_cli_prints_both_hosts_and_serves():
    with subprocess.Popen([sys.executable, "-m", "bfxapi.testing", "--port", "0", "--seed", "3"],
                          stdout=subprocess.PIPE, text=True) as process:
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
