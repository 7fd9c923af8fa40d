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
    assert order_bodies.order_multi_op([("oc", {"id": 1}), ("on", {"amount": 0.5, "gid": None})]) == [
        ["oc", {"id": 1}], ["on", {"amount": "0.5"}]
    ]
    assert order_bodies.funding_offer("LIMIT", "fUSD", -500, "0.0002", 2) == {
        "type": "LIMIT", "symbol": "fUSD", "amount": "-500", "rate": "0.0002", "period": 2
    }
    for bad in (lambda: order_bodies.order_cancel(cid=3), lambda: order_bodies.order_cancel_multi(),
                lambda: order_bodies.order_multi_op([]), lambda: order_bodies.order_multi_op([("zz", {})]),
                lambda: order_bodies.order_multi_op([("oc", {"id": i}) for i in range(76)]),
                lambda: order_bodies.new_order("LIMIT", "tBTCUSD", "one", "1")):
        with pytest.raises(InvalidInputError):
            bad()


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
