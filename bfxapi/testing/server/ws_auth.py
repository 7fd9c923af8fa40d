"""The authenticated WebSocket: the ``auth`` event, channel-0 inputs, the dead-man switch.

Settled behaviours (documented for clients):

* an input (``[0, TYPE, null, BODY]``) on a socket that is not authenticated gets
  ``{"event":"error","msg":"auth: required","code":10100}`` and is otherwise ignored;
* an unknown input TYPE on an authenticated socket gets ``{"event":"error","msg":"input: invalid","code":10020}``;
* a client ``n`` input (``[0,"n",MSG_ID,{"type":"ucm-test","info":{…}}]``) is echoed to the account's sessions as
  ``[0,"n",[MTS,TYPE,MSG_ID,null,INFO,null,"SUCCESS",MESSAGE]]`` (MESSAGE = the body's ``message`` or null);
* ``authPayload`` not starting with ``AUTH``: auth FAILED 10111 ``authPayload: invalid``;
* ``calc`` limits (protocol.md §2.2, §7.6: at most 30 calcs per batch, 8 per second): a ``calc`` input naming
  more than 30 requests gets ``{"event":"error","msg":"calc: limit","code":10020}`` (ERR_PARAMS) and nothing
  is computed; the 9th ``calc`` input within one second on a connection gets
  ``{"event":"error","msg":"ratelimit: error","code":11010}`` (Bitfinex's rate-limit code) and is ignored
  (refused inputs do not count). Both limits are ``Simulator`` options. Errors never close the socket.
"""

import asyncio
import random
import uuid
from typing import Any, Dict, List, Optional, Tuple

from ..engine.credentials import AuthError, check_signature, consume_nonce, find_account
from ..engine.operations import REQ_TYPES, calc, ox_multi, run_op
from ..model.accounts import Account
from ..model.outbox import Outbox
from ..wire.frames import error_event, notification
from .account_channel import AuthSession, send_snapshots, session_of
from .connection import LOST_INPUTS, Connection
from .context import ServerContext
from .delivery import deliver
from .ws import WebSocketFrontEnd

__all__ = ["AccountWebSocket"]


def _nonce_from(data: Dict[str, Any], payload: str) -> Any:
    if "authNonce" in data:
        return data["authNonce"]
    digits = ""
    for char in payload[4:]:
        if not char.isdigit():
            break
        digits += char
    return digits or None


class AccountWebSocket:
    """Plugs authentication and channel 0 into the WebSocket front end."""

    def __init__(self, sim: ServerContext, ws: WebSocketFrontEnd) -> None:
        self.sim = sim
        self._auth_count = 0
        ws.register_event("auth", self.on_auth)
        ws.array_handler = self.on_array
        ws.close_handlers.append(self.on_close)

    # --- auth -------------------------------------------------------------------------------------------------
    async def on_auth(self, conn: Connection, data: Dict[str, Any]) -> None:
        """Check the credentials; on success send the auth event then the snapshots."""
        if session_of(conn) is not None:
            await conn.send_event(error_event(10100, "auth: dup"))
            return
        exchange = self.sim.exchange
        async with self.sim.market_lock:
            try:
                account = find_account(exchange.by_key, data.get("apiKey"))
                payload = data.get("authPayload")
                if not isinstance(payload, str) or not payload.startswith("AUTH"):
                    raise AuthError(10111, "authPayload: invalid")
                check_signature(account, payload.encode("utf-8"), data.get("authSig"))
                consume_nonce(account, _nonce_from(data, payload))
            except AuthError as error:
                await conn.send_event({"event": "auth", "status": "FAILED", "chanId": 0, "code": error.code,
                                       "msg": error.msg})
                return
            if account.api_key in self.sim.away_keys:  # the away() fault: cut off before the answer
                conn.abort()
                return
            raw_filter = data.get("filter")
            filters = [f for f in raw_filter if isinstance(f, str)] if isinstance(raw_filter, list) else None
            self._auth_count += 1
            rng = random.Random(f"{self.sim.seed}:auth:{self._auth_count}")
            session = AuthSession(account, str(uuid.UUID(int=rng.getrandbits(128), version=4)), filters,
                                  data.get("dms") == 4, bool(data.get("calc")))
            conn.extensions["auth"] = session
            account.sessions.append(conn)
            account.logins.append([len(account.logins) + 1, None, exchange.now, None, conn.ip, None, None,
                                   {"transport": "ws"}])
            ack: Dict[str, Any] = {"event": "auth", "status": "OK", "chanId": 0, "userId": account.user_id,
                                   "auth_id": session.auth_id, "caps": account.caps}
            if "subId" in data:
                ack["subId"] = data["subId"]
            await conn.send_event(ack)
            await send_snapshots(conn, session, self.snapshot_rows(account))

    @staticmethod
    def snapshot_rows(account: Account) -> List[Tuple[str, str, List[Tuple[Optional[str], Any]]]]:
        """``ps``, ``ws``, ``os``, ``fos``, ``fcs``, ``fls`` rows with their filter details, in sending order."""
        return [
            ("ps", "trading", [(p.symbol, p.row()) for p in account.positions.values()]),
            ("ws", "wallet", [(f"{w.type}-{w.currency}", w.row()) for w in account.wallets.values()]),
            ("os", "trading", [(o.symbol, o.row()) for o in account.orders.values()]),
            ("fos", "funding", [(o.symbol, o.row()) for o in account.offers.values()]),
            ("fcs", "funding", [(c.symbol, c.row()) for c in account.credits.values()]),
            ("fls", "funding", [(c.symbol, c.row()) for c in account.loans.values()]),
        ]

    # --- inputs -----------------------------------------------------------------------------------------------
    async def on_array(self, conn: Connection, data: List[Any]) -> None:
        """Channel-0 inputs ``[0, TYPE, MSG_ID, BODY]``."""
        if len(data) < 4 or data[0] != 0 or not isinstance(data[1], str):
            return
        session = session_of(conn)
        if session is None:
            await conn.send_event(error_event(10100, "auth: required"))
            return
        if conn.extensions.get(LOST_INPUTS, 0) > 0:  # the lose_next_input fault
            conn.extensions[LOST_INPUTS] -= 1
            return
        type, body = data[1], data[3]
        exchange = self.sim.exchange
        account = session.account
        async with self.sim.market_lock:
            out = Outbox()
            if type in REQ_TYPES:
                run_op(exchange, account, type, body if isinstance(body, dict) else {}, out)
            elif type == "ox_multi":
                ox_multi(exchange, account, body, out)
            elif type == "calc":
                refusal = self._calc_refusal(session, body)
                if refusal is not None:
                    await conn.send_event(refusal)
                    return
                calc(exchange, account, body, out)
            elif type == "n" and isinstance(body, dict) and isinstance(body.get("type"), str):
                message = body.get("message") if isinstance(body.get("message"), str) else None
                out.notify(account, notification(exchange.now, body["type"], body.get("info"), "SUCCESS", message,
                                                 message_id=data[2]))
            else:
                await conn.send_event(error_event(10020, "input: invalid"))
                return
            await deliver(self.sim, out)

    def _calc_refusal(self, session: AuthSession, body: Any) -> Optional[Dict[str, Any]]:
        """The error event refusing a ``calc`` input (batch too large, rate exceeded), or None to run it."""
        sim = self.sim
        if isinstance(body, list) and len(body) > sim.calc_batch_limit:
            return error_event(10020, "calc: limit")
        if sim.calc_rate_limit is not None:
            now = asyncio.get_running_loop().time()
            times = session.calc_times
            while times and now - times[0] >= sim.calc_rate_window:
                times.popleft()
            if len(times) >= sim.calc_rate_limit:
                return error_event(11010, "ratelimit: error")
            times.append(now)
        return None

    # --- dead-man switch --------------------------------------------------------------------------------------
    async def on_close(self, conn: Connection) -> None:
        """Detach the session; with ``dms: 4`` cancel the account's orders (``oc`` to its other sessions)."""
        session = session_of(conn)
        if session is None:
            return
        account = session.account
        if conn in account.sessions:
            account.sessions.remove(conn)
        if session.dms:
            async with self.sim.market_lock:
                out = Outbox()
                self.sim.exchange.trading.cancel_all(account, out)
                await deliver(self.sim, out)
