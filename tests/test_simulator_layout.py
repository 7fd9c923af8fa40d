"""The simulator's parts import one another one way (design.md §8): wire ← model ← engine ← server ← the composition
root (``simulator``, ``faults``, ``replay``, the CLI), with no import cycle between its modules. The graph is built
from the source with ``ast``: every import counts, those under ``if TYPE_CHECKING:`` and inside functions included."""

import ast
from pathlib import Path
from typing import Dict, List, Set

import bfxapi.testing

TESTING = Path(bfxapi.testing.__file__).resolve().parent
PACKAGE = "bfxapi.testing"

#: the layer of each subpackage; a module may import its own layer and the ones below it
LAYERS = {"wire": 0, "model": 1, "engine": 2, "server": 3, "replay": 4}
TOP = 5  # the modules at the package's root: simulator, faults, sim_accounts, tls, the CLI


def module_name(path: Path) -> str:
    parts = list(path.relative_to(TESTING).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def imported_modules(path: Path, known: Set[str]) -> Set[str]:
    return imports_of(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py", known)


def imports_of(source: str, name: str, is_package: bool, known: Set[str]) -> Set[str]:
    """The modules of the package that the source of module ``name`` imports (``from . import x`` resolved to
    ``x`` when it is a module)."""
    package = name if is_package else name.rsplit(".", 1)[0]
    found: Set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def import_graph() -> Dict[str, Set[str]]:
    files = sorted(TESTING.rglob("*.py"))
    known = {module_name(path) for path in files}
    return {module_name(path): imported_modules(path, known) for path in files}


def find_cycle(graph: Dict[str, Set[str]]) -> List[str]:
    """One cycle of the graph (as a path that ends where it starts), or [] when it is acyclic."""
    state: Dict[str, int] = {}
    stack: List[str] = []

    def visit(node: str) -> List[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) < 3 or parts[2] not in LAYERS:
        return TOP
    return LAYERS[parts[2]]


def test_the_simulator_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 30
    assert find_cycle(graph) == []


def test_imports_flow_from_the_wire_up_to_the_composition_root() -> None:
    graph = import_graph()
    upward = sorted((module, target) for module, targets in graph.items() for target in targets
                    if layer(target) > layer(module))
    assert upward == []


def test_each_part_is_a_subpackage() -> None:
    for part in LAYERS:
        assert (TESTING / part / "__init__.py").is_file(), part
    # the old flat modules are gone: a part lives in one place
    assert not (TESTING / "market.py").exists() and not (TESTING / "exchange.py").exists()


def test_the_cycle_finder_finds_a_cycle_and_the_reader_sees_guarded_and_local_imports() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []
    known = {f"{PACKAGE}.simulator", f"{PACKAGE}.server.ws", f"{PACKAGE}.server", f"{PACKAGE}.wire",
             f"{PACKAGE}.wire.encoding", f"{PACKAGE}.engine.trading"}
    source = ("from typing import TYPE_CHECKING\nfrom ..wire import encoding\nif TYPE_CHECKING:\n"
              "    from ..simulator import Simulator\ndef f():\n    import bfxapi.testing.engine.trading\n")
    assert imports_of(source, f"{PACKAGE}.server.ws", False, known) == {
        f"{PACKAGE}.simulator", f"{PACKAGE}.wire.encoding", f"{PACKAGE}.engine.trading"}
