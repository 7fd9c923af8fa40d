"""Every public entry point given bad arguments: whatever escapes is a ``BfxBaseException``.

The REST endpoint methods are enumerated by introspection (each parameter in turn gets values of the wrong
type or out of range, the others plausible ones), so that a method added later is covered without editing
this file. The client points at a simulator started here, so a call that does go out gets a real answer (a
server error is a ``BfxBaseException`` too). Where the library refuses an argument itself
(``InvalidInputError``) nothing may have been sent.

The WebSocket methods, the constructors, the options and REST values the introspection does not try (path
segments, counts, sorts, times) take hand-written cases, each of which must raise ``InvalidInputError`` (or
another ``BfxBaseException`` where marked) before anything is sent: these arguments can never work.

Cases that fail today in code outside this change are marked ``xfail(strict=True)`` with the fix in the
reason, so the list stays visible and a fix that lands makes the mark fail until it is removed.
"""

import asyncio
import collections.abc
import inspect
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, AsyncIterator, Awaitable, Callable, Optional

import pytest
import pytest_asyncio

from bfxapi import Client
from bfxapi.exceptions import BfxBaseException, InvalidInputError
from bfxapi.rest import BfxRestInterface, RetryPolicy
from bfxapi.rest._interfaces import RestAuthEndpoints, RestMerchantEndpoints, RestPublicEndpoints
from bfxapi.testing import Simulator
from bfxapi.websocket import Backoff, WebSocketOptions

from ws_support import simulator

# Long liveness timings: between two tests of this module the shared event loop does not run, and a connection
# must not take that pause for a dead link and reconnect in the middle of a case.
OPTIONS = WebSocketOptions(
    public_connection_limit=(None, 0.0),
    auth_connection_limit=(None, 0.0),
    subscribe_timeout=3.0,
    input_timeout=3.0,
    open_timeout=3.0,
    close_timeout=0.5,
)
CALL_TIMEOUT = 10.0


class Unknown:
    """A value of a type no parameter takes."""

    def __repr__(self) -> str:
        return "<Unknown>"


@dataclass
class Env:
    sim: Simulator
    bfx: Client

    def sent_rest(self) -> int:
        return len(self.sim.rest_log)

    def sent_ws(self) -> int:
        """Frames the server received on every WebSocket connection, the client's keep-alive pings aside."""
        return sum(1 for c in self.sim.connections for m in c.received
                   if not (isinstance(m, dict) and m.get("event") == "ping"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env() -> AsyncIterator[Env]:
    async with simulator(rest_rate_limits=None, heartbeat_interval=None) as sim:
        account = sim.add_account(wallets={"exchange": {"USD": 10_000, "BTC": 1}, "funding": {"USD": 10_000}})
        bfx = Client(account.api_key, account.api_secret, rest_host=sim.rest_host, wss_host=sim.wss_host,
                     wss_options=OPTIONS, rest_options={"rate_limits": None})
        await bfx.wss.connect()
        # The managed account learns, once, where the account's fills end (one request per kind of fill): let
        # those requests go out before any case counts what was sent.
        await sim.wait_for(lambda: sim.rest_requests_to("auth/r/trades/hist")
                           and sim.rest_requests_to("auth/r/funding/trades/hist"))
        try:
            yield Env(sim, bfx)
        finally:
            await bfx.close()


async def outcome(env: Env, call: Callable[[], Awaitable[Any]]) -> Optional[BaseException]:
    """Run ``call``; fail unless what escapes is a BfxBaseException; an InvalidInputError must leave nothing
    sent. Returns what was raised (None when the call went through)."""
    rest, ws = env.sent_rest(), env.sent_ws()
    try:
        await asyncio.wait_for(call(), CALL_TIMEOUT)
    except BfxBaseException as error:
        if isinstance(error, InvalidInputError):
            assert (env.sent_rest(), env.sent_ws()) == (rest, ws), f"{error!r} raised after a request was sent"
        return error
    except Exception as error:  # pylint: disable=broad-exception-caught
        pytest.fail(f"{type(error).__module__}.{type(error).__name__} escaped: {error}")
    return None


# --- REST: every endpoint method, every parameter ---------------------------------------------------------------

GROUPS = {"public": RestPublicEndpoints, "auth": RestAuthEndpoints, "merchant": RestMerchantEndpoints}
# Parameters that are counts or positions, for which a negative number is out of range.
COUNTS = {"limit", "len", "page", "page_size", "period", "duration"}
# Parameters whose str form is valid (a single symbol where a list is taken, ...).
STR_TAKEN = {"symbols", "keys"}


def _kinds(annotation: Any) -> set[str]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union:
        return set().union(*(_kinds(arg) for arg in args if arg is not type(None)))
    if origin is typing.Literal:
        return {"literal"}
    if origin in (collections.abc.Sequence, collections.abc.Iterable, list, tuple):
        return {"list-int" if args and args[0] is int else "list"}
    if origin in (collections.abc.Mapping, dict):
        return {"mapping"}
    simple = {str: "str", int: "int", bool: "bool", float: "decimal", Decimal: "decimal"}
    return {simple.get(annotation, "any")}


def _kind(annotation: Any) -> str:
    kinds = _kinds(annotation)
    for kind in ("decimal", "list-int", "list", "mapping", "literal", "bool"):
        if kind in kinds:
            return kind
    if kinds == {"int", "str"}:
        return "timestamp"
    return next(iter(sorted(kinds)))


def _good(annotation: Any, kind: str) -> Any:
    if kind == "literal":
        literal = next(a for a in typing.get_args(annotation) if typing.get_origin(a) is typing.Literal) \
            if typing.get_origin(annotation) is typing.Union else annotation
        return typing.get_args(literal)[0]
    return {"decimal": "1", "list-int": [1], "list": ["tBTCUSD"], "mapping": {}, "bool": True, "timestamp": 1,
            "str": "tBTCUSD", "int": 1}.get(kind, "x")


def _bad(name: str, kind: str) -> list[tuple[str, Any]]:
    values: list[tuple[str, Any]] = [("unknown-type", Unknown())]
    values += {
        "str": [("int", 123)],
        "int": [("str", "x"), ("float", 2.5)],
        "bool": [("str", "yes")],
        "decimal": [("word", "lots"), ("nan", float("nan"))],
        "list": [("int", 5)] + ([] if name in STR_TAKEN else [("str", "tBTCUSD")]),
        "list-int": [("str", "12"), ("int", 5)],
        "mapping": [("list", ["x"])],
        "literal": [("other", "nonsense")],
        "timestamp": [("list", [1])],
    }.get(kind, [])
    if name in COUNTS:
        values.append(("negative", -1))
    return values


def _rest_cases() -> list[Any]:
    cases = []
    for group, cls in GROUPS.items():
        for method, function in vars(cls).items():
            if method.startswith("_") or not inspect.iscoroutinefunction(function):
                continue
            hints = typing.get_type_hints(function)
            parameters = [p for p in inspect.signature(function).parameters.values() if p.name != "self"]
            good = {p.name: _good(hints.get(p.name), _kind(hints.get(p.name)))
                    for p in parameters if p.default is inspect.Parameter.empty}
            for parameter in parameters:
                for label, value in _bad(parameter.name, _kind(hints.get(parameter.name))):
                    case_id = f"{group}.{method}-{parameter.name}-{label}"
                    marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case_id])] if case_id in KNOWN else []
                    cases.append(pytest.param(group, method, {**good, parameter.name: value}, id=case_id, marks=marks))
    return cases


# case id -> why it fails today and the fix (in files outside this change); none at the moment
KNOWN: dict[str, str] = {}


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("group", "method", "kwargs"), _rest_cases())
async def test_rest_endpoint_with_a_bad_argument(env: Env, group: str, method: str, kwargs: dict[str, Any]) -> None:
    endpoint = getattr(getattr(env.bfx.rest, group), method)
    await outcome(env, lambda: endpoint(**kwargs))


def test_every_endpoint_method_has_cases() -> None:
    covered = {p.id.split("-")[0] for p in _rest_cases()}
    for group, cls in GROUPS.items():
        for method, function in vars(cls).items():
            if not method.startswith("_") and inspect.iscoroutinefunction(function):
                assert f"{group}.{method}" in covered or not [
                    p for p in inspect.signature(function).parameters if p != "self"
                ], method


# --- everything else: hand-written cases ------------------------------------------------------------------------


def _client(env: Env, **kwargs: Any) -> Client:
    return Client(wss_host=env.sim.wss_host, rest_host=env.sim.rest_host, wss_options=OPTIONS, **kwargs)


def constructed(factory: Callable[[], Any]) -> Callable[[Env], Awaitable[Any]]:
    """Build something that must refuse its arguments; close it if it did not."""

    async def run(_: Env) -> None:
        made = factory()
        if hasattr(made, "close"):
            await made.close()

    return run


def with_client(action: Callable[[Client], Awaitable[Any]], **kwargs: Any) -> Callable[[Env], Awaitable[Any]]:
    """Call ``action`` on a fresh client (one not started yet), closed afterwards whatever happens."""

    async def run(env: Env) -> None:
        bfx = _client(env, **kwargs)
        try:
            await action(bfx)
        finally:
            await bfx.close()

    return run


def on_wss(action: Callable[[Any], Any]) -> Callable[[Env], Awaitable[Any]]:
    """Call ``action`` on the running client's ``wss`` (awaiting it when it is a coroutine)."""

    async def run(env: Env) -> None:
        result = action(env.bfx.wss)
        if inspect.isawaitable(result):
            await result

    return run


def on_rest(action: Callable[[Any], Awaitable[Any]]) -> Callable[[Env], Awaitable[Any]]:
    """Call ``action`` on the running client's ``rest``."""

    async def run(env: Env) -> None:
        await action(env.bfx.rest)

    return run


async def _subscribed_then_released(wss: Any, *args: Any, **kwargs: Any) -> None:
    sub_id = await wss.subscribe(*args, **kwargs)
    await wss.unsubscribe(sub_id)  # reached only when the bad argument was taken


async def _stream(wss: Any, *args: Any, **kwargs: Any) -> None:
    async with wss.stream(*args, **kwargs):
        pass


async def _order_book(wss: Any, *args: Any, **kwargs: Any) -> None:
    book = await wss.order_book(*args, **kwargs)
    await book.close()


def _callback(*_: Any) -> None:
    pass


KEYS = {"api_key": "key-123456", "api_secret": "secret-123456"}
LIMIT = ("EXCHANGE LIMIT", "tBTCUSD", "0.01", "20000")

# (id, what to run, whether it must be refused before anything is sent, why it fails today or None)
CASES: list[tuple[str, Callable[[Env], Awaitable[Any]], bool, Optional[str]]] = [
    # Client(...)
    ("Client-api_key-int", constructed(lambda: Client(api_key=123, api_secret="s")), True, None),
    ("Client-api_secret-int", constructed(lambda: Client(api_key="k", api_secret=123)), True, None),
    ("Client-credentials-bytes", constructed(lambda: Client(api_key=b"k", api_secret=b"s")), True, None),
    ("Client-api_key-int-alone", constructed(lambda: Client(api_key=123)), True, None),
    ("Client-filters-str", constructed(lambda: Client(**KEYS, filters="trading")), True, None),
    ("Client-filters-int-item", constructed(lambda: Client(**KEYS, filters=["trading", 5])), True, None),
    ("Client-filters-unknown", constructed(lambda: Client(**KEYS, filters=["trades"])), True, None),
    ("Client-filters-str-without-keys", constructed(lambda: Client(filters="trading")), True, None),
    ("Client-rest_host-int", constructed(lambda: Client(rest_host=80)), True, None),
    ("Client-wss_host-int", constructed(lambda: Client(wss_host=80)), True, None),
    ("Client-timeout-str", constructed(lambda: Client(timeout="x")), True, None),
    ("Client-timeout-negative", constructed(lambda: Client(timeout=-1)), True, None),
    ("Client-log_level-unknown", constructed(lambda: Client(log_level="LOUD")), True, None),
    ("Client-log_level-float", constructed(lambda: Client(log_level=3.5)), True, None),
    ("Client-log_filename-int", constructed(lambda: Client(log_filename=123)), True, None),
    ("Client-log_filename-missing-directory", constructed(lambda: Client(log_filename="/nonexistent-dir/bfx.log")),
     True, None),
    ("Client-wss_options-str", constructed(lambda: Client(wss_options="fast")), True, None),
    ("Client-wss_options-dict", constructed(lambda: Client(wss_options={"open_timeout": 1})), True, None),
    ("Client-rest_options-unknown-key", constructed(lambda: Client(rest_options={"bogus": 1})), True, None),
    ("Client-rest_options-str", constructed(lambda: Client(rest_options="fast")), True, None),
    ("Client-rest_options-list", constructed(lambda: Client(rest_options=[("timeout", 1)])), True, None),
    ("Client-rest_options-timeout-str", constructed(lambda: Client(rest_options={"timeout": "x"})), True, None),
    ("Client-rest_options-timeout-zero", constructed(lambda: Client(rest_options={"timeout": 0})), True, None),
    ("Client-rest_options-connect_timeout-inf",
     constructed(lambda: Client(rest_options={"connect_timeout": float("inf")})), True, None),
    ("Client-rest_options-connection_limit-str", constructed(lambda: Client(rest_options={"connection_limit": "x"})),
     True, None),
    ("Client-rest_options-connection_limit-float",
     constructed(lambda: Client(rest_options={"connection_limit": 2.5})), True, None),
    ("Client-rest_options-keepalive_timeout-negative",
     constructed(lambda: Client(rest_options={"keepalive_timeout": -1})), True, None),
    ("Client-rest_options-rate_limits-str", constructed(lambda: Client(rest_options={"rate_limits": "x"})), True,
     None),
    ("Client-rest_options-rate_limits-zero", constructed(lambda: Client(rest_options={"rate_limits": {"book": 0}})),
     True, None),
    ("Client-rest_options-rate_limits-str-value",
     constructed(lambda: Client(rest_options={"rate_limits": {"book": "9"}})), True, None),
    ("Client-rest_options-rate_limit_penalty-nan",
     constructed(lambda: Client(rest_options={"rate_limit_penalty": float("nan")})), True, None),
    ("Client-rest_options-retry-str", constructed(lambda: Client(rest_options={"retry": "x"})), True, None),
    ("Client-rest_options-rate_limit_window-negative",
     constructed(lambda: Client(rest_options={"rate_limit_window": -1})), True, None),
    # BfxRestInterface(...)
    ("BfxRestInterface-host-int", constructed(lambda: BfxRestInterface(123)), True, None),
    ("BfxRestInterface-host-not-a-url", constructed(lambda: BfxRestInterface("api.bitfinex.com/v2")), True, None),
    ("BfxRestInterface-nonce-int", constructed(lambda: BfxRestInterface("http://127.0.0.1:9/v2", nonce=5)), True,
     None),
    ("BfxRestInterface-api_key-int", constructed(lambda: BfxRestInterface("http://127.0.0.1:9/v2", 123, "s")),
     True, None),
    ("BfxRestInterface-connection_limit-zero",
     constructed(lambda: BfxRestInterface("http://127.0.0.1:9/v2", connection_limit=0)), True, None),
    ("BfxRestInterface-unknown-option", constructed(lambda: BfxRestInterface("http://127.0.0.1:9/v2", bogus=1)),
     True, None),
    # REST values the introspected cases above do not try, each of which must be refused before sending
    *((f"rest.{case_id}", on_rest(action), True, None) for case_id, action in (
        # a path segment the HTTP client would percent-encode: signed as one path, received as another (10100)
        ("get_t_ticker-symbol-space", lambda r: r.public.get_t_ticker("tBTC USD")),
        ("get_t_ticker-symbol-slash", lambda r: r.public.get_t_ticker("tBTC/USD")),
        ("get_t_ticker-symbol-dotdot", lambda r: r.public.get_t_ticker("..")),
        ("get_candles_hist-tf-percent", lambda r: r.public.get_candles_hist("tBTCUSD", "1m%2F")),
        ("get_orders-symbol-unicode", lambda r: r.auth.get_orders(symbol="tBTCUSDé")),
        ("get_funding_info-key-query", lambda r: r.auth.get_funding_info("fUSD?x=1")),
        ("delete_alert-symbol-space", lambda r: r.auth.delete_alert("tBTC USD", 100)),
        ("get_tickers-item-space", lambda r: r.public.get_tickers(["tBTCUSD", "t ETHUSD"])),
        ("get_tickers-empty", lambda r: r.public.get_tickers([])),
        # lists given as a str would split into letters
        ("get_orders-ids-str", lambda r: r.auth.get_orders(ids="12")),
        ("get_settings-keys-str", lambda r: r.auth.get_settings("api:bfx-x")),
        ("submit_invoice-pay_currencies-str", lambda r: r.merchant.submit_invoice(
            1, "USD", "o-1", {"nationality": "DE"}, "ETH")),
        # counts, orders, times and flags
        ("get_t_trades-limit-negative", lambda r: r.public.get_t_trades("tBTCUSD", limit=-1)),
        ("get_t_trades-limit-str", lambda r: r.public.get_t_trades("tBTCUSD", limit="10")),
        ("get_t_trades-sort-zero", lambda r: r.public.get_t_trades("tBTCUSD", sort=0)),
        ("get_t_trades-sort-two", lambda r: r.public.get_t_trades("tBTCUSD", sort=2)),
        ("get_t_trades-start-negative", lambda r: r.public.get_t_trades("tBTCUSD", start=-1)),
        ("get_t_trades-start-words", lambda r: r.public.get_t_trades("tBTCUSD", start="yesterday")),
        ("get_t_trades-end-float", lambda r: r.public.get_t_trades("tBTCUSD", end=1.5)),
        ("get_trades_history-sort-str", lambda r: r.auth.get_trades_history(sort="1")),
        ("get_t_book-len-seven", lambda r: r.public.get_t_book("tBTCUSD", "P0", len=7)),
        ("get_t_book-precision-raw", lambda r: r.public.get_t_book("tBTCUSD", "R0")),
        ("get_pair_info-futures-str", lambda r: r.public.get_pair_info(futures="yes")),
        ("get_deposits-unlinked-str", lambda r: r.merchant.get_deposits(0, 1, unlinked="no")),
        ("get_funding_market_average_price-period-one",
         lambda r: r.public.get_funding_market_average_price("fUSD", 100, 1)),
        # ids and bodies
        ("cancel_funding_offer-id-str", lambda r: r.auth.cancel_funding_offer("7")),
        ("cancel_funding_offer-id-zero", lambda r: r.auth.cancel_funding_offer(0)),
        ("get_order_trades-id-bool", lambda r: r.auth.get_order_trades("tBTCUSD", True)),
        ("toggle_keep_funding-changes-three", lambda r: r.auth.toggle_keep_funding("credit", changes={1: 3})),
        ("toggle_keep_funding-changes-key", lambda r: r.auth.toggle_keep_funding("credit", changes={"x": 1})),
        ("set_settings-settings-int-key", lambda r: r.auth.set_settings({1: "x"})),
        ("set_merchant_settings-val-set", lambda r: r.merchant.set_merchant_settings("k", {1, 2})),
        ("transfer_between_wallets-amount-none",
         lambda r: r.auth.transfer_between_wallets("exchange", "funding", "USD", "USD", None)),
    )),
    # WebSocketOptions(...), Backoff(...), RetryPolicy(...)
    *((f"WebSocketOptions-{name}-{label}", constructed(lambda n=name, v=value: WebSocketOptions(**{n: v})), True,
       None) for name, label, value in (
        ("open_timeout", "negative", -1.0), ("open_timeout", "str", "x"), ("ping_interval", "zero", 0.0),
        ("silence_limit", "zero", 0.0), ("subscribe_timeout", "nan", float("nan")), ("input_timeout", "zero", 0.0),
        ("backoff", "str", "x"), ("public_connection_limit", "zero", (0, 60.0)),
        ("auth_connection_limit", "str", "x"), ("max_message_size", "zero", 0), ("dead_man_switch", "str", "yes"),
        ("repeat_log_interval", "negative", -1.0))),
    ("Backoff-initial-negative", constructed(lambda: Backoff(initial=-1)), True, None),
    ("Backoff-initial-above-maximum", constructed(lambda: Backoff(initial=10, maximum=1)), True, None),
    ("Backoff-jitter-one", constructed(lambda: Backoff(jitter=1)), True, None),
    ("Backoff-factor-below-one", constructed(lambda: Backoff(factor=0.5)), True, None),
    ("Backoff-initial-str", constructed(lambda: Backoff(initial="x")), True, None),
    ("Backoff-factor-nan", constructed(lambda: Backoff(factor=float("nan"))), True, None),
    ("RetryPolicy-attempts-zero", constructed(lambda: RetryPolicy(attempts=0)), True, None),
    ("RetryPolicy-backoff-negative", constructed(lambda: RetryPolicy(backoff=-1)), True, None),
    ("RetryPolicy-attempts-str", constructed(lambda: RetryPolicy(attempts="3")), True, None),
    ("RetryPolicy-attempts-float", constructed(lambda: RetryPolicy(attempts=2.5)), True, None),
    ("RetryPolicy-attempts-bool", constructed(lambda: RetryPolicy(attempts=True)), True, None),
    ("RetryPolicy-jitter-nan", constructed(lambda: RetryPolicy(jitter=float("nan"))), True, None),
    ("RetryPolicy-max_backoff-inf", constructed(lambda: RetryPolicy(max_backoff=float("inf"))), True, None),
    ("RetryPolicy-backoff-str", constructed(lambda: RetryPolicy(backoff="1")), True, None),
    # run / start / connect
    ("wss.connect-connections-zero", with_client(lambda b: b.wss.connect(0)), True, None),
    ("wss.connect-connections-negative", with_client(lambda b: b.wss.connect(-1)), True, None),
    ("wss.connect-connections-str", with_client(lambda b: b.wss.connect("x")), True, None),
    ("wss.connect-connections-float", with_client(lambda b: b.wss.connect(2.5)), True, None),
    ("wss.connect-connections-bool", with_client(lambda b: b.wss.connect(True)), True, None),
    ("wss.start-connections-zero", with_client(lambda b: b.wss.start(0)), True, None),
    ("wss.start-connections-str", with_client(lambda b: b.wss.start("x")), True, None),
    # run() owns its event loop: called from a thread that has none
    ("wss.run-connections-zero", with_client(lambda b: asyncio.to_thread(b.wss.run, 0)), True, None),
    ("wss.run-connections-str", with_client(lambda b: asyncio.to_thread(b.wss.run, "x")), True, None),
    # subscriptions
    ("wss.subscribe-unknown-channel", on_wss(lambda w: w.subscribe("nonsense", symbol="tBTCUSD")), True, None),
    ("wss.subscribe-channel-int", on_wss(lambda w: w.subscribe(5, symbol="tBTCUSD")), True, None),
    ("wss.subscribe-channel-list", on_wss(lambda w: w.subscribe(["ticker"], symbol="tBTCUSD")), True, None),
    ("wss.subscribe-missing-symbol", on_wss(lambda w: w.subscribe("ticker")), True, None),
    ("wss.subscribe-symbol-int", on_wss(lambda w: w.subscribe("ticker", symbol=123)), True, None),
    ("wss.subscribe-key-int", on_wss(lambda w: w.subscribe("candles", key=5)), True, None),
    ("wss.subscribe-param-unknown-type", on_wss(lambda w: w.subscribe("trades", symbol="tBTCUSD", x=Unknown())),
     True, None),
    ("wss.subscribe-book-prec-int", on_wss(lambda w: _subscribed_then_released(w, "book", symbol="tBTCUSD",
                                                                                prec=5)), False, None),
    ("wss.subscribe-sub_id-list", on_wss(lambda w: _subscribed_then_released(w, "trades", symbol="tBTCUSD",
                                                                              sub_id=["x"])), True, None),
    ("wss.unsubscribe-unknown", on_wss(lambda w: w.unsubscribe("no-such-sub-id")), True, None),
    ("wss.unsubscribe-int", on_wss(lambda w: w.unsubscribe(123)), True, None),
    ("wss.unsubscribe-list", on_wss(lambda w: w.unsubscribe(["x"])), True, None),
    ("wss.resubscribe-unknown", on_wss(lambda w: w.resubscribe("no-such-sub-id")), True, None),
    ("wss.last_timestamp-unknown", on_wss(lambda w: w.last_timestamp("no-such-sub-id")), True, None),
    ("wss.last_timestamp-list", on_wss(lambda w: w.last_timestamp(["x"])), True, None),
    ("wss.stream-unknown-channel", on_wss(lambda w: _stream(w, "nonsense", symbol="tBTCUSD")), True, None),
    ("wss.stream-missing-symbol", on_wss(lambda w: _stream(w, "trades")), True, None),
    ("wss.stream-maxsize-zero", on_wss(lambda w: _stream(w, "trades", symbol="tBTCUSD", maxsize=0)), True, None),
    ("wss.stream-maxsize-str", on_wss(lambda w: _stream(w, "trades", symbol="tBTCUSD", maxsize="x")), True, None),
    ("wss.stream-overflow-unknown", on_wss(lambda w: _stream(w, "trades", symbol="tBTCUSD", overflow="x")), True,
     None),
    ("wss.order_book-symbol-int", on_wss(lambda w: _order_book(w, 123)), True, None),
    ("wss.order_book-len-str", on_wss(lambda w: _order_book(w, "tBTCUSD", len="x")), True, None),
    ("wss.order_book-prec-unknown", on_wss(lambda w: _order_book(w, "tBTCUSD", prec="P9")), False, None),
    # events
    ("wss.on-no-event", on_wss(lambda w: w.on()), True, None),
    ("wss.on-unknown-event", on_wss(lambda w: w.on("nonsense", _callback)), True, None),
    ("wss.on-event-int", on_wss(lambda w: w.on(5, _callback)), True, None),
    ("wss.on-event-list", on_wss(lambda w: w.on(["open"], _callback)), True, None),
    ("wss.on-callback-not-callable", on_wss(lambda w: w.on("open", callback=5)), True, None),
    ("wss.on-positional-not-callable", on_wss(lambda w: w.on("open", 5)), True, None),
    ("wss.once-unknown-event", on_wss(lambda w: w.once("nonsense", _callback)), True, None),
    ("wss.once-callback-not-callable", on_wss(lambda w: w.once("open", callback="x")), True, None),
    ("wss.off-no-callback", on_wss(lambda w: w.off("open")), True, None),
    ("wss.off-unknown-event", on_wss(lambda w: w.off("nonsense", callback=_callback)), True, None),
    ("wss.off-event-int", on_wss(lambda w: w.off(5, callback=_callback)), True, None),
    ("wss.remove_all_listeners-unknown", on_wss(lambda w: w.remove_all_listeners("nonsense")), True, None),
    ("wss.remove_all_listeners-list", on_wss(lambda w: w.remove_all_listeners(["open"])), True, None),
    ("wss.notify-info-unknown-type", on_wss(lambda w: w.notify(Unknown())), True, None),
    ("wss.notify-message_id-str", on_wss(lambda w: w.notify({"a": 1}, message_id="x")), True, None),
    # inputs (every field: tests/test_utils.py and tests/test_ws_inputs.py)
    ("inputs.submit_order-cid-str", on_wss(lambda w: w.inputs.submit_order(*LIMIT, cid="7")), True, None),
    ("inputs.submit_order-cid-bool", on_wss(lambda w: w.inputs.submit_order(*LIMIT, cid=True)), True, None),
    ("inputs.submit_order-flags-unknown", on_wss(lambda w: w.inputs.submit_order(*LIMIT, flags=3)), True, None),
    ("inputs.submit_order-symbol-int", on_wss(lambda w: w.inputs.submit_order("LIMIT", 5, "1", "1")), True, None),
    ("inputs.update_order-id-str", on_wss(lambda w: w.inputs.update_order("12", price="1")), True, None),
    ("inputs.cancel_order-id-str", on_wss(lambda w: w.inputs.cancel_order(id="12")), True, None),
    ("inputs.cancel_order-nothing", on_wss(lambda w: w.inputs.cancel_order()), True, None),
    ("inputs.cancel_order_multi-id-int", on_wss(lambda w: w.inputs.cancel_order_multi(id=12)), True, None),
    ("inputs.order_multi_op-str", on_wss(lambda w: w.inputs.order_multi_op("on")), True, None),
    ("inputs.order_multi_op-unknown-field",
     on_wss(lambda w: w.inputs.order_multi_op([("oc", {"id": 1, "bogus": 2})])), True, None),
    ("inputs.submit_funding_offer-period-long",
     on_wss(lambda w: w.inputs.submit_funding_offer("LIMIT", "fUSD", "100", "0.01", 365)), True, None),
    ("inputs.submit_funding_offer-symbol-trading",
     on_wss(lambda w: w.inputs.submit_funding_offer("LIMIT", "tBTCUSD", "100", "0.01", 2)), True, None),
    ("inputs.cancel_funding_offer-id-str", on_wss(lambda w: w.inputs.cancel_funding_offer("7")), True, None),
    ("inputs.calc-unknown", on_wss(lambda w: w.inputs.calc("margin")), True, None),
    ("inputs.calc-int", on_wss(lambda w: w.inputs.calc(5)), True, None),
    ("inputs.calc-nothing", on_wss(lambda w: w.inputs.calc()), True, None),
]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("run", "quiet"), [
    pytest.param(run, quiet, id=case_id, marks=[pytest.mark.xfail(strict=True, reason=known)] if known else [])
    for case_id, run, quiet, known in CASES
])
async def test_entry_point_with_a_bad_argument(env: Env, run: Callable[[Env], Awaitable[Any]], quiet: bool) -> None:
    before = (len(env.sim.connections), env.sent_rest(), env.sent_ws())
    error = await outcome(env, lambda: run(env))
    assert error is not None, "the bad argument was taken"
    if quiet:
        assert (len(env.sim.connections), env.sent_rest(), env.sent_ws()) == before, f"{error!r} raised too late"
