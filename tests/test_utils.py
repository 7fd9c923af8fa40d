import asyncio
import hashlib
import hmac
import json
import logging
import threading
from pathlib import Path
from decimal import Decimal

import pytest

from bfxapi import PUB_REST_HOST, PUB_WSS_HOST, REST_HOST, WSS_HOST, Client, __version__
from bfxapi._utils.json_encoder import dumps, to_decimal_string
from bfxapi._utils.logging import get_logger
from bfxapi._utils.nonce import MAX_NONCE, NonceGenerator
from bfxapi._utils.signatures import rest_auth_headers, rest_signature, sign, ws_auth_message
from bfxapi.exceptions import BfxBaseException, IncompleteCredentialError, InvalidInputError

SECRET = "test-secret"


def _hmac384(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha384).hexdigest()


# --- JSON encoding of requests ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, "0.1"),
        (1e-8, "0.00000001"),
        (100.0, "100.0"),
        (-2.5, "-2.5"),
        (Decimal("1.50"), "1.50"),
        (Decimal("1E-9"), "0.000000001"),
        (10000, "10000"),
        ("0.165212", "0.165212"),
        ("1e-8", "0.00000001"),
        (30264.0, "30264.0"),
    ],
)
def test_decimal_values_become_exact_decimal_strings(value: object, expected: str) -> None:
    assert to_decimal_string(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["abc", "", float("nan"), float("inf"), Decimal("NaN"), True, None, [1]])
def test_bad_decimal_values_raise_a_typed_error(value: object) -> None:
    with pytest.raises(InvalidInputError):
        to_decimal_string(value, "amount")  # type: ignore[arg-type]


def test_encoder_drops_none_keys_keeps_ints_and_bools_and_stringifies_decimals() -> None:
    text = dumps(
        {
            "type": "EXCHANGE LIMIT",
            "amount": 0.1,
            "price": Decimal("10000.50"),
            "gid": None,
            "cid": 123,
            "flags": 0,
            "hidden": True,
            "meta": {"aff_code": None, "make_visible": 1},
            "ids": [1, None, 2],
        }
    )
    assert json.loads(text) == {
        "type": "EXCHANGE LIMIT",
        "amount": "0.1",
        "price": "10000.50",
        "cid": 123,
        "flags": 0,
        "hidden": True,
        "meta": {"make_visible": 1},
        "ids": [1, None, 2],
    }
    assert " " not in text.replace("EXCHANGE LIMIT", "")  # compact: the exact text is what gets signed


def test_encoder_rejects_values_it_cannot_send() -> None:
    with pytest.raises(InvalidInputError):
        dumps({"when": object()})


# --- nonces ---------------------------------------------------------------------------------------


def test_nonce_follows_the_clock_in_microseconds() -> None:
    generator = NonceGenerator(clock=lambda: 1_700_000_000_123_456_789)
    assert generator.next() == 1_700_000_000_123_456


def test_nonce_never_goes_back_when_the_clock_does() -> None:
    now = [2_000_000_000_000]
    generator = NonceGenerator(clock=lambda: now[0])
    first = generator.next()
    now[0] -= 1_000_000_000  # the clock steps back one second
    assert generator.next() == first + 1


def test_nonce_is_strictly_increasing_across_many_tasks() -> None:
    generator = NonceGenerator(clock=lambda: 5_000_000)  # a frozen clock forces the +1 path

    async def take(n: int) -> list[int]:
        out = []
        for _ in range(n):
            out.append(generator.next())
            await asyncio.sleep(0)
        return out

    async def main() -> list[list[int]]:
        return await asyncio.gather(*(take(50) for _ in range(40)))

    results = asyncio.run(main())
    flat = [nonce for chunk in results for nonce in chunk]
    assert len(set(flat)) == len(flat) == 2000
    for chunk in results:
        assert chunk == sorted(chunk)


def test_nonce_is_unique_across_threads() -> None:
    generator = NonceGenerator()
    seen: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        local = [generator.next() for _ in range(500)]
        assert local == sorted(local) and len(set(local)) == len(local)
        with lock:
            seen.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(seen) == len(set(seen)) == 4000


def test_nonce_refuses_to_exceed_the_bitfinex_maximum() -> None:
    generator = NonceGenerator(clock=lambda: (MAX_NONCE + 1) * 1000)
    with pytest.raises(OverflowError):
        generator.next()


# --- signatures -----------------------------------------------------------------------------------


def test_rest_signature_matches_an_independent_hmac() -> None:
    body = '{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1","price":"10000"}'
    expected = _hmac384(SECRET, "/api/v2/auth/w/order/submit" + "1700000000000002" + body)
    assert rest_signature(SECRET, "auth/w/order/submit", "1700000000000002", body) == expected


def test_rest_signature_matches_the_published_vectors() -> None:
    # The two vectors of protocol.md §5.2, computed there with Python and Node.
    assert rest_signature(SECRET, "auth/r/wallets", "1700000000000001", "{}") == (
        "c1ffc97b576d3470213c0bd61cd91a710bef9a46b20308f0eb45f0f06998ec4d153a3fa18da7c0f0ed78b15ef642ef37"
    )
    body = '{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1","price":"10000"}'
    assert rest_signature(SECRET, "auth/w/order/submit", "1700000000000002", body) == (
        "88569c7031a2ab1c54b838fb27a78160781844b15fd811de4ffd9d70bce517413b0d572df3262b27b67744ff7dda4c9c"
    )


def test_rest_headers_carry_key_nonce_and_signature_of_the_exact_body() -> None:
    headers = rest_auth_headers("my-key", SECRET, "auth/r/wallets", 1700000000000005, "")
    assert headers == {
        "bfx-nonce": "1700000000000005",
        "bfx-apikey": "my-key",
        "bfx-signature": _hmac384(SECRET, "/api/v2/auth/r/wallets1700000000000005"),
    }


def test_ws_auth_message_signs_the_auth_payload() -> None:
    message = ws_auth_message("my-key", SECRET, 1700000000000000, filters=["trading", "wallet"], dms=4)
    assert message["event"] == "auth"
    assert message["apiKey"] == "my-key"
    assert message["authPayload"] == "AUTH1700000000000000"
    assert message["authNonce"] == 1700000000000000
    assert message["authSig"] == _hmac384(SECRET, "AUTH1700000000000000")
    # protocol.md §4.1 test vector
    assert message["authSig"] == (
        "e2d52d5c363e7bd45570eac8e3c1e661c1113216e2a0e2699cf42e1d3df0e77b5f06f5bc283b66bf7f1e4e8967b6bec9"
    )
    assert message["filter"] == ["trading", "wallet"] and message["dms"] == 4
    assert SECRET not in json.dumps(message)


def test_ws_auth_message_omits_optional_fields() -> None:
    message = ws_auth_message("k", SECRET, 1)
    assert "filter" not in message and "dms" not in message
    assert sign(SECRET, "AUTH1") == message["authSig"]


# --- Client and package surface ---------------------------------------------------------------------


def test_package_exports_hosts_and_version() -> None:
    assert REST_HOST == "https://api.bitfinex.com/v2"
    assert PUB_REST_HOST == "https://api-pub.bitfinex.com/v2"
    assert WSS_HOST == "wss://api.bitfinex.com/ws/2"
    assert PUB_WSS_HOST == "wss://api-pub.bitfinex.com/ws/2"
    assert isinstance(__version__, str) and __version__.count(".") == 2


@pytest.mark.parametrize(("key", "secret"), [("key", None), (None, "secret"), ("key", ""), ("", "secret")])
def test_client_with_only_one_credential_raises(key: object, secret: object) -> None:
    with pytest.raises(IncompleteCredentialError) as info:
        Client(key, secret)  # type: ignore[arg-type]
    assert isinstance(info.value, BfxBaseException)
    assert "secret" not in str(info.value).replace("api_secret", "")


def test_client_never_shows_the_secret() -> None:
    secret = "s3cr3t-value-that-must-not-leak"
    client = Client("public-key-123456", secret, filters=["wallet"])
    assert client.authenticated
    assert secret not in repr(client) and secret not in str(client)
    assert "public-key-123456" not in repr(client)  # only a prefix of the key is shown


def test_client_without_credentials_is_public() -> None:
    assert not Client().authenticated


def test_client_log_filename_configures_only_the_bfxapi_logger(tmp_path: object) -> None:
    path = f"{tmp_path}/bfx.log"
    root_handlers = list(logging.getLogger().handlers)
    client = Client(log_filename=path, log_level="DEBUG")
    handler = client._log_handler  # pylint: disable=protected-access
    try:
        assert handler is not None and handler in logging.getLogger("bfxapi").handlers
        assert logging.getLogger().handlers == root_handlers
        get_logger("websocket").debug("hello from the test")
        handler.flush()
        with open(path, encoding="utf-8") as file:
            assert "bfxapi.websocket DEBUG hello from the test" in file.read()
    finally:
        logging.getLogger("bfxapi").removeHandler(handler)  # type: ignore[arg-type]
        handler.close()  # type: ignore[union-attr]


def test_client_adds_no_handler_when_the_application_configured_logging() -> None:
    # pytest's log capture is a handler on the root logger: to the library, an application that configured logging.
    assert logging.getLogger().handlers
    before, level = list(logging.getLogger("bfxapi").handlers), logging.getLogger("bfxapi").level
    Client()
    assert logging.getLogger("bfxapi").handlers == before and logging.getLogger("bfxapi").level == level


def test_client_forwards_rest_options_to_the_rest_interface() -> None:
    from bfxapi.rest import RetryPolicy  # pylint: disable=import-outside-toplevel

    default = Client()
    assert default.rest.rate_limiter.limit_of("ticker") == 90  # Bitfinex's published limit
    tuned = Client(rest_options={"rate_limits": {"ticker": 5}, "connection_limit": 32, "retry": RetryPolicy(attempts=2)})
    assert tuned.rest.rate_limiter.limit_of("ticker") == 5
    assert tuned.rest._middleware.connection_limit == 32  # pylint: disable=protected-access
    unlimited = Client(rest_options={"rate_limits": None})
    assert unlimited.rest.rate_limiter.limit_of("ticker") is None


def test_order_bodies_are_built_once_for_rest_and_websocket() -> None:
    import datetime  # pylint: disable=import-outside-toplevel
    import enum  # pylint: disable=import-outside-toplevel

    from bfxapi._utils import order_bodies  # pylint: disable=import-outside-toplevel

    class Kind(str, enum.Enum):
        EXCHANGE_LIMIT = "EXCHANGE LIMIT"

    tif = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert order_bodies.new_order(Kind.EXCHANGE_LIMIT, "tBTCUSD", 1, 0.1, cid=7, flags=4096, tif=tif,
                                  meta={"aff_code": "x"}) == {
        "type": "EXCHANGE LIMIT", "symbol": "tBTCUSD", "amount": "1", "price": "0.1", "cid": 7, "flags": 4096,
        "tif": "2030-01-02 01:04:05", "meta": {"aff_code": "x"},
    }  # fmt: skip
    assert order_bodies.new_order("EXCHANGE MARKET", "tBTCUSD", "-0.5", None) == {
        "type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": "-0.5"
    }
    assert order_bodies.order_update(5, delta=Decimal("0.10"), price_trailing=1e-8) == {
        "id": 5, "delta": "0.10", "price_trailing": "0.00000001"
    }
    assert order_bodies.order_cancel_multi(all=True) == {"all": 1}
    assert order_bodies.order_cancel_multi(cid=[(1, "2030-01-01")]) == {"cid": [[1, "2030-01-01"]]}
    assert order_bodies.order_multi_op([
        ("oc", {"id": 1}),
        ("on", {"type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": 0.5, "gid": None}),
    ]) == [["oc", {"id": 1}], ["on", {"type": "EXCHANGE MARKET", "symbol": "tBTCUSD", "amount": "0.5"}]]
    assert order_bodies.funding_offer("LIMIT", "fUSD", -500, "0.0002", 2) == {
        "type": "LIMIT", "symbol": "fUSD", "amount": "-500", "rate": "0.0002", "period": 2
    }
    assert order_bodies.funding_offer_cancel(12) == {"id": 12}
    assert order_bodies.calc(["margin_base", "margin_sym_tBTCF0:USTF0", "wallet_exchange_USD"]) == [
        ["margin_base"], ["margin_sym_tBTCF0:USTF0"], ["wallet_exchange_USD"]
    ]
    for bad in (lambda: order_bodies.order_cancel(cid=3), lambda: order_bodies.order_cancel_multi(),
                lambda: order_bodies.order_multi_op([]), lambda: order_bodies.order_multi_op([("zz", {})]),
                lambda: order_bodies.order_multi_op([("oc", {"id": i}) for i in range(76)]),
                lambda: order_bodies.new_order("LIMIT", "tBTCUSD", "one", "1")):
        with pytest.raises(InvalidInputError):
            bad()


LIMIT = ("EXCHANGE LIMIT", "tBTCUSD", "0.1", "20000")
TIF = "2030-01-01 10:45:23"
# (builder, arguments, keyword arguments, the wrong type or range, a word the message must contain)
BAD_ORDER_FIELDS = [
    ("new_order", LIMIT, {"cid": True}, TypeError, "cid"),
    ("new_order", LIMIT, {"cid": "7"}, TypeError, "cid"),
    ("new_order", LIMIT, {"cid": 7.0}, TypeError, "cid"),
    ("new_order", LIMIT, {"cid": -1}, ValueError, "cid"),
    ("new_order", LIMIT, {"cid": 2**45}, ValueError, "35184372088831"),
    ("new_order", LIMIT, {"gid": "group"}, TypeError, "gid"),
    ("new_order", LIMIT, {"gid": 2**31}, ValueError, "gid"),
    ("new_order", LIMIT, {"flags": 3}, ValueError, "HIDDEN 64"),
    ("new_order", LIMIT, {"flags": -64}, ValueError, "flags"),
    ("new_order", LIMIT, {"flags": "64"}, TypeError, "flags"),
    ("new_order", LIMIT, {"lev": 0}, ValueError, "lev"),
    ("new_order", LIMIT, {"lev": 101}, ValueError, "lev"),
    ("new_order", LIMIT, {"lev": True}, TypeError, "lev"),
    ("new_order", LIMIT, {"tif": "tomorrow"}, ValueError, "YYYY-MM-DD HH:MM:SS"),
    ("new_order", LIMIT, {"tif": "2030-1-1 10:45:23"}, ValueError, "tif"),
    ("new_order", LIMIT, {"tif": 1893456000000}, TypeError, "tif"),
    ("new_order", LIMIT, {"meta": ["aff_code"]}, TypeError, "meta"),
    ("new_order", LIMIT, {"meta": {1: "x"}}, TypeError, "meta"),
    ("new_order", LIMIT, {"meta": {"aff_code": object()}}, TypeError, "meta"),
    ("new_order", LIMIT, {"meta": {"x": float("nan")}}, ValueError, "meta"),
    ("new_order", LIMIT, {"price_trailing": "-1"}, ValueError, "price_trailing"),
    ("new_order", LIMIT, {"price_aux_limit": [1]}, TypeError, "price_aux_limit"),
    ("new_order", LIMIT, {"price_oco_stop": float("inf")}, ValueError, "price_oco_stop"),
    ("new_order", ("EXCHANGE LIMT", "tBTCUSD", "1", "1"), {}, ValueError, "EXCHANGE LIMIT"),
    ("new_order", (None, "tBTCUSD", "1", "1"), {}, ValueError, "type"),
    ("new_order", ("LIMIT", "BTCUSD", "1", "1"), {}, ValueError, "tBTCUSD"),
    ("new_order", ("LIMIT", "fUSD", "1", "1"), {}, ValueError, "symbol"),
    ("new_order", ("LIMIT", 123, "1", "1"), {}, TypeError, "symbol"),
    ("new_order", ("LIMIT", "tBTCUSD", "0", "1"), {}, ValueError, "amount"),
    ("new_order", ("LIMIT", "tBTCUSD", None, "1"), {}, ValueError, "amount"),
    ("new_order", ("LIMIT", "tBTCUSD", True, "1"), {}, TypeError, "amount"),
    ("new_order", ("LIMIT", "tBTCUSD", "1", float("nan")), {}, ValueError, "price"),
    ("new_order", ("LIMIT", "tBTCUSD", "1", "-1"), {}, ValueError, "price"),
    ("new_order", ("LIMIT", "tBTCUSD", "1", None), {}, ValueError, "price"),
    ("new_order", ("STOP LIMIT", "tBTCUSD", "1", "1"), {}, ValueError, "price_aux_limit"),
    ("new_order", ("TRAILING STOP", "tBTCUSD", "1"), {}, ValueError, "price_trailing"),
    ("order_update", ("7",), {}, TypeError, "id"),
    ("order_update", (0,), {}, ValueError, "id"),
    ("order_update", (True,), {}, TypeError, "id"),
    ("order_update", (7,), {"cid_date": "14/11/2023"}, ValueError, "YYYY-MM-DD"),
    ("order_update", (7,), {"delta": "x"}, ValueError, "delta"),
    ("order_update", (7,), {"flags": 1 << 40}, ValueError, "flags"),
    ("order_cancel", (), {"id": 1.5}, TypeError, "id"),
    ("order_cancel", (), {"cid": 7, "cid_date": 20231114}, TypeError, "cid_date"),
    ("order_cancel", (), {"cid_date": "2023-11-14"}, ValueError, "cid"),
    ("order_cancel_multi", (), {"id": 5}, TypeError, "id"),
    ("order_cancel_multi", (), {"id": "12"}, TypeError, "id"),
    ("order_cancel_multi", (), {"id": []}, ValueError, "id"),
    ("order_cancel_multi", (), {"id": [1, "2"]}, TypeError, "id[1]"),
    ("order_cancel_multi", (), {"gid": [True]}, TypeError, "gid[0]"),
    ("order_cancel_multi", (), {"cid": [7]}, TypeError, "cid[0]"),
    ("order_cancel_multi", (), {"cid": [(7, "2023-11-14", 1)]}, ValueError, "cid[0]"),
    ("order_cancel_multi", (), {"cid": [(7, "today")]}, ValueError, "cid[0][1]"),
    ("order_cancel_multi", (), {"all": "yes"}, TypeError, "all"),
    ("order_multi_op", ("on",), {}, TypeError, "operations"),
    ("order_multi_op", ([("oc", 1)],), {}, TypeError, "operations[0]"),
    ("order_multi_op", ([("oc",)],), {}, ValueError, "operations[0]"),
    ("order_multi_op", ([(1, {})],), {}, TypeError, "operations[0]"),
    ("order_multi_op", ([("oc", {"id": 1}), ("ou", {"price": "1"})],), {}, ValueError, "operations[1]"),
    ("order_multi_op", ([("on", {"type": "LIMIT", "symbol": "tBTCUSD", "amount": "1", "prcie": "1"})],), {},
     ValueError, "prcie"),
    ("order_multi_op", ([("on", {"type": "LIMIT", "symbol": "tBTCUSD", "amount": "1", "price": "1", "cid": "x"})],),
     {}, TypeError, "cid"),
    ("funding_offer", ("LIMIT", "fUSD", "100", "0.001", 1), {}, ValueError, "period"),
    ("funding_offer", ("LIMIT", "fUSD", "100", "0.001", 121), {}, ValueError, "period"),
    ("funding_offer", ("LIMIT", "fUSD", "100", "0.001", "2"), {}, TypeError, "period"),
    ("funding_offer", ("LIMIT", "tBTCUSD", "100", "0.001", 2), {}, ValueError, "fUSD"),
    ("funding_offer", ("MARKET", "fUSD", "100", "0.001", 2), {}, ValueError, "FRRDELTAVAR"),
    ("funding_offer", ("LIMIT", "fUSD", "100", None, 2), {}, ValueError, "rate"),
    ("funding_offer", ("LIMIT", "fUSD", "100", "0.001", 2, 4096), {}, ValueError, "HIDDEN 64"),
    ("funding_offer_cancel", ("7",), {}, TypeError, "id"),
    ("calc", ("margin_base",), {}, TypeError, "list"),
    ("calc", ([],), {}, ValueError, "between 1 and 30"),
    ("calc", ([f"wallet_exchange_C{i}" for i in range(31)],), {}, ValueError, "between 1 and 30"),
    ("calc", (["margin"],), {}, ValueError, "margin_base"),
    ("calc", ([["margin_base"]],), {}, TypeError, "calc request 0"),
]


@pytest.mark.parametrize(("builder", "args", "kwargs", "kind", "word"), BAD_ORDER_FIELDS)
def test_order_bodies_refuse_bad_fields_by_name(builder: str, args: tuple[object, ...], kwargs: dict[str, object],
                                                kind: type, word: str) -> None:
    from bfxapi._utils import order_bodies  # pylint: disable=import-outside-toplevel
    from bfxapi.exceptions import InvalidInputTypeError  # pylint: disable=import-outside-toplevel

    with pytest.raises(InvalidInputError) as info:
        getattr(order_bodies, builder)(*args, **kwargs)
    assert isinstance(info.value, kind) and isinstance(info.value, BfxBaseException)
    # a wrong type is a TypeError (InvalidInputTypeError), a wrong value a ValueError only
    assert isinstance(info.value, InvalidInputTypeError) == (kind is TypeError)
    assert word in str(info.value)


def test_order_bodies_take_every_documented_form() -> None:
    import datetime  # pylint: disable=import-outside-toplevel

    from bfxapi._utils import order_bodies  # pylint: disable=import-outside-toplevel

    assert order_bodies.new_order("LIMIT", "tBTCF0:USTF0", Decimal("0.01"), 20000, lev=100, gid=0, cid=0,
                                  flags=64 + 512 + 1024 + 4096 + 16384 + 524288, price_oco_stop="19000",
                                  cid_oco=2**45 - 1, tif=TIF, meta={"make_visible": 1, "list": [1.5, None]}) == {
        "type": "LIMIT", "symbol": "tBTCF0:USTF0", "amount": "0.01", "price": "20000", "lev": 100, "gid": 0,
        "cid": 0, "cid_oco": 2**45 - 1, "flags": 546368, "price_oco_stop": "19000", "tif": TIF,
        "meta": {"make_visible": 1, "list": [1.5, None]},
    }  # fmt: skip
    assert order_bodies.new_order("TRAILING STOP", "tBTCUSD", -1, price_trailing=10) == {
        "type": "TRAILING STOP", "symbol": "tBTCUSD", "amount": "-1", "price_trailing": "10"
    }
    day = datetime.date(2023, 11, 14)
    assert order_bodies.order_cancel(cid=5, cid_date=day) == {"cid": 5, "cid_date": "2023-11-14"}
    assert order_bodies.order_cancel_multi(id=(1, 2), cid=[[3, day]], gid=[4], all=False) == {
        "id": [1, 2], "cid": [[3, "2023-11-14"]], "gid": [4]
    }
    assert order_bodies.order_update(9, amount="-0.5", cid_date="2023-11-14", meta={"aff_code": "x"}) == {
        "id": 9, "amount": "-0.5", "cid_date": "2023-11-14", "meta": {"aff_code": "x"}
    }
    assert order_bodies.funding_offer("FRRDELTAVAR", "fUSD", "100", "-0.0001", 120, flags=64) == {
        "type": "FRRDELTAVAR", "symbol": "fUSD", "amount": "100", "rate": "-0.0001", "period": 120, "flags": 64
    }


def test_credentials_check_their_values_and_keep_the_secret_out_of_messages() -> None:
    from bfxapi._utils.credentials import Credentials, credentials_from  # pylint: disable=import-outside-toplevel
    from bfxapi.exceptions import InvalidInputTypeError  # pylint: disable=import-outside-toplevel

    assert credentials_from(None, None) is None and credentials_from("", "", ["wallet"]) is None
    made = credentials_from("key-12345", "secret", ("trading", "wallet-exchange-BTC", "funding-fUSD"))
    assert isinstance(made, Credentials)
    assert made.filters == ["trading", "wallet-exchange-BTC", "funding-fUSD"]
    for key, secret in (("key", None), (None, "secret"), ("key", "")):
        with pytest.raises(IncompleteCredentialError):
            credentials_from(key, secret)
    for key, secret, filters in ((123, "s3cr3t", None), ("key", b"s3cr3t", None), ("key", "s3cr3t", "trading"),
                                 ("key", "s3cr3t", b"trading"), ("key", "s3cr3t", ["trading", 1]),
                                 ("key", "s3cr3t", 5), ("key", "s3cr3t", {"trading": 1})):
        with pytest.raises(InvalidInputTypeError) as info:
            credentials_from(key, secret, filters)  # type: ignore[arg-type]
        assert isinstance(info.value, TypeError) and "s3cr3t" not in str(info.value)
    for filters in (["trades"], ["trading-BTCUSD"], ["wallet-exchange"], [""]):
        with pytest.raises(InvalidInputError, match="unknown filter"):
            credentials_from("key", "secret", filters)
    with pytest.raises(InvalidInputTypeError):
        Credentials(None, "secret")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        Credentials("key", "")


@pytest.mark.parametrize(("given", "sent"), [
    (None, None),
    (["trading", "wallet"], ["trading", "wallet", "notify"]),
    (["wallet"], ["wallet", "notify"]),
    (["notify", "trading-tBTCUSD"], ["notify", "trading-tBTCUSD"]),
    ([], ["notify"]),
])
def test_auth_filters_always_carry_the_answers_of_the_inputs(given: object, sent: object) -> None:
    from bfxapi._utils.credentials import Credentials  # pylint: disable=import-outside-toplevel

    credentials = Credentials("key", "secret", given)  # type: ignore[arg-type]
    assert credentials.filters == given and credentials.auth_filters == sent
    assert repr(credentials).endswith(f"filters={given!r})")  # repr shows what the caller gave


async def test_clients_sharing_a_log_file_write_each_record_once(tmp_path: Path) -> None:
    path = str(tmp_path / "bot.log")
    first, second = Client(log_filename=path), Client(log_filename=path, log_level="INFO")
    try:
        get_logger("websocket").warning("one record")
        handlers = [h for h in logging.getLogger("bfxapi").handlers if isinstance(h, logging.FileHandler)]
        assert len(handlers) == 1
        await first.close()
        get_logger("websocket").warning("second record")  # the other client still logs to the file
        handlers[0].flush()
        with open(path, encoding="utf-8") as file:
            text = file.read()
        assert text.count("one record") == 1 and text.count("second record") == 1
    finally:
        await first.close()
        await second.close()
    assert not [h for h in logging.getLogger("bfxapi").handlers if isinstance(h, logging.FileHandler)]


def test_hosts_come_from_the_argument_then_the_environment_then_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BFX_WSS_HOST", raising=False)
    monkeypatch.delenv("BFX_REST_HOST", raising=False)
    default = Client()
    assert (default._wss_host, default._rest_host) == (WSS_HOST, REST_HOST)  # pylint: disable=protected-access
    monkeypatch.setenv("BFX_WSS_HOST", "ws://127.0.0.1:9/ws/2")
    monkeypatch.setenv("BFX_REST_HOST", "http://127.0.0.1:9/v2")
    from_env = Client()
    assert from_env.wss._host == "ws://127.0.0.1:9/ws/2"  # pylint: disable=protected-access
    assert from_env.rest._middleware.host == "http://127.0.0.1:9/v2"  # pylint: disable=protected-access
    given = Client(wss_host="wss://example.invalid/ws/2", rest_host="https://example.invalid/v2")
    assert given.wss._host == "wss://example.invalid/ws/2"  # pylint: disable=protected-access
    monkeypatch.setenv("BFX_WSS_HOST", "foo")
    with pytest.raises(InvalidInputError, match="environment variable BFX_WSS_HOST"):
        Client()
    monkeypatch.delenv("BFX_WSS_HOST")
    for bad in ({"wss_host": "http://127.0.0.1/ws/2"}, {"rest_host": "ws://127.0.0.1/v2"}, {"rest_host": 80}):
        with pytest.raises(InvalidInputError, match="the host given"):
            Client(**bad)  # type: ignore[arg-type]
