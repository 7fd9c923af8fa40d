"""Every public REST method says what it returns (issue #18): no ``Any`` anywhere inside a return type, of the async
groups and of their blocking twins in ``bfxapi.sync``, overloads included; and ``conf``'s overloads type the
documented keys."""

import inspect
import typing
from typing import Any, Iterator, Union

import pytest

from bfxapi.rest._interfaces import RestAuthEndpoints, RestMerchantEndpoints, RestPublicEndpoints
from bfxapi.sync import _endpoints as sync_endpoints

#: typing.get_overloads is Python 3.11+: on 3.10 the overloads are not walked, and the tests of them are skipped
get_overloads = getattr(typing, "get_overloads", None)
needs_overloads = pytest.mark.skipif(get_overloads is None, reason="typing.get_overloads is Python 3.11+")

GROUPS = [RestPublicEndpoints, RestAuthEndpoints, RestMerchantEndpoints, sync_endpoints.RestPublicEndpoints,
          sync_endpoints.RestAuthEndpoints, sync_endpoints.RestMerchantEndpoints]


def _public_methods() -> Iterator[tuple[str, Any]]:
    for group in GROUPS:
        for name, function in vars(group).items():
            if not name.startswith("_") and inspect.isfunction(function):
                yield f"{group.__module__}.{group.__name__}.{name}", function
                for index, overload in enumerate(get_overloads(function) if get_overloads is not None else ()):
                    yield f"{group.__module__}.{group.__name__}.{name}[overload {index}]", overload


def _has_any(annotation: Any, seen: set[int]) -> bool:
    """Whether ``Any`` appears anywhere inside ``annotation`` (a recursive alias is walked once)."""
    if annotation is Any:
        return True
    if id(annotation) in seen:
        return False
    seen.add(id(annotation))
    if isinstance(annotation, typing.ForwardRef):
        return False  # a recursive alias's own name: its value is being walked already
    return any(_has_any(argument, seen) for argument in typing.get_args(annotation))


def test_the_walk_finds_any_where_it_hides() -> None:
    assert _has_any(Any, set()) and _has_any(list[dict[str, Any]], set())
    assert _has_any(Union[int, list[Any]], set()) and not _has_any(Union[int, list[str]], set())


METHODS = list(_public_methods())


def test_every_group_is_walked() -> None:
    assert len(METHODS) > 2 * 120  # async and sync; conf's overloads among them


@needs_overloads
def test_every_overload_is_walked() -> None:
    assert sum("[overload" in name for name, _ in METHODS) == 2 * 4


@pytest.mark.parametrize(("name", "function"), METHODS, ids=[name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]
                                                             for name, _ in METHODS])
def test_no_any_in_a_return_type(name: str, function: Any) -> None:
    returned = typing.get_type_hints(function)["return"]
    assert not _has_any(returned, set()), f"{name} returns {returned}"


@needs_overloads
def test_conf_types_the_documented_keys() -> None:
    assert get_overloads is not None
    returns = [typing.get_type_hints(overload)["return"] for overload in get_overloads(RestPublicEndpoints.conf)]
    assert returns[:2] == [list[str], list[list[str]]]
    assert returns[-1] is not Any and type(None) in typing.get_args(returns[-1])  # the JSON value of any other key
