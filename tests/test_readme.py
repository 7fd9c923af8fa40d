"""The README's promises: its self-contained examples run, and CI runs the commands it gives."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
RUNNABLE = [block for block in re.findall(r"```python\n(.*?)```", README, re.S) if "asyncio.run(" in block]


def test_the_readme_has_runnable_examples() -> None:
    assert RUNNABLE


@pytest.mark.parametrize("code", RUNNABLE, ids=[f"example-{i}" for i in range(len(RUNNABLE))])
def test_readme_example_runs(code: str, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_ci_runs_the_install_and_test_commands_of_the_readme() -> None:
    command = re.search(r"## Testing.*?```bash\n(.*?)\n```", README, re.S)
    assert command is not None
    install, test = [part.strip() for part in command.group(1).split("&&")]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install in ci and test in ci
