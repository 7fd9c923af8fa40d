"""Public REST (protocol.md §6.1) over the simulator's market state: tickers, trades, books, candles, stats,
derivatives status, liquidations, rankings, funding stats, configuration, pulse and the ``calc`` endpoints."""

import json
import math
import random
from typing import Any, Dict, List, Optional

from aiohttp import web

from ...wire.numbers import round_amount, round_price
from ..channels import BOOK_LENGTHS, BOOK_PRECISIONS, Subscription
from ..context import ServerContext
from ...model.market import Instrument, parse_candle_key
from .app import RestError, RestFrontEnd, int_param, query_window
from .conf import conf_value, fx_rate
from .extra import VASPS

__all__ = ["PublicRest"]

_MINUTE = 60_000
_STATS_SIZES = {"1m": _MINUTE, "30m": 30 * _MINUTE, "1d": 1440 * _MINUTE, "1D": 1440 * _MINUTE}
_STATS_KEYS = ("pos.size", "funding.size", "credits.size", "credits.size.sym", "vol.1d", "vol.7d", "vol.30d",
               "vwap")


class PublicRest:
    """The public routes, registered on the REST front end."""

    def __init__(self, sim: ServerContext, front: RestFrontEnd) -> None:
        self.sim = sim
        self.add_route = front.add_route
        self._public_routes()

    # --- helpers --------------------------------------------------------------------------------------------------
    def _instrument(self, symbol: str) -> Instrument:
        inst = self.sim.market.instruments.get(symbol)
        if inst is None:
            raise RestError(10020, "symbol: invalid")
        return inst

    def _symbols_param(self, request: web.Request, funding: Optional[bool] = None) -> List[str]:
        raw = request.query.get("symbols")
        if not raw:
            raise RestError(10020, "symbols: invalid")
        known = list(self.sim.market.symbols(funding))
        if raw == "ALL":
            return known
        return [s for s in raw.split(",") if s in known]

    async def _body(self, request: web.Request) -> Dict[str, Any]:
        params: Dict[str, Any] = dict(request.query)
        # read() returns the bytes cached by the recording wrapper (the stream itself is consumed by then)
        raw = await request.read()
        if raw:
            try:
                body = json.loads(raw.decode("utf-8") or "{}")
            except ValueError as error:
                raise RestError(10020, "body: invalid") from error
            if isinstance(body, dict):
                params.update(body)
        return params

    def _rng(self, *parts: Any) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.sim.seed, *parts)))

    # --- routes ---------------------------------------------------------------------------------------------------
    def _public_routes(self) -> None:
        add = self.add_route
        add("GET", "platform/status", "platform/status", self._platform_status)
        add("GET", "tickers", "tickers", self._tickers)
        add("GET", "ticker/{symbol}", "ticker", self._ticker)
        add("GET", "tickers/hist", "tickers/hist", self._tickers_hist)
        add("GET", "trades/{symbol}/hist", "trades", self._trades_hist)
        add("GET", "book/{symbol}/{prec}", "book", self._book)
        add("GET", "stats1/{key}/{section}", "stats1", self._stats1)
        add("GET", "candles/{key}/{section}", "candles", self._candles)
        add("GET", "status/deriv/{key}/hist", "status", self._deriv_hist)
        add("GET", "status/{type}", "status", self._status)
        add("GET", "liquidations/hist", "liquidations", self._liquidations)
        add("GET", "rankings/{key}/{section}", "rankings", self._rankings)
        add("GET", "funding/stats/{symbol}/hist", "funding/stats", self._funding_stats)
        add("GET", "conf/{keys}", "conf", self._conf)
        add("GET", "pulse/hist", "pulse", self._pulse_hist)
        add("GET", "pulse/profile/{nickname}", "pulse", self._pulse_profile)
        add("POST", "calc/trade/avg", "calc", self._calc_trade_avg)
        add("POST", "calc/fx", "calc", self._calc_fx)
        add("GET", "ext/vasps", "ext/vasps", self._vasps)

    async def _platform_status(self, _: web.Request) -> Any:
        return [0 if self.sim.maintenance else 1]

    async def _tickers(self, request: web.Request) -> Any:
        market = self.sim.market
        return [[s, *market.instruments[s].ticker_row()] for s in self._symbols_param(request)]

    async def _ticker(self, request: web.Request) -> Any:
        return self._instrument(request.match_info["symbol"]).ticker_row()

    async def _tickers_hist(self, request: web.Request) -> Any:
        rows = []
        for symbol in self._symbols_param(request, funding=False):
            for mts, bid, ask in self.sim.market.ticker_history.get(symbol, []):
                rows.append([symbol, bid, None, ask, None, None, None, None, None, None, None, None, mts])
        return query_window(request, rows, lambda r: r[12], 100, 250)

    async def _trades_hist(self, request: web.Request) -> Any:
        inst = self._instrument(request.match_info["symbol"])
        rows = [t.row(inst.funding) for t in inst.trades]
        return query_window(request, rows, lambda r: r[1], 125, 10000)

    async def _book(self, request: web.Request) -> Any:
        inst = self._instrument(request.match_info["symbol"])
        prec = request.match_info["prec"]
        if prec not in BOOK_PRECISIONS:
            raise RestError(10020, "prec: invalid")
        length = request.query.get("len", "25")
        if length not in BOOK_LENGTHS:
            raise RestError(10020, "len: invalid")
        view = Subscription("book", {}, {}, symbol=inst.symbol, prec=prec, length=int(length))
        bids, asks = view.book_view(inst)
        return bids + asks

    async def _stats1(self, request: web.Request) -> Any:
        key, section = request.match_info["key"], request.match_info["section"]
        parts = key.split(":")
        if len(parts) < 3 or parts[0] not in _STATS_KEYS or parts[1] not in _STATS_SIZES or section not in (
                "last", "hist"):
            raise RestError(10020, "key: invalid")
        size = _STATS_SIZES[parts[1]]
        now = self.sim.market.now_ms // size * size
        base = self._rng(key).uniform(100, 100000)

        def point(bucket: int) -> List[Any]:
            noise = self._rng(key, bucket).uniform(-0.02, 0.02)
            return [bucket * size, round_amount(base * (1 + 0.1 * math.sin(bucket / 50) + noise))]
        if section == "last":
            return point(now // size)
        rows = [point(now // size - back) for back in range(0, 10000)]
        return query_window(request, rows, lambda r: r[0], 100, 10000)

    async def _candles(self, request: web.Request) -> Any:
        key, section = request.match_info["key"], request.match_info["section"]
        info = parse_candle_key(key)
        if info is None or section not in ("last", "hist"):
            raise RestError(10020, "key: invalid")
        if info.symbol not in self.sim.market.instruments:
            return []
        series = self.sim.market.candles(info)
        if section == "last":
            return series.candles[-1].row() if series.candles else []
        return query_window(request, [c.row() for c in series.candles], lambda r: r[0], 100, 10000)

    async def _status(self, request: web.Request) -> Any:
        if request.match_info["type"] != "deriv":
            return []
        market = self.sim.market
        raw = request.query.get("keys", "")
        keys = market.derivatives() if raw == "ALL" else [k for k in raw.split(",") if k in market.derivatives()]
        return [[k, *market.deriv_row(k)] for k in keys]

    async def _deriv_hist(self, request: web.Request) -> Any:
        history = self.sim.market.deriv_history.get(request.match_info["key"], [])
        return query_window(request, [list(r) for r in history], lambda r: r[0], 100, 5000)

    async def _liquidations(self, request: web.Request) -> Any:
        rows = [[row] for row in self.sim.market.liquidations]
        return query_window(request, rows, lambda r: r[0][2], 100, 500)

    async def _rankings(self, request: web.Request) -> Any:
        key, section = request.match_info["key"], request.match_info["section"]
        parts = key.split(":")
        if len(parts) < 3 or parts[0] not in ("plu_diff", "plu", "vol", "plr") or parts[1] not in (
                "3h", "1w", "1M") or section not in ("last", "hist"):
            raise RestError(10020, "key: invalid")
        rng = self._rng("rankings", key)
        mts = self.sim.market.now_ms // 3_600_000 * 3_600_000
        value = rng.uniform(1e5, 1e7)
        rows = []
        for rank in range(1, 251):
            value = round_amount(value * rng.uniform(0.8, 0.99))
            name = f"trader{rng.randint(1000, 9999)}"
            rows.append([mts, None, name, rank, None, None, value, None, None, name if rank % 3 == 0 else None])
        if section == "last":
            return rows[0]
        limit = int_param(request, "limit") or 125
        if limit > 10000:
            raise RestError(10020, "limit: invalid")
        return rows[:limit]

    async def _funding_stats(self, request: web.Request) -> Any:
        symbol = request.match_info["symbol"]
        inst = self._instrument(symbol)
        if not inst.funding:
            raise RestError(10020, "symbol: invalid")
        hour = 3_600_000
        now = self.sim.market.now_ms // hour
        rows = []
        for back in range(0, 500):
            rng = self._rng("fstats", symbol, now - back)
            amount = round_amount(inst.size * rng.uniform(1e4, 1e5))
            rows.append([(now - back) * hour, None, None, round_price(inst.frr * 365 * rng.uniform(0.9, 1.1)),
                         round(rng.uniform(2, 30), 4), None, None, amount, round_amount(amount * rng.uniform(0.5, 1)),
                         None, None, round_amount(amount * rng.uniform(0, 0.1))])
        return query_window(request, rows, lambda r: r[0], 250, 250)

    async def _conf(self, request: web.Request) -> Any:
        return [conf_value(key, self.sim.market) for key in request.match_info["keys"].split(",")]

    async def _pulse_hist(self, request: web.Request) -> Any:
        limit = int_param(request, "limit") or 25
        end = int_param(request, "end") or self.sim.market.now_ms
        if limit > 100:
            raise RestError(10020, "limit: invalid")
        rows = []
        for index in range(limit):
            mts = end - index * 60_000
            rng = self._rng("pulse", mts // 60_000)
            nickname = f"trader{rng.randint(1000, 9999)}"
            rows.append([f"{rng.getrandbits(64):016x}", mts, None, f"{rng.getrandbits(64):016x}", None,
                         None, f"Market note #{index}", None, None, 0, 1, 0, ["BTCUSD"], [], [], rng.randint(0, 50),
                         None, None, [self._profile(nickname)], rng.randint(0, 10), None, None])
        return rows

    def _profile(self, nickname: str) -> List[Any]:
        rng = self._rng("profile", nickname)
        return [f"{rng.getrandbits(64):016x}", self.sim.market.now_ms - rng.randint(10**9, 10**11), None, nickname,
                None, "https://pulse.example/picture.png", f"Hi, I am {nickname}", None, None, nickname, None,
                rng.randint(0, 5000), rng.randint(0, 500), None, None, None, 0]

    async def _vasps(self, _: web.Request) -> Any:
        return [list(row) for row in VASPS]

    async def _pulse_profile(self, request: web.Request) -> Any:
        return self._profile(request.match_info["nickname"])

    async def _calc_trade_avg(self, request: web.Request) -> Any:
        params = await self._body(request)
        inst = self._instrument(str(params.get("symbol", "")))
        try:
            amount = float(params.get("amount", ""))
        except (TypeError, ValueError) as error:
            raise RestError(10020, "amount: invalid") from error
        limit_name = "rate_limit" if inst.funding else "price_limit"
        limit = params.get(limit_name)
        # buying (amount > 0) walks the asks; funding: a positive amount takes offers too
        side = inst.side(bid=amount < 0)
        if inst.funding and params.get("period") is not None:
            side = [o for o in side if o.period == int(params["period"])]
        wanted, filled, cost = abs(amount), 0.0, 0.0
        for order in side:
            if limit is not None and ((order.price > float(limit)) if amount > 0 else (order.price < float(limit))):
                break
            take = min(abs(order.amount), wanted - filled)
            filled += take
            cost += take * order.price
            if filled >= wanted:
                break
        if filled == 0:
            return [None, 0]
        avg = round_price(cost / filled)
        return [avg, round_amount(filled if amount > 0 else -filled)]

    async def _calc_fx(self, request: web.Request) -> Any:
        params = await self._body(request)
        rate = fx_rate(str(params.get("ccy1", "")), str(params.get("ccy2", "")), self.sim.market)
        if rate is None:
            raise RestError(10020, "ccy: invalid")
        return [rate]
