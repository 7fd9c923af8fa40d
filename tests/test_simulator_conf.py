"""The configuration a client loads at start is complete for the simulated instruments (issue #19), in the shapes of
the real answers: the REST capture of ``conf/pub:list:pair:exchange``, ``pub:list:currency`` and
``pub:list:pair:future`` (cryptofeed's sample data, see tests/data/README.md) answers one array per key, each a list
of names; ``pub:spec:margin`` and ``pub:fees`` are objects (the ones Bitfinex.Net and bfx-api-node-util read)."""

import aiohttp
import pytest

from bfxapi import Client


async def conf(sim, *keys):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{sim.rest_host}/conf/{','.join(keys)}") as response:
            assert response.status == 200
            return await response.json()


async def fx(sim, ccy1, ccy2):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sim.rest_host}/calc/fx", json={"ccy1": ccy1, "ccy2": ccy2}) as response:
            return response.status, await response.json()


async def test_both_names_of_the_futures_list_answer_it_like_the_capture(sim):
    exchange, currency, future, futures = await conf(
        sim, "pub:list:pair:exchange", "pub:list:currency", "pub:list:pair:future", "pub:list:pair:futures")
    for names in (exchange, currency, future):  # the capture's shape: a list of names per key
        assert names and all(isinstance(n, str) for n in names)
    assert future == futures == ["BTCF0:USTF0"]
    assert exchange == ["BTCUSD", "ETHUSD", "ETHBTC", "TESTBTC:TESTUSD"]
    # the currencies of every instrument, and the major fiat currencies
    assert {"BTC", "ETH", "USD", "TESTBTC", "TESTUSD", "BTCF0", "USTF0", "EUR", "GBP", "JPY", "CNH"} <= set(currency)
    assert currency == sorted(currency)


async def test_margin_spec_and_fees_are_objects_for_the_simulated_pairs(sim):
    margin_pairs, spec, fees, futures_spec = await conf(sim, "pub:list:pair:margin", "pub:spec:margin", "pub:fees",
                                                        "pub:spec:futures")
    assert set(spec) == {"conf", "initial", "minimum"}
    assert set(spec["initial"]) == set(spec["minimum"]) == set(margin_pairs) == {"BTCUSD", "ETHUSD", "ETHBTC"}
    assert all(spec["minimum"][p] < spec["initial"][p] <= 1 for p in margin_pairs)
    # 1 / initial margin: the leverage the engine grants on margin (3.3x)
    assert round(1 / spec["initial"]["BTCUSD"], 1) == 3.3
    assert {"BTC", "ETH", "USD"} <= set(spec["conf"])
    assert set(fees) == {"deriv_perp"} and set(fees["deriv_perp"]) == {
        "correction_clamp_min", "correction_clamp_insurance", "correction_slope"}
    assert futures_spec["initial"] == {"BTCF0:USTF0": 0.01}


async def test_labels_symbols_and_pair_info_cover_every_currency_and_pair(sim):
    currencies, labels, symbols, info, futures_info, unknown = await conf(
        sim, "pub:list:currency", "pub:map:currency:label", "pub:map:currency:sym", "pub:info:pair",
        "pub:info:pair:futures", "pub:nope")
    assert [c for c, _ in labels] == currencies and dict(labels)["EUR"] == "Euro"
    assert dict(symbols) == {"BTCF0": "BTC", "UST": "USDt", "USTF0": "UST"}
    assert [row[0] for row in info] == ["BTCUSD", "ETHUSD", "ETHBTC", "TESTBTC:TESTUSD"]
    assert all(row[1][3] == "0.0002" and row[1][4] == "2000.0" for row in info)
    assert [row[0] for row in futures_info] == ["BTCF0:USTF0"] and futures_info[0][1][4] == "100.0"
    assert unknown is None


@pytest.mark.parametrize("fiat", ["USD", "EUR", "GBP", "JPY", "CNH", "CHF", "CAD"])
async def test_calc_fx_knows_the_major_fiat_currencies_both_ways(sim, fiat):
    status, (btc,) = await fx(sim, "BTC", fiat)
    assert status == 200 and btc > 0
    status, (back,) = await fx(sim, fiat, "BTC")
    assert status == 200 and btc * back == pytest.approx(1, rel=1e-3)
    _, (eth_btc,) = await fx(sim, "ETH", "BTC")
    _, (eth,) = await fx(sim, "ETH", fiat)
    assert eth == pytest.approx(eth_btc * btc, rel=2e-3)  # the same market: through BTC or straight


async def test_calc_fx_between_fiat_currencies_and_an_unknown_one(sim):
    _, (eur_usd,) = await fx(sim, "EUR", "USD")
    _, (usd_jpy,) = await fx(sim, "USD", "JPY")
    assert 1.0 < eur_usd < 1.4 and 90 < usd_jpy < 160
    assert (await fx(sim, "UST", "USD"))[1] == [1]
    assert await fx(sim, "XYZ", "USD") == (500, ["error", 10020, "ccy: invalid"])


async def test_a_client_loads_the_markets_it_needs_at_start(sim):
    async with Client(rest_host=sim.rest_host) as bfx:
        pairs = await bfx.rest.public.conf("pub:list:pair:exchange")
        futures = await bfx.rest.public.conf("pub:list:pair:futures")
        labels = dict(await bfx.rest.public.conf("pub:map:currency:label"))
        rate = await bfx.rest.public.get_fx_rate("BTC", "EUR")
    assert "BTCUSD" in pairs and futures == ["BTCF0:USTF0"] and labels["BTC"] == "Bitcoin"
    assert rate.current_rate > 0
