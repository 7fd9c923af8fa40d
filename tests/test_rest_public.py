"""bfx.rest.public against the simulator: every endpoint's request (path and query as the server received
them) and its parsed, typed result."""

from decimal import Decimal
from enum import Enum, IntEnum

import pytest

from bfxapi.exceptions import InvalidInputError, InvalidInputTypeError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest._interface.params import join_symbols, segment
from bfxapi.types import (
    Candle,
    DerivativesStatus,
    FundingCurrencyBook,
    FundingCurrencyRawBook,
    FundingCurrencyTicker,
    FundingCurrencyTrade,
    FundingMarketAveragePrice,
    FundingStatistic,
    FxRate,
    Leaderboard,
    Liquidation,
    PairInfo,
    PlatformStatus,
    PulseMessage,
    PulseProfile,
    Statistic,
    TickersHistory,
    TradingMarketAveragePrice,
    TradingPairBook,
    TradingPairRawBook,
    TradingPairTicker,
    TradingPairTrade,
)

from rest_auth_server import start_recording_simulator


class Config(str, Enum):
    LIST_PAIR_EXCHANGE = "pub:list:pair:exchange"


class Sort(IntEnum):
    ASCENDING = 1
    DESCENDING = -1


@pytest.fixture
async def rec(make_sim):
    sim = await make_sim(rest_rate_limits=None)
    await sim.advance(3)
    runner, host, received = await start_recording_simulator(sim)
    rest = BfxRestInterface(host, rate_limits=None)
    yield sim, rest, received
    await rest.close()
    await runner.cleanup()


def _only(received):
    assert len(received) == 1, received
    return received[0]


async def test_platform_status(rec):
    _, rest, received = rec
    assert await rest.public.get_platform_status() == PlatformStatus(1)
    req = _only(received)
    assert (req.method, req.path, req.query) == ("GET", "/v2/platform/status", {})


async def test_conf_and_pair_info(rec):
    sim, rest, received = rec
    pairs = await rest.public.conf("pub:list:pair:exchange")
    assert pairs == [s[1:] for s in sim.symbols if s.startswith("t") and "F0:" not in s]
    assert received[0].path == "/v2/conf/pub:list:pair:exchange"
    assert await rest.public.conf(Config.LIST_PAIR_EXCHANGE) == pairs  # an enum travels as its value
    del received[1]
    info = await rest.public.get_pair_info()
    assert received[1].path == "/v2/conf/pub:info:pair"
    assert info and all(isinstance(row, PairInfo) for row in info)
    assert info[0].pair == pairs[0] and info[0].min_order_size == "0.0002"


async def test_tickers_are_keyed_by_symbol(rec):
    _, rest, received = rec
    tickers = await rest.public.get_tickers(["tBTCUSD", "fUSD"])
    assert received[0].query == {"symbols": "tBTCUSD,fUSD"}
    assert set(tickers) == {"tBTCUSD", "fUSD"}
    assert isinstance(tickers["tBTCUSD"], TradingPairTicker) and isinstance(tickers["fUSD"], FundingCurrencyTicker)
    t_only = await rest.public.get_t_tickers("ALL")
    assert received[1].query == {"symbols": "ALL"}
    assert t_only and all(s.startswith("t") and isinstance(v, TradingPairTicker) for s, v in t_only.items())
    f_only = await rest.public.get_f_tickers("ALL")
    assert f_only and all(s.startswith("f") and isinstance(v, FundingCurrencyTicker) for s, v in f_only.items())


async def test_single_tickers_match_the_tickers_list(rec):
    _, rest, received = rec
    t = await rest.public.get_t_ticker("tBTCUSD")
    f = await rest.public.get_f_ticker("fUSD")
    assert [r.path for r in received] == ["/v2/ticker/tBTCUSD", "/v2/ticker/fUSD"]
    both = await rest.public.get_tickers(["tBTCUSD", "fUSD"])
    assert both == {"tBTCUSD": t, "fUSD": f}
    assert t.bid < t.ask and isinstance(f.frr, float)
    with pytest.raises(InvalidInputError):
        await rest.public.get_t_ticker("fUSD")


async def test_tickers_history(rec):
    _, rest, received = rec
    rows = await rest.public.get_tickers_history(["tBTCUSD", "tETHUSD"], limit=3, start=0, end=9_999_999_999_999)
    assert received[0].path == "/v2/tickers/hist"
    assert received[0].query == {"symbols": "tBTCUSD,tETHUSD", "limit": "3", "start": "0", "end": "9999999999999"}
    assert len(rows) == 3 and all(isinstance(r, TickersHistory) and r.symbol in ("tBTCUSD", "tETHUSD") for r in rows)


async def test_trades_query_sort_is_a_signed_int(rec):
    _, rest, received = rec
    rows = await rest.public.get_t_trades("tBTCUSD", limit=5, sort=Sort.ASCENDING)
    assert received[0].path == "/v2/trades/tBTCUSD/hist"
    assert received[0].query == {"limit": "5", "sort": "1"}
    assert len(rows) == 5 and all(isinstance(r, TradingPairTrade) for r in rows)
    assert [r.mts for r in rows] == sorted(r.mts for r in rows)
    frows = await rest.public.get_f_trades("fUSD", limit=2, sort=-1, start=1)
    assert received[1].query == {"limit": "2", "sort": "-1", "start": "1"}
    assert len(frows) == 2 and all(isinstance(r, FundingCurrencyTrade) for r in frows)


async def test_books(rec):
    _, rest, received = rec
    book = await rest.public.get_t_book("tBTCUSD", "P1", len=25)
    raw = await rest.public.get_t_raw_book("tBTCUSD", len=1)
    fbook = await rest.public.get_f_book("fUSD", "P0")
    fraw = await rest.public.get_f_raw_book("fUSD", len=25)
    assert [(r.path, r.query) for r in received] == [
        ("/v2/book/tBTCUSD/P1", {"len": "25"}),
        ("/v2/book/tBTCUSD/R0", {"len": "1"}),
        ("/v2/book/fUSD/P0", {}),
        ("/v2/book/fUSD/R0", {"len": "25"}),
    ]
    assert book and all(isinstance(r, TradingPairBook) for r in book)
    assert len(raw) == 2 and all(isinstance(r, TradingPairRawBook) for r in raw)
    assert raw[0].amount > 0 > raw[1].amount  # the best bid, then the best ask
    assert fbook and all(isinstance(r, FundingCurrencyBook) for r in fbook)
    assert fraw and all(isinstance(r, FundingCurrencyRawBook) for r in fraw)


async def test_stats(rec):
    _, rest, received = rec
    rows = await rest.public.get_stats_hist("pos.size:1m:tBTCUSD:long", limit=4, sort=1, end=9_999_999_999_999)
    last = await rest.public.get_stats_last("pos.size:1m:tBTCUSD:long")
    assert received[0].path == "/v2/stats1/pos.size:1m:tBTCUSD:long/hist"
    assert received[0].query == {"limit": "4", "end": "9999999999999", "sort": "1"}
    assert received[1].path == "/v2/stats1/pos.size:1m:tBTCUSD:long/last" and received[1].query == {}
    assert len(rows) == 4 and all(isinstance(r, Statistic) for r in rows)
    assert isinstance(last, Statistic) and last == max(rows, key=lambda r: r.mts)


async def test_candles(rec):
    _, rest, received = rec
    hist = await rest.public.get_candles_hist("tBTCUSD", "1m", limit=3)
    last = await rest.public.get_candles_last("tBTCUSD", tf="1m")
    seed = await rest.public.get_seed_candles("tBTCUSD", limit=3)
    assert [r.path for r in received] == [
        "/v2/candles/trade:1m:tBTCUSD/hist", "/v2/candles/trade:1m:tBTCUSD/last", "/v2/candles/trade:1m:tBTCUSD/hist"]
    assert received[0].query == {"limit": "3"}
    assert len(hist) == 3 and all(isinstance(c, Candle) for c in hist)
    assert last == hist[0] and seed == hist


async def test_derivatives_status(rec):
    _, rest, received = rec
    status = await rest.public.get_derivatives_status(["tBTCF0:USTF0"])
    assert received[0].path == "/v2/status/deriv" and received[0].query == {"keys": "tBTCF0:USTF0"}
    assert list(status) == ["tBTCF0:USTF0"] and isinstance(status["tBTCF0:USTF0"], DerivativesStatus)
    every = await rest.public.get_derivatives_status("ALL")
    assert received[1].query == {"keys": "ALL"} and "tBTCF0:USTF0" in every
    hist = await rest.public.get_derivatives_status_history("tBTCF0:USTF0", limit=2, sort=-1)
    assert received[2].path == "/v2/status/deriv/tBTCF0:USTF0/hist"
    assert received[2].query == {"limit": "2", "sort": "-1"}
    assert hist and all(isinstance(r, DerivativesStatus) for r in hist)


async def test_liquidations(rec):
    _, rest, received = rec
    rows = await rest.public.get_liquidations(limit=2)
    assert received[0].path == "/v2/liquidations/hist" and received[0].query == {"limit": "2"}
    assert rows and all(isinstance(r, Liquidation) and r.symbol.startswith("t") for r in rows)


async def test_leaderboards(rec):
    _, rest, received = rec
    hist = await rest.public.get_leaderboards_hist("vol:3h:tBTCUSD", limit=5)
    last = await rest.public.get_leaderboards_last("vol:3h:tBTCUSD")
    assert [(r.path, r.query) for r in received] == [
        ("/v2/rankings/vol:3h:tBTCUSD/hist", {"limit": "5"}), ("/v2/rankings/vol:3h:tBTCUSD/last", {})]
    assert [r.ranking for r in hist] == [1, 2, 3, 4, 5] and all(isinstance(r, Leaderboard) for r in hist)
    assert last == hist[0]


async def test_funding_stats(rec):
    _, rest, received = rec
    rows = await rest.public.get_funding_stats("fUSD", limit=3, start=0)
    assert received[0].path == "/v2/funding/stats/fUSD/hist" and received[0].query == {"start": "0", "limit": "3"}
    assert len(rows) == 3 and all(isinstance(r, FundingStatistic) for r in rows)


async def test_pulse(rec):
    _, rest, received = rec
    messages = await rest.public.get_pulse_message_history(limit=2, end=1_700_000_000_000)
    profile = await rest.public.get_pulse_profile_details("Bitfinex")
    assert [(r.path, r.query) for r in received] == [
        ("/v2/pulse/hist", {"end": "1700000000000", "limit": "2"}), ("/v2/pulse/profile/Bitfinex", {})]
    assert len(messages) == 2 and all(isinstance(m, PulseMessage) for m in messages)
    assert isinstance(messages[0].profile, PulseProfile)
    assert isinstance(profile, PulseProfile) and profile.nickname == "Bitfinex"


async def test_calc_endpoints_send_documented_parameters(rec):
    _, rest, received = rec
    trading = await rest.public.get_trading_market_average_price("tBTCUSD", Decimal("0.5"), price_limit=1e6)
    funding = await rest.public.get_funding_market_average_price("fUSD", 100, 30, rate_limit=0.1)
    fx = await rest.public.get_fx_rate("BTC", "USD")
    t_req, f_req, fx_req = received
    assert (t_req.method, t_req.path, t_req.query, t_req.body) == (
        "POST", "/v2/calc/trade/avg", {"symbol": "tBTCUSD", "amount": "0.5", "price_limit": "1000000.0"}, "")
    # The funding average goes to the same documented endpoint with the funding parameters, never price_limit.
    assert (f_req.path, f_req.query) == (
        "/v2/calc/trade/avg", {"symbol": "fUSD", "amount": "100", "period": "30", "rate_limit": "0.1"})
    assert (fx_req.path, fx_req.query, fx_req.body) == ("/v2/calc/fx", {}, '{"ccy1":"BTC","ccy2":"USD"}')
    assert isinstance(trading, TradingMarketAveragePrice) and trading.amount == 0.5 and trading.price_avg > 0
    assert isinstance(funding, FundingMarketAveragePrice) and funding.amount == 100
    assert isinstance(fx, FxRate) and fx.current_rate > 0
    with pytest.raises(InvalidInputError):
        await rest.public.get_funding_market_average_price("tBTCUSD", 1, 2)
    with pytest.raises(InvalidInputError):
        await rest.public.get_trading_market_average_price("tBTCUSD", float("nan"))


async def test_path_segments_cannot_be_injected(rec):
    _, rest, received = rec
    with pytest.raises(InvalidInputError):
        await rest.public.get_pulse_profile_details("../platform/status")
    with pytest.raises(InvalidInputError):
        await rest.public.conf("pub:list?x=1")
    assert not received


@pytest.mark.parametrize("value", [
    "tBTCUSD", "tTESTBTC:TESTUSD", "fUSD", "tBTCF0:USTF0", "trade:1m:tBTCUSD", "trade:1D:fUSD:a30:p2:p30",
    "deriv:tBTCF0:USTF0", "pos.size:1m:tBTCUSD:long", "vol:3h:tBTCUSD", "plu_diff:1w:tGLOBAL:USD",
    "pub:list:pair:exchange", "Bitfinex", "P0",
])
def test_real_symbols_and_keys_are_path_segments(value):
    assert segment(value, "symbol") == value


@pytest.mark.parametrize(("value", "error"), [
    ("tBTC USD", InvalidInputError), ("tBTC/USD", InvalidInputError), ("tBTCUSD?x=1", InvalidInputError),
    ("tBTC%55SD", InvalidInputError), ("tBTCUSD#", InvalidInputError), ("tBTCUSDé", InvalidInputError),
    ("", InvalidInputError), (".", InvalidInputError), ("..", InvalidInputError), (123, InvalidInputTypeError),
    (None, InvalidInputError), (b"tBTCUSD", InvalidInputTypeError),
])
def test_other_path_segments_are_refused_naming_the_parameter(value, error):
    with pytest.raises(error, match="^pair "):
        segment(value, "pair")


def test_symbol_lists_are_joined_and_never_split_into_letters():
    assert join_symbols(["tBTCUSD", "fUSD"]) == "tBTCUSD,fUSD"
    assert join_symbols(symbol for symbol in ("tBTCUSD", "fUSD")) == "tBTCUSD,fUSD"
    assert join_symbols("ALL") == "ALL" and join_symbols("tBTCUSD,fUSD") == "tBTCUSD,fUSD"
    with pytest.raises(InvalidInputTypeError, match=r"keys\[1\]"):
        join_symbols(["tBTCF0:USTF0", 5], "keys")
    for bad in (5, {"tBTCUSD": 1}, b"tBTCUSD"):
        with pytest.raises(InvalidInputTypeError, match="^symbols "):
            join_symbols(bad)
    for bad in ([], "", "tBTCUSD, fUSD", ["t BTCUSD"]):
        with pytest.raises(InvalidInputError):
            join_symbols(bad)


async def test_history_parameters_are_checked_before_sending(rec):
    _, rest, received = rec
    await rest.public.get_t_trades("tBTCUSD", limit=0, start="0", end=1, sort=Sort.DESCENDING)
    assert received[0].query == {"limit": "0", "start": "0", "end": "1", "sort": "-1"}
    await rest.public.get_t_book("tBTCUSD", "P1", len=250)
    assert received[1].query == {"len": "250"}
    for kwargs, error in (
        ({"limit": -1}, InvalidInputError), ({"limit": "5"}, InvalidInputTypeError),
        ({"limit": 2.5}, InvalidInputTypeError), ({"limit": True}, InvalidInputTypeError),
        ({"sort": 0}, InvalidInputError), ({"sort": "1"}, InvalidInputTypeError),
        ({"start": -5}, InvalidInputError), ({"start": "2024-01-01"}, InvalidInputError),
        ({"end": [1]}, InvalidInputTypeError), ({"end": 1.0}, InvalidInputTypeError),
    ):
        with pytest.raises(error, match=f"^{next(iter(kwargs))} "):
            await rest.public.get_t_trades("tBTCUSD", **kwargs)
    with pytest.raises(InvalidInputTypeError, match="^futures "):
        await rest.public.get_pair_info(futures="yes")
    assert len(received) == 2
