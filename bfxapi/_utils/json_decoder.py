"""JSON decoding of what Bitfinex sends.

Frames are decoded once each, on the hot path. ``orjson`` decodes Bitfinex frames about twice as fast as
the standard library (see benchmarks/README.md); it is used when installed (``pip install bfxapi[speedups]``)
and the standard library otherwise. Both give the same Python values: ``int`` for integral numbers,
``float`` for the others.
"""

import importlib
import json
from typing import Any, Callable

__all__ = ["loads", "BACKEND"]

loads: Callable[[str], Any]

try:
    _orjson = importlib.import_module("orjson")
except ImportError:  # pragma: no cover - depends on the environment
    loads = json.loads
    BACKEND = "json"
else:
    loads = _orjson.loads
    BACKEND = "orjson"
