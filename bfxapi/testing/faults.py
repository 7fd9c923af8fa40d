"""Fault injection: methods a test (or a user) calls on a running simulator while clients are connected."""

import contextlib
from collections import deque
from typing import Any, AsyncIterator, Callable, Deque, List, Optional, Set, Union

from .server.connection import LOST_INPUTS, Connection
from .wire.encoding import dumps

__all__ = ["FaultsMixin", "ConnectionRef", "LOST_INPUTS"]

#: A connection given as the object or by its ``id``.
ConnectionRef = Union[Connection, int]


class FaultsMixin:
    """Fault methods of :class:`~bfxapi.testing.Simulator`."""

    connections: List[Connection]
    maintenance: bool
    _refusals: Deque[int]
    #: API keys of the accounts kept away (:meth:`away`): their authentications are cut off
    away_keys: Set[str]
    account: Callable[[Any], Any]  # of AccountsMixin

    def _init_faults(self) -> None:
        self._refusals = deque()
        self.away_keys = set()

    def notify(self) -> None:  # implemented by Simulator
        raise NotImplementedError

    def connection(self, ref: ConnectionRef) -> Connection:
        """The connection with this id (or the object itself)."""
        if isinstance(ref, Connection):
            return ref
        for conn in self.connections:
            if conn.id == ref:
                return conn
        raise KeyError(f"no connection with id {ref}")

    def authenticated_connection(self, account: Any = None) -> Connection:
        """The open connection authenticated (as ``account``, an account or its API key, when given): the one to
        stall, drop or starve to test what a bot does when its account channel fails."""
        wanted = None if account is None else getattr(account, "api_key", account)
        for conn in self.connections:
            session = conn.extensions.get("auth")
            if conn.open and session is not None and (wanted is None or session.account.api_key == wanted):
                return conn
        raise KeyError("no open authenticated connection" + ("" if wanted is None else f" for {str(wanted)[:4]}..."))

    def _targets(self, ref: Optional[ConnectionRef]) -> List[Connection]:
        if ref is None:
            return [c for c in self.connections if c.open]
        conn = self.connection(ref)
        return [conn] if conn.open else []

    async def drop(self, connection: Optional[ConnectionRef] = None, timeout: float = 5.0) -> None:
        """Abort one connection (or all open ones when ``connection`` is None): the transport is torn down
        without a close frame, so the client sees 1006. Returns once the server has seen them closed."""
        targets = self._targets(connection)
        for conn in targets:
            conn.abort()
        for conn in targets:
            await conn.wait_closed(timeout)

    async def close_connection(self, connection: ConnectionRef, code: int = 1000) -> None:
        """Close one connection properly, with a close frame carrying ``code``."""
        conn = self.connection(connection)
        await conn.close(code)
        await conn.wait_closed()

    async def send_info(self, code: int = 20051, msg: Optional[str] = None,
                        connection: Optional[ConnectionRef] = None) -> None:
        """Send ``{"event":"info","code":CODE,"msg":MSG}`` to one or all connections (default 20051, stop)."""
        texts = {20051: "Stopping. Please try to reconnect", 20060: "Entering in Maintenance mode. Please wait",
                 20061: "Maintenance ended. You can resume normal activity. It is advised to unsubscribe/subscribe "
                        "again all channels."}
        event = {"event": "info", "code": code, "msg": msg if msg is not None else texts.get(code, "info")}
        for conn in self._targets(connection):
            await conn.send_event(event)

    async def start_maintenance(self) -> None:
        """Enter maintenance: platform status 0, info 20060 to everyone, REST answers 20060, market paused."""
        self.maintenance = True
        self.notify()
        await self.send_info(20060)

    async def end_maintenance(self) -> None:
        """Leave maintenance: platform status 1, info 20061 to everyone, market resumes."""
        self.maintenance = False
        self.notify()
        await self.send_info(20061)

    def stall(self, connection: ConnectionRef) -> None:
        """Keep the connection open but send nothing on it (no data, no heartbeats, no replies)."""
        self.connection(connection).stall()

    async def unstall(self, connection: ConnectionRef, flush: bool = True) -> None:
        """End a stall. ``flush=True`` delivers the held frames in order; ``flush=False`` discards them (their
        sequence numbers are lost, so a SEQ_ALL client sees a gap)."""
        await self.connection(connection).unstall(flush)

    def corrupt_next_checksum(self, connection: Optional[ConnectionRef] = None,
                              chan_id: Optional[int] = None) -> None:
        """Make the next ``cs`` frame wrong on one book channel (``chan_id``), or on every book channel of
        the connection (or of every connection when ``connection`` is None)."""
        for conn in self._targets(connection):
            for sub_id, sub in conn.subscriptions.items():
                if sub.is_book and (chan_id is None or chan_id == sub_id):
                    sub.corrupt_next_checksum = True

    def skip_sequence(self, connection: ConnectionRef, count: int = 1) -> None:
        """Skip ``count`` sequence numbers on a connection: the next array frame shows a gap."""
        self.connection(connection).seq += count

    async def inject(self, connection: ConnectionRef, frame: Any) -> None:
        """Send a raw frame: a ``str`` goes out verbatim (e.g. malformed JSON), anything else is encoded."""
        text = frame if isinstance(frame, str) else dumps(frame)
        await self.connection(connection).send_raw(text)

    def lose_next_input(self, connection: ConnectionRef, count: int = 1) -> None:
        """Make the server ignore the next ``count`` channel-0 inputs (``[0, TYPE, null, BODY]``) it receives on
        an authenticated connection, as if they were lost on the way: they are recorded in ``received`` but
        never executed nor answered. The way to test a client facing an input that never reached Bitfinex."""
        conn = self.connection(connection)
        conn.extensions[LOST_INPUTS] = conn.extensions.get(LOST_INPUTS, 0) + count

    @contextlib.asynccontextmanager
    async def away(self, account: Any, timeout: float = 5.0) -> AsyncIterator[None]:
        """Keep an account's clients disconnected for the ``async with`` block: its authenticated connections
        are dropped (1006) on entry, and every authentication of the account inside the block is cut off the
        same way, before it is answered, so the client keeps reconnecting and sees nothing. What the block does
        to the account (``fill_order``, ``take_offer``, ``close_position``, the market's fills, the dead-man
        switch of the dropped connection) happens while the client is away; after the block, its next
        reconnection finds the account changed. Public connections are left alone."""
        key = self.account(account).api_key
        self.away_keys.add(key)
        try:
            await self.drop_account(account, timeout)
            yield
        finally:
            self.away_keys.discard(key)

    async def drop_account(self, account: Any, timeout: float = 5.0) -> None:
        """Abort every open connection authenticated as ``account`` (1006) and wait until they are closed."""
        key = self.account(account).api_key
        targets = [conn for conn in self.connections
                   if conn.open and getattr(conn.extensions.get("auth"), "account", None) is not None
                   and conn.extensions["auth"].account.api_key == key]
        for conn in targets:
            conn.abort()
        for conn in targets:
            await conn.wait_closed(timeout)

    def refuse_handshakes(self, count: int = 1, status: int = 503) -> None:
        """Answer the next ``count`` WebSocket handshakes with HTTP ``status`` (e.g. 429, 503)."""
        self._refusals.extend([status] * count)
