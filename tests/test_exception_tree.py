"""Every exception class of the package is in the tree that ``bfxapi/exceptions.py`` (and the README) documents, in
its place, with its other bases, and importable from the public module the tree names."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Optional

import bfxapi
import bfxapi.exceptions
from bfxapi.exceptions import BfxBaseException

_LINE = re.compile(r"^(?P<indent> *)(?P<name>\w+)(?: \((?P<extras>[^)]*)\))? +(?P<module>[\w.]+)$")
_README = Path(__file__).resolve().parent.parent / "README.md"


def _package_exceptions() -> set[type[BaseException]]:
    """Every exception class defined in ``bfxapi`` outside ``bfxapi.testing`` (every module imported)."""
    found: set[type[BaseException]] = set()
    for info in pkgutil.walk_packages(bfxapi.__path__, "bfxapi.", onerror=lambda name: None):
        if info.name.startswith("bfxapi.testing") or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, BaseException) and value.__module__.startswith("bfxapi.")
                    and not value.__module__.startswith("bfxapi.testing")):
                found.add(value)
    return found


def _parse_tree(text: str) -> dict[str, tuple[Optional[str], set[str], str]]:
    """name -> (parent, other bases, module) from the indented tree (four spaces a level)."""
    tree: dict[str, tuple[Optional[str], set[str], str]] = {}
    stack: list[str] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        assert match, f"not a line of the tree: {line!r}"
        depth, remainder = divmod(len(match["indent"]), 4)
        assert remainder == 0 and depth <= len(stack), f"bad indentation: {line!r}"
        del stack[depth:]
        extras = {part.strip().removeprefix("also ") for part in (match["extras"] or "").split(",") if part.strip()}
        assert match["name"] not in tree, f"{match['name']} is listed twice"
        tree[match["name"]] = (stack[-1] if stack else None, extras, match["module"])
        stack.append(match["name"])
    return tree


def _docstring_tree() -> str:
    doc = bfxapi.exceptions.__doc__ or ""
    block = doc.split("against the code::\n\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if not line.strip():
            break
        assert line.startswith("    ")
        lines.append(line[4:])
    return "\n".join(lines)


def _readme_tree() -> str:
    text = _README.read_text(encoding="utf-8")
    section = text.split("# Types, errors and logging\n", 1)[1]
    return section.split("```text\n", 1)[1].split("```", 1)[0].rstrip("\n")


def _check(tree: dict[str, tuple[Optional[str], set[str], str]]) -> None:
    classes = _package_exceptions()
    by_name = {cls.__name__: cls for cls in classes}
    assert len(by_name) == len(classes), "two exception classes share a name"
    assert set(tree) == set(by_name), (
        f"undocumented: {sorted(set(by_name) - set(tree))}, documented but gone: {sorted(set(tree) - set(by_name))}"
    )
    for name, (parent, extras, module) in tree.items():
        cls = by_name[name]
        ours = [base for base in cls.__bases__ if base.__module__.startswith("bfxapi.")]
        first = ours[0].__name__ if ours else None
        assert parent == first, f"{name}: documented under {parent}, first bfxapi base is {first}"
        others = {base.__name__ for base in cls.__bases__ if base.__name__ != first}
        assert extras == others, f"{name}: documented with {extras}, other bases are {others}"
        assert issubclass(cls, BfxBaseException), f"{name} does not derive from BfxBaseException"
        if module == "internal":
            continue
        public = importlib.import_module(module)
        assert getattr(public, name, None) is cls, f"{name} is not importable from {module}"
        assert name in public.__all__, f"{name} is not in {module}.__all__"


def test_docstring_tree_is_the_package_tree() -> None:
    _check(_parse_tree(_docstring_tree()))


def test_readme_tree_is_the_docstring_tree() -> None:
    assert _readme_tree() == _docstring_tree()
    _check(_parse_tree(_readme_tree()))


def test_every_exception_derives_from_the_base() -> None:
    for cls in _package_exceptions():
        if cls is not BfxBaseException:
            assert issubclass(cls, BfxBaseException), cls


def test_internal_connection_errors_stay_connection_errors() -> None:
    # pylint: disable-next=import-outside-toplevel
    from bfxapi.websocket._client.bfx_websocket_client import HandshakeRedirectedError
    # pylint: disable-next=import-outside-toplevel
    from bfxapi.websocket._protocol import UnusableConnectionError
    from bfxapi.websocket.exceptions import BfxWebSocketException  # pylint: disable=import-outside-toplevel

    for cls in (HandshakeRedirectedError, UnusableConnectionError):
        assert issubclass(cls, ConnectionError) and issubclass(cls, BfxWebSocketException)


def test_private_modules_keep_their_names() -> None:
    # The errors moved to public modules stay importable where they were.
    # pylint: disable=import-outside-toplevel
    from bfxapi import exceptions
    from bfxapi._utils import json_decoder, network, nonce
    from bfxapi.websocket import _trades_recovery, exceptions as ws_exceptions

    assert json_decoder.InvalidJSONError is exceptions.InvalidJSONError
    assert nonce.NonceFileError is exceptions.NonceFileError
    assert nonce.NonceOverflowError is exceptions.NonceOverflowError
    assert network.RedirectRefusedError is exceptions.RedirectRefusedError
    assert getattr(_trades_recovery, "TradesPagingError") is ws_exceptions.TradesPagingError


def test_websocket_codes_are_named() -> None:
    # pylint: disable=import-outside-toplevel
    import pickle

    from bfxapi.websocket import _protocol
    from bfxapi.websocket.exceptions import ErrorCode, InfoCode, SubscriptionError, error_code

    assert _protocol.ErrorCode is ErrorCode and _protocol.InfoCode is InfoCode
    assert error_code(10305) is ErrorCode.SUBSCRIPTION_LIMIT
    assert error_code(12345) == 12345 and not isinstance(error_code(12345), ErrorCode)
    assert error_code("10305") is None and error_code(None) is None and error_code(ErrorCode.GENERIC) is ErrorCode.GENERIC
    error = SubscriptionError("limit", error_code(10305), {"channel": "book"})
    assert error.code == 10305 and error.code is ErrorCode.SUBSCRIPTION_LIMIT
    assert str(error) == "limit (code 10305)"
    assert pickle.loads(pickle.dumps(error)).code is ErrorCode.SUBSCRIPTION_LIMIT


def test_a_refused_subscription_carries_its_named_code() -> None:
    # pylint: disable=import-outside-toplevel
    from bfxapi.websocket._protocol import Fail, Subscription, SubscriptionTable
    from bfxapi.websocket.exceptions import ErrorCode, SubscriptionError

    class Record(Subscription):
        __slots__ = ()

        def awaited(self) -> bool:
            return True

    table: SubscriptionTable[Record] = SubscriptionTable("test", 10.0)
    table.opened()
    record = Record("s1", {"channel": "ticker", "sub_id": "s1", "symbol": "tBTCUSD"},
                    {"event": "subscribe", "channel": "ticker", "symbol": "tBTCUSD", "subId": "s1"})
    table.subscribe(record)
    actions = table.event({"event": "error", "code": 10305, "msg": "subscribe: limit", "subId": "s1"})
    errors = [action.error for action in actions if isinstance(action, Fail)]
    assert len(errors) == 1 and isinstance(errors[0], SubscriptionError)
    assert errors[0].code is ErrorCode.SUBSCRIPTION_LIMIT
