"""``bfxapi.sync.Client``: the REST half of ``bfxapi.Client``, blocking.

Why it wraps a ``bfxapi.Client`` instead of building a REST interface of its own: hosts (and ``BFX_REST_HOST``),
argument checks, logging, the nonce source, order rules and the number mode are then the async client's, by
construction. The wrapped client's WebSocket client is never started (it holds no connection and no task); it is
not exposed, because a stream of events needs an event loop to deliver them: use ``bfxapi.Client`` and
``bfx.wss.run()`` for that.
"""

from decimal import Decimal
from types import TracebackType
from typing import Any, Generic, Literal, Optional, Type, Union, overload

from .._client import Client as AsyncClient
from .._utils.network import SslOption
from .._utils.nonce import NonceGenerator
from ..rest.options import RestOptionsLike
from ..rules.checker import OrderRules, RulesMode
from ..types.number import N
from ._rest import SyncRestInterface
from ._runner import Runner

__all__ = ["Client"]


class Client(Generic[N]):
    """The synchronous client: ``Client(api_key, api_secret, *, rest_host, log_filename, log_level, rest_options,
    nonce, proxy, trust_env, ssl, check_order_rules, token, decimal)``, the arguments of ``bfxapi.Client`` that concern
    REST, with the same meaning.

    ``bfx.rest.public``, ``bfx.rest.auth`` and ``bfx.rest.merchant`` have the async groups' methods, which here
    block and return their result: ``bfx.rest.public.get_t_ticker("tBTCUSD")``. They run on an event loop of this
    client, in a background thread started by the first call; any number of threads may call at once (one session,
    one nonce source, one rate limiter for all of them). Called where an asyncio event loop runs, a method raises
    :class:`~bfxapi.exceptions.SyncInEventLoopError` instead of blocking it.

    ``close()`` (or ``with Client(...) as bfx:``) closes the session and stops the thread; a closed client raises
    :class:`~bfxapi.exceptions.ClientClosedError`. ``decimal=True`` makes it a ``Client[Decimal]``, as for
    ``bfxapi.Client``.
    """

    @overload
    def __init__(
        self: "Client[float]",
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        *,
        rest_host: Optional[str] = None,
        log_filename: Optional[str] = None,
        log_level: Optional[Union[str, int]] = None,
        rest_options: Optional[RestOptionsLike] = None,
        nonce: Optional[NonceGenerator] = None,
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        check_order_rules: Union[bool, RulesMode] = False,
        token: Optional[str] = None,
        decimal: Literal[False] = False,
    ) -> None: ...

    @overload
    def __init__(
        self: "Client[Decimal]",
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        *,
        rest_host: Optional[str] = None,
        log_filename: Optional[str] = None,
        log_level: Optional[Union[str, int]] = None,
        rest_options: Optional[RestOptionsLike] = None,
        nonce: Optional[NonceGenerator] = None,
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        check_order_rules: Union[bool, RulesMode] = False,
        token: Optional[str] = None,
        decimal: Literal[True],
    ) -> None: ...

    def __init__(
        self,
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        *,
        rest_host: Optional[str] = None,
        log_filename: Optional[str] = None,
        log_level: Optional[Union[str, int]] = None,
        rest_options: Optional[RestOptionsLike] = None,
        nonce: Optional[NonceGenerator] = None,
        proxy: Optional[str] = None,
        trust_env: bool = False,
        ssl: SslOption = None,
        check_order_rules: Union[bool, RulesMode] = False,
        token: Optional[str] = None,
        decimal: bool = False,
    ) -> None:
        # The async client's overloads want a literal; the mode is this client's N, so it goes in untyped.
        mode: dict[str, Any] = {"decimal": decimal}
        self._client: AsyncClient[N] = AsyncClient(
            api_key, api_secret, rest_host=rest_host, log_filename=log_filename, log_level=log_level,
            rest_options=rest_options, nonce=nonce, proxy=proxy, trust_env=trust_env, ssl=ssl,
            check_order_rules=check_order_rules, token=token, **mode,
        )
        self._runner = Runner(self._client.close)
        #: the REST interface: ``rest.public``, ``rest.auth``, ``rest.merchant``, blocking
        self.rest: SyncRestInterface[N] = SyncRestInterface(self._client.rest, self._runner)

    @property
    def rules(self) -> OrderRules:
        """Bitfinex's order rules (``bfxapi.rules``): with ``check_order_rules``, every order input goes through it."""
        return self._client.rules

    @property
    def authenticated(self) -> bool:
        return self._client.authenticated

    @property
    def decimal(self) -> bool:
        return self._client.decimal

    def close(self) -> None:
        """Close the REST session, stop the client's event loop and thread, and detach the log handler
        (idempotent)."""
        self._runner.close()

    def __enter__(self) -> "Client[N]":
        return self

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], traceback: Optional[TracebackType]
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"bfxapi.sync.Client({self._client.rest!r})"  # the REST interface's: host, never a secret
