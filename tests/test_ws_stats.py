"""``bfx.wss.stats()`` and the ``heartbeat`` event, against the simulator on loopback, with faults injected to make
every counter move: a drop (reconnections), a skipped sequence number (sequence gaps), a corrupted checksum
(checksum mismatches and book resyncs), refused handshakes (the ``reconnecting`` state)."""

import dataclasses

import pytest

from bfxapi import Client
from bfxapi.websocket import ConnectionStats, WebSocketStats

from ws_support import Recorder, auth_client, client, open_connections, simulator

pytestmark = pytest.mark.timeout(30)


def public(bfx: Client) -> ConnectionStats:
    """The snapshot of the client's only public connection."""
    stats = bfx.wss.stats()
    assert isinstance(stats, WebSocketStats)
    (connection,) = stats.public
    return connection


async def test_a_snapshot_of_a_healthy_connection_counts_what_the_server_sent() -> None:
    async with simulator(heartbeat_interval=None) as sim:
        bfx = client(sim)
        assert bfx.wss.stats().connections == ()  # nothing before connect()
        await bfx.wss.connect()
        ticker = await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        book = await bfx.wss.subscribe("book", symbol="tETHUSD")
        await sim.advance(3)
        server = open_connections(sim)[0]
        # Once the client has read everything the server wrote (pongs keep coming: ping_interval is 0.3 s)
        await sim.wait_for(lambda: public(bfx).frames_received == len(server.sent_text)
                           and public(bfx).ping_rtt is not None, timeout=5)
        stats = public(bfx)
        assert stats.name == "public-1" and stats.state == "open"
        assert stats.subscriptions == (ticker, book) and stats.subscription_count == 2
        assert stats.bytes_received == sum(len(text) for text in server.sent_text)
        assert stats.since_last_frame is not None and 0 <= stats.since_last_frame < 5
        assert stats.ping_rtt is not None and 0 < stats.ping_rtt < 1
        assert (stats.reconnections, stats.sequence_gaps, stats.checksum_mismatches, stats.book_resyncs) == (0, 0, 0, 0)
        whole = bfx.wss.stats()
        assert whole.subscriptions == 2 and whole.frames_received == stats.frames_received
        assert whole.authenticated is None and (whole.calc_inputs, whole.calc_wait) == (0, 0.0)
        with pytest.raises(dataclasses.FrozenInstanceError):
            stats.frames_received = 0  # type: ignore[misc]
        await bfx.close()
        assert bfx.wss.stats().connections == ()


async def test_drops_gaps_and_checksum_mismatches_are_counted_where_they_happened() -> None:
    async with simulator(heartbeat_interval=None) as sim:
        bfx = client(sim)
        events = Recorder(bfx, "reconnection", "sequence_gap", "checksum_mismatch", "order_book_state")
        await bfx.wss.connect()
        book = await bfx.wss.order_book("tBTCUSD")

        await sim.drop()
        await events.wait(lambda: events.count("reconnection") == 1 and book.synced)
        assert public(bfx).reconnections == 1 and public(bfx).sequence_gaps == 0

        sim.skip_sequence(open_connections(sim)[0])
        await sim.advance()
        await events.wait(lambda: events.count("reconnection") == 2 and book.synced)
        assert (public(bfx).reconnections, public(bfx).sequence_gaps) == (2, 1)

        connection = open_connections(sim)[0]
        sim.corrupt_next_checksum(connection)
        await sim.advance(3)
        await events.wait(lambda: events.count("checksum_mismatch") == 1 and book.synced)
        stats = public(bfx)
        assert (stats.checksum_mismatches, stats.book_resyncs) == (1, 1)
        assert (stats.reconnections, stats.sequence_gaps) == (2, 1)  # a resync is not a reconnection
        assert stats.state == "open" and stats.subscriptions == (book.sub_id,)
        await bfx.close()


async def test_a_connection_that_cannot_get_back_is_reported_reconnecting() -> None:
    async with simulator(heartbeat_interval=None) as sim:
        bfx = client(sim)
        events = Recorder(bfx, "reconnection")
        await bfx.wss.connect()
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="btc")
        sim.refuse_handshakes(3, 503)
        await sim.drop()
        await sim.wait_for(lambda: sim.handshakes_refused >= 1)
        stats = public(bfx)
        assert stats.state == "reconnecting" and stats.subscriptions == ("btc",)  # still owned while away
        await events.wait_count("reconnection", 1)
        assert public(bfx).state == "open" and public(bfx).reconnections == 1
        await bfx.close()


async def test_every_subscription_tells_its_heartbeats_with_its_own_subscription() -> None:
    async with simulator(heartbeat_interval=None) as sim:
        bfx = client(sim)
        events = Recorder(bfx, "heartbeat", "t_trade_execution", "candles_update")
        await bfx.wss.connect()
        sub_ids = [
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD"),
            await bfx.wss.subscribe("trades", symbol="tBTCUSD"),
            await bfx.wss.subscribe("book", symbol="tBTCUSD"),
            await bfx.wss.subscribe("book", symbol="tBTCUSD", prec="R0"),
            await bfx.wss.subscribe("candles", key="trade:1m:tBTCUSD"),
            await bfx.wss.subscribe("status", key="liq:global"),
        ]
        await sim.send_heartbeats()
        await events.wait(lambda: all(events.count("heartbeat", sub_id) == 1 for sub_id in sub_ids))
        for (subscription,) in events.of("heartbeat"):
            assert subscription is bfx.wss.subscriptions[subscription["sub_id"]]  # the dict other events carry
        assert len(events.of("heartbeat")) == len(sub_ids)
        await bfx.close()


async def test_the_authenticated_connection_has_its_own_stats_and_channel_0_heartbeats() -> None:
    async with simulator(heartbeat_interval=0.1) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 1000}})
        bfx = auth_client(sim, account)
        events = Recorder(bfx, "heartbeat")
        await bfx.wss.connect()
        # Channel 0 belongs to no subscription: None stands in its place.
        await events.wait(lambda: any(args == (None,) for args in events.of("heartbeat")))
        stats = bfx.wss.stats()
        auth = stats.authenticated
        assert auth is not None and auth.name == "authenticated" and auth.state == "open"
        assert auth.subscriptions == () and auth.frames_received > 0 and auth.bytes_received > 0
        assert [c.name for c in stats.connections] == ["public-1", "authenticated"]
        await bfx.close()
