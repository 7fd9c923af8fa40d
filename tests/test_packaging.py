"""python -m build gives a correct sdist and wheel without a deprecation warning; the wheel installs in a fresh
environment and imports; the README's editable dev install leaves the package visible to mypy outside the clone.

No network: builds run without isolation, installs with --no-index --no-deps, and the dependencies come from the
environment running the tests."""

import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# This environment's site-packages: where a fresh environment finds the dependencies (aiohttp, setuptools, ...).
DEPS = sysconfig.get_paths()["purelib"]


@dataclass
class Dist:
    folder: Path
    log: str  # everything `python -m build` printed


@pytest.fixture(scope="module", name="dist")
def dist_fixture(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    return Dist(out, result.stdout + result.stderr)


def wheel_metadata(dist: Dist) -> str:
    (wheel,) = dist.folder.glob("bfxapi-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    return zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()


@pytest.mark.timeout(300)
def test_the_build_prints_no_deprecation_warning(dist: Dist) -> None:
    assert "Successfully built" in dist.log
    warnings = [line for line in dist.log.splitlines() if "deprecat" in line.lower()]
    assert not warnings, "\n".join(warnings)


@pytest.mark.timeout(300)
def test_the_wheel_holds_the_package_and_its_type_marker(dist: Dist) -> None:
    (wheel,) = dist.folder.glob("bfxapi-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for required in ("bfxapi/__init__.py", "bfxapi/py.typed", "bfxapi/websocket/_client/bfx_websocket_client.py",
                     "bfxapi/rest/_interfaces/rest_auth_endpoints.py", "bfxapi/testing/simulator.py",
                     "bfxapi/types/dataclasses.py", "bfxapi/demo.py"):
        assert required in names
    assert not [name for name in names if name.startswith("tests/")]
    assert [name for name in names if name.endswith(".dist-info/licenses/LICENSE")]
    text = wheel_metadata(dist)
    assert "Requires-Python: >=3.10" in text and "Requires-Dist: aiohttp" in text
    assert "# bfxapi" in text  # the README is the long description


@pytest.mark.timeout(300)
def test_the_license_is_an_spdx_expression_without_a_license_classifier(dist: Dist) -> None:
    text = wheel_metadata(dist)
    assert "License-Expression: Apache-2.0" in text.splitlines()
    assert "License-File: LICENSE" in text.splitlines()
    assert "Classifier: License ::" not in text


@pytest.mark.timeout(300)
def test_websockets_is_only_a_dev_dependency(dist: Dist) -> None:
    requires = [line.split(":", 1)[1].strip() for line in wheel_metadata(dist).splitlines()
                if line.startswith("Requires-Dist:")]
    runtime = [req for req in requires if ";" not in req]
    assert sorted(re.split(r"[<>=~! ]", req)[0] for req in runtime) == ["aiohttp", "pyee", "typing_extensions"]
    websockets = [req for req in requires if re.match(r"websockets\b", req)]
    assert websockets and all(req.endswith('extra == "dev"') for req in websockets), websockets


@pytest.mark.timeout(300)
def test_the_sdist_holds_docs_license_tests_and_their_captures(dist: Dist) -> None:
    (sdist,) = dist.folder.glob("bfxapi-*.tar.gz")
    names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    for required in ("README.md", "LICENSE", "CHANGELOG.md", "setup.py", "pyproject.toml", "bfxapi/py.typed",
                     "tests/test_utils.py", "tests/data/README.md", "tests/data/bitfinex-ws-capture-2021-04-17.txt"):
        assert required in names


@pytest.mark.timeout(300)
def test_the_wheel_installs_in_a_fresh_environment_and_imports_without_websockets(dist: Dist,
                                                                                  tmp_path: Path) -> None:
    (wheel,) = dist.folder.glob("bfxapi-*.whl")
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=120)
    # The dependencies come from this environment's site-packages (no network); bfxapi must come from the wheel.
    # websockets is blocked: it is a dev dependency only, so no module of the package may import it.
    check = (
        "import sys; sys.modules['websockets'] = None;"
        "import pathlib, bfxapi, bfxapi.websocket, bfxapi.rest, bfxapi.testing, bfxapi.demo;"
        "root = pathlib.Path(bfxapi.__file__).parent;"
        "print(root); print((root / 'py.typed').exists()); print(bfxapi.__version__)"
    )
    result = subprocess.run([str(python), "-c", check], capture_output=True, text=True, timeout=60, check=False,
                            env={"PYTHONPATH": DEPS, "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    location, typed, version = result.stdout.split()
    assert location.startswith(str(env)) and typed == "True" and version == __import__("bfxapi").__version__


USER_SCRIPT = '''\
import bfxapi
from bfxapi.types import TradingPairTicker


def last(ticker: TradingPairTicker) -> float:
    return ticker.last_price


client: int = bfxapi.Client()
'''


@pytest.mark.timeout(400)
def test_the_editable_dev_install_is_visible_to_mypy_outside_the_clone(tmp_path: Path) -> None:
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # As the README's `pip install -e ".[dev]"`, without the network: the dependencies and the build backend
    # (setuptools) come from this environment.
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation", "-e", str(ROOT)],
        capture_output=True, text=True, timeout=180, check=False,
        env={"PYTHONPATH": DEPS, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    # A plain path entry (which type checkers follow), not an import hook (which they cannot).
    pth_entries = [Path(line).resolve() for pth in Path(purelib).glob("*.pth")
                   for line in pth.read_text().splitlines() if line.strip() and not line.startswith("import")]
    assert ROOT in pth_entries
    assert not list(Path(purelib).glob("__editable__*finder*.py"))

    # A user's script in a folder of its own, checked by mypy against that fresh environment only.
    user = tmp_path / "user"
    user.mkdir()
    (user / "bot.py").write_text(USER_SCRIPT, encoding="utf-8")
    (user / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")  # no other configuration applies
    env_vars = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "MYPYPATH")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python),
         "--cache-dir", str(tmp_path / "mypy-cache"), "--config-file", "mypy.ini", "bot.py"],
        capture_output=True, text=True, timeout=300, check=False, cwd=user, env=env_vars,
    )  # fmt: skip
    # The package and its types are found: the only error is the deliberate one, and mypy names bfxapi's type.
    assert "import-not-found" not in result.stdout and "import-untyped" not in result.stdout, result.stdout
    # (Client[float]: a client is generic in its number type, float unless made with decimal=True)
    assert 'expression has type "Client[float]", variable has type "int"' in result.stdout, result.stdout
    assert "Found 1 error in 1 file" in result.stdout, result.stdout
