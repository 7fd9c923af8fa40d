"""Reading the real Bitfinex capture (``tests/data/bitfinex-ws-capture-2021-04-17.txt``, format in
``tests/data/README.md``) into frames with their arrival times, and the figures the realism tests compare the
simulator with: book level amounts and counts, ticker and heartbeat timing."""

import json
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from fixtures import WS_CAPTURE, fixture_path

_RECEIVED = re.compile(r"^([0-9.]+): (.*)$")
_SENT = re.compile(r"^(\S+) <- ([0-9.]+): (.*)$")
_OPENED = re.compile(r"^(\S+) <-> ([0-9.]+)$")


@dataclass
class Capture:
    """A recorded session: ``opened`` (s since the epoch), ``sent`` [(t, message)], ``received`` [(t, frame,
    text)], ``acks`` {chanId: subscribed event} and ``requests`` (the subscribe messages, in order)."""

    url: str = ""
    opened: float = 0.0
    sent: List[Tuple[float, Any]] = field(default_factory=list)
    received: List[Tuple[float, Any, str]] = field(default_factory=list)
    acks: Dict[int, Dict[str, Any]] = field(default_factory=dict)

    def channel(self, chan_id: int) -> str:
        ack = self.acks.get(chan_id)
        return ack["channel"] if ack else "?"

    def data_frames(self, channel: str) -> Dict[int, List[Tuple[float, Any]]]:
        """The array frames of every channel of a kind (heartbeats left out), by channel id, in arrival order."""
        frames: Dict[int, List[Tuple[float, Any]]] = {}
        for t, frame, _ in self.received:
            if isinstance(frame, list) and frame[1] != "hb" and self.channel(frame[0]) == channel:
                frames.setdefault(frame[0], []).append((t, frame))
        return frames

    def book_snapshots(self) -> Dict[str, List[List[Any]]]:
        """The first data frame of each book channel (its snapshot), by symbol."""
        return {self.acks[chan]["symbol"]: frames[0][1][1] for chan, frames in self.data_frames("book").items()}

    def book_entries(self) -> List[List[Any]]:
        """Every book entry received (snapshots and updates), deletes included."""
        entries: List[List[Any]] = []
        for frames in self.data_frames("book").values():
            for index, (_, frame) in enumerate(frames):
                entries.extend(frame[1] if index == 0 else [frame[1]])
        return entries

    def heartbeat_times(self) -> Dict[int, List[float]]:
        times: Dict[int, List[float]] = {}
        for t, frame, _ in self.received:
            if isinstance(frame, list) and frame[1] == "hb":
                times.setdefault(frame[0], []).append(t)
        return times


def read_capture(path: Optional[Path] = None) -> Capture:
    capture = Capture()
    for line in (path or fixture_path(WS_CAPTURE)).read_text(encoding="utf-8").splitlines():
        if (match := _OPENED.match(line)) is not None:
            capture.url, capture.opened = match.group(1), float(match.group(2))
        elif (match := _SENT.match(line)) is not None:
            capture.sent.append((float(match.group(2)), json.loads(match.group(3))))
        elif (match := _RECEIVED.match(line)) is not None:
            frame = json.loads(match.group(2))
            capture.received.append((float(match.group(1)), frame, match.group(2)))
            if isinstance(frame, dict) and frame.get("event") == "subscribed":
                capture.acks[frame["chanId"]] = frame
    return capture


def relative_log_amounts(books: List[List[List[Any]]]) -> List[float]:
    """``log10(|AMOUNT| / median)`` of every level, each book against its own median level amount."""
    values: List[float] = []
    for entries in books:
        amounts = [abs(e[-1]) for e in entries]
        median = statistics.median(amounts)
        values.extend(math.log10(a / median) for a in amounts)
    return sorted(values)


def quantile(sorted_values: List[float], p: float) -> float:
    return sorted_values[round(p * (len(sorted_values) - 1))]


def ks_distance(first: List[float], second: List[float]) -> float:
    """The two-sample Kolmogorov-Smirnov statistic of two sorted samples."""
    i = j = 0
    distance = 0.0
    while i < len(first) and j < len(second):
        if first[i] <= second[j]:
            i += 1
        else:
            j += 1
        distance = max(distance, abs(i / len(first) - j / len(second)))
    return distance
