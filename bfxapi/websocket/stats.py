"""What ``bfx.wss.stats()`` returns: a snapshot of the WebSocket client's health, without reading logs.

The connections keep plain integer counters that the receive loop bumps per frame (two integer additions: no
dict, no lock, no clock beyond the one the silence watchdog already reads); everything derived (ages, totals,
states) is computed here, only when a snapshot is asked for. The snapshot is frozen: it never changes after it
was taken, so it can be kept, compared with a later one, or sent to another task.
"""

from dataclasses import dataclass
from typing import Literal, Optional

__all__ = ["ConnectionState", "ConnectionStats", "WebSocketStats"]

#: ``connecting``: never open yet; ``authenticating``: the authenticated connection is open but Bitfinex has not
#: accepted the authentication yet; ``open``: frames flow (and, for the authenticated connection, it is
#: authenticated); ``reconnecting``: the socket was lost and is being replaced; ``closed``: closed for good
ConnectionState = Literal["connecting", "authenticating", "open", "reconnecting", "closed"]


@dataclass(frozen=True)
class ConnectionStats:
    """One WebSocket connection. Counters count from the connection's creation, across its reconnections."""

    #: ``public-1``, ``public-2``, ... (the pool, numbered in opening order) or ``authenticated``
    name: str
    state: ConnectionState
    #: the ``sub_id`` of every subscription the connection owns, whatever its state (being restored after a
    #: reconnection included); always empty for the authenticated connection (channel 0 is not a subscription)
    subscriptions: tuple[str, ...]
    #: seconds since the last frame arrived (heartbeats count); None before the first frame
    since_last_frame: Optional[float]
    #: seconds between the last answered ``ping`` and its ``pong`` (the client pings every ``ping_interval``);
    #: None until a pong came back
    ping_rtt: Optional[float]
    #: text frames received (the ``info`` greetings, events, data frames and heartbeats)
    frames_received: int
    #: their size: characters of the frames as decoded text, which are bytes for Bitfinex's ASCII JSON
    bytes_received: int
    #: times the connection came back after it was lost (each ``reconnection`` event it emitted)
    reconnections: int
    #: gaps found in the sequence numbers (each one rebuilds the connection: frames were lost)
    sequence_gaps: int
    #: managed order books (``bfx.wss.order_book``) on this connection whose checksum did not match Bitfinex's
    checksum_mismatches: int
    #: resubscriptions of such books to get a fresh snapshot after a mismatch (restores after a reconnection
    #: are not counted here: they are the reconnection's)
    book_resyncs: int

    @property
    def subscription_count(self) -> int:
        return len(self.subscriptions)


@dataclass(frozen=True)
class WebSocketStats:
    """The whole client: its connections now (the public pool in opening order, then the authenticated one).

    A public connection that the client closed because its last subscription went away is no longer listed, and
    its counters leave the totals with it."""

    connections: tuple[ConnectionStats, ...]
    #: ``calc`` inputs let through by the client-side pacer to be sent (each batch of up to 30 requests is one)
    calc_inputs: int
    #: seconds ``calc`` calls spent waiting for the client-side pacer (Bitfinex refuses more than 8 per second)
    calc_wait: float

    @property
    def public(self) -> tuple[ConnectionStats, ...]:
        return tuple(connection for connection in self.connections if connection.name != "authenticated")

    @property
    def authenticated(self) -> Optional[ConnectionStats]:
        return next((connection for connection in self.connections if connection.name == "authenticated"), None)

    @property
    def subscriptions(self) -> int:
        """Subscriptions owned by the connections, whatever their state."""
        return sum(connection.subscription_count for connection in self.connections)

    @property
    def frames_received(self) -> int:
        return sum(connection.frames_received for connection in self.connections)

    @property
    def bytes_received(self) -> int:
        return sum(connection.bytes_received for connection in self.connections)

    @property
    def reconnections(self) -> int:
        return sum(connection.reconnections for connection in self.connections)

    @property
    def sequence_gaps(self) -> int:
        return sum(connection.sequence_gaps for connection in self.connections)

    @property
    def checksum_mismatches(self) -> int:
        return sum(connection.checksum_mismatches for connection in self.connections)

    @property
    def book_resyncs(self) -> int:
        return sum(connection.book_resyncs for connection in self.connections)

    @property
    def since_last_frame(self) -> Optional[float]:
        """The longest silence among the open connections (None if none has received a frame)."""
        ages = [c.since_last_frame for c in self.connections if c.state == "open" and c.since_last_frame is not None]
        return max(ages) if ages else None
