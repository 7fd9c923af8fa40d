"""What a replayed channel holds at a moment of the recording: the book (to recompute checksums and to make the
snapshot of a late subscriber), the trades, the last ticker or status row, the candles.

A book entry's last element is its signed amount and the one before it its delete marker (COUNT for P0–P4, PRICE or
RATE for R0: 0 deletes), in all four layouts of protocol.md §3.3; the checksum is that of §3.4 over the entries
as they were received (numbers print back the way Bitfinex printed them).
"""

from typing import Any, Dict, List, Optional, Tuple

from ..wire.checksum import checksum

__all__ = ["ChannelState"]


class ChannelState:
    """The state of one channel, folded from its snapshot and updates (:meth:`apply`)."""

    def __init__(self, key: str) -> None:
        self.key = key
        parts = key.split(":")
        self.channel = parts[0]
        self.funding = parts[1].startswith("f") if self.channel in ("book", "trades", "ticker") else False
        self.raw = self.channel == "book" and parts[-3] == "R0"
        self.has_snapshot = False
        self.snapshot_body: Any = None
        self.book: Dict[Any, List[Any]] = {}
        self.rows: List[Any] = []
        self.row: Any = None
        self.candles: Dict[Any, List[Any]] = {}
        self._snapshot_size = 0

    # --- folding ------------------------------------------------------------------------------------------------
    def apply(self, body: List[Any]) -> None:
        """Fold one recorded body (the first data body is the snapshot)."""
        if not body:
            return
        if isinstance(body[0], str):
            if body[0] in ("te", "fte") and len(body) > 1:
                self.rows.insert(0, body[1])
                del self.rows[max(self._snapshot_size, 1):]
            return
        payload = body[0]
        if not self.has_snapshot:
            self.has_snapshot = True
            self.snapshot_body = body
            self._load(payload)
            return
        if self.channel == "book":
            for entry in payload if payload and isinstance(payload[0], list) else [payload]:
                self._apply_entry(entry)
        elif self.channel == "candles":
            self.candles[payload[0]] = payload
        elif self.key == "status:liq:global":
            self.rows = (list(payload) + self.rows)[: max(self._snapshot_size, 10)]
        else:
            self.row = payload

    def _load(self, payload: Any) -> None:
        if self.channel == "book":
            self.book = {}
            for entry in payload:
                self._apply_entry(entry)
        elif self.channel == "trades" or self.key == "status:liq:global":
            self.rows = list(payload)
            self._snapshot_size = len(self.rows)
        elif self.channel == "candles":
            self.candles = {row[0]: row for row in payload}
            self._snapshot_size = len(payload)
        else:
            self.row = payload

    # --- books --------------------------------------------------------------------------------------------------
    def _is_bid(self, entry: List[Any]) -> bool:
        amount = entry[-1]
        return bool(amount < 0) if self.funding else bool(amount > 0)

    def _key(self, entry: List[Any]) -> Any:
        if self.raw:
            return entry[0]
        side = self._is_bid(entry)
        return (entry[0], entry[1], side) if self.funding else (entry[0], side)

    def _apply_entry(self, entry: List[Any]) -> None:
        key = self._key(entry)
        if entry[-2] == 0:
            self.book.pop(key, None)
            return
        if not self.raw:  # a price that changed sides leaves the other
            self.book.pop((*key[:-1], not key[-1]), None)
        self.book[key] = entry

    def sides(self) -> Tuple[List[List[Any]], List[List[Any]]]:
        """Both sides of the book, best first (R0: ties by id)."""
        bids = [e for e in self.book.values() if self._is_bid(e)]
        asks = [e for e in self.book.values() if not self._is_bid(e)]
        if self.raw:
            price = 2 if self.funding else 1
            bids.sort(key=lambda e: (-e[price], e[0]))
            asks.sort(key=lambda e: (e[price], e[0]))
        elif self.funding:
            bids.sort(key=lambda e: (-e[0], e[1]))
            asks.sort(key=lambda e: (e[0], e[1]))
        else:
            bids.sort(key=lambda e: -e[0])
            asks.sort(key=lambda e: e[0])
        return bids, asks

    def checksum(self) -> int:
        bids, asks = self.sides()
        return checksum([(e[0], e[-1]) for e in bids], [(e[0], e[-1]) for e in asks])

    # --- snapshots ----------------------------------------------------------------------------------------------
    def snapshot(self) -> Optional[List[Any]]:
        """The snapshot body of the channel as it stands (None before its recorded snapshot)."""
        if not self.has_snapshot:
            return None
        if self.channel == "book":
            bids, asks = self.sides()
            return [bids + asks]
        if self.channel == "trades" or self.key == "status:liq:global":
            return [list(self.rows)]
        if self.channel == "candles":
            rows = sorted(self.candles.values(), key=lambda r: -r[0])[: max(self._snapshot_size, 1)]
            return [rows]
        return [self.row]
