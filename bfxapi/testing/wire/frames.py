"""Frame vocabulary shared by every front end: the ``conf`` flags, error events and notifications.

Flags (protocol.md §2.5): TIMESTAMP appends a server time in ms to every array frame, SEQ_ALL a sequence number
(before the timestamp), OB_CHECKSUM makes book channels send ``cs`` frames, BULK lets a book update frame carry
several entries.
"""

from typing import Any, Dict, List, Optional

__all__ = ["FLAG_TIMESTAMP", "FLAG_SEQ_ALL", "FLAG_OB_CHECKSUM", "FLAG_BULK", "error_event", "notification"]

FLAG_TIMESTAMP = 32768
FLAG_SEQ_ALL = 65536
FLAG_OB_CHECKSUM = 131072
FLAG_BULK = 536870912


def error_event(code: int, msg: str, echo: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """``{"event":"error","msg":MSG,"code":CODE, …echoed request fields…}`` (protocol.md §3.1)."""
    event: Dict[str, Any] = {"event": "error", "msg": msg, "code": code}
    for key, value in (echo or {}).items():
        if key not in event:
            event[key] = value
    return event


def notification(mts: int, type: str, info: Any, status: str, text: Optional[str], message_id: Any = None,
                 code: Optional[int] = None) -> List[Any]:
    """``[MTS, TYPE, MESSAGE_ID, null, NOTIFY_INFO, CODE, STATUS, TEXT]`` (protocol.md §4.7)."""
    return [mts, type, message_id, None, info, code, status, text]
