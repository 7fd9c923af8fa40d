"""Where the real captured Bitfinex traffic is: ``shared/fixtures`` beside the repository (as CI places it)."""

import os
from pathlib import Path

import pytest

_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "shared" / "fixtures",
    Path("/work/shared/fixtures"),
]


def fixture_path(name: str) -> Path:
    """The path of a shared fixture; skips the test when it is missing, unless BFX_REQUIRE_FIXTURES is set
    (CI sets it, so that a missing capture fails instead of silently skipping the replay tests)."""
    for folder in _CANDIDATES:
        if (folder / name).exists():
            return folder / name
    if os.environ.get("BFX_REQUIRE_FIXTURES"):
        raise FileNotFoundError(f"shared fixture {name} not found in {[str(c) for c in _CANDIDATES]}")
    pytest.skip(f"the shared fixture {name} is not available")


WS_CAPTURE = "bitfinex-ws-capture-2021-04-17.txt"
