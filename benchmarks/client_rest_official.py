"""REST load with the official 4.0.0 client (synchronous ``requests``), run by .venv-official's
interpreter; concurrency N runs N threads calling it, as a user would."""

from typing import Any, Callable

from bfxapi import Client  # the official package

import _meter
import _restload as rl


def main() -> None:
    args = rl.args(__doc__ or "")
    bfx = Client(api_key=rl.API_KEY, api_secret=rl.API_SECRET, rest_host=f"http://127.0.0.1:{args.port}/v2")
    calls: dict[str, Callable[[], Any]] = {
        "ticker": lambda: bfx.rest.public.get_t_ticker("tBTCUSD"),
        "book": lambda: bfx.rest.public.get_t_book("tBTCUSD", "P0", len=25),
        "candles": lambda: bfx.rest.public.get_candles_hist("tBTCUSD", "1m"),
        "wallets": bfx.rest.auth.get_wallets,
    }
    _meter.emit(rl.run_threads(calls[args.endpoint], args.concurrency, args.warmup, args.duration))


if __name__ == "__main__":
    main()
