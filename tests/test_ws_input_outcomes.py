"""An input whose answer a drop lost is resolved after the reconnection by looking the order up: new orders by
``cid`` and date, cancels by id (issue #15, point 4). Only where the server cannot tell does the caller get
``InputInterruptedError``."""

import asyncio
from typing import Any, Awaitable, Callable

import pytest

from bfxapi import Client
from bfxapi.exceptions import InvalidInputError
from bfxapi.types import Notification, Order
from bfxapi.websocket import WebSocketOptions
from bfxapi.websocket._outcomes import RECOVERED
from bfxapi.websocket.exceptions import InputInterruptedError, InputNotExecutedError, OrderNotPlacedError

from ws_support import FAST, auth_client, auth_connection, simulator

SYNC = 5.0
#: bounds the wait for an outcome: input timeout (3 s) well before, the resolution's own bound after
OUTCOME = 10.0


async def _lost_answer(sim: Any, kind: str, send: Callable[[], Awaitable[Any]],
                       while_stalled: Callable[[Any], Awaitable[None]] | None = None) -> "asyncio.Future[Any]":
    """Send an input whose answer never leaves the server (the connection stalls), wait until the server has the
    input, let ``while_stalled`` act on it, then drop the connection; returns the caller's pending call."""
    connection = auth_connection(sim)
    sim.stall(connection)
    pending = asyncio.ensure_future(send())
    frame = await sim.wait_for_received(lambda m: isinstance(m, list) and len(m) > 1 and m[1] == kind, connection)
    if while_stalled is not None:
        await while_stalled(frame)
    await sim.drop(connection)
    return pending


async def _connected(sim: Any) -> tuple[Any, Client]:
    account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
    bfx = auth_client(sim, account)
    await bfx.wss.connect()
    assert await bfx.wss.account.wait_synced(SYNC)
    return account, bfx


def _held_with_cid(account: Any, cid: int) -> Any:
    return next(order for order in account.orders.values() if order.cid == cid)


async def test_a_new_order_whose_answer_was_lost_is_found_in_the_fresh_snapshot() -> None:
    async with simulator() as sim:
        account, bfx = await _connected(sim)
        pending = await _lost_answer(
            sim, "on", lambda: bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000"))
        note = await asyncio.wait_for(pending, OUTCOME)

        assert isinstance(note, Notification) and isinstance(note.data, Order)
        assert (note.type, note.status) == ("on-req", "SUCCESS") and note.text and note.text.startswith(RECOVERED)
        held = _held_with_cid(account, note.data.cid)  # the order as the server holds it
        assert (note.data.id, note.data.amount, note.data.price) == (held.id, held.amount, held.price)
        assert note.data.order_status.startswith("ACTIVE") and note.data.id in bfx.wss.account.orders


async def test_a_new_order_that_filled_before_the_reconnection_is_found_in_the_history() -> None:
    async with simulator() as sim:
        account, bfx = await _connected(sim)

        async def fill(frame: Any) -> None:
            await sim.fill_order(account, _held_with_cid(account, frame[3]["cid"]).id)

        pending = await _lost_answer(
            sim, "on", lambda: bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000"), fill)
        note = await asyncio.wait_for(pending, OUTCOME)

        assert (note.type, note.status) == ("on-req", "SUCCESS") and note.text.startswith(RECOVERED)
        assert note.data.order_status.startswith("EXECUTED") and note.data.amount == 0
        assert [order.id for order in account.order_history if order.cid == note.data.cid] == [note.data.id]
        assert note.data.id not in bfx.wss.account.orders


async def test_a_new_order_the_server_never_received_is_reported_not_placed() -> None:
    async with simulator() as sim:
        account, bfx = await _connected(sim)
        sim.lose_next_input(auth_connection(sim))
        pending = await _lost_answer(
            sim, "on", lambda: bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000"))
        with pytest.raises(OrderNotPlacedError) as info:
            await asyncio.wait_for(pending, OUTCOME)

        assert isinstance(info.value, InputInterruptedError)  # older except clauses still catch it
        assert "not placed" in str(info.value) and "may be sent again" in str(info.value)
        assert not account.orders and not account.order_history and not bfx.wss.account.orders


async def test_a_cancel_whose_answer_was_lost_gets_the_cancelled_order() -> None:
    async with simulator() as sim:
        account, bfx = await _connected(sim)
        placed = (await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")).data
        pending = await _lost_answer(sim, "oc", lambda: bfx.wss.inputs.cancel_order(id=placed.id))
        note = await asyncio.wait_for(pending, OUTCOME)

        assert (note.type, note.status) == ("oc-req", "SUCCESS") and note.text.startswith(RECOVERED)
        assert note.data.id == placed.id and note.data.order_status.startswith("CANCELED")
        assert placed.id not in account.orders and placed.id not in bfx.wss.account.orders


async def test_a_cancel_the_server_never_received_is_reported_not_executed() -> None:
    async with simulator() as sim:
        account, bfx = await _connected(sim)
        placed = (await bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000")).data
        sim.lose_next_input(auth_connection(sim))
        pending = await _lost_answer(sim, "oc", lambda: bfx.wss.inputs.cancel_order(id=placed.id))
        with pytest.raises(InputNotExecutedError) as info:
            await asyncio.wait_for(pending, OUTCOME)

        assert "still open" in str(info.value) and "may be sent again" in str(info.value)
        assert placed.id in account.orders and placed.id in bfx.wss.account.orders


async def test_closing_the_client_fails_an_input_being_resolved_at_once() -> None:
    async with simulator() as sim:
        _, bfx = await _connected(sim)
        sim.refuse_handshakes(100)  # the connection cannot come back: the resolution waits for it
        pending = await _lost_answer(
            sim, "on", lambda: bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000"))
        await bfx.close()
        with pytest.raises(InputInterruptedError) as info:
            await asyncio.wait_for(pending, 1.0)
        assert "client was closed" in str(info.value)


def test_the_resolution_timeout_is_checked() -> None:
    with pytest.raises(InvalidInputError):
        WebSocketOptions(input_resolution_timeout=0)


async def test_an_order_whose_sending_failed_is_looked_up_too() -> None:
    # Found by the soak test: the server closed the connection and the client had not noticed yet, so the send
    # itself failed; the order was never placed, and the caller must learn that, not "may not have reached".
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = auth_client(sim, account)
        await bfx.wss.connect()
        assert await bfx.wss.account.wait_synced(5)
        connection = bfx.wss._auth  # pylint: disable=protected-access
        assert connection is not None

        async def send_into_a_closing_socket(_: Any) -> None:
            # What aiohttp does when the server has closed the socket and the client has not noticed yet.
            del connection.send  # the next sends are the real ones again
            await sim.drop(sim.authenticated_connection(account))
            raise ConnectionResetError("Cannot write to closing transport")

        connection.send = send_into_a_closing_socket  # type: ignore[method-assign]
        with pytest.raises(OrderNotPlacedError):
            await asyncio.wait_for(bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "15000"), 20)
        assert not account.orders and not bfx.wss.account.orders


async def test_a_lookup_that_fails_is_never_taken_for_an_answer() -> None:
    import socket  # pylint: disable=import-outside-toplevel

    with socket.socket() as probe:  # the order history over REST: a loopback port where nothing listens
        probe.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}/v2"
    async with simulator() as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000}})
        bfx = Client(account.api_key, account.api_secret, wss_host=sim.wss_host, rest_host=refused,
                     wss_options=FAST)
        sim.clients.append(bfx)
        await bfx.wss.connect()
        assert await bfx.wss.account.wait_synced(SYNC)

        async def fill(frame: Any) -> None:  # the order is placed and fills while away: not in the snapshot
            await sim.wait_for(lambda: any(o.cid == frame[3]["cid"] for o in account.orders.values()))
            await sim.fill_order(account, next(o.id for o in account.orders.values() if o.cid == frame[3]["cid"]))

        pending = await _lost_answer(
            sim, "on", lambda: bfx.wss.inputs.submit_order("EXCHANGE LIMIT", "tBTCUSD", "0.01", "20000"), fill)
        with pytest.raises(InputInterruptedError) as caught:
            await asyncio.wait_for(pending, OUTCOME)
        assert not isinstance(caught.value, OrderNotPlacedError)  # the server did place it: never "not placed"
        assert "asking the server failed" in str(caught.value)
