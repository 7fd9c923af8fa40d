"""Authenticated REST (protocol.md §5.2, §6.2) over the same account state as the WebSocket.

Every route is ``POST /v2/auth/…`` (also under ``/api/v2``). A request is checked in this order: the API key
(10100 ``apikey: invalid``), the signature over ``/api/v2/<path>`` + nonce + the raw body bytes received
(10100 ``apikey: digest invalid``), then the nonce (10114 ``nonce: small``; the counter is shared with the
WebSocket ``auth``). Errors answer HTTP 500 ``["error", CODE, MSG]``. Whatever a write changes is also sent
to the account's authenticated WebSocket sessions (the notification included).

Auth tokens: ``auth/w/token`` {scope, ttl (seconds; 3600 when omitted), writePermission, caps} answers
``[TOKEN]`` and ``auth/w/token/del`` {token} ``[1]`` (``[0]``: not a token of this account). A request with a
``bfx-token`` header (which wins over ``bfx-apikey``) authenticates as the token's account with no nonce and no
signature; refused with 10100 ``token: invalid`` (unknown or revoked), ``token: expired`` (ttl run out on the
exchange clock), or, on an ``auth/w/`` route with a token issued without ``writePermission``,
``permission: invalid`` (Bitfinex's exact answer is not documented: the simulator gives the one it gives a key
lacking a write permission). ``caps`` are kept but not enforced.
"""

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional

from aiohttp import web

from ...engine.credentials import AuthError, TokenStore, check_signature, consume_nonce, find_account
from ...model.accounts import Account
from ...model.errors import OrderError
from ...model.outbox import Outbox
from ..context import ServerContext
from ..delivery import deliver
from .app import API_KEY, RestError, RestFrontEnd

__all__ = ["AuthRest", "Call", "window"]


@dataclass
class Call:
    """What an authenticated handler gets: the account, the parsed body, path parameters and an outbox."""

    account: Account
    body: Dict[str, Any]
    params: Dict[str, str]
    out: Outbox


Handler = Callable[[Call], Any]


def window(body: Dict[str, Any], rows: List[Any], mts: Callable[[Any], int], default_limit: int = 25,
           max_limit: int = 2500) -> List[Any]:
    """``start``/``end`` (ms, inclusive), ``limit`` and ``sort`` (-1 newest first by default) of a body."""
    def as_int(name: str) -> Optional[int]:
        value = body.get(name)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise RestError(10020, f"{name}: invalid") from error
    start, end, limit, sort = as_int("start"), as_int("end"), as_int("limit"), as_int("sort")
    limit = default_limit if limit is None else limit
    if limit < 0 or limit > max_limit:
        raise RestError(10020, "limit: invalid")
    chosen = [r for r in rows if (start is None or mts(r) >= start) and (end is None or mts(r) <= end)]
    chosen.sort(key=mts, reverse=sort != 1)
    return chosen[:limit]


class AuthRest:
    """Registers the authenticated routes on ``sim.rest``; route modules call :meth:`route`."""

    def __init__(self, sim: ServerContext, front: RestFrontEnd) -> None:
        self.sim = sim
        self.front = front
        #: the auth tokens issued by ``auth/w/token`` (``bfx-token``)
        self.tokens = TokenStore()
        self.route("auth/w/token", self._token, "auth/unlimited")
        self.route("auth/w/token/del", self._token_del, "auth/unlimited")

    def route(self, path: str, handler: Handler, group: str = "auth") -> None:
        """Serve ``POST /v2/<path>`` with ``handler(call)`` (returning JSON-able data or raising RestError or
        OrderError) after the credential checks; ``group`` selects the rate limit."""
        self.front.add_route("POST", path, f"{group}|{path}", self._wrap(handler))

    def _wrap(self, handler: Handler) -> Callable[[web.Request], Awaitable[Any]]:
        async def wrapped(request: web.Request) -> Any:
            raw = await request.read()
            sim = self.sim
            async with sim.market_lock:
                account = self.authenticate(request, raw)
                request[API_KEY] = account.api_key
                try:
                    body = json.loads(raw) if raw.strip() else {}
                except ValueError as error:
                    raise RestError(10020, "body: invalid") from error
                if not isinstance(body, dict):
                    raise RestError(10020, "body: invalid")
                out = Outbox()
                try:
                    result = handler(Call(account, body, dict(request.match_info), out))
                except OrderError as error:
                    await deliver(sim, out)
                    raise RestError(error.code, error.text) from error
                await deliver(sim, out)
                return result
        return wrapped

    def authenticate(self, request: web.Request, raw: bytes) -> Account:
        """A token (``bfx-token``), else key, then signature, then nonce (protocol.md §5.2)."""
        headers = request.headers
        path = request.raw_path.split("?", 1)[0]
        try:
            token = headers.get("bfx-token")
            if token is not None:
                relative = path.split("/v2/", 1)[-1]
                return self.tokens.authenticate(self.sim.exchange.by_key, token, self.sim.exchange.now,
                                                write=relative.startswith("auth/w/"))
            account = find_account(self.sim.exchange.by_key, headers.get("bfx-apikey"))
            signed_path = path if path.startswith("/api/") else "/api" + path
            nonce = headers.get("bfx-nonce", "")
            check_signature(account, (signed_path + nonce).encode("utf-8") + raw, headers.get("bfx-signature"))
            consume_nonce(account, nonce)
        except AuthError as error:
            raise RestError(error.code, error.msg) from error
        return account

    # --- tokens ---------------------------------------------------------------------------------------------------
    def _token(self, call: Call) -> Any:
        body = call.body
        scope, ttl, write, caps = body.get("scope"), body.get("ttl"), body.get("writePermission"), body.get("caps")
        if not isinstance(scope, str) or not scope:
            raise RestError(10020, "scope: invalid")
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1):
            raise RestError(10020, "ttl: invalid")
        if write is not None and not isinstance(write, bool) and write not in (0, 1):
            raise RestError(10020, "writePermission: invalid")
        if caps is not None and (not isinstance(caps, list) or not all(isinstance(c, str) for c in caps)):
            raise RestError(10020, "caps: invalid")
        return [self.tokens.issue(call.account, self.sim.exchange.now, scope=scope, ttl=ttl, write=bool(write),
                                  caps=caps)]

    def _token_del(self, call: Call) -> Any:
        return [1 if self.tokens.revoke(call.account, call.body.get("token")) else 0]
