"""Test support for the REST tests (not shipped): small local aiohttp servers on loopback.

* :class:`AuthServer`: a stand-in for Bitfinex's authenticated and merchant endpoints until the simulator has
  accounts. It checks what Bitfinex checks, with its own code (hmac/hashlib, not bfxapi's): the API key, the
  HMAC-SHA384 signature over ``/api/v2/<path>`` + nonce + the raw body, and that every nonce of a key is
  larger than the previous one *in arrival order* (checked as soon as the request's headers are in, before
  anything is awaited), answering ``["error", 10114, "nonce: small"]`` otherwise. It records each accepted
  request (path, raw body, decoded JSON body, nonce, client port) and answers with canned, realistic rows.
* :func:`start_recording_simulator`: serves a running simulator's app a second time behind a middleware that
  records every request's path and query string exactly as received, for asserting request shapes.
* :func:`start_app`: serves any small aiohttp app (HTML error pages, slow answers, ...).
"""

import hashlib
import hmac
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from aiohttp import web

KEY = "test-key"
SECRET = "test-secret"

MTS = 1_700_000_000_000

# --- canned rows (layouts from protocol.md §8, written by hand) ------------------------------------------------

ORDER = [
    34930659963, 7, 1574955083558, "tETHUSD", 1574955083558, 1574955083573, 0.201104, 0.201104,
    "EXCHANGE LIMIT", None, None, None, 0, "ACTIVE", None, None, 120, 0, 0, 0, None, None, None, 0, 0, None,
    None, None, "BFX", None, None, {"aff_code": "AFF", "$F7": 1},
]
ORDER_2 = [
    34930659964, None, 1574955083600, "tBTCUSD", 1574955083600, 1574955083610, -0.5, -0.5, "LIMIT", None, None,
    None, 4096, "CANCELED", None, None, 31000.5, 0, 0, 0, None, None, None, 0, 0, None, None, None, "API>BFX",
    None, None, None,
]
POSITION = [
    "tETHUST", "ACTIVE", 0.2, 153.71, 0, 0, -0.0794, -0.0586, 67.53, 1.409, None, 142420429, 1574955083558,
    1574955083600, None, 0, None, 0, 0,
    {"reason": "TRADE", "order_id": 34934099168, "order_id_oppo": 34934090814, "liq_stage": None,
     "trade_price": "153.71", "trade_amount": "0.2"},
]
POSITION_HIST = ["tETHUSD", "CLOSED", 0, 153.71, 0, 0, None, None, None, None, None, 142420429, 1574955083558,
                 1574955084000]
WALLET = ["exchange", "BTC", 1.61169184, 0, 1.5, "Exchange 0.01 BTC for USD @ 7804.6",
          {"reason": "TRADE", "order_id": 34988418651}]
FUNDING_OFFER = [41238747, "fUST", 1575026670000, 1575026670000, 5000, 5000, "LIMIT", None, None, 0, "ACTIVE",
                 None, None, None, 0.006, 30, 0, 0, None, 0, None]
FUNDING_CREDIT = [26222883, "fUSD", 1, 1574955083558, 1574955083600, 50, 0, "ACTIVE", "FIXED", None, None,
                  0.0024, 2, 1574955083558, 1574955083600, 0, 0, None, 0, None, 0, "tBTCUSD"]
FUNDING_LOAN = FUNDING_CREDIT[:21]
TRADE = [402088407, "tETHUST", 1574963975602, 34938060782, -0.2, 153.57, "MARKET", 0, -1, -0.061668, "USD", 0]
FUNDING_TRADE = [636854, "fUSD", 1575282446000, 41238905, -1000, 0.002, 7, None]
LEDGER = [2531822314, "USD", "margin", 1573521810000, None, 0.01644445, 0, None,
          "Settlement @ 185.79 on wallet margin"]
MOVEMENT = [13105603, "ETH", "ETHEREUM", None, None, 1569348774000, 1569348775000, None, None, "COMPLETED",
            None, None, 0.26300954, -0.00135, None, None, "0x2fc9aa4a4f6a6b8f0000000000000000000000aa", None,
            None, None, "0x5ff5e3f6a1aa3d5d7ca8f0c1b28b2d3f3c2d1e0f", None]
USER_INFO = [12345, "user@example.com", "user", 1527495397000, 1, 2, None, "Europe/Zurich", "en_US", None, 1] + [
    None] * 50
LOGIN = [7, None, 1580000000000, None, "192.0.2.10", None, None, {"user_agent": "bfxapi-tests"}]
SYM_MARGIN = ["sym", "tETHUSD", [149361.09689202, 149639.26293509, 1.08536121, 0.08536121]]
BASE_MARGIN = ["base", [-13.01464, 0, 49331.70267297, 49318.68803297, 27]]
INCREASE_INFO = [[250, 0.1, 0.5, 1000, 1200, 0.03, 0.04], [None, None, None, None], [5000, None, None],
                 [0.1, 0.2, "USD", "BTC"]]
TRANSFER = [1568736745790, "margin", "exchange", None, "USD", None, None, 50]
WITHDRAWAL = [13080092, None, "ethereum", None, "exchange", 0.01, None, None, 0.00135]
DEPOSIT_ADDRESS = [None, "BITCOIN", "BTC", None, "bc1qexampleaddress000000000000000000000", None]
LN_INVOICE = ["3e1a2f...hash", "lnbc10u1pexampleinvoice", None, None, "0.001"]
AUTO_RENEW = ["USD", 2, 0.0001, 100]


def notification(type_: str, data: Any, text: str = "ok", status: str = "SUCCESS") -> List[Any]:
    """``[MTS, TYPE, MESSAGE_ID, null, NOTIFY_INFO, CODE, STATUS, TEXT]``."""
    return [MTS, type_, None, None, data, None, status, text]


INVOICE = {
    "id": "e8cfb8f3-1d3a-4e4e-9a62-0d5c3fbfb2d1", "t": MTS, "type": "ECOMMERCE", "duration": 86400,
    "amount": 10.5, "currency": "USD", "orderId": "order-1", "payCurrencies": ["BTC", "ETH"],
    "webhook": "https://shop.example/hook", "redirectUrl": "https://shop.example/done", "status": "CREATED",
    "customerInfo": {"nationality": "CH", "residCountry": "CH", "residCity": "Zurich", "residZipCode": "8000",
                     "residStreet": "Bahnhofstrasse", "residBuildingNo": "1", "fullName": "Ada Lovelace",
                     "email": "ada@example.com", "tosAccepted": True},
    "invoices": [{"amount": 0.0003, "currency": "BTC", "payCurrency": "BTC", "poolCurrency": "BTC",
                  "address": "bc1qinvoice", "ext": {"someVendorKey": 1}}],
    "merchantName": "Shop", "newKeyFromTheFuture": 42,
}
MERCHANT_DEPOSIT = {"id": 1, "invoiceId": "e8cf", "orderId": "order-1", "type": "ledger", "amount": 10.5,
                    "t": MTS, "txid": "tx1", "currency": "USD", "method": "BITCOIN", "payMethod": "BITCOIN"}
UNLINKED_DEPOSIT = {"id": 2, "method": "BITCOIN", "currency": "BTC", "createdAt": MTS, "updatedAt": MTS,
                    "amount": 0.001, "fee": 0, "txid": "tx2", "address": "bc1q", "paymentId": None,
                    "status": "COMPLETED", "note": None}

CANNED: Dict[str, Any] = {
    "auth/r/info/user": USER_INFO,
    "auth/r/logins/hist": [LOGIN],
    "auth/calc/order/avail": [1.5],
    "auth/r/wallets": [WALLET],
    "auth/r/orders": [ORDER, ORDER_2],
    "auth/r/orders/tETHUSD": [ORDER],
    "auth/w/order/submit": notification("on-req", [ORDER], "Submitting exchange limit buy order for 0.2 ETH."),
    "auth/w/order/update": notification("ou-req", ORDER),
    "auth/w/order/cancel": notification("oc-req", ORDER),
    "auth/w/order/cancel/multi": notification("oc_multi-req", [ORDER, ORDER_2]),
    "auth/r/orders/hist": [ORDER_2],
    "auth/r/orders/tBTCUSD/hist": [ORDER_2],
    "auth/r/order/tETHUSD:34930659963/trades": [TRADE],
    "auth/r/trades/hist": [TRADE],
    "auth/r/trades/tETHUST/hist": [TRADE],
    "auth/r/ledgers/USD/hist": [LEDGER],
    "auth/r/ledgers/hist": [LEDGER, LEDGER],
    "auth/r/info/margin/base": BASE_MARGIN,
    "auth/r/info/margin/tETHUSD": SYM_MARGIN,
    "auth/r/info/margin/sym_all": [SYM_MARGIN, ["sym", "tBTCUSD", [1, 2, 3, 4]]],
    "auth/r/positions": [POSITION],
    "auth/w/position/claim": notification("pos_claim", POSITION),
    "auth/w/position/increase": notification("pos_inc", ["tBTCUSD", None, 0.1, 30000]),
    "auth/r/position/increase/info": INCREASE_INFO,
    "auth/r/positions/hist": [POSITION_HIST],
    "auth/r/positions/snap": [POSITION_HIST],
    "auth/r/positions/audit": [POSITION],
    "auth/w/deriv/collateral/set": [[1]],
    "auth/calc/deriv/collateral/limit": [0.5, 100],
    "auth/r/funding/offers": [FUNDING_OFFER],
    "auth/r/funding/offers/fUST": [FUNDING_OFFER],
    "auth/w/funding/offer/submit": notification("fon-req", FUNDING_OFFER),
    "auth/w/funding/offer/cancel": notification("foc-req", FUNDING_OFFER),
    "auth/w/funding/offer/cancel/all": notification("foc_all-req", None, "cancelled all"),
    "auth/w/funding/close": notification("fcl-req", None),
    "auth/w/funding/auto": notification("fa-req", AUTO_RENEW),
    "auth/w/funding/keep": notification("fk-req", None),
    "auth/r/funding/offers/hist": [FUNDING_OFFER],
    "auth/r/funding/loans": [FUNDING_LOAN],
    "auth/r/funding/loans/hist": [FUNDING_LOAN],
    "auth/r/funding/credits": [FUNDING_CREDIT],
    "auth/r/funding/credits/fUSD/hist": [FUNDING_CREDIT],
    "auth/r/funding/trades/hist": [FUNDING_TRADE],
    "auth/r/info/funding/fUSD": ["sym", "fUSD", [0.0001, 0.0002, 2.5, 10]],
    "auth/w/transfer": notification("acc_tf", TRANSFER, "50.0 US Dollar transferred from Margin to Exchange"),
    "auth/w/withdraw": notification("acc_wd-req", WITHDRAWAL),
    "auth/w/deposit/address": notification("acc_dep", DEPOSIT_ADDRESS),
    "auth/w/deposit/invoice": LN_INVOICE,
    "auth/r/movements/hist": [MOVEMENT],
    "auth/r/movements/ETH/hist": [MOVEMENT],
    # not in the official library
    "auth/w/order/multi": notification("ox_multi-req", [notification("on-req", [ORDER]),
                                                        notification("oc-req", ORDER_2)]),
    "auth/r/deposit/address/all": [[1, "BTC", "BITCOIN", None, "bc1qone", None], [2, "BTC", "BITCOIN", None,
                                                                                  "bc1qtwo", None]],
    "auth/r/movements/info": [13105603, "ETH", "ETHEREUM", None, None, MTS, MTS, None, None, "COMPLETED"],
    "auth/r/alerts": [["price:tETHUSD:220", "price", "tETHUSD", 220, 100]],
    "auth/w/alert/set": ["price:tETHUSD:220.5", "price", "tETHUSD", 220.5, 100],
    "auth/w/alert/price:tETHUSD:220.5/del": [True],
    "auth/r/settings": [["api:bfx-test", {"theme": "dark"}]],
    "auth/w/settings/set": [1],
    "auth/w/settings/del": [1],
    "auth/r/permissions": [["account", 1, 0], ["orders", 1, 1]],
    "auth/r/summary": [None, None, None, None, [[0.001, 0.001], [0.002, 0.002]], None, None, None, None, None],
    "auth/r/wallets/hist": [["exchange", "BTC", 1.5, 0, None, None, MTS]],
    "auth/r/funding/auto/status": ["USD", 2, 0.0001, 100],
    # merchant (Bitfinex Pay)
    "auth/w/ext/pay/invoice/create": INVOICE,
    "auth/r/ext/pay/invoices": [INVOICE],
    "auth/r/ext/pay/invoices/paginated": {"page": 1, "pageSize": 10, "sort": "asc", "sortField": "t",
                                          "totalPages": 1, "totalItems": 1, "items": [INVOICE]},
    "auth/r/ext/pay/invoice/stats/count": [{"time": "2024-01", "count": 3}],
    "auth/r/ext/pay/invoice/stats/earning": [{"time": "2024-01", "count": 120.5}],
    "auth/w/ext/pay/invoice/complete": {**INVOICE, "status": "COMPLETED"},
    "auth/w/ext/pay/invoice/expire": {**INVOICE, "status": "EXPIRED"},
    "auth/r/ext/pay/settings/convert/list": [{"baseCcy": "BTC", "convertCcy": "USD", "created": MTS}],
    "auth/w/ext/pay/settings/convert/create": True,
    "auth/w/ext/pay/settings/convert/remove": True,
    "auth/w/ext/pay/settings/set": True,
    "auth/r/ext/pay/settings/get": "USD",
    "auth/r/ext/pay/settings/list": {"bfx_pay_preferred_fiat": "USD", "bfx_pay_recommend_store": 1},
    "auth/r/ext/pay/deposits": [MERCHANT_DEPOSIT],
    "auth/r/ext/pay/deposits/unlinked": [UNLINKED_DEPOSIT],
}


@dataclass
class Recorded:
    path: str
    raw_body: str
    body: Any
    nonce: int
    api_key: str
    port: int
    content_type: str


def _error(code: int, message: str, status: int = 500) -> web.Response:
    return web.json_response(["error", code, message], status=status)


@dataclass
class AuthServer:
    """A signed-endpoint server on loopback (see the module docstring)."""

    keys: Dict[str, str] = field(default_factory=lambda: {KEY: SECRET})
    answers: Dict[str, Any] = field(default_factory=lambda: dict(CANNED))
    requests: List[Recorded] = field(default_factory=list)
    rejected: List[Tuple[str, int, str]] = field(default_factory=list)
    last_nonce: Dict[str, int] = field(default_factory=dict)
    host: str = ""
    _runner: Optional[web.AppRunner] = None

    async def start(self) -> "AuthServer":
        app = web.Application()
        app.router.add_post("/api/v2/{path:.+}", self._handle)
        app.router.add_post("/v2/{path:.+}", self._handle)
        app.router.add_get("/v2/platform/status", self._platform_status)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.host = f"http://127.0.0.1:{port}/v2"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _platform_status(self, _request: web.Request) -> web.Response:
        return web.json_response([1])

    def _reject(self, path: str, code: int, message: str) -> web.Response:
        self.rejected.append((path, code, message))
        return _error(code, message)

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        api_key = request.headers.get("bfx-apikey", "")
        secret = self.keys.get(api_key)
        if secret is None:
            return self._reject(path, 10100, "apikey: invalid")
        try:
            nonce = int(request.headers.get("bfx-nonce", ""))
        except ValueError:
            return self._reject(path, 10114, "nonce: invalid")
        # Arrival order: checked before the first await of this handler.
        if nonce <= self.last_nonce.get(api_key, 0):
            return self._reject(path, 10114, "nonce: small")
        self.last_nonce[api_key] = nonce
        raw = await request.text()
        message = f"/api/v2/{path}{nonce}{raw}".encode("utf-8")
        expected = hmac.new(secret.encode("utf-8"), message, hashlib.sha384).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("bfx-signature", "")):
            return self._reject(path, 10100, "apikey: digest invalid")
        body = json.loads(raw) if raw else None
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.requests.append(Recorded(path, raw, body, nonce, api_key, peer[1] if peer else 0,
                                      request.headers.get("Content-Type", "")))
        if path not in self.answers:
            return web.Response(status=404, text=f"Cannot POST /api/v2/{path}", content_type="text/html")
        answer = self.answers[path]
        if callable(answer):
            answer = answer(body)
            if inspect.isawaitable(answer):
                answer = await answer
        if isinstance(answer, web.Response):
            return answer
        return web.json_response(answer)


@dataclass
class Received:
    method: str
    path: str
    query: Dict[str, str]
    body: str
    port: int


async def start_app(app: web.Application) -> Tuple[web.AppRunner, str]:
    """Serve ``app`` on an ephemeral loopback port; returns the runner and ``http://127.0.0.1:PORT``."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def start_recording_simulator(sim: Any) -> Tuple[web.AppRunner, str, List[Received]]:
    """Serve ``sim``'s REST app again behind a recorder; returns the runner, its ``.../v2`` host and the log."""
    received: List[Received] = []

    @web.middleware
    async def record(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                     ) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        entry = Received(request.method, request.path, dict(request.query), "", peer[1] if peer else 0)
        received.append(entry)
        response = await handler(request)
        # Read the body after the handler: reading it first would leave the simulator an empty stream
        # (aiohttp caches what was read, so this returns what the handler saw).
        entry.body = await request.text()
        return response

    app = sim.make_app()
    app.middlewares.insert(0, record)
    runner, base = await start_app(app)
    return runner, f"{base}/v2", received
