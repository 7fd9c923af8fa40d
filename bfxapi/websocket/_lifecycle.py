"""The WebSocket client's lifecycle as one state and the one table of its transitions.

``IDLE`` (never started) -> ``RUNNING`` (``connect``/``start``) -> ``CLOSING`` (``close`` tearing everything down)
-> ``CLOSED`` (stopped; ``connect`` may start it again: ``CLOSED`` -> ``RUNNING``). Any other move is a bug of the
client and raises ``RuntimeError``.
"""

import enum

__all__ = ["ClientState", "TRANSITIONS", "transition"]


class ClientState(enum.Enum):
    """Where the WebSocket client is in its lifecycle."""

    #: created, never started
    IDLE = "idle"
    #: started: connections open (or reconnecting) and subscriptions accepted
    RUNNING = "running"
    #: ``close()`` is tearing the connections, streams and tasks down; nothing new is accepted
    CLOSING = "closing"
    #: stopped (closed by the application or by a fatal error); may be started again
    CLOSED = "closed"

    @property
    def running(self) -> bool:
        """Started and not yet fully stopped (``RUNNING`` or ``CLOSING``)."""
        return self in (ClientState.RUNNING, ClientState.CLOSING)

    @property
    def closing(self) -> bool:
        """A ``close()`` has begun since the last start (``CLOSING`` or ``CLOSED``)."""
        return self in (ClientState.CLOSING, ClientState.CLOSED)


#: every allowed move, from -> the states it may go to
TRANSITIONS: dict[ClientState, frozenset[ClientState]] = {
    ClientState.IDLE: frozenset({ClientState.RUNNING}),
    ClientState.RUNNING: frozenset({ClientState.CLOSING}),
    ClientState.CLOSING: frozenset({ClientState.CLOSED}),
    ClientState.CLOSED: frozenset({ClientState.RUNNING}),
}


def transition(current: ClientState, target: ClientState) -> ClientState:
    """``target``, if the lifecycle allows going there from ``current``; ``RuntimeError`` otherwise."""
    if target not in TRANSITIONS[current]:
        raise RuntimeError(f"the WebSocket client cannot go from {current.value} to {target.value}")
    return target
