"""Soak test of the managed account (issue #15, "Done when"): a trading bot places, amends and cancels orders
against a moving market with fills, while random faults hit the authenticated connection at random moments
(drops, info 20051, silent stalls, stalls then drops, maintenance, drops between an input and its answer).

After every schedule, once the client is connected, synced and reconciled, the managed account must equal the
simulator's account, every fill must have been delivered exactly once, and every awaited input's result must
match what the server did. Each schedule is seeded (``random.Random(seed)``): a failure names its seed.
"""

import asyncio
import dataclasses
import datetime
import random
from collections import Counter
from typing import Any, Optional

import pytest

from bfxapi.types import Notification, RecoveredTrade
from bfxapi.websocket._outcomes import RECOVERED
from bfxapi.websocket.exceptions import (
    ActionRequiresAuthentication,
    InputInterruptedError,
    InputNotExecutedError,
    InputTimeoutError,
    MaintenanceInProgressError,
    OrderNotPlacedError,
)

from ws_support import Recorder, auth_client, simulator

SCHEDULES = 50
PER_SIMULATOR = 10
SYMBOL = "tBTCUSD"
SYNC = 6.0
#: bounds every awaited input: input_timeout (3 s) + input_resolution_timeout (4 s) + slack
INPUT_BOUND = 9.0
EVENTS = ("authenticated", "account_reconciled", "trade_execution", "order_new", "order_update", "order_cancel",
          "wallet_update", "position_new", "position_update", "position_close")
FAULTS = ("drop", "info", "stall_drop", "stall_silence", "maintenance", "lost_answer")
INPUT_KINDS = ("on", "ou", "oc", "oc_multi")


@dataclasses.dataclass
class Totals:
    schedules: int = 0
    fills: int = 0
    recovered_fills: int = 0
    resolved_after_drop: int = 0
    duplicates: int = 0
    misses: int = 0
    faults: Counter = dataclasses.field(default_factory=Counter)
    inputs: Counter = dataclasses.field(default_factory=Counter)
    #: InputInterruptedError / InputTimeoutError of new orders and cancels (allowed: counted, reported)
    unresolved_new_or_cancel: list = dataclasses.field(default_factory=list)
    #: updates the server could not tell about (they asked for the values the order had, or it changed otherwise)
    unresolved_updates: int = 0
    discrepancies: list = dataclasses.field(default_factory=list)

    def line(self) -> str:
        return (f"schedules={self.schedules} fills={self.fills} recovered_fills={self.recovered_fills} "
                f"inputs_resolved_after_drop={self.resolved_after_drop} duplicates={self.duplicates} "
                f"misses={self.misses} unresolved_new_or_cancel={len(self.unresolved_new_or_cancel)} "
                f"unresolved_updates={self.unresolved_updates} "
                f"faults={dict(self.faults)} inputs={dict(self.inputs)}")


@dataclasses.dataclass
class Sent:
    kind: str  # "on", "ou", "oc", "oc_multi"
    cid: Optional[int] = None
    order_id: Optional[int] = None
    outcome: Any = None  # a Notification or an exception
    done: bool = False
    price: Optional[float] = None  # of an update
    order_ids: tuple = ()  # of a multiple cancel

    def key(self) -> tuple:
        """What identifies the server's answer to this input among its notifications."""
        return self.kind, self.order_ids or (self.order_id,), self.price

    def verdict(self) -> str:
        """executed, failed (the server answered ERROR), not_executed, unknown, or refused (never sent)."""
        outcome = self.outcome
        if isinstance(outcome, Notification):
            return "executed" if outcome.status == "SUCCESS" else "failed"
        if isinstance(outcome, InputNotExecutedError):
            return "not_executed"
        if isinstance(outcome, (ActionRequiresAuthentication, MaintenanceInProgressError)):
            return "refused"
        return "unknown"


def _server_key(note: list) -> Optional[tuple]:
    """The key (as :meth:`Sent.key`) of a SUCCESS notification the simulator issued for an update or cancel."""
    kind, info, status = note[1].removesuffix("-req"), note[4], note[6]
    if status != "SUCCESS":
        return None
    if kind == "ou":
        return kind, (info[0],), float(info[16])
    if kind == "oc":
        return kind, (info[0],), None
    if kind == "oc_multi":
        return kind, tuple(sorted(row[0] for row in info)), None
    return None

def _sim_state(account: Any) -> dict[str, Any]:
    """The simulator's account, reduced to what the managed account must hold identically."""
    return {
        "orders": {o.id: (o.symbol, o.amount, o.price) for o in account.orders.values()},
        "positions": {p.id: (p.symbol, p.amount, p.base_price) for p in account.positions.values()},
        "wallets": {key: w.balance for key, w in account.wallets.items()},
        "funding_offers": {o.id: o.amount for o in account.offers.values()},
        "funding_credits": {c.id: c.amount for c in account.credits.values()},
        "funding_loans": {c.id: c.amount for c in account.loans.values()},
    }


def _managed_state(mine: Any) -> dict[str, Any]:
    return {
        "orders": {o.id: (o.symbol, o.amount, o.price) for o in mine.orders.values()},
        "positions": {p.position_id: (p.symbol, p.amount, p.base_price) for p in mine.positions.values()},
        "wallets": {key: w.balance for key, w in mine.wallets.items()},
        "funding_offers": {o.id: o.amount for o in mine.funding_offers.values()},
        "funding_credits": {c.id: c.amount for c in mine.funding_credits.values()},
        "funding_loans": {c.id: c.amount for c in mine.funding_loans.values()},
    }


def _diff(expected: dict[str, Any], held: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for kind in expected:
        e, h = expected[kind], held[kind]
        if e != h:
            out[kind] = {key: (e.get(key), h.get(key)) for key in set(e) | set(h) if e.get(key) != h.get(key)}
    return out


def _auth_conn(sim: Any, account: Any) -> Any:
    try:
        return sim.authenticated_connection(account)
    except KeyError:
        return None


async def _run_input(sent: Sent, coroutine: Any, totals: Totals) -> None:
    try:
        sent.outcome = await asyncio.wait_for(coroutine, INPUT_BOUND)
    except asyncio.TimeoutError:
        sent.outcome = TimeoutError(f"the {sent.kind} input was not settled within {INPUT_BOUND} s")
    except (ActionRequiresAuthentication, MaintenanceInProgressError) as refused:
        sent.outcome = refused  # refused before anything was sent
    except (InputInterruptedError, InputTimeoutError) as error:
        sent.outcome = error
    except Exception as error:  # pylint: disable=broad-exception-caught
        sent.outcome = error
    sent.done = True
    totals.inputs[f"{sent.kind}:{type(sent.outcome).__name__}" + (
        f":{sent.outcome.status}" if isinstance(sent.outcome, Notification) else "")] += 1


async def _bot(rng: random.Random, sim: Any, account: Any, bfx: Any, sent: list[Sent], tasks: list[Any],
               totals: Totals, steps: int) -> None:
    inputs = bfx.wss.inputs
    for _ in range(steps):
        action = rng.choices(("submit", "update", "cancel", "cancel_cid", "cancel_multi", "advance", "fill"),
                             (5, 2, 2, 1, 1, 3, 2))[0]
        mid = sim.market.instruments[SYMBOL].mid
        if action == "submit":
            buy = rng.random() < 0.5
            price = round(mid * (1 + (-1 if buy else 1) * rng.uniform(-0.0005, 0.002)))
            amount = rng.choice(("0.001", "0.002", "0.005"))
            kind = rng.choice(("EXCHANGE LIMIT", "LIMIT"))
            cid = inputs.next_cid()
            record = Sent("on", cid=cid)
            coroutine = inputs.submit_order(kind, SYMBOL, amount if buy else f"-{amount}", str(price), cid=cid)
        elif action in ("update", "cancel", "cancel_cid", "cancel_multi"):
            open_ids = sorted(bfx.wss.account.orders)
            if not open_ids:
                continue
            order_id = rng.choice(open_ids)
            if action == "update":
                price = round(mid * (1 + rng.uniform(-0.002, 0.002)))
                record = Sent("ou", order_id=order_id, price=float(price))
                coroutine = inputs.update_order(order_id, price=str(price))
            elif action == "cancel":
                record = Sent("oc", order_id=order_id)
                coroutine = inputs.cancel_order(id=order_id)
            elif action == "cancel_cid":
                order = bfx.wss.account.orders[order_id]
                day = datetime.datetime.fromtimestamp(order.mts_create / 1000, datetime.timezone.utc)
                record = Sent("oc", order_id=order_id)
                coroutine = inputs.cancel_order(cid=order.cid, cid_date=day.strftime("%Y-%m-%d"))
            else:
                ids = tuple(sorted(rng.sample(open_ids, min(len(open_ids), rng.randint(1, 2)))))
                record = Sent("oc_multi", order_ids=ids)
                coroutine = inputs.cancel_order_multi(id=list(ids))
        elif action == "advance":
            await sim.advance(rng.randint(1, 4))
            await asyncio.sleep(rng.uniform(0, 0.05))
            continue
        else:
            resting = sorted(account.orders)
            if resting:
                order_id = rng.choice(resting)
                partial = rng.random() < 0.5
                amount = abs(account.orders[order_id].amount) / 2 if partial else None
                try:
                    await sim.fill_order(account, order_id, amount=amount)
                except (KeyError, ValueError):
                    pass
            await asyncio.sleep(rng.uniform(0, 0.05))
            continue
        sent.append(record)
        tasks.append(asyncio.ensure_future(_run_input(record, coroutine, totals)))
        await asyncio.sleep(rng.uniform(0, 0.08))


async def _fault(rng: random.Random, sim: Any, account: Any, kind: str, totals: Totals) -> None:
    conn = _auth_conn(sim, account)
    if kind == "maintenance":
        await sim.start_maintenance()
        await asyncio.sleep(rng.uniform(0, 0.3))
        await sim.end_maintenance()
    elif kind == "info":
        if conn is None:
            return
        await sim.send_info(20051, connection=conn)
    elif conn is None:
        return
    elif kind == "drop":
        await sim.drop(conn)
    elif kind == "stall_drop":
        sim.stall(conn)
        await asyncio.sleep(rng.uniform(0, 0.4))
        await sim.drop(conn)
    elif kind == "stall_silence":
        sim.stall(conn)  # the client notices the silence (silence_limit 1 s) and closes the connection
        try:
            await sim.wait_for(lambda: not conn.open, 2.5)
        except TimeoutError:
            totals.discrepancies.append("a stalled connection was not abandoned by the client within 2.5 s")
        await sim.drop(conn)
    elif kind == "lost_answer":
        # stall, wait for the next input to reach the server (its answer is held), maybe fill it, then drop
        sim.stall(conn)
        seen = len(conn.received)

        def new_input() -> Any:
            return next((m for m in conn.received[seen:] if isinstance(m, list) and len(m) > 3
                         and m[1] in INPUT_KINDS), None)

        try:
            frame = await sim.wait_for(new_input, 0.5)
        except TimeoutError:
            frame = None
        if frame is not None:
            totals.faults[f"lost_answer_of_{frame[1]}"] += 1
        if frame is not None and frame[1] == "on" and rng.random() < 0.5:
            placed = next((o for o in account.orders.values() if o.cid == frame[3].get("cid")), None)
            if placed is not None:
                await sim.fill_order(account, placed.id)
        await sim.drop(conn)
    totals.faults[kind] += 1


async def _faults(rng: random.Random, sim: Any, account: Any, totals: Totals, duration: float) -> int:
    count = rng.randint(1, 3)
    moments = sorted(rng.uniform(0, duration) for _ in range(count))
    start = asyncio.get_running_loop().time()
    for moment in moments:
        await asyncio.sleep(max(0.0, start + moment - asyncio.get_running_loop().time()))
        await _fault(rng, sim, account, rng.choice(FAULTS), totals)
    return count


async def _schedule(seed: int, sim: Any, totals: Totals) -> list[str]:
    """One fault schedule; returns its discrepancies (each naming the seed)."""
    rng = random.Random(seed)
    problems: list[str] = []
    account = sim.add_account(wallets={"exchange": {"USD": 100_000, "BTC": 2}, "margin": {"USD": 100_000}})
    bfx = auth_client(sim, account, input_resolution_timeout=4.0)
    events = Recorder(bfx, *EVENTS)
    sent: list[Sent] = []
    tasks: list[Any] = []
    try:
        await bfx.wss.connect()
        mine = bfx.wss.account
        assert await mine.wait_synced(SYNC), f"seed {seed}: the first sync did not come"
        steps = rng.randint(10, 18)
        bot = asyncio.ensure_future(_bot(rng, sim, account, bfx, sent, tasks, totals, steps))
        faults = asyncio.ensure_future(_faults(random.Random(f"{seed}:faults"), sim, account, totals, 0.9))
        await asyncio.wait_for(asyncio.gather(bot, faults), 15)
        if tasks:
            await asyncio.wait(tasks, timeout=INPUT_BOUND + 1)

        # quiet: connected, synced, and the last reconnection reconciled
        try:
            await sim.wait_for(lambda: _auth_conn(sim, account) is not None, 8)
        except TimeoutError:
            problems.append(f"seed {seed}: the client did not reconnect within 8 s")
            return problems
        if not await mine.wait_synced(SYNC):
            problems.append(f"seed {seed}: not synced {SYNC} s after the last reconnection")
            return problems

        def reconciled() -> bool:
            names = [name for name, _ in events.records if name in ("authenticated", "account_reconciled")]
            return events.count("authenticated") <= 1 or names[-1] == "account_reconciled"

        try:
            await events.wait(reconciled, timeout=SYNC)
        except asyncio.TimeoutError:
            problems.append(f"seed {seed}: no account_reconciled after the last of "
                            f"{events.count('authenticated')} authentications")

        # the managed state and the delivered fills catch up with the server's (frames may still be in flight)
        recorded = [t.id for t in account.trades]

        def delivered() -> list[int]:
            return [trade.id for (trade,) in events.of("trade_execution")]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 3.0
        while loop.time() < deadline and (
                _diff(_sim_state(account), _managed_state(mine)) or sorted(delivered()) != sorted(recorded)):
            await asyncio.sleep(0.02)

        state_diff = _diff(_sim_state(account), _managed_state(mine))
        if state_diff:
            problems.append(f"seed {seed}: managed account != simulator account (kind: {{key: (server, client)}}): "
                            f"{state_diff}")

        ids = delivered()
        counts = Counter(ids)
        duplicates = {i: n for i, n in counts.items() if n > 1}
        missed = sorted(set(recorded) - set(ids))
        extra = sorted(set(ids) - set(recorded))
        totals.fills += len(recorded)
        totals.recovered_fills += sum(1 for (t,) in events.of("trade_execution")
                                      if isinstance(t, RecoveredTrade) and t.recovered is True)
        totals.duplicates += sum(n - 1 for n in duplicates.values())
        totals.misses += len(missed)
        if duplicates or missed or extra:
            problems.append(f"seed {seed}: fills recorded {recorded}, delivered {ids}: duplicates {duplicates}, "
                            f"missed {missed}, unknown {extra}")

        # every awaited input's result against what the server did
        for record in sent:
            outcome = record.outcome
            if not record.done:
                problems.append(f"seed {seed}: a {record.kind} input never settled")
                continue
            if isinstance(outcome, Notification) and outcome.text and outcome.text.startswith(RECOVERED):
                totals.resolved_after_drop += 1
            if isinstance(outcome, OrderNotPlacedError):
                totals.resolved_after_drop += 1
            if record.kind == "on":
                held = [o for o in account.all_orders() if o.cid == record.cid]
                if isinstance(outcome, Notification) and outcome.status == "SUCCESS":
                    if outcome.data is None or account.order(outcome.data.id) is None or \
                            [o.id for o in held] != [outcome.data.id]:
                        problems.append(f"seed {seed}: submit cid={record.cid} answered SUCCESS "
                                        f"(order {getattr(outcome.data, 'id', None)}) but the server holds {held}")
                elif isinstance(outcome, Notification):
                    if held:
                        problems.append(f"seed {seed}: submit cid={record.cid} answered {outcome.status} "
                                        f"({outcome.text}) but the server holds {[o.id for o in held]}")
                elif isinstance(outcome, OrderNotPlacedError):
                    if held:
                        problems.append(f"seed {seed}: submit cid={record.cid} raised OrderNotPlacedError but the "
                                        f"server holds order(s) {[(o.id, o.status) for o in held]}")
                elif isinstance(outcome, (ActionRequiresAuthentication, MaintenanceInProgressError)):
                    if held:
                        problems.append(f"seed {seed}: submit cid={record.cid} refused before sending "
                                        f"({type(outcome).__name__}) but the server holds {[o.id for o in held]}")
                elif isinstance(outcome, (InputInterruptedError, InputTimeoutError)):
                    totals.unresolved_new_or_cancel.append(
                        f"seed {seed}: submit cid={record.cid}: {type(outcome).__name__}: {outcome} "
                        f"(server holds {[(o.id, o.status) for o in held]})")
                else:
                    problems.append(f"seed {seed}: submit cid={record.cid}: unexpected {outcome!r}")
            elif record.verdict() == "unknown":
                if record.kind == "ou":
                    totals.unresolved_updates += 1
                else:
                    totals.unresolved_new_or_cancel.append(
                        f"seed {seed}: {record.kind} of {record.order_ids or record.order_id}: "
                        f"{type(outcome).__name__}: {outcome}")
            if isinstance(outcome, InputNotExecutedError) and not isinstance(outcome, OrderNotPlacedError):
                totals.resolved_after_drop += 1
            if record.kind != "on" and record.verdict() not in ("executed", "failed", "not_executed", "unknown",
                                                                 "refused"):
                problems.append(f"seed {seed}: {record.kind}: unexpected {outcome!r}")

        # updates and cancels against the server's own record of what it did: for each input (kind, orders,
        # price), the server's successes lie between the inputs told executed and those plus the unknown ones
        server = Counter(key for key in map(_server_key, account.notifications) if key is not None)
        told: dict[tuple, Counter] = {}
        for record in sent:
            if record.kind != "on" and record.done:
                told.setdefault(record.key(), Counter())[record.verdict()] += 1
        for key, verdicts in told.items():
            if not verdicts["executed"] <= server[key] <= verdicts["executed"] + verdicts["unknown"]:
                outcomes = [(r.outcome.type, r.outcome.status, r.outcome.text) if isinstance(r.outcome, Notification)
                            else repr(r.outcome) for r in sent if r.done and r.kind != "on" and r.key() == key]
                problems.append(f"seed {seed}: {key}: the server executed it {server[key]} time(s), the client was "
                                f"told {dict(verdicts)}: {outcomes}")
        totals.schedules += 1
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        await bfx.close()
        sim.clients.remove(bfx)
    return problems


async def _schedules_on_one_simulator(first: int, totals: Totals) -> None:
    """Schedules ``first`` to ``first + PER_SIMULATOR - 1``, one after another on one simulator."""
    async with simulator(seed=first) as sim:
        for seed in range(first, min(first + PER_SIMULATOR, SCHEDULES)):
            totals.discrepancies.extend(await _schedule(seed, sim, totals))


@pytest.mark.timeout(150)
async def test_the_account_survives_random_fault_schedules() -> None:
    totals = Totals()
    # A schedule spends nearly all its time waiting (for a fault's moment, a dead link noticed, a reconnection,
    # an input's answer), so the simulators run side by side: each one's schedules still run one at a time,
    # and faults hit only the simulator they are injected in
    ended = await asyncio.gather(*(_schedules_on_one_simulator(first, totals)
                                   for first in range(0, SCHEDULES, PER_SIMULATOR)), return_exceptions=True)
    for outcome in ended:  # a group that failed half-way (its first sync did not come): the others ended too
        if isinstance(outcome, BaseException):
            raise outcome
    print(f"\nsoak: {totals.line()}")
    for line in totals.unresolved_new_or_cancel:
        print(f"soak: unresolved new order / cancel: {line}")
    for line in totals.discrepancies:
        print(f"soak: DISCREPANCY {line}")
    assert totals.schedules == SCHEDULES, totals.line()
    assert totals.duplicates == 0 and totals.misses == 0, totals.line()
    assert not totals.discrepancies, f"{totals.line()}\n" + "\n".join(totals.discrepancies)
    # A new order or a cancel always ends in what the server did (the send-failure case included).
    assert not totals.unresolved_new_or_cancel, "\n".join(totals.unresolved_new_or_cancel)
