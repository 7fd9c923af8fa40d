"""Spawning the server and client processes of a benchmark, each bounded in time and always killed."""

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional, Sequence

HERE = Path(__file__).resolve().parent
OURS_PYTHON = sys.executable


def client_env(python: str) -> dict[str, str]:
    """The environment of a process: the caller's PYTHONPATH/PYTHONHOME dropped; ours (``OURS_PYTHON``) import the
    bfxapi of the checkout this file lives in (not the one installed, maybe an editable install of another tree),
    the official client's virtualenv its own."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    if python == OURS_PYTHON:
        env["PYTHONPATH"] = str(HERE.parent)
    env["PYTHONHASHSEED"] = "0"
    return env


def _read_line(process: "subprocess.Popen[str]", timeout: float) -> Optional[dict[str, Any]]:
    """The next JSON line of ``process``'s stdout, or None after ``timeout`` seconds / at EOF."""
    assert process.stdout is not None
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([process.stdout], [], [], left)
        if not ready:
            return None
        line = process.stdout.readline()
        if not line:
            return None
        line = line.strip()
        if line.startswith("{"):
            parsed: dict[str, Any] = json.loads(line)
            return parsed


class Server:
    """A server process (flood_server.py, rest_server.py) that prints ``{"port": N}`` when listening."""

    def __init__(self, script: str, args: Sequence[str], python: str = OURS_PYTHON) -> None:
        self.process = subprocess.Popen(
            [python, str(HERE / script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=HERE,
            env=client_env(python),
        )
        hello = _read_line(self.process, 20.0)
        if hello is None or "port" not in hello:
            self.stop()
            raise RuntimeError(f"{script} did not start")
        self.port: int = hello["port"]

    def report(self, timeout: float = 3.0) -> Optional[dict[str, Any]]:
        return _read_line(self.process, timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(3)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_client(python: str, script: str, args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run a client process to completion (killed after ``timeout`` s); its last JSON line, or an error."""
    try:
        done = subprocess.run(
            [python, str(HERE / script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=HERE,
            env=client_env(python),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"killed after {timeout:g} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            return result
    return {"error": f"exit {done.returncode}: {done.stderr.strip()[-400:]}"}
