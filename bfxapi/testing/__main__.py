"""``python -m bfxapi.testing``: serve the simulator until interrupted.

Three forms:

* ``python -m bfxapi.testing [OPTIONS]`` (or ``… serve [OPTIONS]``): the simulator;
* ``python -m bfxapi.testing serve --replay FILE [--speed N]``: replay a recording (or the text capture of
  ``tests/data``) to any client, N times faster than recorded;
* ``python -m bfxapi.testing record --channels KEYS --duration S --out FILE [--host wss://…]``: record a session
  from Bitfinex's public host (or another) into a recording (:mod:`bfxapi.testing.replay.format`).

Every mistake a user can make on the command line (a busy or impossible port, a symbol the market cannot
simulate, a bad number, a file that is not a recording) ends the program with one line on standard error and exit
status 2, never with a traceback; Ctrl+C (status 130) and SIGTERM (status 0) stop it quietly.
"""

import argparse
import asyncio
import errno
import math
import re
import signal
import sys
from typing import Dict, List, Mapping, NoReturn, Optional

import aiohttp

from .model.market import DEFAULT_SYMBOLS, is_funding
from .replay import PUBLIC_HOST, RecordingError, Replay, record, subscribe_request
from .sim_accounts import DEMO_WALLETS
from .simulator import Simulator
from .tls import SimulatorTlsError

PROG = "python -m bfxapi.testing"

# What the market model can simulate: any trading pair it can split into two currencies (``tBTCUSD``,
# ``tTESTBTC:TESTUSD``, perpetuals such as ``tBTCF0:USTF0``); a pair without a built-in profile trades around a
# price drawn from the seed. Funding currencies need their profile (a generic one would lend at rates of
# 1 to 100 a day), so only those of the defaults are offered. Anything else would break the account engine
# (no base/quote) or make no sense, so it is refused before the server starts.
_TRADING = re.compile(r"t(?:[A-Z0-9]{6}|[A-Z0-9]{2,}:[A-Z0-9]{2,})")
_FUNDING = tuple(s for s in DEFAULT_SYMBOLS if is_funding(s))
_SYMBOL_RULE = (f"trading pairs are t + 6 capitals/digits (tBTCUSD) or t + BASE:QUOTE (tTESTBTC:TESTUSD), "
                f"funding currencies {' or '.join(_FUNDING)}")


def _wallet_lines(wallets: Mapping[str, Mapping[str, float]], indent: str) -> List[str]:
    return [f"{indent}{kind:<9}" + ", ".join(f"{amount:,.8g} {currency}" for currency, amount in balances.items())
            for kind, balances in wallets.items()]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line: the usage block argparse prints first would bury the message a user has to act on.
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


class _Formatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after each option, and the epilog's lines kept as written."""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535, 0 = any free port)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range (0-65535, 0 = any free port)")
    return port


def _seconds(text: str, zero_allowed: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_allowed):
        wanted = "a number of seconds >= 0" if zero_allowed else "a number of seconds > 0"
        raise argparse.ArgumentTypeError(f"{text!r} is not {wanted}")
    return value


def _interval(text: str) -> float:
    return _seconds(text)


def _heartbeat(text: str) -> float:
    return _seconds(text, zero_allowed=True)


def _symbols(text: str) -> List[str]:
    symbols: List[str] = []
    for symbol in (s.strip() for s in text.split(",")):
        if not symbol or symbol in symbols:
            continue
        if not (_TRADING.fullmatch(symbol) or symbol in _FUNDING):
            raise argparse.ArgumentTypeError(f"unknown symbol {symbol!r}: {_SYMBOL_RULE}")
        symbols.append(symbol)
    # the market draws its liquidations from the trading pairs: it cannot run without one
    if not any(s.startswith("t") for s in symbols):
        raise argparse.ArgumentTypeError(f"{text!r} has no trading pair; {_SYMBOL_RULE}")
    return symbols


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        formatter_class=_Formatter,
        description="A local Bitfinex (WebSocket and REST, public and authenticated) for offline tests and demos.",
        epilog=(
            "At start it creates a funded demo account and prints its API key, API secret and balances:\n"
            + "\n".join(_wallet_lines(DEMO_WALLETS, "  ")) + "\n"
            "Point any client at the printed hosts, for example:\n"
            "  BFX_WSS_HOST=ws://127.0.0.1:8765/ws/2 BFX_REST_HOST=http://127.0.0.1:8765/v2 python3 script.py\n"
            "Symbols: a trading pair is t + 6 capitals/digits (tBTCUSD) or t + BASE:QUOTE (tTESTBTC:TESTUSD);\n"
            "  one other than the defaults trades around a price drawn from the seed.\n"
            f"  Funding currencies: {', '.join(_FUNDING)}.\n"
            "Stop it with Ctrl+C or SIGTERM.\n"
            f"Also: {PROG} serve --replay FILE [--speed N] (replay a recording), and\n"
            f"  {PROG} record --channels KEYS --duration S --out FILE (record one; see record --help)."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address")
    parser.add_argument("--port", type=_port, default=8765, help="port (0 = any free port)")
    parser.add_argument("--seed", default="0", help="market seed: the same seed gives the same market")
    parser.add_argument("--symbols", type=_symbols, default=",".join(DEFAULT_SYMBOLS),
                        help="comma-separated trading pairs and funding currencies")
    parser.add_argument("--market-interval", type=_interval, default=0.25,
                        help="seconds between market steps (trades and book updates)")
    parser.add_argument("--heartbeat-interval", type=_heartbeat, default=15.0,
                        help="seconds between heartbeats (one clock for all channels of a connection; 0 = none)")
    parser.add_argument("--ticker-interval", type=_interval, default=10.0,
                        help="seconds between the ticker frames of a channel (sent when changed)")
    parser.add_argument("--status-interval", type=_interval, default=1.0,
                        help="seconds between derivatives status frames")
    parser.add_argument("--trade-update-delay", type=_heartbeat, default=1.5,
                        help="seconds from a trade's te to its tu (0 = together)")
    parser.add_argument("--no-rate-limits", action="store_true",
                        help="disable the connection-rate and REST rate limits")
    parser.add_argument("--tls", action="store_true",
                        help="serve wss:// and https:// with a throw-away certificate (needs trustme: pip install "
                             "'bfxapi[simulator-tls]'); its CA's file is printed at start")
    parser.add_argument("--tls-cert", metavar="PEM", help="serve TLS with this certificate (implies --tls)")
    parser.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    parser.add_argument("--replay", metavar="FILE",
                        help="serve this recording (python -m bfxapi.testing record) instead of the simulated "
                             "market: its public channels, to any client")
    parser.add_argument("--speed", type=_interval, default=1.0, help="with --replay: times faster than recorded")
    return parser


def _keys(text: str) -> List[str]:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    if not keys:
        raise argparse.ArgumentTypeError("no channel given")
    for key in keys:
        try:
            subscribe_request(key)
        except RecordingError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return keys


def _record_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} record",
        formatter_class=_Formatter,
        description="Record public channels of a Bitfinex WebSocket (frames and arrival times) into a gzip file "
                    "that `serve --replay` plays back.",
        epilog=(
            "Channel keys (comma-separated): ticker:SYMBOL, trades:SYMBOL, book:SYMBOL[:PREC[:FREQ[:LEN]]],\n"
            "  candles:trade:TF:SYMBOL, status:deriv:SYMBOL, status:liq:global. For example:\n"
            f"  {PROG} record --channels book:tBTCUSD:P0:F0:25,trades:tBTCUSD --duration 60 --out btc.jsonl.gz"
        ),
    )
    parser.add_argument("--channels", type=_keys, required=True, help="the channels to record")
    parser.add_argument("--duration", type=_interval, default=60.0, help="seconds to record")
    parser.add_argument("--out", required=True, help="the file to write (gzip JSON lines)")
    parser.add_argument("--host", default=PUBLIC_HOST, help="the WebSocket to record from")
    return parser


def _bind_error(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {host}"
    if error.errno == errno.EACCES:
        return f"no permission to listen on {host}:{port} (ports below 1024 need privileges)"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


def _print_banner(sim: Simulator) -> None:
    lines = [f"WebSocket: {sim.wss_host}", f"REST:      {sim.rest_host}"]
    ca_path = sim.tls.ca_path if sim.tls is not None else None
    if ca_path is not None:
        lines += [f"TLS CA:    {ca_path} (throw-away; trust it with Client(ssl=\"{ca_path}\"),",
                  f"           or SSL_CERT_FILE={ca_path} for an unmodified program)"]
    demo = sim.demo_account
    if demo is not None:
        lines += [f"Demo account (user id {demo.user_id}):", f"  API key:    {demo.api_key}",
                  f"  API secret: {demo.api_secret}", "  Balances:"]
        wallets: Dict[str, Dict[str, float]] = {}
        for (kind, currency), wallet in demo.wallets.items():
            wallets.setdefault(kind, {})[currency] = wallet.balance
        lines += _wallet_lines(wallets, "    ")
    lines += [f"Symbols:   {', '.join(sim.symbols)}", "Press Ctrl+C to stop."]
    print("\n".join(lines), flush=True)


def _stop_on_signals() -> "asyncio.Future[int]":
    """A future that a signal resolves with the exit status (SIGINT: 130, SIGTERM: 0)."""
    loop = asyncio.get_running_loop()
    stopped: "asyncio.Future[int]" = loop.create_future()

    def stop(status: int) -> None:
        if not stopped.done():
            stopped.set_result(status)

    for name, status in (("SIGINT", 130), ("SIGTERM", 0)):
        try:
            loop.add_signal_handler(getattr(signal, name), stop, status)
        except (NotImplementedError, AttributeError, RuntimeError):
            pass  # Windows: Ctrl+C still arrives as KeyboardInterrupt, handled in main()
    return stopped


async def _serve(args: argparse.Namespace) -> int:
    # Signals first, so that one arriving while the server starts still ends the program quietly.
    stopped = _stop_on_signals()
    if args.replay is not None:
        return await _serve_replay(args, stopped)
    try:
        sim = Simulator(seed=args.seed, symbols=args.symbols, host=args.host, port=args.port,
                        market_interval=args.market_interval, heartbeat_interval=args.heartbeat_interval or None,
                        ticker_interval=args.ticker_interval, status_interval=args.status_interval,
                        trade_update_delay=args.trade_update_delay,
                        connection_limit=None if args.no_rate_limits else 20,
                        rest_rate_limits=None if args.no_rate_limits else {},
                        tls=args.tls, tls_certfile=args.tls_cert, tls_keyfile=args.tls_key)
    except SimulatorTlsError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr, flush=True)
        return 2
    try:
        await sim.start()
    except OSError as error:
        await sim.stop()
        print(f"{PROG}: error: {_bind_error(args.host, args.port, error)}", file=sys.stderr, flush=True)
        return 2
    try:
        _print_banner(sim)
        return await stopped
    finally:
        await sim.stop()


async def _serve_replay(args: argparse.Namespace, stopped: "asyncio.Future[int]") -> int:
    try:
        replay = Replay(args.replay, speed=args.speed, host=args.host, port=args.port,
                        heartbeat_interval=args.heartbeat_interval or None)
    except (OSError, RecordingError, ValueError) as error:
        print(f"{PROG}: error: cannot replay {args.replay}: {error}", file=sys.stderr, flush=True)
        return 2
    try:
        await replay.start()
    except OSError as error:
        await replay.stop()
        print(f"{PROG}: error: {_bind_error(args.host, args.port, error)}", file=sys.stderr, flush=True)
        return 2
    try:
        recording = replay.recording
        print("\n".join([
            f"WebSocket: {replay.wss_host}",
            f"Replaying: {args.replay} (recorded from {recording.host}, {recording.duration_ms / 1000:.1f} s, "
            f"{len(recording.frames)} frames) at {args.speed:g}x",
            f"Channels:  {', '.join(replay.channels)}", "Press Ctrl+C to stop."]), flush=True)
        return await stopped
    finally:
        await replay.stop()


async def _record(args: argparse.Namespace) -> int:
    stopped = _stop_on_signals()
    stop = asyncio.Event()
    stopped.add_done_callback(lambda _: stop.set())
    print(f"Recording {', '.join(args.channels)} from {args.host} for {args.duration:g} s into {args.out}",
          flush=True)
    try:
        summary = await record(args.out, args.channels, host=args.host, duration=args.duration, stop=stop)
    except (OSError, asyncio.TimeoutError, aiohttp.ClientError, RecordingError) as error:
        print(f"{PROG}: error: cannot record from {args.host}: {error or type(error).__name__}", file=sys.stderr,
              flush=True)
        return 2
    print(f"{summary.frames} frames in {args.out} ({summary.ended}); {len(summary.channels)} channel(s), "
          f"{len(summary.refused)} refused, {summary.sequence_gaps} sequence gap(s), "
          f"{summary.checksums_verified} checksum(s) verified, {summary.checksum_mismatches} mismatch(es)",
          flush=True)
    return 130 if stopped.done() and stopped.result() == 130 else 0


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the CLI; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in ("serve", "record") else None
    try:
        if command == "record":
            return asyncio.run(_record(_record_parser().parse_args(argv[1:])))
        parser = _parser()
        if command == "serve":
            parser.prog = f"{PROG} serve"
        return asyncio.run(_serve(parser.parse_args(argv[1:] if command else argv)))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
