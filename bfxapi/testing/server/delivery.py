"""Delivery of what the engines did: an :class:`~bfxapi.testing.model.outbox.Outbox` written to the accounts'
live authenticated sessions, then the public side of the change published.

With a ``trade_update_delay`` (:mod:`.cadence`), the ``tu``/``ftu`` of an account's fills are held back that long,
then sent to the sessions that got their ``te`` and are still open: the rest of the operation (wallets, order and
position updates) goes at once, as on Bitfinex.
"""

from typing import Awaitable, Callable, List

from ..model.accounts import Account
from ..model.outbox import Message, Outbox
from .account_channel import send_messages
from .connection import Connection
from .context import ServerContext

__all__ = ["deliver", "DELAYED_TYPES"]

#: the account messages sent ``trade_update_delay`` after the rest
DELAYED_TYPES = ("tu", "ftu")


async def deliver(ctx: ServerContext, out: Outbox, publish: bool = True) -> None:
    """Write the outbox to every live authenticated session of each account concerned, in order; then
    (``publish``) send the public channels what the operation changed (trades, book entries of account orders)."""
    accounts: List[Account] = []
    for message in out.messages:
        if message.account not in accounts:
            accounts.append(message.account)
    delay = ctx.trade_update_delay
    for account in accounts:
        messages = [m for m in out.messages if m.account is account]
        held = [m for m in messages if m.type in DELAYED_TYPES] if delay > 0 else []
        if held:
            messages = [m for m in messages if m.type not in DELAYED_TYPES]
        sessions = list(account.sessions)
        for conn in sessions:
            await send_messages(conn, messages)
        if held:
            ctx.later(delay, _sender(ctx, sessions, held))
    if publish:
        await ctx.publish_account_changes()
    ctx.notify()


def _sender(ctx: ServerContext, sessions: List[Connection], messages: List[Message]) -> Callable[[], Awaitable[None]]:
    async def send() -> None:
        for conn in sessions:
            if conn.open:
                await send_messages(conn, messages)
        ctx.notify()
    return send
