"""The simulator never imports the client: it builds the wire from its own model, so that a field-order mistake in
the client makes a test fail instead of cancelling out (design.md, section 5)."""

import ast
from pathlib import Path

import bfxapi.testing

TESTING = Path(bfxapi.testing.__file__).resolve().parent


def _imports(path: Path, package: list[str]) -> list[str]:
    """Every module a file imports, relative imports resolved against ``package`` (the file's own)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.extend([module] if node.module else [f"{module}.{alias.name}" for alias in node.names])
    return found


def test_no_module_of_the_simulator_imports_the_client() -> None:
    files = sorted(TESTING.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(TESTING)): module
        for path in files
        for module in _imports(path, ["bfxapi", "testing", *path.parent.relative_to(TESTING).parts])
        if (module == "bfxapi" or module.startswith("bfxapi.")) and not module.startswith("bfxapi.testing")
    }
    assert offenders == {}


def test_the_check_sees_relative_imports_that_leave_the_package(tmp_path: Path) -> None:
    # The rule must catch `from ..types import X` written inside bfxapi/testing, not only absolute imports.
    probe = tmp_path / "probe.py"
    probe.write_text("from ..types import TradingPairTicker\nfrom . import market\nimport bfxapi.rest\n", encoding="utf-8")
    assert _imports(probe, ["bfxapi", "testing"]) == ["bfxapi.types", "bfxapi.testing.market", "bfxapi.rest"]
