"""The public REST front end (protocol.md §5, §6.1) over the simulator's market state.

Routes are registered per module through :meth:`RestFrontEnd.add_route` (the authenticated part can add its
own module later). Every answer is printed with the JavaScript number formatting of the WebSocket side.
"""

import json
import math
import random
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Deque, Dict, List, Optional, Tuple

from aiohttp import web

from ._numbers import round_amount, round_price
from ._wire import dumps
from .channels import BOOK_LENGTHS, BOOK_PRECISIONS, Subscription
from .market import Instrument, parse_candle_key

if TYPE_CHECKING:
    from .simulator import Simulator

__all__ = ["RestFrontEnd", "RestError", "RestRecord", "DEFAULT_REST_RATE_LIMITS", "API_KEY"]

#: Requests per minute per IP and endpoint group (protocol.md §5.4); None = not limited. A route key
#: ``"group|endpoint"`` counts per endpoint with the group's limit (authenticated routes: 90 each, alerts 45,
#: deposit addresses 10; transfers, withdrawals, invoices and merchant endpoints are not limited).
DEFAULT_REST_RATE_LIMITS: Dict[str, Optional[int]] = {
    "platform/status": 30, "ticker": 90, "tickers": 30, "tickers/hist": None, "trades": 15, "book": 240,
    "stats1": 15, "candles": 30, "status": 90, "liquidations": 3, "rankings": 90, "funding/stats": None,
    "conf": 90, "calc": 90, "pulse": None,
    "auth": 90, "auth/alerts": 45, "auth/deposit/address": 10, "auth/unlimited": None, "merchant": None,
}


@dataclass
class RestRecord:
    """One REST request as received and answered (``sim.rest_log``).

    ``method``, ``path`` (as received, without the query), ``query`` (dict), ``headers`` (dict), ``raw_body``
    (bytes, exactly as received), ``body`` (parsed JSON or None), ``status`` and ``response`` (parsed JSON
    answer), ``api_key`` (the authenticated key, if any)."""

    method: str
    path: str
    query: Dict[str, str]
    headers: Dict[str, str]
    raw_body: bytes
    body: Any
    status: int = 0
    response: Any = None
    api_key: Optional[str] = None

Handler = Callable[[web.Request], Awaitable[Any]]
#: request storage key of the authenticated API key (set by the authenticated routes, read when recording)
API_KEY = web.RequestKey("bfx_api_key", str)
_MINUTE = 60_000
_STATS_SIZES = {"1m": _MINUTE, "30m": 30 * _MINUTE, "1d": 1440 * _MINUTE, "1D": 1440 * _MINUTE}
_STATS_KEYS = ("pos.size", "funding.size", "credits.size", "credits.size.sym", "vol.1d", "vol.7d", "vol.30d",
               "vwap")


class RestError(Exception):
    """An application error answered as HTTP 500 ``["error", code, msg]``."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=dumps(data), status=status, content_type="application/json")


def _int_param(request: web.Request, name: str) -> Optional[int]:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError as error:
        raise RestError(10020, f"{name}: invalid") from error


def _window(request: web.Request, rows: List[Any], mts: Callable[[Any], float], default_limit: int,
            max_limit: int, default_sort: int = -1) -> List[Any]:
    """Apply ``start``/``end`` (ms, inclusive), ``sort`` (1 ascending, -1 descending) and ``limit``."""
    limit = _int_param(request, "limit")
    limit = default_limit if limit is None else limit
    if limit < 0 or limit > max_limit:
        raise RestError(10020, "limit: invalid")
    start, end = _int_param(request, "start"), _int_param(request, "end")
    sort = _int_param(request, "sort") or default_sort
    selected = [r for r in rows if (start is None or mts(r) >= start) and (end is None or mts(r) <= end)]
    selected.sort(key=mts, reverse=sort != 1)
    if sort == 1 and start is None and len(selected) > limit:
        # ascending without a start: the newest ``limit`` rows, oldest first
        return selected[-limit:]
    return selected[:limit]


class RestFrontEnd:
    """Public REST under ``/v2`` (and ``/api/v2``)."""

    def __init__(self, sim: "Simulator") -> None:
        self.sim = sim
        self.routes: List[Tuple[str, str, str, Handler]] = []
        self._hits: Dict[Tuple[str, str], Deque[float]] = {}
        self._blocked: Dict[Tuple[str, str], float] = {}
        self._public_routes()

    def add_route(self, method: str, path: str, limit_key: str, handler: Handler) -> None:
        """Register ``handler`` (returning JSON-able data or raising RestError) for ``/v2/<path>``."""
        self.routes.append((method, path, limit_key, handler))

    def register(self, app: web.Application) -> None:
        for method, path, key, handler in self.routes:
            wrapped = self._wrap(key, handler)
            for prefix in ("/v2/", "/api/v2/"):
                app.router.add_route(method, prefix + path, wrapped)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except web.HTTPNotFound:
            return web.Response(status=404, text=f"Cannot {request.method} {request.path}",
                                content_type="text/html")
        except web.HTTPMethodNotAllowed:
            return web.Response(status=404, text=f"Cannot {request.method} {request.path}",
                                content_type="text/html")

    def _rate_limited(self, ip: str, key: str) -> bool:
        limits = self.sim.rest_rate_limits
        limit = limits.get(key.split("|")[0]) if limits is not None else None
        if limit is None:
            return False
        now = time.monotonic()
        slot = (ip, key)
        if self._blocked.get(slot, 0.0) > now:
            return True
        hits = self._hits.setdefault(slot, deque())
        while hits and now - hits[0] >= 60.0:
            hits.popleft()
        if len(hits) >= limit:
            self._blocked[slot] = now + self.sim.rest_block_duration
            return True
        hits.append(now)
        return False

    def _wrap(self, key: str, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            raw = await request.read()
            try:
                parsed: Any = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            record = RestRecord(request.method, request.path, dict(request.query), dict(request.headers), raw,
                                parsed)
            self.sim.rest_log.append(record)
            response = await answer(request)
            record.status = response.status
            record.api_key = request.get(API_KEY)
            try:
                record.response = json.loads(response.text or "null")
            except ValueError:
                record.response = response.text
            self.sim.notify()
            return response

        async def answer(request: web.Request) -> web.Response:
            sim = self.sim
            sim.rest_requests += 1
            if sim.maintenance and key != "platform/status":
                return _json(["error", 20060, "maintenance"], 500)
            if self._rate_limited(request.remote or "unknown", key):
                sim.rest_rate_limited += 1
                return _json(["error", 11010, "ratelimit: error"], 429)
            try:
                return _json(await handler(request))
            except RestError as error:
                return _json(["error", error.code, error.msg], 500)
        return wrapped

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
        return _window(request, rows, lambda r: r[12], 100, 250)

    async def _trades_hist(self, request: web.Request) -> Any:
        inst = self._instrument(request.match_info["symbol"])
        rows = [t.row(inst.funding) for t in inst.trades]
        return _window(request, rows, lambda r: r[1], 125, 10000)

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
        return _window(request, rows, lambda r: r[0], 100, 10000)

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
        return _window(request, [c.row() for c in series.candles], lambda r: r[0], 100, 10000)

    async def _status(self, request: web.Request) -> Any:
        if request.match_info["type"] != "deriv":
            return []
        market = self.sim.market
        raw = request.query.get("keys", "")
        keys = market.derivatives() if raw == "ALL" else [k for k in raw.split(",") if k in market.derivatives()]
        return [[k, *market.deriv_row(k)] for k in keys]

    async def _deriv_hist(self, request: web.Request) -> Any:
        history = self.sim.market.deriv_history.get(request.match_info["key"], [])
        return _window(request, [list(r) for r in history], lambda r: r[0], 100, 5000)

    async def _liquidations(self, request: web.Request) -> Any:
        rows = [[row] for row in self.sim.market.liquidations]
        return _window(request, rows, lambda r: r[0][2], 100, 500)

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
        limit = _int_param(request, "limit") or 125
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
        return _window(request, rows, lambda r: r[0], 250, 250)

    async def _conf(self, request: web.Request) -> Any:
        return [self._conf_value(key) for key in request.match_info["keys"].split(",")]

    def _conf_value(self, key: str) -> Any:
        market = self.sim.market
        pairs = [s[1:] for s in market.symbols(funding=False)]
        futures = [p for p in pairs if "F0:" in p]
        exchange = [p for p in pairs if p not in futures]
        currencies = sorted({c for p in pairs for c in self._legs(p)} | {s[1:] for s in market.symbols(True)})
        labels = {"BTC": "Bitcoin", "ETH": "Ethereum", "USD": "US Dollar", "UST": "Tether USDt",
                  "TESTBTC": "Test BTC", "TESTUSD": "Test USD", "BTCF0": "Bitcoin (derivatives)",
                  "USTF0": "Tether USDt (derivatives)"}
        values: Dict[str, Any] = {
            "pub:list:pair:exchange": exchange,
            "pub:list:pair:margin": [p for p in exchange if not p.startswith("TEST")],
            "pub:list:pair:futures": futures,
            "pub:list:pair:securities": [],
            "pub:list:currency": currencies,
            "pub:list:currency:margin": [c for c in currencies if c in ("BTC", "ETH", "USD", "UST")],
            "pub:list:competitions": [],
            "pub:map:currency:sym": [[c, c.replace("F0", "")] for c in currencies if "F0" in c],
            "pub:map:currency:label": [[c, labels.get(c, c)] for c in currencies],
            "pub:map:currency:unit": [],
            "pub:map:currency:undl": [[c, c.replace("F0", "")] for c in currencies if "F0" in c],
            "pub:map:currency:pool": [[c, "ETH"] for c in currencies if c in ("UST",)],
            "pub:map:currency:explorer": [[c, [f"https://explorer.example/{c.lower()}"]] for c in currencies],
            "pub:map:currency:tx:fee": [[c, [0, 0.0004]] for c in currencies],
            "pub:map:tx:method": [["BITCOIN", ["BTC"]], ["ETHEREUM", ["ETH"]]],
            "pub:info:pair": [[p, [None, None, None, "0.0002", "2000.0", None, None, None, 0.2, 0.1]]
                              for p in exchange],
            "pub:info:pair:futures": [[p, [None, None, None, "0.0002", "100.0", None, None, None, 0.01, 0.005]]
                                      for p in futures],
            "pub:info:tx:status": [[c, [1, 1, None, None, None, None, None, 0, 0, None, None, 0]]
                                   for c in currencies],
        }
        return values.get(key)

    @staticmethod
    def _legs(pair: str) -> List[str]:
        if ":" in pair:
            return pair.split(":")
        return [pair[:3], pair[3:]]

    async def _pulse_hist(self, request: web.Request) -> Any:
        limit = _int_param(request, "limit") or 25
        end = _int_param(request, "end") or self.sim.market.now_ms
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
        ccy1, ccy2 = str(params.get("ccy1", "")), str(params.get("ccy2", ""))
        rates: Dict[Tuple[str, str], float] = {}
        for symbol in self.sim.market.symbols(funding=False):
            legs = self._legs(symbol[1:])
            mid = self.sim.market.instruments[symbol].mid
            rates[(legs[0], legs[1])] = mid
            rates[(legs[1], legs[0])] = 1 / mid
        if ccy1 == ccy2 and (ccy1, "USD") in rates:
            return [1]
        if (ccy1, ccy2) in rates:
            return [round_price(rates[(ccy1, ccy2)])]
        for (first, middle), rate in rates.items():
            if first == ccy1 and (middle, ccy2) in rates:
                return [round_price(rate * rates[(middle, ccy2)])]
        raise RestError(10020, "ccy: invalid")
