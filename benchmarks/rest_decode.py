"""REST decoding of a 10,000-candle history (Bitfinex's largest page), in one process, without the network.

The body is rest_server.py's (``candles/trade:1m:tBTC10K/hist``: prices to 0.1, volumes to 1e-8). Each variant
turns the bytes into what a caller gets, as the client does it (``decode_response`` of the REST middleware, then
the serializer's ``from_wire_list``):

- ``floor-json``: ``json.loads`` alone (the REST floor's decoding); ``floor-orjson``: ``orjson.loads`` alone;
- ``ours``: float mode (orjson when installed), ``Candle[float]`` objects;
- ``ours-decimal``: decimal mode (msgspec when installed), ``Candle[Decimal]`` objects;
- ``ours-decimal-json``: decimal mode with the standard library's ``parse_float=Decimal`` (the fallback).

Rounds alternate the variants (ABCD ABCD ...), the cyclic GC kept out of the timed calls; the result is the median
time per decode of each variant. Prints one JSON line (benchmarks/_meter.py convention).

    python3 benchmarks/rest_decode.py [--rounds 30]
"""

import argparse
import gc
import json
import statistics
import time
from typing import Any, Callable

import orjson

from bfxapi._utils import json_decoder
from bfxapi.rest._interface.responses import decode_response
from bfxapi.types.codec import Codec

import _meter
from rest_server import ROWS

PATH = "candles/trade:1m:tBTC10K/hist"


def variants(body: bytes) -> dict[str, Callable[[], Any]]:
    floats, decimals = Codec(False), Codec(True)

    def ours(codec: Codec[Any], decode: Callable[[str], Any]) -> Callable[[], Any]:
        def run() -> Any:
            rows = decode_response(200, body, {}, method="GET", path=PATH, decode=decode)
            return codec.Candle.from_wire_list(rows)
        return run

    return {
        "floor-json": lambda: json.loads(body),
        "floor-orjson": lambda: orjson.loads(body),
        "ours": ours(floats, floats.loads),
        "ours-decimal": ours(decimals, decimals.loads),
        "ours-decimal-json": ours(decimals, json_decoder.json_decimal_loads),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    body = ROWS["candles10k"]
    runs = variants(body)
    for run in runs.values():  # warm up (and check each gives 10,000 rows)
        assert len(run()) == 10_000
    times: dict[str, list[float]] = {name: [] for name in runs}
    gc.disable()
    try:
        for _ in range(args.rounds):
            for name, run in runs.items():
                started = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - started)
                gc.collect()
    finally:
        gc.enable()
    result = {name: {"median_ms": statistics.median(values) * 1000, "min_ms": min(values) * 1000}
              for name, values in times.items()}
    _meter.emit({"variants": result, "bytes": len(body), "rounds": args.rounds, "json": json_decoder.BACKEND,
                 "decimal_json": json_decoder.DECIMAL_BACKEND})


if __name__ == "__main__":
    main()
