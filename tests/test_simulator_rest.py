"""Simulator public REST: every endpoint of protocol.md §6.1, query parameters, errors, rate limits, 404."""

import aiohttp
import pytest


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


async def get(http, sim, path):
    async with http.get(f"{sim.rest_host}/{path}") as response:
        return response.status, await response.json(content_type=None)


async def test_platform_status_and_api_prefix(sim, http):
    assert await get(http, sim, "platform/status") == (200, [1])
    async with http.get(f"http://127.0.0.1:{sim.port}/api/v2/platform/status") as response:
        assert await response.json() == [1]


async def test_tickers(sim, http):
    status, rows = await get(http, sim, "tickers?symbols=tBTCUSD,fUSD,tNOPE")
    assert status == 200 and [r[0] for r in rows] == ["tBTCUSD", "fUSD"]
    assert len(rows[0]) == 11 and len(rows[1]) == 17
    _, rows = await get(http, sim, "tickers?symbols=ALL")
    assert {r[0] for r in rows} == set(sim.symbols)


async def test_ticker_matches_ws_row_and_invalid_symbol(sim, http, connect):
    client = await connect(sim)
    _, snapshot = await client.subscribe(channel="ticker", symbol="tETHUSD")
    assert await get(http, sim, "ticker/tETHUSD") == (200, snapshot[1])
    assert await get(http, sim, "ticker/tNOPE") == (500, ["error", 10020, "symbol: invalid"])


async def test_tickers_hist(sim, http):
    await sim.advance(3)
    status, rows = await get(http, sim, "tickers/hist?symbols=tBTCUSD&limit=5")
    assert status == 200 and len(rows) == 5 and all(len(r) == 13 and r[0] == "tBTCUSD" for r in rows)
    assert [r[12] for r in rows] == sorted((r[12] for r in rows), reverse=True)


async def test_trades_hist_params(sim, http, connect):
    client = await connect(sim)
    _, snapshot = await client.subscribe(channel="trades", symbol="tBTCUSD")
    _, rows = await get(http, sim, "trades/tBTCUSD/hist?limit=30")
    assert rows == snapshot[1]
    _, asc = await get(http, sim, "trades/tBTCUSD/hist?limit=10&sort=1")
    assert [r[1] for r in asc] == sorted(r[1] for r in asc) and len(asc) == 10
    start, end = rows[20][1], rows[5][1]
    _, window = await get(http, sim, f"trades/tBTCUSD/hist?start={start}&end={end}")
    assert window and all(start <= r[1] <= end for r in window)
    _, funding = await get(http, sim, "trades/fUSD/hist?limit=3")
    assert len(funding) == 3 and all(len(r) == 5 for r in funding)
    assert await get(http, sim, "trades/tBTCUSD/hist?limit=20000") == (500, ["error", 10020, "limit: invalid"])


async def test_book_errors(sim, http):
    assert await get(http, sim, "book/tBTCUSD/P7") == (500, ["error", 10020, "prec: invalid"])
    assert await get(http, sim, "book/tBTCUSD/P0?len=3") == (500, ["error", 10020, "len: invalid"])
    status, rows = await get(http, sim, "book/tBTCUSD/P0?len=1")
    assert status == 200 and len(rows) == 2 and rows[0][2] > 0 > rows[1][2]


async def test_stats1(sim, http):
    status, last = await get(http, sim, "stats1/pos.size:1m:tBTCUSD:long/last")
    assert status == 200 and len(last) == 2
    _, hist = await get(http, sim, "stats1/vol.1d:30m:BFX/hist?limit=4")
    assert len(hist) == 4 and hist[0][0] - hist[1][0] == 30 * 60_000
    assert (await get(http, sim, "stats1/nope:1m:tBTCUSD/last"))[0] == 500


async def test_candles_last_and_hist(sim, http, connect):
    client = await connect(sim)
    _, snapshot = await client.subscribe(channel="candles", key="trade:1h:tBTCUSD")
    _, last = await get(http, sim, "candles/trade:1h:tBTCUSD/last")
    assert last == snapshot[1][0]
    _, hist = await get(http, sim, "candles/trade:1h:tBTCUSD/hist?limit=3")
    assert hist == snapshot[1][:3]
    _, funding = await get(http, sim, "candles/trade:1D:fUSD:a30:p2:p30/hist?limit=2&sort=1")
    assert len(funding) == 2 and funding[0][0] < funding[1][0]
    assert (await get(http, sim, "candles/trade:9x:tBTCUSD/hist"))[0] == 500


async def test_status_deriv_and_hist(sim, http):
    _, rows = await get(http, sim, "status/deriv?keys=tBTCF0:USTF0")
    assert len(rows) == 1 and rows[0][0] == "tBTCF0:USTF0" and len(rows[0]) == 24
    assert await get(http, sim, "status/deriv?keys=tNOPE") == (200, [])
    _, hist = await get(http, sim, "status/deriv/tBTCF0:USTF0/hist?limit=5")
    assert len(hist) == 5 and all(len(r) == 23 for r in hist)


async def test_liquidations_hist_wrapped(sim, http):
    _, rows = await get(http, sim, "liquidations/hist?limit=5")
    assert len(rows) == 5 and all(len(r) == 1 and r[0][0] == "pos" and len(r[0]) == 12 for r in rows)


async def test_rankings(sim, http):
    _, hist = await get(http, sim, "rankings/vol:3h:tBTCUSD/hist?limit=3")
    assert [r[3] for r in hist] == [1, 2, 3] and all(len(r) == 10 for r in hist)
    _, last = await get(http, sim, "rankings/plu:1w:tGLOBAL:USD/last")
    assert len(last) == 10 and last[3] == 1


async def test_funding_stats(sim, http):
    _, rows = await get(http, sim, "funding/stats/fUSD/hist?limit=3")
    assert len(rows) == 3 and all(len(r) == 12 for r in rows)


async def test_conf_lists_follow_the_symbols(sim, http):
    _, (exchange, futures, currencies, info) = await get(
        http, sim, "conf/pub:list:pair:exchange,pub:list:pair:futures,pub:list:currency,pub:info:pair")
    assert "BTCUSD" in exchange and "TESTBTC:TESTUSD" in exchange and futures == ["BTCF0:USTF0"]
    assert {"BTC", "ETH", "USD"} <= set(currencies)
    assert all(len(row) == 2 and len(row[1]) == 10 for row in info)


async def test_pulse(sim, http):
    _, messages = await get(http, sim, "pulse/hist?limit=2")
    assert len(messages) == 2 and all(len(m) == 22 and len(m[18][0]) == 17 for m in messages)
    _, profile = await get(http, sim, "pulse/profile/alice")
    assert len(profile) == 17 and profile[3] == "alice"


async def test_calc_endpoints(sim, http):
    async with http.post(f"{sim.rest_host}/calc/trade/avg", json={"symbol": "tBTCUSD", "amount": "0.5"}) as resp:
        price, amount = await resp.json()
    assert amount == 0.5 and price > 0
    async with http.post(f"{sim.rest_host}/calc/trade/avg?symbol=fUSD&amount=100&period=2") as resp:
        assert len(await resp.json()) == 2
    async with http.post(f"{sim.rest_host}/calc/fx", json={"ccy1": "BTC", "ccy2": "USD"}) as resp:
        (rate,) = await resp.json()
    assert 10_000 < rate < 100_000


async def test_rate_limit_429(make_sim, http):
    sim = await make_sim(rest_rate_limits={"platform/status": 2})
    assert (await get(http, sim, "platform/status"))[0] == 200
    assert (await get(http, sim, "platform/status"))[0] == 200
    assert await get(http, sim, "platform/status") == (429, ["error", 11010, "ratelimit: error"])
    assert (await get(http, sim, "ticker/tBTCUSD"))[0] == 200  # per endpoint
    assert sim.rest_rate_limited == 1


async def test_default_liquidations_limit_is_3_per_minute(sim, http):
    for _ in range(3):
        assert (await get(http, sim, "liquidations/hist"))[0] == 200
    assert (await get(http, sim, "liquidations/hist"))[0] == 429


async def test_rate_limits_can_be_disabled(make_sim, http):
    sim = await make_sim(rest_rate_limits=None)
    for _ in range(5):
        assert (await get(http, sim, "liquidations/hist"))[0] == 200


async def test_unknown_path_404(sim, http):
    async with http.get(f"{sim.rest_host}/nope") as response:
        assert response.status == 404 and await response.text() == "Cannot GET /v2/nope"


async def test_a_known_path_asked_with_another_method_is_a_404_as_bitfinex_answers(sim, http):
    async with http.get(f"{sim.rest_host}/calc/trade/avg") as allowed:  # a POST route
        assert allowed.status == 404 and await allowed.text() == "Cannot GET /v2/calc/trade/avg"
    async with http.delete(f"{sim.rest_host}/platform/status") as response:  # a GET route
        assert response.status == 404 and await response.text() == "Cannot DELETE /v2/platform/status"


async def test_a_stopped_simulator_is_freed_after_serving_rest(http):
    """An application's test suite starts many simulators: none may stay alive once stopped (aiohttp caches the
    middleware chain per handler in a module-wide cache, which is why the simulator has no middleware)."""
    import gc  # pylint: disable=import-outside-toplevel
    import weakref  # pylint: disable=import-outside-toplevel

    from bfxapi.testing import Simulator  # pylint: disable=import-outside-toplevel

    async def serve_and_stop() -> "weakref.ref[Simulator]":
        simulator = Simulator()
        await simulator.start()
        for path in ("platform/status", "nope"):
            async with http.get(f"{simulator.rest_host}/{path}") as response:
                await response.read()
        await simulator.stop()
        return weakref.ref(simulator)

    reference = await serve_and_stop()
    gc.collect()
    assert reference() is None
