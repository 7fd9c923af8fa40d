"""The official client's own virtual environment: benchmarks/.venv-official with bitfinex-api-py==4.0.0."""

import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-official"
PYTHON = VENV / "bin" / "python"
REQUIREMENT = "bitfinex-api-py==4.0.0"


def official_python() -> str:
    """The interpreter of the official client's venv, created and filled on first use."""
    probe = [str(PYTHON), "-c", "import importlib.metadata as m; print(m.version('bitfinex-api-py'))"]
    if PYTHON.exists():
        check = subprocess.run(probe, capture_output=True, text=True, check=False, timeout=60)
        if check.returncode == 0 and check.stdout.strip() == "4.0.0":
            return str(PYTHON)
    print(f"creating {VENV} with {REQUIREMENT} ...", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", REQUIREMENT], check=True, timeout=600)
    return str(PYTHON)


if __name__ == "__main__":
    print(official_python())
