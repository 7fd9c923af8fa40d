"""The event emitter subclasses pyee's ``AsyncIOEventEmitter`` and overrides or uses some of its private members:
they must exist, with the signatures the emitter calls them with, in the pyee versions ``setup.py`` allows."""

import inspect
import re
from pathlib import Path

import pyee
import pyee.asyncio
from pyee.asyncio import AsyncIOEventEmitter

from bfxapi.websocket._event_emitter.bfx_event_emitter import BfxEventEmitter

_SETUP = Path(__file__).resolve().parent.parent / "setup.py"

#: the private methods the emitter overrides, with the parameters (after self) it relies on
OVERRIDDEN = {"_add_event_handler": ["event", "k", "v"], "_remove_listener": ["event", "f"]}
#: the private attributes the emitter reads
ATTRIBUTES = ("_events", "_lock", "_waiting")


def test_the_overridden_private_methods_exist_in_pyee() -> None:
    for name, parameters in OVERRIDDEN.items():
        method = getattr(AsyncIOEventEmitter, name, None)
        assert callable(method), f"pyee's AsyncIOEventEmitter has no {name}: the emitter's override is dead"
        assert list(inspect.signature(method).parameters)[1:] == parameters, name
        assert name in vars(BfxEventEmitter), f"the emitter no longer overrides {name}: update OVERRIDDEN"


def test_the_private_attributes_the_emitter_reads_exist() -> None:
    emitter = AsyncIOEventEmitter()
    for name in ATTRIBUTES:
        assert hasattr(emitter, name), f"pyee's AsyncIOEventEmitter has no {name}"


def test_an_override_is_what_pyee_calls() -> None:
    emitter = BfxEventEmitter(["ping"])
    seen: list[int] = []
    emitter.on("ping", seen.append)
    assert emitter.emit("ping", 1) and seen == [1]
    emitter.remove_listener("ping", seen.append)
    assert not emitter.emit("ping", 2) and seen == [1]


def test_setup_caps_pyee_to_the_tested_majors() -> None:
    match = re.search(r'"pyee>=(\d+)\.\d+,<(\d+)"', _SETUP.read_text(encoding="utf-8"))
    assert match, "setup.py must cap pyee: the emitter overrides private pyee methods"
    low, high = int(match[1]), int(match[2])
    assert low < high
    version = getattr(pyee, "__version__", None)
    if version is None:  # pyee does not always carry its version
        from importlib.metadata import version as installed  # pylint: disable=import-outside-toplevel

        version = installed("pyee")
    assert low <= int(str(version).split(".", maxsplit=1)[0]) < high, version
