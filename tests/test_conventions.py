"""The house's conventions that are one rule written once (issue #21): the key/secret pairing, the serializer names."""

import inspect
from typing import Optional

import pytest

from bfxapi import Client
from bfxapi._utils import credentials
from bfxapi.exceptions import IncompleteCredentialError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest import _bfx_rest_interface
from bfxapi.types import serializers

HOST = "https://api.bitfinex.com/v2"


@pytest.mark.parametrize("key, secret, given", [("k", "s", "api_key"), ("", "s", "api_secret"), ("k", None, "api_key"),
                                                (None, "s", "api_secret")])
def test_one_key_without_the_other_is_refused_alike_everywhere(
    key: Optional[str], secret: Optional[str], given: str
) -> None:
    if not (key and secret):
        with pytest.raises(IncompleteCredentialError) as by_rest:
            BfxRestInterface(HOST, key, secret)
        with pytest.raises(IncompleteCredentialError) as by_client:
            Client(key, secret)
        assert str(by_rest.value) == str(by_client.value)
        assert str(by_rest.value).startswith(f"{given} was given without")
    else:
        assert credentials.check_pair(key, secret)


def test_neither_key_nor_secret_is_a_public_client() -> None:
    for key, secret in ((None, None), ("", ""), (None, "")):
        assert credentials.check_pair(key, secret) is False
        assert credentials.credentials_from(key, secret) is None


def test_the_pairing_check_is_written_once() -> None:
    message = "was given without"
    assert message in inspect.getsource(credentials.check_pair)
    for module in (credentials, _bfx_rest_interface):
        source = inspect.getsource(module)
        assert source.count(message) == (2 if module is credentials else 0), module.__name__


def test_the_serializer_names_are_listed_once() -> None:
    names = serializers.__serializers__
    assert serializers.__all__[0] == "__serializers__"
    assert serializers.__all__[1:len(names) + 1] == names
    rest = serializers.__all__[len(names) + 1:]
    assert rest and all(name.endswith("Notification") for name in rest)
    source = inspect.getsource(serializers)
    # a name is written once in the lists: in __serializers__, not again in __all__
    assert source.count('\n    "PlatformStatus",\n') == 1
