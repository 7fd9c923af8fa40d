"""Running a user's mypy on small scripts: how the typing tests check what ``mypy --strict`` says of code that
uses bfxapi (what it reveals, what it refuses), one mypy run per test module."""

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def run_user_mypy(folder: Path, files: dict[str, str], cache_dir: Path) -> dict[str, list[str]]:
    """Write ``files`` (script name -> source) into ``folder`` and run ``mypy --strict`` on all of them at once;
    return mypy's output lines per script. bfxapi is imported from this repository, as an installed package would
    be; errors inside bfxapi are the repository's own mypy run's business (silent here). ``cache_dir`` is shared by
    the modules (the session's ``user_mypy_cache``), so that bfxapi is analysed once."""
    for name, text in files.items():
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(REPOSITORY)}
    command = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-error-summary",
               "--cache-dir", str(cache_dir), "--python-version", "3.10",
               *(str(folder / f"{name}.py") for name in files)]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.stderr == "" or "error" not in done.stderr.lower(), done.stderr
    lines: dict[str, list[str]] = {name: [] for name in files}
    for line in done.stdout.splitlines():
        name = Path(line.split(":", 1)[0]).stem
        if name in lines:
            lines[name].append(line)
    return lines
