"""python -m build gives a correct sdist and wheel; the wheel installs in a fresh environment and imports."""

import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", name="dist")
def dist_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    return out


@pytest.mark.timeout(300)
def test_the_wheel_holds_the_package_and_its_type_marker(dist: Path) -> None:
    (wheel,) = dist.glob("bfxapi-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for required in ("bfxapi/__init__.py", "bfxapi/py.typed", "bfxapi/websocket/_client/bfx_websocket_client.py",
                     "bfxapi/rest/_interfaces/rest_auth_endpoints.py", "bfxapi/testing/simulator.py",
                     "bfxapi/types/dataclasses.py", "bfxapi/demo.py"):
        assert required in names
    assert not [name for name in names if name.startswith("tests/")]
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Python: >=3.10" in text and "Requires-Dist: aiohttp" in text
    assert "# bfxapi" in text  # the README is the long description


@pytest.mark.timeout(300)
def test_the_sdist_holds_docs_license_and_tests(dist: Path) -> None:
    (sdist,) = dist.glob("bfxapi-*.tar.gz")
    names = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    for required in ("README.md", "LICENSE", "CHANGELOG.md", "setup.py", "bfxapi/py.typed", "tests/test_utils.py"):
        assert required in names


@pytest.mark.timeout(300)
def test_the_wheel_installs_in_a_fresh_environment_and_imports(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("bfxapi-*.whl")
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=120)
    # The dependencies come from this environment's site-packages (no network); bfxapi must come from the wheel.
    deps = sysconfig.get_paths()["purelib"]
    check = (
        "import pathlib, bfxapi, bfxapi.websocket, bfxapi.rest, bfxapi.testing, bfxapi.demo;"
        "root = pathlib.Path(bfxapi.__file__).parent;"
        "print(root); print((root / 'py.typed').exists()); print(bfxapi.__version__)"
    )
    result = subprocess.run([str(python), "-c", check], capture_output=True, text=True, timeout=60, check=False,
                            env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    location, typed, version = result.stdout.split()
    assert location.startswith(str(env)) and typed == "True" and version == __import__("bfxapi").__version__
