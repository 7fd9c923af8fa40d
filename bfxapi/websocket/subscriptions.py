"""What a subscription looks like to callbacks: the dict passed as their first argument.

The same dict object is passed with every event of a subscription; treat it as read-only.
"""

from typing import Literal, TypedDict, Union

__all__ = ["Channel", "Ticker", "Trades", "Book", "Candles", "Status", "Subscription", "CHANNELS"]

Channel = Literal["ticker", "trades", "book", "candles", "status"]

CHANNELS: frozenset[str] = frozenset(("ticker", "trades", "book", "candles", "status"))


class Ticker(TypedDict):
    channel: Literal["ticker"]
    sub_id: str
    symbol: str


class Trades(TypedDict):
    channel: Literal["trades"]
    sub_id: str
    symbol: str


class Book(TypedDict):
    channel: Literal["book"]
    sub_id: str
    symbol: str
    prec: str
    freq: str
    len: str


class Candles(TypedDict):
    channel: Literal["candles"]
    sub_id: str
    key: str


class Status(TypedDict):
    channel: Literal["status"]
    sub_id: str
    key: str


Subscription = Union[Ticker, Trades, Book, Candles, Status]
