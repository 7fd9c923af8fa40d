"""Fault injection: the simulator breaks the connection in five ways and the client recovers from each.

Faults: a dropped connection, a maintenance window, a connection that stays open but goes silent, refused
handshakes (HTTP 503), and lost frames (a gap in sequence numbers). After each, the client reconnects (or
resubscribes), restores the subscription with its ``sub_id``, and ticker updates flow again. The client's
timings are shortened (``WebSocketOptions``) so that the whole run takes a few seconds.

Run: python examples/testing/fault_injection.py  (it starts its own simulator)
"""

import asyncio
from datetime import timedelta

from bfxapi import Client
from bfxapi.testing import Simulator
from bfxapi.types import TradingPairTicker
from bfxapi.websocket import Backoff, WebSocketOptions, subscriptions

OPTIONS = WebSocketOptions(backoff=Backoff(initial=0.2, maximum=1.0), silence_limit=2.0)


async def main() -> None:
    async with Simulator(seed=1, market_interval=0.1, ticker_interval=0.5) as sim:
        async with Client(wss_host=sim.wss_host, wss_options=OPTIONS) as bfx:
            events: asyncio.Queue[str] = asyncio.Queue()
            prices: asyncio.Queue[float] = asyncio.Queue()

            @bfx.wss.on("subscribed")
            def on_subscribed(subscription: subscriptions.Ticker) -> None:
                print(f"    subscribed: {subscription['channel']} {subscription['symbol']} "
                      f"(sub_id {subscription['sub_id']})")

            @bfx.wss.on("reconnection")
            def on_reconnection(attempts: int, downtime: timedelta) -> None:
                print(f"    reconnection: back after {downtime.total_seconds():.1f} s, {attempts} attempt(s)")
                events.put_nowait("reconnection")

            @bfx.wss.on("maintenance")
            def on_maintenance(active: bool) -> None:
                print(f"    maintenance: {'started' if active else 'ended'}")
                events.put_nowait(f"maintenance {active}")

            @bfx.wss.on("sequence_gap")
            def on_sequence_gap(connection: str, expected: int, received: int) -> None:
                print(f"    sequence_gap on {connection}: expected {expected}, received {received}")

            @bfx.wss.on("t_ticker_update")
            def on_t_ticker_update(_: subscriptions.Ticker, ticker: TradingPairTicker) -> None:
                prices.put_nowait(ticker.last_price)

            async def expect(event: str) -> None:
                while await asyncio.wait_for(events.get(), timeout=10) != event:
                    pass

            async def data_flows() -> None:
                while not prices.empty():
                    prices.get_nowait()
                print(f"    ticker: tBTCUSD last {await asyncio.wait_for(prices.get(), timeout=10)}")

            def current_connection() -> int:
                return [connection for connection in sim.connections if connection.open][-1].id

            await bfx.wss.connect()
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD", sub_id="btc-ticker")
            await data_flows()

            print("1. the connection drops without a close frame")
            await sim.drop()
            await expect("reconnection")
            await data_flows()

            print("2. Bitfinex goes into maintenance, then comes back")
            await sim.start_maintenance()
            await expect("maintenance True")
            await sim.end_maintenance()
            await expect("maintenance False")
            await data_flows()

            print("3. the connection stays open but goes silent (no data, no heartbeats)")
            sim.stall(current_connection())
            await expect("reconnection")
            await data_flows()

            print("4. the next two handshakes are refused (HTTP 503), then the connection drops")
            sim.refuse_handshakes(2, 503)
            await sim.drop()
            await expect("reconnection")
            await data_flows()

            print("5. frames are lost: a gap in sequence numbers")
            sim.skip_sequence(current_connection())
            await expect("reconnection")
            await data_flows()

            print(f"recovered from every fault; {len(sim.connections)} connections opened in all")


if __name__ == "__main__":
    asyncio.run(main())
