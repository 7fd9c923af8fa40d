"""The recording format: a WebSocket session's public channels, with arrival times, in one gzip file.

A recording is gzip-compressed JSON text, one JSON value per line (numbers printed the way Bitfinex prints them,
:mod:`..wire.encoding`):

* line 1, the header, an object::

    {"format": "bfxapi-recording", "version": 1, "host": "wss://api-pub.bitfinex.com/ws/2",
     "start": 1618677543367, "flags": 196608, "channels": ["book:tBTCUSD:P0:F0:25", "trades:tBTCUSD"]}

  ``start``: the connection's opening, ms since the epoch; ``flags``: the ``conf`` flags the recorder asked for;
  ``channels``: the subscription keys it subscribed to (see :func:`channel_key`). Readers ignore other fields.
* every other line, one frame received: ``[OFFSET, KEY, BODY]``. ``OFFSET``: ms since ``start`` (integer);
  ``KEY``: the channel's subscription key, or ``null`` for an event that belongs to no channel; ``BODY``: the frame
  without its channel id and without the sequence number and timestamp its flags appended: ``[[…snapshot…]]``,
  ``[ENTRY]``, ``["te", ROW]``, ``["cs", CHECKSUM]``, or an event object (``{"event": "subscribed", …}`` under
  its channel's key, ``{"event": "info", "code": 20051, …}`` under ``null``). Heartbeats are not recorded (a
  replay makes its own).

Subscription keys (one per channel, the subscribe request's fields with their defaults): ``ticker:SYMBOL``,
``trades:SYMBOL``, ``book:SYMBOL:PREC:FREQ:LEN`` (``book:tBTCUSD:P0:F0:25``; ``book:SYMBOL`` is read with the
defaults P0, F0, 25), ``candles:KEY`` (``candles:trade:1m:tBTCUSD``) and ``status:KEY``
(``status:deriv:tBTCF0:USTF0``, ``status:liq:global``).

:func:`read_recording` also reads the text format of the real capture kept in ``tests/data`` (cryptofeed's:
``URL <-> TS`` opening, ``URL <- TS: MESSAGE`` sent, ``TS: FRAME`` received, TS in seconds).
"""

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Dict, Iterator, List, Optional, Tuple, Union

from ..wire.encoding import dumps
from ..wire.frames import FLAG_SEQ_ALL, FLAG_TIMESTAMP

__all__ = ["FORMAT", "VERSION", "Recording", "RecordingError", "RecordingWriter", "channel_key", "subscribe_request",
           "read_recording", "strip_trailers"]

FORMAT = "bfxapi-recording"
VERSION = 1

Frame = Tuple[int, Optional[str], Any]

_BOOK_PRECISIONS = ("P0", "P1", "P2", "P3", "P4", "R0")


class RecordingError(ValueError):
    """A file that is not a recording this version can read (the message says why)."""


def _symbol(raw: Any) -> str:
    text = str(raw)
    return text if text[:1] in ("t", "f") and text[1:2].isupper() else "t" + text


def channel_key(fields: Dict[str, Any]) -> str:
    """The subscription key of a subscribe request or ``subscribed`` event (see the module docstring)."""
    channel = fields.get("channel")
    if channel in ("ticker", "trades"):
        return f"{channel}:{_symbol(fields.get('symbol', fields.get('pair')))}"
    if channel == "book":
        return (f"book:{_symbol(fields.get('symbol', fields.get('pair')))}:{fields.get('prec', 'P0')}:"
                f"{fields.get('freq', 'F0')}:{fields.get('len', '25')}")
    if channel in ("candles", "status"):
        return f"{channel}:{fields.get('key')}"
    raise RecordingError(f"no subscription key for channel {channel!r}")


def subscribe_request(key: str) -> Dict[str, Any]:
    """The subscribe request of a subscription key (the inverse of :func:`channel_key`)."""
    channel, _, rest = key.partition(":")
    if not rest:
        raise RecordingError(f"{key!r} is not a subscription key (CHANNEL:…)")
    if channel in ("ticker", "trades"):
        return {"event": "subscribe", "channel": channel, "symbol": _symbol(rest)}
    if channel == "book":
        parts = rest.split(":")
        prec, freq, length = "P0", "F0", "25"
        if parts and parts[-1].isdigit():
            length = parts.pop()
        if parts and parts[-1] in ("F0", "F1"):
            freq = parts.pop()
        if parts and parts[-1] in _BOOK_PRECISIONS:
            prec = parts.pop()
        if not parts:
            raise RecordingError(f"{key!r} names no symbol")
        return {"event": "subscribe", "channel": "book", "symbol": _symbol(":".join(parts)), "prec": prec,
                "freq": freq, "len": length}
    if channel in ("candles", "status"):
        return {"event": "subscribe", "channel": channel, "key": rest}
    raise RecordingError(f"{key!r}: unknown channel {channel!r} (ticker, trades, book, candles, status)")


def strip_trailers(frame: List[Any], flags: int) -> List[Any]:
    """The body of an array frame: without its channel id, and without the sequence number and timestamp that
    ``flags`` appended (SEQ_ALL adds one number, TIMESTAMP another)."""
    trailing = (1 if flags & FLAG_SEQ_ALL else 0) + (1 if flags & FLAG_TIMESTAMP else 0)
    body = frame[1:len(frame) - trailing] if trailing else frame[1:]
    return list(body)


@dataclass
class Recording:
    """A recording in memory: the header fields and the frames ``(offset_ms, key, body)`` in arrival order."""

    host: str
    start: int
    flags: int
    channels: List[str]
    frames: List[Frame] = field(default_factory=list)
    header: Dict[str, Any] = field(default_factory=dict)

    def of(self, key: str) -> List[Tuple[int, Any]]:
        """The frames of one channel (acks included), in order."""
        return [(offset, body) for offset, k, body in self.frames if k == key]

    def acks(self) -> Dict[str, Dict[str, Any]]:
        """The ``subscribed`` event of each recorded channel."""
        found: Dict[str, Dict[str, Any]] = {}
        for _, key, body in self.frames:
            if key is not None and isinstance(body, dict) and body.get("event") == "subscribed":
                found.setdefault(key, body)
        return found

    @property
    def duration_ms(self) -> int:
        return self.frames[-1][0] if self.frames else 0

    def save(self, path: Union[str, Path]) -> None:
        with RecordingWriter(path, self.host, self.flags, self.channels, self.start) as writer:
            for offset, key, body in self.frames:
                writer.write_frame(offset, key, body)


class RecordingWriter:
    """Writes a recording as it is made: the header first, then :meth:`write_frame` per frame (gzip is closed by
    :meth:`close` or the ``with`` block, so an interrupted recording still ends with a valid stream)."""

    def __init__(self, path: Union[str, Path], host: str, flags: int, channels: List[str], start: int) -> None:
        self.path = Path(path)
        self.frames = 0
        self._file: IO[str] = gzip.open(self.path, "wt", encoding="utf-8")  # pylint: disable=consider-using-with
        header = {"format": FORMAT, "version": VERSION, "host": host, "start": start, "flags": flags,
                  "channels": channels}
        self._file.write(dumps(header) + "\n")

    def write_frame(self, offset: int, key: Optional[str], body: Any) -> None:
        self._file.write(dumps([offset, key, body]) + "\n")
        self.frames += 1

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def __enter__(self) -> "RecordingWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _lines(path: Path) -> Iterator[str]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        with gzip.open(path, "rt", encoding="utf-8") as file:
            yield from file
    else:
        with path.open("r", encoding="utf-8") as file:
            yield from file


def read_recording(path: Union[str, Path]) -> Recording:
    """Read a recording (this format, gzip or plain) or a capture in the text format of ``tests/data``."""
    path = Path(path)
    lines = _lines(path)
    first = next(lines, "").strip()
    if first.startswith("{"):
        return _read_native(first, lines, path)
    if re.match(r"^\S+ <-> [0-9.]+$", first):
        return _read_capture(first, lines)
    raise RecordingError(f"{path}: neither a {FORMAT} file nor a capture (first line: {first[:60]!r})")


def _read_native(first: str, lines: Iterator[str], path: Path) -> Recording:
    header = json.loads(first)
    if header.get("format") != FORMAT:
        raise RecordingError(f"{path}: not a {FORMAT} file")
    if header.get("version") != VERSION:
        raise RecordingError(f"{path}: version {header.get('version')!r}; this reader knows version {VERSION}")
    recording = Recording(str(header.get("host", "")), int(header.get("start", 0)), int(header.get("flags", 0)),
                          [str(c) for c in header.get("channels", [])], header=header)
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        try:
            offset, key, body = json.loads(line)
        except ValueError as error:
            raise RecordingError(f"{path}:{number}: not a frame line ({error})") from None
        recording.frames.append((int(offset), key, body))
    return recording


def _read_capture(first: str, lines: Iterator[str]) -> Recording:
    """The text capture: its subscribe requests give the channels, its ``conf`` the flags to strip."""
    url, _, opened_text = first.partition(" <-> ")
    opened = float(opened_text)
    recording = Recording(url, round(opened * 1000), 0, [])
    keys: Dict[int, str] = {}
    for line in lines:
        line = line.rstrip("\n")
        sent = re.match(r"^\S+ <- ([0-9.]+): (.*)$", line)
        if sent is not None:
            message = json.loads(sent.group(2))
            if isinstance(message, dict) and message.get("event") == "conf":
                recording.flags = int(message.get("flags", 0))
            elif isinstance(message, dict) and message.get("event") == "subscribe":
                recording.channels.append(channel_key(message))
            continue
        received = re.match(r"^([0-9.]+): (.*)$", line)
        if received is None:
            continue
        offset = round((float(received.group(1)) - opened) * 1000)
        frame = json.loads(received.group(2))
        if isinstance(frame, dict):
            if frame.get("event") == "subscribed":
                keys[frame["chanId"]] = channel_key(frame)
                recording.frames.append((offset, keys[frame["chanId"]], frame))
            elif frame.get("event") not in ("conf",):
                recording.frames.append((offset, None, frame))
        elif isinstance(frame, list) and frame and frame[0] in keys:
            body = strip_trailers(frame, recording.flags)
            if body and body[0] != "hb":
                recording.frames.append((offset, keys[frame[0]], body))
    recording.header = {"format": "capture", "host": url, "start": recording.start, "flags": recording.flags,
                        "channels": recording.channels}
    return recording
