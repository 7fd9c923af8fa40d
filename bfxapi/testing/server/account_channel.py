"""Channel 0 of an authenticated socket: the session state, filters, framing with two sequence numbers.

Sequence numbers with SEQ_ALL (protocol.md §2.5, settled here): every channel-0 frame except ``-req``
notifications takes the next number of the socket's *public* counter (shared with the public channels and
``hb``) as its second-to-last element. Every channel-0 frame except ``hb`` also carries the session's *auth*
counter last: it advances by one on each account message that is not a notification, is ``0`` on the
snapshots sent right after auth (the "syncing" value) and is repeated, not advanced, on ``n`` frames.
``-req`` notifications therefore end with the auth number only; ``[0,"hb",PUB_SEQ]`` with the public only.
With TIMESTAMP a server time in ms follows as the very last element, as on the public channels.
"""

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, List, Optional

from ..model.accounts import Account
from ..model.outbox import Message, Tag
from ..wire.frames import FLAG_SEQ_ALL, FLAG_TIMESTAMP
from .connection import Connection

__all__ = ["AuthSession", "session_of", "send_messages", "send_snapshots", "FILTER_CATEGORIES"]

FILTER_CATEGORIES = ("trading", "funding", "wallet", "algo", "balance", "notify")


@dataclass
class AuthSession:
    """The authenticated state of one connection (``conn.extensions["auth"]``)."""

    account: Account
    auth_id: str
    filters: Optional[List[str]]
    dms: bool
    calc: bool
    auth_seq: int = 0
    #: loop times of the recent accepted ``calc`` inputs (rate limit)
    calc_times: Deque[float] = field(default_factory=deque)

    def allows(self, tag: Tag) -> bool:
        """Whether the filter lets a message of this (category, detail) through (no filter: everything)."""
        if self.filters is None:
            return True
        category, detail = tag
        return category in self.filters or (detail is not None and f"{category}-{detail}" in self.filters)

    def allows_category(self, category: str) -> bool:
        if self.filters is None:
            return True
        return any(f == category or f.startswith(category + "-") for f in self.filters)


def session_of(conn: Connection) -> Optional[AuthSession]:
    session = conn.extensions.get("auth")
    return session if isinstance(session, AuthSession) else None


def _frame(conn: Connection, session: AuthSession, type: str, payload: Any, syncing: bool = False) -> List[Any]:
    array: List[Any] = [0, type, payload]
    notif = type == "n"
    req = notif and isinstance(payload, list) and len(payload) > 1 and str(payload[1]).endswith("-req")
    if conn.flags & FLAG_SEQ_ALL:
        if not req:
            conn.seq += 1
            array.append(conn.seq)
        if syncing:
            array.append(0)
        else:
            if not notif:
                session.auth_seq += 1
            array.append(session.auth_seq)
    if conn.flags & FLAG_TIMESTAMP:
        array.append(int(time.time() * 1000))
    return array


async def send_messages(conn: Connection, messages: List[Message]) -> None:
    """Send the account messages this session's filter allows, framed and numbered, in order."""
    session = session_of(conn)
    if session is None or conn.closed:
        return

    def build() -> List[List[Any]]:
        return [_frame(conn, session, m.type, m.payload) for m in messages if session.allows(m.tag)]
    await conn.send_arrays(build)


async def send_snapshots(conn: Connection, session: AuthSession, rows: List[Any]) -> None:
    """Send ``ps``, ``ws``, ``os``, ``fos``, ``fcs``, ``fls`` (each even when empty), filtered per row.

    ``rows`` holds ``(type, category, [(detail, row), …])`` in sending order."""
    def build() -> List[List[Any]]:
        arrays = []
        for type, category, entries in rows:
            if not session.allows_category(category):
                continue
            kept = [row for detail, row in entries if session.allows((category, detail))]
            arrays.append(_frame(conn, session, type, kept, syncing=True))
        return arrays
    await conn.send_arrays(build)
