"""Messages for accounts' authenticated channels, as the engines produce them.

Engines never write to sockets: an operation appends channel-0 messages to an :class:`Outbox`, in the order the
real server sends them; the server layer (:mod:`..server.delivery`) then writes them to every live authenticated
session of each account, filters and sequence numbers applied per session.
"""

from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

from .accounts import Account, Wallet

__all__ = ["Message", "Outbox", "Tag"]

#: (category, detail) used by auth filters, e.g. ("trading", "tBTCUSD"), ("wallet", "exchange-BTC").
Tag = Tuple[str, Optional[str]]


@dataclass
class Message:
    """One channel-0 message for one account: ``[0, type, payload]``."""

    account: Account
    type: str
    payload: Any
    tag: Tag


@dataclass
class Outbox:
    """Channel-0 messages produced by one operation, in the order the real server sends them."""

    messages: List[Message] = field(default_factory=list)

    def add(self, account: Account, type: str, payload: Any, tag: Tag) -> None:
        self.messages.append(Message(account, type, payload, tag))

    def notify(self, account: Account, payload: List[Any]) -> None:
        account.notifications.append(payload)
        self.add(account, "n", payload, ("notify", None))

    def wallet(self, account: Account, wallet: Wallet) -> None:
        self.add(account, "wu", wallet.row(), ("wallet", f"{wallet.type}-{wallet.currency}"))

    def extend(self, other: "Outbox") -> None:
        self.messages.extend(other.messages)
