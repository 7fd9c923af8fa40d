"""What the front ends need from the simulator, as a Protocol: they depend on this, not on ``Simulator``, so
that the server layer never imports the composition root that builds it."""

import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Set

from ..engine.exchange import Exchange
from ..model.market import Market
from .connection import Connection
from .rest.record import RestRecord

__all__ = ["ServerContext"]


class ServerContext(Protocol):
    """The state and services the WebSocket and REST front ends use (``Simulator`` provides them)."""

    seed: Any
    server_id: str
    market: Market
    exchange: Exchange
    market_lock: asyncio.Lock
    connections: List[Connection]
    maintenance: bool
    subscription_limit: int
    heartbeat_interval: Optional[float]
    idle_timeout: Optional[float]
    trades_snapshot_size: int
    candles_snapshot_size: int
    calc_batch_limit: int
    calc_rate_limit: Optional[int]
    calc_rate_window: float
    away_keys: Set[str]
    handshakes_attempted: int
    handshakes_refused: int
    rest_log: List[RestRecord]
    rest_requests: int
    rest_rate_limited: int
    rest_rate_limits: Optional[Dict[str, Optional[int]]]
    rest_block_duration: float
    #: seconds between a trade's ``te`` and its ``tu`` (0: together), public and account channels alike
    trade_update_delay: float

    def notify(self) -> None:
        """Wake whoever waits on the simulator's state (a frame sent or received, a connection opened/closed)."""

    def next_chan_id(self) -> int:
        """A new channel id."""

    def handshake_refusal(self, ip: str) -> Optional[int]:
        """The HTTP status refusing a WebSocket handshake from ``ip`` now, or None to accept it."""

    async def publish_account_changes(self) -> None:
        """Send the public channels what account operations changed (trades, book entries)."""

    def later(self, delay: float, job: Callable[[], Awaitable[None]]) -> None:
        """Run ``job`` in ``delay`` seconds (cancelled when the simulator stops)."""
