"""Type aliases that several packages share, defined once here so that the REST groups, the WebSocket inputs, the
order bodies and the event handlers cannot drift apart on what they accept.

Private: users see these names expanded in the signatures (``DecimalLike`` as ``Decimal | int | float | str``),
and the module imports only the standard library, so anything in bfxapi may import it."""

from datetime import datetime
from decimal import Decimal
from typing import Callable, Union

__all__ = ["DecimalLike", "Emit", "Timestamp", "Tif"]

#: an amount or price as the caller may give it: sent as its exact decimal text (floats by their shortest repr)
DecimalLike = Union[Decimal, int, float, str]

#: a time bound of a REST query: milliseconds since the epoch, or the same as a string of digits
Timestamp = Union[int, str]

#: an order's time-in-force: a datetime (naive means UTC) or Bitfinex's "YYYY-MM-DD HH:MM:SS" text
Tif = Union[str, datetime]

#: ``emit(event, *args)`` as handlers and managers hold it: the event emitter's, or a function that collects what
#: would be told (no caller uses what it returns)
Emit = Callable[..., object]
