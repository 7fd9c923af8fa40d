"""Public endpoints (``bfx.rest.public``): market data, no keys needed (protocol.md §6.1).

Names and parameters are the official library's (3.0.5, with the 4.0.0 signatures where they differ).
``sort`` is ``+1`` (oldest first) or ``-1`` (newest first); ``start``/``end`` are millisecond timestamps.
"""

from typing import Any, Iterable, Literal, Optional, Union, get_args, overload

from ...exceptions import InvalidInputError
from ..._utils import order_bodies
from ..._aliases import DecimalLike, Timestamp
from ..._utils.values import boolean, integer, text
from ...types import (
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
    Vasp,
)
from ...types.dataclasses import JSONValue
from ...types.number import N
from .._interface import Interface
from .._interface.params import count, dec, join_symbols, required, segment, string, timestamp, window

__all__ = ["RestPublicEndpoints"]

Precision = Literal["P0", "P1", "P2", "P3", "P4"]
Symbols = Union[Iterable[str], Literal["ALL"]]
#: ``conf`` keys whose answer is a list of names (pairs, currencies)
ConfList = Literal[
    "pub:list:pair:exchange", "pub:list:pair:margin", "pub:list:pair:futures", "pub:list:pair:securities",
    "pub:list:currency", "pub:list:currency:margin", "pub:list:currency:paper", "pub:list:currency:viewonly",
    "pub:list:competitions",
]
#: ``conf`` keys whose answer is a list of ``[KEY, VALUE]`` pairs of names (``["UST", "USDt"]``)
ConfMap = Literal[
    "pub:map:currency:sym", "pub:map:currency:label", "pub:map:currency:unit", "pub:map:currency:undl",
    "pub:map:currency:pool",
]
#: ``conf`` keys whose answer is a list of ``[KEY, [NAME, ...]]`` pairs (explorers, transfer methods)
ConfMultiMap = Literal["pub:map:currency:explorer", "pub:map:tx:method"]
#: what ``conf`` answers, whatever the key
ConfValue = Union[list[str], list[list[str]], list[list[Union[str, list[str]]]], JSONValue]
#: a trading pair's or a funding currency's ticker, in the client's number type
Ticker = Union[TradingPairTicker[N], FundingCurrencyTicker[N]]

_PRECISIONS: tuple[str, ...] = get_args(Precision)
#: book lengths Bitfinex answers (250 too, although its reference lists 1, 25 and 100)
_BOOK_LENGTHS = (1, 25, 100, 250)


def _window(sort: Any = None, start: Any = None, end: Any = None, limit: Any = None) -> dict[str, Any]:
    return window(start, end, limit, sort)


def _require_prefix(symbol: str, prefix: str, name: str) -> str:
    if not symbol.startswith(prefix):
        kind = "trading pair (tXXX)" if prefix == "t" else "funding currency (fXXX)"
        raise InvalidInputError(f"{name} must be a {kind}, not {symbol!r}")
    return symbol


def _amount(value: Any) -> str:
    return required(dec(value, "amount", nonzero=True), "amount")


def _candle_key(symbol: Any, tf: Any) -> str:
    # Each part on its own, so that an error names the parameter the caller got wrong.
    return f"trade:{segment(tf, 'tf')}:{segment(symbol, 'symbol')}"


def _precision(value: Any) -> str:
    if value.__class__ is str and value in _PRECISIONS:
        return str(value)  # the common case at once
    return required(text(value, "precision", choices=_PRECISIONS), "precision")


def _length(value: Any) -> Optional[int]:
    length = integer(value, "len", 1)
    if length is not None and length not in _BOOK_LENGTHS:
        raise InvalidInputError(f"len must be one of {', '.join(map(str, _BOOK_LENGTHS))}, not {length}")
    return length


class RestPublicEndpoints(Interface[N]):
    """Public market data: tickers, trades, books, statistics, candles, derivatives, calculations, Pulse."""

    @overload
    async def conf(self, config: ConfList) -> list[str]: ...

    @overload
    async def conf(self, config: ConfMap) -> list[list[str]]: ...

    @overload
    async def conf(self, config: ConfMultiMap) -> list[list[Union[str, list[str]]]]: ...

    @overload
    async def conf(self, config: str) -> JSONValue: ...

    async def conf(self, config: str) -> ConfValue:
        """The value of one configuration key (``"pub:list:pair:exchange"``, ...): GET ``conf/{config}``. The
        documented list and map keys are typed (``list[str]``, ``list[list[str]]``: the layouts of the captured
        answers); any other key is a ``JSONValue``."""
        key = segment(config, "config")
        value: ConfValue = (await self._m.get(f"conf/{key}", group="conf"))[0]
        return value

    async def get_platform_status(self) -> PlatformStatus:
        """``PlatformStatus`` (1 operative, 0 maintenance): GET ``platform/status``."""
        return self._s.PlatformStatus.from_wire(await self._m.get("platform/status", group="platform/status"))

    async def get_tickers(self, symbols: Symbols) -> dict[str, Ticker[N]]:
        """Tickers keyed by symbol (trading and funding): GET ``tickers?symbols=``."""
        rows = await self._m.get("tickers", {"symbols": join_symbols(symbols)}, group="tickers")
        tickers: dict[str, Ticker[N]] = {}
        for row in rows:
            symbol, values = row[0], row[1:]
            if symbol.startswith("t"):
                tickers[symbol] = self._s.TradingPairTicker.from_wire(values)
            elif symbol.startswith("f"):
                tickers[symbol] = self._s.FundingCurrencyTicker.from_wire(values)
        return tickers

    async def get_t_tickers(self, symbols: Symbols) -> dict[str, TradingPairTicker[N]]:
        """Trading pair tickers keyed by symbol: GET ``tickers?symbols=``."""
        tickers = await self.get_tickers(symbols)
        return {symbol: t for symbol, t in tickers.items() if isinstance(t, TradingPairTicker)}

    async def get_f_tickers(self, symbols: Symbols) -> dict[str, FundingCurrencyTicker[N]]:
        """Funding currency tickers keyed by symbol: GET ``tickers?symbols=``."""
        tickers = await self.get_tickers(symbols)
        return {symbol: t for symbol, t in tickers.items() if isinstance(t, FundingCurrencyTicker)}

    async def get_t_ticker(self, symbol: str) -> TradingPairTicker[N]:
        """One trading pair ticker: GET ``ticker/{symbol}``."""
        symbol = _require_prefix(segment(symbol, "symbol"), "t", "symbol")
        return self._s.TradingPairTicker.from_wire(await self._m.get(f"ticker/{symbol}", group="ticker"))

    async def get_f_ticker(self, symbol: str) -> FundingCurrencyTicker[N]:
        """One funding currency ticker: GET ``ticker/{symbol}``."""
        symbol = _require_prefix(segment(symbol, "symbol"), "f", "symbol")
        return self._s.FundingCurrencyTicker.from_wire(await self._m.get(f"ticker/{symbol}", group="ticker"))

    async def get_tickers_history(
        self,
        symbols: Iterable[str],
        *,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[TickersHistory[N]]:
        """Bid/ask history of trading pairs: GET ``tickers/hist?symbols=``."""
        params = {"symbols": join_symbols(symbols), **_window(None, start, end, limit)}
        rows = await self._m.get("tickers/hist", params, group="tickers/hist")
        return self._s.TickersHistory.from_wire_list(rows)

    async def get_t_trades(
        self,
        pair: str,
        *,
        limit: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        sort: Optional[int] = None,
    ) -> list[TradingPairTrade[N]]:
        """Public trades of a trading pair: GET ``trades/{pair}/hist``."""
        pair = _require_prefix(segment(pair, "pair"), "t", "pair")
        rows = await self._m.get(f"trades/{pair}/hist", _window(sort, start, end, limit), group="trades")
        return self._s.TradingPairTrade.from_wire_list(rows)

    async def get_f_trades(
        self,
        currency: str,
        *,
        limit: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        sort: Optional[int] = None,
    ) -> list[FundingCurrencyTrade[N]]:
        """Public trades of a funding currency: GET ``trades/{currency}/hist``."""
        currency = _require_prefix(segment(currency, "currency"), "f", "currency")
        rows = await self._m.get(f"trades/{currency}/hist", _window(sort, start, end, limit), group="trades")
        return self._s.FundingCurrencyTrade.from_wire_list(rows)

    async def get_t_book(
        self, pair: str, precision: Precision, *, len: Optional[Literal[1, 25, 100]] = None
    ) -> list[TradingPairBook[N]]:
        """Aggregated book of a trading pair, bids then asks: GET ``book/{pair}/{precision}``."""
        pair = _require_prefix(segment(pair, "pair"), "t", "pair")
        prec = _precision(precision)
        rows = await self._m.get(f"book/{pair}/{prec}", {"len": _length(len)}, group="book")
        return self._s.TradingPairBook.from_wire_list(rows)

    async def get_f_book(
        self, currency: str, precision: Precision, *, len: Optional[Literal[1, 25, 100]] = None
    ) -> list[FundingCurrencyBook[N]]:
        """Aggregated book of a funding currency: GET ``book/{currency}/{precision}``."""
        currency = _require_prefix(segment(currency, "currency"), "f", "currency")
        prec = _precision(precision)
        rows = await self._m.get(f"book/{currency}/{prec}", {"len": _length(len)}, group="book")
        return self._s.FundingCurrencyBook.from_wire_list(rows)

    async def get_t_raw_book(
        self, pair: str, *, len: Optional[Literal[1, 25, 100]] = None
    ) -> list[TradingPairRawBook[N]]:
        """Raw (order by order) book of a trading pair: GET ``book/{pair}/R0``."""
        pair = _require_prefix(segment(pair, "pair"), "t", "pair")
        rows = await self._m.get(f"book/{pair}/R0", {"len": _length(len)}, group="book")
        return self._s.TradingPairRawBook.from_wire_list(rows)

    async def get_f_raw_book(
        self, currency: str, *, len: Optional[Literal[1, 25, 100]] = None
    ) -> list[FundingCurrencyRawBook[N]]:
        """Raw (offer by offer) book of a funding currency: GET ``book/{currency}/R0``."""
        currency = _require_prefix(segment(currency, "currency"), "f", "currency")
        rows = await self._m.get(f"book/{currency}/R0", {"len": _length(len)}, group="book")
        return self._s.FundingCurrencyRawBook.from_wire_list(rows)

    async def get_stats_hist(
        self,
        resource: str,
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Statistic[N]]:
        """History of a statistic (``"pos.size:1m:tBTCUSD:long"``, ...): GET ``stats1/{resource}/hist``."""
        key = segment(resource, "resource")
        rows = await self._m.get(f"stats1/{key}/hist", _window(sort, start, end, limit), group="stats1")
        return self._s.Statistic.from_wire_list(rows)

    async def get_stats_last(
        self,
        resource: str,
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> Statistic[N]:
        """Last value of a statistic: GET ``stats1/{resource}/last``."""
        key = segment(resource, "resource")
        row = await self._m.get(f"stats1/{key}/last", _window(sort, start, end, limit), group="stats1")
        return self._s.Statistic.from_wire(row)

    async def get_candles_hist(
        self,
        symbol: str,
        tf: str = "1m",
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Candle[N]]:
        """Candles of ``symbol`` in time frame ``tf``: GET ``candles/trade:{tf}:{symbol}/hist``."""
        key = _candle_key(symbol, tf)
        rows = await self._m.get(f"candles/{key}/hist", _window(sort, start, end, limit), group="candles")
        return self._s.Candle.from_wire_list(rows)

    async def get_candles_last(
        self,
        symbol: str,
        tf: str = "1m",
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> Candle[N]:
        """The last candle of ``symbol`` in time frame ``tf``: GET ``candles/trade:{tf}:{symbol}/last``."""
        key = _candle_key(symbol, tf)
        row = await self._m.get(f"candles/{key}/last", _window(sort, start, end, limit), group="candles")
        return self._s.Candle.from_wire(row)

    async def get_derivatives_status(self, keys: Symbols) -> dict[str, DerivativesStatus[N]]:
        """Derivatives status keyed by key (``"tBTCF0:USTF0"``): GET ``status/deriv?keys=``."""
        rows = await self._m.get("status/deriv", {"keys": join_symbols(keys, "keys")}, group="status")
        return {row[0]: self._s.DerivativesStatus.from_wire(row[1:]) for row in rows}

    async def get_derivatives_status_history(
        self,
        key: str,
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[DerivativesStatus[N]]:
        """Status history of one derivative: GET ``status/deriv/{key}/hist``."""
        key = segment(key, "key")
        rows = await self._m.get(f"status/deriv/{key}/hist", _window(sort, start, end, limit), group="status")
        return self._s.DerivativesStatus.from_wire_list(rows)

    async def get_liquidations(
        self,
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Liquidation[N]]:
        """Liquidations (each row arrives wrapped once): GET ``liquidations/hist``."""
        rows = await self._m.get("liquidations/hist", _window(sort, start, end, limit), group="liquidations")
        return [self._s.Liquidation.from_wire(row[0]) for row in rows]

    async def get_seed_candles(
        self,
        symbol: str,
        tf: str = "1m",
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Candle[N]]:
        """Same as :meth:`get_candles_hist` (kept for compatibility): GET ``candles/trade:{tf}:{symbol}/hist``."""
        return await self.get_candles_hist(symbol, tf, sort=sort, start=start, end=end, limit=limit)

    async def get_leaderboards_hist(
        self,
        resource: str,
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Leaderboard[N]]:
        """Leaderboard history (``"vol:3h:tBTCUSD"``, ...): GET ``rankings/{resource}/hist``."""
        key = segment(resource, "resource")
        rows = await self._m.get(f"rankings/{key}/hist", _window(sort, start, end, limit), group="rankings")
        return self._s.Leaderboard.from_wire_list(rows)

    async def get_leaderboards_last(
        self,
        resource: str,
        *,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> Leaderboard[N]:
        """The current leader of a leaderboard: GET ``rankings/{resource}/last``."""
        key = segment(resource, "resource")
        row = await self._m.get(f"rankings/{key}/last", _window(sort, start, end, limit), group="rankings")
        return self._s.Leaderboard.from_wire(row)

    async def get_funding_stats(
        self,
        symbol: str,
        *,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[FundingStatistic[N]]:
        """Funding statistics of a funding currency: GET ``funding/stats/{symbol}/hist``."""
        symbol = _require_prefix(segment(symbol, "symbol"), "f", "symbol")
        rows = await self._m.get(f"funding/stats/{symbol}/hist", _window(None, start, end, limit),
                                 group="funding/stats")
        return self._s.FundingStatistic.from_wire_list(rows)

    async def get_pulse_profile_details(self, nickname: str) -> PulseProfile:
        """A Pulse profile: GET ``pulse/profile/{nickname}``."""
        nickname = segment(nickname, "nickname")
        return self._s.PulseProfile.from_wire(await self._m.get(f"pulse/profile/{nickname}", group="pulse"))

    async def get_pulse_message_history(
        self, *, end: Optional[Timestamp] = None, limit: Optional[int] = None
    ) -> list[PulseMessage]:
        """Latest Pulse messages with their authors' profiles: GET ``pulse/hist``."""
        params = {"end": timestamp(end, "end"), "limit": count(limit, "limit")}
        rows = await self._m.get("pulse/hist", params, group="pulse")
        return self._s.PulseMessage.from_wire_list(rows)

    async def get_trading_market_average_price(
        self, symbol: str, amount: DecimalLike, *, price_limit: Optional[DecimalLike] = None
    ) -> TradingMarketAveragePrice[N]:
        """Average execution price of a market order of ``amount`` (+buy/-sell): POST ``calc/trade/avg``.

        The parameters travel in the query string, as Bitfinex documents them."""
        symbol = _require_prefix(string(symbol, "symbol"), "t", "symbol")
        params = {"symbol": symbol, "amount": _amount(amount), "price_limit": dec(price_limit, "price_limit")}
        row = await self._m.post("calc/trade/avg", params=params, group="calc")
        return self._s.TradingMarketAveragePrice.from_wire(row)

    async def get_funding_market_average_price(
        self, symbol: str, amount: DecimalLike, period: int, *, rate_limit: Optional[DecimalLike] = None
    ) -> FundingMarketAveragePrice[N]:
        """Average rate of taking ``amount`` of funding for ``period`` days: POST ``calc/trade/avg``
        (Bitfinex serves both averages there; the ``f`` symbol, ``period`` and ``rate_limit`` select the
        funding one, sent in the query string as documented)."""
        symbol = _require_prefix(string(symbol, "symbol"), "f", "symbol")
        params = {
            "symbol": symbol, "amount": _amount(amount),
            "period": required(integer(period, "period", order_bodies.MIN_PERIOD, order_bodies.MAX_PERIOD), "period"),
            "rate_limit": dec(rate_limit, "rate_limit"),
        }
        row = await self._m.post("calc/trade/avg", params=params, group="calc")
        return self._s.FundingMarketAveragePrice.from_wire(row)

    async def get_fx_rate(self, ccy1: str, ccy2: str) -> FxRate[N]:
        """Exchange rate between two currencies: POST ``calc/fx`` with body ``{ccy1, ccy2}``."""
        row = await self._m.post("calc/fx", {"ccy1": string(ccy1, "ccy1"), "ccy2": string(ccy2, "ccy2")}, group="calc")
        return self._s.FxRate.from_wire(row)

    # --- not in the official library ---------------------------------------------------------------------------

    async def get_pair_info(self, *, futures: bool = False) -> list[PairInfo[N]]:
        """Order size limits and margin of every pair (derivatives with ``futures``): GET
        ``conf/pub:info:pair`` (``conf/pub:info:pair:futures``)."""
        key = "pub:info:pair:futures" if required(boolean(futures, "futures"), "futures") else "pub:info:pair"
        rows = (await self._m.get(f"conf/{key}", group="conf"))[0]
        return self._s.PairInfo.from_wire_list(rows or [])

    async def get_vasps(self) -> list[Vasp]:
        """Virtual asset service providers a withdrawal's travel-rule data may name: GET ``ext/vasps``."""
        return self._s.Vasp.from_wire_list(await self._m.get("ext/vasps", group="ext/vasps"))
