"""The authenticated connection: account events (channel 0) and the inputs waiting for their answers.

It authenticates after every (re)connection with a fresh nonce from the client's nonce source, which REST
shares (Bitfinex keeps one counter per key). If a REST request took a larger nonce and reached Bitfinex
first, the authentication fails with 10114 although nothing is wrong: that case (our nonce is older than
the source's last one) is answered by authenticating again with a new nonce. Any other refusal is final:
the client stops with :class:`~bfxapi.exceptions.InvalidCredentialError`.
"""

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..._utils.nonce import NonceGenerator
from ..._utils.signatures import ws_auth_message
from ...exceptions import InvalidCredentialError, NonceError
from ...types import Notification
from .._connection import Connection, ConnectionContext, Routing
from ..account import Account
from .._history import History
from .. import _outcomes
from .._protocol import AccountSequence, ErrorCode, Flag
from .._handlers.auth_events_handler import AuthEventsHandler
from .._pacing import ConnectionRateGovernor
from ..exceptions import (
    ActionRequiresAuthentication,
    ConnectionNotOpen,
    InputInterruptedError,
    InputTimeoutError,
    BfxWebSocketException,
    InvalidMessageError,
    MaintenanceInProgressError,
    error_code,
)

if TYPE_CHECKING:
    from ..._utils.credentials import Credentials

__all__ = ["BfxWebSocketAuthConnection"]

_NONCE_RETRIES = 3


class _Pending:
    __slots__ = ("identity", "future", "target", "resolution")

    def __init__(
        self,
        identity: dict[str, Any],
        future: "asyncio.Future[Notification[Any]]",
        target: Optional[_outcomes.Target],
    ) -> None:
        self.identity = identity
        self.future = future
        #: what can be looked up after a drop (None: nothing, the server cannot tell)
        self.target = target
        #: the task finding out the outcome after a drop lost the answer
        self.resolution: Optional["asyncio.Task[None]"] = None


class BfxWebSocketAuthConnection(Connection):
    """The connection that carries the account channel and the inputs."""

    def __init__(
        self,
        host: str,
        context: ConnectionContext,
        governor: ConnectionRateGovernor,
        credentials: "Credentials",
        nonce: NonceGenerator,
        account: Optional[Account[Any]] = None,
        history: Optional[History] = None,
    ) -> None:
        super().__init__(host, context, "authenticated", governor)
        self._credentials = credentials
        self._nonce = nonce
        # The account's feeding methods are private to the client (users only read the account).
        # pylint: disable=protected-access
        self._account = account
        self._history = history
        self._resolving: set[_Pending] = set()
        # orders this client's inputs were told they cancelled (recent ones): a cancel whose answer was lost and
        # that finds one of them cancelled was not the one Bitfinex executed
        self._cancelled = _outcomes.Cancellations()
        # the account channel's handler, kept as its bound ``__call__`` (called per frame: see the bucket's routes)
        self._handler: Callable[[list[Any]], None] = AuthEventsHandler(
            self._emitter.emit,
            self._answer,
            self._logger,
            account._observe if account is not None else None,
            context.codec,
        ).__call__
        self._authenticated = asyncio.Event()
        self._failure: Optional[BaseException] = None
        self._auth_nonce = 0
        self._nonce_retries = 0
        #: the server's auth event (userId, caps, ...) of the current session
        self.info: Optional[dict[str, Any]] = None
        self._pending: dict[str, deque[_Pending]] = {}
        self._sequence = bool(self._flags & Flag.SEQ_ALL)
        self._audit = AccountSequence(audit_account=context.options.audit_account_sequence)

    @property
    def authenticated(self) -> bool:
        return self._authenticated.is_set()

    async def wait_authenticated(self) -> None:
        """Wait until authenticated; raise the error if authentication failed or the connection stopped."""
        task = self._task
        if task is None:
            raise ConnectionNotOpen("the authenticated connection was not started")
        waiter = asyncio.ensure_future(self._authenticated.wait())
        try:
            await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if self._failure is not None:
            raise self._failure
        # Authenticated once is enough: a drop right after is the supervisor's to repair.
        if not (waiter.done() and not waiter.cancelled()):
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
            raise ConnectionNotOpen("the authenticated connection stopped before authenticating")

    # -- inputs ----------------------------------------------------------------------------------------

    async def request(
        self, abbreviation: str, body: Any, answer: str, identity: dict[str, Any]
    ) -> Notification[Any]:
        """Send an input and wait for the ``answer`` notification matching ``identity``."""
        self._check_ready()
        future: "asyncio.Future[Notification[Any]]" = asyncio.get_running_loop().create_future()
        pending = _Pending(identity, future, _outcomes.target_of(abbreviation, body, _outcomes.now_ms(), self._account))
        self._pending.setdefault(answer, deque()).append(pending)
        timeout = self._context.options.input_timeout
        try:
            try:
                await self.send([0, abbreviation, None, body])
            except ConnectionError:
                if pending.target is None or not self._can_ask():
                    raise InputInterruptedError(
                        f"the connection dropped while sending the {abbreviation!r} input; it may not have reached "
                        "Bitfinex"
                    ) from None
                # The socket is going away: its loss starts the lookup of this input (it is pending), which says
                # whether the server got it.
                limit = self._context.options.input_resolution_timeout + timeout
                try:
                    return await asyncio.wait_for(asyncio.shield(future), limit)
                except asyncio.TimeoutError:
                    raise InputInterruptedError(_cannot_tell(_UNASKED)) from None
            try:
                return await asyncio.wait_for(asyncio.shield(future), timeout)
            except asyncio.TimeoutError:
                if pending.resolution is None:
                    raise InputTimeoutError(
                        f"Bitfinex did not answer the {abbreviation!r} input within {timeout:g} s; it may or may "
                        "not have been executed: check the account (orders, offers) before sending it again"
                    ) from None
            # A drop lost the answer: the resolution, bounded by input_resolution_timeout, settles the future.
            return await asyncio.shield(future)
        finally:
            queue = self._pending.get(answer)
            if queue is not None and pending in queue:
                queue.remove(pending)
            if pending.resolution is not None and not pending.resolution.done():
                pending.resolution.cancel()

    async def send_input(self, abbreviation: str, body: Any) -> None:
        """Send an input that gets no notification back."""
        self._check_ready()
        await self.send([0, abbreviation, None, body])

    def _check_ready(self) -> None:
        if self._context.maintenance():
            raise MaintenanceInProgressError(
                "Bitfinex is in maintenance (info 20060): inputs are refused until it ends (info 20061)"
            )
        if not self.authenticated:
            raise ActionRequiresAuthentication(
                "the authenticated connection is not up (still connecting, or reconnecting): try again once "
                "the 'authenticated' event has been emitted"
            )

    def _answer(self, notification: Notification[Any]) -> None:
        queue = self._pending.get(notification.type)
        if not queue:
            return
        data = notification.data
        chosen: Optional[_Pending] = None
        for pending in queue:
            if pending.identity and data is not None and all(
                getattr(data, key, None) == value for key, value in pending.identity.items()
            ):
                chosen = pending
                break
        if chosen is None:
            # No identity to match on (or none sent back): the oldest input of that kind.
            chosen = next((p for p in queue if not p.identity or data is None or _no_identity(data)), None)
        if chosen is not None:
            queue.remove(chosen)
            if not chosen.future.done():
                self._note_cancelled(notification)
                chosen.future.set_result(notification)

    def _note_cancelled(self, notification: Notification[Any]) -> None:
        self._cancelled.add(_outcomes.cancelled_ids(notification))

    # -- connection hooks ----------------------------------------------------------------------------

    async def _on_open(self) -> None:
        self._nonce_retries = 0
        await self._send_auth()

    async def _send_auth(self) -> None:
        self._auth_nonce = self._nonce.next()
        credentials = self._credentials
        await self.send(
            ws_auth_message(
                credentials.api_key,
                credentials.api_secret,
                self._auth_nonce,
                filters=credentials.auth_filters,
                dms=4 if self._context.options.dead_man_switch else None,
            )
        )

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "auth":
            self._on_auth(event)
        elif kind == "error":
            self._logger.warning(
                "%s: error from the server: %s (code %s)", self.name, event.get("msg"), event.get("code")
            )
            self._emitter.emit("wss-error", event.get("code"), str(event.get("msg", "error")))
        else:
            self._logger.debug("%s: unhandled event %s", self.name, event)

    def _on_auth(self, event: dict[str, Any]) -> None:
        if event.get("status") == "OK":
            self.info = event
            self._authenticated.set()
            if self._account is not None:
                self._account._session_started()  # pylint: disable=protected-access
            self._logger.info("%s: authenticated (user %s)", self.name, event.get("userId"))
            self._emitter.emit("authenticated", event)
            return
        code = error_code(event.get("code"))
        message = str(event.get("msg", "authentication failed"))
        if code == ErrorCode.AUTH_NONCE and self._nonce_retries < _NONCE_RETRIES:
            # A request of this client (REST) or of another process sharing the key got a larger nonce to
            # Bitfinex first: a fresh nonce is safe to try, a refused authentication did nothing.
            self._nonce_retries += 1
            self._logger.info("%s: nonce overtaken by a concurrent request; authenticating again", self.name)
            asyncio.get_running_loop().create_task(self._send_auth())
            return
        if code == ErrorCode.AUTH_NONCE:
            self._failure = NonceError(f"Bitfinex refused the authentication: {message}", code)
        else:
            self._failure = InvalidCredentialError(f"Bitfinex refused the authentication: {message}", code)
        self._logger.error("%s: %s", self.name, self._failure)
        self._context.on_fatal(self._failure)

    def _routing(self) -> Routing:
        return Routing({0: self._on_account_frame}, None, None, self._on_list)

    def _on_list(self, data: list[Any]) -> None:
        raise InvalidMessageError(f"frame on {self.name}", data, f"unexpected channel id {data[0]!r}")

    def _on_account_frame(self, data: list[Any]) -> None:
        if self._sequence:
            self._check_sequence(self._audit, data)
        if data[1] != "hb":
            self._handler(data)
        else:
            # Channel 0 belongs to no subscription: its heartbeat is told with None in the subscription's place.
            self._emitter.emit("heartbeat", None)

    @property
    def last_sequence(self) -> int:
        """The last public sequence number of channel 0."""
        return self._audit.public

    @property
    def last_account_sequence(self) -> int:
        """The last account-stream sequence number (the second counter of channel 0)."""
        return self._audit.account

    def _on_new_socket(self) -> None:
        self._audit.reset()

    def _on_lost(self) -> None:
        self._authenticated.clear()
        self.info = None
        if self._account is not None:
            self._account._session_lost()  # pylint: disable=protected-access
        can_ask = self._can_ask()
        for queue in self._pending.values():
            for pending in queue:
                if pending.future.done():
                    continue
                if self.closed:
                    pending.future.set_exception(InputInterruptedError(_cannot_tell(_CLOSED)))
                elif pending.target is None:
                    pending.future.set_exception(InputInterruptedError(_cannot_tell(_UNTOLD)))
                elif not can_ask:
                    pending.future.set_exception(InputInterruptedError(_cannot_tell(_UNASKED)))
                else:
                    self._resolving.add(pending)
                    pending.resolution = asyncio.get_running_loop().create_task(
                        self._resolve(pending), name="bfxapi:input-resolution"
                    )
            queue.clear()

    def _can_ask(self) -> bool:
        """Whether an input's outcome can be looked up after a drop (the account and the order history)."""
        return self._account is not None and self._history is not None

    async def close(self, code: int = 1000, reason: str = "") -> None:
        # Closing ends the reconnection the resolutions wait for: their callers learn it at once.
        for pending in list(self._resolving):
            if not pending.future.done():
                pending.future.set_exception(InputInterruptedError(_cannot_tell(_CLOSED)))
            if pending.resolution is not None:
                pending.resolution.cancel()
        await super().close(code, reason)

    async def _resolve(self, pending: _Pending) -> None:
        """Settle an input whose answer a drop lost with what the server says after the reconnection."""
        limit = self._context.options.input_resolution_timeout
        try:
            outcome = await asyncio.wait_for(self._outcome(pending), limit)
        except asyncio.TimeoutError:
            error: BaseException = InputInterruptedError(
                f"the connection dropped before Bitfinex answered, and the server could not be asked within {limit:g} "
                "s (input_resolution_timeout): the input may or may not have been executed; check the account "
                "before sending it again"
            )
        except BfxWebSocketException as failure:
            error = failure
        except Exception as failure:  # pylint: disable=broad-exception-caught
            # A failed lookup (REST down, refused...) must not pass for an answer.
            error = InputInterruptedError(
                f"the connection dropped before Bitfinex answered, and asking the server failed ({failure}): the "
                "input may or may not have been executed; check the account before sending it again"
            )
        else:
            if not pending.future.done():
                pending.future.set_result(outcome)
            return
        finally:
            self._resolving.discard(pending)
        if not pending.future.done():
            pending.future.set_exception(error)

    async def _outcome(self, pending: _Pending) -> Notification[Any]:
        account, history = self._account, self._history
        assert account is not None and history is not None and pending.target is not None
        # Only the snapshots of the new session say what the server holds now.
        await account.wait_synced()
        return await _outcomes.resolve(pending.target, account, history, self._cancelled)


_CLOSED = "the client was closed"
_UNTOLD = "the server cannot tell what became of this kind of input"
_UNASKED = "the server could not be asked (no managed account and order history to look the order up in)"


def _cannot_tell(why: str) -> str:
    return (
        f"the authenticated connection dropped before Bitfinex answered and {why}: the input may or may not have "
        "been executed; check the account before sending it again"
    )


def _no_identity(data: Any) -> bool:
    return getattr(data, "id", None) is None and getattr(data, "cid", None) is None
