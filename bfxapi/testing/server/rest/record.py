"""What the simulator remembers of each REST request (``sim.rest_log``)."""

from dataclasses import dataclass
from typing import Any, Dict, Optional

__all__ = ["RestRecord"]


@dataclass
class RestRecord:
    """One REST request as received and answered (``sim.rest_log``).

    ``method``, ``path`` (as received, without the query), ``query`` (dict), ``headers`` (dict), ``raw_body``
    (bytes, exactly as received), ``body`` (parsed JSON or None), ``status`` and ``response`` (parsed JSON
    answer), ``api_key`` (the authenticated key, if any)."""

    method: str
    path: str
    query: Dict[str, str]
    headers: Dict[str, str]
    raw_body: bytes
    body: Any
    status: int = 0
    response: Any = None
    api_key: Optional[str] = None
