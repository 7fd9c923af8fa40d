"""Every file of ``examples/`` runs, as a script, against a simulator started here, and prints what it promises.

Each example is run with ``sys.executable`` in a subprocess whose environment points it at the simulator
(``BFX_REST_HOST``, ``BFX_WSS_HOST``) and, for authenticated examples, at a funded account of it
(``BFX_API_KEY``, ``BFX_API_SECRET``), after whatever state it needs has been set up (a position, a loan).
The test checks the exit code, the output, and for examples that change the account, the simulator's own
view of it. An example file this module does not know about fails the suite, so none can rot unnoticed.

Every WebSocket example promises, in its docstring, to end within N seconds (those that send orders: to give
up connecting); it must keep that promise when no server can be reached too. Each is also run against a
loopback port that refuses connections (two against one that accepts them and never answers), and must then
say that it could not connect and exit with 1 on time, leaving nothing behind (no traceback, no unclosed
session, no pending task). A REST example against the refusing port must fail at once with the library's
``RestConnectionError``. These runs touch no network but loopback.
"""

import ast
import asyncio
import os
import re
import socket
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator, Optional

import pytest

from bfxapi import Client
from bfxapi.testing import Simulator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FILES = sorted(path.relative_to(EXAMPLES).as_posix() for path in EXAMPLES.rglob("*.py"))

#: seconds an example may run (the WebSocket ones stop by themselves after 15 s at most)
RUN_TIMEOUT = 30.0

WALLETS = {
    "exchange": {"USD": 100_000.0, "BTC": 2.0, "ETH": 10.0, "UST": 100.0},
    "margin": {"USD": 50_000.0, "USTF0": 10_000.0},
    "funding": {"USD": 50_000.0},
}

Hook = Callable[[Simulator, Any, Client], Awaitable[None]]
Check = Callable[[Simulator, Any], None]


@dataclass
class Spec:
    """What an example needs and what it must print: ``expect`` maps a regular expression to the least
    number of lines matching it."""

    expect: dict[str, int]
    #: seconds within which the example's docstring promises that it ends (those that send orders: that it gives
    #: up connecting), a promise it must keep without a server too
    deadline: Optional[float] = None
    account: bool = False
    setup: Optional[Hook] = None
    check: Optional[Check] = None
    env: dict[str, str] = field(default_factory=dict)


# --- state the authenticated examples need, set up through the client as a user would ---------------------

async def open_margin_position(_: Simulator, __: Any, bfx: Client) -> None:
    notification = await bfx.rest.auth.submit_order("MARKET", "tBTCUSD", "0.01", None)
    assert notification.status == "SUCCESS", notification.text


async def borrow_funding(sim: Simulator, account: Any, bfx: Client) -> None:
    bid = await bfx.rest.auth.submit_funding_offer("LIMIT", "fUSD", "-500", "0.0001", 2)  # below FRR: not taken
    assert bid.status == "SUCCESS", bid.text
    loan = await sim.take_offer(account, bid.data.id)
    loan.no_close = 1  # kept open at the end of its period; the example turns that off


def no_position(_: Simulator, account: Any) -> None:
    assert not account.positions
    assert [position.status for position in account.position_history] == ["CLOSED"]


def funded_transfer(_: Simulator, account: Any) -> None:
    assert account.balance("funding", "ETH") == pytest.approx(0.001)
    assert account.balance("exchange", "UST") == pytest.approx(99.0)  # the 1 USDt withdrawal


def collateral_set(_: Simulator, account: Any) -> None:
    position = account.positions["tBTCF0:USTF0"]
    assert position.collateral == pytest.approx(round(position.collateral_min * 1.5, 2))


def offer_cancelled(_: Simulator, account: Any) -> None:
    assert not account.offers
    assert [(offer.amount_orig, offer.status) for offer in account.offer_history] == [(200, "CANCELED")]


def orders_cancelled(count: int, amount: float) -> Check:
    def check(_: Simulator, account: Any) -> None:
        assert not account.orders
        assert len(account.order_history) == count
        assert all(order.status == "CANCELED" and order.amount == amount for order in account.order_history)
    return check


def loans_released(_: Simulator, account: Any) -> None:
    assert [loan.no_close for loan in account.loans.values()] == [0]


def merchant_setting_stored(_: Simulator, account: Any) -> None:
    assert account.merchant.settings["bfx_pay_recommend_store"] == 1


SPECS: dict[str, Spec] = {
    # --- REST, public ----------------------------------------------------------------------------------------
    # (a bid's amount is positive, an ask's negative; not necessarily below 1: the examples run at once on one
    # simulator, and those that trade may have orders at the best level)
    "rest/public/book.py": Spec({
        r"^tBTCUSD P0: 25 bid levels, 25 ask levels$": 1, r"^  best bid \d+ \(\d+(\.\d+)?\), best ask \d+ \(-": 1,
        r"^tBTCUSD R0: \d+ orders, first: id \d+ at \d+": 1, r"^fUSD P0: \d+ levels, first: rate 0\.\d+": 1,
        r"^fUSD R0: \d+ offers": 1,
    }),
    "rest/public/conf.py": Spec({
        r"^pub:map:currency:sym: \{'BTCF0': 'BTC'": 1, r"^pub:list:pair:exchange: \d+ pairs, e\.g\. BTCUSD": 1,
        r"^pub:list:currency: \d+ currencies, e\.g\. BTC": 1,
    }),
    "rest/public/get_candles_hist.py": Spec({
        r"^tBTCUSD, 1m candles": 1, r"^  \d{4}-\d\d-\d\d \d\d:\d\d open \d+ close \d+ high \d+ low \d+ volume": 5,
        r"^fUSD:a30:p2:p30, 15m candles": 1, r"^  \d{4}-\d\d-\d\d \d\d:\d\d open 0\.\d+ close 0\.\d+$": 5,
    }),
    "rest/public/pulse_endpoints.py": Spec({
        r"^25 Pulse messages:$": 1, r"^  \[\w+\] ": 5, r"^profile \w+: \d+ followers, \d+ following$": 1,
    }),
    "rest/public/rest_calculation_endpoints.py": Spec({
        r"^buying 1\.5 BTC: average price \d+(\.\d+)? for 1\.5 BTC$": 1,
        r"^taking 10000 USD for 2 days: average daily rate 0\.\d+ for 10000 USD$": 1,
        r"^1 BTC = \d+(\.\d+)? USD$": 1,
    }),
    "rest/public/trades.py": Spec({
        r"^tBTCUSD: 15 trades, oldest first$": 1, r"^  #\d+ (buy |sell) [\d.e-]+ BTC at \d+": 5,
        r"^fUSD: 15 trades, newest first$": 1, r"^  #\d+ -?[\d.e-]+ USD at [\d.e-]+ per day for \d+ days$": 5,
    }),
    # --- REST, authenticated ---------------------------------------------------------------------------------
    "rest/auth/claim_position.py": Spec({
        r"^1 active position\(s\)$": 1, r"^position #\d+: 0\.01 tBTCUSD at \d+": 1,
        r"^  claim: SUCCESS \(Position claimed for 0\.01 BTC\.\); tBTCUSD is CLOSED$": 1,
    }, account=True, setup=open_margin_position, check=no_position),
    "rest/auth/get_wallets.py": Spec({
        r"^exchange USD +balance 100000, available 100000$": 1, r"^ funding USD +balance 50000": 1,
        r"^transfer: SUCCESS: 0\.001 Ethereum transferred from Exchange to Funding$": 1,
        r"^bitcoin deposit address: \w{20,}$": 1, r"^Lightning invoice for 0\.0001 BTC: lnbc\w+$": 1,
        r"^withdrawal: SUCCESS: .* \(id \d+\)$": 1,
    }, account=True, check=funded_transfer,
        env={"BFX_WITHDRAWAL_ADDRESS": "0x742d35Cc6634C0532925a3b844Bc454e4438f44e"}),
    "rest/auth/set_derivative_position_collateral.py": Spec({
        r"^order: SUCCESS": 1, r"^position: 0\.015 at \d+": 1,
        r"^collateral limits: min \d+(\.\d+)?, max \d+(\.\d+)?$": 1, r"^set collateral to [\d.]+: status 1 ": 1,
    }, account=True, check=collateral_set),
    "rest/auth/submit_funding_offer.py": Spec({
        r"^offer: SUCCESS: Submitting funding offer of 200 USD at 0\.1% for 2 days\.$": 1,
        r"^active offer #\d+: 200 fUSD at 0\.001 for 2 days \(ACTIVE\)$": 1, r"^cancel #\d+: SUCCESS": 1,
    }, account=True, check=offer_cancelled),
    "rest/auth/submit_order.py": Spec({
        r"^submit: SUCCESS": 1, r"^  order #\d+: 0\.015 tBTCUSD at \d+ \(ACTIVE\)$": 1,
        r"^update: SUCCESS": 1, r"^  order #\d+: 0\.02 at \d+$": 1, r"^cancel: SUCCESS": 1,
    }, account=True, check=orders_cancelled(1, 0.02)),
    "rest/auth/toggle_keep_funding.py": Spec({
        r"^1 active fUSD loan\(s\)$": 1, r"^  loan #\d+: 500 USD at 0\.0001 for 2 days$": 1,
        r"^keep funding: SUCCESS": 1,
    }, account=True, setup=borrow_funding, check=loans_released),
    # --- REST, merchant --------------------------------------------------------------------------------------
    "rest/merchant/settings.py": Spec({
        r"^bfx_pay_recommend_store set to 1$": 1, r"^bfx_pay_preferred_fiat: ": 1,
        r"^bfx_pay_recommend_store: 1$": 1, r"^bfx_pay_dust_balance_ui: ": 1,
    }, account=True, check=merchant_setting_stored),
    "rest/merchant/submit_invoice.py": Spec({
        r"^invoice [0-9a-f-]{36}: 1(\.0)? USD, CREATED$": 1, r"^  pay [\d.]+ ETH to \w+$": 1,
        r"^after complete_invoice: COMPLETED$": 1, r"^1 invoice\(s\), e\.g\. order-0001: COMPLETED$": 1,
        r"^page 1 of 1: 1 of 1 invoice\(s\)$": 1,
    }, account=True),
    # --- WebSocket, public -----------------------------------------------------------------------------------
    "websocket/public/derivatives_status.py": Spec({
        r"^deriv:tBTCF0:USTF0: price \d+, spot \d+, mark \d+, funding -?[\d.e-]+, open interest [\d.]+$": 5,
    }, deadline=15),
    "websocket/public/order_book.py": Spec({
        r"^snapshot: 25 bids, 25 asks$": 1, r"^checksum \d+ matches \(best bid \d+, best ask \d+\)$": 10,
        r"^10 checksum\(s\) verified$": 1,
    }, deadline=15),
    "websocket/public/raw_order_book.py": Spec({
        r"^tBTCUSD is synced: 25 bid orders, 25 ask orders$": 1,
        r"^tBTCUSD R0: best bid order #\d+ 0?\.?[\d.e-]+ at \d+, best ask order #\d+ -[\d.e-]+ at \d+$": 10,
        r"^[1-9]\d* checksum\(s\) verified, 0 mismatch\(es\)$": 1,
    }, deadline=15),
    "websocket/public/ticker.py": Spec({
        r"^\[[0-9a-f]{8}\] tBTCUSD: last \d+, bid \d+, ask \d+, 24h volume [\d.]+$": 5,
    }, deadline=15),
    "websocket/public/trades.py": Spec({
        r"^candle trade:1m:tBTCUSD: open \d+, close \d+, volume [\d.e-]+$": 1,
        r"^trade tBTCUSD: (buy|sell) [\d.e-]+ at \d+$": 1,
        r"^(candle|trade) ": 10,
    }, deadline=15),
    # --- WebSocket, authenticated ----------------------------------------------------------------------------
    "websocket/auth/calc.py": Spec({
        r"^base margin: balance 60000, net 60000, P/L 0$": 1,
        r"^tBTCUSD margin: tradable [\d.]+, buy [\d.]+, sell -[\d.]+$": 1,
        r"^fUSD funding: lending yield [\d.]+, loan yield [\d.]+$": 1,
    }, deadline=15, account=True),
    "websocket/auth/submit_order.py": Spec({
        r"^authenticated as user \d+$": 1, r"^on-req: SUCCESS": 1,
        r"^order_new: #\d+ EXCHANGE LIMIT 0\.001 tBTCUSD at \d+$": 1, r"^oc-req: SUCCESS": 1,
        r"^order_cancel: #\d+ CANCELED$": 1,
    }, deadline=15, account=True, check=orders_cancelled(1, 0.001)),
    "websocket/auth/wallets.py": Spec({
        r"^exchange USD +100000$": 1, r"^  margin USTF0 +10000$": 1, r"^ funding USD +50000$": 1,
        r"^update: exchange USD is now 100000$": 1,
    }, deadline=15, account=True),
    # --- WebSocket, what only this library has ---------------------------------------------------------------
    "websocket/awaited_inputs.py": Spec({
        r"^submit: SUCCESS: order #\d+ \(cid \d+\) at \d+$": 5, r"^update: SUCCESS: order #\d+ is now 0\.002$": 5,
        r"^submit 1000 BTC: ERROR: .*not enough": 1, r"^cancel: 5 of 5 orders cancelled$": 1,
    }, deadline=15, account=True, check=orders_cancelled(5, 0.002)),
    "websocket/managed_order_book.py": Spec({
        r"^tBTCUSD is synced$": 1, r"^tBTCUSD: bid \d+ / ask \d+, spread [\d.]+, mid [\d.]+$": 10,
        r"^best 3 bids: [\d.]+ at \d+, [\d.]+ at \d+, [\d.]+ at \d+$": 1, r"^best 3 asks: ": 1,
        r"^bid volume [\d.]+ BTC, ask volume [\d.]+ BTC$": 1, r"^[1-9]\d* checksum\(s\) verified, 0 mismatch": 1,
        r"^tBTCUSD is closed$": 1,
    }, deadline=15),
    "websocket/health.py": Spec({
        r"^health: ws 1/1 open, 2 subscriptions, silent [\d.]+ s, ping (n/a|[\d.]+ ms), [1-9]\d* frames \([\d.]+ KiB\), "
        r"\d+ heartbeats, 0 reconnections, 0 gaps, 0 mismatches, 0 resyncs \| rest [12] requests, errors: none, "
        r"0 x 429, limiter wait [\d.]+ s, p50 [\d.]+ ms, p99 [\d.]+ ms$": 2,
        r"ping [\d.]+ ms": 1,
    }, deadline=15),
    "websocket/async_iteration.py": Spec({
        r"^trades: snapshot of the last \d+ trades$": 1, r"^trades: -?[\d.e-]+ at \d+$": 5,
        r"^ticker: tETHUSD last [\d.]+, bid [\d.]+, ask [\d.]+$": 5, r"^ticker: \d+ update\(s\) dropped$": 1,
    }, deadline=15),
    # --- the simulator ---------------------------------------------------------------------------------------
    "testing/simulator_in_your_tests.py": Spec({
        r"^test_the_bot_bids_below_the_market_and_counts_its_fills: passed$": 1,
        r"^test_the_bot_reports_a_refused_order: passed$": 1,
    }),
    "testing/fault_injection.py": Spec({
        r"^[1-5]\. ": 5, r"^    reconnection: back after [\d.]+ s, 1 attempt\(s\)$": 3,
        r"^    reconnection: back after [\d.]+ s, 3 attempt\(s\)$": 1, r"^    maintenance: ended$": 1,
        r"^    sequence_gap on ": 1, r"^    subscribed: ticker tBTCUSD \(sub_id btc-ticker\)$": 6,
        r"^recovered from every fault": 1,
    }),
}


def test_every_known_example_exists() -> None:
    missing = sorted(set(SPECS) - set(FILES))
    assert not missing, f"SPECS names examples that do not exist: {missing}"


async def run_example(name: str, spec: Spec) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BFX_")}
    async with Simulator(seed=11, market_interval=0.1, ticker_interval=0.5) as sim:
        env.update(BFX_REST_HOST=sim.rest_host, BFX_WSS_HOST=sim.wss_host, PYTHONUNBUFFERED="1", **spec.env)
        account = None
        if spec.account:
            account = sim.add_account(wallets=WALLETS)
            env.update(BFX_API_KEY=account.api_key, BFX_API_SECRET=account.api_secret)
            if spec.setup is not None:
                async with Client(account.api_key, account.api_secret, rest_host=sim.rest_host) as bfx:
                    await spec.setup(sim, account, bfx)
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(EXAMPLES / name), cwd=str(ROOT), env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
        except asyncio.TimeoutError:
            process.kill()
            stdout, stderr = await process.communicate()
            pytest.fail(f"{name} did not end within {RUN_TIMEOUT} s\n{stdout.decode()}\n{stderr.decode()}")
        except asyncio.CancelledError:  # the run is not needed any more (see Runner.close): it leaves no process
            process.kill()
            await process.wait()
            raise
        output, errors = stdout.decode(), stderr.decode()
        assert process.returncode == 0, f"{name} exited with {process.returncode}\n{output}\n{errors}"
        assert "Traceback" not in errors, errors
        if spec.check is not None:
            spec.check(sim, account)
        return output


#: examples run at once (each against a simulator of its own): most of an example's time is waiting on the
#: network or on the market, and three at a time keep the simulators' share of the two cores small
AT_ONCE = 3


class Runner:
    """Runs examples in a thread with an event loop of its own, ``AT_ONCE`` at a time, in the order given."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="examples", daemon=True)
        self.thread.start()
        self.futures: dict[str, "Future[str]"] = {}

    def start(self, names: list[str]) -> None:
        async def make_slots() -> asyncio.Semaphore:
            return asyncio.Semaphore(AT_ONCE)

        slots = asyncio.run_coroutine_threadsafe(make_slots(), self.loop).result()

        async def run(name: str, spec: Spec) -> str:
            async with slots:
                return await run_example(name, spec)

        for name in names:
            self.futures[name] = asyncio.run_coroutine_threadsafe(run(name, SPECS[name]), self.loop)

    def close(self) -> None:
        """Cancel the runs not needed (tests deselected or failed), wait for every run to end, stop the loop."""
        for future in self.futures.values():
            future.cancel()

        async def drain() -> None:
            tasks = asyncio.all_tasks() - {asyncio.current_task()}
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(drain(), self.loop).result(RUN_TIMEOUT * 2)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(RUN_TIMEOUT)
        self.loop.close()


@pytest.fixture(scope="module")
def examples(request: pytest.FixtureRequest) -> Iterator[Runner]:
    """Every example the session's tests ask for, started in the order of the tests."""
    runner = Runner()
    try:
        names = [item.callspec.params["name"] for item in request.session.items
                 if getattr(item, "originalname", None) == "test_example" and item.path == request.path
                 and item.callspec.params["name"] in SPECS]
        runner.start(names)
        yield runner
    finally:
        runner.close()


@pytest.mark.parametrize("name", FILES)
def test_example(examples: Runner, name: str) -> None:
    spec = SPECS.get(name)
    assert spec is not None, f"examples/{name} is not tested: add it to SPECS in {Path(__file__).name}"
    output = examples.futures[name].result()
    lines = output.splitlines()
    for pattern, least in spec.expect.items():
        matching = [line for line in lines if re.search(pattern, line)]
        assert len(matching) >= least, (
            f"{name}: expected at least {least} line(s) matching {pattern!r}, got {len(matching)}\n{output}"
        )
    assert not any(line.startswith("stopped after") for line in lines), output


# --- without a server: every example ends on time, and says why ---------------------------------------------

#: examples that promise to end within a deadline, run against servers that cannot be reached
DEADLINES = {name: spec.deadline for name, spec in SPECS.items() if spec.deadline is not None}
#: REST examples, run against a port that refuses connections (dummy keys: they get as far as the network)
REST = sorted(name for name in SPECS if name.startswith("rest/"))
#: run against a server that accepts connections and never answers: one with a deadline on the whole
#: session, one with a deadline on connecting only (it sends orders once connected)
HELD = ["websocket/public/ticker.py", "websocket/awaited_inputs.py"]

#: seconds ``asyncio.run(main())`` may take beyond the example's deadline: closing the client
CLOSING = 3.0
#: seconds a whole process may take beyond that: starting the interpreter and importing, two dozen processes at
#: once on 2 shared cores
START_UP = 20.0

#: ``python EXAMPLE``, except that it reports how long ``asyncio.run(main())`` took and the tasks still
#: pending once ``main()`` returned (a closed client leaves none)
RUNNER = """
import asyncio, os, runpy, sys, time

path = sys.argv[1]
sys.argv, sys.path[0] = sys.argv[1:], os.path.dirname(path)
run = asyncio.run


def checked_run(main, **options):
    async def checked():
        try:
            return await main
        finally:
            pending = asyncio.all_tasks() - {asyncio.current_task()}
            if pending:
                print(f"PENDING TASKS: {pending}", file=sys.stderr)

    started = time.monotonic()
    try:
        return run(checked(), **options)
    finally:
        print(f"asyncio.run() took {time.monotonic() - started:.2f} s", file=sys.stderr)


asyncio.run = checked_run
runpy.run_path(path, run_name="__main__")
"""
TOOK = re.compile(r"^asyncio\.run\(\) took ([\d.]+) s$", re.MULTILINE)

#: what a clean exit never prints
UNCLEAN = re.compile(r"Unclosed|unclosed|PENDING TASKS|Task was destroyed|never awaited|Exception ignored")


@dataclass
class Run:
    name: str
    killed: bool
    returncode: Optional[int]
    #: seconds from starting the process to its end, and those ``asyncio.run(main())`` took
    seconds: float
    took: Optional[float]
    stdout: str
    stderr: str

    def __str__(self) -> str:
        status = "killed" if self.killed else f"exit {self.returncode}"
        return f"{self.name}: {status} after {self.seconds:.1f} s\n{self.stdout}{self.stderr}"


async def run_offline(name: str, rest_host: str, wss_host: str, limit: float) -> Run:
    """Run an example against ``rest_host``/``wss_host``; kill it after ``limit`` seconds."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BFX_")}
    env.update(BFX_REST_HOST=rest_host, BFX_WSS_HOST=wss_host, BFX_API_KEY="key", BFX_API_SECRET="secret",
               PYTHONUNBUFFERED="1", PYTHONWARNINGS="default")
    loop = asyncio.get_running_loop()
    started = loop.time()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUNNER, str(EXAMPLES / name), cwd=str(ROOT), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    killed = False
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), limit)
    except asyncio.TimeoutError:
        killed = True
        process.kill()
        stdout, stderr = await process.communicate()
    errors = stderr.decode()
    took = TOOK.search(errors)
    return Run(name, killed, process.returncode, loop.time() - started, float(took.group(1)) if took else None,
               stdout.decode(), errors)


def ended_cleanly(run: Run, deadline: float) -> bool:
    """Within ``deadline`` (plus closing, plus start-up), with exit status 1, and leaving nothing behind."""
    return (
        not run.killed and run.returncode == 1
        and run.took is not None and run.took <= deadline + CLOSING and run.seconds <= deadline + CLOSING + START_UP
        and not UNCLEAN.search(run.stderr)
    )


def gave_up_on_time(run: Run, deadline: float) -> bool:
    """The example ended within its deadline, cleanly, and said that it could not connect."""
    said = re.compile(
        rf"^(stopped after {deadline:g} s: not connected to the server|could not connect within {deadline:g} s)$"
    )
    return (
        ended_cleanly(run, deadline) and "Traceback" not in run.stderr
        and any(said.match(line) for line in run.stderr.splitlines())
    )


def failed_with_rest_connection_error(run: Run) -> bool:
    """The example failed at once, cleanly, with the library's error for a request that could not be sent."""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    return (
        ended_cleanly(run, deadline=1.0)
        and bool(lines) and lines[-1].startswith("bfxapi.rest.exceptions.RestConnectionError: ")
    )


def test_every_websocket_example_promises_when_it_ends() -> None:
    """A WebSocket example has a deadline, and its docstring states it (the only "N s" it mentions)."""
    wrong = []
    for name in FILES:
        docstring = ast.get_docstring(ast.parse((EXAMPLES / name).read_text(encoding="utf-8"))) or ""
        promised = {float(seconds) for seconds in re.findall(r"\b(\d+) s\b", docstring)}
        deadline = DEADLINES.get(name)
        if promised != ({deadline} if deadline is not None else set()):
            wrong.append(f"{name}: the docstring promises {sorted(promised)} s, SPECS says {deadline}")
        if name.startswith("websocket/") and deadline is None:
            wrong.append(f"{name}: a WebSocket example without a deadline")
    assert not wrong, "\n".join(wrong)


async def refused_runs() -> list[Run]:
    """Every example with a deadline, and every REST one, against a port that refuses connections."""
    # A port bound (and not listening) for the whole run: connecting to it is refused, and no other
    # process can take it meanwhile
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        rest_host, wss_host = f"http://127.0.0.1:{port}/v2", f"ws://127.0.0.1:{port}/ws/2"
        limit = max(DEADLINES.values()) + CLOSING + START_UP + 10
        return list(await asyncio.gather(*(run_offline(name, rest_host, wss_host, limit)
                                           for name in [*DEADLINES, *REST])))


async def held_runs() -> tuple[list[Run], int]:
    """The ``HELD`` examples against a server that accepts connections and never answers; and how many
    connections it accepted."""
    accepted = 0

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        await reader.read()  # until the example hangs up; never a byte back
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        rest_host, wss_host = f"http://127.0.0.1:{port}/v2", f"ws://127.0.0.1:{port}/ws/2"
        limit = max(DEADLINES.values()) + CLOSING + START_UP + 10
        runs = await asyncio.gather(*(run_offline(name, rest_host, wss_host, limit) for name in HELD))
    return list(runs), accepted


async def offline_runs() -> tuple[list[Run], tuple[list[Run], int]]:
    return await asyncio.gather(refused_runs(), held_runs())


@pytest.fixture(scope="module")
def offline() -> Iterator["Future[tuple[list[Run], tuple[list[Run], int]]]"]:
    """The runs of both tests below, at once (each mostly waits for the 15 s deadlines: together, they wait
    once), in a thread with an event loop of its own."""
    with ThreadPoolExecutor(1) as pool:
        yield pool.submit(asyncio.run, offline_runs())


@pytest.mark.timeout(90)
def test_examples_end_on_time_when_connections_are_refused(
        offline: "Future[tuple[list[Run], tuple[list[Run], int]]]") -> None:
    runs, _ = offline.result()
    wrong = [
        str(run) for run in runs
        if not (gave_up_on_time(run, DEADLINES[run.name]) if run.name in DEADLINES
                else failed_with_rest_connection_error(run))
    ]
    assert not wrong, "\n\n".join(wrong)


@pytest.mark.timeout(80)
def test_examples_end_on_time_when_the_server_never_answers(
        offline: "Future[tuple[list[Run], tuple[list[Run], int]]]") -> None:
    _, (runs, accepted) = offline.result()
    assert accepted >= len(HELD), f"{accepted} connection(s) accepted"
    wrong = [str(run) for run in runs if not gave_up_on_time(run, DEADLINES[run.name])]
    assert not wrong, "\n\n".join(wrong)
