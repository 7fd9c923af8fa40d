"""The type aliases several packages share are defined once (bfxapi/_aliases.py), and the simulator numbers its
objects with one id-counter class: a second definition elsewhere is how two packages start to disagree on what
they accept."""

import ast
from pathlib import Path

import bfxapi
from bfxapi._aliases import DecimalLike, Emit, Tif, Timestamp
from bfxapi.testing.model.ids import ACCOUNT_ID_STARTS, MARKET_ID_STARTS, IdCounters

PACKAGE = Path(bfxapi.__file__).parent
SHARED = {"DecimalLike", "Emit", "Timestamp", "Tif"}


def _module_level_definitions(path: Path) -> set[str]:
    """Names assigned at a module's top level (an alias is an assignment; the protocol core's ``Emit`` action is a
    class, another concept under the same word)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_each_shared_alias_is_defined_in_one_module_only() -> None:
    where: dict[str, list[str]] = {name: [] for name in SHARED}
    for path in PACKAGE.rglob("*.py"):
        for name in _module_level_definitions(path) & SHARED:
            where[name].append(str(path.relative_to(PACKAGE)))
        # a private spelling of the same alias (``_Emit``) is a second definition too
        for name in _module_level_definitions(path):
            if name.lstrip("_") in SHARED and name != name.lstrip("_"):
                where[name.lstrip("_")].append(str(path.relative_to(PACKAGE)))
    assert where == {name: ["_aliases.py"] for name in SHARED}


def test_the_aliases_accept_what_the_api_documents() -> None:
    assert set(DecimalLike.__args__) >= {int, float, str}  # type: ignore[attr-defined]
    assert set(Timestamp.__args__) == {int, str}  # type: ignore[attr-defined]
    assert str in Tif.__args__  # type: ignore[attr-defined]
    assert callable(Emit.__origin__)  # type: ignore[attr-defined]


def test_the_simulator_has_one_id_counter_class() -> None:
    classes = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "testing").rglob("*.py")
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef) and ("Ids" in node.name or "IdCounter" in node.name)
    ]
    assert classes == ["testing/model/ids.py"]


def test_id_counters_count_each_kind_from_its_start_in_distinct_ranges() -> None:
    market, account = IdCounters(MARKET_ID_STARTS), IdCounters(ACCOUNT_ID_STARTS)
    assert [market.next("order"), market.next("order"), market.next("trade")] == [
        MARKET_ID_STARTS["order"] + 1, MARKET_ID_STARTS["order"] + 2, MARKET_ID_STARTS["trade"] + 1]
    assert account.next("order") == ACCOUNT_ID_STARTS["order"] + 1
    for kind in MARKET_ID_STARTS:  # an account's id is never one the market gave (nor will give soon)
        assert ACCOUNT_ID_STARTS[kind] >= MARKET_ID_STARTS[kind] + 10_000
