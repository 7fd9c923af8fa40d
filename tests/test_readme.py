"""The README's promises: its self-contained examples run, and CI runs the commands it gives."""

import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
RUNNABLE = [block for block in re.findall(r"```python\n(.*?)```", README, re.S) if "asyncio.run(" in block]


def test_the_readme_has_runnable_examples() -> None:
    assert RUNNABLE


#: README examples run at once: most of their time is waiting (a reconnection, a health line ten seconds on)
AT_ONCE = 4


def run(code: str, folder: Path, index: int) -> "subprocess.CompletedProcess[str]":
    script = folder / f"example_{index}.py"
    script.write_text(code, encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list["Future[subprocess.CompletedProcess[str]]"]]:
    """Every runnable README example started in a pool of ``AT_ONCE`` (in order), each bounded by 60 s."""
    folder = tmp_path_factory.mktemp("readme")
    with ThreadPoolExecutor(AT_ONCE) as pool:
        futures = [pool.submit(run, code, folder, index) for index, code in enumerate(RUNNABLE)]
        yield futures
        for future in futures:
            future.cancel()


@pytest.mark.parametrize("index", range(len(RUNNABLE)), ids=[f"example-{i}" for i in range(len(RUNNABLE))])
def test_readme_example_runs(runs: list["Future[subprocess.CompletedProcess[str]]"], index: int) -> None:
    result = runs[index].result()  # raises TimeoutExpired as subprocess.run does, after 60 s
    assert result.returncode == 0, result.stderr[-2000:]


def test_ci_runs_the_install_and_test_commands_of_the_readme() -> None:
    command = re.search(r"## Testing.*?```bash\n(.*?)\n```", README, re.S)
    assert command is not None
    install, test = [part.strip() for part in command.group(1).split("&&")]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install in ci and test in ci
