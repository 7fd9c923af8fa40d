"""``calc`` inputs paced client-side under Bitfinex's limits (30 requests per input, 8 inputs per second): on a fake
clock, then end to end against the simulator, which refuses what goes over them (``Simulator(calc_batch_limit=30,
calc_rate_limit=8, calc_rate_window=1.0)``)."""

import asyncio
from typing import Any

import pytest

from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError
from bfxapi.websocket import WebSocketOptions
from bfxapi.websocket._client.bfx_websocket_inputs import BfxWebSocketInputs
from bfxapi.websocket._pacing import InputPacer

from ws_support import Recorder, auth_client, auth_connection, simulator

pytestmark = pytest.mark.timeout(30)


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # the other tasks of a burst start (and queue) before the time passes
        self.now += max(0.0, seconds)


def most_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


async def test_a_burst_of_20_goes_out_8_per_window_in_call_order() -> None:
    clock = FakeClock()
    pacer = InputPacer(8, 1.0, margin=0.1, clock=clock, sleep=clock.sleep)
    sent: list[tuple[int, float]] = []

    async def one(index: int) -> None:
        await pacer.acquire()
        sent.append((index, clock.now))

    await asyncio.gather(*(one(index) for index in range(20)))
    assert [index for index, _ in sent] == list(range(20))  # first come, first served
    times = [at - 1000.0 for _, at in sent]
    assert times == pytest.approx([0.0] * 8 + [1.1] * 8 + [2.2] * 4)
    assert most_in_any_window(times, 1.1) == 8  # the server's 1 s window, plus the margin, never sees a 9th
    assert pacer.inputs == 20 and pacer.waited == pytest.approx(8 * 1.1 + 4 * 2.2)


async def test_the_window_slides_and_no_limit_means_no_wait() -> None:
    clock = FakeClock()
    pacer = InputPacer(2, 1.0, margin=0.0, clock=clock, sleep=clock.sleep)
    assert [await pacer.acquire() for _ in range(2)] == [0.0, 0.0]
    clock.now += 0.75
    assert await pacer.acquire() == pytest.approx(0.25)  # waits only for the first one to leave the window
    unlimited = InputPacer(None, 1.0, clock=clock, sleep=clock.sleep)
    before = clock.now
    for _ in range(100):
        assert await unlimited.acquire() == 0.0
    assert clock.now == before and unlimited.inputs == 100


@pytest.mark.parametrize(("limit", "error"), [((0, 1.0), InvalidInputError), ((8, 0.0), InvalidInputError),
                                              ((8.0, 1.0), InvalidInputError), (8, InvalidInputTypeError)])
def test_the_calc_rate_limit_option_is_checked(limit: Any, error: type) -> None:
    assert WebSocketOptions().calc_rate_limit == (8, 1.0)
    assert WebSocketOptions(calc_rate_limit=(None, 0.0)).calc_rate_limit == (None, 0.0)
    with pytest.raises(error):
        WebSocketOptions(calc_rate_limit=limit)


class FakeConnection:
    def __init__(self) -> None:
        self.inputs: list[tuple[str, Any]] = []

    async def send_input(self, abbreviation: str, body: Any) -> None:
        self.inputs.append((abbreviation, body))


async def test_a_calc_of_more_than_30_requests_goes_in_batches_of_30_all_checked_first() -> None:
    clock = FakeClock()
    connection = FakeConnection()
    inputs = BfxWebSocketInputs(lambda: connection, InputPacer(8, 1.0, clock=clock, sleep=clock.sleep))  # type: ignore[arg-type,return-value]
    names = [f"wallet_exchange_C{index:02d}" for index in range(70)]
    await inputs.calc(*names)
    assert [kind for kind, _ in connection.inputs] == ["calc"] * 3
    assert [len(body) for _, body in connection.inputs] == [30, 30, 10]
    assert [row[0] for _, body in connection.inputs for row in body] == names  # in order, each once
    with pytest.raises(InvalidInputError):
        await inputs.calc(*names[:65], "nonsense", *names[65:])  # the bad name is in the third batch
    with pytest.raises(InvalidInputError):
        await inputs.calc()
    assert len(connection.inputs) == 3  # nothing of the refused calls was sent


async def test_20_calc_calls_at_once_are_all_executed_none_refused() -> None:
    async with simulator(calc_batch_limit=30, calc_rate_limit=8, calc_rate_window=1.0) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "balance_update", "wss-error")
        await bfx.wss.connect()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.wait_for(asyncio.gather(*(bfx.wss.inputs.calc("balance") for _ in range(20))), 10)
        took = loop.time() - started
        await events.wait_count("balance_update", 20)
        server = auth_connection(sim)
        refusals = [frame for frame in server.sent if isinstance(frame, dict) and frame.get("event") == "error"]
        calcs = [message for message in server.received if isinstance(message, list) and message[1] == "calc"]
        executed = [frame for frame in server.sent if isinstance(frame, list) and frame[1] == "bu"]
        assert refusals == [] and events.count("wss-error") == 0
        assert len(calcs) == 20 and len(executed) == 20 and events.count("balance_update") == 20
        assert took >= 2.0  # 8, then 8 about 1.1 s later, then 4 about 2.2 s after the first
        stats = bfx.wss.stats()
        assert stats.calc_inputs == 20 and stats.calc_wait > 8 * 1.0

        # 31 requests in one call: two inputs (30 + 1), neither refused for its size
        await bfx.wss.inputs.calc(*["balance"] * 31)
        await events.wait_count("balance_update", 20 + 31)
        calcs = [message for message in server.received if isinstance(message, list) and message[1] == "calc"]
        assert [len(message[3]) for message in calcs[20:]] == [30, 1]
        assert not [frame for frame in server.sent if isinstance(frame, dict) and frame.get("event") == "error"]
        await bfx.close()


async def test_without_pacing_the_simulator_refuses_the_burst() -> None:
    """The control: the same burst with the client's pacing off is refused by the server past the 8th."""
    async with simulator(calc_batch_limit=30, calc_rate_limit=8, calc_rate_window=1.0) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account, calc_rate_limit=(None, 0.0))
        events = Recorder(bfx, "balance_update", "wss-error")
        await bfx.wss.connect()
        await asyncio.gather(*(bfx.wss.inputs.calc("balance") for _ in range(20)))
        await events.wait(lambda: events.count("balance_update") + events.count("wss-error") == 20)
        assert events.count("wss-error") >= 1 and all(code == 11010 for code, _ in events.of("wss-error"))
        await bfx.close()
